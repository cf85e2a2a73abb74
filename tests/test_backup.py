"""A backup taken with the commands of docs/deployment.md restores into an empty database
with the same rows: the documented commands are run here as an operator would type them."""

from __future__ import annotations

import subprocess

import psycopg2
import pytest
from django.conf import settings
from django.core.management import call_command
from django.db import connection

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def url(name: str) -> str:
    db = settings.DATABASES["default"]
    auth = db["USER"] + (f":{db['PASSWORD']}" if db.get("PASSWORD") else "")
    return f"postgres://{auth}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"


def admin(*statements: str) -> None:
    """Run statements outside a transaction, as CREATE and DROP DATABASE need."""
    conn = psycopg2.connect(url("postgres"))
    conn.autocommit = True
    try:
        with conn.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)
    finally:
        conn.close()


def row_counts(database_url: str) -> dict[str, int]:
    with psycopg2.connect(database_url) as conn, conn.cursor() as cursor:
        cursor.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY tablename"
        )
        tables = [name for (name,) in cursor.fetchall()]
        counts = {}
        for table in tables:
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608  (names from the catalogue)
            counts[table] = cursor.fetchone()[0]
    conn.close()
    return counts


def test_a_backup_restores_into_an_empty_database_with_the_same_rows(tmp_path, standard_data):
    call_command("seed_demo", "--password", "Demo-Pass-1")
    source = url(connection.settings_dict["NAME"])
    restored_name = connection.settings_dict["NAME"] + "_restored"
    restored = url(restored_name)
    dump = tmp_path / "ictteam.dump"
    admin(f'DROP DATABASE IF EXISTS "{restored_name}"', f'CREATE DATABASE "{restored_name}"')
    try:
        # docs/deployment.md, "Backup and restore": the same two commands.
        subprocess.run(
            ["pg_dump", "--format=custom", "--no-owner", f"--file={dump}", source],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        subprocess.run(
            ["pg_restore", "--no-owner", "--exit-on-error", f"--dbname={restored}", str(dump)],
            check=True, capture_output=True, timeout=300,
        )  # fmt: skip
        before, after = row_counts(source), row_counts(restored)
        assert before["teams_assignment"] > 0 and before["tasks_task"] > 0
        assert after == before
    finally:
        admin(f'DROP DATABASE IF EXISTS "{restored_name}"')
