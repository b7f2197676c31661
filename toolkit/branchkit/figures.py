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
    Matches,
    NotFollowed,
    Unverified,
    dated_on_or_before,
    match_cards,
    not_followed,
    unverified,
)
from .problems import Problem
from .read import Book
from .schema import BRANCH_TARGET, REFERRAL_INDICATORS
from .settings import Settings
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
    DayBasis,
    Pace,
    PeriodKind,
    RoleGroup,
    Unit,
    role_group,
)
from .workdays import (
    Period,
    days_between,
    days_left,
    is_workday,
    month_bounds,
    next_workday,
    opening_days,
    time_progress,
)

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
    days_left: int  # after D, counted like 时间进度
    tomorrow: float  # gap ÷ days left, never negative (whole, rounded up, for counts)


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
    # Days known to be open or closed (工作日历, 每日概况); the statutory calendar for the rest.
    opening: dict[dt.date, bool] = field(default_factory=dict)
    # The morning meeting's targets for D itself: what the month still needs over the days
    # from D to its end, D included (docs/口径.md#晨会).
    targets_today: list[TomorrowTarget] = field(default_factory=list)
    # Those who shared the stars' 综合得分 and lost on the uncapped mean (docs/口径.md#之星).
    star_ties: dict[PeriodKind, list[str]] = field(default_factory=dict)

    def is_open(self, day: dt.date) -> bool:
        return is_workday(day, self.opening)

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


def _day_totals(book: Book, sales: list[Sale], matches: Matches) -> _DayTotals:
    """One pass over cards, one over sales, one over daily activity (a parent branch's month:
    50,000 cards and 70,000 sales, so the loops bind what they use to local names)."""
    totals = _DayTotals()
    first_contact = {
        row: date
        for row, date in book.tracking.zip("row", "first_contact")
        if isinstance(date, dt.date)
    }
    # What each sale row brings its card: 万元 achieved, and whether it closed on site.
    sale_money = {s.row: (s.amount if s.unit is WAN_YUAN else 0.0, s.closed_on_site) for s in sales}
    card_to_rows = matches.card_to_rows
    contacted = matches.contacted_cards
    cards, received = totals.cards, totals.received
    date_type = dt.date
    for row, date, referrer, receiver, on_site in book.referrals.zip(
        "row", "date", "referrer", "receiver", "on_site"
    ):
        if not isinstance(date, date_type):
            continue
        rows = card_to_rows.get(row)
        won = [sale_money[r] for r in rows if r in sale_money] if rows else None
        followed = row in contacted
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
        if receiver:
            got = received.get((date, receiver))
            if got is None:
                got = received[(date, receiver)] = [0, 0, 0, 0, 0]
            got[0] += 1
            got[1] += followed
            got[2] += bool(won)
            if rows:
                reached = [first_contact[r] for r in rows if r in first_contact]
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


@dataclass
class _Context:
    day_totals: _DayTotals
    targets: dict[str, dict[str, float]]
    weights: dict[str, dict[str, float]]  # 目标 权重 where given: subject -> indicator -> weight
    overrides: dict[dt.date, bool]
    month_progress: float
    catalogue: Catalogue


def workday_overrides(book: Book) -> dict[dt.date, bool]:
    """The 工作日历 sheet: days the branch opens or closes against the statutory calendar."""
    return {
        d: bool(w)
        for d, w in book.work_calendar.zip("date", "workday")
        if isinstance(d, dt.date) and w is not None
    }


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


def _period_share(period: Period, basis: DayBasis, overrides: Mapping[dt.date, bool]) -> float:
    """The part of the monthly target that falls in the period (1 for the month itself)."""
    if period.kind is MONTH:
        return 1.0
    first, last = month_bounds(period.end)
    start = max(period.start, first)
    total = days_between(first, last, basis, overrides)
    return days_between(start, period.end, basis, overrides) / total if total else 0.0


