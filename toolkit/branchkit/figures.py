"""Every figure of docs/口径.md, from typed tables, a date D and the settings. Pure: no files,
no clock.

The flow: cards are matched to tracking rows (`matching`), sales are credited to people
(`credit`), every row is added into its day once (`_DayTotals`), and per-person figures for the
day, the week to date and the month to date are compared with prorated targets. Rankings, stars,
follow-ups and tomorrow's targets are read off those. Everything leaves as small records with
English fields; Chinese appears only where the records are shown (render/, templates).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from . import checklist
from .catalogue import Catalogue
from .checklist import ChecklistFigures, OpenFix
from .credit import Sale, sales_of
from .crosscheck import day_problems
from .matching import (
    CrossBranch,
    Matches,
    NotFollowed,
    Unverified,
    cross_branch,
    dated_on_or_before,
    match_cards,
    not_followed,
    unverified,
)
from .parse import other_branch
from .problems import Code, Level, Problem
from .read import Book
from .schema import BRANCH_TARGET, CARRIED_MARK, REFERRAL_INDICATORS
from .settings import Settings
from .staffing import Member, branch_calendar, members, on_duty
from .vocab import (
    AHEAD,
    ASSISTANTS,
    BEHIND,
    DAY,
    MONTH,
    ON_PACE,
    PERIOD_KINDS,
    ROLE_GROUPS,
    SERVICE,
    WEEK,
    Pace,
    PeriodKind,
    RoleGroup,
    Unit,
    role_group,
)
from .workdays import BranchCalendar, Period, month_bounds, year_known

REFERRALS, SUCCESSES = REFERRAL_INDICATORS
WAN_YUAN = Unit.WAN_YUAN  # the unit the money figures (记分业绩, 协作营销占比) are counted in


def status_of(completion: float | None, progress: float, tolerance: float) -> Pace | None:
    """Completion against time progress, within the tolerance; None without a completion (no
    target: no status, never a division error)."""
    return None if completion is None else _pace(completion, progress, tolerance)


def _pace(completion: float, progress: float, tolerance: float) -> Pace:
    gap = completion - progress
    if gap > tolerance + 1e-12:
        return AHEAD
    if gap < -tolerance - 1e-12:
        return BEHIND
    return ON_PACE


def competition_ranks(values: Iterable[float | None]) -> list[int | None]:
    """1, 2, 2, 4: equal values share a rank, the next rank skips; None is unranked."""
    values = list(values)
    keyed = sorted((round(v, 9) for v in values if v is not None), reverse=True)
    first_place: dict[float, int] = {}
    for place, value in enumerate(keyed, start=1):
        first_place.setdefault(value, place)
    return [None if v is None else first_place[round(v, 9)] for v in values]


def ranking_score(
    completion: Mapping[str, float],
    cap: float | None,
    raw: Iterable[str] = (REFERRALS,),
    weights: Mapping[str, float] | None = None,
) -> float | None:
    """综合得分, the one composite (docs/口径.md#综合得分): the mean of each completion capped
    at 完成率上限, weighted by 目标 权重 (the branch's 考核积分; 1 where none is given), leaving
    out the raw counts — 转介数, and the checklist's quantities such as 外呼户数, which say nothing
    of quality — unless they are all the indicators with a target. `cap` None: the same mean
    uncapped, which breaks a tie at the cap between stars."""
    raw = set(raw)
    weights = weights or {}
    counted = [k for k in completion if k not in raw] or list(completion)
    total = sum(weights.get(k, 1.0) for k in counted)
    if not total:
        return None
    capped = (completion[k] if cap is None else min(completion[k], cap) for k in counted)
    return sum(weights.get(k, 1.0) * v for k, v in zip(counted, capped, strict=True)) / total


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


# ---------------------------------------------------------------- records


@dataclass
class PersonFigures:
    """One person's (or, named 网点, the branch's) figures for one period."""

    name: str
    role: str
    referrals: int = 0  # cards made in the period
    followed: int = 0  # of those, with a tracking row
    successes: int = 0  # of those, closed
    on_site: int = 0
    closed_on_site: int = 0
    referred_amount: float = 0.0  # 万元 achieved from their cards
    own_sales: int = 0  # 自主销售 from 每日数据
    credited: dict[str, float] = field(default_factory=dict)
    targets: dict[str, float] = field(default_factory=dict)  # monthly
    completion: dict[str, float] = field(default_factory=dict)
    status: dict[str, Pace] = field(default_factory=dict)  # indicator -> its pace
    overall: float | None = None  # 综合完成率: the plain mean of completion
    overall_status: Pace | None = None  # the pace of the composite: the word beside `score`
    score: float | None = None  # 综合得分 (排名得分): ranks people, picks the stars (ranking_score)
    uncapped: float | None = None  # the same mean without 完成率上限: breaks a tie at the cap
    weights: dict[str, float] = field(default_factory=dict)  # 目标 权重 given (others count 1)
    rank: int | None = None
    group: RoleGroup | None = None  # None: a role ranked only overall
    primary: float | None = None  # the group's ranking figure
    group_rank: int | None = None
    money: float = 0.0  # credited amount over indicators counted in 万元 (units never mixed)
    measured: dict[str, float] = field(default_factory=dict)  # checklist quantities (计量)
    # The part of the monthly targets that falls in the period, on the person's own days
    # (docs/口径.md#入职和离岗): what completion divides by.
    period_targets: dict[str, float] = field(default_factory=dict)
    # The time progress the person is paced against: the month's, on their own days; 1.0 for the
    # day and the week, whose targets are already prorated.
    time_progress: float = 1.0

    @property
    def success_rate(self) -> float | None:
        return _ratio(self.successes, self.referrals)

    def actual(self, indicator: str) -> float:
        if indicator == REFERRALS:
            return float(self.referrals)
        if indicator == SUCCESSES:
            return float(self.successes)
        if indicator in self.measured:
            return self.measured[indicator]
        return self.credited.get(indicator, 0.0)


@dataclass(frozen=True)
class ReferrerQuality:
    name: str
    role: str
    referrals: int
    followed: int
    follow_rate: float | None
    successes: int
    success_rate: float | None
    on_site_rate: float | None
    closed_on_site_rate: float | None
    amount: float  # 万元 achieved from their cards


@dataclass(frozen=True)
class ReceiverQuality:
    name: str
    received: int
    followed: int
    closed: int
    conversion: float | None
    first_contact_days: float | None  # average; None where no row says (never a fake 0)


@dataclass(frozen=True)
class FollowUp:
    """A tracking row whose 建议下次联系时间 is due by the next work day (docs/口径.md#跟进提醒)."""

    receiver: str
    customer: str
    phone: str
    due: dt.date
    overdue: bool
    days_overdue: int
    product: str
    note: str
    row: int


@dataclass(frozen=True)
class TomorrowTarget:
    subject: str  # a name, or 网点
    indicator: str
    target: float  # monthly
    actual: float  # month to date
    gap: float  # what the month still needs (whole for counts)
    days_left: int  # the days the branch still opens this month after D (0: D is its last)
    tomorrow: float  # gap ÷ days left, never negative (whole, rounded up, for counts); 0 on the
    # month's last opening day, which has no tomorrow in this month: the gap is today's


@dataclass
class PeriodFigures:
    """The figures of one period: the day, the week to date or the month to date."""

    kind: PeriodKind
    period: Period
    time_progress: float  # of the period's target (1.0 for day and week: targets are prorated)
    people: list[PersonFigures]
    branch: PersonFigures
    ledger: list[Sale]
    referrers: list[ReferrerQuality]
    receivers: list[ReceiverQuality]
    collaboration_share: float | None  # share of sales amount (万元) that came through referrals
    checklist: ChecklistFigures = field(default_factory=ChecklistFigures)

    def totals_by_unit(self) -> dict[Unit | str, tuple[float, float]]:
        """unit -> (sold, credited) over the period's sales: 万元 are never added to 张 or 户.
        Sales of products not in 产品 (unit '') are credited to nobody."""
        totals: dict[Unit | str, tuple[float, float]] = {}
        for s in self.ledger:
            sold, credited = totals.get(s.unit, (0.0, 0.0))
            totals[s.unit] = (
                sold + s.amount,
                credited + (s.referrer_credit or 0.0) + (s.receiver_credit or 0.0),
            )
        return totals


@dataclass
class Figures:
    """Everything computed for D: three periods and what is shared between them."""

    branch: str
    date: dt.date
    settings: Settings
    catalogue: Catalogue
    month_progress: float
    periods: dict[PeriodKind, PeriodFigures]
    stars: dict[PeriodKind, list[str]]  # names
    follow_ups: list[FollowUp]
    not_followed: list[NotFollowed]
    unverified: list[Unverified]
    tomorrow: list[TomorrowTarget]
    problems: list[Problem]
    next_workday: dt.date
    sold_by_day: dict[tuple[dt.date, str], float]  # (date, indicator) -> the branch's sales
    cards_by_day: dict[dt.date, int]  # referral cards made
    # The checklist (docs/口径.md#管理清单): its items, and the problems found and not closed on D.
    checklist_items: list[checklist.Item] = field(default_factory=list)
    open_fixes: list[OpenFix] = field(default_factory=list)
    # When the branch opens (docs/口径.md#营业日): 工作日历, 每日概况, 营业日, statutory calendar.
    calendar: BranchCalendar = field(default_factory=BranchCalendar)
    # The morning meeting's targets for D itself: what the month still needs over the days
    # from D to its end, D included (docs/口径.md#晨会).
    targets_today: list[TomorrowTarget] = field(default_factory=list)
    # Those who shared the stars' 综合得分 and lost on the uncapped mean (docs/口径.md#之星).
    star_ties: dict[PeriodKind, list[str]] = field(default_factory=dict)
    # D is the month's last opening day (or later): no tomorrow in this month, the gaps are
    # today's (docs/口径.md#明日目标).
    last_opening_day: bool = False
    # A year of D the holiday library does not know, with nothing in 工作日历 for D's month
    # (docs/口径.md#节假日库不知道的年份); None otherwise.
    unknown_year: int | None = None
    # Referrals to or from another branch (网点·姓名), listed apart (docs/口径.md#跨网点转介).
    cross_branch: list[CrossBranch] = field(default_factory=list)
    # Every sale of this workbook through D, whatever period it falls in (the ledgers are slices
    # of it): what fill tells each card's referrer (docs/口径.md#转介成功).
    sales: list[Sale] = field(default_factory=list)
    on_duty: list[str] = field(default_factory=list)  # D's people on duty (staffing.on_duty)

    def is_open(self, day: dt.date) -> bool:
        return self.calendar.is_open(day)

    @property
    def still_open(self) -> list[OpenFix]:
        """发现问题 still open on D: no 整改措施, or its 整改期限 passed (docs/口径.md#未整改)."""
        return [f for f in self.open_fixes if f.still_open]

    def period(self, kind: PeriodKind) -> PeriodFigures:
        return self.periods[kind]

    def leaders_without_result(self, kind: PeriodKind) -> list[str]:
        """Those ranked #1 for the period who are not its star: no sale credited and no referral
        closed in it, so nothing to praise yet (docs/口径.md#之星)."""
        return sorted(
            p.name
            for p in self.periods[kind].people
            if p.rank == 1 and not has_result(p) and p.name not in self.stars[kind]
        )

    @property
    def month(self) -> PeriodFigures:
        return self.periods[MONTH]

    @property
    def week(self) -> PeriodFigures:
        return self.periods[WEEK]

    @property
    def today(self) -> PeriodFigures:
        return self.periods[DAY]


# ---------------------------------------------------------------- each row into its day, once


@dataclass(slots=True)
class _CardsOfDay:
    """One referrer's cards of one day, and what came of them."""

    made: int = 0
    followed: int = 0
    won: int = 0
    won_on_site: int = 0
    amount: float = 0.0  # 万元 achieved
    on_site: int = 0


@dataclass
class _DayTotals:
    """Each input row added into its day once; a period's figures add up its days. Day, week and
    month then cost one pass over a parent branch's 150,000 rows instead of three."""

    cards: dict[tuple[dt.date, str], _CardsOfDay] = field(default_factory=dict)  # by referrer
    # (date, person, indicator) -> credited amount
    credited: dict[tuple[dt.date, str, str], float] = field(default_factory=dict)
    # (date, indicator) -> the branch's sales
    sold: dict[tuple[dt.date, str], float] = field(default_factory=dict)
    own_sales: dict[tuple[dt.date, str], int] = field(default_factory=dict)  # 每日数据 自主销售
    # (date, receiver) -> [cards received, followed, closed, first-contact days summed, cards
    # with a first-contact date]
    received: dict[tuple[dt.date, str], list[int]] = field(default_factory=dict)
    money: dict[dt.date, list[float]] = field(default_factory=dict)  # [万元 sold, of it referred]
    # (date, 责任人, 计量) -> the checklist quantities each person recorded
    measured: dict[tuple[dt.date, str, str], float] = field(default_factory=dict)

    def within(self, first: dt.date, last: dt.date) -> _DayTotals:
        """Only the days first..last: a workbook's own month (docs/口径.md#上月结转)."""

        def kept(table: dict) -> dict:  # type: ignore[type-arg]
            return {
                k: v
                for k, v in table.items()
                if first <= (k[0] if isinstance(k, tuple) else k) <= last
            }

        return _DayTotals(
            kept(self.cards),
            kept(self.credited),
            kept(self.sold),
            kept(self.own_sales),
            kept(self.received),
            kept(self.money),
            kept(self.measured),
        )

    def joined(self, other: _DayTotals) -> _DayTotals:
        """Both workbooks' days, which never overlap (each keeps its own month)."""
        return _DayTotals(
            {**self.cards, **other.cards},
            {**self.credited, **other.credited},
            {**self.sold, **other.sold},
            {**self.own_sales, **other.own_sales},
            {**self.received, **other.received},
            {**self.money, **other.money},
            {**self.measured, **other.measured},
        )


def _first_contacts(book: Book) -> dict[int, dt.date]:
    """Each 追踪表 row's 首次联系日期, where it has one."""
    return {
        row: date
        for row, date in book.tracking.zip("row", "first_contact")
        if isinstance(date, dt.date)
    }


def _sale_money(sales: list[Sale]) -> dict[int, tuple[float, bool]]:
    """What each sale row brings its card: 万元 achieved, and whether it closed on site."""
    return {s.row: (s.amount if s.unit is WAN_YUAN else 0.0, s.closed_on_site) for s in sales}


def _day_totals(
    book: Book,
    sales: list[Sale],
    matches: Matches,
    answered_later: Mapping[int, _Answer] | None = None,
) -> _DayTotals:
    """One pass over cards, one over sales, one over daily activity (a parent branch's month:
    50,000 cards and 70,000 sales, so the loops bind what they use to local names).
    `answered_later`: this workbook's cards that next month's workbook answers
    (`_answered_next_month`)."""
    later = answered_later or {}
    totals = _DayTotals()
    first_contact = _first_contacts(book)
    sale_money = _sale_money(sales)
    card_to_rows = matches.card_to_rows
    contacted = matches.contacted_cards
    cards, received = totals.cards, totals.received
    # Receivers of another branch (网点·姓名): theirs to count, not ours.
    theirs = {name for name in set(book.referrals["receiver"]) if other_branch(name)}
    date_type = dt.date
    for row, date, referrer, receiver, on_site in book.referrals.zip(
        "row", "date", "referrer", "receiver", "on_site"
    ):
        if not isinstance(date, date_type):
            continue
        rows = card_to_rows.get(row)
        won = [sale_money[r] for r in rows if r in sale_money] if rows else None
        answer = later.get(row)
        followed = row in contacted or answer is not None
        if answer is not None and not won:
            won = answer.won
        if referrer:
            made = cards.get((date, referrer))
            if made is None:
                made = cards[(date, referrer)] = _CardsOfDay()
            made.made += 1
            made.on_site += bool(on_site)
            made.followed += followed
            if won:
                made.won += 1
                made.won_on_site += any(closed for _, closed in won)
                made.amount += sum(money for money, _ in won)
        if receiver and receiver not in theirs:
            got = received.get((date, receiver))
            if got is None:
                got = received[(date, receiver)] = [0, 0, 0, 0, 0]
            got[0] += 1
            got[1] += followed
            got[2] += bool(won)
            reached = [first_contact[r] for r in rows if r in first_contact] if rows else []
            if not reached and answer is not None and answer.first_contact:
                reached = [answer.first_contact]
            if reached:
                got[3] += (min(reached) - date).days
                got[4] += 1
    credited, sold, money_of = totals.credited, totals.sold, totals.money
    for (
        date,
        _row,
        _customer,
        _phone,
        _product,
        indicator,
        unit,
        amount,
        _kind,
        referrer,
        referrer_credit,
        receiver,
        receiver_credit,
        _on_site,
    ) in sales:
        if indicator:
            key = (date, indicator)
            sold[key] = sold.get(key, 0.0) + amount
            if referrer_credit is not None:
                person_key = (date, referrer, indicator)
                credited[person_key] = credited.get(person_key, 0.0) + referrer_credit
            if receiver_credit is not None:
                person_key = (date, receiver, indicator)
                credited[person_key] = credited.get(person_key, 0.0) + receiver_credit
        if unit is WAN_YUAN:
            money = money_of.get(date)
            if money is None:
                money = money_of[date] = [0.0, 0.0]
            money[0] += amount
            if referrer:
                money[1] += amount
    own_sales = totals.own_sales
    for date, name, own in book.daily.zip("date", "name", "own_sales"):
        if isinstance(date, date_type) and name and isinstance(own, (int, float)):
            own_sales[(date, name)] = own_sales.get((date, name), 0) + int(own)
    return totals


# ---------------------------------------------------------------- per person


BRANCH = Member(BRANCH_TARGET, BRANCH_TARGET)  # the whole branch: every day of the month


@dataclass
class _Month:
    """One workbook's month as the figures see it: its days, targets, calendar and people. The
    weekly of a week that began last month reads last month's workbook as a second one."""

    first: dt.date
    last: dt.date
    targets: dict[str, dict[str, float]]
    calendar: BranchCalendar
    members: dict[str, Member]
    weights: dict[str, dict[str, float]] = field(default_factory=dict)  # 目标 权重 where given

    def member(self, name: str) -> Member | None:
        return BRANCH if name == BRANCH_TARGET else self.members.get(name)


@dataclass
class _Context:
    day_totals: _DayTotals
    months: list[_Month]  # in date order: this workbook's month last
    catalogue: Catalogue
    settings: Settings
    on_duty: frozenset[str]  # D's people on duty: the only ones the day's ranking ranks


def _month_of(book: Book, first: dt.date, calendar: BranchCalendar) -> _Month:
    targets, weights = _targets(book)
    return _Month(first, month_bounds(first)[1], targets, calendar, members(book), weights)


def _targets(book: Book) -> tuple[dict[str, dict[str, float]], dict[str, dict[str, float]]]:
    """目标: each subject's monthly targets, and the 权重 given (a positive number; any other
    counts as 1, with a warning from the cross-checks)."""
    targets: dict[str, dict[str, float]] = {}
    weights: dict[str, dict[str, float]] = {}
    for subject, indicator, value, weight in book.targets.zip(
        "subject", "indicator", "target", "weight"
    ):
        if (
            subject
            and indicator
            and isinstance(value, float)
            and math.isfinite(value)
            and value > 0
        ):
            targets.setdefault(subject, {})[indicator] = value
            if isinstance(weight, float) and math.isfinite(weight) and weight > 0:
                weights.setdefault(subject, {})[indicator] = weight
    return targets, weights


def _paced(
    name: str, period: Period, context: _Context
) -> tuple[dict[str, float], dict[str, float], float]:
    """(monthly targets, the period's part of them, time progress) of one person or the branch,
    on the days they belong to the branch (docs/口径.md#入职和离岗).

    The month's part of a monthly target is all of it; a day's or a week's is its share of the
    person's own days of the month, counted like 时间进度, in each month the period touches. The
    month is paced on their own days too: a new hire's first day expects nothing yet, so nobody
    is behind on the day they start."""
    basis = context.settings.progress_basis
    monthly: dict[str, float] = {}
    due: dict[str, float] = {}
    progress = 1.0
    for month in context.months:
        member = month.member(name)
        own = member.own_days(month.first, month.last) if member else None
        start, end = max(period.start, month.first), min(period.end, month.last)
        if member is None or own is None or start > end:
            continue
        targets = month.targets.get(name, {})
        monthly = targets or monthly
        total = month.calendar.days(*own, basis)
        if period.kind is MONTH:
            share = 1.0
            elapsed = month.calendar.days(own[0], min(period.end, own[1]), basis)
            if member.joined_on is not None and member.joined_on == period.end > month.first:
                elapsed = 0  # their first day
            progress = elapsed / total if total else 1.0
        else:
            inside = month.calendar.days(max(start, own[0]), min(end, own[1]), basis)
            share = inside / total if total else 0.0
        for indicator, target in targets.items():
            due[indicator] = due.get(indicator, 0.0) + target * share
    return monthly, due, progress


def _person_figures(period: Period, context: _Context) -> tuple[list[PersonFigures], PersonFigures]:
    days = period.days
    settings = context.settings
    people: dict[str, PersonFigures] = {}
    for month in reversed(context.months):  # this month's roster first: its roles hold
        start, end = max(period.start, month.first), min(period.end, month.last)
        for member in month.members.values():
            if member.name not in people and start <= end and member.own_days(start, end):
                people[member.name] = PersonFigures(member.name, member.role)
    branch = PersonFigures(BRANCH_TARGET, BRANCH_TARGET)

    totals = context.day_totals
    for (date, referrer), cards in totals.cards.items():
        if date not in days:
            continue
        # A card of another branch's person (网点·姓名) is that branch's referral, not ours.
        ours = branch if not other_branch(referrer) else None
        for who in (people.get(referrer), ours):
            if who is None:
                continue
            who.referrals += cards.made
            who.followed += cards.followed
            who.successes += cards.won
            who.closed_on_site += cards.won_on_site
            who.referred_amount += cards.amount
            who.on_site += cards.on_site
    for (date, name, indicator), amount in totals.credited.items():
        person = people.get(name)
        if date in days and person is not None:
            person.credited[indicator] = person.credited.get(indicator, 0.0) + amount
    for (date, indicator), amount in totals.sold.items():
        if date in days:
            branch.credited[indicator] = branch.credited.get(indicator, 0.0) + amount
    for (date, name), own in totals.own_sales.items():
        if date in days and name in people:
            people[name].own_sales += own
    for (date, name, measure), quantity in totals.measured.items():
        if date in days:
            for who in (people.get(name), branch):
                if who is not None:
                    who.measured[measure] = who.measured.get(measure, 0.0) + quantity
    raw_counts = (REFERRALS, *context.catalogue.measures)

    # The day's ranking ranks only those on duty (docs/口径.md#当班人员): someone off that day
    # is ranked for the week and the month, never "joint 4th" on a day they were not there.
    judged = [p for p in people.values() if period.kind is not DAY or p.name in context.on_duty]
    for person in [*judged, branch]:
        person.targets, person.period_targets, person.time_progress = _paced(
            person.name, period, context
        )
        person.weights = dict(context.months[-1].weights.get(person.name, {}))
        judge(person, settings, raw_counts)
    for person in [*people.values(), branch]:
        person.money = sum(
            v for k, v in person.credited.items() if context.catalogue.measured_in(k) is WAN_YUAN
        )
    ranked = [p for p in judged if p.score is not None]
    for person, rank in zip(ranked, competition_ranks(p.score for p in ranked), strict=True):
        person.rank = rank
    for group in ROLE_GROUPS:
        grouped = [p for p in judged if role_group(p.role) == group]
        for person in grouped:
            person.group = group
            person.primary = _primary(person, group)
        for person, rank in zip(
            grouped, competition_ranks(p.primary for p in grouped), strict=True
        ):
            person.group_rank = rank
    return list(people.values()), branch


def judge(person: PersonFigures, settings: Settings, raw_counts: Iterable[str]) -> None:
    """Completion, pace, 综合完成率 and 排名得分 from the person's actuals, period targets and time
    progress (docs/口径.md#完成率, docs/口径.md#排名得分); again after credit is added, as the
    rollup does for a cross-branch referral. `raw_counts`: 转介数 and the checklist's quantities."""
    raw_counts = tuple(raw_counts)
    person.completion, person.status = {}, {}
    person.overall = person.score = person.uncapped = person.overall_status = None
    progress = person.time_progress
    for indicator, target in person.period_targets.items():
        if target <= 0:
            continue
        completion = person.actual(indicator) / target
        person.completion[indicator] = completion
        person.status[indicator] = _pace(completion, progress, settings.tolerance)
    if person.completion:
        person.overall = sum(person.completion.values()) / len(person.completion)
        weighed = (raw_counts, person.weights)
        person.score = ranking_score(person.completion, settings.rank_cap, *weighed)
        person.uncapped = ranking_score(person.completion, None, *weighed)
        # The pace shown beside the composite is the composite's own (docs/口径.md#综合得分): a
        # pile of raw referrals (转介数, and the checklist's quantities) must not make someone
        # look ahead of pace while what they close lags, and a number never sits beside another
        # figure's word.
        person.overall_status = status_of(person.score, progress, settings.tolerance)


def _primary(person: PersonFigures, group: RoleGroup) -> float:
    """Each role's primary indicator (docs/口径.md#排名)."""
    if group == ASSISTANTS:
        return float(person.successes)
    if group == SERVICE:
        return float(person.own_sales + person.referrals)
    return person.money


# ---------------------------------------------------------------- the whole computation


@dataclass
class _Inputs:
    """One workbook's rows as the figures use them: matched, credited, added into their days."""

    matches: Matches
    sales: list[Sale]
    totals: _DayTotals
    items: list[checklist.Item]
    records: list[checklist.Entry]
    cards_by_day: dict[dt.date, int]


def _inputs(
    book: Book, day: dt.date, answered_later: Mapping[int, _Answer] | None = None
) -> _Inputs:
    settings = book.settings
    matches = match_cards(book.referrals, book.tracking, day, settings.match_days)
    sales = sales_of(book.tracking, book.catalogue, matches, day, settings)
    totals = _day_totals(book, sales, matches, answered_later)
    items = checklist.items(book.checklist_items)
    records = checklist.entries(book.checklist, items, day)
    totals.measured = checklist.quantities_by_day(records, items)
    return _Inputs(matches, sales, totals, items, records, _cards_by_day(book))


@dataclass(frozen=True)
class _Answer:
    """What this month's workbook records on a card of last month's it carried."""

    first_contact: dt.date | None  # the earliest 首次联系日期 given, if any
    won: list[tuple[float, bool]]  # each sale on it: 万元, and whether it closed on site


def _answered_next_month(previous: Book, book: Book, here: _Inputs) -> dict[int, _Answer]:
    """Last month's cards (rows of `previous`) that this month's workbook answers: `init --from`
    carried them unanswered (〔上月结转〕, with their 转介编号 and date), and rows of this month's
    追踪表 answer the carried card — a contact, a sale. A week across the month end counts
    them followed up, and won (docs/口径.md#上月结转)."""
    matches = here.matches
    contacted = matches.contacted_cards
    if not contacted:
        return {}
    first_contact = _first_contacts(book)
    sale_money = _sale_money(here.sales)
    answered: dict[object, _Answer] = {}
    for row, rid, date, customer, referrer, reason in book.referrals.zip(
        "row", "referral_id", "date", "customer", "referrer", "reason"
    ):
        if row in contacted and CARRIED_MARK in (reason or ""):
            rows = matches.card_to_rows.get(row, [])
            answer = _Answer(
                min((first_contact[r] for r in rows if r in first_contact), default=None),
                [sale_money[r] for r in rows if r in sale_money],
            )
            keys = _card_keys(rid, date, customer, referrer, numbered=True)
            answered.update(dict.fromkeys(keys, answer))
    if not answered:
        return {}
    found: dict[int, _Answer] = {}
    for row, *card in previous.referrals.zip("row", "referral_id", "date", "customer", "referrer"):
        known = next((answered[k] for k in _card_keys(*card) if k in answered), None)
        if known is not None:
            found[row] = known
    return found


def _card_keys(
    rid: object, date: object, customer: object, referrer: object, numbered: bool = False
) -> list[object]:
    """How a card of last month is found among this month's carried cards: by its 转介编号 when
    it has one (a twin of the same day, customer and referrer is another card), else by its date,
    customer and referrer — `init --from` numbers a card it carries without one, so this month's
    carried cards (`numbered`) are known both ways."""
    keys: list[object] = [("id", rid)] if rid else []
    if (numbered or not rid) and isinstance(date, dt.date) and customer:
        keys.append(("card", date, customer, referrer))
    return keys


def _joined(before: _Inputs, after: _Inputs, first: dt.date) -> _Inputs:
    """Last month's workbook's days and this one's, each workbook its own month: the rows this
    workbook carries from last month (〔上月结转〕) are last month's facts, counted there, never
    twice (docs/口径.md#上月结转)."""
    earlier = month_bounds(first - dt.timedelta(days=1))
    return _Inputs(
        after.matches,
        [s for s in before.sales if s.date >= earlier[0]]
        + [s for s in after.sales if s.date >= first],
        before.totals.within(*earlier).joined(after.totals.within(first, dt.date.max)),
        after.items,
        [r for r in before.records if earlier[0] <= r.date <= earlier[1]]
        + [r for r in after.records if r.date >= first],
        {d: n for d, n in before.cards_by_day.items() if earlier[0] <= d <= earlier[1]}
        | {d: n for d, n in after.cards_by_day.items() if d >= first},
    )


def compute(
    book: Book, day: dt.date, previous: Book | None = None, league: bool = False
) -> Figures:
    """Day, week and month figures from one pass over sales, credits and card matching.

    A workbook holds its own month, so the week to date starts on the month's first day at the
    earliest — unless `previous`, last month's workbook of the same branch, is given: then a
    week that began last month reads those days from it (the weekly workbook does).

    `league`: only what a parent branch's rollup compares — each period's people and branch,
    collaboration share and checklist completion, and the problems. The ledger, the quality
    tables, the checklist's detail, follow-ups and tomorrow's targets are left empty: a rollup
    of thousands of workbooks would build them for nothing."""
    settings = book.settings
    calendar = branch_calendar(book)
    first, last = month_bounds(day)
    here = _inputs(book, day)
    month = _month_of(book, first, calendar)
    months, used, since = [month], here, first
    if previous is not None:
        earlier = month_bounds(first - dt.timedelta(days=1))
        before = _month_of(previous, earlier[0], branch_calendar(previous))
        months = [before, month]
        later = _answered_next_month(previous, book, here)
        used = _joined(_inputs(previous, earlier[1], later), here, first)
        since = earlier[0]
        calendar = BranchCalendar(
            {**before.calendar.overrides, **calendar.overrides},
            {**before.calendar.staffing, **calendar.staffing},
            calendar.weekdays,
        )
    present = on_duty(book, day, calendar)
    context = _Context(used.totals, months, book.catalogue, settings, frozenset(present))
    totals = used.totals
    periods: dict[PeriodKind, PeriodFigures] = {}
    for kind in PERIOD_KINDS:
        period = Period.of(kind, day, since)
        people, branch = _person_figures(period, context)
        periods[kind] = PeriodFigures(
            kind=kind,
            period=period,
            time_progress=branch.time_progress,
            people=people,
            branch=branch,
            ledger=[] if league else [s for s in used.sales if s.date in period.days],
            referrers=[] if league else _referrer_quality(people),
            receivers=[] if league else _receiver_quality(totals, period),
            collaboration_share=_collaboration_share(totals, period),
            checklist=checklist.completion(used.records, period)
            if league
            else checklist.tally(used.records, used.items, period),
        )
    if league:
        return _league_figures(book, day, periods)
    month_figures = periods[MONTH]
    stars = {kind: _stars(periods[kind].people) for kind in PERIOD_KINDS}
    horizon = calendar.next_open(day)
    return Figures(
        branch=settings.branch,
        date=day,
        settings=settings,
        catalogue=book.catalogue,
        month_progress=month_figures.time_progress,
        periods=periods,
        stars={kind: stars[kind][0] for kind in PERIOD_KINDS},
        star_ties={kind: stars[kind][1] for kind in PERIOD_KINDS},
        follow_ups=_follow_ups(book, day, horizon),
        not_followed=not_followed(book.referrals, here.matches, day, settings.stale_days),
        unverified=unverified(
            book.tracking,
            _sheets(book)[1],
            here.matches,
            day,
            first,
            book.referrals,
            settings.match_days,
        ),
        tomorrow=_tomorrow(month_figures, day, month, book.catalogue),
        targets_today=_tomorrow(month_figures, day, month, book.catalogue, periods[DAY]),
        problems=_problems(book, day),
        next_workday=horizon,
        sold_by_day=totals.sold,
        cards_by_day=used.cards_by_day,
        checklist_items=here.items,
        open_fixes=checklist.open_fixes(here.records, book.actions, day),
        calendar=calendar,
        last_opening_day=calendar.open_days(day + dt.timedelta(days=1), last) == 0,
        unknown_year=_unknown_year(book, day),
        cross_branch=cross_branch(book.referrals, book.tracking, _sheets(book), day, first),
        on_duty=present,
        sales=here.sales,
    )


def _league_figures(book: Book, day: dt.date, periods: dict[PeriodKind, PeriodFigures]) -> Figures:
    """`compute(league=True)`: the periods and the problems, nothing for the agenda."""
    return Figures(
        branch=book.settings.branch,
        date=day,
        settings=book.settings,
        catalogue=book.catalogue,
        month_progress=periods[MONTH].time_progress,
        periods=periods,
        stars={},
        follow_ups=[],
        not_followed=[],
        unverified=[],
        tomorrow=[],
        problems=_problems(book, day),
        next_workday=day,
        sold_by_day={},
        cards_by_day={},
    )


def _problems(book: Book, day: dt.date) -> list[Problem]:
    """The workbook's problems and those of D: the day's rows, then the month's."""
    return [*book.problems, *day_problems(book, day), *month_problems(book, day)]


def month_problems(book: Book, day: dt.date) -> list[Problem]:
    """What is wrong with the month D is in, beyond single cells: a year the holiday library
    does not know, sales dated before the month. `validate` says them too, with or without D."""
    first, last = month_bounds(day)
    return [
        *_calendar_problems(book, day),
        *_cards_outside_month(book, first, last),
        *_sales_outside_month(book, first, last),
    ]


def _cards_outside_month(book: Book, first: dt.date, last: dt.date) -> list[Problem]:
    """A card dated outside the month is in no period here, so it counts for no one's 转介数:
    said at its date cell (usually a typed year or month) so it is not lost without anyone
    knowing. A card carried from last month (〔上月结转〕) is last month's on purpose."""
    sheet = book.sheet_name("referrals")
    return [
        Problem(
            Code.CARD_OUTSIDE_MONTH,
            sheet,
            book.cell("referrals", "date", row),
            {"date": date, "first": first, "last": last},
            level=Level.WARNING,
        )
        for row, date, reason in book.referrals.zip("row", "date", "reason")
        if isinstance(date, dt.date)
        and not first <= date <= last
        and CARRIED_MARK not in (reason or "")
    ]


def _sheets(book: Book) -> tuple[str, str]:
    return book.sheet_name("referrals"), book.sheet_name("tracking")


def _unknown_year(book: Book, day: dt.date) -> int | None:
    """D's year when the holiday library does not know it and 工作日历 says nothing of D's
    month: the figures then count on 营业日 alone (docs/口径.md#节假日库不知道的年份). One row of
    工作日历 in the month is the branch's own word for it, and the warning goes."""
    if year_known(day.year):
        return None
    first, last = month_bounds(day)
    typed = (d for d in book.work_calendar["date"] if isinstance(d, dt.date))
    return None if any(first <= d <= last for d in typed) else day.year


def _calendar_problems(book: Book, day: dt.date) -> list[Problem]:
    year = _unknown_year(book, day)
    if year is None:
        return []
    sheet = book.sheet_name("work_calendar")
    return [Problem(Code.HOLIDAYS_UNKNOWN, sheet, "", {"year": year}, level=Level.WARNING)]


def _sales_outside_month(book: Book, first: dt.date, last: dt.date) -> list[Problem]:
    """A sale counts on its 达成日期, or on its 推荐时间 when it has none (docs/口径.md#业绩记分).
    A row of this month's workbook whose day is before the month is in no period here: the card
    still counts as 转介成功, but the amount is credited to no one; one dated after the month
    (2027-11-08 for 2026-11-08) counts nowhere at all. Said, at the 达成日期 cell, so
    the sale is not lost without anyone knowing — usually a typed year or month. A row carried
    from last month (〔上月结转〕) with a 达成日期 of last month is last month's sale
    (docs/口径.md#上月结转); a sale on it without one was typed this month (`init --from` dates
    the sales it carries) or carried by an older `init`, and is said asking which."""
    problems = []
    for row, product, amount, closed, referred, note in book.tracking.zip(
        "row", "product", "amount", "closed_on", "referred_on", "note"
    ):
        if not (product and amount and amount > 0):
            continue
        if isinstance(closed, dt.date):
            if first <= closed <= last or (closed < first and CARRIED_MARK in (note or "")):
                continue
            code = Code.SALE_CLOSED_BEFORE_MONTH if closed < first else Code.SALE_CLOSED_AFTER_MONTH
            args = {"closed": closed, "first": first, "last": last}
        elif isinstance(referred, dt.date) and referred < first:
            # On a carried row, last month's sale (carried by an older `init`, which wrote no
            # date) or this month's: the message asks which, never just for "a date".
            carried = CARRIED_MARK in (note or "")
            code = Code.CARRIED_SALE_UNDATED if carried else Code.SALE_DATED_LAST_MONTH
            args = {"referred": referred, "first": first}
        else:
            continue
        cell = book.cell("tracking", "closed_on", row)
        problems.append(Problem(code, book.sheet_name("tracking"), cell, args, level=Level.WARNING))
    return problems


def _cards_by_day(book: Book) -> dict[dt.date, int]:
    counts: dict[dt.date, int] = {}
    for date in book.referrals["date"]:
        if isinstance(date, dt.date):
            counts[date] = counts.get(date, 0) + 1
    return counts


@dataclass(frozen=True)
class Trend:
    """Sales per indicator and cards made, span by span (a week's days, a month's weeks)."""

    spans: list[tuple[dt.date, dt.date]]
    sales: dict[str, list[float]]  # indicator -> one value per span (indicators sold in them)
    cards: list[int]


def trend(figures: Figures, spans: list[tuple[dt.date, dt.date]]) -> Trend:
    def in_span(date: dt.date) -> int | None:
        return next((i for i, (start, end) in enumerate(spans) if start <= date <= end), None)

    sales: dict[str, list[float]] = {}
    for (date, indicator), amount in sorted(figures.sold_by_day.items()):
        i = in_span(date)
        if i is not None and date <= figures.date:
            sales.setdefault(indicator, [0.0] * len(spans))[i] += amount
    cards = [0] * len(spans)
    for date, count in figures.cards_by_day.items():
        i = in_span(date)
        if i is not None:
            cards[i] += count
    order = {indicator: n for n, indicator in enumerate(figures.catalogue.indicator_units)}
    ranked = sorted(sales.items(), key=lambda item: order.get(item[0], len(order)))
    return Trend(spans, dict(ranked), cards)


def has_result(person: PersonFigures) -> bool:
    """A sale credited or a referral that closed in the period: what a star needs
    (docs/口径.md#之星)."""
    return person.successes > 0 or any(v > 0 for v in person.credited.values())


def _stars(people: list[PersonFigures]) -> tuple[list[str], list[str]]:
    """The best 综合得分 among people with a result: quality, never a pile of raw referrals
    (docs/口径.md#之星). Several at the same score — everyone at the cap — are told apart by the
    same mean uncapped; returns the stars and those who shared their score but not that."""
    scored = [p for p in people if p.score is not None and has_result(p)]
    if not scored:
        return [], []
    best = max(round(p.score or 0, 9) for p in scored)
    tied = [p for p in scored if round(p.score or 0, 9) == best]
    top = max(round(p.uncapped or 0, 9) for p in tied)
    stars = sorted(p.name for p in tied if round(p.uncapped or 0, 9) == top)
    return stars, sorted(p.name for p in tied if p.name not in stars)


def _referrer_quality(people: list[PersonFigures]) -> list[ReferrerQuality]:
    return [
        ReferrerQuality(
            p.name,
            p.role,
            p.referrals,
            p.followed,
            _ratio(p.followed, p.referrals),
            p.successes,
            p.success_rate,
            _ratio(p.on_site, p.referrals),
            _ratio(p.closed_on_site, p.referrals),
            p.referred_amount,
        )
        for p in sorted(people, key=lambda p: (-(p.success_rate or 0), -p.referrals, p.name))
        if p.referrals
    ]


def _receiver_quality(totals: _DayTotals, period: Period) -> list[ReceiverQuality]:
    days = period.days
    stats: dict[str, list[int]] = {}  # receiver -> the day totals' five counts, summed
    for (date, receiver), counts in totals.received.items():
        if date in days:
            total = stats.setdefault(receiver, [0, 0, 0, 0, 0])
            for i, count in enumerate(counts):
                total[i] += count
    return [
        ReceiverQuality(
            name,
            received,
            followed,
            closed,
            _ratio(closed, received),
            waited / dated if dated else None,  # never a fake 0 where no row has the date
        )
        for name, (received, followed, closed, waited, dated) in sorted(
            stats.items(), key=lambda kv: (-(_ratio(kv[1][2], kv[1][0]) or 0), kv[0])
        )
    ]


def _collaboration_share(totals: _DayTotals, period: Period) -> float | None:
    """The share of 万元 sales that came through a referral (协作营销占比)."""
    sold = referred = 0.0
    for date, (amount, through_referral) in totals.money.items():
        if date in period.days:
            sold += amount
            referred += through_referral
    return _ratio(referred, sold)


def _follow_ups(book: Book, day: dt.date, horizon: dt.date) -> list[FollowUp]:
    """Rows whose 建议下次联系时间 is on or before the next work day; before D is overdue."""
    due = dated_on_or_before(book.tracking, "next_contact", horizon)
    result = [
        FollowUp(
            receiver or "",
            customer or "",
            phone or "",
            when,
            when < day,
            max(0, (day - when).days),
            product or "",
            note or "",
            row,
        )
        for row, when, receiver, customer, phone, product, note in due.zip(
            "row", "next_contact", "receiver", "customer", "phone", "product", "note"
        )
    ]
    return sorted(result, key=lambda r: (r.receiver, r.due, r.row))


def _joining(month_figures: PeriodFigures, month: _Month, by: dt.date) -> list[PersonFigures]:
    """People who join after D, by the day `by`, with a target set this month (docs/口径.md#入职和离岗):
    not in the month to date, yet on duty that day, with the whole of their target before them."""
    listed = {p.name for p in month_figures.people}
    return [
        PersonFigures(m.name, m.role, targets=dict(month.targets[m.name]))
        for m in month.members.values()
        if m.name not in listed
        and m.name in month.targets
        and m.joined_on is not None
        and m.joined_on <= min(by, month.last)
        and m.own_days(month.first, month.last) is not None
    ]


def _tomorrow(
    month_figures: PeriodFigures,
    day: dt.date,
    month: _Month,
    catalogue: Catalogue,
    morning: PeriodFigures | None = None,
) -> list[TomorrowTarget]:
    """(monthly target − month-to-date actual) ÷ the days the branch still opens this month,
    never negative (docs/口径.md#明日目标).

    The days are opening days whatever the 时间进度口径: a day the branch is closed takes no part
    of the gap. A person who leaves this month shares their gap over their own days, and gets
    nothing once they have gone. Counts are whole and rounded up ("信用卡 1张", never "0.23张").
    On the month's last opening day there is no tomorrow in this month: each target's
    `tomorrow` is 0 and its `gap` is what to close today.

    `morning`: the figures of D itself, for the morning meeting's targets for today — the gap
    as it stood before D's sales (the month to date less D's own), over the days from D on. The
    month's gap after D's sales over days that still count D would take D's sales off twice."""
    start = day if morning is not None else day + dt.timedelta(days=1)
    calendar = month.calendar
    sold_today = {p.name: p for p in [morning.branch, *morning.people]} if morning else {}
    last_day = calendar.open_days(start, month.last) == 0
    targets = []
    joining = _joining(month_figures, month, calendar.next_open(day)) if morning is None else []
    for person in [month_figures.branch, *month_figures.people, *joining]:
        member = month.member(person.name)
        own = member.own_days(start, month.last) if member is not None else None
        left = calendar.open_days(*own) if own else 0
        if not left and not last_day:
            continue  # they are gone before the branch opens again
        today = sold_today.get(person.name)
        for indicator, target in person.targets.items():
            actual = person.actual(indicator) - (today.actual(indicator) if today else 0.0)
            gap = max(0.0, target - actual)
            share = gap / left if left else 0.0
            if catalogue.is_count(indicator):
                gap, share = float(math.ceil(gap - 1e-9)), float(math.ceil(share - 1e-9))
            targets.append(TomorrowTarget(person.name, indicator, target, actual, gap, left, share))
    return targets
