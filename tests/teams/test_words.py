"""Words on the pages: plurals, dates at the end of a sentence, nothing internal shown."""

from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.template import Context, Template
from django.utils import translation

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("language", "count", "words"),
    [
        ("nl", 1, "persoon overbelast"),
        ("nl", 2, "personen overbelast"),
        ("en", 1, "person overloaded"),
        ("en", 3, "people overloaded"),
    ],
)
def test_overloaded_people_take_a_plural_form(language, count, words):
    template = Template(
        "{% load i18n %}{% blocktranslate count counter=n %}person overloaded"
        "{% plural %}people overloaded{% endblocktranslate %}"
    )
    with translation.override(language):
        assert template.render(Context({"n": count})) == words


def test_an_english_time_ends_without_a_full_stop():
    moment = datetime(2026, 11, 30, 2, 42, tzinfo=ZoneInfo("Europe/Brussels"))
    template = Template('{{ moment|date:"DATETIME_FORMAT" }}.')
    with translation.override("en"):
        text = template.render(Context({"moment": moment}))
    assert text == "Nov. 30, 2026, 02:42."
    assert ".." not in text
