"""Guideline versions for platform administrators: upload a definition file, look it over,
publish it. The file takes the path of ``manage.py load_guidelines``, checks included."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from .. import access, services
from ..definitions import DefinitionError, LoadReport, load_file
from ..forms import VersionUploadForm
from ..models import GuidelineVersion


def version_list(request: HttpRequest) -> HttpResponse:
    access.require_publisher(request.user)
    versions = (
        GuidelineVersion.objects.select_related("guideline")
        .annotate(cycle_count=Count("cycles"))
        .order_by("guideline__key", "-number")
    )
    return render(request, "guidelines/version_list.html", {"versions": versions})


def upload(request: HttpRequest) -> HttpResponse:
    """A definition file, loaded as ``load_guidelines`` loads it; refused whole with every
    problem listed."""
    access.require_publisher(request.user)
    form = VersionUploadForm(request.POST or None, request.FILES or None)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            report = load_file(data["file"].read(), publish=data["publish"])
        except DefinitionError as error:
            problems = error.problems
        else:
            messages.success(request, _said(report, published=data["publish"]))
            return redirect("guidelines:version", report.version.pk)
    elif request.method == "POST":
        problems = [str(message) for messages_ in form.errors.values() for message in messages_]
    return render(request, "guidelines/version_upload.html", {"form": form, "problems": problems})


def _said(report: LoadReport, *, published: bool) -> str:
    names = {"version": report.version.number, "guideline": report.version.guideline.title}
    said = {
        "created": _("Version %(version)d of “%(guideline)s” was added."),
        "updated": _("Version %(version)d of “%(guideline)s” was replaced by the file."),
        "unchanged": _(
            "Version %(version)d of “%(guideline)s” already holds this file; nothing changed."
        ),
    }[report.outcome] % names
    if published:
        said += " " + _moved(report.version, report.cycles_moved)
    return said


def _moved(version: GuidelineVersion, count: int) -> str:
    return ngettext(
        "%(version)s published; %(count)d cycle moved onto it.",
        "%(version)s published; %(count)d cycles moved onto it.",
        count,
    ) % {"version": version, "count": count}


def version(request: HttpRequest, version_id: int) -> HttpResponse:
    """A version's phases, steps and items, what changed since the version before, and the
    way to publish it."""
    access.require_publisher(request.user)
    found = get_object_or_404(GuidelineVersion.objects.select_related("guideline"), pk=version_id)
    structure = services.structure_of(found)
    earlier = services.earlier_version(found)
    changes = (
        services.compare_items(services.structure_of(earlier).items, structure.items)
        if earlier
        else None
    )
    return render(request, "guidelines/version.html", {
        "version": found, "outline": structure.outline(), "earlier": earlier,
        "changes": changes, "cycle_count": found.cycles.count(),
    })  # fmt: skip


@require_POST
def publish(request: HttpRequest, version_id: int) -> HttpResponse:
    access.require_publisher(request.user)
    found = get_object_or_404(GuidelineVersion.objects.select_related("guideline"), pk=version_id)
    if found.is_published:
        messages.info(request, _("This version was published already."))
    else:
        moved = services.publish_version(version=found)
        messages.success(request, _moved(found, moved))
    return redirect("guidelines:version", found.pk)