def _person_figures(
    book: Book, period: Period, context: _Context
) -> tuple[list[PersonFigures], PersonFigures]:
    days = period.days
    settings = book.settings
    people: dict[str, PersonFigures] = {}
    for name, role, active in book.roster.zip("name", "role", "active"):
        if name and active is not False and name not in people:
            people[name] = PersonFigures(name, role or "")
    branch = PersonFigures(BRANCH_TARGET, BRANCH_TARGET)

    totals = context.day_totals
    for (date, referrer), cards in totals.cards.items():
        if date not in days:
            continue
        for who in (people.get(referrer), branch):
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

    share = _period_share(period, settings.progress_basis, context.overrides)
    progress = context.month_progress if period.kind is MONTH else 1.0
    for person in [*people.values(), branch]:
        person.weights = dict(context.weights.get(person.name, {}))
        for indicator, monthly in context.targets.get(person.name, {}).items():
            target = monthly * share
            person.targets[indicator] = monthly
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
            # The pace shown beside the composite is the composite's own (docs/口径.md#综合得分):
            # a pile of raw referrals (转介数, and the checklist's quantities) must not make
            # someone look ahead of pace while what they close lags, and a number never sits
            # beside another figure's word.
            person.overall_status = status_of(person.score, progress, settings.tolerance)
        person.money = sum(
            v for k, v in person.credited.items() if context.catalogue.measured_in(k) is WAN_YUAN
        )
    ranked = [p for p in people.values() if p.score is not None]
    for person, rank in zip(ranked, competition_ranks(p.score for p in ranked), strict=True):
        person.rank = rank
    for group in ROLE_GROUPS:
        members = [p for p in people.values() if role_group(p.role) == group]
        for person in members:
            person.group = group
            person.primary = _primary(person, group)
        for person, rank in zip(
            members, competition_ranks(p.primary for p in members), strict=True
        ):
            person.group_rank = rank
    return list(people.values()), branch


def _primary(person: PersonFigures, group: RoleGroup) -> float:
    """Each role's primary indicator (docs/口径.md#排名)."""
    if group == ASSISTANTS:
        return float(person.successes)
    if group == SERVICE:
        return float(person.own_sales + person.referrals)
    return person.money


# ---------------------------------------------------------------- the whole computation


def compute(book: Book, day: dt.date, league: bool = False) -> Figures:
    """Day, week and month figures from one pass over sales, credits and card matching.

    `league`: only what a parent branch's rollup compares — each period's people and branch,
    collaboration share and checklist completion, and the problems. The ledger, the quality
    tables, the checklist's detail, follow-ups and tomorrow's targets are left empty: a rollup
    of thousands of workbooks would build them for nothing."""
    settings = book.settings
    overrides = workday_overrides(book)
    matches = match_cards(book.referrals, book.tracking, day)
    sales = sales_of(book.tracking, book.catalogue, matches, day, settings)
    totals = _day_totals(book, sales, matches)
    items = checklist.items(book.checklist_items)
    records = checklist.entries(book.checklist, items, day)
    totals.measured = checklist.quantities_by_day(records, items)
    month_progress = time_progress(day, settings.progress_basis, overrides)
    context = _Context(totals, *_targets(book), overrides, month_progress, book.catalogue)
    periods: dict[PeriodKind, PeriodFigures] = {}
    for kind in PERIOD_KINDS:
        period = Period.of(kind, day)
        people, branch = _person_figures(book, period, context)
        periods[kind] = PeriodFigures(
            kind=kind,
            period=period,
            time_progress=month_progress if kind == MONTH else 1.0,
            people=people,
            branch=branch,
            ledger=[] if league else [s for s in sales if s.date in period.days],
            referrers=[] if league else _referrer_quality(people),
            receivers=[] if league else _receiver_quality(totals, period),
            collaboration_share=_collaboration_share(totals, period),
            checklist=checklist.completion(records, period)
            if league
            else checklist.tally(records, items, period),
        )
    if league:
        return _league_figures(book, day, periods, month_progress)
    month = periods[MONTH]
    stars = {kind: _stars(periods[kind].people) for kind in PERIOD_KINDS}
    opening = opening_days(overrides, _staffing(book), day + dt.timedelta(40))
    horizon = next_workday(day, opening)
    return Figures(
        branch=settings.branch,
        date=day,
        settings=settings,
        catalogue=book.catalogue,
        month_progress=month_progress,
        periods=periods,
        stars={kind: stars[kind][0] for kind in PERIOD_KINDS},
        star_ties={kind: stars[kind][1] for kind in PERIOD_KINDS},
        follow_ups=_follow_ups(book, day, horizon),
        not_followed=not_followed(book.referrals, matches, day, settings.stale_days),
        unverified=unverified(book.tracking, book.sheet_name("tracking"), matches, day),
        tomorrow=_tomorrow(month.people, month.branch, day, settings, overrides, book.catalogue),
        targets_today=_tomorrow(
            month.people, month.branch, day, settings, overrides, book.catalogue, from_day=True
        ),
        problems=[*book.problems, *day_problems(book, day)],
        next_workday=horizon,
        sold_by_day=totals.sold,
        cards_by_day=_cards_by_day(book),
        checklist_items=items,
        open_fixes=checklist.open_fixes(records, book.actions, day),
        opening=opening,
    )


