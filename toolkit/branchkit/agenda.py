"""The evening meeting (夕会) agenda, from the figures and the day's cases (docs/口径.md#夕会议程).

Pure: a Book, its figures and a meeting kind in, an `Agenda` out — numbers, names and keys, one
record per section, never finished sentences. The Jinja templates word it (Chinese or English),
and the 夕会议程 tab, Markdown, HTML and text all come from those templates, so every format says
the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .checklist import Found, Missed, OpenFix, fix_key, same_item
from .figures import REFERRALS, Figures, FollowUp, PersonFigures, TomorrowTarget, status_of, trend
from .matching import NotFollowed
from .phrases import CAUSES, PHONE_SCRIPT, SCRIPTS, SECTION_MINUTES
from .privacy import Names, mask_name, workbook_names
from .problems import count_levels
from .read import Book
from .schema import BRANCH_TARGET
from .staffing import members, on_duty
from .vocab import (
    AHEAD,
    ASSISTANTS,
    BEHIND,
    CHOSEN_FOCUSES,
    DAILY,
    DAY,
    EVENING_MEETINGS,
    MEETING_NAMES,
    MEETING_PERIODS,
    SERVICE,
    SUPERVISOR,
    WEALTH,
    WEEKLY,
    ActionState,
    CaseCategory,
    CaseNature,
    Focus,
    HostKind,
    Meeting,
    Pace,
    PeriodKind,
    TrainingSource,
    Unit,
    role_group,
)
from .workdays import Period

# Customers named per receiver; the rest are on 跟进提醒. Two, so that the follow-ups cell has
# room for the count of cards nobody contacted (未跟进) and the meeting still prints on one page.
FOLLOW_UP_NAMES = 2
LINES_PER_MINUTE = 3  # docs/口径.md#夕会议程: at most about one line per 20 seconds
PAIRS_AT_MOST = 3  # coaching pairs one meeting can follow up on


def _room(minutes: int, used: int) -> int:
    """Lines left in a section of `minutes` once `used` lines are spoken for (never below 1:
    a section always names at least one thing)."""
    return max(1, minutes * LINES_PER_MINUTE - used)


def _fit(items: list[Any], room: int) -> tuple[list[Any], int]:
    """The first items that fit in `room` lines, keeping one line to say how many were left out."""
    if len(items) <= room:
        return items, 0
    kept = items[: max(0, room - 1)]
    return kept, len(items) - len(kept)


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Host:
    name: str  # '' when nobody can be named
    kind: HostKind  # SUPERVISOR / NAMED (设置 names a stand-in) / MISSING


@dataclass(frozen=True)
class IndicatorPace:
    indicator: str
    completion: float | None
    pace: Pace | None  # None when there is no target to judge by


@dataclass(frozen=True)
class PersonLine:
    """One person's row of section 1's table: the metrics of their role for the period, their
    综合得分 month to date with its own pace (docs/口径.md#综合得分), and what is behind pace."""

    name: str
    role: str
    # The role's metrics by key; business_types is a list of words. A metric read off 每日数据
    # is None when no row of the period gives it (未登记, never 0).
    metrics: dict[str, Any]
    behind: list[IndicatorPace]
    has_targets: bool
    score: float | None = None  # 综合得分, month to date
    pace: Pace | None = None  # the pace of that score, never of another figure
    star: bool = False  # the period's star: applauded with their numbers

    @property
    def unrecorded(self) -> bool:
        """A metric of the role that no 每日数据 row of the period gives (未登记)."""
        return any(v is None for v in self.metrics.values())


@dataclass(frozen=True)
class BranchTotals:
    traffic: float | None  # None: 每日概况 has no traffic for these days (未登记, never 0)
    transactions: int | None  # None: no 每日数据 row gives 业务笔数 for these days (未登记)
    referrals: int
    successes: int
    sales: int
    money: float  # 万元


@dataclass(frozen=True)
class TrendLine:
    indicator: str
    unit: str
    points: list[tuple[str, float]]  # (the days' label, value)


@dataclass(frozen=True)
class Pairing:
    indicator: str
    coach: str
    learner: str


@dataclass(frozen=True)
class CaseLine:
    category: CaseCategory | str  # '' blank; text typed outside the list as typed
    nature: CaseNature | str
    people: str
    description: str
    cause: str
    remedy: str
    owner: str


@dataclass(frozen=True)
class ActionLine:
    item: str
    owner: str
    due: dt.date | None
    overdue: bool
    raised_on: dt.date | None = None
    owner_gone: bool = False  # the owner no longer belongs to the branch on D: hand it over


@dataclass(frozen=True)
class TargetLine:
    indicator: str
    amount: float  # tomorrow's share (whole for counts)
    unit: str
    gap: float = 0.0  # what the month still needs
    days_left: int = 0


@dataclass(frozen=True)
class FollowUpLine:
    """One receiver's follow-ups due (of them, how many overdue) and referral cards nobody has
    contacted yet (未跟进, docs/口径.md#跟进提醒)."""

    receiver: str  # '' when the tracking row names none
    count: int
    overdue: int
    customers: list[str]  # masked (张*), the first few: those due first, then the 未跟进
    more: bool
    not_followed: int = 0


@dataclass(frozen=True)
class FloorSummary:
    """Service and operations on the floor: always in section 1, whatever the focus
    (docs/口径.md#夕会议程)."""

    traffic: float | None  # None: 每日概况 records no traffic for the period (未登记)
    complaints: int  # per day the larger of 每日概况 投诉数 and the 投诉 cases, summed
    service_cases: list[CaseLine]  # 服务 category, and complaints of any category
    risk_cases: list[CaseLine]  # 运营 category, and risks of any category
    peak_waiting: int | None = None  # 每日概况: the most customers waiting at once
    longest_wait: float | None = None  # minutes, the longest anyone waited
    windows: float | None = None  # windows open (the period's average)
    comments: list[str] = field(default_factory=list)  # 客户意见, the first few


@dataclass(frozen=True)
class MissedLine:
    """An item due and not done: one a day, or how often in a week or month."""

    item: str
    owners: list[str]
    count: int


@dataclass
class ChecklistSummary:
    """The period's checklist in section 1 (docs/口径.md#夕会议程): how much was done, what was not,
    what is still to come after the meeting (待完成, docs/口径.md#待完成), and the problems found.
    Empty (due 0, nothing found) for a branch that does not keep it."""

    due: int
    done: int
    rate: float | None
    missed: list[MissedLine]
    missed_left_out: int
    found: list[Found]
    found_left_out: int
    pending: list[MissedLine] = field(default_factory=list)

    @property
    def kept(self) -> bool:
        return bool(self.due or self.found or self.pending)


@dataclass
class Summary:
    """Section 1: the period's results — every person on duty in the table: the minutes limit
    the talk, not the table."""

    totals: BranchTotals
    no_activity: bool
    people: list[PersonLine]
    floor: FloorSummary
    branch_progress: list[IndicatorPace]
    stars: dict[PeriodKind, list[str]]  # names
    trends: list[TrendLine]
    checklist: ChecklistSummary | None = None
    # The meeting period's stars and the 综合得分 of that period that made them (the numbers
    # they are applauded for; their row of the table is marked ★).
    star_scores: dict[str, float | None] = field(default_factory=dict)


@dataclass
class Plan:
    """Section 2: the focus, and what to do about it."""

    focus: Focus  # MARKETING / SERVICE_OPERATIONS / SERVICE / OPERATIONS / NONE
    chosen: bool  # set by 设置 or 控制台 夕会重点 rather than by the pace
    nothing_sold: bool  # no sale in the month yet: "on pace" is no reason to praise the sales
    behind_indicators: list[IndicatorPace]
    behind_people: list[tuple[str, list[IndicatorPace]]]
    causes: tuple[str, ...]
    pairings: list[Pairing]
    cases: list[CaseLine]
    highlights: list[CaseLine]
    actions_due: list[ActionLine]
    left_out: int = 0  # people or cases beyond the section's minutes
    fixes: list[OpenFix] = field(default_factory=list)  # 整改 still open, whatever the focus
    fixes_left_out: int = 0


@dataclass
class Training:
    """Section 3: one small topic drawn from the day."""

    source: TrainingSource
    topic: str  # the setting's text, the case, or the indicator
    content: str  # the rule, the script
    products: list[str] = field(default_factory=list)
    completion: float | None = None


@dataclass(frozen=True)
class DutyRow:
    """One row of the targets table (section 4, and the 晨会's today): a person's targets for
    the day and the follow-ups they have due, masked."""

    name: str
    targets: list[TargetLine]
    follow_up: FollowUpLine | None
    on_duty: bool  # on duty that day (a receiver who is not still has their follow-ups)
    has_targets: bool = True  # a month target set; `targets` empty: every one of them met


@dataclass
class Tomorrow:
    """Section 4: targets, key products, follow-ups and open actions — every person on duty
    tomorrow and every receiver with follow-ups due, in one table."""

    branch: list[TargetLine]
    people: list[DutyRow]  # those with a target or a follow-up
    key_products: list[str]
    open_actions: list[ActionLine]
    actions_left_out: int = 0
    free: list[str] = field(default_factory=list)  # on duty, every target met, nothing due
    untargeted: list[str] = field(default_factory=list)  # on duty, no target set, nothing due
    # D is the month's last opening day: the targets are the gaps to close today, and nothing
    # is set for next month's first day (docs/口径.md#明日目标).
    last_day: bool = False


@dataclass
class Agenda:
    branch: str
    date: dt.date
    meeting: Meeting  # DAILY / WEEKLY / MONTHLY
    period: Period
    host: Host
    attendees: list[str]
    minutes: tuple[int, int, int, int]
    month_progress: float
    tolerance: float  # 进度容差: a percentage beside its pace word shows what decided it
    errors: int  # 错误 still open in the workbook: said first, so nobody praises a typo
    summary: Summary
    plan: Plan
    training: Training
    tomorrow: Tomorrow
    # A year the holiday library does not know (docs/口径.md#节假日库不知道的年份): said once,
    # with 工作日历 as the fix.
    unknown_year: int | None = None
    # D is a day the branch is closed (a meeting asked for anyway): the day it opens next, said
    # first; None on an opening day (docs/口径.md#下一个营业日)
    reopens: dt.date | None = None
    # The workbook's customers (and staff): their names in typed text masked where it is shown
    names: Names = field(default_factory=Names)

    @property
    def meeting_name(self) -> str:
        return MEETING_NAMES[self.meeting]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes)


