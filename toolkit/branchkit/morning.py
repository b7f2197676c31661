"""The morning meeting (晨会) agenda, 10 minutes before opening (docs/口径.md#晨会). Pure.

Yesterday's results and stars in two lines; today's branch and personal targets, the key products
and one sentence to say today; the follow-ups due today per person and today's checklist items
with their owners; the open action items. Like the evening agenda it is records, never sentences:
`morning.lines.j2` words it, and the tab, Markdown, HTML and text come from the same layouts.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from . import checklist
from .agenda import (
    ActionLine,
    BranchTotals,
    DutyRow,
    Host,
    TargetLine,
    _daily_by_person,
    _fit,
    _fix_action,
    _room,
    duty_rows,
    floor_summary,
    host_of,
    key_products_of,
    open_actions,
    transactions_of,
)
from .checklist import OpenFix
from .figures import Figures
from .phrases import PHONE_SCRIPT, SCRIPTS, SECTION_MINUTES
from .privacy import Names, workbook_names
from .problems import count_levels
from .read import Book
from .vocab import BEHIND, DAY, MEETING_NAMES, MORNING, Meeting, Unit


@dataclass
class Yesterday:
    """The last day the branch opened before D, in this month (None on its first open day)."""

    date: dt.date | None
    totals: BranchTotals | None = None
    checklist_due: int = 0
    checklist_done: int = 0
    stars: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Duty:
    """Today's checklist items of one person (owner '' only when there is nobody to name)."""

    owner: str
    items: list[str]
    roles: list[str]  # the 责任岗位 nobody on duty holds, whose items fell to this owner


@dataclass
class MorningAgenda:
    branch: str
    date: dt.date
    host: Host
    attendees: list[str]
    minutes: tuple[int, int, int, int]
    month_progress: float
    errors: int
    yesterday: Yesterday
    branch_targets: list[TargetLine]
    people: list[DutyRow]  # on duty today with a target or a follow-up; other receivers due
    key_products: list[str]
    script_topic: str  # the indicator the script is for, '' for the phone script
    script: str
    duties: list[Duty]
    duties_left_out: int
    open_actions: list[ActionLine]
    fixes: list[OpenFix]
    actions_left_out: int
    free: list[str] = field(default_factory=list)  # on duty, every target met, nothing due
    untargeted: list[str] = field(default_factory=list)  # on duty, no target set, nothing due
    meeting: Meeting = MORNING
    unknown_year: int | None = None  # docs/口径.md#节假日库不知道的年份
    # D is a day the branch is closed (a meeting asked for anyway): the day it opens next, said
    # first; None on an opening day (docs/口径.md#下一个营业日)
    reopens: dt.date | None = None
    last_day: bool = False  # D is the month's last opening day
    # The workbook's customers (and staff): their names in typed text masked where it is shown
    names: Names = field(default_factory=Names)

    @property
    def meeting_name(self) -> str:
        return MEETING_NAMES[self.meeting]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes)


def yesterday_of(figures: Figures) -> dt.date | None:
    """The last open day before D in D's month."""
    day = figures.date - dt.timedelta(days=1)
    while day.month == figures.date.month:
        if figures.is_open(day):
            return day
        day -= dt.timedelta(days=1)
    return None


def _yesterday(book: Book, figures: Figures | None, now: Figures) -> Yesterday:
    """Yesterday's results and stars (`figures`: as of yesterday) and its checklist as it stands
    this morning — what was still to come at yesterday's 夕会 is counted now
    (docs/口径.md#待完成)."""
    if figures is None:
        return Yesterday(None)
    today = figures.today
    ledger = today.ledger
    daily = _daily_by_person(book, today.period)
    totals = BranchTotals(
        floor_summary(book, today.period).traffic,
        transactions_of(daily),
        today.branch.referrals,
        today.branch.successes,
        len(ledger),
        sum(s.amount for s in ledger if s.unit is Unit.WAN_YUAN),
    )
    tally = now.month.checklist.by_day.get(figures.date, checklist.Tally())
    return Yesterday(figures.date, totals, tally.due, tally.done, figures.stars[DAY])


