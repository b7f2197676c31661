"""The evening meeting (夕会) agenda, from the figures and the day's cases (SPEC §4).

Pure: a Book, its figures and a meeting kind in, an `Agenda` out — numbers, names and keys, one
record per section, never finished sentences. The Jinja templates word it (Chinese or English),
and the 夕会议程 tab, Markdown, HTML and text all come from those templates, so every format says
the same thing.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from .figures import REFERRALS, Figures, PersonFigures, status_of, trend
from .phrases import CAUSES, PHONE_SCRIPT, SCRIPTS, SECTION_MINUTES
from .privacy import mask_name
from .read import Book
from .schema import BRANCH_TARGET
from .vocab import BEHIND, DAILY, DAY, MEETING_NAMES, MEETING_PERIODS, SUPERVISOR, WEEKLY
from .workdays import Period

FOLLOW_UP_NAMES = 6  # customers named per receiver; the rest are on 跟进提醒


# ---------------------------------------------------------------- records


@dataclass(frozen=True)
class Host:
    name: str  # '' when nobody can be named
    kind: str  # supervisor / named (设置 names a stand-in) / missing


@dataclass(frozen=True)
class IndicatorPace:
    indicator: str
    completion: float | None
    pace: str  # vocab pace key, '' when unknown


@dataclass(frozen=True)
class PersonLine:
    """One person's line in section 1: the metrics of their role, and what is behind pace."""

    name: str
    role: str
    metrics: list[tuple[str, Any]]  # (metric key, value); business_types is a list of words
    behind: list[IndicatorPace]
    has_targets: bool


@dataclass(frozen=True)
class BranchTotals:
    traffic: float
    transactions: int
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
    category: str
    nature: str
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


@dataclass(frozen=True)
class TargetLine:
    indicator: str
    amount: float
    unit: str


@dataclass(frozen=True)
class FollowUpLine:
    receiver: str  # '' when the tracking row names none
    count: int
    overdue: int
    customers: list[str]  # masked (张*), the first few
    more: bool


@dataclass
class Summary:
    """Section 1: the period's results."""

    totals: BranchTotals
    no_activity: bool
    people: list[PersonLine]
    branch_progress: list[IndicatorPace]
    stars: dict[str, list[str]]  # period kind -> names
    trends: list[TrendLine]


@dataclass
class Plan:
    """Section 2: the focus, and what to do about it."""

    focus: str  # marketing / service / none (no targets to judge the pace by)
    behind_indicators: list[IndicatorPace]
    behind_people: list[tuple[str, list[IndicatorPace]]]
    causes: tuple[str, ...]
    pairings: list[Pairing]
    cases: list[CaseLine]
    highlights: list[CaseLine]
    actions_due: list[ActionLine]


@dataclass
class Training:
    """Section 3: one small topic drawn from the day."""

    source: str  # setting / risk_case / weakest / default
    topic: str  # the setting's text, the case, or the indicator
    content: str  # the rule, the script
    products: list[str] = field(default_factory=list)
    completion: float | None = None


@dataclass
class Tomorrow:
    """Section 4: targets, key products, follow-ups and open actions."""

    branch: list[TargetLine]
    people: list[tuple[str, list[TargetLine]]]
    key_products: list[str]
    follow_ups: list[FollowUpLine]
    open_actions: list[ActionLine]


@dataclass
class Agenda:
    branch: str
    date: dt.date
    meeting: str  # vocab meeting key: daily / weekly / monthly
    period: Period
    host: Host
    attendees: list[str]
    minutes: tuple[int, int, int, int]
    month_progress: float
    summary: Summary
    plan: Plan
    training: Training
    tomorrow: Tomorrow

    @property
    def meeting_name(self) -> str:
        return MEETING_NAMES[self.meeting]

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes)


# ---------------------------------------------------------------- who is there


def on_duty(book: Book, day: dt.date) -> list[str] | None:
    """The 当班人员 of D, or None when the checklist does not say."""
    for date, names in book.checklist.zip("date", "on_duty"):
        if date == day and names:
            return list(names)
    return None


def _host(book: Book, present: list[str] | None) -> Host:
    """The lobby supervisor hosts; when absent, whoever 设置 names (SPEC §4)."""
    supervisors = [
        n
        for n, r, a in book.roster.zip("name", "role", "active")
        if r == SUPERVISOR and a is not False
    ]
    here = [s for s in supervisors if present is None or s in present]
    if here:
        return Host(here[0], "supervisor")
    named = book.settings.host
    if named and named not in supervisors:
        return Host(named, "named")
    return Host("", "missing")


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


