"""The cast of the guidelines tests: the teams cast, a department viewer, and the step plan.

School group G runs school A (director, coordinator, staff member) and school
B (the outsider is its director); a stranger runs school C elsewhere. The
final step plan's fixture is loaded and published; school A has a cycle.
"""

from __future__ import annotations

import json
from copy import deepcopy
from pathlib import Path
from typing import Any

import pytest
from django.contrib.auth.models import User

from guidelines.definitions import load_file
from guidelines.models import Cycle, GuidelineVersion
from guidelines.services import start_cycle
from teams.models import Membership
from tests.teams.conftest import World, member, world  # noqa: F401  (the shared cast)

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "guidelines"


def definition(name: str = "stappenplan.json") -> dict[str, Any]:
    """A fresh, editable copy of a shipped definition."""
    return deepcopy(json.loads((FIXTURES / name).read_text(encoding="utf-8")))


def dump(data: dict[str, Any]) -> bytes:
    return json.dumps(data).encode()


@pytest.fixture
def department(db) -> User:  # type: ignore[no-untyped-def]
    return member(Membership.Kind.DEPARTMENT, "departement")


@pytest.fixture
def version(db) -> GuidelineVersion:  # type: ignore[no-untyped-def]
    return load_file(dump(definition()), publish=True).version


@pytest.fixture
def cycle(world: World, version: GuidelineVersion) -> Cycle:  # noqa: F811
    return start_cycle(school=world.school, school_year=world.year, version=version)
