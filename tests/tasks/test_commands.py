"""The command-line contract other tooling relies on."""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import call_command

from tasks.models import Task

from .workbooks import simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]


def run_import(*args, capsys):
    code = 0
    try:
        call_command("import_catalogue", *args)
    except SystemExit as exit_:
        code = exit_.code
    out, err = capsys.readouterr()
    return code, out, err


def test_json_success(tmp_path, capsys):
    path = tmp_path / "taken.xlsx"
    path.write_bytes(workbook_bytes(simple_rows(3)))
    code, out, _ = run_import(str(path), "--json", capsys=capsys)
    assert code == 0
    assert json.loads(out) == {
        "created": 3,
        "updated": 0,
        "unchanged": 0,
        "retired": 0,
        "errors": [],
        "dry_run": False,
    }
    assert out.count("\n") <= 1
    assert Task.objects.count() == 3


def test_json_dry_run(tmp_path, capsys):
    path = tmp_path / "taken.xlsx"
    path.write_bytes(workbook_bytes(simple_rows(3)))
    code, out, _ = run_import(str(path), "--json", "--dry-run", capsys=capsys)
    assert (code, json.loads(out)["dry_run"], json.loads(out)["created"]) == (0, True, 3)
    assert Task.objects.count() == 0


def test_invalid_rows_exit_1_with_errors_and_nothing_written(tmp_path, capsys):
    rows = simple_rows(3)
    rows[2][6] = "veel"
    path = tmp_path / "taken.xlsx"
    path.write_bytes(workbook_bytes(rows))
    code, out, _ = run_import(str(path), "--json", capsys=capsys)
    result = json.loads(out)
    assert code == 1
    assert result["errors"] == [
        {"sheet": "Taken", "cell": "G3", "message": result["errors"][0]["message"]}
    ]
    assert "veel" in result["errors"][0]["message"]
    assert Task.objects.count() == 0


def test_refused_file_exits_1(tmp_path, capsys):
    path = tmp_path / "plaatje.xlsx"
    path.write_bytes(b"\x89PNG\r\n\x1a\n")
    code, out, _ = run_import(str(path), "--json", capsys=capsys)
    assert code == 1
    assert json.loads(out)["errors"][0]["cell"] == ""


def test_human_output_lists_problems_on_stderr(tmp_path, capsys):
    rows = simple_rows(1)
    rows[1][6] = "veel"
    path = tmp_path / "taken.xlsx"
    path.write_bytes(workbook_bytes(rows))
    code, out, err = run_import(str(path), capsys=capsys)
    assert code == 1
    assert "Taken!G2" in err and out == ""


def test_usage_errors_exit_2(tmp_path):
    missing = subprocess.run(
        [sys.executable, "manage.py", "import_catalogue", str(tmp_path / "nope.xlsx")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert missing.returncode == 2
    unknown = subprocess.run(
        [sys.executable, "manage.py", "import_catalogue", "--bogus"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert unknown.returncode == 2


def test_export_command_round_trip(tmp_path, capsys):
    source = tmp_path / "taken.xlsx"
    source.write_bytes(workbook_bytes(simple_rows(4)))
    run_import(str(source), capsys=capsys)
    target = tmp_path / "export.xlsx"
    call_command("export_catalogue", str(target))
    assert "4 tasks written" in capsys.readouterr().out
    code, out, _ = run_import(str(target), "--json", capsys=capsys)
    assert code == 0
    assert json.loads(out)["unchanged"] == 4
    assert list(tmp_path.glob("*.tmp")) == []
