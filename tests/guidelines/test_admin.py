"""The admin keeps guidelines editable and publishes a version with its cycles."""

from html.parser import HTMLParser

import pytest
from django.contrib.auth.models import User
from django.forms.models import model_to_dict
from django.urls import reverse

from guidelines.definitions import load_file
from guidelines.models import Pilot

from .conftest import definition, dump

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x-Pass-123"))
    return client


class ChangeForm(HTMLParser):
    """What a browser sends back from an admin change form it was shown, unchanged."""

    def __init__(self) -> None:
        super().__init__()
        self.data: dict[str, list[str]] = {}
        self._in_form = False
        self._select = ""
        self._textarea = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        found = {key: value or "" for key, value in attrs}
        if tag == "form" and found.get("id", "").endswith("_form"):
            self._in_form = True
        name = found.get("name", "")
        if not self._in_form:
            return
        if tag == "input" and name:
            kind = found.get("type", "text")
            if kind in ("submit", "button", "file", "image", "reset"):
                return
            if kind in ("checkbox", "radio") and "checked" not in found:
                return
            self.data.setdefault(name, []).append(found.get("value", "on"))
        elif tag == "select":
            self._select = name
            self.data.setdefault(name, [])
        elif tag == "option" and self._select and "selected" in found:
            self.data[self._select].append(found.get("value", ""))
        elif tag == "textarea":
            self._textarea = name
            self.data[name] = [""]

    def handle_data(self, data: str) -> None:
        if self._textarea:
            self.data[self._textarea][-1] += data

    def handle_endtag(self, tag: str) -> None:
        if tag == "select":
            self._select = ""
        elif tag == "textarea":
            # Browsers drop the newline that follows the opening tag.
            self.data[self._textarea][-1] = self.data[self._textarea][-1].removeprefix("\n")
            self._textarea = ""
        elif tag == "form":
            self._in_form = False


def change_form(client, url: str) -> dict[str, list[str]]:
    response = client.get(url)
    assert response.status_code == 200, url
    form = ChangeForm()
    form.feed(response.content.decode())
    assert form.data, url
    return form.data


def form_errors(response) -> object:
    adminform = response.context.get("adminform") if response.context else None
    return adminform.form.errors if adminform else response.status_code


@pytest.fixture
def pilot(version, world):
    pilot = Pilot.objects.create(
        name="P", starts_on=world.year.starts_on, ends_on=world.year.ends_on, version=version
    )
    pilot.schools.add(world.school)
    return pilot


def test_every_guideline_admin_page_lists_its_rows_and_saves_a_change(
    admin_client, cycle, version, pilot
):
    for obj, field, value in [
        (version, "label", "Versie met een nieuw label"),
        (version.steps.first(), "title_nl", "Een nieuwe titel voor de stap"),
        (version.items.first(), "title_nl", "Een nieuwe titel voor het punt"),
        (cycle, "shares_notes", True),
        (pilot, "name", "Proef in het noorden"),
    ]:
        opts = obj._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        change_url = reverse(f"{name}_change", args=[obj.pk])
        listing = admin_client.get(reverse(f"{name}_changelist"))
        assert listing.status_code == 200, name
        assert obj in listing.context["cl"].result_list, name
        assert change_url in listing.content.decode(), name
        data = change_form(admin_client, change_url)
        before = model_to_dict(obj)
        assert before[field] != value, f"{name}: {field} is already {value}"
        data[field] = ["on" if value is True else value]
        response = admin_client.post(change_url, data)
        assert response.status_code == 302, f"{name}: {form_errors(response)}"
        obj.refresh_from_db()
        assert model_to_dict(obj) == {**before, field: value}, name  # that field, and only it


def test_the_publication_moment_cannot_be_changed_in_the_admin(admin_client, version):
    published_at = version.published_at
    assert published_at is not None
    url = reverse("admin:guidelines_guidelineversion_change", args=[version.pk])
    data = change_form(admin_client, url)
    assert not any(key.startswith("published_at") for key in data)
    data |= {
        "published_at": ["2020-01-01 00:00"],
        "published_at_0": ["2020-01-01"],
        "published_at_1": ["00:00"],
        "label": ["Nieuw label"],
    }
    assert admin_client.post(url, data).status_code == 302
    version.refresh_from_db()
    assert version.label == "Nieuw label"  # the rest of the form was saved...
    assert version.published_at == published_at  # ...but not the moment it was published


def test_publish_action_moves_cycles_onto_the_new_version(admin_client, cycle):
    data = definition()
    data["version"]["number"] = 2
    v2 = load_file(dump(data)).version
    response = admin_client.post(
        reverse("admin:guidelines_guidelineversion_changelist"),
        {"action": "publish", "_selected_action": [v2.pk]},
    )
    assert response.status_code == 302
    v2.refresh_from_db()
    cycle.refresh_from_db()
    assert v2.is_published and cycle.version == v2
