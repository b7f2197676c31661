"""Time progress in calendar and work days; statutory holidays; 工作日历 overrides."""

from __future__ import annotations

import datetime as dt

from branchkit.vocab import MONTH, WEEK, DayBasis
from branchkit.workdays import Period, days_left, is_workday, next_workday, time_progress


def test_calendar_day_progress() -> None:
    assert time_progress(dt.date(2026, 11, 20)) == 20 / 30


def test_work_day_progress() -> None:
    # November 2026: weekdays 2–6, 9–13, 16–20, 23–27, 30 = 21 work days; 15 through the 20th.
    assert time_progress(dt.date(2026, 11, 20), DayBasis.WORK) == 15 / 21


def test_overrides_make_a_saturday_a_work_day() -> None:
    saturday = dt.date(2026, 11, 21)
    assert not is_workday(saturday)
    assert is_workday(saturday, {saturday: True})
    assert time_progress(dt.date(2026, 11, 20), DayBasis.WORK, {saturday: True}) == 15 / 22
    assert next_workday(dt.date(2026, 11, 20), {saturday: True}) == saturday


def test_statutory_holiday_and_fallback_year() -> None:
    assert not is_workday(dt.date(2026, 10, 1))  # National Day
    assert is_workday(dt.date(2099, 3, 2)) and not is_workday(
        dt.date(2099, 3, 1)
    )  # unknown year: Mon–Fri


def test_remaining_work_days() -> None:
    assert days_left(dt.date(2026, 11, 20)) == 6  # 23–27 and 30
    assert days_left(dt.date(2026, 11, 30)) == 0


def test_periods() -> None:
    friday = dt.date(2026, 11, 20)
    assert Period.of(WEEK, friday) == Period(WEEK, dt.date(2026, 11, 16), friday)
    assert Period.of(MONTH, friday).start == dt.date(2026, 11, 1)
    assert dt.date(2026, 11, 15) not in Period.of(WEEK, friday)
