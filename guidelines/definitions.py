"""Guideline definition files: read, check and load them as a version.

A definition is a JSON object (see ``fixtures/guidelines/``)::

    {"guideline": {"key": ..., "title": {"nl": ..., "en": ...}},
     "version": {"number": 1, "label": ..., "draft_text": true},
     "phases": [{"key": ..., "title": {...}, "explanation": {...},
                 "steps": [{"key": ..., "title": {...}, "explanation": {...},
                            "connection": "division" | "resources" | "outsourcing" | "",
                            "evaluation": false,
                            "items": [{"key": ..., "title": {...}, "explanation": {...}}]}]}]}

Every problem is reported with its place; a definition with any problem
changes nothing.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import Guideline, GuidelineVersion, Item, Phase, Step
from .services import Changes, compare_items, earlier_version, publish_version, structure_of

KEY = re.compile(r"^[-a-z0-9_]{1,60}$")
MAX_BYTES = 1_000_000
SHIPPED = settings.CONTENT_DIR / "fixtures" / "guidelines"
STEP_PLAN = SHIPPED / "stappenplan.json"


class DefinitionError(Exception):
    """A definition that cannot be loaded; ``problems`` name each place."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Text:
    title_nl: str
    title_en: str
    explanation_nl: str
    explanation_en: str


@dataclass
class ItemDef:
    key: str
    text: Text


@dataclass
class StepDef:
    key: str
    text: Text
    connection: str
    evaluation: bool
    items: list[ItemDef] = field(default_factory=list)


@dataclass
class PhaseDef:
    key: str
    text: Text
    steps: list[StepDef] = field(default_factory=list)


@dataclass
class Definition:
    key: str
    title_nl: str
    title_en: str
    number: int
    label: str
    draft_text: bool
    phases: list[PhaseDef]


class _Reader:
    """Walks the raw data, collecting every problem with its place."""

    def __init__(self) -> None:
        self.problems: list[str] = []
        self.seen: dict[str, dict[str, str]] = {
            "guideline": {},
            "phase": {},
            "step": {},
            "item": {},
        }

    def problem(self, place: str, message: str) -> None:
        self.problems.append(f"{place}: {message}")

    def obj(self, value: Any, place: str) -> dict[str, Any]:
        if not isinstance(value, dict):
            self.problem(place, _("expected an object"))
            return {}
        return value

    def key(self, data: dict[str, Any], place: str, kind: str) -> str:
        key = data.get("key")
        if not isinstance(key, str) or not KEY.match(key):
            self.problem(place, _("needs a key of lower-case letters, digits, - or _"))
            return ""
        if key in self.seen[kind]:
            self.problem(place, _("duplicate key “%(key)s”, also used at %(other)s")
                         % {"key": key, "other": self.seen[kind][key]})  # fmt: skip
        else:
            self.seen[kind][key] = place
        return key

    def bilingual(
        self, data: dict[str, Any], name: str, place: str, required: bool
    ) -> tuple[str, str]:
        value = data.get(name, {})
        label = _("title") if name == "title" else _("explanation")
        if isinstance(value, str):
            value = {"nl": value}
        if not isinstance(value, dict):
            self.problem(
                place, _("the %(name)s must be an object with nl and en") % {"name": label}
            )
            return "", ""
        dutch, english = value.get("nl", ""), value.get("en", "")
        if not isinstance(dutch, str) or not isinstance(english, str):
            self.problem(place, _("the %(name)s must be text") % {"name": label})
            return "", ""
        if required and not dutch.strip():
            self.problem(place, _("the Dutch %(name)s is missing") % {"name": label})
        limit = 300 if name == "title" else 5000
        if len(dutch) > limit or len(english) > limit:
            self.problem(place, _("the %(name)s is longer than %(limit)d characters")
                         % {"name": label, "limit": limit})  # fmt: skip
        return dutch.strip(), english.strip()

    def text(self, data: dict[str, Any], place: str) -> Text:
        title = self.bilingual(data, "title", place, required=True)
        explanation = self.bilingual(data, "explanation", place, required=False)
        return Text(title[0], title[1], explanation[0], explanation[1])

    def items_of(self, data: dict[str, Any], name: str, place: str) -> list[Any]:
        value = data.get(name)
        if not isinstance(value, list) or not value:
            missing = {"phases": _("has no phases"), "steps": _("has no steps")}
            self.problem(place, missing.get(name, _("has no items")))
            return []
        return value


