"""Due dates of schedules: month ends, leap years, the school-year boundary."""

from datetime import date

from teams.models import Rhythm
from teams.reminders.recurrence import due_between, first_due_on_or_after


def test_monthly_on_the_31st_falls_on_each_months_last_day():
    dates = due_between(Rhythm.MONTHLY, date(2027, 10, 31), date(2027, 10, 1), date(2028, 4, 30))
    assert dates == [
        date(2027, 10, 31),
        date(2027, 11, 30),
        date(2027, 12, 31),
        date(2028, 1, 31),
        date(2028, 2, 29),
        date(2028, 3, 31),
        date(2028, 4, 30),
    ]


def test_monthly_on_the_30th_takes_28_february_in_a_common_year():
    dates = due_between(Rhythm.MONTHLY, date(2027, 1, 30), date(2027, 2, 1), date(2027, 3, 31))
    assert dates == [date(2027, 2, 28), date(2027, 3, 30)]


def test_yearly_on_29_february_falls_on_the_28th_outside_leap_years():
    dates = due_between(Rhythm.YEARLY, date(2028, 2, 29), date(2028, 1, 1), date(2032, 12, 31))
    assert dates == [
        date(2028, 2, 29),
        date(2029, 2, 28),
        date(2030, 2, 28),
        date(2031, 2, 28),
        date(2032, 2, 29),
    ]


def test_trimester_rhythm_crosses_the_school_year_boundary():
    dates = due_between(Rhythm.TRIMESTER, date(2026, 9, 1), date(2027, 6, 2), date(2027, 12, 31))
    assert dates == [date(2027, 9, 1), date(2027, 12, 1)]


def test_yearly_before_the_first_of_september_comes_back_each_summer():
    dates = due_between(Rhythm.YEARLY, date(2026, 8, 15), date(2026, 9, 1), date(2028, 8, 31))
    assert dates == [date(2027, 8, 15), date(2028, 8, 15)]


def test_weekly_keeps_the_anchors_weekday():
    dates = due_between(Rhythm.WEEKLY, date(2026, 9, 7), date(2026, 10, 20), date(2026, 11, 3))
    assert dates == [date(2026, 10, 26), date(2026, 11, 2)]
    assert all(day.weekday() == 0 for day in dates)


def test_a_one_off_date_is_due_once_and_then_never():
    assert first_due_on_or_after(Rhythm.ONCE, date(2026, 9, 7), date(2026, 9, 7)) == date(
        2026, 9, 7
    )
    assert first_due_on_or_after(Rhythm.ONCE, date(2026, 9, 7), date(2026, 9, 8)) is None


def test_the_first_due_date_from_a_day_on_the_due_date_itself_is_that_day():
    assert first_due_on_or_after(Rhythm.MONTHLY, date(2026, 1, 31), date(2026, 4, 30)) == date(
        2026, 4, 30
    )
