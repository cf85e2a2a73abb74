"""The admin keeps guidelines editable and publishes a version with its cycles."""

import pytest
from django.contrib.auth.models import User
from django.urls import reverse

from guidelines.definitions import load_file
from guidelines.models import Cycle, GuidelineVersion, Item, Pilot, Step

from .conftest import definition, dump

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    client.force_login(User.objects.create_superuser("root", "root@example.org", "x-Pass-123"))
    return client


def test_every_guideline_admin_page_opens(admin_client, cycle, version, world):
    Pilot.objects.create(
        name="P", starts_on=world.year.starts_on, ends_on=world.year.ends_on, version=version
    )
    for model, obj in [
        (GuidelineVersion, version),
        (Step, version.steps.first()),
        (Item, version.items.first()),
        (Cycle, cycle),
        (Pilot, Pilot.objects.get()),
    ]:
        opts = model._meta
        name = f"admin:{opts.app_label}_{opts.model_name}"
        assert admin_client.get(reverse(f"{name}_changelist")).status_code == 200, name
        assert admin_client.get(reverse(f"{name}_change", args=[obj.pk])).status_code == 200, name


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