def parse_definition(raw: bytes | str) -> Definition:
    """The definition in ``raw``, or :class:`DefinitionError` listing every problem."""
    if len(raw) > MAX_BYTES:
        raise DefinitionError([_("the file is larger than 1 MB")])
    try:
        data = json.loads(raw)
    except (ValueError, UnicodeDecodeError) as error:
        raise DefinitionError([_("not readable as JSON: %(error)s") % {"error": error}]) from None
    reader = _Reader()
    data = reader.obj(data, _("the file"))
    guideline = reader.obj(data.get("guideline"), "guideline")
    key = reader.key(guideline, "guideline", "guideline") if guideline else ""
    title_nl, title_en = reader.bilingual(guideline, "title", "guideline", required=True)
    version = reader.obj(data.get("version"), "version")
    number = version.get("number")
    if not isinstance(number, int) or isinstance(number, bool) or not 1 <= number <= 32767:
        reader.problem("version", _("needs a number from 1 up"))
        number = 0
    label = version.get("label", "")
    phases = []
    for p, raw_phase in enumerate(reader.items_of(data, "phases", _("the file")), start=1):
        place = _("phase %(number)d") % {"number": p}
        phase_data = reader.obj(raw_phase, place)
        phase = PhaseDef(reader.key(phase_data, place, "phase"), reader.text(phase_data, place))
        for s, raw_step in enumerate(reader.items_of(phase_data, "steps", place), start=1):
            step_place = _("%(phase)s, step %(number)d") % {"phase": place, "number": s}
            step_data = reader.obj(raw_step, step_place)
            connection = step_data.get("connection", "")
            if connection not in Step.Connection.values:
                reader.problem(step_place, _("unknown connection “%(value)s”")
                               % {"value": connection})  # fmt: skip
                connection = ""
            step = StepDef(
                reader.key(step_data, step_place, "step"),
                reader.text(step_data, step_place),
                connection,
                bool(step_data.get("evaluation", False)),
            )
            for i, raw_item in enumerate(reader.items_of(step_data, "items", step_place), start=1):
                item_place = _("%(step)s, item %(number)d") % {"step": step_place, "number": i}
                item_data = reader.obj(raw_item, item_place)
                step.items.append(
                    ItemDef(reader.key(item_data, item_place, "item"),
                            reader.text(item_data, item_place))
                )  # fmt: skip
            phase.steps.append(step)
        phases.append(phase)
    if reader.problems:
        raise DefinitionError(reader.problems)
    return Definition(
        key=key,
        title_nl=title_nl,
        title_en=title_en,
        number=number,
        label=str(label)[:200],
        draft_text=bool(version.get("draft_text", True)),
        phases=phases,
    )


@dataclass
class LoadReport:
    version: GuidelineVersion
    outcome: str  # "created", "updated" or "unchanged"
    changes: Changes
    compared_with: GuidelineVersion | None
    cycles_moved: int = 0


def _build(version: GuidelineVersion, definition: Definition) -> list[Item]:
    items: list[Item] = []
    number = 0
    for p, phase_def in enumerate(definition.phases, start=1):
        phase = Phase.objects.create(version=version, key=phase_def.key, position=p,
                                     **vars(phase_def.text))  # fmt: skip
        for step_def in phase_def.steps:
            number += 1
            step = Step.objects.create(
                version=version, phase=phase, key=step_def.key, number=number,
                connection=step_def.connection, is_evaluation=step_def.evaluation,
                **vars(step_def.text),
            )  # fmt: skip
            items += [
                Item(version=version, step=step, key=d.key, position=i, **vars(d.text))
                for i, d in enumerate(step_def.items, start=1)
            ]
    return Item.objects.bulk_create(items)


