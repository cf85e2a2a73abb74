"""Typing help for requests that pass through the project's middleware."""

from django.http import HttpRequest
from django_htmx.middleware import HtmxDetails


class HtmxHttpRequest(HttpRequest):
    """A request as views see it: ``HtmxMiddleware`` has added ``htmx``."""

    htmx: HtmxDetails
