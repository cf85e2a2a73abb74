"""People with their figures, in the one order every page lists them.

The order is the calculator's (:func:`calculator.rank_key`: most loaded first),
ties broken by name; the board, its panel, the dashboard, the staff list, the
group page and the command all rank through :func:`ranked`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Generic, TypeVar

from teams.models import StaffMember, name_sort_key
from teams.workload.calculator import Load, PersonFigures, SchoolCalculation, rank_key

F = TypeVar("F", bound=Load)


@dataclass
class PersonLoad(Generic[F]):
    """A person with their figures: in one school, or over several (``PersonTotal``)."""

    member: StaffMember
    figures: F


def ranked(rows: Iterable[PersonLoad[F]]) -> list[PersonLoad[F]]:
    """Most loaded first (the calculator's rank), then by last and first name in Dutch
    order (:func:`teams.models.name_sort_key`)."""
    return sorted(
        rows,
        key=lambda row: (
            rank_key(row.figures),
            name_sort_key(row.member.last_name),
            name_sort_key(row.member.first_name),
            row.member.pk,
        ),
    )


def loads_in(
    members: Iterable[StaffMember], result: SchoolCalculation
) -> list[PersonLoad[PersonFigures]]:
    """The given people with their figures in a school's calculation, ranked."""
    return ranked(PersonLoad(member, result.figures_of(member.pk)) for member in members)
