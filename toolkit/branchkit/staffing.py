"""Who works when: the days a branch opens and the people on duty on a day
(docs/口径.md#营业日, docs/口径.md#当班人员). Pure: a Book in, dates and names out.

The figures, the agendas and `fill` all ask these functions, so "who is on duty on D" has one
answer everywhere: the day's ranking, the meeting's attendees, the 每日数据 and 每日清单 rows.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .read import Book
from .workdays import BranchCalendar


def workday_overrides(book: Book) -> dict[dt.date, bool]:
    """The 工作日历 sheet: days the branch opens or closes against the statutory calendar."""
    return {
        d: bool(w)
        for d, w in book.work_calendar.zip("date", "workday")
        if isinstance(d, dt.date) and w is not None
    }


def staffed_days(book: Book) -> dict[dt.date, bool]:
    """The days the day overview shows: staffed (someone on duty, or traffic), or not."""
    return {
        date: bool(names) or bool(traffic)
        for date, names, traffic in book.overview.zip("date", "on_duty", "traffic")
        if isinstance(date, dt.date)
    }


def branch_calendar(book: Book) -> BranchCalendar:
    """The branch's opening days: 工作日历, 每日概况, 设置 营业日 and the statutory calendar."""
    return BranchCalendar(workday_overrides(book), staffed_days(book), book.settings.opening_days)


@dataclass(frozen=True)
class Member:
    """A person of 人员 who counts (在岗 not 否), with the days they belong to the branch: from
    入职日期 to 离岗日期, either open-ended (docs/口径.md#入职和离岗)."""

    name: str
    role: str
    joined_on: dt.date | None = None
    left_on: dt.date | None = None

    def belongs(self, day: dt.date) -> bool:
        return (self.joined_on is None or self.joined_on <= day) and (
            self.left_on is None or day <= self.left_on
        )

    def own_days(self, first: dt.date, last: dt.date) -> tuple[dt.date, dt.date] | None:
        """The part of first..last they belong to the branch (None: none of it)."""
        start = max(first, self.joined_on) if self.joined_on else first
        end = min(last, self.left_on) if self.left_on else last
        return (start, end) if start <= end else None


def members(book: Book) -> dict[str, Member]:
    """The people of 人员 who count, by name (a name typed twice counts once, as first typed)."""
    found: dict[str, Member] = {}
    for name, role, active, joined, left in book.roster.zip(
        "name", "role", "active", "joined_on", "left_on"
    ):
        if name and active is not False and name not in found:
            found[name] = Member(
                name,
                role or "",
                joined if isinstance(joined, dt.date) else None,
                left if isinstance(left, dt.date) else None,
            )
    return found


def on_duty(book: Book, day: dt.date, calendar: BranchCalendar | None = None) -> list[str]:
    """Who is on duty on `day` (docs/口径.md#当班人员): the 当班人员 每日概况 names for it; else,
    on a day the branch opens, everyone of 人员 在岗 whose 入职日期 and 离岗日期 take in the day;
    nobody on a day it is closed. `calendar` saves building the branch's again."""
    for date, names in book.overview.zip("date", "on_duty"):
        if date == day and names:
            return list(names)
    if not (calendar or branch_calendar(book)).is_open(day):
        return []
    return [m.name for m in members(book).values() if m.belongs(day)]
