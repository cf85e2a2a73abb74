"""The progress calculator: where a school stands on a guideline version.

A plain function over rows the caller loaded (no queries inside). The step
plan page, the pilot overview, its export and the overdue-step hook all read
progress through :func:`plan_state`, so none of them re-derives a piece of it.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime

from .models import Item, Phase, Progress, Step, StepPlan

State = Progress.State
CLOSED = (State.DONE, State.NOT_APPLICABLE)


@dataclass(frozen=True)
class ItemState:
    item: Item
    progress: Progress | None

    @property
    def state(self) -> str:
        return self.progress.state if self.progress else State.OPEN

    @property
    def is_closed(self) -> bool:
        return self.state in CLOSED

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)


def _percent(part: int, whole: int) -> int:
    return round(100 * part / whole) if whole else 0


@dataclass
class StepState:
    step: Step
    items: list[ItemState]
    plan: StepPlan | None = None
    waits_for: list[Step] = field(default_factory=list)  # open steps of the first phase

    @property
    def closed_count(self) -> int:
        return sum(1 for i in self.items if i.is_closed)

    @property
    def percent(self) -> int:
        return _percent(self.closed_count, len(self.items))

    @property
    def is_done(self) -> bool:
        return bool(self.items) and self.closed_count == len(self.items)

    @property
    def state(self) -> str:
        """``done``, ``in_progress`` (something moved) or ``open``."""
        if self.is_done:
            return State.DONE
        if any(i.state != State.OPEN for i in self.items):
            return State.IN_PROGRESS
        return State.OPEN

    @property
    def state_label(self) -> str:
        return str(State(self.state).label)

    @property
    def last_change(self) -> datetime | None:
        moments = [
            i.progress.changed_at for i in self.items if i.progress and i.progress.changed_at
        ]
        return max(moments, default=None)

    @property
    def not_applicable(self) -> list[ItemState]:
        return [i for i in self.items if i.state == State.NOT_APPLICABLE]

    def is_overdue(self, on: date) -> bool:
        return not self.is_done and self.plan is not None and self.plan.is_overdue(on)


@dataclass
class PhaseState:
    phase: Phase
    steps: list[StepState]

    @property
    def item_count(self) -> int:
        return sum(len(s.items) for s in self.steps)

    @property
    def closed_count(self) -> int:
        return sum(s.closed_count for s in self.steps)

    @property
    def percent(self) -> int:
        return _percent(self.closed_count, self.item_count)


@dataclass
class PlanState:
    phases: list[PhaseState]

    @property
    def steps(self) -> list[StepState]:
        return [s for p in self.phases for s in p.steps]

    @property
    def item_count(self) -> int:
        return sum(p.item_count for p in self.phases)

    @property
    def closed_count(self) -> int:
        return sum(p.closed_count for p in self.phases)

    @property
    def percent(self) -> int:
        return _percent(self.closed_count, self.item_count)

    def step(self, key: str) -> StepState | None:
        return next((s for s in self.steps if s.step.key == key), None)


def plan_state(
    *,
    phases: Iterable[Phase],
    steps: Iterable[Step],
    items: Iterable[Item],
    progress: Iterable[Progress],
    plans: Iterable[StepPlan] = (),
) -> PlanState:
    """The state of every item, step and phase of one version for one cycle.

    Progress and plans are matched by key; rows whose key the version does not
    have are ignored (they stay stored for a later version that has the key).
    While a step of the first phase is still open, every later step lists it
    in ``waits_for``: the step plan advises to work on those first.
    """
    by_key = {p.item_key: p for p in progress}
    plan_by_key = {p.step_key: p for p in plans}
    items_by_step: dict[int, list[ItemState]] = {}
    for item in sorted(items, key=lambda i: (i.position, i.pk or 0)):
        items_by_step.setdefault(item.step_id, []).append(ItemState(item, by_key.get(item.key)))
    step_states: dict[int, list[StepState]] = {}
    for step in sorted(steps, key=lambda s: (s.number, s.pk or 0)):
        state = StepState(step, items_by_step.get(step.pk, []), plan_by_key.get(step.key))
        step_states.setdefault(step.phase_id, []).append(state)
    result = PlanState(
        [
            PhaseState(phase, step_states.get(phase.pk, []))
            for phase in sorted(phases, key=lambda p: (p.position, p.pk or 0))
        ]
    )
    if result.phases:
        first = result.phases[0]
        open_first = [s.step for s in first.steps if not s.is_done]
        for phase in result.phases[1:]:
            for later in phase.steps:
                later.waits_for = open_first
    return result
