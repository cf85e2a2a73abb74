"""The words real task overviews use, and how to read their values.

Everything here works on text already passed through :func:`tasks.text.normalise`
(lower case, no accents, single spaces), so "Uren (per jaar)" arrives as
"uren per jaar".
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from .models import Frequency, Level, TaskGroup
from .text import normalise

# --- Column headers --------------------------------------------------------------------

FIELDS = ("code", "title", "description", "group", "role", "frequency", "hours", "level")

# Exact header texts, per field. Checked before the keyword rules below.
# fmt: off
HEADER_NAMES: dict[str, set[str]] = {
    "code": {
        "nr", "nr.", "nummer", "no", "code", "id", "ref", "referentie", "taaknummer",
        "taakcode", "volgnummer", "number", "task id", "task code", "taak nr", "taaknr",
    },
    "title": {
        "taak", "taken", "ict taak", "ict taken", "task", "tasks", "ict task", "titel",
        "title", "naam taak", "taaknaam", "task name", "activiteit", "opdracht",
    },
    "description": {
        "omschrijving", "beschrijving", "toelichting", "description", "details", "uitleg",
        "taakomschrijving", "inhoud", "explanation", "task description",
    },
    "group": {
        "groep", "cluster", "domein", "categorie", "category", "group", "taakgroep",
        "rubriek", "soort", "type", "domain", "thema", "soort taak", "task group",
    },
    "role": {
        "rol", "wie", "profiel", "role", "who", "functie", "uitvoerder", "door wie",
        "verantwoordelijke", "voorgestelde rol", "suggested role", "rol profiel",
    },
    "frequency": {
        "frequentie", "hoe vaak", "frequency", "periodiciteit", "how often", "interval",
        "wanneer", "ritme",
    },
    "hours": {
        "uren", "uren per jaar", "tijd u jaar", "hours", "hours per year", "uur",
        "aantal uren", "geschatte uren", "tijd", "tijdsbesteding", "tijdsinvestering",
        "u jaar", "uren jaar", "estimated hours", "time", "time h year", "hrs",
    },
    "level": {
        "niveau", "level", "school of scholengroep", "schaal", "scope", "op niveau van",
    },
}

# Words that give a header away when it is not one of the names above, such as
# "Geschatte tijd (uren/jaar)" or "Wie voert uit?".
HEADER_WORDS: dict[str, set[str]] = {
    "hours": {"uren", "uur", "hours", "hour", "tijdsbesteding", "tijdsinvestering"},
    "frequency": {"frequentie", "frequency", "vaak", "periodiciteit"},
    "description": {"omschrijving", "beschrijving", "toelichting", "description"},
    "role": {"rol", "role", "profiel", "wie", "who"},
    "group": {"groep", "cluster", "domein", "categorie", "category", "group"},
    "level": {"niveau", "level"},
    "code": {"nr", "nummer", "code"},
}
# fmt: on


def field_for_header(text: object) -> tuple[str | None, bool]:
    """The field a header cell names, and whether it named it exactly."""
    key = normalise(text)
    if not key:
        return None, False
    for field, names in HEADER_NAMES.items():
        if key in names:
            return field, True
    words = set(key.split())
    for field, keywords in HEADER_WORDS.items():
        if words & keywords:
            return field, False
    return None, False


# --- Groups -----------------------------------------------------------------------------

# Stems of the words that name each standard group.
GROUP_STEMS: dict[str, tuple[str, ...]] = {
    TaskGroup.Kind.TECHNICAL: ("techn", "infrastruct", "hardware"),
    TaskGroup.Kind.PEDAGOGICAL: ("pedagog", "didact", "onderwijskund"),
    TaskGroup.Kind.POLICY: ("beleid", "visie", "vision", "policy", "strateg"),
    TaskGroup.Kind.ADMINISTRATIVE: ("administr",),
}
# Words that may surround a group's name in a heading ("1. Technische taken").
# fmt: off
GROUP_FILLER = {
    "taken", "taak", "tasks", "task", "ict", "groep", "group", "cluster", "domein", "domain",
    "categorie", "category", "en", "and", "de", "het", "van", "of", "the", "aspecten",
    "luik", "werk", "work", "deel", "onderdeel", "rubriek", "gerelateerde", "related",
}
# fmt: on
_NUMBERING = re.compile(r"^(?:(?:\d+|[a-z]|[ivx]+)(?:\s+|$))+")


def group_kind(text: object) -> str | None:
    """The standard group a heading or group cell means, or None.

    Every word left after numbering and filler words must belong to the same
    group, so "2. Pedagogisch-didactische taken" is pedagogical while the task
    "Technische ondersteuning bij examens" is no heading at all.
    """
    key = _NUMBERING.sub("", normalise(text))
    words = [word for word in key.split() if word not in GROUP_FILLER]
    if not words:
        return None
    kinds = set()
    for word in words:
        matches = {kind for kind, stems in GROUP_STEMS.items() if word.startswith(stems)}
        if len(matches) != 1:
            return None
        kinds |= matches
    return kinds.pop() if len(kinds) == 1 else None


def find_group(text: object, groups: list[TaskGroup]) -> TaskGroup | None:
    """The group ``text`` names: by exact name first, then by meaning."""
    key = normalise(text)
    if not key:
        return None
    for group in groups:
        if normalise(group.name) == key:
            return group
    kind = group_kind(text)
    if kind is None:
        return None
    return next((group for group in groups if group.kind == kind), None)


# --- Frequency and level ------------------------------------------------------------------

# fmt: off
FREQUENCY_WORDS: list[tuple[str, tuple[str, ...]]] = [
    (Frequency.DAILY, ("dagelijks", "daily", "elke dag", "per dag", "dag", "day")),
    (Frequency.WEEKLY, ("wekelijks", "weekly", "per week", "elke week", "week")),
    (Frequency.MONTHLY, ("maandelijks", "monthly", "per maand", "elke maand", "maand", "month")),
    (
        Frequency.TRIMESTER,
        ("trimester", "per trimester", "driemaandelijks", "kwartaal", "quarter", "term"),
    ),
    (
        Frequency.YEARLY,
        ("jaarlijks", "yearly", "annually", "per jaar", "1x per jaar", "schooljaar", "jaar",
         "year", "begin schooljaar", "einde schooljaar", "semester", "halfjaarlijks"),
    ),
    (Frequency.ONCE, ("eenmalig", "once", "one off", "eenmaal", "1 keer")),
]
# fmt: on


def parse_frequency(text: object) -> str:
    """The frequency a cell describes; anything unrecognised is ad hoc."""
    key = normalise(text)
    if not key:
        return Frequency.AD_HOC
    for value, label in Frequency.choices:
        if key in (value.replace("_", " "), normalise(label)):
            return value
    for value, words in FREQUENCY_WORDS:
        if key in words:
            return value
    for value, words in FREQUENCY_WORDS:
        if any(re.search(rf"\b{re.escape(word)}\b", key) for word in words):
            return value
    return Frequency.AD_HOC


def parse_level(text: object) -> str | None:
    """School or school group, from what the cell says; None if it says neither."""
    key = normalise(text)
    if not key or key in {"school", "schoolniveau", "school niveau", "lokaal", "local"}:
        return Level.SCHOOL
    if key.startswith(
        (
            "scholengroep",
            "schoolgroep",
            "scholengemeenschap",
            "school group",
            "schoolgroup",
            "bestuur",
            "koepel",
            "sg",
            "scholen",
        )
    ):
        return Level.SCHOOL_GROUP
    if key in {"groep", "group", "level school group", "school group level"}:
        return Level.SCHOOL_GROUP
    if key.startswith("school"):
        return Level.SCHOOL
    return None


# --- Hours --------------------------------------------------------------------------------

_HOURS_NOISE = re.compile(
    r"\b(?:ca|circa|ongeveer|approx|about|plusminus|uur|uren|u|h|hrs|hours|hour|"
    r"per jaar|jaar|j|year|per year|pj|max|maximum)\b\.?"
)
_UNKNOWN_HOURS = {"", "-", "?", "nvt", "n v t", "na", "n a", "onbekend", "unknown", "x", "tbd"}
_NUMBER = re.compile(r"(-?)\s*(\d+(?:[.,]\d+)?)")


class HoursError(ValueError):
    """A cell that should hold hours per year holds something else."""


def parse_hours(value: object) -> Decimal | None:
    """Hours per year from a number or from text like "2,5", "12 uur", "ca. 10", "8u".

    Blank and "?" mean unknown (None). Raises :class:`HoursError` for anything
    that is not one number of hours.
    """
    if value is None:
        return None
    if isinstance(value, bool):
        raise HoursError(value)
    if isinstance(value, int | float | Decimal):
        try:
            number = Decimal(str(value))
        except InvalidOperation as exc:
            raise HoursError(value) from exc
        if not number.is_finite():
            raise HoursError(value)
        return number
    text = str(value).strip().lower().replace("±", " ").replace("~", " ").replace("+/-", " ")
    if text.replace(".", " ").strip() in _UNKNOWN_HOURS or normalise(text) in _UNKNOWN_HOURS:
        return None
    # "12u", "8h": a unit glued to the number.
    text = re.sub(r"(\d)\s*(u|h|uur|uren)\b", r"\1 ", text)
    text = re.sub(r"[/()]", " ", text)
    text = _HOURS_NOISE.sub(" ", text).replace(" .", " ").strip(" .:")
    match = _NUMBER.fullmatch(" ".join(text.split()))
    if not match:
        raise HoursError(value)
    return Decimal(match.group(1) + match.group(2).replace(",", "."))
