"""Guidelines stay editable in the admin; a published version's changes belong in a new
version (``manage.py load_guidelines``), so schools see what changed."""

from __future__ import annotations

from django.contrib import admin, messages
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from . import services
from .models import (
    Cycle,
    Guideline,
    GuidelineVersion,
    Item,
    Phase,
    Pilot,
    Progress,
    SelfCheck,
    Step,
    StepPlan,
)

TEXTS = ("title_nl", "title_en", "explanation_nl", "explanation_en")


@admin.register(Guideline)
class GuidelineAdmin(admin.ModelAdmin[Guideline]):
    list_display = ("key", "title_nl", "title_en")


class PhaseInline(admin.StackedInline[Phase, GuidelineVersion]):
    model = Phase
    extra = 0
    fields = ("key", "position", *TEXTS)


@admin.register(GuidelineVersion)
class GuidelineVersionAdmin(admin.ModelAdmin[GuidelineVersion]):
    list_display = ("guideline", "number", "label", "is_draft_text", "published_at")
    list_filter = ("guideline",)
    readonly_fields = ("published_at",)
    inlines = [PhaseInline]
    actions = ["publish"]

    @admin.action(description=_("Publish, and move open cycles onto it"))
    def publish(self, request: HttpRequest, queryset: QuerySet[GuidelineVersion]) -> None:
        for version in queryset.order_by("number"):
            moved = services.publish_version(version=version)
            self.message_user(
                request,
                ngettext(
                    "%(version)s published; %(count)d cycle moved onto it.",
                    "%(version)s published; %(count)d cycles moved onto it.",
                    moved,
                )
                % {"version": version, "count": moved},
                messages.SUCCESS,
            )


class ItemInline(admin.StackedInline[Item, Step]):
    model = Item
    extra = 0
    fields = ("version", "key", "position", *TEXTS)


@admin.register(Step)
class StepAdmin(admin.ModelAdmin[Step]):
    list_display = ("number", "title_nl", "key", "version", "connection", "is_evaluation")
    list_filter = ("version",)
    inlines = [ItemInline]


@admin.register(Item)
class ItemAdmin(admin.ModelAdmin[Item]):
    list_display = ("key", "title_nl", "step", "version")
    list_filter = ("version",)
    search_fields = ("key", "title_nl", "title_en")


class ProgressInline(admin.TabularInline[Progress, Cycle]):
    model = Progress
    extra = 0
    fields = ("item_key", "state", "reason", "note", "link", "changed_by", "changed_at")
    raw_id_fields = ("changed_by",)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


class StepPlanInline(admin.TabularInline[StepPlan, Cycle]):
    model = StepPlan
    extra = 0
    raw_id_fields = ("owner",)


@admin.register(Cycle)
class CycleAdmin(admin.ModelAdmin[Cycle]):
    list_display = ("school", "school_year", "version", "shares_notes")
    list_filter = ("version", "school_year")
    search_fields = ("school__name",)
    raw_id_fields = ("school",)
    inlines = [ProgressInline, StepPlanInline]


@admin.register(SelfCheck)
class SelfCheckAdmin(admin.ModelAdmin[SelfCheck]):
    list_display = ("cycle", "moment", "filled_at")


@admin.register(Pilot)
class PilotAdmin(admin.ModelAdmin[Pilot]):
    list_display = ("name", "starts_on", "ends_on", "version")
    filter_horizontal = ("schools",)
