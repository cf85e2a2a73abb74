"""The step plan part of the demo data: both guidelines, a pilot, and some progress.

``seed_demo`` (in teams) sends ``teams.signals.demo_seeded``; :class:`GuidelinesConfig`
connects :func:`seed_pilot_for_demo` to it, so the demo schools follow the step plan.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django.contrib.auth.models import User
from django.db import transaction
from django.utils import timezone

from teams.models import Membership, School, SchoolYear, StaffMember

from . import services
from .definitions import SHIPPED, load_shipped
from .models import Cycle, Guideline, GuidelineVersion, Pilot, Progress

PILOT = "Pilot ICT-team Scholengroep Demo"
STEP_PLAN_KEY = "stappenplan"
State = Progress.State

# School index -> item key -> (state, reason or note). The first school is further behind.
PROGRESS = [
    {
        "directie-steunt-teamaanpak": (State.DONE, "Besproken op de personeelsvergadering."),
        "huidige-situatie-besproken": (State.DONE, ""),
        "kernteam-samengesteld": (State.IN_PROGRESS, "Nog één leerkracht zoeken."),
        "selfie-afgenomen": (State.NOT_APPLICABLE, "SELFIE vorig schooljaar al afgenomen."),
    },
    {
        "directie-steunt-teamaanpak": (State.DONE, ""),
        "huidige-situatie-besproken": (State.DONE, ""),
        "kernteam-samengesteld": (State.DONE, ""),
        "visie-op-leren-met-ict": (State.DONE, "Visietekst op het intranet."),
        "selfie-afgenomen": (State.DONE, ""),
        "beleidsplan-opgesteld": (State.DONE, ""),
        "prioriteiten-bepaald": (State.DONE, ""),
        "takenoverzicht-aangepast": (State.DONE, ""),
        "taken-verdeeld": (State.IN_PROGRESS, ""),
    },
]


def load_guidelines() -> GuidelineVersion:
    """The shipped guidelines, each loaded and published where its guideline has no version
    yet (:func:`load_shipped`); returns the step plan's newest published version."""
    for path in sorted(SHIPPED.glob("*.json")):
        load_shipped(path)
    version = services.latest_version(Guideline.objects.get(key=STEP_PLAN_KEY))
    if version is None:
        raise RuntimeError(f"The guideline “{STEP_PLAN_KEY}” has no published version.")
    return version


def _coordinator(school: School) -> User | None:
    membership = (
        Membership.objects.filter(school=school, kind=Membership.Kind.COORDINATOR)
        .select_related("user")
        .first()
    )
    return membership.user if membership else None


@transaction.atomic
def seed_demo_pilot(*, schools: list[School], school_year: SchoolYear) -> Pilot:
    """Enrol ``schools`` in the demo pilot, each with a cycle and some progress.

    Safe to run twice: a school's cycle gets its progress only when it is created.
    """
    version = load_guidelines()
    pilot, _created = Pilot.objects.get_or_create(
        name=PILOT,
        defaults={
            "starts_on": school_year.starts_on,
            "ends_on": school_year.ends_on,
            "version": version,
        },
    )
    pilot.schools.add(*schools)
    today = timezone.localdate()
    for index, school in enumerate(schools):
        if Cycle.objects.filter(school=school, school_year=school_year,
                                guideline=version.guideline).exists():  # fmt: skip
            continue
        cycle = services.start_cycle(school=school, school_year=school_year, version=version)
        by = _coordinator(school)
        for key, (state, text) in PROGRESS[index % len(PROGRESS)].items():
            services.record_item(
                cycle=cycle, item_key=key, by=by, state=state,
                reason=text if state == State.NOT_APPLICABLE else "",
                note="" if state == State.NOT_APPLICABLE else text,
            )  # fmt: skip
        owner = StaffMember.objects.filter(user=by).first() if by else None
        services.plan_step(cycle=cycle, step_key="ruimte-voor-verandering", owner=owner,
                           target_date=today - timedelta(days=7))  # fmt: skip
        services.plan_step(cycle=cycle, step_key="pedagogische-visie", owner=owner,
                           target_date=today + timedelta(days=60))  # fmt: skip
        services.set_sharing(cycle=cycle, shares_notes=index == 0)
    return pilot


def seed_pilot_for_demo(
    sender: Any, *, schools: list[School], school_year: SchoolYear, **kwargs: Any
) -> None:
    """The demo's pilot, once ``seed_demo`` has made the demo schools (a signal receiver)."""
    seed_demo_pilot(schools=schools, school_year=school_year)