# ---------------------------------------------------------------- who is there


def host_of(book: Book, present: list[str] | None) -> Host:
    """The lobby supervisor hosts; when absent, whoever 设置 names (docs/口径.md#夕会议程)."""
    supervisors = [
        n
        for n, r, a in book.roster.zip("name", "role", "active")
        if r == SUPERVISOR and a is not False
    ]
    here = [s for s in supervisors if present is None or s in present]
    if here:
        return Host(here[0], HostKind.SUPERVISOR)
    named = book.settings.host
    if named and named not in supervisors:
        return Host(named, HostKind.NAMED)
    return Host("", HostKind.MISSING)


# ---------------------------------------------------------------- section 1


def _daily_by_person(book: Book, period: Period) -> dict[str, dict[str, Any]]:
    counted = (
        "served",
        "transactions",
        "referrals",
        "own_sales",
        "phone_invitations",
        "follow_ups",
    )
    result: dict[str, dict[str, Any]] = {}
    for record in book.daily.records():
        if record["date"] not in period or not record["name"]:
            continue
        entry = result.setdefault(record["name"], {"types": []})
        for key in counted:
            value = record[key]
            if isinstance(value, (int, float)):
                entry[key] = entry.get(key, 0) + int(value)
        if record["business_types"]:
            entry["types"].append(record["business_types"])
    return result


