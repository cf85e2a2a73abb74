from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class GuidelinesConfig(AppConfig):
    name = "guidelines"
    verbose_name = _("Guidelines")

    def ready(self) -> None:
        """Hand the step plan's part to the teams app, which never imports the step plan:
        overdue steps in the reminders and calendars, and a pilot in the demo data. After
        ``migrate``, the shipped step plan where there is none."""
        # Imported here, not at the top: these modules load models, which Django only
        # allows once the app registry is ready (it imports this module before that).
        from guidelines import demo, reminders
        from guidelines.receivers import load_step_plan_after_migrate
        from teams.reminders.feed import add_entries
        from teams.reminders.sources import add_source
        from teams.signals import demo_seeded

        add_source(reminders.overdue_step_reminders)
        add_entries(reminders.owned_steps)
        demo_seeded.connect(demo.seed_pilot_for_demo, dispatch_uid="guidelines.demo_pilot")
        post_migrate.connect(
            load_step_plan_after_migrate, sender=self, dispatch_uid="guidelines.shipped_step_plan"
        )