def _signature(version: GuidelineVersion) -> list[tuple[Any, ...]]:
    """The content of a stored version, comparable with :func:`_defined_signature`."""
    s = structure_of(version)
    phase_keys = {p.pk: p.key for p in s.phases}
    step_keys = {st.pk: st.key for st in s.steps}
    return (
        [("phase", p.key, p.title_nl, p.title_en, p.explanation_nl, p.explanation_en)
         for p in s.phases]
        + [("step", st.key, phase_keys[st.phase_id], st.connection, st.is_evaluation,
            st.title_nl, st.title_en, st.explanation_nl, st.explanation_en) for st in s.steps]
        + [("item", i.key, step_keys[i.step_id], i.title_nl, i.title_en, i.explanation_nl,
            i.explanation_en) for i in s.items]
    )  # fmt: skip


def _defined_signature(definition: Definition) -> list[tuple[Any, ...]]:
    phases = definition.phases
    steps = [(p, st) for p in phases for st in p.steps]
    items = [(st, i) for _p, st in steps for i in st.items]
    return (
        [("phase", p.key, *vars(p.text).values()) for p in phases]
        + [("step", st.key, p.key, st.connection, st.evaluation, *vars(st.text).values())
           for p, st in steps]
        + [("item", i.key, st.key, *vars(i.text).values()) for st, i in items]
    )  # fmt: skip


@transaction.atomic
def load_definition(definition: Definition, *, publish: bool = False) -> LoadReport:
    """Create or update the version a definition describes, and report what changed.

    A new number creates a version (compared with the newest earlier one). An
    unpublished version is rebuilt in place. A published version is fixed: the
    same content reports "unchanged", other content is refused. With
    ``publish`` the version is published and open cycles move onto it.
    """
    guideline, _created = Guideline.objects.get_or_create(
        key=definition.key, defaults={"title_nl": definition.title_nl}
    )
    guideline.title_nl, guideline.title_en = definition.title_nl, definition.title_en
    guideline.save()
    version = (
        GuidelineVersion.objects.select_for_update()
        .filter(guideline=guideline, number=definition.number)
        .first()
    )
    if version is None:
        version = GuidelineVersion.objects.create(
            guideline=guideline, number=definition.number, label=definition.label,
            is_draft_text=definition.draft_text,
        )  # fmt: skip
        new_items = _build(version, definition)
        earlier = earlier_version(version)
        old_items = structure_of(earlier).items if earlier else []
        report = LoadReport(version, "created", compare_items(old_items, new_items), earlier)
    else:
        before = _signature(version)
        old_items = structure_of(version).items
        if version.is_published:
            if _defined_signature(definition) != before:
                raise DefinitionError([
                    _("version %(number)d of “%(key)s” is published and cannot change; "
                      "give the new text a new version number")
                    % {"number": version.number, "key": guideline.key}
                ])  # fmt: skip
            report = LoadReport(version, "unchanged", Changes(), version)
        else:
            version.phases.all().delete()
            new_items = _build(version, definition)
            version.label, version.is_draft_text = definition.label, definition.draft_text
            version.save(update_fields=["label", "is_draft_text"])
            outcome = "unchanged" if _defined_signature(definition) == before else "updated"
            report = LoadReport(version, outcome, compare_items(old_items, new_items), version)
    if publish:
        report.cycles_moved = publish_version(version=version)
    return report


def load_file(raw: bytes | str, *, publish: bool = False) -> LoadReport:
    """Parse and load a definition; :class:`DefinitionError` when it is refused."""
    definition = parse_definition(raw)
    try:
        return load_definition(definition, publish=publish)
    except ValidationError as error:
        raise DefinitionError(error.messages) from None


def load_shipped(path: Path = STEP_PLAN) -> LoadReport | None:
    """Load and publish a definition shipped in ``fixtures/guidelines/`` (the step plan by
    default) when its guideline has no version yet.

    Returns None, and writes nothing, when the guideline has a version (published or not,
    this one or a newer one): what is there is never replaced. Checked like every file
    (:func:`parse_definition`).
    """
    definition = parse_definition(path.read_bytes())
    with transaction.atomic():
        if GuidelineVersion.objects.filter(guideline__key=definition.key).exists():
            return None
        return load_definition(definition, publish=True)
