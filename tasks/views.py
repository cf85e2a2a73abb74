"""Pages of the task catalogue: browsing, export, and the import flow."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ictteam.http import HtmxHttpRequest

from . import access, services
from .excel import write_catalogue
from .forms import CatalogueFilterForm, ImportForm
from .models import CatalogueImport, Task
from .problems import Problem

PAGE_SIZE = 100
CHANGES_PAGE_SIZE = 200


def catalogue(request: HttpRequest) -> HttpResponse:
    roles = list(
        Task.objects.active()
        .exclude(suggested_role="")
        .order_by("suggested_role")
        .values_list("suggested_role", flat=True)
        .distinct()
    )
    form = CatalogueFilterForm(request.GET or None, roles=roles)
    filters = form.cleaned_data if form.is_valid() else {}
    tasks = (
        Task.objects.filtered(
            text=filters.get("q", ""),
            group=filters.get("group"),
            role=filters.get("role", ""),
            frequency=filters.get("frequency", ""),
            level=filters.get("level", ""),
            status=filters.get("status") or "active",
        )
        .select_related("group")
        .order_by("group__position", "group__name", "code", "title")
    )
    page = Paginator(tasks, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    filtered = form.narrows()
    return render(
        request,
        "tasks/catalogue.html",
        {
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "can_import": access.can_import(request.user),
            "filtered": filtered,
            # Only asked when nothing is listed: an empty catalogue, or one of retired tasks.
            "has_tasks": filtered or bool(page.object_list) or Task.objects.exists(),
        },
    )


def task_detail(request: HttpRequest, pk: int) -> HttpResponse:
    task = get_object_or_404(Task.objects.select_related("group"), pk=pk)
    return render(request, "tasks/task_detail.html", {"task": task})


def export(request: HttpRequest) -> HttpResponse:
    response = HttpResponse(
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="ict-takencatalogus-{stamp}.xlsx"'
    write_catalogue(response)
    return response


def import_list(request: HttpRequest) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    imports = CatalogueImport.objects.select_related("created_by").defer(
        "content", "changes", "rows"
    )
    page = Paginator(imports, 50).get_page(request.GET.get("page"))
    return render(request, "tasks/import_list.html", {"page": page})


def import_new(request: HttpRequest) -> HttpResponse:
    if not access.can_import(request.user):
        raise PermissionDenied
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        record = services.start_upload(data=upload.read(), file_name=upload.name, user=request.user)
        return redirect(record)
    return render(request, "tasks/import_new.html", {"form": form})


def import_detail(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    record = access.get_import(request.user, pk)
    template = "tasks/import_detail.html"
    if request.htmx and record.is_waiting:
        template += "#progress"
    elif request.htmx:
        response = HttpResponse()
        response["HX-Refresh"] = "true"
        return response
    changes = Paginator(record.changes, CHANGES_PAGE_SIZE).get_page(request.GET.get("page"))
    problems = [Problem.from_stored(data) for data in record.errors]
    return render(request, template, {"record": record, "changes": changes, "problems": problems})


@require_POST
def import_confirm(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_import(request.user, pk)
    try:
        record = services.confirm_upload(record=record)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(record)
    record.refresh_from_db()
    if record.status == CatalogueImport.Status.PREVIEW:
        messages.warning(
            request, _("The catalogue changed since this preview. Check the changes below again.")
        )
    elif record.status == CatalogueImport.Status.APPLIED:
        messages.success(request, _("The catalogue was imported."))
    return redirect(record)


@require_POST
def import_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    record = access.get_import(request.user, pk)
    try:
        services.cancel_upload(record=record)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(record)
    messages.info(request, _("The import was cancelled; nothing was changed."))
    return redirect("tasks:import_list")
