"""Catalogue pages and the upload, preview, confirm flow."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import CatalogueImport, Frequency, Level, Task

from .workbooks import simple_rows, workbook_bytes

pytestmark = pytest.mark.django_db
Status = CatalogueImport.Status


def upload(client, data, name="taken.xlsx"):
    return client.post(
        reverse("tasks:import_new"), {"file": SimpleUploadedFile(name, data)}, follow=True
    )


@pytest.fixture
def tasks(groups):
    return [
        Task.objects.create(
            code="T1",
            title="Wifi beheren",
            group=groups["technical"],
            suggested_role="netwerkbeheerder",
            frequency=Frequency.WEEKLY,
            hours_per_year=10,
        ),
        Task.objects.create(
            code="P1",
            title="Coaching in de klas",
            group=groups["pedagogical"],
            suggested_role="pedagogisch ICT-coördinator",
            frequency=Frequency.MONTHLY,
            level=Level.SCHOOL_GROUP,
        ),
        Task.objects.create(
            code="A1",
            title="Oud register",
            group=groups["administrative"],
            is_active=False,
            retired_at="2024-01-01T00:00Z",
        ),
    ]


def titles(response):
    return [task.title for task in response.context["page"].object_list]


class TestCatalogue:
    def test_lists_active_tasks_by_group(self, client, reader, tasks):
        client.force_login(reader)
        response = client.get(reverse("tasks:catalogue"))
        assert titles(response) == ["Wifi beheren", "Coaching in de klas"]
        assert "Technisch" in response.content.decode()

    @pytest.mark.parametrize(
        ("query", "expected"),
        [
            ("q=wifi", ["Wifi beheren"]),
            ("q=coordinator", []),
            ("q=klas", ["Coaching in de klas"]),
            ("frequency=monthly", ["Coaching in de klas"]),
            ("level=school_group", ["Coaching in de klas"]),
            ("role=netwerkbeheerder", ["Wifi beheren"]),
            ("status=retired", ["Oud register"]),
            ("status=all", ["Wifi beheren", "Coaching in de klas", "Oud register"]),
        ],
    )
    def test_search_and_filters(self, client, reader, tasks, query, expected):
        client.force_login(reader)
        assert titles(client.get(reverse("tasks:catalogue") + "?" + query)) == expected

    def test_filter_by_group(self, client, reader, tasks, groups):
        client.force_login(reader)
        response = client.get(reverse("tasks:catalogue"), {"group": groups["technical"].pk})
        assert titles(response) == ["Wifi beheren"]

    def test_invalid_filters_show_everything_active(self, client, reader, tasks):
        client.force_login(reader)
        response = client.get(reverse("tasks:catalogue"), {"group": "999", "frequency": "x"})
        assert response.status_code == 200
        form = response.context["form"]
        assert set(form.errors) == {"group", "frequency"}
        assert titles(response) == ["Wifi beheren", "Coaching in de klas"]

    def test_an_empty_catalogue_says_how_to_fill_it(self, client, maintainer, groups):
        client.force_login(maintainer)
        page = client.get(reverse("tasks:catalogue")).content.decode()
        assert "De takencatalogus heeft nog geen taken" in page
        assert f'href="{reverse("tasks:import_new")}">Importeer het takenoverzicht' in page
        assert "Geen taken voor deze filters" not in page
        # A filter that finds nothing, in an empty catalogue as well, says so.
        filtered = client.get(reverse("tasks:catalogue"), {"q": "wifi"}).content.decode()
        assert "Geen taken voor deze filters" in filtered
        assert "nog geen taken" not in filtered

    def test_an_empty_catalogue_tells_a_reader_who_fills_it(self, client, reader, groups):
        client.force_login(reader)
        page = client.get(reverse("tasks:catalogue")).content.decode()
        assert "De takencatalogus heeft nog geen taken" in page
        assert "vraag het aan je platformbeheerder" in page
        assert reverse("tasks:import_new") not in page

    def test_filters_that_find_nothing_say_so(self, client, reader, tasks):
        client.force_login(reader)
        page = client.get(reverse("tasks:catalogue"), {"q": "printer"}).content.decode()
        assert "Geen taken voor deze filters." in page
        assert "nog geen taken" not in page

    def test_a_catalogue_of_retired_tasks_shows_where_they_are(self, client, maintainer, tasks):
        Task.objects.filter(is_active=True).update(is_active=False, retired_at="2024-01-01T00:00Z")
        client.force_login(maintainer)
        page = client.get(reverse("tasks:catalogue")).content.decode()
        assert "Geen taken voor deze filters" not in page
        assert "geen actieve taken" in page
        assert f'href="{reverse("tasks:catalogue")}?status=retired"' in page

    def test_task_detail(self, client, reader, tasks):
        client.force_login(reader)
        response = client.get(tasks[0].get_absolute_url())
        assert response.status_code == 200
        assert "netwerkbeheerder" in response.content.decode()
        assert client.get(reverse("tasks:detail", args=[9999])).status_code == 404

    def test_query_count_does_not_grow_with_the_catalogue(self, client, reader, groups):
        client.force_login(reader)

        def count(n):
            Task.objects.bulk_create(
                Task(
                    code=f"C{len(str(n))}-{i}",
                    title=f"Taak {i}",
                    title_key=f"taak {i}",
                    group=groups["technical"],
                    suggested_role=f"rol {i % 7}",
                )
                for i in range(n)
            )
            with CaptureQueriesContext(connection) as captured:
                assert client.get(reverse("tasks:catalogue")).status_code == 200
            return len(captured)

        assert count(10) == count(300)

    def test_export_download(self, client, reader, tasks):
        client.force_login(reader)
        response = client.get(reverse("tasks:export"))
        assert response.status_code == 200
        disposition = response["Content-Disposition"]
        assert disposition.startswith('attachment; filename="ict-takencatalogus')
        rows = list(load_workbook(io.BytesIO(response.content)).worksheets[0].values)
        assert len(rows) == 3  # header + the 2 active tasks


class TestImportFlow:
    def test_upload_shows_the_preview_and_writes_nothing(self, client, maintainer, tasks):
        client.force_login(maintainer)
        rows = [
            ["Code", "Taak", "Groep", "Uren"],
            ["T1", "Wifi beheren", "Technisch", 12],
            ["B1", "ICT-beleidsplan", "Beleid en visie", 20],
        ]
        response = upload(client, workbook_bytes(rows))
        record = CatalogueImport.objects.get()
        assert response.redirect_chain == [(record.get_absolute_url(), 302)]
        assert record.status == Status.PREVIEW
        assert (record.created, record.updated, record.unchanged, record.retired) == (1, 1, 0, 1)
        page = response.content.decode()
        assert "ICT-beleidsplan" in page and "Coaching in de klas" in page
        assert "Bevestigen en importeren" in page
        # The file's fingerprint is for the software, not for the reader.
        assert "SHA-256" not in page and record.file_sha256[:8] not in page
        assert Task.objects.get(code="T1").hours_per_year == 10
        assert not Task.objects.filter(code="B1").exists()

    def test_confirm_applies_exactly_the_preview(self, client, maintainer, tasks):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(2)))
        record = CatalogueImport.objects.get()
        response = client.post(reverse("tasks:import_confirm", args=[record.pk]), follow=True)
        record.refresh_from_db()
        assert record.status == Status.APPLIED
        assert record.content is None
        assert "De catalogus is geïmporteerd." in response.content.decode()
        assert set(Task.objects.active().values_list("code", flat=True)) == {"T01", "T02"}

    def test_confirming_twice_imports_once(self, client, maintainer, tasks):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(2)))
        record = CatalogueImport.objects.get()
        client.post(reverse("tasks:import_confirm", args=[record.pk]))
        response = client.post(reverse("tasks:import_confirm", args=[record.pk]), follow=True)
        assert "Deze import wacht niet meer op bevestiging." in response.content.decode()
        assert Task.objects.filter(code="T01").count() == 1

    def test_catalogue_changed_after_the_preview_asks_to_check_again(
        self, client, maintainer, tasks, groups
    ):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(2)))
        record = CatalogueImport.objects.get()
        Task.objects.create(code="NEW", title="Meanwhile", group=groups["policy"])
        response = client.post(reverse("tasks:import_confirm", args=[record.pk]), follow=True)
        record.refresh_from_db()
        assert record.status == Status.PREVIEW
        assert record.retired == 3
        assert "De catalogus is gewijzigd sinds dit voorbeeld" in response.content.decode()
        assert Task.objects.get(code="NEW").is_active

    def test_cancel(self, client, maintainer, tasks):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(2)))
        record = CatalogueImport.objects.get()
        response = client.post(reverse("tasks:import_cancel", args=[record.pk]), follow=True)
        record.refresh_from_db()
        assert (record.status, record.content) == (Status.CANCELLED, None)
        assert "geannuleerd" in response.content.decode()
        response = client.post(reverse("tasks:import_confirm", args=[record.pk]), follow=True)
        assert not Task.objects.filter(code="T01").exists()

    def test_invalid_rows_are_listed_with_sheet_and_cell(self, client, maintainer):
        client.force_login(maintainer)
        rows = simple_rows(2)
        rows[2][6] = "veel"
        page = upload(client, workbook_bytes(rows)).content.decode()
        assert "Taken!G3" in page and "&quot;veel&quot; is geen aantal uren" in page
        assert CatalogueImport.objects.get().status == Status.INVALID

    @pytest.mark.parametrize(
        ("data", "name", "message"),
        [
            (b"\x89PNG\r\n\x1a\n", "foto.xlsx", "geen Excel-werkmap"),
            (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "oud.xls", "Excel 97-2003"),
            (b"Taak;Uren\n", "lijst.csv", "Alleen Excel-werkmappen"),
        ],
    )
    def test_refused_files_get_a_clear_message(self, client, maintainer, data, name, message):
        client.force_login(maintainer)
        response = upload(client, data, name)
        assert response.status_code == 200
        assert message in response.content.decode()
        assert CatalogueImport.objects.get().status == Status.REFUSED

    def test_over_size_upload_is_refused_by_the_form(self, client, maintainer, settings):
        settings.CATALOGUE_UPLOAD_MAX_BYTES = 100
        client.force_login(maintainer)
        response = upload(client, workbook_bytes(simple_rows(2)))
        assert response.context["form"].errors["file"] == ["Het bestand is groter dan 0 MB."]
        assert not CatalogueImport.objects.exists()

    def test_large_files_are_read_and_imported_as_a_job(
        self, client, maintainer, settings, django_capture_on_commit_callbacks
    ):
        settings.CATALOGUE_JOB_THRESHOLD_ROWS = 5
        settings.CATALOGUE_JOB_THRESHOLD_BYTES = 1000
        client.force_login(maintainer)
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            upload(client, workbook_bytes(simple_rows(10)))
        record = CatalogueImport.objects.get()
        assert record.status == Status.ANALYSING
        page = client.get(record.get_absolute_url()).content.decode()
        assert "De werkmap wordt gelezen" in page and "<progress" in page
        partial = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true")
        assert partial.content.decode().strip().startswith('<div id="import-progress"')
        for callback in callbacks:  # the job runs after the request's commit
            callback()
        record.refresh_from_db()
        assert (record.status, record.created) == (Status.PREVIEW, 10)
        done = client.get(record.get_absolute_url(), HTTP_HX_REQUEST="true")
        assert done["HX-Refresh"] == "true"
        with django_capture_on_commit_callbacks(execute=True):
            client.post(reverse("tasks:import_confirm", args=[record.pk]))
        record.refresh_from_db()
        assert record.status == Status.APPLIED
        assert Task.objects.count() == 10

    def test_import_history(self, client, maintainer):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(1)), "eerste.xlsx")
        upload(client, b"nope", "tweede.xlsx")
        page = client.get(reverse("tasks:import_list")).content.decode()
        assert page.index("tweede.xlsx") < page.index("eerste.xlsx")
        assert "beheerder" in page

    @pytest.mark.parametrize(
        "name",
        ["tasks:import_list", "tasks:import_new"],
    )
    def test_readers_may_not_import(self, client, reader, name):
        client.force_login(reader)
        assert client.get(reverse(name)).status_code == 403

    def test_readers_may_not_see_or_confirm_an_import(self, client, maintainer, reader):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(1)))
        record = CatalogueImport.objects.get()
        client.force_login(reader)
        assert client.get(record.get_absolute_url()).status_code == 403
        assert client.post(reverse("tasks:import_confirm", args=[record.pk])).status_code == 403
        assert client.post(reverse("tasks:import_cancel", args=[record.pk])).status_code == 403
        assert client.post(reverse("tasks:import_new"), {}).status_code == 403
        record.refresh_from_db()
        assert record.status == Status.PREVIEW

    def test_confirm_needs_post(self, client, maintainer):
        client.force_login(maintainer)
        upload(client, workbook_bytes(simple_rows(1)))
        record = CatalogueImport.objects.get()
        assert client.get(reverse("tasks:import_confirm", args=[record.pk])).status_code == 405
