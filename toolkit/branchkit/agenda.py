"""The evening meeting (夕会) agenda, from the period's figures and the day's cases (SPEC §4).

Pure: a Book, figures and a date in, an `Agenda` out. Rendering (the 夕会议程 tab, Markdown,
HTML, text) reads only this structure, so every format says the same thing.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from typing import Any

from .figures import BEHIND, REFERRALS, SUCCESSES, Figures, PersonFigures, compute_all, status_of
from .phrases import (
    CAUSES,
    MEETING_NAMES,
    PERIOD_SECTION_TITLES,
    PHONE_SCRIPT,
    SCRIPTS,
    SECTION_MINUTES,
    SECTION_TITLES,
)
from .privacy import mask_name
from .read import Book
from .workdays import Period, next_workday

SUPERVISOR_ROLE = "厅堂主管"
MEETING_PERIOD = {"daily": "day", "weekly": "week", "monthly": "month"}


@dataclass
class PersonLine:
    name: str
    role: str
    metrics: list[tuple[str, str]]
    progress: str  # e.g. 理财 低于进度（57%）


@dataclass
class Pairing:
    indicator: str
    coach: str
    learner: str


@dataclass
class CaseLine:
    category: str
    nature: str
    people: str
    description: str
    cause: str
    remedy: str
    owner: str


@dataclass
class ActionLine:
    item: str
    owner: str
    due: dt.date | None
    overdue: bool


@dataclass
class FollowUpLine:
    receiver: str
    count: int
    overdue: int
    customers: str


@dataclass
class TargetLine:
    who: str
    items: str  # 理财 7.23 万元；转介数 0.83


@dataclass
class Agenda:
    branch: str
    date: dt.date
    meeting: str  # daily / weekly / monthly
    meeting_name: str
    period_label: str
    host: str
    host_note: str
    attendees: list[str]
    minutes: tuple[int, int, int, int]
    section_titles: tuple[str, str, str, str]
    totals: list[tuple[str, str]]
    no_activity: bool
    people: list[PersonLine]
    stars: dict[str, list[str]]
    branch_progress: list[tuple[str, str, str]]  # indicator, completion, status
    month_progress: float
    focus: str  # marketing / service / none (no targets to judge the pace by)
    behind_indicators: list[tuple[str, str]] = field(default_factory=list)
    behind_people: list[tuple[str, str]] = field(default_factory=list)
    causes: tuple[str, ...] = CAUSES
    pairings: list[Pairing] = field(default_factory=list)
    cases: list[CaseLine] = field(default_factory=list)
    highlights: list[CaseLine] = field(default_factory=list)
    actions_due: list[ActionLine] = field(default_factory=list)
    training_topic: str = ""
    training_content: str = ""
    training_source: str = ""
    branch_tomorrow: str = ""
    people_tomorrow: list[TargetLine] = field(default_factory=list)
    key_products: list[str] = field(default_factory=list)
    follow_ups: list[FollowUpLine] = field(default_factory=list)
    open_actions: list[ActionLine] = field(default_factory=list)
    trends: list[tuple[str, list[tuple[str, str]]]] = field(default_factory=list)

    @property
    def total_minutes(self) -> int:
        return sum(self.minutes)


def _fmt(value: float, unit: str = "") -> str:
    text = (
        f"{value:,.2f}".rstrip("0").rstrip(".")
        if not float(value).is_integer()
        else f"{int(value):,}"
    )
    return f"{text}{unit}"


def _pct(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def _units(book: Book) -> dict[str, str]:
    units: dict[str, str] = {}
    for indicator, unit in zip(book.products["indicator"], book.products["unit"], strict=True):
        if indicator:
            units.setdefault(indicator, unit or "")
    return units


def _on_duty(book: Book, day: dt.date) -> list[str] | None:
    for date, names in zip(book.checklist["date"], book.checklist["on_duty"], strict=True):
        if date == day and names:
            return list(names)
    return None


def _host(book: Book, day: dt.date, on_duty: list[str] | None) -> tuple[str, str]:
    """The lobby supervisor hosts; when absent, whoever 设置 names (SPEC §4)."""
    roster = book.roster
    supervisors = [
        n
        for n, r, a in zip(roster["name"], roster["role"], roster["active"], strict=True)
        if r == SUPERVISOR_ROLE and a is not False
    ]
    present = [s for s in supervisors if on_duty is None or s in on_duty]
    if present:
        return present[0], "厅堂主管"
    named = book.settings.host
    if named and named not in supervisors:
        return named, "厅堂主管不在岗，由指定主持人主持"
    return "（待指定）", "厅堂主管不在岗：请支行行长或零售副行长指定主持人"


def _sum(values: Any) -> float:
    return float(sum(v for v in values if isinstance(v, (int, float)) and not math.isnan(v)))


def _daily_by_person(book: Book, period: Period) -> dict[str, dict[str, Any]]:
    result: dict[str, dict[str, Any]] = {}
    daily = book.daily
    for record in daily.to_dict("records"):
        if record["date"] not in period or not record["name"]:
            continue
        entry = result.setdefault(record["name"], {"types": []})
        for key in (
            "served",
            "transactions",
            "referrals",
            "own_sales",
            "phone_invitations",
            "follow_ups",
        ):
            value = record[key]
            if isinstance(value, float) and not math.isnan(value):
                entry[key] = entry.get(key, 0) + int(value)
        if record["business_types"]:
            entry["types"].append(record["business_types"])
    return result


def _person_line(
    person: PersonFigures, month: PersonFigures, daily: dict[str, Any], referred_sales: int
) -> PersonLine:
    """The role's own metrics for the period; progress is always month to date (SPEC §4)."""
    role = person.role
    served = ("接待客户", _fmt(daily.get("served", 0)))
    if role in ("客户助理", "柜员"):
        types = "、".join(dict.fromkeys(daily.get("types", []))) or "—"
        metrics = [
            served,
            ("业务笔数", _fmt(daily.get("transactions", 0))),
            ("主要业务", types),
            ("转介", _fmt(person.referrals)),
        ]
    elif role in ("大堂经理", "服务经理"):
        metrics = [served, ("转介", _fmt(person.referrals)), ("自主销售", _fmt(person.own_sales))]
    elif role in ("理财经理", "客户经理"):
        metrics = [
            served,
            ("客户跟进", _fmt(daily.get("follow_ups", 0))),
            ("转介客户达成", _fmt(referred_sales)),
            ("电话邀约", _fmt(daily.get("phone_invitations", 0))),
        ]
        if person.money:
            metrics.append(("业绩", _fmt(round(person.money, 2), "万元")))
    else:
        metrics = [served] if daily.get("served") else []
    behind = [
        f"{k} {_pct(month.completion.get(k))}" for k, v in month.status.items() if v == BEHIND
    ]
    progress = (
        ("低于进度：" + "、".join(behind)) if behind else ("进度正常" if month.status else "")
    )
    return PersonLine(person.name, role, metrics, progress)


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
    for c in book.cases.to_dict("records"):
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


