"""The demo data behind ``seed_demo``: realistic, and safe to load twice."""

from django.conf import settings
from django.contrib.auth.models import Permission, User
from django.db import transaction

from tasks.models import Task
from tasks.services import import_file

DEFAULT_CATALOGUE = settings.BASE_DIR / "fixtures" / "takenoverzicht-ict-coordinatie.xlsx"


def load_default_catalogue() -> None:
    """Import the shipped task overview, unless a catalogue is already there."""
    if Task.objects.exists():
        return
    outcome = import_file(
        data=DEFAULT_CATALOGUE.read_bytes(), file_name=DEFAULT_CATALOGUE.name, dry_run=False
    )
    if not outcome.ok:
        raise RuntimeError(f"The default catalogue does not import: {outcome.problems}")


def _account(username: str, password: str, **fields: object) -> User:
    user, created = User.objects.get_or_create(username=username, defaults=fields)
    if created:
        user.set_password(password)
        user.save()
    return user


@transaction.atomic
def seed_demo(*, password: str) -> list[tuple[str, str]]:
    """Create the demo data; returns the accounts with what each may do."""
    load_default_catalogue()
    admin = _account(
        "beheer.catalogus",
        password,
        first_name="Catalogus",
        last_name="Beheer",
        email="catalogus@demo.ictteam.be",
    )
    admin.user_permissions.add(Permission.objects.get(codename="import_catalogue"))
    return [("beheer.catalogus", "catalogue maintainer: imports the task overview")]
