"""The progress calculator on generated plans: every figure follows from the items' states."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from guidelines.models import Item, Phase, Progress, Step
from guidelines.progress import plan_state

State = Progress.State
CLOSED = {State.DONE, State.NOT_APPLICABLE}

# A plan: phases of steps of item states (None: no progress row yet).
plans = st.lists(
    st.lists(
        st.lists(st.sampled_from([None, *State.values]), min_size=1, max_size=5),
        min_size=1,
        max_size=4,
    ),
    min_size=1,
    max_size=4,
)


def build(shape):
    phases, steps, items, progress = [], [], [], []
    number = 0
    for p, phase_steps in enumerate(shape, start=1):
        phases.append(Phase(pk=p, key=f"p{p}", position=p, title_nl=f"Fase {p}"))
        for states in phase_steps:
            number += 1
            steps.append(Step(pk=number, phase_id=p, key=f"s{number}", number=number))
            for i, state in enumerate(states, start=1):
                key = f"s{number}-i{i}"
                items.append(Item(pk=len(items) + 1, step_id=number, key=key, position=i))
                if state is not None:
                    progress.append(Progress(item_key=key, state=state, reason="r"))
    return plan_state(phases=phases, steps=steps, items=items, progress=progress)


@settings(max_examples=200, deadline=None)
@given(plans)
def test_figures_follow_from_the_items(shape):
    plan = build(shape)
    flat = [s for phase in shape for step in phase for s in step]
    closed = sum(1 for s in flat if s in CLOSED)
    assert plan.item_count == len(flat)
    assert plan.closed_count == closed
    assert plan.percent == round(100 * closed / len(flat))
    for phase_shape, phase in zip(shape, plan.phases, strict=True):
        for states, step in zip(phase_shape, phase.steps, strict=True):
            assert [i.state for i in step.items] == [s or State.OPEN for s in states]
            assert step.is_done == all(s in CLOSED for s in states)
            if step.is_done:
                assert step.state == State.DONE
            elif all(s in (None, State.OPEN) for s in states):
                assert step.state == State.OPEN
            else:
                assert step.state == State.IN_PROGRESS
            assert 0 <= step.percent <= 100
    first_open = [s.step.key for s in plan.phases[0].steps if not s.is_done]
    for phase in plan.phases[1:]:
        for step in phase.steps:
            assert [w.key for w in step.waits_for] == first_open
    assert all(not s.waits_for for s in plan.phases[0].steps)


def test_progress_of_keys_the_version_lacks_is_ignored():
    plan = plan_state(
        phases=[Phase(pk=1, key="p", position=1)],
        steps=[Step(pk=1, phase_id=1, key="s", number=1)],
        items=[Item(pk=1, step_id=1, key="kept", position=1)],
        progress=[
            Progress(item_key="kept", state=State.DONE),
            Progress(item_key="removed", state=State.DONE),
        ],
    )
    assert (plan.item_count, plan.closed_count, plan.steps[0].is_done) == (1, 1, True)
