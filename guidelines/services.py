"""Work on guidelines and cycles that crosses models or needs a transaction.

Views, the ``load_guidelines`` command, the demo data and (later) the
reminder e-mails call these functions; none of them sees the request.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from teams.access import staff_of
from teams.models import School, SchoolYear, StaffMember

from .models import (
    Cycle,
    Guideline,
    GuidelineVersion,
    Item,
    Phase,
    Progress,
    SelfCheck,
    Step,
    StepPlan,
)
from .progress import PlanState, StepState, plan_state
from .selfcheck import clean_answers, questions_for

State = Progress.State
MAX_NOTE_LENGTH = 5000


@dataclass
class Structure:
    """A version's phases, steps and items, loaded in three queries."""

    version: GuidelineVersion
    phases: list[Phase]
    steps: list[Step]
    items: list[Item]

    @property
    def item_keys(self) -> set[str]:
        return {i.key for i in self.items}

    @property
    def step_keys(self) -> set[str]:
        return {s.key for s in self.steps}

    def step(self, key: str) -> Step | None:
        return next((s for s in self.steps if s.key == key), None)

    def outline(self) -> list[tuple[Phase, list[tuple[Step, list[Item]]]]]:
        """Phases, each with its steps, each with its items, in their order."""
        items: dict[int, list[Item]] = {}
        for item in self.items:
            items.setdefault(item.step_id, []).append(item)
        return [
            (phase, [(s, items.get(s.pk, [])) for s in self.steps if s.phase_id == phase.pk])
            for phase in self.phases
        ]


def load_structures(versions: Iterable[GuidelineVersion]) -> dict[int, Structure]:
    """The structure of each version, in three queries whatever their number."""
    by_pk = {v.pk: v for v in versions}
    result = {pk: Structure(v, [], [], []) for pk, v in by_pk.items()}
    for phase in Phase.objects.filter(version__in=by_pk).order_by("position", "pk"):
        result[phase.version_id].phases.append(phase)
    for step in Step.objects.filter(version__in=by_pk).order_by("number", "pk"):
        result[step.version_id].steps.append(step)
    for item in Item.objects.filter(version__in=by_pk).order_by("step__number", "position", "pk"):
        result[item.version_id].items.append(item)
    return result


def structure_of(version: GuidelineVersion) -> Structure:
    return load_structures([version])[version.pk]


def state_of(structure: Structure, cycle: Cycle) -> PlanState:
    """The calculator's view of a cycle, from rows loaded here (two queries)."""
    return plan_state(
        phases=structure.phases,
        steps=structure.steps,
        items=structure.items,
        progress=cycle.progress.select_related("changed_by"),
        plans=cycle.step_plans.select_related("owner"),
    )


def latest_version(guideline: Guideline | None = None) -> GuidelineVersion | None:
    """The newest published version (of ``guideline``, else of any guideline, the final
    step plan first)."""
    versions = GuidelineVersion.objects.published().select_related("guideline")
    if guideline is not None:
        versions = versions.filter(guideline=guideline)
    return versions.order_by("guideline__key", "-number").first()


def earlier_version(version: GuidelineVersion) -> GuidelineVersion | None:
    """The newest version of the same guideline with a lower number: what it is compared with."""
    earlier = GuidelineVersion.objects.filter(
        guideline_id=version.guideline_id, number__lt=version.number
    )
    return earlier.order_by("-number").first()


def cycles_of(school: School) -> list[Cycle]:
    return list(
        Cycle.objects.filter(school=school)
        .select_related("school_year", "version__guideline", "previous_version")
        .order_by("-school_year__start_year", "guideline__key")
    )


# Cycles -----------------------------------------------------------------------------------


@transaction.atomic
def start_cycle(
    *, school: School, school_year: SchoolYear, version: GuidelineVersion, by: User | None = None
) -> Cycle:
    """Start the school's cycle of ``version``'s guideline for ``school_year``.

    Carries over from the school's latest earlier cycle of the same guideline
    what stays done: items done or not applicable keep their state, reason,
    note and link, except in evaluation steps, which reopen. Step owners carry
    over; target dates do not. Refused when the year already has a cycle.
    """
    if not version.is_published:
        raise ValidationError(_("This version of the guideline is not published yet."))
    if Cycle.objects.filter(
        school=school, school_year=school_year, guideline_id=version.guideline_id
    ).exists():
        raise ValidationError(_("This school year already has a cycle of this guideline."))
    cycle = Cycle.objects.create(
        school=school, school_year=school_year, guideline_id=version.guideline_id, version=version
    )
    previous = (
        Cycle.objects.filter(
            school=school,
            guideline_id=version.guideline_id,
            school_year__start_year__lt=school_year.start_year,
        )
        .order_by("-school_year__start_year")
        .first()
    )
    if previous is not None:
        _carry_over(previous, cycle)
    return cycle


