"""Pages in the language the signed-in account chose."""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from django.utils import translation

from .models import AccountSettings


class AccountLanguageMiddleware:
    """Activate the account's language; anonymous visitors keep Django's negotiation.

    Runs after the authentication middleware. Switching the language through
    the language form stores the choice on the account (``set_language``).
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            language = (
                AccountSettings.objects.filter(user_id=user.pk)
                .values_list("language", flat=True)
                .first()
            )
            if language:
                translation.activate(language)
                request.LANGUAGE_CODE = language  # type: ignore[attr-defined]
        return self.get_response(request)