def duties(book: Book, figures: Figures, present: list[str]) -> list[Duty]:
    """Today's checklist by person: the rows 每日清单 already has for D (fill wrote them, the
    supervisor may have moved some), else the items due by 频次 given to their owner by the same
    rule `branchkit fill` uses — whoever on duty holds the 责任岗位, else 设置 网点负责人, else the
    host (docs/工作簿.md#填写)."""
    day = figures.date
    rows = [
        (owner or "", item)
        for date, item, owner in book.checklist.zip("date", "item", "owner")
        if date == day and item
    ]
    missing_roles: dict[str, list[str]] = {}
    if not rows:
        roles = {n: r for n, r in book.roster.zip("name", "role") if n and r}
        head, host = book.settings.branch_head, host_of(book, present or None).name
        for item in checklist.due_items(figures.checklist_items, day, figures.is_open):
            owner, fell_back = checklist.owner_of(item, present, roles, head, host)
            rows.append((owner, item.name))
            if fell_back:
                missing_roles.setdefault(owner, []).extend(item.roles)
    by_owner: dict[str, list[str]] = {}
    for owner, item in rows:
        by_owner.setdefault(owner, []).append(item)
    return [
        Duty(owner, items, list(dict.fromkeys(missing_roles.get(owner, []))))
        for owner, items in sorted(by_owner.items(), key=lambda kv: kv[0] == "")
    ]


def build(book: Book, figures: Figures, yesterday: Figures | None = None) -> MorningAgenda:
    """The 晨会 of D = figures.date; `yesterday` is the figures of `yesterday_of(figures)` when
    there is one (its day's results and stars). Today's targets and follow-ups are one table of
    everyone on duty (and every receiver with a follow-up due today): never cut."""
    day = figures.date
    minutes = SECTION_MINUTES[MORNING]
    present = figures.on_duty or None
    active = [p.name for p in figures.month.people]
    attendees = list(present or active)
    month = figures.month.branch
    behind = sorted(
        (i for i, s in month.status.items() if s == BEHIND), key=lambda i: month.completion[i]
    )
    weakest = next((i for i in behind if i in SCRIPTS), "") or next(
        (i for i in sorted(month.completion, key=month.completion.__getitem__) if i in SCRIPTS),
        "",
    )
    branch, people, free, untargeted = duty_rows(
        figures, figures.targets_today, attendees, [f for f in figures.follow_ups if f.due <= day]
    )
    todays, duties_out = _fit(duties(book, figures, attendees), _room(minutes[2], 0))
    fixes = figures.still_open
    actions = [a for a in open_actions(book, day) if not _fix_action(a, fixes)]
    room = _room(minutes[3], 0)
    fixes_shown, fixes_out = _fit(fixes, max(1, room // 2))
    actions, actions_out = _fit(actions, max(1, room - len(fixes_shown)))
    return MorningAgenda(
        branch=book.settings.branch or figures.branch,
        date=day,
        host=host_of(book, present),
        attendees=attendees,
        minutes=minutes,
        month_progress=figures.month_progress,
        errors=count_levels(figures.problems)[0],
        yesterday=_yesterday(book, yesterday, figures),
        branch_targets=branch,
        people=people,
        free=free,
        untargeted=untargeted,
        key_products=key_products_of(figures, behind),
        script_topic=weakest,
        script=SCRIPTS.get(weakest, PHONE_SCRIPT),
        duties=todays,
        duties_left_out=duties_out,
        open_actions=actions,
        fixes=fixes_shown,
        actions_left_out=actions_out + fixes_out,
        unknown_year=figures.unknown_year,
        reopens=None if figures.is_open(figures.date) else figures.next_workday,
        last_day=figures.last_opening_day,
        names=workbook_names(book),
    )