def transactions_of(daily: dict[str, dict[str, Any]]) -> int | None:
    """The branch's 业务笔数 over `_daily_by_person`'s rows; None when none gives one (未登记)."""
    counted = [v["transactions"] for v in daily.values() if "transactions" in v]
    return sum(counted) if counted else None


def _person_line(
    person: PersonFigures,
    month: PersonFigures,
    daily: dict[str, Any],
    referred_sales: int,
    star: bool = False,
) -> PersonLine:
    """The role's own metrics for the period; the 综合得分 and progress are always month to date
    (docs/口径.md#夕会议程). What only 每日数据 tells (接待, 笔数, 自主销售, 跟进, 邀约) is None
    where no row of the period gives it: a day nobody recorded reads 未登记, never 0."""
    group = role_group(person.role)
    served = daily.get("served")
    own_sales = person.own_sales if "own_sales" in daily else None
    metrics: dict[str, Any]
    if group is ASSISTANTS:
        metrics = {
            "served": served,
            "transactions": daily.get("transactions"),
            "business_types": list(dict.fromkeys(daily.get("types", []))),
            "referrals": person.referrals,
        }
    elif group is SERVICE:
        metrics = {"served": served, "referrals": person.referrals, "own_sales": own_sales}
    elif group is WEALTH:
        metrics = {
            "served": served,
            "follow_ups": daily.get("follow_ups"),
            "referred_sales": referred_sales,
            "phone_invitations": daily.get("phone_invitations"),
            "money": person.money,  # counted from the workbook's sales: none is 0, not 未登记
        }
    else:
        metrics = {"served": served} if served else {}
    behind = [
        IndicatorPace(k, month.completion.get(k), v) for k, v in month.status.items() if v is BEHIND
    ]
    return PersonLine(
        person.name,
        person.role,
        metrics,
        behind,
        bool(month.status),
        month.score,
        month.overall_status,
        star,
    )


def _trend_spans(meeting: Meeting, period: Period) -> list[tuple[str, dt.date, dt.date]]:
    """Weekly: each day of the week; monthly: each ISO week of the month."""
    spans: list[tuple[str, dt.date, dt.date]] = []
    cursor = period.start
    while cursor <= period.end:
        if meeting == WEEKLY:
            spans.append((f"{cursor:%m-%d}", cursor, cursor))
            cursor += dt.timedelta(days=1)
        else:
            end = min(period.end, cursor + dt.timedelta(days=6 - cursor.weekday()))
            spans.append((f"{cursor:%m-%d}~{end:%m-%d}", cursor, end))
            cursor = end + dt.timedelta(days=1)
    return spans


