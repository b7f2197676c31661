"""Work days and time progress (docs/口径.md#时间进度, docs/口径.md#下一个营业日).

Mainland statutory holidays and make-up workdays (调休) come from the chinese-calendar package;
a branch's 工作日历 sheet overrides single days. Years the package does not know fall back to
Monday–Friday.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cached_property, lru_cache

from .vocab import DayBasis, PeriodKind

Overrides = Mapping[dt.date, bool]


@lru_cache(maxsize=4096)
def _statutory_workday(day: dt.date) -> bool:
    try:
        import chinese_calendar

        return bool(chinese_calendar.is_workday(day))
    except (NotImplementedError, ImportError):
        return day.weekday() < 5


@dataclass(frozen=True)
class StatutoryDay:
    """A day the statutory calendar sets apart: a holiday (workday False) or a weekend day
    worked in a holiday's place (调休, workday True)."""

    date: dt.date
    workday: bool
    holiday: str  # the holiday's Chinese name, as the calendar library gives it


def statutory_days(month: dt.date) -> list[StatutoryDay] | None:
    """The month's holidays and 调休 work days as the calendar library knows them (a new
    workbook lists them in 工作日历, where the branch can see and correct them); None for a
    year the library does not know yet, which must never pass for a year without holidays."""
    try:
        import chinese_calendar
    except ImportError:
        return None
    first, last = month_bounds(month)
    found = []
    for n in range(last.day):
        day = first + dt.timedelta(days=n)
        try:
            is_holiday, name = chinese_calendar.get_holiday_detail(day)
        except NotImplementedError:
            return None
        if name:
            found.append(StatutoryDay(day, not is_holiday, chinese_calendar.Holiday(name).chinese))
    return found


def is_workday(day: dt.date, overrides: Overrides | None = None) -> bool:
    if overrides and day in overrides:
        return overrides[day]
    return _statutory_workday(day)


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def days_between(
    start: dt.date, end: dt.date, basis: DayBasis, overrides: Overrides | None = None
) -> int:
    """Days from start to end inclusive, counted as calendar days or work days."""
    if end < start:
        return 0
    if basis is not DayBasis.WORK:
        return (end - start).days + 1
    return sum(
        is_workday(start + dt.timedelta(n), overrides) for n in range((end - start).days + 1)
    )


def time_progress(
    day: dt.date, basis: DayBasis = DayBasis.CALENDAR, overrides: Overrides | None = None
) -> float:
    """Share of the month elapsed through the end of `day`."""
    first, last = month_bounds(day)
    total = days_between(first, last, basis, overrides)
    return days_between(first, day, basis, overrides) / total if total else 1.0


def next_workday(day: dt.date, overrides: Overrides | None = None) -> dt.date:
    candidate = day + dt.timedelta(days=1)
    for _ in range(40):
        if is_workday(candidate, overrides):
            return candidate
        candidate += dt.timedelta(days=1)
    return day + dt.timedelta(days=1)


def days_left(
    day: dt.date, basis: DayBasis = DayBasis.WORK, overrides: Overrides | None = None
) -> int:
    """Days of the month after `day`, counted as calendar days or work days."""
    _, last = month_bounds(day)
    return days_between(day + dt.timedelta(days=1), last, basis, overrides)


def opening_days(
    overrides: Overrides, staffing: Mapping[dt.date, bool], horizon: dt.date
) -> dict[dt.date, bool]:
    """When the branch opens (docs/口径.md#下一个营业日): the 工作日历 first; then the days the
    day overview shows (staffed: open; a row with nobody on duty and no traffic: closed); then, for
    the days up to `horizon` it does not show, the weekly habit it reveals — a statutory rest day
    of the week the branch was staffed on at least twice is an opening day. The rest follows the
    statutory calendar."""
    habit: dict[int, int] = {}
    for day, staffed in staffing.items():
        if staffed and not _statutory_workday(day):
            habit[day.weekday()] = habit.get(day.weekday(), 0) + 1
    open_weekdays = {weekday for weekday, count in habit.items() if count >= 2}
    days: dict[dt.date, bool] = {}
    if open_weekdays and staffing:
        cursor = min(staffing)
        while cursor <= horizon:
            if cursor.weekday() in open_weekdays:
                days[cursor] = True
            cursor += dt.timedelta(days=1)
    days.update(staffing)
    days.update(overrides)
    return days


@dataclass(frozen=True)
class Period:
    """Day, ISO week to date, or month to date, ending on D."""

    kind: PeriodKind
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, kind: PeriodKind, day: dt.date) -> Period:
        if kind is PeriodKind.DAY:
            return cls(kind, day, day)
        if kind is PeriodKind.WEEK:
            return cls(kind, day - dt.timedelta(days=day.weekday()), day)
        return cls(PeriodKind.MONTH, day.replace(day=1), day)

    @cached_property
    def days(self) -> frozenset[dt.date]:
        """The period's dates: `d in period.days` is one hash lookup in hot loops (None is never in)."""
        return frozenset(
            self.start + dt.timedelta(n) for n in range((self.end - self.start).days + 1)
        )

    def __contains__(self, day: object) -> bool:
        return day in self.days
