"""Guideline versions in the browser: a platform administrator uploads a definition file,
looks it over and publishes it, with the checks of ``load_guidelines``; nobody else may."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from guidelines.definitions import MAX_BYTES
from guidelines.models import Cycle, Guideline, GuidelineVersion, Item

from .conftest import definition, dump

pytestmark = pytest.mark.django_db

CAST = ["director", "coordinator", "staff_user", "group_admin", "outsider", "stranger"]


@pytest.fixture
def admin(db) -> User:  # type: ignore[no-untyped-def]
    """A platform administrator: a staff user, no superuser, in no school."""
    return User.objects.create_user("platform", password="unused-Pass-123", is_staff=True)


def upload(client: Client, data: bytes, *, publish: bool = False, name: str = "plan.json"):
    form = {"file": SimpleUploadedFile(name, data, content_type="application/json")}
    if publish:
        form["publish"] = "on"
    return client.post(reverse("guidelines:version_upload"), form, follow=True)


def second_version() -> dict:
    data = definition()
    data["version"]["number"] = 2
    data["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Nieuwe woorden"
    return data


def test_upload_then_publish(client, admin):
    client.force_login(admin)
    page = client.get(reverse("guidelines:version_upload")).content.decode()
    form = page.split('enctype="multipart/form-data"')[1].split("</form>")[0]
    assert form.count('name="csrfmiddlewaretoken"') == 1

    response = upload(client, dump(definition()))
    version = GuidelineVersion.objects.get()
    assert response.redirect_chain[-1][0] == reverse("guidelines:version", args=[version.pk])
    text = response.content.decode()
    assert "Versie 1 van “Stappenplan ICT-team” is toegevoegd." in text
    assert "Nog niet gepubliceerd" in text
    assert "Ruimte voor verandering" in text  # the content, to look it over
    assert not version.is_published

    published = client.post(
        reverse("guidelines:version_publish", args=[version.pk]), follow=True
    ).content.decode()
    version.refresh_from_db()
    assert version.is_published
    assert "Stappenplan ICT-team v1 gepubliceerd; 0 cycli verplaatst." in published
    assert "Nog niet gepubliceerd" not in published
    again = client.post(reverse("guidelines:version_publish", args=[version.pk]), follow=True)
    assert "Deze versie was al gepubliceerd." in again.content.decode()


def test_a_new_version_published_at_once_moves_the_cycles(client, admin, cycle):
    client.force_login(admin)
    response = upload(client, dump(second_version()), publish=True)
    newer = GuidelineVersion.objects.get(number=2)
    assert newer.is_published
    text = response.content.decode()
    assert "Versie 2 van “Stappenplan ICT-team” is toegevoegd." in text
    assert "1 cyclus verplaatst" in text
    # What changed since version 1, as the schools will see it.
    assert "Vergeleken met versie 1" in text and "Nieuwe woorden" in text
    cycle.refresh_from_db()
    assert (cycle.version, cycle.previous_version.number) == (newer, 1)


def test_a_file_with_problems_lists_them_and_changes_nothing(client, admin):
    data = definition()
    data["version"]["number"] = "twee"
    data["phases"][1]["steps"][0]["items"] = []
    client.force_login(admin)
    response = upload(client, dump(data), publish=True)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Het bestand is geweigerd; er is niets gewijzigd:" in text
    assert "version: heeft een nummer vanaf 1 nodig" in text
    assert "fase 2, stap 1: heeft geen punten" in text
    assert 'id="upload-problems" tabindex="-1" autofocus' in text
    assert not Guideline.objects.exists() and not GuidelineVersion.objects.exists()


@pytest.mark.parametrize(
    "raw",
    [b"{not json", "\ufeff{}".encode("utf-16"), b"[]"],
    ids=["broken", "utf-16-empty", "a-list"],
)
def test_files_that_are_no_definition_are_refused(client, admin, raw):
    client.force_login(admin)
    text = upload(client, raw).content.decode()
    assert "Het bestand is geweigerd; er is niets gewijzigd:" in text
    assert not GuidelineVersion.objects.exists()


def test_a_published_version_cannot_change(client, admin, version):
    changed = definition()
    changed["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Stiekem aangepast"
    client.force_login(admin)
    text = upload(client, dump(changed), publish=True).content.decode()
    assert "is gepubliceerd en kan niet meer wijzigen" in text
    assert not Item.objects.filter(title_nl="Stiekem aangepast").exists()
    # The same file again changes nothing, and says so.
    same = upload(client, dump(definition())).content.decode()
    assert "bevat dit bestand al; er is niets gewijzigd." in same


def test_an_unpublished_version_is_replaced_by_its_file(client, admin):
    client.force_login(admin)
    upload(client, dump(definition()))
    changed = definition()
    changed["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Beter verwoord"
    text = upload(client, dump(changed)).content.decode()
    assert "Versie 1 van “Stappenplan ICT-team” is vervangen door het bestand." in text
    assert GuidelineVersion.objects.get().items.filter(title_nl="Beter verwoord").exists()


def test_the_size_is_checked_before_the_file_is_read(client, admin):
    client.force_login(admin)
    # Past the limit and no JSON at all: the size is the only problem named.
    text = upload(client, b" " * (MAX_BYTES + 1)).content.decode()
    assert "Het bestand is groter dan 1 MB." in text
    assert "JSON" not in text.split('id="upload-problems"')[1].split("</div>")[0]
    assert not GuidelineVersion.objects.exists()


def test_no_file_is_a_clear_problem(client, admin):
    client.force_login(admin)
    response = client.post(reverse("guidelines:version_upload"), {"publish": "on"})
    assert "Het bestand is geweigerd" in response.content.decode()
    assert "Dit veld is verplicht." in response.content.decode()


def test_in_english(client, admin):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    text = upload(client, b"{").content.decode()
    assert "The file was refused; nothing changed:" in text


def version_urls(version: GuidelineVersion) -> dict[str, str]:
    return {
        "list": reverse("guidelines:versions"),
        "upload": reverse("guidelines:version_upload"),
        "version": reverse("guidelines:version", args=[version.pk]),
    }


@pytest.mark.parametrize("who", CAST)
def test_only_platform_administrators_reach_the_versions(client, world, version, who):
    client.force_login(getattr(world, who))
    for name, url in version_urls(version).items():
        assert client.get(url).status_code == 403, name
    draft = GuidelineVersion.objects.create(guideline=version.guideline, number=2)
    assert client.post(reverse("guidelines:version_publish", args=[draft.pk])).status_code == 403
    assert upload(client, dump(second_version()), publish=True).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published
    assert GuidelineVersion.objects.count() == 2


def test_anonymous_visitors_are_sent_to_log_in(client, version):
    for url in version_urls(version).values():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_the_publish_button_needs_a_post_with_csrf(admin, version):
    draft = GuidelineVersion.objects.create(guideline=version.guideline, number=2)
    client = Client(enforce_csrf_checks=True)
    client.force_login(admin)
    url = reverse("guidelines:version_publish", args=[draft.pk])
    assert client.get(url).status_code == 405
    assert client.post(url).status_code == 403
    draft.refresh_from_db()
    assert not draft.is_published


def test_a_version_that_is_not_there_is_404(client, admin):
    client.force_login(admin)
    assert client.get(reverse("guidelines:version", args=[9999])).status_code == 404
    assert client.post(reverse("guidelines:version_publish", args=[9999])).status_code == 404


def test_the_list_shows_every_version_in_a_fixed_number_of_queries(client, admin, cycle):
    client.force_login(admin)

    def count() -> int:
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("guidelines:versions"))
        assert response.status_code == 200
        return len(captured)

    first = count()
    for number in range(2, 6):
        GuidelineVersion.objects.create(guideline=cycle.guideline, number=number)
    assert count() == first
    text = client.get(reverse("guidelines:versions")).content.decode()
    assert text.count("niet gepubliceerd") == 4
    assert reverse("guidelines:version", args=[cycle.version_id]) in text


def test_the_start_page_says_who_publishes_the_step_plan(client, world, admin):
    url = reverse("guidelines:plan", args=[world.school.pk])
    client.force_login(world.director)
    text = client.get(url).content.decode()
    assert "Er is nog geen richtlijn gepubliceerd." in text
    assert "Een platformbeheerder van ICT-team publiceert het stappenplan" in text
    assert reverse("guidelines:version_upload") not in text

    admin.is_superuser = True  # a platform administrator who opens the school's step plan
    admin.save()
    client.force_login(admin)
    text = client.get(url).content.decode()
    assert "Er is nog geen richtlijn gepubliceerd." in text
    assert f'href="{reverse("guidelines:version_upload")}"' in text


def test_a_platform_administrator_finds_the_versions_from_the_step_plan(client, world, cycle):
    superuser = User.objects.create_superuser("root", password="unused-Pass-123")
    client.force_login(superuser)
    page = client.get(reverse("guidelines:cycle", args=[world.school.pk, cycle.pk]))
    assert f'href="{reverse("guidelines:versions")}"' in page.content.decode()
    client.force_login(world.director)
    page = client.get(reverse("guidelines:cycle", args=[world.school.pk, cycle.pk]))
    assert reverse("guidelines:versions") not in page.content.decode()
    assert Cycle.objects.count() == 1
