"""The standard roles, and the school year a new installation starts in.

Later school years are created by the nightly job or planned by a manager;
reading a page never creates one.
"""

from datetime import date

from django.db import migrations
from django.utils import timezone

STANDARD_ROLES = [
    ("overall_coordinator", "Algemeen ICT-coördinator"),
    ("pedagogical_coordinator", "Pedagogisch ICT-coördinator"),
    ("technical_coordinator", "Technisch ICT-coördinator"),
    ("media_coach", "Mediacoach"),
    ("lms_administrator", "Beheerder leerplatform"),
    ("network_administrator", "Netwerkbeheerder"),
    ("technician", "Technicus"),
    ("helpdesk", "Helpdesk"),
    ("web_administrator", "Webbeheerder"),
    ("policy_officer", "Beleidsmedewerker"),
    ("security_contact", "Aanspreekpunt informatieveiligheid"),
    ("data_protection_officer", "Functionaris voor gegevensbescherming"),
]


def create_roles(apps, schema_editor):
    Role = apps.get_model("teams", "Role")
    for position, (key, name) in enumerate(STANDARD_ROLES, start=1):
        Role.objects.get_or_create(key=key, defaults={"name": name, "position": position})


def create_school_years(apps, schema_editor):
    SchoolYear = apps.get_model("teams", "SchoolYear")
    today: date = timezone.localdate()
    start = today.year if today.month >= 9 else today.year - 1
    SchoolYear.objects.get_or_create(start_year=start)


class Migration(migrations.Migration):
    dependencies = [("teams", "0001_initial")]

    operations = [
        migrations.RunPython(create_roles, migrations.RunPython.noop),
        migrations.RunPython(create_school_years, migrations.RunPython.noop),
    ]
