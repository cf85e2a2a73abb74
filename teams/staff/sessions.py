"""Ending an account's sessions: every browser it is signed in on meets the login page."""

from __future__ import annotations

from django.utils import timezone

from teams.models import AccountSettings


def end_all_sessions(user_id: int) -> None:
    """End every session of the account, wherever it is open.

    Sessions that logged in before now are logged out on their next request
    (:class:`teams.staff.middleware.AccountLanguageMiddleware`); a new login works as before.
    Used when the account is deactivated and when its last appointment ends; a changed
    password already ends the other sessions through Django's session hash.
    """
    AccountSettings.objects.update_or_create(
        user_id=user_id, defaults={"sessions_ended_at": timezone.now()}
    )