def _person_line(
    person: PersonFigures, month: PersonFigures, daily: dict[str, Any], referred_sales: int
) -> PersonLine:
    """The role's own metrics for the period; progress is always month to date (SPEC §4)."""
    role = person.role
    served = ("served", daily.get("served", 0))
    metrics: list[tuple[str, Any]]
    if role in ("客户助理", "柜员"):
        metrics = [
            served,
            ("transactions", daily.get("transactions", 0)),
            ("business_types", list(dict.fromkeys(daily.get("types", [])))),
            ("referrals", person.referrals),
        ]
    elif role in ("大堂经理", "服务经理"):
        metrics = [served, ("referrals", person.referrals), ("own_sales", person.own_sales)]
    elif role in ("理财经理", "客户经理"):
        metrics = [
            served,
            ("follow_ups", daily.get("follow_ups", 0)),
            ("referred_sales", referred_sales),
            ("phone_invitations", daily.get("phone_invitations", 0)),
        ]
        if person.money:
            metrics.append(("money", person.money))
    else:
        metrics = [served] if daily.get("served") else []
    behind = [
        IndicatorPace(k, month.completion.get(k), v) for k, v in month.status.items() if v == BEHIND
    ]
    return PersonLine(person.name, role, metrics, behind, bool(month.status))


def _trend_spans(meeting: str, period: Period) -> list[tuple[str, dt.date, dt.date]]:
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


def _trends(figures: Figures, meeting: str, period: Period) -> list[TrendLine]:
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


def summary(
    book: Book, figures: Figures, meeting: str, period: Period, present: set[str]
) -> Summary:
    figures_now = figures.period(MEETING_PERIODS[meeting])
    month = figures.month
    traffic = float(
        sum(t for d, t in book.checklist.zip("date", "traffic") if d in period and t is not None)
    )
    daily_rows = _daily_by_person(book, period)
    transactions = sum(v.get("transactions", 0) for v in daily_rows.values())
    ledger = figures_now.ledger
    money = sum(s.amount for s in ledger if s.unit == "万元")
    branch = figures_now.branch
    totals = BranchTotals(
        traffic, transactions, branch.referrals, branch.successes, len(ledger), money
    )
    referred_by_receiver: dict[str, int] = {}
    for sale in ledger:
        if sale.referrer:
            referred_by_receiver[sale.receiver] = referred_by_receiver.get(sale.receiver, 0) + 1
    month_people = {p.name: p for p in month.people}
    people = [
        _person_line(
            p, month_people[p.name], daily_rows.get(p.name, {}), referred_by_receiver.get(p.name, 0)
        )
        for p in figures_now.people
        if p.name in present and (p.targets or p.name in daily_rows or p.referrals or p.credited)
    ]
    stars = figures.stars if meeting != DAILY else {DAY: figures.stars[DAY]}
    return Summary(
        totals,
        traffic == 0 and transactions == 0 and branch.referrals == 0 and not ledger,
        people,
        [
            IndicatorPace(i, month.branch.completion.get(i), month.branch.status.get(i, ""))
            for i in month.branch.targets
        ],
        stars,
        _trends(figures, meeting, period),
    )


# ---------------------------------------------------------------- section 2


def _pairings(people: list[PersonFigures], indicators: list[str]) -> list[Pairing]:
    """Someone strong on a lagging indicator coaches someone weak on it (SPEC §4)."""
    pairs = []
    for indicator in indicators:
        scored = [(p.completion[indicator], p.name) for p in people if indicator in p.completion]
        if len(scored) < 2:
            continue
        scored.sort()
        (low, learner), (high, coach) = scored[0], scored[-1]
        if high > low:
            pairs.append(Pairing(indicator, coach, learner))
    return pairs