def _carry_over(previous: Cycle, cycle: Cycle) -> None:
    structure = structure_of(cycle.version)
    evaluation_steps = {s.pk for s in structure.steps if s.is_evaluation}
    reopened = {i.key for i in structure.items if i.step_id in evaluation_steps}
    Progress.objects.bulk_create(
        Progress(
            cycle=cycle,
            item_key=old.item_key,
            state=old.state,
            reason=old.reason,
            note=old.note,
            link=old.link,
            changed_by_id=old.changed_by_id,
            changed_at=old.changed_at,
        )
        for old in previous.progress.filter(state__in=(State.DONE, State.NOT_APPLICABLE))
        if old.item_key not in reopened
    )
    owners = previous.step_plans.filter(owner__isnull=False, owner__in=staff_of(cycle.school))
    StepPlan.objects.bulk_create(
        StepPlan(cycle=cycle, step_key=plan.step_key, owner_id=plan.owner_id) for plan in owners
    )


@transaction.atomic
def publish_version(*, version: GuidelineVersion) -> int:
    """Publish ``version`` and move every cycle of the current or a later school year on
    an older version of the same guideline onto it. Returns the number of cycles moved.

    Progress is stored by key, so it moves over untouched; each moved cycle keeps
    the version it came from until the school has seen what changed.
    """
    locked = GuidelineVersion.objects.select_for_update().get(pk=version.pk)
    if locked.published_at is None:
        locked.published_at = timezone.now()
        locked.save(update_fields=["published_at"])
    version.published_at = locked.published_at
    moving = Cycle.objects.filter(
        guideline_id=version.guideline_id,
        version__number__lt=version.number,
        school_year__in=SchoolYear.from_current(),
    )
    # Set-wise, so publishing stays quick with every school of Flanders on the plan.
    moving.filter(previous_version__isnull=True).update(previous_version=F("version"))
    return moving.update(version=version)


@dataclass
class ItemChange:
    key: str
    old: Item | None
    new: Item | None


@dataclass
class Changes:
    added: list[ItemChange] = field(default_factory=list)
    reworded: list[ItemChange] = field(default_factory=list)
    removed: list[ItemChange] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.added or self.reworded or self.removed)


def _text(item: Item) -> tuple[str, ...]:
    return (item.title_nl, item.title_en, item.explanation_nl, item.explanation_en)


def compare_items(old: Iterable[Item], new: Iterable[Item]) -> Changes:
    """What changed between two versions' checklists, matched by key."""
    before = {i.key: i for i in old}
    after = {i.key: i for i in new}
    changes = Changes()
    for key, item in after.items():
        if key not in before:
            changes.added.append(ItemChange(key, None, item))
        elif _text(before[key]) != _text(item):
            changes.reworded.append(ItemChange(key, before[key], item))
    changes.removed = [ItemChange(k, i, None) for k, i in before.items() if k not in after]
    return changes


def changes_for(cycle: Cycle) -> Changes:
    """What changed since the version the cycle moved from (empty when nothing moved)."""
    if cycle.previous_version is None:
        return Changes()
    structures = load_structures([cycle.previous_version, cycle.version])
    return compare_items(
        structures[cycle.previous_version.pk].items, structures[cycle.version.pk].items
    )


def dismiss_changes(*, cycle: Cycle) -> None:
    cycle.previous_version = None
    cycle.save(update_fields=["previous_version"])


def set_sharing(*, cycle: Cycle, shares_notes: bool) -> None:
    cycle.shares_notes = shares_notes
    cycle.save(update_fields=["shares_notes"])


# Ticking -------------------------------------------------------------------------------


@transaction.atomic
def record_item(
    *,
    cycle: Cycle,
    item_key: str,
    by: User | None,
    state: str,
    reason: str = "",
    note: str | None = None,
    link: str | None = None,
) -> Progress:
    """Set an item's state in a cycle, recording who and when.

    ``note`` and ``link`` left ``None`` keep what was there. Not applicable needs
    a reason; a reason is dropped for any other state. Nothing is written when
    the input is refused.
    """
    if not Item.objects.filter(version_id=cycle.version_id, key=item_key).exists():
        raise ValidationError(_("This item is not in the cycle's version of the guideline."))
    if state not in State.values:
        raise ValidationError(_("Choose a valid state."))
    reason = reason.strip()
    if state == State.NOT_APPLICABLE and not reason:
        raise ValidationError(_("Say why this item does not apply."))
    progress = Progress.objects.select_for_update().filter(cycle=cycle, item_key=item_key).first()
    if progress is None:
        progress = Progress(cycle=cycle, item_key=item_key)
    progress.state = state
    progress.reason = reason[:500] if state == State.NOT_APPLICABLE else ""
    if note is not None:
        if len(note) > MAX_NOTE_LENGTH:
            raise ValidationError(
                _("Keep the note under %(count)d characters.") % {"count": MAX_NOTE_LENGTH}
            )
        progress.note = note.strip()
    if link is not None:
        link = link.strip()
        if link:
            try:
                URLValidator(schemes=["http", "https"])(link)
            except ValidationError:
                raise ValidationError(
                    _("Give the link as a full web address (https://...).")
                ) from None
        progress.link = link
    progress.changed_by = by
    progress.changed_at = timezone.now()
    progress.save()
    return progress


