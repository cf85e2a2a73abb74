from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TeamsConfig(AppConfig):
    name = "teams"
    verbose_name = _("Teams")

    def ready(self) -> None:
        # Imported here, not at the top: the receivers load models, which Django only
        # allows once the app registry is ready (it imports this module before that).
        from teams import receivers  # noqa: F401  (connects the signal receivers)