def _trends(figures: Figures, meeting: Meeting, period: Period) -> list[TrendLine]:
    """Sales per indicator and cards made, span by span (weekly and monthly meetings)."""
    if meeting == DAILY:
        return []
    spans = _trend_spans(meeting, period)
    found = trend(figures, [(start, end) for _, start, end in spans])
    labels = [label for label, _, _ in spans]
    lines = [
        TrendLine(
            indicator, figures.catalogue.unit_of(indicator), list(zip(labels, values, strict=True))
        )
        for indicator, values in found.sales.items()
    ]
    lines.append(
        TrendLine(
            REFERRALS,
            figures.catalogue.unit_of(REFERRALS),
            list(zip(labels, map(float, found.cards), strict=True)),
        )
    )
    return lines


COMMENTS_SHOWN = 2  # 客户意见 quoted in section 1; the rest are on 每日概况


def floor_summary(book: Book, period: Period) -> FloorSummary:
    """Traffic, queues and complaints from 每日概况, with the period's service and risk cases.

    A complaint is often both counted on 每日概况 and written up as a case; per day the larger
    of the two counts, so it is never counted twice and never lost."""
    dates = book.overview["date"]
    days = book.overview.where(d in period for d in dates)
    counted = [t for t in days["traffic"] if t is not None]
    traffic = float(sum(counted)) if counted else None  # no row (or no number): 未登记
    service = _case_lines(book, period, SERVICE_CASES, {CaseCategory.SERVICE})
    risks = _case_lines(book, period, RISK_CASES, {CaseCategory.OPERATIONS})
    complaints: dict[dt.date, int] = {}
    for date, nature in book.cases.zip("date", "nature"):
        if date in period and nature is CaseNature.COMPLAINT:
            complaints[date] = complaints.get(date, 0) + 1
    for date, count in days.zip("date", "complaints"):
        if count is not None:
            complaints[date] = max(complaints.get(date, 0), count)
    waiting = [n for n in days["peak_waiting"] if n is not None]
    waits = [n for n in days["longest_wait"] if n is not None]
    windows = [n for n in days["windows"] if n is not None]
    return FloorSummary(
        traffic,
        sum(complaints.values()),
        service,
        risks,
        max(waiting) if waiting else None,
        max(waits) if waits else None,
        sum(windows) / len(windows) if windows else None,
        [text for text in days["comments"] if text][:COMMENTS_SHOWN],
    )


MISSED_SHOWN = 6  # items named on the checklist line; the rest are on 管理清单
FOUND_SHOWN = 3  # problems named on the 发现问题 line; section 2 follows up the open ones


def checklist_summary(figures: Figures, meeting: Meeting) -> ChecklistSummary:
    """The period's checklist: the items not done (each one a day; by item, most missed first,
    over a week or month) and the problems found — newly found ones only: one seen again is
    already open, and section 2 follows it up."""
    tally = figures.period(MEETING_PERIODS[meeting]).checklist
    missed = _by_item(tally.missed)
    if meeting != DAILY:
        missed.sort(key=lambda line: -line.count)
    shown, missed_out = _fit(missed, MISSED_SHOWN + 1)

    def key(item: str, problem: str) -> str:
        return same_item(fix_key(item, problem))

    first_seen = {key(f.found.item, f.found.problem): f.first_found for f in figures.open_fixes}
    start = figures.period(MEETING_PERIODS[meeting]).period.start
    new = {key(f.item, f.problem): f for f in tally.found}
    found, found_out = _fit(
        [f for k, f in new.items() if first_seen.get(k, f.date) >= start], FOUND_SHOWN + 1
    )
    pending = _by_item(tally.pending)
    return ChecklistSummary(
        tally.due, tally.done, tally.rate, shown, missed_out, found, found_out, pending
    )


def _by_item(rows: list[Missed]) -> list[MissedLine]:
    """Items with how often they appear and their owners, in the order first met."""
    by_item: dict[str, list[Missed]] = {}
    for m in rows:
        by_item.setdefault(m.item, []).append(m)
    return [
        MissedLine(item, list(dict.fromkeys(m.owner for m in found if m.owner)), len(found))
        for item, found in by_item.items()
    ]


