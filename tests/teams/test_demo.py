"""The demo data other tooling relies on."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.urls import reverse

from teams.assignments.distribution import build_board
from teams.models import Assignment, Invitation, Membership, School, SchoolYear, StaffMember

pytestmark = pytest.mark.django_db
ROOT = Path(__file__).resolve().parents[2]
ACCOUNTS = {
    "directeur.linde": ("director", "Basisschool De Linde"),
    "ictco.linde": ("coordinator", "Basisschool De Linde"),
    "leerkracht.linde": ("staff", "Basisschool De Linde"),
    "directeur.zuid": ("director", "Atheneum Zuid"),
    "ictco.zuid": ("coordinator", "Atheneum Zuid"),
    "beheer.scholengroep": ("group_admin", "Scholengroep Demo"),
    "departement": ("department", None),
}


def test_seed_demo_is_complete_and_idempotent(rf):
    call_command("seed_demo", "--password", "Demo-Pass-1")
    counts = (Assignment.objects.count(), StaffMember.objects.count())
    call_command("seed_demo", "--password", "Other-Pass-2")
    assert (Assignment.objects.count(), StaffMember.objects.count()) == counts
    for username, (kind, scope) in ACCOUNTS.items():
        user = authenticate(rf.post("/login/"), username=username, password="Demo-Pass-1")
        assert user is not None, username
        membership = Membership.objects.get(user=user)
        assert membership.kind == kind
        assert str(membership.school or membership.school_group or "") == (scope or "")


def test_demo_shows_one_pending_invitation(client):
    call_command("seed_demo", "--password", "Demo-Pass-1")
    call_command("seed_demo", "--password", "Demo-Pass-1")
    invitation = Invitation.objects.get()
    assert invitation.state == Invitation.State.PENDING
    assert invitation.staff_member.full_name == "Ahmed El Amrani"
    client.force_login(Membership.objects.get(user__username="directeur.linde").user)
    page = client.get(reverse("teams:staff", args=[invitation.school_id])).content.decode()
    assert "uitnodiging verstuurd" in page


def test_demo_distribution_is_realistic():
    call_command("seed_demo", "--password", "Demo-Pass-1")
    linde = build_board(School.objects.get(name="Basisschool De Linde"), SchoolYear.current())
    assert linde.unassigned_count > 0
    assert linde.without_backup_count > 0
    over = [load for load in linde.loads if load.figures.percent and load.figures.percent > 100]
    assert [load.member.full_name for load in over] == ["Tom Janssens"]
    assert over[0].figures.percent >= 150
    teacher = StaffMember.objects.get(user__username="leerkracht.linde")
    assert 1 < Assignment.objects.filter(staff_member=teacher).count() <= 5
    assert (
        StaffMember.objects.filter(appointments__school__name="Atheneum Zuid")
        .filter(appointments__school__name="Basisschool De Linde")
        .exists()
    )


def test_seed_demo_refuses_production(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_"))}
    env.update(
        ICTTEAM_PRODUCTION="true",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS="ictteam.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'prod.sqlite3'}",
        ICTTEAM_TRIAL_ALLOWS="sqlite,local-cache,in-process-jobs,console-email",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "seed_demo", "--password", "x"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert "refuses to run in production mode" in result.stderr
