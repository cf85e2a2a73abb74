"""Response headers every page carries: browser features off, signed-in pages kept private."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.cache import patch_cache_control


class PrivatePagesMiddleware:
    """Add ``Permissions-Policy`` to every response the project answers, and
    ``Cache-Control: private, no-store`` to responses for a signed-in account, so a
    shared school computer or a proxy keeps no copy of what the account saw.

    Static files are answered by WhiteNoise before this runs, with their own caching. A
    response that already says how it may be cached (the calendar feed, for instance)
    keeps what it says.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.ICTTEAM_PERMISSIONS_POLICY)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and "Cache-Control" not in response:
            patch_cache_control(response, private=True, no_store=True)
        return response
