"""A rollup against the earlier ones: the network over time, and each branch's and person's
排名得分 against the same point of the previous week and month (pure).

Like is compared with like: this week to date against last week to the same weekday, this month
to date against last month to the same day. The history store answers with these records
(`rollupjob.store.trends`); which earlier rollup counts as "the same point" is decided here, from
the dates alone, so the rule has one home whichever store holds the rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

# How many earlier months the network's history shows (each by its last rollup).
MONTHS_SHOWN = 12


@dataclass(frozen=True)
class NetworkPoint:
    """The network as one rollup saw it, month to date."""

    day: dt.date
    branches: int
    score: float | None  # mean 排名得分 of the branches
    overall: float | None  # mean 综合完成率
    referrals: int
    successes: int

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.referrals if self.referrals else None


@dataclass(frozen=True)
class Change:
    """One branch's (name '') or person's 排名得分: this week and month to date, and the same
    points of the previous week and month."""

    branch: str
    name: str
    role: str
    week: float | None
    week_before: float | None
    month: float | None
    month_before: float | None

    @property
    def week_change(self) -> float | None:
        return _change(self.week, self.week_before)

    @property
    def month_change(self) -> float | None:
        return _change(self.month, self.month_before)


def _change(now: float | None, then: float | None) -> float | None:
    return None if now is None or then is None else now - then


@dataclass(frozen=True)
class Trends:
    day: dt.date
    history: list[NetworkPoint]  # oldest first, this rollup last
    week_before: dt.date | None  # the rollup compared with, week on week
    month_before: dt.date | None  # and month on month
    branches: list[Change] = field(default_factory=list)
    people: list[Change] = field(default_factory=list)

    @property
    def first(self) -> bool:
        """Nothing earlier in the store: no trend to show yet."""
        return all(p.day >= self.day for p in self.history)


def monday(day: dt.date) -> dt.date:
    return day - dt.timedelta(days=day.weekday())


def week_before(dates: Iterable[dt.date], day: dt.date) -> dt.date | None:
    """The previous week's last rollup on or before D's weekday (the same point of that week)."""
    start, same = monday(day) - dt.timedelta(days=7), day - dt.timedelta(days=7)
    found = [d for d in dates if start <= d <= same]
    return max(found) if found else None


def month_before(dates: Iterable[dt.date], day: dt.date) -> dt.date | None:
    """The previous month's last rollup on or before D's day of the month (any, on a month's
    last day); none when it has none by then. Its later rollups are no same point: month to
    date on 11-30 is a whole month against four days of 12-04, and every branch would show a
    fall that is only the calendar."""
    first = day.replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    # On a month's last day the same point is last month's end, whichever day that was (11-30
    # against 10-31; 3-31 against 2-28).
    month_end = (day + dt.timedelta(days=1)).month != day.month
    within = [d for d in dates if last_month <= d < first and (month_end or d.day <= day.day)]
    return max(within) if within else None


def history_dates(dates: Iterable[dt.date], day: dt.date) -> list[dt.date]:
    """The rollups the network's history shows: every one of D's month up to D, and the last of
    each of the MONTHS_SHOWN months before (month-end figures, as a month closed)."""
    first = day.replace(day=1)
    earliest = first
    for _ in range(MONTHS_SHOWN):
        earliest = (earliest - dt.timedelta(days=1)).replace(day=1)
    last_of: dict[tuple[int, int], dt.date] = {}
    shown = []
    for d in sorted(set(dates)):
        if first <= d <= day:
            shown.append(d)
        elif earliest <= d < first:
            last_of[(d.year, d.month)] = d
    return sorted([*last_of.values(), *shown])
