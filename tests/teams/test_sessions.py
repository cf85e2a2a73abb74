"""Sessions on shared school computers: idle and absolute limits, nightly clean-up, and
every session of an account ended when it is deactivated, its password changes or it
leaves its last school."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.conf import settings
from django.contrib.auth.models import User
from django.contrib.auth.tokens import default_token_generator
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from teams import jobs

pytestmark = pytest.mark.django_db

START = datetime(2027, 3, 1, 7, 30, tzinfo=UTC)


def signed_in(user):
    client = Client()
    client.force_login(user)
    return client


def is_signed_in(client):
    response = client.get(reverse("teams:my_tasks"))
    if response.status_code == 302:
        assert response["Location"].startswith(reverse("login"))
        return False
    assert response.status_code == 200
    assert response.context["user"].is_authenticated
    return True


def test_a_session_ends_after_two_idle_hours_and_each_request_renews_it(world):
    assert settings.SESSION_COOKIE_AGE == 2 * 60 * 60
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(world.staff_user)
        for _ in range(3):  # 5 h 30 in all, never 2 h idle
            traveller.shift(timedelta(hours=1, minutes=50))
            assert is_signed_in(client)
        traveller.shift(timedelta(hours=2, seconds=1))
        assert not is_signed_in(client)


def test_a_session_in_use_is_written_again_at_most_once_a_minute(world):
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(world.staff_user)
        key = client.session.session_key

        def expires():
            return Session.objects.get(session_key=key).expire_date

        first = expires()
        traveller.shift(timedelta(seconds=30))
        assert is_signed_in(client)
        assert expires() == first  # no write for a page within the minute
        traveller.shift(timedelta(seconds=45))
        assert is_signed_in(client)
        assert expires() == first + timedelta(seconds=75)


def test_a_session_ends_at_the_absolute_limit_however_active(world, settings):
    settings.ICTTEAM_SESSION_ABSOLUTE_SECONDS = 3 * 60 * 60
    with time_machine.travel(START, tick=False) as traveller:
        client = signed_in(world.staff_user)
        for _ in range(3):
            traveller.shift(timedelta(hours=1))
            assert is_signed_in(client)  # exactly 3 h after logging in: still in
        traveller.shift(timedelta(minutes=1))
        assert not is_signed_in(client)
        assert "_auth_user_id" not in client.session
        # Logging in again starts a new session with a new limit.
        client.force_login(world.staff_user)
        assert is_signed_in(client)


def test_the_default_absolute_limit_is_a_school_day(world):
    assert settings.ICTTEAM_SESSION_ABSOLUTE_SECONDS == 10 * 60 * 60


def test_deactivating_an_account_ends_all_its_sessions(world):
    laptop, classroom = signed_in(world.staff_user), signed_in(world.staff_user)
    world.staff_user.is_active = False
    world.staff_user.save()
    # Active again: the sessions opened before the deactivation stay ended.
    world.staff_user.is_active = True
    world.staff_user.save()
    assert not is_signed_in(laptop)
    assert not is_signed_in(classroom)
    assert is_signed_in(signed_in(world.staff_user))


def test_deactivating_in_the_admin_ends_all_sessions(world):
    staff_session = signed_in(world.staff_user)
    admin = User.objects.create_superuser("beheer", password="unused-Pass-123")
    platform = signed_in(admin)
    user = world.staff_user
    response = platform.post(
        reverse("admin:auth_user_change", args=[user.pk]),
        {
            "username": user.username,
            "first_name": user.first_name,
            "last_name": user.last_name,
            "email": user.email,
            # is_active left out: the box is unticked
            "date_joined_0": user.date_joined.strftime("%Y-%m-%d"),
            "date_joined_1": user.date_joined.strftime("%H:%M:%S"),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    user.refresh_from_db()
    assert not user.is_active
    user.is_active = True
    user.save()
    assert not is_signed_in(staff_session)
    assert is_signed_in(platform)  # the administrator's own session is untouched


def test_a_changed_password_ends_the_other_sessions(world):
    other_computer = signed_in(world.staff_user)
    assert is_signed_in(other_computer)
    world.staff_user.set_password("A-new-Secret-456")
    world.staff_user.save()
    assert not is_signed_in(other_computer)
    fresh = Client()
    fresh.post(
        reverse("login"), {"username": world.staff_user.username, "password": "A-new-Secret-456"}
    )
    assert is_signed_in(fresh)


def test_a_password_reset_ends_the_open_sessions(world):
    other_computer = signed_in(world.staff_user)
    anonymous = Client()
    uid = urlsafe_base64_encode(force_bytes(world.staff_user.pk))
    token = default_token_generator.make_token(world.staff_user)
    url = anonymous.get(reverse("password_reset_confirm", args=[uid, token]))["Location"]
    response = anonymous.post(
        url, {"new_password1": "A-new-Secret-456", "new_password2": "A-new-Secret-456"}
    )
    assert response.status_code == 302
    assert not is_signed_in(other_computer)


def test_the_last_appointment_ending_ends_all_sessions(world):
    leaver = signed_in(world.staff_user)
    director = signed_in(world.director)
    director.post(reverse("teams:staff_remove", args=[world.school.pk, world.staff[2].pk]))
    assert not is_signed_in(leaver)
    assert is_signed_in(director)


def test_expired_sessions_are_cleared_every_night(world):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert "teams.jobs.clear_expired_sessions" in schedule
    with time_machine.travel(START, tick=False) as traveller:
        signed_in(world.staff_user)
        traveller.shift(timedelta(hours=1))
        current = signed_in(world.director)
        assert Session.objects.count() == 2
        traveller.shift(timedelta(hours=1, minutes=30))
        jobs.clear_expired_sessions()
        assert Session.objects.count() == 1
        assert is_signed_in(current)


# --- Headers ----------------------------------------------------------------------------------


def test_signed_in_pages_are_private_and_never_stored(world):
    response = signed_in(world.staff_user).get(reverse("teams:my_tasks"))
    assert response.status_code == 200
    directives = {d.strip() for d in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= directives
    assert "camera=()" in response["Permissions-Policy"]
    assert "microphone=()" in response["Permissions-Policy"]
    assert "geolocation=()" in response["Permissions-Policy"]


def test_anonymous_pages_get_the_permissions_policy_too(client):
    response = client.get(reverse("login"))
    assert response.status_code == 200
    assert "camera=()" in response["Permissions-Policy"]


def test_static_files_keep_their_own_caching_for_signed_in_accounts(world):
    response = signed_in(world.staff_user).get("/static/css/app.css")
    assert response.status_code == 200
    assert b"".join(response.streaming_content)
    assert "no-store" not in response.get("Cache-Control", "")
    assert "private" not in response.get("Cache-Control", "")
