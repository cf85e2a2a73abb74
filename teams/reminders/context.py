"""The bell in the menu: how many reminders the signed-in person has not read.

Only those about the schools they work in now count (a leaver's old ones do not).
"""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.functional import SimpleLazyObject

from teams.models import Reminder


def _unread(request: HttpRequest) -> int:
    user = request.user
    if not user.is_authenticated:
        return 0
    unread = Reminder.objects.filter(staff_member__user_id=user.pk, read_at__isnull=True)
    return unread.about_where_they_work().count()


def bell(request: HttpRequest) -> dict[str, object]:
    """Counted only when a page shows the bell (one query), never otherwise."""
    return {"unread_reminders": SimpleLazyObject(lambda: _unread(request))}
