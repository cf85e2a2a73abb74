"""Locking out password guessing per account and per address.

django-axes locks a username tried from one address after
``AXES_FAILURE_LIMIT`` failures. Guessing a few passwords for each of many
accounts (password spraying) never reaches that limit, so an address is also
locked once it has ``AXES_ADDRESS_FAILURE_LIMIT`` failures over all usernames
within the cool-off time. The second limit is higher because a whole school
often shares one public address.

Behind reverse proxies every request comes from a proxy's address: axes then
counts by the client's address as the proxies forwarded it (:func:`client_ip`),
and so does the password-reset limit.
"""

from __future__ import annotations

import ipaddress
from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginGuardHandler(AxesDatabaseHandler):  # type: ignore[misc]  # axes ships no type hints
    """The database handler, with a second, address-wide limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures that count against ``AXES_FAILURE_LIMIT`` for this attempt.

        An address over its own limit counts as an account at the limit, so
        axes refuses every username from it until the cool-off time has passed.
        """
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return int(limit)
        return int(failures)


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, over all usernames, in the cool-off time."""
    address = request.axes_ip_address  # type: ignore[attr-defined]  # set on the request by axes
    attempts = AccessAttempt.objects.filter(ip_address=address)
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0


def client_ip(request: HttpRequest) -> str:
    """The client's address, as the outermost of our reverse proxies saw it.

    Each proxy appends the address it was connected from to
    ``X-Forwarded-For``, so with *n* proxies (``REVERSE_PROXY_COUNT``, from the
    ``AXES_PROXY_COUNT`` variable) the client is the *n*-th entry
    from the right; entries further left came from the client itself and are
    not believed. Without proxies, or when the header is missing, short or
    malformed, ``REMOTE_ADDR``. django-axes calls this
    (``AXES_CLIENT_IP_CALLABLE``), and others read it through axes's
    ``get_client_ip_address``.
    """
    remote = str(request.META.get("REMOTE_ADDR", ""))
    count = settings.REVERSE_PROXY_COUNT
    if count <= 0:
        return remote
    forwarded = [
        part.strip() for part in str(request.META.get("HTTP_X_FORWARDED_FOR", "")).split(",")
    ]
    if len(forwarded) < count:
        return remote
    candidate = forwarded[-count]
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return remote
