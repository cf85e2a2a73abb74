"""A newcomer's first ``make run`` (migrate, demo data) prints no warnings."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_first_run_on_the_embedded_defaults_prints_no_warnings(tmp_path):
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "ICTTEAM_", "CELERY_", "REDIS_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    output = ""
    for args in (["migrate", "--noinput"], ["seed_demo", "--password", "first-Run-pass-1"]):
        result = subprocess.run(
            [sys.executable, "manage.py", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )
        assert result.returncode == 0, result.stderr[-2000:]
        output += result.stdout + result.stderr
    assert "Demo data ready" in output
    # The demo data runs jobs in-process, through the in-memory broker.
    assert "No hostname was supplied" not in output
    assert "warning" not in output.lower()
