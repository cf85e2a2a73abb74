from django.db import migrations

STANDARD_GROUPS = [
    ("technical", "Technisch", 1),
    ("pedagogical", "Pedagogisch-didactisch", 2),
    ("policy", "Beleid en visie", 3),
    ("administrative", "Administratief", 4),
]


def create_groups(apps, schema_editor):
    TaskGroup = apps.get_model("tasks", "TaskGroup")
    for kind, name, position in STANDARD_GROUPS:
        TaskGroup.objects.get_or_create(kind=kind, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("tasks", "0001_initial")]

    operations = [migrations.RunPython(create_groups, migrations.RunPython.noop)]
