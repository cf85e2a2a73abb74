"""How a person's state reads and looks: the one place templates and scripts take it from.

The states themselves are the calculator's (:data:`calculator.STATES`). Templates
read them through the ``workload`` template tags; the dashboard's charts get
:func:`for_charts` in their JSON.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from teams.workload.calculator import BUSY, OK, OVER, STATES, UNKNOWN


@dataclass(frozen=True)
class StateLook:
    key: str
    word: str | Promise  # what the state is called on every page
    badge: str  # Bootstrap classes of its badge
    border: str  # Bootstrap classes of a box around the figure
    colour: str  # its bar in a chart


LOOKS = {
    OVER: StateLook(OVER, _("overloaded"), "text-bg-danger", "border-danger border-2", "#b02a37"),
    BUSY: StateLook(BUSY, _("busy"), "text-bg-warning", "border-warning border-2", "#b35c00"),
    OK: StateLook(OK, _("fine"), "text-bg-success", "", "#146c43"),
    UNKNOWN: StateLook(UNKNOWN, _("no budget"), "text-bg-light border", "", "#6c757d"),
}


def look(state: str) -> StateLook:
    """How a state reads and looks; an unknown word reads as "no budget"."""
    return LOOKS.get(state, LOOKS[UNKNOWN])


def badge_text(percent: int | None, state: str) -> str:
    """A person's load in a few words: "120% · overloaded", "85%", "no budget · overloaded",
    "no budget"."""
    word, nothing = str(look(state).word), str(LOOKS[UNKNOWN].word)
    if percent is None:
        return f"{nothing} · {word}" if state == OVER else nothing
    return f"{percent}% · {word}" if state == OVER else f"{percent}%"


def for_charts() -> list[dict[str, Any]]:
    """The states for the charts' JSON, most serious first: key, word and colour."""
    return [
        {"key": item.key, "label": str(item.word), "colour": item.colour}
        for item in map(look, STATES)
    ]