def open_actions(book: Book, day: dt.date) -> list[dict[str, Any]]:
    """Action items still open on D: not 已完成, and raised on or before D (the agenda and the
    weekly workbook list the same ones)."""
    return [
        a
        for a in book.actions.to_dict("records")
        if a["state"] != "已完成"
        and a["item"]
        and not (isinstance(a["raised_on"], dt.date) and a["raised_on"] > day)
    ]


def _actions(book: Book, day: dt.date, horizon: dt.date | None) -> list[ActionLine]:
    lines = []
    for a in open_actions(book, day):
        due = a["due"] if isinstance(a["due"], dt.date) else None
        if horizon is not None and due is not None and due > horizon:
            continue
        lines.append(ActionLine(a["item"], a["owner"] or "", due, bool(due and due < day)))
    return sorted(lines, key=lambda a: (a.due or dt.date.max, a.item))


def _training(
    book: Book, month: Figures, period: Period, units: dict[str, str], behind: list[str]
) -> tuple[str, str, str]:
    """The supervisor's topic if set; else today's risk case; else the weakest indicator's script."""
    if book.settings.training:
        return book.settings.training, "", "设置“培训主题”指定"
    risks = _case_lines(book, period, {"风险"}, {"运营"})
    if risks:
        case = risks[0]
        rule = case.remedy or "请主管讲解相关操作规范"
        return f"运营规范：{case.description}", f"防范措施：{rule}", "来自今日风险案例"
    branch = month.branch_figures
    candidates = [i for i in behind if i in SCRIPTS] or sorted(
        (i for i in branch.completion if i in SCRIPTS), key=lambda i: branch.completion[i]
    )
    if candidates:
        weakest = candidates[0]
        products = [
            p
            for p, i in zip(book.products["product"], book.products["indicator"], strict=True)
            if i == weakest
        ]
        label = f"{weakest}（{'、'.join(products[:2])}）" if products else weakest
        return (
            f"产品知识与话术：{label}",
            f"一句话营销：{SCRIPTS[weakest]}",
            f"本月完成率最低的指标（{_pct(branch.completion.get(weakest))}）",
        )
    return "电话邀约话术", PHONE_SCRIPT, "默认主题"


