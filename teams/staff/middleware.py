"""Per account, on every request: end sessions the account lost, and speak its language."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from teams.models import AccountSettings

LOGGED_IN_AT = "_ictteam_logged_in_at"
RENEWED_AT = "_ictteam_renewed_at"
# A session in use is saved again (its idle limit starting over) at most this often, so a
# page does not cost a database write each time.
RENEW_EVERY_SECONDS = 60


def stamp_login(request: HttpRequest | None, **kwargs: Any) -> None:
    """Remember when this session logged in (connected to ``user_logged_in``)."""
    if request is not None and hasattr(request, "session"):
        request.session[LOGGED_IN_AT] = time.time()


class AccountLanguageMiddleware:
    """Log out sessions older than the absolute limit (``ICTTEAM_SESSION_ABSOLUTE_SECONDS``
    after logging in, however active), renew the idle limit (``SESSION_COOKIE_AGE``) of a
    session in use once a minute, log out sessions that started before the account's
    sessions were ended (:func:`teams.staff.sessions.end_all_sessions`), then activate
    the account's language. Anonymous visitors keep Django's language negotiation.

    Runs after the authentication middleware and before the views, so a session that was
    ended meets the login page of ``LoginRequiredMiddleware``. Switching the language
    through the language form stores the choice on the account (``set_language``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            now = time.time()
            logged_in_at = request.session.get(LOGGED_IN_AT, 0.0)
            if now - logged_in_at > settings.ICTTEAM_SESSION_ABSOLUTE_SECONDS:
                logout(request)
                return self.get_response(request)
            if now - request.session.get(RENEWED_AT, logged_in_at) > RENEW_EVERY_SECONDS:
                request.session[RENEWED_AT] = now  # saved with a new expiry date
            row = (
                AccountSettings.objects.filter(user_id=user.pk)
                .values_list("language", "sessions_ended_at")
                .first()
            )
            if row is not None:
                language, ended_at = row
                if ended_at is not None and logged_in_at < ended_at.timestamp():
                    logout(request)
                elif language:
                    translation.activate(language)
                    request.LANGUAGE_CODE = language
        return self.get_response(request)
