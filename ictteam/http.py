"""Typing help for requests that pass through the project's middleware."""

from django.contrib.auth.models import User
from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class AuthenticatedHttpRequest(HttpRequest):
    """A request behind ``LoginRequiredMiddleware``: someone is signed in.

    Every view is, unless it is marked ``login_not_required``; those keep ``HttpRequest``.
    """

    user: User


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: ``HtmxMiddleware`` has added ``htmx``."""

    htmx: HtmxDetails