def _trends(
    book: Book, figures: Figures, meeting: str, units: dict[str, str]
) -> list[tuple[str, list[tuple[str, str]]]]:
    """Weekly: each day of the week; monthly: each week of the month — sales per indicator."""
    if meeting == "daily":
        return []
    ledger = figures.ledger
    period = figures.period
    buckets: list[tuple[str, dt.date, dt.date]] = []
    cursor = period.start
    while cursor <= period.end:
        if meeting == "weekly":
            buckets.append((f"{cursor:%m-%d}", cursor, cursor))
            cursor += dt.timedelta(days=1)
        else:
            end = min(period.end, cursor + dt.timedelta(days=6 - cursor.weekday()))
            buckets.append((f"{cursor:%m-%d}~{end:%m-%d}", cursor, end))
            cursor = end + dt.timedelta(days=1)
    series: dict[str, list[float]] = {}
    if not ledger.empty:
        for date, indicator, amount in zip(
            ledger["日期"], ledger["指标"], ledger["金额或数量"], strict=True
        ):
            if not indicator:
                continue
            values = series.setdefault(indicator, [0.0] * len(buckets))
            for i, (_, start, end) in enumerate(buckets):
                if start <= date <= end:
                    values[i] += float(amount)
    cards = [0.0] * len(buckets)
    for date in book.referrals["date"]:
        for i, (_, start, end) in enumerate(buckets):
            if isinstance(date, dt.date) and start <= date <= end:
                cards[i] += 1
    series[REFERRALS] = cards
    return [
        (
            f"{indicator}（{units.get(indicator, '张') if indicator != REFERRALS else '张'}）",
            [(label, _fmt(round(v, 2))) for (label, _, _), v in zip(buckets, values, strict=True)],
        )
        for indicator, values in series.items()
    ]


