"""The self-check: traits of a strong ICT team, answered at the start and end of a cycle.

The traits come from what the project found about strong ICT teams (see the
domain brief): a school group that pools hours and experts, clear agreements,
shared knowledge, balance between the kinds of work, and regular contact.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from teams.models import School


@dataclass(frozen=True)
class Question:
    key: str
    text: Promise
    # Asked only of a school in a school group: the statement is about the group.
    group_only: bool = False
    # The statement for a school that stands alone, where ``text`` also speaks of the group.
    text_alone: Promise | None = None


QUESTIONS = [
    Question("shared_knowledge", gettext_lazy(
        "Knowledge is shared: no ICT task depends on a single person.")),
    Question("balance", gettext_lazy(
        "The team balances technical, pedagogical, policy and administrative work.")),
    Question("clear_goals", gettext_lazy(
        "The team has clear, written agreements on its goals.")),
    Question("clear_responsibilities", gettext_lazy(
        "Everyone knows who is responsible for which task, and who is the backup.")),
    Question("regular_contact", gettext_lazy(
        "The team meets regularly, also with the school group's experts."),
        text_alone=gettext_lazy("The team meets regularly.")),
    Question("school_group", gettext_lazy(
        "The school group pools ICT hours, experts and purchases for its schools."),
        group_only=True),
    Question("hours_reserved", gettext_lazy(
        "The hours for ICT work are reserved in the timetable and fit the tasks.")),
]  # fmt: skip

# 1 = not at all ... 4 = fully.
SCALE = [
    (1, gettext_lazy("not at all")),
    (2, gettext_lazy("rather not")),
    (3, gettext_lazy("rather yes")),
    (4, gettext_lazy("fully")),
]
SCALE_LABELS = dict(SCALE)


def questions_for(school: School) -> list[Question]:
    """The statements put to ``school``: all of them in a school group; for a school that
    stands alone, none about a school group, and the others in words without one."""
    if school.school_group_id:
        return QUESTIONS
    return [
        replace(question, text=question.text_alone or question.text)
        for question in QUESTIONS
        if not question.group_only
    ]


def clean_answers(answers: dict[str, object], questions: list[Question]) -> dict[str, int]:
    """Every question answered with a value of the scale, or a ValidationError naming the
    first question that is not; answers to other questions are dropped."""
    values = {value for value, _label in SCALE}
    cleaned = {}
    for question in questions:
        raw = answers.get(question.key)
        try:
            value = int(str(raw))
        except ValueError:
            value = 0
        if value not in values:
            raise ValidationError(
                _("Answer every statement: “%(question)s”") % {"question": question.text}
            )
        cleaned[question.key] = value
    return cleaned


@dataclass(frozen=True)
class Comparison:
    question: Question
    start: int | None
    end: int | None

    @property
    def start_label(self) -> str:
        return str(SCALE_LABELS[self.start]) if self.start else ""

    @property
    def end_label(self) -> str:
        return str(SCALE_LABELS[self.end]) if self.end else ""

    @property
    def difference(self) -> int | None:
        if self.start is None or self.end is None:
            return None
        return self.end - self.start


def compare(
    start: dict[str, int] | None, end: dict[str, int] | None, questions: list[Question]
) -> list[Comparison]:
    """The start and end answers side by side, one row per question."""
    return [Comparison(q, (start or {}).get(q.key), (end or {}).get(q.key)) for q in questions]
