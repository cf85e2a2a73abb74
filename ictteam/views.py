"""Project-wide pages that belong to no single app."""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect


def home(request: HttpRequest) -> HttpResponse:
    return redirect("tasks:catalogue")