def summary(
    book: Book,
    figures: Figures,
    meeting: Meeting,
    period: Period,
    present: set[str],
) -> Summary:
    """Section 1. Its table holds every person on duty (and the period's star, who is
    applauded with their numbers): one row each, since each speaks to their own row — the
    minutes limit the talk, not the table."""
    figures_now = figures.period(MEETING_PERIODS[meeting])
    month = figures.month
    floor = floor_summary(book, period)
    daily_rows = _daily_by_person(book, period)
    transactions = transactions_of(daily_rows)
    ledger = figures_now.ledger
    money = sum(s.amount for s in ledger if s.unit is Unit.WAN_YUAN)
    branch = figures_now.branch
    totals = BranchTotals(
        floor.traffic, transactions, branch.referrals, branch.successes, len(ledger), money
    )
    referred_by_receiver: dict[str, int] = {}
    for sale in ledger:
        if sale.referrer:
            referred_by_receiver[sale.receiver] = referred_by_receiver.get(sale.receiver, 0) + 1
    month_people = {p.name: p for p in month.people}
    star_kind = MEETING_PERIODS[meeting]
    stars = set(figures.stars[star_kind])
    lines = [
        _person_line(
            p,
            month_people[p.name],
            daily_rows.get(p.name, {}),
            referred_by_receiver.get(p.name, 0),
            p.name in stars,
        )
        for p in figures_now.people
        if p.name in present or p.name in stars
    ]
    # The ranking's order (the month's 综合得分), those without a score after.
    rank = {p.name: p.rank or 999 for p in month.people}
    lines.sort(key=lambda line: (rank.get(line.name, 999), line.name))
    shown_stars = figures.stars if meeting != DAILY else {DAY: figures.stars[DAY]}
    progress = [
        IndicatorPace(i, month.branch.completion.get(i), month.branch.status.get(i))
        for i in month.branch.targets
    ]
    trends = _trends(figures, meeting, period)[: LINES_PER_MINUTE + 1]
    return Summary(
        totals,
        not floor.traffic and not transactions and branch.referrals == 0 and not ledger,
        lines,
        floor,
        progress,
        shown_stars,
        trends,
        checklist_summary(figures, meeting),
        {p.name: p.score for p in figures_now.people if p.name in stars},
    )


# ---------------------------------------------------------------- section 2


def _pairings(
    people: list[PersonFigures], indicators: list[str], newcomers: set[str]
) -> list[Pairing]:
    """Someone ahead of pace on a lagging indicator coaches someone behind on it
    (docs/口径.md#结对辅导): never a coach who is behind too, nobody coached by two people on one
    thing, at most what a meeting can follow up on. Ahead on one indicator is not enough where a
    better coach exists: someone whose 综合得分 is behind pace (a pile of referrals that never
    convert is ahead on 转介数) coaches only when nobody ahead on it is on pace overall. Nor is a
    coach one of the `newcomers`, who joined during the month (their time progress is their own
    days'): on their first day any card is ahead of a pace of nothing, and a newcomer would
    coach a colleague of years."""
    pairs: list[Pairing] = []
    whole_month = [p for p in people if p.name not in newcomers]
    for indicator in indicators:
        ahead = [p for p in whole_month if p.status.get(indicator) == AHEAD]
        ahead = [p for p in ahead if p.overall_status is not BEHIND] or ahead
        ahead.sort(key=lambda p: (-p.completion[indicator], p.name))
        behind = sorted(
            (p for p in people if p.status.get(indicator) == BEHIND),
            key=lambda p: (p.completion[indicator], p.name),
        )
        pairs += [
            Pairing(indicator, coach.name, learner.name)
            for coach, learner in zip(ahead, behind, strict=False)
        ]
    return pairs[:PAIRS_AT_MOST]


# Which cases a section lists: these natures, or any case of these categories.
SERVICE_CASES = {CaseNature.PROBLEM, CaseNature.COMPLAINT}
RISK_CASES = {CaseNature.RISK}


def _case_lines(
    book: Book,
    period: Period,
    natures: set[CaseNature] | None,
    categories: set[CaseCategory] | None,
) -> list[CaseLine]:
    lines = []
    for c in book.cases.records():
        if c["date"] not in period:
            continue
        if (
            natures is not None
            and c["nature"] not in natures
            and (categories is None or c["category"] not in categories)
        ):
            continue
        lines.append(
            CaseLine(
                c["category"] or "",
                c["nature"] or "",
                "、".join(c["people"] or []),
                c["description"] or "",
                c["cause"] or "",
                c["remedy"] or "",
                c["owner"] or "",
            )
        )
    return lines


def _fix_action(action: ActionLine, fixes: list[OpenFix]) -> bool:
    """An action item that is one of these fixes' 整改 rows (said with the fix, not twice)."""
    item = same_item(action.item)
    return any(item.startswith(same_item(fix_key(f.found.item, f.found.problem))) for f in fixes)


