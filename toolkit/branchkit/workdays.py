"""Work days, opening days and time progress (docs/口径.md#时间进度, docs/口径.md#营业日).

Mainland statutory holidays and make-up workdays (调休) come from the chinese-calendar package,
which knows the years it was released for; a branch's 工作日历 sheet overrides single days, its
每日概况 shows the days it was staffed, and 设置 营业日 the weekdays it opens. `BranchCalendar`
puts them together. A year the package does not know is never taken for a year without
holidays: `year_known` says so, and the figures warn (docs/口径.md#节假日库不知道的年份).
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from .parse import EVERY_DAY
from .vocab import DayBasis, PeriodKind

Overrides = Mapping[dt.date, bool]
HORIZON_DAYS = 40  # how far ahead the next opening day is looked for (a long holiday included)


@lru_cache(maxsize=4096)
def _statutory(day: dt.date) -> tuple[bool, bool] | None:
    """(a statutory work day, a day the holiday calendar names — a holiday, or a weekend day worked
    in a holiday's place) by the calendar library; None for a year it does not know."""
    try:
        import chinese_calendar

        is_holiday, name = chinese_calendar.get_holiday_detail(day)
    except (NotImplementedError, ImportError):
        return None
    return not is_holiday, name is not None


def year_known(year: int) -> bool:
    """The calendar library knows the year's holidays and 调休 work days."""
    return _statutory(dt.date(year, 1, 1)) is not None


def _statutory_workday(day: dt.date) -> bool:
    """A statutory work day; Monday to Friday in a year the library does not know."""
    found = _statutory(day)
    return found[0] if found is not None else day.weekday() < 5


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


def month_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    last = calendar.monthrange(day.year, day.month)[1]
    return day.replace(day=1), day.replace(day=last)


def _dates(start: dt.date, end: dt.date) -> list[dt.date]:
    return [start + dt.timedelta(n) for n in range((end - start).days + 1)]


@dataclass(frozen=True)
class BranchCalendar:
    """When one branch opens and works (docs/口径.md#营业日).

    A day is open by the first of these that knows it: the branch's 工作日历; its 每日概况
    (someone on duty or customers through the door: open; a row with neither: closed); then
    设置 营业日 with the statutory calendar — its holidays closed, its 调休 work days open, any
    other day open when its weekday is one of the 营业日. In a year the calendar library does not
    know, only 营业日 is left for that last step (and the figures warn).

    A work day (时间进度 on 工作日) is a statutory work day on which the branch opens by its
    营业日, or what 工作日历 says: 每日概况 records what happened, not the plan the month is
    paced by."""

    overrides: Overrides = field(default_factory=dict)  # 工作日历
    staffing: Mapping[dt.date, bool] = field(default_factory=dict)  # 每日概况: staffed or not
    weekdays: frozenset[int] = EVERY_DAY  # 设置 营业日

    def is_open(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        if day in self.staffing:
            return self.staffing[day]
        found = _statutory(day)
        if found is not None and found[1]:  # a holiday, or a 调休 work day
            return found[0]
        return day.weekday() in self.weekdays

    def is_work_day(self, day: dt.date) -> bool:
        if day in self.overrides:
            return self.overrides[day]
        found = _statutory(day)
        if found is None:
            return day.weekday() < 5 and day.weekday() in self.weekdays
        workday, named = found
        return workday and (named or day.weekday() in self.weekdays)

    def days(self, start: dt.date, end: dt.date, basis: DayBasis) -> int:
        """Days from start to end inclusive, counted as calendar days or work days."""
        if end < start:
            return 0
        if basis is not DayBasis.WORK:
            return (end - start).days + 1
        return sum(map(self.is_work_day, _dates(start, end)))

    def time_progress(self, day: dt.date, basis: DayBasis) -> float:
        """Share of the month elapsed through the end of `day`."""
        first, last = month_bounds(day)
        total = self.days(first, last, basis)
        return self.days(first, day, basis) / total if total else 1.0

    def open_days(self, start: dt.date, end: dt.date) -> int:
        """The days from start to end inclusive the branch opens."""
        return sum(map(self.is_open, _dates(start, end))) if start <= end else 0

    def next_open(self, day: dt.date) -> dt.date:
        """The first day after `day` the branch opens (docs/口径.md#下一个营业日); the day after
        when none is found within HORIZON_DAYS (a branch whose 工作日历 closes it for weeks)."""
        for n in range(1, HORIZON_DAYS + 1):
            candidate = day + dt.timedelta(n)
            if self.is_open(candidate):
                return candidate
        return day + dt.timedelta(1)

    def last_open_day(self, day: dt.date) -> dt.date | None:
        """The last day of `day`'s month the branch opens (None: it opens on none)."""
        first, last = month_bounds(day)
        return next((d for d in reversed(_dates(first, last)) if self.is_open(d)), None)


def is_workday(day: dt.date, overrides: Overrides | None = None) -> bool:
    """A statutory work day, or what the 工作日历 `overrides` say."""
    return BranchCalendar(overrides or {}).is_work_day(day)


def days_between(
    start: dt.date, end: dt.date, basis: DayBasis, overrides: Overrides | None = None
) -> int:
    """Days from start to end inclusive, counted as calendar days or work days."""
    return BranchCalendar(overrides or {}).days(start, end, basis)


def time_progress(
    day: dt.date, basis: DayBasis = DayBasis.CALENDAR, overrides: Overrides | None = None
) -> float:
    """Share of the month elapsed through the end of `day`."""
    return BranchCalendar(overrides or {}).time_progress(day, basis)


def next_workday(day: dt.date, overrides: Overrides | None = None) -> dt.date:
    """The first statutory work day after `day` (工作日历 first)."""
    calendar_days = BranchCalendar(overrides or {})
    for n in range(1, HORIZON_DAYS + 1):
        if calendar_days.is_work_day(day + dt.timedelta(n)):
            return day + dt.timedelta(n)
    return day + dt.timedelta(1)


def days_left(
    day: dt.date, basis: DayBasis = DayBasis.WORK, overrides: Overrides | None = None
) -> int:
    """Days of the month after `day`, counted as calendar days or work days."""
    _, last = month_bounds(day)
    return days_between(day + dt.timedelta(days=1), last, basis, overrides)


@dataclass(frozen=True)
class Period:
    """Day, ISO week to date, or month to date, ending on D."""

    kind: PeriodKind
    start: dt.date
    end: dt.date

    @classmethod
    def of(cls, kind: PeriodKind, day: dt.date, since: dt.date | None = None) -> Period:
        """The period of `kind` ending on `day`. A week begins on its Monday, or on `since` when
        that is later — the first day the data holds: a workbook holds its own month, so the
        week of 2026-12-03 is 12-01 to 12-03 unless last month's workbook is read as well
        (docs/口径.md#期间)."""
        if kind is PeriodKind.DAY:
            return cls(kind, day, day)
        if kind is PeriodKind.WEEK:
            monday = day - dt.timedelta(days=day.weekday())
            return cls(kind, max(monday, since) if since else monday, day)
        return cls(PeriodKind.MONTH, day.replace(day=1), day)

    @property
    def monday(self) -> dt.date:
        """The Monday of the period's ISO week (before `start` when the week was cut)."""
        return self.end - dt.timedelta(days=self.end.weekday())

    @cached_property
    def days(self) -> frozenset[dt.date]:
        """The period's dates: `d in period.days` is one hash lookup in hot loops (None is never in)."""
        return frozenset(
            self.start + dt.timedelta(n) for n in range((self.end - self.start).days + 1)
        )

    def __contains__(self, day: object) -> bool:
        return day in self.days