def build(book: Book, day: dt.date, meeting: str = "daily") -> Agenda:
    """The agenda for D. Daily: the day's figures; weekly/monthly: the week/month to date."""
    if meeting not in MEETING_PERIOD:
        raise ValueError(meeting)
    units = _units(book)
    every_period = compute_all(book, day)
    figures = every_period[MEETING_PERIOD[meeting]]
    month = every_period["month"]
    period = figures.period
    on_duty = _on_duty(book, day)
    host, host_note = _host(book, day, on_duty)
    active = [p.name for p in month.people]
    attendees = [n for n in (on_duty or active)] if meeting == "daily" else active

    # Section 1: totals and one line per person.
    traffic = _sum(
        t
        for d, t in zip(book.checklist["date"], book.checklist["traffic"], strict=True)
        if d in period
    )
    daily_rows = _daily_by_person(book, period)
    transactions = sum(v.get("transactions", 0) for v in daily_rows.values())
    ledger = figures.ledger
    sales_count = len(ledger)
    money = (
        float(ledger.loc[ledger["单位"] == "万元", "金额或数量"].sum()) if not ledger.empty else 0.0
    )
    branch = figures.branch_figures
    totals = [
        ("客流量", _fmt(traffic)),
        ("业务笔数", _fmt(transactions)),
        ("转介", _fmt(branch.referrals)),
        ("转介成功", _fmt(branch.successes)),
        ("成交笔数", _fmt(sales_count)),
        ("销售金额", _fmt(round(money, 2), "万元")),
    ]
    no_activity = traffic == 0 and transactions == 0 and branch.referrals == 0 and sales_count == 0
    referred_by_receiver: dict[str, int] = {}
    if not ledger.empty:
        for kind, receiver in zip(ledger["类型"], ledger["接收人"], strict=True):
            if kind != "自主":
                referred_by_receiver[receiver] = referred_by_receiver.get(receiver, 0) + 1
    present = set(attendees)
    month_people = {p.name: p for p in month.people}
    people = [
        _person_line(
            p, month_people[p.name], daily_rows.get(p.name, {}), referred_by_receiver.get(p.name, 0)
        )
        for p in figures.people
        if p.name in present and (p.targets or p.name in daily_rows or p.referrals or p.credited)
    ]
    month_branch = month.branch_figures
    branch_progress = [
        (i, _pct(month_branch.completion.get(i)), month_branch.status.get(i, ""))
        for i in month_branch.targets
    ]

    # Section 2: the branch's pace decides the focus.
    overall = month_branch.overall
    if overall is None:
        scored = [p.overall for p in month.people if p.overall is not None]
        overall = sum(scored) / len(scored) if scored else None
    pace = status_of(overall, month.month_progress, book.settings.tolerance)
    focus = "none" if pace is None else "marketing" if pace == BEHIND else "service"
    behind = sorted(
        (i for i, s in month_branch.status.items() if s == BEHIND),
        key=lambda i: month_branch.completion.get(i, 0),
    )
    if focus == "marketing" and not behind:
        behind = sorted(
            (i for p in month.people for i, s in p.status.items() if s == BEHIND), key=lambda i: i
        )
        behind = list(dict.fromkeys(behind))
    behind_people = []
    for p in sorted(month.people, key=lambda p: p.name):
        lagging = [f"{i} {_pct(p.completion.get(i))}" for i in behind if p.status.get(i) == BEHIND]
        if lagging:
            behind_people.append((p.name, "、".join(lagging)))
    horizon = next_workday(day)
    agenda = Agenda(
        branch=book.settings.branch or figures.branch,
        date=day,
        meeting=meeting,
        meeting_name=MEETING_NAMES[meeting],
        period_label={
            "日": f"{day:%Y-%m-%d}",
            "周": f"{period.start:%m-%d} 至 {day:%m-%d}",
            "月": f"{period.start:%m-%d} 至 {day:%m-%d}",
        }[period.kind],
        host=host,
        host_note=host_note,
        attendees=attendees,
        minutes=SECTION_MINUTES[meeting],
        section_titles=(PERIOD_SECTION_TITLES.get(meeting, SECTION_TITLES[0]), *SECTION_TITLES[1:]),  # type: ignore[arg-type]
        totals=totals,
        no_activity=no_activity,
        people=people,
        stars=month.stars if meeting != "daily" else {"每日之星": month.stars["每日之星"]},
        branch_progress=branch_progress,
        month_progress=month.month_progress,
        focus=focus,
        behind_indicators=[(i, _pct(month_branch.completion.get(i))) for i in behind],
        behind_people=behind_people,
        pairings=_pairings(month.people, behind),
        cases=_case_lines(book, period, {"问题", "风险", "投诉"}, {"服务", "运营"}),
        highlights=_case_lines(book, period, {"亮点"}, None),
        actions_due=_actions(book, day, horizon),
    )
    agenda.training_topic, agenda.training_content, agenda.training_source = _training(
        book, month, period, units, behind
    )
    tomorrow = [t for t in month.tomorrow if t["明日目标"] > 0]
    agenda.branch_tomorrow = "；".join(
        f"{t['指标']} {_fmt(t['明日目标'])}{_unit_of(t['指标'], units)}"
        for t in tomorrow
        if t["对象"] == "网点"
    )
    by_person: dict[str, list[str]] = {}
    for t in tomorrow:
        if t["对象"] != "网点" and t["对象"] in present | set(active):
            by_person.setdefault(t["对象"], []).append(
                f"{t['指标']} {_fmt(t['明日目标'])}{_unit_of(t['指标'], units)}"
            )
    agenda.people_tomorrow = [
        TargetLine(name, "；".join(items)) for name, items in by_person.items()
    ]
    products = book.products
    agenda.key_products = [
        p for p, i in zip(products["product"], products["indicator"], strict=True) if i in behind
    ][:4]
    grouped: dict[str, list[dict[str, Any]]] = {}
    for f in month.follow_ups:
        grouped.setdefault(f["接收人"] or "（未填接收人）", []).append(f)
    agenda.follow_ups = [
        FollowUpLine(
            name,
            len(rows),
            sum(r["逾期"] for r in rows),
            "、".join(mask_name(r["客户"]) for r in rows[:6]) + ("等" if len(rows) > 6 else ""),
        )
        for name, rows in grouped.items()
    ]
    agenda.open_actions = [a for a in _actions(book, day, None) if a not in agenda.actions_due]
    agenda.trends = _trends(book, figures, meeting, units)
    return agenda


def _unit_of(indicator: str, units: dict[str, str]) -> str:
    if indicator in (REFERRALS, SUCCESSES):
        return "张"
    return units.get(indicator, "")