def open_actions(book: Book, day: dt.date) -> list[ActionLine]:
    """Action items still open on D: not 已完成, and raised on or before D, soonest due first
    (the agenda and the weekly workbook list the same ones). An item whose owner has left (离岗
    日期 before D, or 在岗 否) says so: nobody would act on it otherwise."""
    staff = members(book)
    listed = set(book.roster["name"]) if "name" in book.roster else set()
    gone = {
        name
        for name in listed
        if isinstance(name, str)
        and ((m := staff.get(name)) is None or (m.left_on is not None and m.left_on < day))
    }
    lines = [
        ActionLine(
            a["item"],
            a["owner"] or "",
            a["due"] if isinstance(a["due"], dt.date) else None,
            isinstance(a["due"], dt.date) and a["due"] < day,
            a["raised_on"] if isinstance(a["raised_on"], dt.date) else None,
            a["owner"] in gone,
        )
        for a in book.actions.records()
        if a["state"] is not ActionState.DONE
        and a["item"]
        and not (isinstance(a["raised_on"], dt.date) and a["raised_on"] > day)
    ]
    return sorted(lines, key=lambda a: (a.due or dt.date.max, a.item))


def focus_of(figures: Figures, chosen: Focus | None) -> tuple[Focus, bool]:
    """The meeting's focus (docs/口径.md#夕会重点), and whether a person chose it.

    设置 / 控制台 夕会重点 = 营销 / 服务 / 运营 decides; otherwise the pace does: marketing when the
    branch is 低于进度 on any indicator that has a branch target (one indicator far ahead must
    not hide two far behind), else service and operations. A branch without branch targets is
    judged by its people's average 综合得分; without any target there is no pace to judge."""
    if chosen in CHOSEN_FOCUSES:
        return chosen, True
    month = figures.month
    if month.branch.status:
        behind = any(s is BEHIND for s in month.branch.status.values())
        return (Focus.MARKETING if behind else Focus.SERVICE_OPERATIONS), False
    scored = [p.score for p in month.people if p.score is not None]  # the one composite
    if not scored:
        return Focus.NONE, False
    pace = status_of(sum(scored) / len(scored), figures.month_progress, figures.settings.tolerance)
    return (Focus.MARKETING if pace is BEHIND else Focus.SERVICE_OPERATIONS), False


def _still_here(book: Book, figures: Figures) -> list[PersonFigures]:
    """The month's people who still belong to the branch on D: someone who left (离岗日期 before
    D) is in the month's figures, but no longer behind anyone's pace or coaching anyone
    (docs/口径.md#入职和离岗)."""
    here = members(book)
    return [
        p
        for p in figures.month.people
        if (m := here.get(p.name)) is None or m.belongs(figures.date)
    ]


def _behind_indicators(figures: Figures, people: list[PersonFigures]) -> list[str]:
    """The branch's indicators behind pace, weakest first; without branch targets, its people's."""
    branch = figures.month.branch
    behind = sorted(
        (i for i, s in branch.status.items() if s == BEHIND), key=lambda i: branch.completion[i]
    )
    if not branch.status:
        behind = sorted({i for p in people for i, s in p.status.items() if s == BEHIND})
    return behind


def plan(
    book: Book, figures: Figures, period: Period, minutes: int, chosen: Focus | None = None
) -> Plan:
    month = figures.month
    people = _still_here(book, figures)
    focus, was_chosen = focus_of(figures, chosen)
    behind = _behind_indicators(figures, people) if focus is Focus.MARKETING else []
    horizon = figures.next_workday
    fixes = figures.still_open
    due = [
        a
        for a in open_actions(book, figures.date)
        if (a.due is None or a.due <= horizon) and not _fix_action(a, fixes)
    ]
    highlights = _case_lines(book, period, {CaseNature.HIGHLIGHT}, None)
    service, operations = CaseCategory.SERVICE, CaseCategory.OPERATIONS
    cases = {
        Focus.SERVICE_OPERATIONS: _case_lines(
            book, period, SERVICE_CASES | RISK_CASES, {service, operations}
        ),
        Focus.SERVICE: _case_lines(book, period, SERVICE_CASES, {service}),
        Focus.OPERATIONS: _case_lines(book, period, RISK_CASES, {operations}),
    }.get(focus, [])
    first = figures.date.replace(day=1)
    newcomers = {name for name, m in members(book).items() if m.joined_on and m.joined_on > first}
    pairings = _pairings(people, behind, newcomers)
    # 整改 still open are always followed up (docs/口径.md#夕会议程), before the focus's own lists.
    fixes, fixes_out = _fit(fixes, _room(minutes, 3 + len(pairings)))
    # Spoken for: the focus line, behind indicators, causes, pairs, highlights, actions due, and
    # the fixes.
    used = 3 + len(pairings) + len(highlights) + len(due) + len(fixes) + bool(fixes_out)
    behind_people: list[tuple[str, list[IndicatorPace]]] = []
    for p in sorted(people, key=lambda p: p.name):
        lagging = [
            IndicatorPace(i, p.completion.get(i), BEHIND)
            for i in behind
            if p.status.get(i) == BEHIND
        ]
        if lagging:
            behind_people.append((p.name, lagging))
    behind_people, people_out = _fit(behind_people, _room(minutes, used))
    cases, cases_out = _fit(cases, _room(minutes, used))
    return Plan(
        focus,
        was_chosen,
        not month.ledger,  # nothing sold this month: no line may call the sales good
        [IndicatorPace(i, month.branch.completion.get(i), BEHIND) for i in behind]
        if month.branch.status
        else [IndicatorPace(i, None, BEHIND) for i in behind],
        behind_people,
        CAUSES,
        pairings,
        cases,
        highlights,
        due,
        people_out + cases_out,
        fixes,
        fixes_out,
    )


