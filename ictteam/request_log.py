"""One log line per request: what was asked (the URL's name, never its address, which can
hold a token), by whom (the account's id), the answer's status and how long it took.

The request id comes from django-guid (``correlation_id`` on every record of the
request, and on the jobs it sends); the JSON formatter in settings writes each record as
one line with a UTC timestamp.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponseBase

logger = logging.getLogger("ictteam.requests")


class RequestLogMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponseBase]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponseBase:
        start = time.perf_counter()
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        logger.info(
            "request",
            extra={
                "method": request.method,
                "view": match.view_name if match else None,
                "status": response.status_code,
                "duration_ms": round((time.perf_counter() - start) * 1000, 1),
                "user_id": user.pk if user is not None and user.is_authenticated else None,
            },
        )
        return response
