"""The dashboard's charts: legends in the bars' colours, and a trend that reads with one day."""

from django.utils import timezone
from django.utils.formats import date_format
from playwright.sync_api import Page, expect

from .conftest import log_in
from .test_workload import school  # noqa: F401  (Tom overloaded, Lien with room)


def chart(page: Page, canvas: str, expression: str):  # type: ignore[no-untyped-def]
    page.wait_for_function(f"() => Chart.getChart(document.getElementById('{canvas}'))")
    return page.evaluate(
        f"() => {{ const c = Chart.getChart(document.getElementById('{canvas}')); "
        f"return {expression}; }}"
    )


def test_the_people_legend_names_every_colour_the_bars_use(page: Page, live_server, school):  # noqa: F811
    log_in(page, live_server, "ictco")
    expect(page.locator("#chart-people")).to_be_visible()
    bars = chart(page, "chart-people", "c.data.datasets[0].backgroundColor")
    legend = chart(page, "chart-people", "c.legend.legendItems.map(i => [i.text, i.fillStyle])")
    assert set(bars) == {"#b02a37", "#146c43"}  # Tom overloaded, Lien fine
    assert [colour for _text, colour in legend[:2]] == ["#b02a37", "#146c43"]
    assert "overbelast" in legend[0][0] and "in orde" not in legend[0][0]
    assert legend[-1][0] == "Budget"


def test_a_trend_of_one_day_is_a_dot_with_a_dutch_date(page: Page, live_server, school):  # noqa: F811
    log_in(page, live_server, "ictco")
    labels = chart(page, "chart-trend", "c.data.labels")
    radius = chart(page, "chart-trend", "c.data.datasets.map(d => d.pointRadius)")
    today = timezone.localdate()
    assert labels == [date_format(today, "SHORT_DATE_FORMAT")]
    assert labels[0].startswith(f"{today.day} ") and labels[0].endswith(str(today.year))
    assert radius == [4, 4, 4]
    # The axes write their numbers in the page's language, whatever the browser's.
    assert chart(page, "chart-trend", "c.options.locale") == "nl"


def test_group_names_each_get_their_own_line(page: Page, live_server, school):  # noqa: F811
    log_in(page, live_server, "ictco")
    assert chart(page, "chart-groups", "c.options.indexAxis") == "y"