def _league_figures(
    book: Book, day: dt.date, periods: dict[PeriodKind, PeriodFigures], month_progress: float
) -> Figures:
    """`compute(league=True)`: the periods and the problems, nothing for the agenda."""
    return Figures(
        branch=book.settings.branch,
        date=day,
        settings=book.settings,
        catalogue=book.catalogue,
        month_progress=month_progress,
        periods=periods,
        stars={},
        follow_ups=[],
        not_followed=[],
        unverified=[],
        tomorrow=[],
        problems=[*book.problems, *day_problems(book, day)],
        next_workday=day,
        sold_by_day={},
        cards_by_day={},
    )


def _staffing(book: Book) -> dict[dt.date, bool]:
    """The days the day overview shows: staffed (someone on duty, or traffic), or not."""
    return {
        date: bool(names) or bool(traffic)
        for date, names, traffic in book.overview.zip("date", "on_duty", "traffic")
        if isinstance(date, dt.date)
    }


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


def _tomorrow(
    people: list[PersonFigures],
    branch: PersonFigures,
    day: dt.date,
    settings: Settings,
    overrides: Mapping[dt.date, bool],
    catalogue: Catalogue,
    from_day: bool = False,
) -> list[TomorrowTarget]:
    """(monthly target − month-to-date actual) ÷ the days left, never negative
    (docs/口径.md#明日目标).

    The days left are counted like 时间进度 (calendar days on 自然日, work days on 工作日), so a
    branch that opens every weekend is not handed targets inflated by 10/6. Counts are whole and
    rounded up ("信用卡 1张", never "0.23张"). On the month's last day the whole gap is tomorrow's.
    `from_day`: the days left include D itself — the morning meeting's targets for today, with
    D's own results (usually none yet at 8 a.m.) already counted."""
    left = days_left(day, settings.progress_basis, overrides)
    if from_day:
        left += days_between(day, day, settings.progress_basis, overrides)
    remaining = max(1, left)
    targets = []
    for person in [branch, *people]:
        for indicator, target in person.targets.items():
            gap = max(0.0, target - person.actual(indicator))
            share = gap / remaining
            if catalogue.is_count(indicator):
                gap, share = float(math.ceil(gap - 1e-9)), float(math.ceil(share - 1e-9))
            targets.append(
                TomorrowTarget(
                    person.name, indicator, target, person.actual(indicator), gap, remaining, share
                )
            )
    return targets
