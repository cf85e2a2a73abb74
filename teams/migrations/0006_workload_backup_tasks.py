"""Stored figures keep a person's tasks as backup and leave the budget empty without one;
a school's limits and own hours factor are checked against their ranges."""

import django.core.validators
from django.db import migrations, models
from django.utils import timezone

import teams.models.organisation


LIMIT_VALIDATORS = [
    django.core.validators.MinValueValidator(1),
    django.core.validators.MaxValueValidator(1000),
]


def refresh(apps, schema_editor):
    """Rows stored before kept 0 h for "no budget" and no backup tasks: empty the one, and
    mark every school's figures out of date so the periodic scan fills in the other."""
    StaffWorkload = apps.get_model("teams", "StaffWorkload")
    SchoolWorkload = apps.get_model("teams", "SchoolWorkload")
    WorkloadRequest = apps.get_model("teams", "WorkloadRequest")
    StaffWorkload.objects.filter(budget_hours=0).update(budget_hours=None)
    now = timezone.now()
    WorkloadRequest.objects.bulk_create(
        [
            WorkloadRequest(school_id=school_id, school_year_id=year_id, requested_at=now)
            for school_id, year_id in SchoolWorkload.objects.values_list(
                "school_id", "school_year_id"
            )
        ],
        ignore_conflicts=True,
        batch_size=1000,
    )


def empty_to_zero(apps, schema_editor):
    apps.get_model("teams", "StaffWorkload").objects.filter(budget_hours=None).update(
        budget_hours=0
    )


class Migration(migrations.Migration):
    dependencies = [
        ("teams", "0005_staff_import"),
    ]

    operations = [
        migrations.AddField(
            model_name="staffworkload",
            name="backup_task_count",
            field=models.PositiveIntegerField(default=0, verbose_name="tasks as backup"),
        ),
        migrations.AlterField(
            model_name="staffworkload",
            name="budget_hours",
            field=models.DecimalField(
                blank=True, decimal_places=2, max_digits=10, null=True, verbose_name="budget"
            ),
        ),
        migrations.AlterField(
            model_name="school",
            name="busy_from_percent",
            field=models.PositiveSmallIntegerField(
                default=80,
                validators=LIMIT_VALIDATORS,
                verbose_name="busy from (%)",
            ),
        ),
        migrations.AlterField(
            model_name="school",
            name="overloaded_above_percent",
            field=models.PositiveSmallIntegerField(
                default=100,
                validators=LIMIT_VALIDATORS,
                verbose_name="overloaded above (%)",
            ),
        ),
        migrations.AlterField(
            model_name="school",
            name="hours_factor_by_hand",
            field=models.DecimalField(
                blank=True,
                decimal_places=2,
                max_digits=3,
                null=True,
                validators=[teams.models.organisation.validate_hours_factor],
                verbose_name="hours factor",
            ),
        ),
        migrations.RunPython(refresh, empty_to_zero, elidable=True),
    ]
