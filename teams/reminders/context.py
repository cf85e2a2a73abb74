"""The bell in the menu: how many reminders the signed-in person has not read."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from ..models import Reminder


def _unread(request: HttpRequest) -> int:
    user = request.user
    if not user.is_authenticated:
        return 0
    return Reminder.objects.filter(staff_member__user_id=user.pk, read_at__isnull=True).count()


def bell(request: HttpRequest) -> dict[str, object]:
    """Counted only when a page shows the bell (one query), never otherwise."""
    return {"unread_reminders": SimpleLazyObject(lambda: _unread(request))}