@transaction.atomic
def plan_step(
    *, cycle: Cycle, step_key: str, owner: StaffMember | None, target_date: date | None
) -> StepPlan:
    """Give a step an owner from the school's staff and a target date (either may be empty)."""
    if not Step.objects.filter(version_id=cycle.version_id, key=step_key).exists():
        raise ValidationError(_("This step is not in the cycle's version of the guideline."))
    if owner is not None and not staff_of(cycle.school).filter(pk=owner.pk).exists():
        raise ValidationError(_("The owner must work in this school."))
    plan, _created = StepPlan.objects.update_or_create(
        cycle=cycle, step_key=step_key, defaults={"owner": owner, "target_date": target_date}
    )
    return plan


def save_self_check(
    *, cycle: Cycle, moment: str, answers: dict[str, object], by: User | None
) -> SelfCheck:
    """Store the school's self-check at the start or end of the cycle (replacing an earlier
    answer for the same moment), with the answers to the statements put to the school."""
    if moment not in SelfCheck.Moment.values:
        raise ValidationError(_("Choose the start or the end of the cycle."))
    cleaned = clean_answers(answers, questions_for(cycle.school))
    check, _created = SelfCheck.objects.update_or_create(
        cycle=cycle, moment=moment, defaults={"answers": cleaned, "filled_by": by}
    )
    return check


# Overdue steps: the hook for dashboards and reminder e-mails ---------------------------------


@dataclass(frozen=True)
class OverdueStep:
    cycle: Cycle
    step: StepState

    @property
    def school(self) -> School:
        return self.cycle.school

    @property
    def owner(self) -> StaffMember | None:
        return self.step.plan.owner if self.step.plan else None

    @property
    def target_date(self) -> date | None:
        return self.step.plan.target_date if self.step.plan else None

    @property
    def title(self) -> str:
        """ "Step N. Title", in the active language (reminders and calendar feeds use it)."""
        return _("Step %(number)s. %(title)s") % {
            "number": self.step.step.number,
            "title": self.step.step.title,
        }

    @property
    def url(self) -> str:
        """Where the step is, on its cycle's page."""
        cycle_url = reverse("guidelines:cycle", args=[self.cycle.school_id, self.cycle.pk])
        return f"{cycle_url}#step-{self.step.step.key}"


def overdue_steps(
    *,
    school_ids: Iterable[int] | None = None,
    staff_member: StaffMember | None = None,
    on: date | None = None,
) -> list[OverdueStep]:
    """Steps whose target date has passed and that are not done, oldest target first.

    Only cycles of the school year that is current on the day ``on`` (today by
    default; :meth:`SchoolYear.from_current`), or of a later one being planned,
    count. Filter by schools, by owner, or both (neither: every school). Used
    by the school's dashboard, a person's "my tasks" and the reminder e-mails;
    it runs a fixed number of queries however many steps it finds.
    """
    on = on or timezone.localdate()
    plans = StepPlan.objects.filter(
        target_date__lt=on, cycle__school_year__in=SchoolYear.from_current(on)
    )
    if school_ids is not None:
        plans = plans.filter(cycle__school_id__in=list(school_ids))
    if staff_member is not None:
        plans = plans.filter(owner=staff_member)
    cycle_ids = set(plans.values_list("cycle_id", flat=True))
    if not cycle_ids:
        return []
    cycles = list(
        Cycle.objects.filter(pk__in=cycle_ids).select_related(
            "school", "school_year", "version__guideline"
        )
    )
    structures = load_structures({c.version for c in cycles})
    progress: dict[int, list[Progress]] = {}
    for row in Progress.objects.filter(cycle__in=cycle_ids):
        progress.setdefault(row.cycle_id, []).append(row)
    step_plans: dict[int, list[StepPlan]] = {}
    for plan in plans.select_related("owner"):
        step_plans.setdefault(plan.cycle_id, []).append(plan)
    found = []
    for cycle in cycles:
        structure = structures[cycle.version_id]
        state = plan_state(
            phases=structure.phases,
            steps=structure.steps,
            items=structure.items,
            progress=progress.get(cycle.pk, []),
            plans=step_plans.get(cycle.pk, []),
        )
        found += [OverdueStep(cycle, s) for s in state.steps if s.is_overdue(on)]
    return sorted(found, key=lambda o: (o.target_date or on, o.school.name, o.step.step.number))


__all__ = [
    "Changes",
    "OverdueStep",
    "Structure",
    "changes_for",
    "compare_items",
    "dismiss_changes",
    "load_structures",
    "overdue_steps",
    "plan_step",
    "publish_version",
    "record_item",
    "save_self_check",
    "start_cycle",
    "state_of",
    "structure_of",
]
