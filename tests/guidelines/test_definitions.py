"""Loading guideline definitions: versions, what changed, and every kind of refusal."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from guidelines.definitions import DefinitionError, load_file
from guidelines.models import Guideline, GuidelineVersion, Item, Phase, Step

from .conftest import FIXTURES, definition, dump

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _in_english():
    # Messages are checked in English here; test_pages checks them in Dutch.
    with translation.override("en"):
        yield


def counts() -> tuple[int, ...]:
    return tuple(m.objects.count() for m in (Guideline, GuidelineVersion, Phase, Step, Item))


@pytest.mark.parametrize("name", ["stappenplan.json", "voorlopige-richtlijnen.json"])
def test_shipped_definitions_load_with_dutch_and_english_text(name):
    report = load_file((FIXTURES / name).read_bytes())
    assert report.outcome == "created"
    items = Item.objects.filter(version=report.version)
    assert items.exists()
    assert all(i.title_nl and i.title_en for i in items)
    assert report.version.is_draft_text


def test_final_step_plan_has_eight_steps_in_three_phases():
    version = load_file((FIXTURES / "stappenplan.json").read_bytes()).version
    assert version.phases.count() == 3
    assert list(version.steps.values_list("number", flat=True)) == list(range(1, 9))
    assert [p.steps.count() for p in version.phases.all()] == [3, 3, 2]
    assert version.steps.get(number=8).is_evaluation


def test_loading_the_same_published_version_again_changes_nothing():
    load_file(dump(definition()), publish=True)
    before = counts()
    report = load_file(dump(definition()), publish=True)
    assert report.outcome == "unchanged"
    assert not report.changes
    assert counts() == before


def test_an_unpublished_version_is_updated_in_place_and_reports_the_changes():
    load_file(dump(definition()))
    data = definition()
    data["phases"][0]["steps"][0]["items"][0]["title"]["nl"] = "Nieuw verwoord"
    data["phases"][0]["steps"][0]["items"].append(
        {"key": "extra", "title": {"nl": "Extra", "en": "Extra"}}
    )
    del data["phases"][0]["steps"][1]["items"][1]
    report = load_file(dump(data))
    assert report.outcome == "updated"
    assert [c.key for c in report.changes.added] == ["extra"]
    assert [c.key for c in report.changes.reworded] == ["directie-steunt-teamaanpak"]
    assert [c.key for c in report.changes.removed] == ["selfie-afgenomen"]
    assert GuidelineVersion.objects.count() == 1
    assert Item.objects.get(key="directie-steunt-teamaanpak").title_nl == "Nieuw verwoord"


def test_a_published_version_cannot_change_and_nothing_is_written():
    load_file(dump(definition()), publish=True)
    data = definition()
    data["phases"][0]["title"]["nl"] = "Anders"
    before = counts()
    with pytest.raises(DefinitionError, match="published"):
        load_file(dump(data))
    assert counts() == before
    assert Phase.objects.filter(title_nl="Anders").count() == 0


def test_a_new_version_is_compared_with_the_previous_one():
    load_file(dump(definition()), publish=True)
    data = definition()
    data["version"]["number"] = 2
    data["phases"][2]["steps"][1]["items"][0]["explanation"] = {"nl": "Nu met uitleg"}
    report = load_file(dump(data))
    assert report.outcome == "created"
    assert report.compared_with.number == 1
    assert [c.key for c in report.changes.reworded] == ["werklast-geevalueerd"]
    assert not report.changes.added and not report.changes.removed
    assert not report.version.is_published


def _break(change):
    data = definition()
    change(data)
    return dump(data)


INVALID = {
    "unreadable": (b"\xff\xfe not json", "not readable as JSON"),
    "not an object": (b"[1, 2]", "expected an object"),
    "no phases": (_break(lambda d: d.update(phases=[])), "the file: has no phases"),
    "a step without items": (
        _break(lambda d: d["phases"][1]["steps"][2].update(items=[])),
        "phase 2, step 3: has no items",
    ),
    "duplicate item keys": (
        _break(lambda d: d["phases"][2]["steps"][0]["items"][0].update(key="uren-gereserveerd")),
        "phase 3, step 1, item 2: duplicate key “uren-gereserveerd”, also used at phase 3, "
        "step 1, item 1",
    ),
    "duplicate step keys": (
        _break(lambda d: d["phases"][0]["steps"][1].update(key="ruimte-voor-verandering")),
        "phase 1, step 2: duplicate key",
    ),
    "a missing Dutch text": (
        _break(lambda d: d["phases"][1]["steps"][0]["items"][2]["title"].pop("nl")),
        "phase 2, step 1, item 3: the Dutch title is missing",
    ),
    "a missing Dutch guideline title": (
        _break(lambda d: d["guideline"]["title"].update(nl=" ")),
        "guideline: the Dutch title is missing",
    ),
    "a bad key": (
        _break(lambda d: d["phases"][0].update(key="Met Spaties")),
        "phase 1: needs a key",
    ),
    "no version number": (_break(lambda d: d["version"].pop("number")), "version: needs a number"),
    "an unknown connection": (
        _break(lambda d: d["phases"][0]["steps"][0].update(connection="magic")),
        "phase 1, step 1: unknown connection “magic”",
    ),
}


@pytest.mark.parametrize("case", INVALID)
def test_every_invalid_definition_is_refused_naming_the_place_and_changes_nothing(case):
    load_file(dump(definition()), publish=True)
    raw, message = INVALID[case]
    before = counts()
    with pytest.raises(DefinitionError) as refused:
        load_file(raw)
    assert message in str(refused.value)
    assert counts() == before


def test_command_reports_changes(tmp_path):
    load_file(dump(definition()), publish=True)
    data = definition()
    data["version"]["number"] = 2
    data["phases"][0]["steps"][0]["items"].pop(0)
    path = tmp_path / "v2.json"
    path.write_bytes(dump(data))
    out = StringIO()
    call_command("load_guidelines", str(path), "--publish", stdout=out)
    text = out.getvalue()
    assert "created" in text
    assert "removed: directie-steunt-teamaanpak" in text
    assert "published" in text
    assert GuidelineVersion.objects.get(number=2).is_published


def test_command_refuses_an_invalid_file_with_the_places(tmp_path):
    path = tmp_path / "bad.json"
    path.write_bytes(_break(lambda d: d["phases"][0]["steps"][0].update(items=[])))
    with pytest.raises(CommandError) as refused:
        call_command("load_guidelines", str(path))
    assert "nothing changed" in str(refused.value)
    assert "phase 1, step 1: has no items" in str(refused.value)
    assert counts() == (0, 0, 0, 0, 0)


def test_command_refuses_a_missing_file(tmp_path):
    with pytest.raises(CommandError, match="cannot be read"):
        call_command("load_guidelines", str(tmp_path / "missing.json"))
