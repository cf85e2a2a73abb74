from decimal import Decimal

import pytest

from tasks.models import Frequency, Level, TaskGroup
from tasks.text import normalise
from tasks.vocabulary import (
    HoursError,
    field_for_header,
    group_kind,
    parse_frequency,
    parse_hours,
    parse_level,
)


def test_normalise_drops_case_accents_punctuation_and_spacing():
    assert normalise("  ICT-Coördinatie:  Uren (per jaar) ") == "ict coordinatie uren per jaar"


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("Taak", "title"),
        ("Taken", "title"),
        ("ICT-taak", "title"),
        ("TASK", "title"),
        ("Omschrijving", "description"),
        ("Beschrijving", "description"),
        ("Toelichting", "description"),
        ("Description", "description"),
        ("Groep", "group"),
        ("Cluster", "group"),
        ("Domein", "group"),
        ("Categorie", "group"),
        ("Group", "group"),
        ("Uren", "hours"),
        ("Uren per jaar", "hours"),
        ("Tijd (u/jaar)", "hours"),
        ("Hours", "hours"),
        ("Geschatte tijd (uren)", "hours"),
        ("Frequentie", "frequency"),
        ("Hoe vaak?", "frequency"),
        ("Frequency", "frequency"),
        ("Rol", "role"),
        ("Wie", "role"),
        ("Profiel", "role"),
        ("Role", "role"),
        ("Nr.", "code"),
        ("Code", "code"),
        ("ID", "code"),
        ("Niveau", "level"),
        ("Level", "level"),
    ],
)
def test_headers_are_recognised_in_dutch_and_english(header, field):
    assert field_for_header(header)[0] == field


@pytest.mark.parametrize(
    "header", ["Takenoverzicht ICT-coördinatie", "Opmerkingen", "", None, "Status"]
)
def test_other_headers_are_not_fields(header):
    assert field_for_header(header)[0] is None


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("Technisch", TaskGroup.Kind.TECHNICAL),
        ("1. Technische taken", TaskGroup.Kind.TECHNICAL),
        ("2. Pedagogisch-didactische taken", TaskGroup.Kind.PEDAGOGICAL),
        ("PEDAGOGISCH", TaskGroup.Kind.PEDAGOGICAL),
        ("Beleid en visie", TaskGroup.Kind.POLICY),
        ("3) Beleidsmatige taken", TaskGroup.Kind.POLICY),
        ("ADMINISTRATIEF", TaskGroup.Kind.ADMINISTRATIVE),
        ("4. Administratieve taken", TaskGroup.Kind.ADMINISTRATIVE),
        ("Technical tasks", TaskGroup.Kind.TECHNICAL),
        ("Pedagogical-didactical", TaskGroup.Kind.PEDAGOGICAL),
        ("Policy and vision", TaskGroup.Kind.POLICY),
        ("Administrative", TaskGroup.Kind.ADMINISTRATIVE),
    ],
)
def test_group_names_are_recognised_by_meaning(text, kind):
    assert group_kind(text) == kind


@pytest.mark.parametrize(
    "text",
    ["Technische ondersteuning bij examens", "Beleid en administratie", "Communicatie", "", "12"],
)
def test_task_titles_and_mixed_headings_are_no_group(text):
    assert group_kind(text) is None


@pytest.mark.parametrize(
    ("value", "hours"),
    [
        (12, Decimal(12)),
        (2.5, Decimal("2.5")),
        ("2,5", Decimal("2.5")),
        ("12 uur", Decimal(12)),
        ("ca. 10", Decimal(10)),
        ("8u", Decimal(8)),
        ("8 u", Decimal(8)),
        ("±4", Decimal(4)),
        ("10 uren/jaar", Decimal(10)),
        ("1.5h", Decimal("1.5")),
        ("-3", Decimal(-3)),
        ("Ongeveer 6 uur per jaar", Decimal(6)),
    ],
)
def test_hours_are_read_from_numbers_and_text(value, hours):
    assert parse_hours(value) == hours


@pytest.mark.parametrize("value", [None, "", "  ", "?", "-", "nvt", "n.v.t."])
def test_blank_hours_are_unknown(value):
    assert parse_hours(value) is None


@pytest.mark.parametrize("value", ["veel", "10-12", "2 u/week", "twee", True, "1,2,3"])
def test_other_hours_are_errors(value):
    with pytest.raises(HoursError):
        parse_hours(value)


@pytest.mark.parametrize(
    ("text", "frequency"),
    [
        ("dagelijks", Frequency.DAILY),
        ("Wekelijks", Frequency.WEEKLY),
        ("1x per week", Frequency.WEEKLY),
        ("maandelijks", Frequency.MONTHLY),
        ("per trimester", Frequency.TRIMESTER),
        ("driemaandelijks", Frequency.TRIMESTER),
        ("jaarlijks", Frequency.YEARLY),
        ("begin schooljaar", Frequency.YEARLY),
        ("eenmalig", Frequency.ONCE),
        ("yearly", Frequency.YEARLY),
        ("ad hoc", Frequency.AD_HOC),
        ("", Frequency.AD_HOC),
        ("wanneer nodig", Frequency.AD_HOC),
    ],
)
def test_frequencies_are_normalised(text, frequency):
    assert parse_frequency(text) == frequency


@pytest.mark.parametrize(
    ("text", "level"),
    [
        ("school", Level.SCHOOL),
        ("", Level.SCHOOL),
        ("Scholengroep", Level.SCHOOL_GROUP),
        ("scholengemeenschap", Level.SCHOOL_GROUP),
        ("School group", Level.SCHOOL_GROUP),
        ("planeet", None),
    ],
)
def test_levels(text, level):
    assert parse_level(text) == level


def test_minutes_are_not_hours():
    with pytest.raises(HoursError):
        parse_hours("30 min")
    assert parse_hours("max 10") == Decimal(10)


def test_true_and_one_are_different_cells():
    from tasks.importer import _hours

    assert _hours(True)[0] == "hours_not_number"
    assert _hours(1.0) == ("", Decimal("1.00"))


def test_schoolgroep_spelling():
    assert parse_level("Schoolgroep") == Level.SCHOOL_GROUP
