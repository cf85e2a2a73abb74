"""People sort by name in Dutch order: "Çelik" with the C, not after the Z.

The database (an ICU collation on PostgreSQL, one of the same name on SQLite) and
the ranking's tiebreak in Python sort alike.
"""

from __future__ import annotations

import sqlite3
from decimal import Decimal

import pytest
from django.urls import reverse

from teams.models import NAME_COLLATION, StaffMember, compare_names, name_sort_key
from teams.workload.calculator import Limits, PersonFigures
from teams.workload.ranking import PersonLoad, ranked

from .factories import StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db

NAMES = ["Dirk", "Çelik", "Zeger", "Bakker", "Öztürk", "Yilmaz"]
DUTCH_ORDER = ["Bakker", "Çelik", "Dirk", "Öztürk", "Yilmaz", "Zeger"]


def test_the_key_puts_accented_letters_with_their_letter():
    assert sorted(NAMES, key=name_sort_key) == DUTCH_ORDER
    assert sorted(NAMES) != DUTCH_ORDER  # code points would put Ç and Ö after Z
    assert compare_names("Çelik", "Dirk") == -1 and compare_names("Celik", "Celik") == 0


def test_sqlite_sorts_by_the_same_collation():
    db = sqlite3.connect(":memory:")
    db.create_collation(NAME_COLLATION, compare_names)
    db.execute("CREATE TABLE t (name TEXT)")
    db.executemany("INSERT INTO t VALUES (?)", [(name,) for name in NAMES])
    assert NAME_COLLATION == "nl-x-icu"  # the name below, written out: no SQL is built
    rows = db.execute('SELECT name FROM t ORDER BY name COLLATE "nl-x-icu"').fetchall()
    assert [name for (name,) in rows] == DUTCH_ORDER


def test_the_database_orders_people_in_dutch_order(world):
    people = [appoint(StaffMemberFactory(first_name="X", last_name=n), world.other) for n in NAMES]
    found = StaffMember.objects.filter(pk__in=[p.pk for p in people])
    assert [p.last_name for p in found] == DUTCH_ORDER


def test_the_ranking_breaks_ties_in_dutch_order():
    people = [StaffMember(pk=pk, first_name="X", last_name=n) for pk, n in enumerate(NAMES, 1)]
    rows = ranked(PersonLoad(p, PersonFigures(p.pk, Decimal(10), Limits())) for p in people)
    assert [row.member.last_name for row in rows] == DUTCH_ORDER


def test_the_staff_list_and_the_editors_choice_follow_dutch_order(client, world):
    for name in ("Dirk", "Çelik", "Bakker"):
        appoint(StaffMemberFactory(first_name="Y", last_name=name), world.school)
    client.force_login(world.director)
    page = client.get(reverse("teams:staff", args=[world.school.pk])).content.decode()
    assert page.index("Y Bakker") < page.index("Y Çelik") < page.index("Y Dirk")
    task = world.tasks[0]
    editor = client.get(reverse("teams:task", args=[world.school.pk, task.pk])).content.decode()
    assert editor.index(">Y Bakker<") < editor.index(">Y Çelik<") < editor.index(">Y Dirk<")