# ---------------------------------------------------------------- section 3


def training(book: Book, figures: Figures, period: Period, behind: list[str]) -> Training:
    """The supervisor's topic if set; else today's risk case; else the weakest indicator's script."""
    if book.settings.training:
        return Training(TrainingSource.SETTING, book.settings.training, "")
    risks = _case_lines(book, period, RISK_CASES, {CaseCategory.OPERATIONS})
    if risks:
        return Training(TrainingSource.RISK_CASE, risks[0].description, risks[0].remedy)
    branch = figures.month.branch
    candidates = [i for i in behind if i in SCRIPTS] or sorted(
        (i for i in branch.completion if i in SCRIPTS), key=lambda i: branch.completion[i]
    )
    if candidates:
        weakest = candidates[0]
        # Products named like their indicator (手机银行 of 手机银行) would only repeat the topic.
        products = [p for p in figures.catalogue.products_of(weakest) if p != weakest]
        return Training(
            TrainingSource.WEAKEST,
            weakest,
            SCRIPTS[weakest],
            products[:2],
            branch.completion.get(weakest),
        )
    return Training(TrainingSource.DEFAULT, "", PHONE_SCRIPT)


# ---------------------------------------------------------------- section 4 (and the 晨会)


def target_lines(
    figures: Figures, targets: list[TomorrowTarget], invited: set[str]
) -> tuple[list[TargetLine], dict[str, list[TargetLine]]]:
    """The branch's targets, and each invited person's, for the next day (nothing for targets
    already met); with no day left in the month, the gaps to close today (days_left 0)."""
    unit_of = figures.catalogue.unit_of
    branch: list[TargetLine] = []
    people: dict[str, list[TargetLine]] = {}
    for t in targets:
        amount = t.tomorrow if t.days_left else t.gap
        if amount <= 0:
            continue
        line = TargetLine(t.indicator, amount, unit_of(t.indicator), t.gap, t.days_left)
        if t.subject == BRANCH_TARGET:
            branch.append(line)
        elif t.subject in invited:
            people.setdefault(t.subject, []).append(line)
    return branch, people


def follow_up_lines(
    follow_ups: list[FollowUp], not_followed: list[NotFollowed]
) -> list[FollowUpLine]:
    """Follow-ups by receiver with their 未跟进 cards (docs/口径.md#跟进提醒), the one with most
    overdue first, customers masked (张*): those due first, then the cards nobody contacted."""
    due: dict[str, list[FollowUp]] = {}
    for f in follow_ups:
        due.setdefault(f.receiver, []).append(f)
    stale: dict[str, list[NotFollowed]] = {}
    for card in not_followed:
        stale.setdefault(card.receiver, []).append(card)
    lines = []
    for name in [*due, *(n for n in stale if n not in due)]:
        rows, cards = due.get(name, []), stale.get(name, [])
        customers = [r.customer for r in rows] + [c.customer for c in cards]
        lines.append(
            FollowUpLine(
                name,
                len(rows),
                sum(r.overdue for r in rows),
                [mask_name(c) for c in customers[:FOLLOW_UP_NAMES]],
                len(customers) > FOLLOW_UP_NAMES,
                len(cards),
            )
        )
    return sorted(lines, key=lambda line: (-line.overdue, -line.not_followed))


