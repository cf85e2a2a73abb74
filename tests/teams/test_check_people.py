"""``check_people``: addresses that more than one person holds where they must be one."""

import io
import json

import pytest
from django.core.management import call_command

from .factories import SchoolFactory, StaffMemberFactory, appoint

pytestmark = pytest.mark.django_db


def check(*args):
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("check_people", *args, stdout=out, stderr=err)
        code = 0
    except SystemExit as exit_:
        code = int(exit_.code or 0)
    return code, out.getvalue(), err.getvalue()


def test_no_duplicates_exits_0(world):
    code, out, _err = check()
    assert code == 0
    assert "No address is held by more than one person." in out


def test_one_address_twice_in_a_school_group_is_listed_and_exits_1(world):
    """Two people with one address in sister schools, in other letter case: what imports
    before the group rule left behind."""
    first = world.staff[0]
    second = appoint(StaffMemberFactory(first_name="Ann", last_name="Twee"), world.other)
    second.email = f"  {first.email.upper()}"
    second.save()
    code, out, err = check()
    assert code == 1
    assert f"Scholengroep G: {first.email}: Ann A (id {first.pk}), Ann Twee (id {second.pk})" in out
    assert "1 address(es)" in err
    code, out, _err = check("--json")
    assert code == 1
    (found,) = json.loads(out)["duplicates"]
    assert found["email"] == first.email
    assert [person["id"] for person in found["people"]] == [first.pk, second.pk]


def test_one_address_in_two_stand_alone_schools_is_two_scopes(world):
    alone, apart = SchoolFactory(school_group=None), SchoolFactory(school_group=None)
    appoint(StaffMemberFactory(email="same@school.test"), alone)
    appoint(StaffMemberFactory(email="same@school.test"), apart)
    assert check()[0] == 0
    appoint(StaffMemberFactory(email="Same@School.test"), alone)
    code, out, _err = check()
    assert code == 1 and alone.name in out and apart.name not in out


def test_people_without_an_address_are_no_duplicates(world):
    for _ in range(2):
        appoint(StaffMemberFactory(first_name="Jan", last_name="Peeters", email=""), world.school)
    assert check()[0] == 0
