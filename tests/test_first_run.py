"""A fresh install: ``migrate`` alone brings the shipped catalogue and step plan, once; a
newcomer's first ``make run`` (migrate, demo data) prints no warnings."""

import os
import subprocess
import sys
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import timezone

from guidelines.definitions import load_file, load_shipped
from guidelines.models import GuidelineVersion
from tasks.models import CatalogueImport, Task, TaskGroup
from tasks.services import load_shipped_catalogue
from tests.guidelines.conftest import definition, dump

ROOT = Path(__file__).resolve().parents[1]
COUNTS = (
    "from tasks.models import Task, CatalogueImport; "
    "from guidelines.models import GuidelineVersion as V; "
    "print(Task.objects.count(), CatalogueImport.objects.count(), "
    "V.objects.filter(guideline__key='stappenplan', published_at__isnull=False).count(), "
    "V.objects.count())"
)


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    return result


def _counts(env: dict[str, str]) -> list[str]:
    """Tasks, catalogue imports, published step plan versions, guideline versions."""
    return _manage(env, "shell", "--no-imports", "-c", COUNTS).stdout.split()


def _fresh_env(tmp_path: Path) -> dict[str, str]:
    env = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("DJANGO_", "DATABASE_", "ICTTEAM_", "CELERY_", "REDIS_"))
    }
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'db.sqlite3'}"
    return env


def test_first_run_on_the_embedded_defaults_prints_no_warnings(tmp_path):
    env = _fresh_env(tmp_path)
    migrated = _manage(env, "migrate", "--noinput")
    assert "Loaded the shipped task catalogue: " in migrated.stdout
    assert "Loaded and published the shipped step plan: Stappenplan ICT-team v1." in (
        migrated.stdout
    )
    tasks, imports, published, versions = _counts(env)
    assert int(tasks) >= 50 and (imports, published, versions) == ("1", "1", "1")

    again = _manage(env, "migrate", "--noinput")
    assert "shipped" not in again.stdout
    seeded = _manage(env, "seed_demo", "--password", "first-Run-pass-1")
    output = migrated.stdout + migrated.stderr + seeded.stdout + seeded.stderr
    assert "Demo data ready" in output
    # The demo data runs jobs in-process, through the in-memory broker.
    assert "No hostname was supplied" not in output
    assert "warning" not in output.lower()
    # The demo took the catalogue and the step plan that were there, and added the
    # provisional guidelines for its pilot.
    assert _counts(env) == [tasks, "1", "1", "2"]


def test_a_partial_migrate_loads_nothing(tmp_path):
    # Migrating to an older migration leaves tables out: nothing may be loaded yet.
    env = _fresh_env(tmp_path)
    partial = _manage(env, "migrate", "tasks", "0002", "--noinput")
    assert "shipped" not in partial.stdout
    assert "Loaded the shipped task catalogue" in _manage(env, "migrate", "--noinput").stdout


@pytest.mark.django_db
def test_migrate_loads_the_shipped_content_once(settings):
    settings.LOAD_SHIPPED_CONTENT = True
    out = StringIO()
    call_command("migrate", stdout=out)
    created = Task.objects.count()
    assert created >= 50
    assert f"Loaded the shipped task catalogue: {created} tasks." in out.getvalue()
    assert set(Task.objects.values_list("group", flat=True)) == set(
        TaskGroup.objects.values_list("pk", flat=True)
    )
    version = GuidelineVersion.objects.get()
    assert (version.guideline.key, version.number, version.is_published) == (
        "stappenplan",
        1,
        True,
    )
    assert version.steps.count() == 8

    again = StringIO()
    call_command("migrate", stdout=again)
    assert "shipped" not in again.getvalue()
    assert Task.objects.count() == created
    assert CatalogueImport.objects.count() == 1
    assert GuidelineVersion.objects.count() == 1


@pytest.mark.django_db
def test_migrate_loads_nothing_when_turned_off():
    # The tests run with LOAD_SHIPPED_CONTENT off, as a deployment may.
    call_command("migrate", verbosity=0)
    assert not Task.objects.exists()
    assert not GuidelineVersion.objects.exists()


@pytest.mark.django_db
def test_a_catalogue_that_is_there_is_never_replaced():
    group = TaskGroup.objects.by_position().first()
    Task.objects.create(
        code="X1", title="Onze eigen taak", group=group, is_active=False, retired_at=timezone.now()
    )
    assert load_shipped_catalogue() is None
    assert list(Task.objects.values_list("title", flat=True)) == ["Onze eigen taak"]
    assert not CatalogueImport.objects.exists()


@pytest.mark.django_db
@pytest.mark.parametrize("publish", [True, False], ids=["published", "draft"])
def test_a_newer_step_plan_version_is_never_replaced(publish):
    newer = definition()
    newer["version"]["number"] = 2
    newer["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Onze eigen woorden"
    load_file(dump(newer), publish=publish)
    assert load_shipped() is None
    version = GuidelineVersion.objects.get()
    assert (version.number, version.is_published) == (2, publish)
    assert version.items.filter(title_nl="Onze eigen woorden").exists()


@pytest.mark.django_db
def test_the_shipped_step_plan_keeps_an_edited_version_of_its_own_number():
    edited = definition()
    edited["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Aangepast"
    load_file(dump(edited))
    assert load_shipped() is None
    version = GuidelineVersion.objects.get()
    assert not version.is_published
    assert version.items.filter(title_nl="Aangepast").exists()
