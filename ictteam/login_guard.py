"""Locking out password guessing per account and per address.

django-axes locks a username tried from one address after
``AXES_FAILURE_LIMIT`` failures. Guessing a few passwords for each of many
accounts (password spraying) never reaches that limit, so an address is also
locked once it has ``AXES_ADDRESS_FAILURE_LIMIT`` failures over all usernames
within the cool-off time. The second limit is higher because a whole school
often shares one public address.
"""

from __future__ import annotations

from typing import Any

from axes.attempts import get_cool_off_threshold
from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.http import HttpRequest


class LoginGuardHandler(AxesDatabaseHandler):
    """The database handler, with a second, address-wide limit."""

    def get_failures(self, request: HttpRequest, credentials: dict[str, Any] | None = None) -> int:
        """Failures that count against ``AXES_FAILURE_LIMIT`` for this attempt.

        An address over its own limit counts as an account at the limit, so
        axes refuses every username from it until the cool-off time has passed.
        """
        failures = super().get_failures(request, credentials)
        limit = get_failure_limit(request, credentials)
        if failures < limit and address_failures(request) >= settings.AXES_ADDRESS_FAILURE_LIMIT:
            return limit
        return int(failures)


def address_failures(request: HttpRequest) -> int:
    """Failed logins from the request's address, over all usernames, in the cool-off time."""
    attempts = AccessAttempt.objects.filter(ip_address=request.axes_ip_address)  # type: ignore[attr-defined]
    if settings.AXES_COOLOFF_TIME is not None:
        attempts = attempts.filter(attempt_time__gte=get_cool_off_threshold(request))
    return attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