def duty_rows(
    figures: Figures,
    targets: list[TomorrowTarget],
    duty: list[str],
    follow_ups: list[FollowUp],
) -> tuple[list[TargetLine], list[DutyRow], list[str], list[str]]:
    """The branch's targets for the day; one row for every person on duty that day with a
    target still to meet or a follow-up due (or a card nobody contacted, 未跟进), and every other
    receiver with one (docs/口径.md#夕会议程): their targets and their follow-ups, in the month's
    ranking order, receivers not on duty after them, follow-ups that name no receiver last; and
    the names of those on duty with nothing to set — every target met, then no target set at
    all — each named in one line, not a row of dashes each."""
    branch, people = target_lines(figures, targets, set(duty))
    targeted = {t.subject for t in targets}
    lines = follow_up_lines(follow_ups, figures.not_followed)
    due = {line.receiver: line for line in lines}
    rank = {p.name: p.rank or 999 for p in figures.month.people}
    on_duty_first = sorted(duty, key=lambda name: (rank.get(name, 999), name))
    rows = [
        DutyRow(name, people.get(name, []), due.get(name), True, name in targeted)
        for name in on_duty_first
    ]
    idle = [r for r in rows if not r.targets and r.follow_up is None]
    free = [r.name for r in idle if r.has_targets]
    untargeted = [r.name for r in idle if not r.has_targets]
    rows = [r for r in rows if r.targets or r.follow_up is not None]
    listed = set(duty)
    rows += [
        DutyRow(line.receiver, [], line, False, line.receiver in targeted)
        for name, line in due.items()
        if name not in listed and name
    ]
    if "" in due:
        rows.append(DutyRow("", [], due[""], False, False))
    return branch, rows, free, untargeted


def key_products_of(figures: Figures, behind: list[str]) -> list[str]:
    """The products of the indicators behind pace: what to put in front of customers."""
    products = figures.catalogue.products.items()
    return [name for name, product in products if product.indicator in behind][:4]


def tomorrow(
    book: Book,
    figures: Figures,
    behind: list[str],
    plan_actions: list[ActionLine],
    minutes: int,
    today: list[str],
) -> Tomorrow:
    """Section 4: every person on duty on the next opening day (staffing.on_duty; on the month's
    last opening day, those on duty `today`, who close the month's gaps) with their targets, and
    every receiver's follow-ups due — the table is never cut; the key products and the open
    actions fit the minutes."""
    if figures.last_opening_day:  # the gaps are today's: those on duty today close them
        duty = today
    else:
        active = [p.name for p in figures.month.people]
        duty = on_duty(book, figures.next_workday, figures.calendar) or active
    branch, people, free, untargeted = duty_rows(
        figures, figures.tomorrow, duty, figures.follow_ups
    )
    key_products = key_products_of(figures, behind)
    fixes = figures.still_open
    actions = [
        a
        for a in open_actions(book, figures.date)
        if a not in plan_actions and not _fix_action(a, fixes)
    ]
    actions, actions_out = _fit(actions, _room(minutes, bool(branch) + bool(key_products)))
    return Tomorrow(
        branch,
        people,
        key_products,
        actions,
        actions_out,
        free,
        untargeted,
        figures.last_opening_day,
    )


# ---------------------------------------------------------------- the agenda


def build(
    book: Book, figures: Figures, meeting: Meeting = DAILY, focus: Focus | None = None
) -> Agenda:
    """The agenda for D. Daily: the day's figures; weekly/monthly: the week/month to date.
    `focus` is 控制台's 夕会重点 when it names one (营销 / 服务 / 运营); else 设置's decides."""
    if meeting not in EVENING_MEETINGS:
        raise ValueError(meeting)  # the 晨会 is built by morning.build
    day = figures.date
    period = figures.period(MEETING_PERIODS[meeting]).period
    present = figures.on_duty or None  # nobody named (a closed day): everyone is invited
    # Everyone of the month still with the branch on D: who left before it is at no meeting
    # (docs/口径.md#入职和离岗), though their days still count on 排行榜.
    belongs = members(book)
    active = [
        p.name
        for p in figures.month.people
        if p.name not in belongs or belongs[p.name].belongs(day)
    ]
    attendees = list(present or active) if meeting == DAILY else active
    minutes = SECTION_MINUTES[meeting]
    errors = count_levels(figures.problems)[0]
    chosen = focus if focus in CHOSEN_FOCUSES else book.settings.meeting_focus
    section_2 = plan(book, figures, period, minutes[1], chosen)
    behind = [i.indicator for i in section_2.behind_indicators]
    return Agenda(
        branch=book.settings.branch or figures.branch,
        date=day,
        meeting=meeting,
        period=period,
        host=host_of(book, present),
        attendees=attendees,
        minutes=minutes,
        month_progress=figures.month_progress,
        tolerance=figures.settings.tolerance,
        errors=errors,
        summary=summary(book, figures, meeting, period, set(attendees)),
        plan=section_2,
        training=training(book, figures, period, behind),
        tomorrow=tomorrow(book, figures, behind, section_2.actions_due, minutes[3], attendees),
        unknown_year=figures.unknown_year,
        reopens=None if figures.is_open(figures.date) else figures.next_workday,
        names=workbook_names(book),
    )
