"""The weekly workbook for the branch head and the parent branch: what it says, computed once.

Pure: a Book, its figures and the week in, a `Weekly` record out. `render/weekly.py` lays out
its sheets, the mail templates word the message, and `jobs.weekly` writes and sends — the same
path for the CLI and the 「发送周报」 button. The workbook leaves the branch, so everything shown
from it is masked (names 张*, phones 138****6241, no ID numbers).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path

from .agenda import ActionLine, IndicatorPace, open_actions
from .figures import Figures, Trend, trend
from .privacy import Names, workbook_names
from .problems import BookError, count_levels
from .read import Book
from .vocab import Unit
from .workdays import month_bounds

WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)
WEEKLY_MARK = "周报 — 客户信息已脱敏"


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """'2026-W47' -> (Monday, Sunday) of that ISO week."""
    match = WEEK.match(text.strip())
    if not match:
        raise BookError(text, "周次应写成 2026-W47 这样的格式")
    try:
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise BookError(text, "没有这一周") from exc
    return monday, monday + dt.timedelta(days=6)


def week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def as_of(week: str, today: dt.date, month: dt.date | None = None) -> dt.date:
    """The day the week's figures are computed for (docs/口径.md#周报日期): the day it is made when
    that day is inside the week — a Friday 18:30 run reports Monday to Friday and agrees with that
    evening's agenda — else the week's last day. Kept inside the workbook's month, which is all
    the workbook holds."""
    monday, sunday = parse_week(week)
    day = today if monday <= today <= sunday else sunday
    if month is not None:
        first, last = month_bounds(month)
        day = min(max(day, first), last)
    return day


@dataclass
class Weekly:
    """What the weekly workbook and the e-mail say."""

    branch: str
    parent: str
    week: str
    monday: dt.date
    day: dt.date  # figures are as of this day
    figures: Figures
    sales: int  # the week's sales
    money: float  # of them, 万元
    pace: list[IndicatorPace]  # the branch's month to date
    daily: Trend  # day by day through the week: the days the branch was open, up to `day`
    actions: list[ActionLine]
    problem_count: tuple[int, int]  # errors, warnings
    # A week that began last month (docs/口径.md#周报日期): the days of it the figures lack (last
    # month's workbook was not beside this one), and the workbook they were read from if it was.
    missing: list[dt.date] = field(default_factory=list)
    previous: str = ""
    wanted: str = ""  # the name last month's workbook would have beside this one
    # A week that runs on into next month: its days already past that this workbook does not
    # hold (they are in next month's workbook; `weekly FOLDER` takes that one).
    beyond: list[dt.date] = field(default_factory=list)
    # Customers (and staff) of both months: their names typed into notes are masked on every
    # sheet (render.weekly.weekly_sheets).
    names: Names = field(default_factory=Names)
    # Nothing dated in the week on the sheets staff keep day by day (cards, follow-ups, 每日数据,
    # 每日概况, the checklist, cases): the week's zeros are data not entered yet, not a bad week.
    nothing_recorded: bool = False

    @property
    def start(self) -> dt.date:
        """The first day the figures hold: Monday, or the month's 1st when days are missing."""
        return self.figures.week.period.start

    @property
    def last_months_days(self) -> list[dt.date]:
        """The week's days before the month's first: read from `previous`, or `missing`."""
        return _dates(self.monday, self.day.replace(day=1) - dt.timedelta(days=1))

    @property
    def referrals(self) -> int:
        return self.figures.week.branch.referrals

    @property
    def successes(self) -> int:
        return self.figures.week.branch.successes

    @property
    def success_rate(self) -> float | None:
        return self.figures.week.branch.success_rate


