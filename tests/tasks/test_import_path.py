"""One import path: read once, in the request or in a job by what it costs to parse."""

import json

import openpyxl
import pytest
from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings as django_settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from tasks import jobs, services
from tasks.models import CatalogueImport, Task

from .test_bad_files import inflated
from .workbooks import add_part, simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db
Status = CatalogueImport.Status
MB = 1024 * 1024


def start(data, maintainer, django_capture_on_commit_callbacks):
    """Upload ``data`` as the browser does; the jobs it sends are returned, not run."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        record = services.start_upload(data=data, file_name="taken.xlsx", user=maintainer)
    record.refresh_from_db()
    return record, callbacks


def many_small_parts(data: bytes, count: int, size: int) -> bytes:
    for index in range(count):
        body = b"<root><!--" + b"x" * size + b"--></root>"
        data = add_part(data, f"customXml/item{index}.xml", body)
    return data


@pytest.mark.parametrize(
    "data",
    [
        pytest.param(
            lambda: inflated(workbook_bytes(simple_rows(4)), "xl/sharedStrings.xml", 3 * MB),
            id="large shared strings",
        ),
        pytest.param(
            lambda: inflated(workbook_bytes(simple_rows(4)), "xl/styles.xml", 3 * MB),
            id="large styles",
        ),
        pytest.param(
            lambda: many_small_parts(workbook_bytes(simple_rows(4)), 120, 20_000),
            id="many small parts",
        ),
    ],
)
def test_a_few_rows_with_much_to_parse_are_read_by_a_job_not_in_the_request(
    data, maintainer, django_capture_on_commit_callbacks
):
    workbook = data()
    record, callbacks = start(workbook, maintainer, django_capture_on_commit_callbacks)
    assert record.status == Status.ANALYSING  # nothing parsed in the request
    assert (record.row_count, record.progress_done) == (0, 0)
    assert len(callbacks) == 1
    callbacks[0]()  # the job, after the request's commit
    record.refresh_from_db()
    assert (record.status, record.created) == (Status.PREVIEW, 4)


def test_a_small_workbook_is_read_in_the_request(maintainer, django_capture_on_commit_callbacks):
    record, callbacks = start(
        workbook_bytes(simple_rows(200)), maintainer, django_capture_on_commit_callbacks
    )
    assert (record.status, record.created, callbacks) == (Status.PREVIEW, 200, [])


def test_the_file_is_read_once_and_dropped_after_the_preview(
    client, maintainer, monkeypatch, django_capture_on_commit_callbacks
):
    reads = []
    load = openpyxl.load_workbook
    monkeypatch.setattr(openpyxl, "load_workbook", lambda *a, **k: reads.append(1) or load(*a, **k))
    client.force_login(maintainer)
    upload = SimpleUploadedFile("taken.xlsx", workbook_bytes(simple_rows(3)))
    client.post(reverse("tasks:import_new"), {"file": upload})
    record = CatalogueImport.objects.get()
    assert record.status == Status.PREVIEW
    assert record.content is None  # the writing step cannot read the file again
    assert [row["title"] for row in record.rows] == ["Taak 1", "Taak 2", "Taak 3"]
    client.post(reverse("tasks:import_confirm", args=[record.pk]))
    record.refresh_from_db()
    assert (record.status, record.rows) == (Status.APPLIED, [])
    assert sorted(Task.objects.values_list("title", "title_key")) == [
        ("Taak 1", "taak 1"),
        ("Taak 2", "taak 2"),
        ("Taak 3", "taak 3"),
    ]
    assert reads == [1]


def test_a_group_removed_after_the_preview_fails_the_import_cleanly(maintainer, groups):
    record = services.start_upload(
        data=workbook_bytes([["Taak", "Groep"], ["Wifi", "Technisch"]]),
        file_name="taken.xlsx",
        user=maintainer,
    )
    assert record.status == Status.PREVIEW
    Task.objects.filter(group=groups["technical"]).delete()
    groups["technical"].delete()
    services.confirm_upload(record=record)
    record.refresh_from_db()
    assert record.status == Status.FAILED
    assert record.errors[0]["code"] == "groups_changed"
    assert not Task.objects.exists()


def test_job_limits_are_set():
    assert django_settings.CELERY_TASK_SOFT_TIME_LIMIT < django_settings.CELERY_TASK_TIME_LIMIT
    assert django_settings.CELERY_TASK_TIME_LIMIT <= 600
    assert 0 < django_settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD <= 1024 * 1024
    from ictteam.celery import app

    assert app.conf.task_soft_time_limit == django_settings.CELERY_TASK_SOFT_TIME_LIMIT
    assert app.conf.task_time_limit == django_settings.CELERY_TASK_TIME_LIMIT
    assert (
        app.conf.worker_max_memory_per_child == django_settings.CELERY_WORKER_MAX_MEMORY_PER_CHILD
    )


def test_a_job_past_its_time_limit_ends_its_import_with_the_reason(
    maintainer, monkeypatch, django_capture_on_commit_callbacks
):
    record, _ = start(
        inflated(workbook_bytes(simple_rows(4)), "xl/styles.xml", 3 * MB),
        maintainer,
        django_capture_on_commit_callbacks,
    )

    def too_slow(*args, **kwargs):
        raise SoftTimeLimitExceeded

    monkeypatch.setattr(openpyxl, "load_workbook", too_slow)
    jobs.analyse_import(record.pk)
    record.refresh_from_db()
    assert (record.status, record.content) == (Status.FAILED, None)
    assert record.errors[0]["code"] == "too_slow"
    assert record.errors[0]["params"] == {"limit": django_settings.CELERY_TASK_SOFT_TIME_LIMIT}


# --- Retiring much of the catalogue ------------------------------------------------------


@pytest.fixture
def catalogue(groups):
    rows = simple_rows(8)
    services.import_file(
        data=workbook_bytes(rows), file_name="eerste.xlsx", dry_run=False, allow_retire=True
    )
    assert Task.objects.active().count() == 8
    return rows


def run_import(path, *args, capsys):
    code = 0
    try:
        call_command("import_catalogue", str(path), "--json", *args)
    except SystemExit as exit_:
        code = exit_.code
    out, _ = capsys.readouterr()
    return code, json.loads(out)


def test_the_command_refuses_to_retire_more_than_a_quarter(tmp_path, capsys, catalogue):
    path = tmp_path / "deel.xlsx"
    path.write_bytes(workbook_bytes(catalogue[:6]))  # 5 of 8 tasks: 3 retired
    for args in ((), ("--dry-run",)):
        code, result = run_import(path, *args, capsys=capsys)
        assert code == 1
        assert result["retired"] == 3
        message = result["errors"][0]["message"]
        assert "3 van de 8 actieve taken" in message and "--allow-retire" in message
        assert Task.objects.active().count() == 8
    assert CatalogueImport.objects.latest("pk").rows == []


def test_allow_retire_imports_it(tmp_path, capsys, catalogue):
    path = tmp_path / "deel.xlsx"
    path.write_bytes(workbook_bytes(catalogue[:6]))
    code, result = run_import(path, "--allow-retire", capsys=capsys)
    assert (code, result["retired"], result["errors"]) == (0, 3, [])
    assert Task.objects.active().count() == 5


def test_retiring_a_quarter_or_less_needs_no_flag(tmp_path, capsys, catalogue):
    path = tmp_path / "bijna.xlsx"
    path.write_bytes(workbook_bytes(catalogue[:7]))  # 6 of 8: 2 retired, exactly a quarter
    code, result = run_import(path, capsys=capsys)
    assert (code, result["retired"]) == (0, 2)


def test_a_workbook_without_tasks_retires_nothing_from_the_command_line(
    tmp_path, capsys, catalogue
):
    path = tmp_path / "leeg.xlsx"
    path.write_bytes(workbook_bytes(catalogue[:1]))
    code, result = run_import(path, "--allow-retire", capsys=capsys)
    assert code == 1
    assert result["errors"][0]["message"].startswith("Geen taken gevonden")
    assert Task.objects.active().count() == 8


def test_the_preview_says_prominently_that_much_is_retired(client, maintainer, catalogue):
    client.force_login(maintainer)
    upload = SimpleUploadedFile("deel.xlsx", workbook_bytes(catalogue[:3]))
    page = client.post(reverse("tasks:import_new"), {"file": upload}, follow=True)
    html = page.content.decode()
    assert 'id="retire-warning"' in html
    assert "Deze import zet 6 van de 8 actieve taken buiten gebruik" in html
    record = CatalogueImport.objects.get(file_name="deel.xlsx")
    assert (record.status, record.retired, record.active_before) == (Status.PREVIEW, 6, 8)


def test_the_preview_has_no_warning_for_a_small_change(client, maintainer, catalogue):
    client.force_login(maintainer)
    upload = SimpleUploadedFile("bijna.xlsx", workbook_bytes(catalogue))
    html = client.post(reverse("tasks:import_new"), {"file": upload}, follow=True).content
    assert b'id="retire-warning"' not in html


def test_a_workbook_without_tasks_is_refused_in_the_browser(client, maintainer, catalogue):
    client.force_login(maintainer)
    upload = SimpleUploadedFile("leeg.xlsx", workbook_bytes(catalogue[:1]))
    html = client.post(reverse("tasks:import_new"), {"file": upload}, follow=True).content
    assert b"Geen taken gevonden" in html
    assert CatalogueImport.objects.get(file_name="leeg.xlsx").status == Status.REFUSED


def test_a_job_killed_again_and_again_gives_up_instead_of_running_forever(
    maintainer, django_capture_on_commit_callbacks
):
    # A hard time limit or the out-of-memory killer ends the job without a word;
    # the periodic scan then sends it again. Each run counts.
    record, _ = start(
        inflated(workbook_bytes(simple_rows(4)), "xl/styles.xml", 3 * MB),
        maintainer,
        django_capture_on_commit_callbacks,
    )
    for _ in range(services.MAX_JOB_RUNS):
        assert services.start_job(record.pk) is not None  # ...and is killed
    jobs.analyse_import(record.pk)
    record.refresh_from_db()
    assert (record.status, record.content) == (Status.FAILED, None)
    assert record.errors[0]["code"] == "job_gave_up"
    assert services.stale_waiting_imports() == []


def test_a_job_for_an_import_no_longer_waiting_does_nothing(maintainer):
    record = services.start_upload(
        data=workbook_bytes(simple_rows(2)), file_name="taken.xlsx", user=maintainer
    )
    assert record.status == Status.PREVIEW
    jobs.analyse_import(record.pk)
    jobs.apply_import(record.pk)
    record.refresh_from_db()
    assert (record.status, record.job_runs) == (Status.PREVIEW, 0)
    assert not Task.objects.exists()


def test_an_import_confirmed_without_kept_tasks_fails_instead_of_retiring_everything(
    maintainer, catalogue
):
    # As an import previewed before the tasks were kept with it would be.
    record = services.start_upload(
        data=workbook_bytes(catalogue), file_name="taken.xlsx", user=maintainer
    )
    CatalogueImport.objects.filter(pk=record.pk).update(rows=[])
    services.confirm_upload(record=record)
    record.refresh_from_db()
    assert (record.status, record.errors[0]["code"]) == (Status.FAILED, "no_tasks")
    assert Task.objects.active().count() == 8