def _case_lines(
    book: Book, period: Period, natures: set[str] | None, categories: set[str] | None
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


def open_actions(book: Book, day: dt.date) -> list[ActionLine]:
    """Action items still open on D: not 已完成, and raised on or before D, soonest due first
    (the agenda and the weekly workbook list the same ones)."""
    lines = [
        ActionLine(
            a["item"],
            a["owner"] or "",
            a["due"] if isinstance(a["due"], dt.date) else None,
            isinstance(a["due"], dt.date) and a["due"] < day,
            a["raised_on"] if isinstance(a["raised_on"], dt.date) else None,
        )
        for a in book.actions.records()
        if a["state"] != "已完成"
        and a["item"]
        and not (isinstance(a["raised_on"], dt.date) and a["raised_on"] > day)
    ]
    return sorted(lines, key=lambda a: (a.due or dt.date.max, a.item))


def plan(book: Book, figures: Figures, period: Period) -> Plan:
    month = figures.month
    month_branch = month.branch
    overall = month_branch.overall
    if overall is None:
        scored = [p.overall for p in month.people if p.overall is not None]
        overall = sum(scored) / len(scored) if scored else None
    pace = status_of(overall, figures.month_progress, book.settings.tolerance)
    focus = "none" if pace is None else "marketing" if pace == BEHIND else "service"
    behind = sorted(
        (i for i, s in month_branch.status.items() if s == BEHIND),
        key=lambda i: month_branch.completion.get(i, 0),
    )
    if focus == "marketing" and not behind:
        behind = list(
            dict.fromkeys(
                sorted(i for p in month.people for i, s in p.status.items() if s == BEHIND)
            )
        )
    behind_people = []
    for p in sorted(month.people, key=lambda p: p.name):
        lagging = [
            IndicatorPace(i, p.completion.get(i), BEHIND)
            for i in behind
            if p.status.get(i) == BEHIND
        ]
        if lagging:
            behind_people.append((p.name, lagging))
    horizon = figures.next_workday
    return Plan(
        focus,
        [IndicatorPace(i, month_branch.completion.get(i), BEHIND) for i in behind],
        behind_people,
        CAUSES,
        _pairings(month.people, behind),
        _case_lines(book, period, {"问题", "风险", "投诉"}, {"服务", "运营"}),
        _case_lines(book, period, {"亮点"}, None),
        [a for a in open_actions(book, figures.date) if a.due is None or a.due <= horizon],
    )


# ---------------------------------------------------------------- section 3


def training(book: Book, figures: Figures, period: Period, behind: list[str]) -> Training:
    """The supervisor's topic if set; else today's risk case; else the weakest indicator's script."""
    if book.settings.training:
        return Training("setting", book.settings.training, "")
    risks = _case_lines(book, period, {"风险"}, {"运营"})
    if risks:
        return Training("risk_case", risks[0].description, risks[0].remedy)
    branch = figures.month.branch
    candidates = [i for i in behind if i in SCRIPTS] or sorted(
        (i for i in branch.completion if i in SCRIPTS), key=lambda i: branch.completion[i]
    )
    if candidates:
        weakest = candidates[0]
        return Training(
            "weakest",
            weakest,
            SCRIPTS[weakest],
            figures.catalogue.products_of(weakest)[:2],
            branch.completion.get(weakest),
        )
    return Training("default", "", PHONE_SCRIPT)


# ---------------------------------------------------------------- section 4


def tomorrow(
    book: Book,
    figures: Figures,
    behind: list[str],
    invited: set[str],
    plan_actions: list[ActionLine],
) -> Tomorrow:
    catalogue = figures.catalogue
    due = [t for t in figures.tomorrow if t.tomorrow > 0]
    branch = [
        TargetLine(t.indicator, t.tomorrow, catalogue.unit_of(t.indicator))
        for t in due
        if t.subject == BRANCH_TARGET
    ]
    people: dict[str, list[TargetLine]] = {}
    for t in due:
        if t.subject != BRANCH_TARGET and t.subject in invited:
            people.setdefault(t.subject, []).append(
                TargetLine(t.indicator, t.tomorrow, catalogue.unit_of(t.indicator))
            )
    grouped: dict[str, list[Any]] = {}
    for f in figures.follow_ups:
        grouped.setdefault(f.receiver, []).append(f)
    follow_ups = [
        FollowUpLine(
            name,
            len(rows),
            sum(r.overdue for r in rows),
            [mask_name(r.customer) for r in rows[:FOLLOW_UP_NAMES]],
            len(rows) > FOLLOW_UP_NAMES,
        )
        for name, rows in grouped.items()
    ]
    key_products = [
        name for name, product in catalogue.products.items() if product.indicator in behind
    ][:4]
    return Tomorrow(
        branch,
        list(people.items()),
        key_products,
        follow_ups,
        [a for a in open_actions(book, figures.date) if a not in plan_actions],
    )


# ---------------------------------------------------------------- the agenda


def build(book: Book, figures: Figures, meeting: str = DAILY) -> Agenda:
    """The agenda for D. Daily: the day's figures; weekly/monthly: the week/month to date."""
    if meeting not in MEETING_PERIODS:
        raise ValueError(meeting)
    day = figures.date
    period = figures.period(MEETING_PERIODS[meeting]).period
    present = on_duty(book, day)
    active = [p.name for p in figures.month.people]
    attendees = list(present or active) if meeting == DAILY else active
    section_2 = plan(book, figures, period)
    behind = [i.indicator for i in section_2.behind_indicators]
    return Agenda(
        branch=book.settings.branch or figures.branch,
        date=day,
        meeting=meeting,
        period=period,
        host=_host(book, present),
        attendees=attendees,
        minutes=SECTION_MINUTES[meeting],
        month_progress=figures.month_progress,
        summary=summary(book, figures, meeting, period, set(attendees)),
        plan=section_2,
        training=training(book, figures, period, behind),
        tomorrow=tomorrow(
            book, figures, behind, set(attendees) | set(active), section_2.actions_due
        ),
    )
