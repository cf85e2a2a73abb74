"""One JSON line per request: level, UTC timestamp, request id, account id, status and time;
the URL's name, never its address (a calendar address is its secret)."""

from __future__ import annotations

import json
import logging
import logging.config

import pytest
from django.conf import settings
from django.urls import reverse

from teams.models import ReminderSettings

from .teams.conftest import world  # noqa: F401  (the cast of the teams tests)

pytestmark = pytest.mark.django_db


def json_line(record: logging.LogRecord) -> dict[str, object]:
    config = settings.LOGGING["formatters"]["json"]
    formatter_class = logging.config.DictConfigurator({}).resolve(config["()"])
    formatter = formatter_class(
        config["format"], rename_fields=config["rename_fields"], timestamp=config["timestamp"]
    )
    line = formatter.format(record)
    assert "\n" not in line
    return dict(json.loads(line))


@pytest.fixture(autouse=True)
def _filters_as_configured(caplog):  # type: ignore[no-untyped-def]
    # The configured filters add the request id as each record is written.
    for log_filter in settings.LOGGING["filters"].values():
        caplog.handler.addFilter(logging.config.DictConfigurator({}).resolve(log_filter["()"])())


def test_a_request_is_one_json_line_with_its_id_account_status_and_time(client, world, caplog):  # noqa: F811
    token = ReminderSettings.objects.create(staff_member=world.staff[2]).feed_token
    client.force_login(world.director)
    with caplog.at_level(logging.INFO, logger="ictteam.requests"):
        board = client.get(reverse("teams:board", args=[world.school.pk]))
        client.get(reverse("teams:feed", args=[token]))
    board_record, feed_record = (r for r in caplog.records if r.name == "ictteam.requests")
    line = json_line(board_record)
    assert line["level"] == "INFO" and line["message"] == "request"
    assert line["request_id"] == board["X-Request-ID"] and len(str(line["request_id"])) == 32
    assert (line["view"], line["status"], line["user_id"]) == (
        "teams:board",
        200,
        world.director.pk,
    )
    assert isinstance(line["duration_ms"], float)
    assert str(line["timestamp"]).endswith("+00:00")  # one time zone, whatever the process's
    feed = json_line(feed_record)
    assert feed["view"] == "teams:feed" and token not in json.dumps(feed)


def test_an_anonymous_request_has_no_account(client, caplog):
    with caplog.at_level(logging.INFO, logger="ictteam.requests"):
        client.get(reverse("login"))
    (record,) = (r for r in caplog.records if r.name == "ictteam.requests")
    assert json_line(record)["user_id"] is None
