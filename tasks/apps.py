from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    name = "tasks"
    verbose_name = _("Task catalogue")

    def ready(self) -> None:
        # Imported here, not at the top: the receiver loads models, which Django only allows
        # once the app registry is ready (it imports this module before that).
        from tasks.receivers import load_catalogue_after_migrate

        post_migrate.connect(
            load_catalogue_after_migrate, sender=self, dispatch_uid="tasks.shipped_catalogue"
        )
