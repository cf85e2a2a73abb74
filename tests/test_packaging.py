"""The wheel of ``pip install .`` runs from anywhere: no checkout, only the installed package.

The wheel is built offline (no build isolation) from a copy of the checkout, installed into a
folder of its own, and used from a directory outside the checkout.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
CONTENT = ("templates", "static", "locale", "fixtures")

# What a developer's checkout holds besides the sources; none of it belongs in a build.
NOT_SOURCES = shutil.ignore_patterns(
    ".git",
    ".venv",
    ".env",
    "build",
    "dist",
    "*.egg-info",
    "__pycache__",
    "*.pyc",
    ".*_cache",
    "staticfiles",
    "media",
    "test-results",
    "*.sqlite3",
    "celerybeat-schedule*",
)

# Run with the installed package first on the path, from outside the checkout.
USE_INSTALLED = """
import json
from pathlib import Path

import django

django.setup()

import ictteam
from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.management import call_command
from django.template.loader import get_template
from django.test import Client

from guidelines.models import GuidelineVersion
from tasks.models import Task

call_command("check", fail_level="WARNING")
call_command("migrate", verbosity=0)
response = Client().get("/login/", HTTP_HOST="localhost")
print(json.dumps({
    "package": str(Path(ictteam.__file__).parent),
    "template": get_template("base.html").origin.name,
    "style": finders.find("css/app.css"),
    "locale": [str(path) for path in settings.LOCALE_PATHS],
    "status": response.status_code,
    "page": response.content.decode(),
    "tasks": Task.objects.count(),
    "guideline_versions": GuidelineVersion.objects.count(),
}))
"""


def clean_environment(**extra: str) -> dict[str, str]:
    """The process environment without any of the project's settings, plus ``extra``."""
    return {
        **{
            name: value
            for name, value in os.environ.items()
            if not name.startswith(("DJANGO_", "DATABASE_", "ICTTEAM_", "CELERY_", "REDIS_"))
            and name not in ("CACHE_URL", "EMAIL_URL", "STATIC_ROOT", "PYTHONPATH")
        },
        **extra,
    }


def run(args: list[str], cwd: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(
        args, cwd=cwd, env=clean_environment(**extra), capture_output=True, text=True, timeout=180
    )
    assert result.returncode == 0, (result.stdout + result.stderr)[-3000:]
    return result


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The wheel ``pip install .`` builds, from a copy so the checkout gets no build files."""
    work = tmp_path_factory.mktemp("packaging")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCES, symlinks=True)
    pip = [sys.executable, "-m", "pip", "--quiet"]
    run([*pip, "wheel", "--no-deps", "--no-build-isolation", "-w", "dist", "."], cwd=source)
    (built,) = (source / "dist").glob("ictteam-*.whl")
    return built


def test_the_wheel_holds_every_shared_file(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    for folder in CONTENT:
        for path in (ROOT / folder).rglob("*"):
            if path.is_file():
                inside = f"ictteam/content/{path.relative_to(ROOT).as_posix()}"
                assert inside in names, f"{inside} is not in the wheel"
    for name in (
        "ictteam/content/templates/base.html",
        "ictteam/content/static/css/app.css",
        "ictteam/content/locale/nl/LC_MESSAGES/django.mo",
        "ictteam/content/fixtures/takenoverzicht-ict-coordinatie.xlsx",
        "ictteam/content/fixtures/guidelines/stappenplan.json",
        "ictteam/settings.py",
        "teams/models/__init__.py",
        "guidelines/migrations/0001_initial.py",
    ):
        assert name in names
    # Nothing at the top of site-packages but the project's own packages.
    tops = {name.split("/")[0] for name in names if ".dist-info/" not in name}
    assert tops == {"ictteam", "tasks", "teams", "guidelines"}


def test_the_installed_package_serves_the_login_page_from_outside_the_checkout(wheel, tmp_path):
    site = tmp_path / "site"
    pip = [sys.executable, "-m", "pip", "--quiet"]
    run([*pip, "install", "--no-deps", "--no-index", "-t", str(site), str(wheel)], cwd=tmp_path)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    result = run(
        [sys.executable, "-c", USE_INSTALLED],
        cwd=elsewhere,
        PYTHONPATH=str(site),
        DJANGO_SETTINGS_MODULE="ictteam.settings",
        DATABASE_URL=f"sqlite:///{tmp_path / 'installed.sqlite3'}",
    )
    found = json.loads(result.stdout.strip().splitlines()[-1])

    package = site / "ictteam"
    assert found["package"] == str(package)
    assert found["template"] == str(package / "content" / "templates" / "base.html")
    assert found["style"] == str(package / "content" / "static" / "css" / "app.css")
    assert found["locale"] == [str(package / "content" / "locale")]
    assert found["status"] == 200
    # Our own catalogue's Dutch, so the compiled messages came from the package.
    assert "Aanmelden bij ICT-team" in found["page"]
    # migrate loaded the shipped task overview and step plan from the package's fixtures.
    assert found["tasks"] > 0
    assert found["guideline_versions"] >= 1