def build(
    book: Book,
    figures: Figures,
    week: str,
    previous: Book | None = None,
    wanted: str = "",
    until: dt.date | None = None,
) -> Weekly:
    """The weekly of `week`; `previous` is last month's workbook when the week began in it and
    the figures read it, `wanted` the name it was looked for by (see jobs.weekly); `until` the
    day the week is reported to, when it lies past this workbook's month."""
    monday = parse_week(week)[0]
    start = figures.week.period.start
    ledger = figures.week.ledger
    month_branch = figures.month.branch
    return Weekly(
        book.settings.branch,
        book.settings.parent,
        week_label(monday),
        monday,
        figures.date,
        figures,
        len(ledger),
        sum(s.amount for s in ledger if s.unit is Unit.WAN_YUAN),
        [
            IndicatorPace(i, month_branch.completion[i], month_branch.status.get(i))
            for i in month_branch.targets
            if i in month_branch.completion
        ],
        trend(figures, [(d, d) for d in open_days(figures)]),
        open_actions(book, figures.date),
        count_levels(figures.problems),
        _dates(monday, start - dt.timedelta(days=1)),
        Path(previous.source).name if previous is not None else "",
        wanted,
        beyond=_dates(figures.date + dt.timedelta(days=1), until) if until else [],
        names=workbook_names(book, previous),
        nothing_recorded=not _recorded(
            [book, *([previous] if previous is not None else [])], monday, figures.date
        ),
    )


# The sheets kept day by day: the dates on them that say something was done that day, and the
# columns of which one must hold a value for the row to be a person's record — fill adds
# 每日数据 rows (转介数量 counted by formula) and the day's checklist rows before anyone types.
_RECORDS: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "referrals": (("date",), ()),
    "tracking": (("referred_on", "first_contact", "closed_on"), ()),
    "daily": (
        ("date",),
        (
            "served",
            "transactions",
            "business_types",
            "own_sales",
            "phone_invitations",
            "follow_ups",
        ),
    ),
    "overview": (("date",), ()),
    "checklist": (("date",), ("state", "quantity", "problem")),
    "cases": (("date",), ()),
}


def _recorded(books: list[Book], first: dt.date, last: dt.date) -> bool:
    """Whether anything a person entered on the day-by-day sheets is dated from `first` through
    `last`, in this month's workbook or last month's (a week that began in it)."""
    return any(recorded_rows(book, first, last) for book in books)


def recorded_rows(book: Book, first: dt.date, last: dt.date) -> int:
    """The rows of the day-by-day sheets (cards, 追踪表 and the others of _RECORDS) that record
    something done from `first` through `last`: what a person entered those days."""
    count = 0
    for key, (dates, typed) in _RECORDS.items():
        table = getattr(book, key)
        for row in zip(*(table[c] for c in (*dates, *typed)), strict=True):
            if typed and all(v is None for v in row[len(dates) :]):
                continue  # a row fill added that nobody has typed into yet
            count += any(isinstance(d, dt.date) and first <= d <= last for d in row[: len(dates)])
    return count


def _dates(first: dt.date, last: dt.date) -> list[dt.date]:
    """Every date from `first` through `last` (none when `last` is before `first`)."""
    return [first + dt.timedelta(n) for n in range((last - first).days + 1)]


def open_days(figures: Figures) -> list[dt.date]:
    """The week's days the figures hold, up to their date, on which the branch was open: a day
    每日概况 shows staffed, a work day of its calendar (工作日历, else a statutory work day it
    opens on by 营业日), or any day something was sold or a card was made — a Saturday opening.
    A closed day is left out of the trend rather than plotted as a day of zero sales, and so is
    a weekend with nothing recorded yet, a day still to come, or a day of last month when its
    workbook was not read (docs/口径.md#周报日期)."""
    busy = {day for day, _ in figures.sold_by_day} | {
        day for day, cards in figures.cards_by_day.items() if cards
    }
    calendar = figures.calendar
    return [
        d
        for d in sorted(figures.week.period.days)
        if calendar.staffing.get(d, calendar.is_work_day(d)) or d in busy
    ]


def default_output(book_path: Path, weekly: Weekly) -> Path:
    from .filenames import WEEKLY_NAME_END, safe_stem

    return book_path.with_name(
        f"{safe_stem(weekly.branch, book_path.stem)}-{weekly.week}{WEEKLY_NAME_END}.xlsx"
    )
