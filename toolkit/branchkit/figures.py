"""Every figure of SPEC §3, from typed tables, a date D and the settings. Pure: no files, no clock.

The flow: sales are credited to people (分润 or 双计), cards are matched to tracking rows
(转介编号, else same customer + referrer within 7 days), and per-person figures for the day,
week and month are compared with prorated targets. Rankings, stars, follow-ups and tomorrow's
targets are read off those.
"""

from __future__ import annotations

import datetime as dt
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from .parse import phone_key
from .problems import Problem
from .read import Book
from .schema import BRANCH_TARGET
from .workdays import (
    Period,
    days_between,
    month_bounds,
    next_workday,
    remaining_workdays,
    time_progress,
)

MATCH_WINDOW_DAYS = 7  # SPEC §3: the tracking row's 推荐时间 0–7 days after the card's 日期
REFERRALS, SUCCESSES = "转介数", "转介成功数"
AHEAD, ON_PACE, BEHIND = "超出进度", "正常进度", "低于进度"
STAR_CAP = 2.0  # one indicator far over target cannot carry a star on its own

# Roles ranked together, and the figure they are ranked by (SPEC §3 Rankings).
ROLE_GROUPS: dict[str, tuple[tuple[str, ...], str]] = {
    "客户助理/柜员": (("客户助理", "柜员"), "转介成功数"),
    "大堂经理/服务经理": (("大堂经理", "服务经理"), "自主销售+转介数"),
    "理财经理/客户经理": (("理财经理", "客户经理"), "记分业绩(万元)"),
}


def status_of(completion: float | None, progress: float, tolerance: float) -> str | None:
    """超出/正常/低于进度: completion against time progress, within the tolerance (SPEC §3)."""
    if completion is None:
        return None
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


def _objects(values: list[Any], index: pd.Index) -> pd.Series:
    """A plain object column: pandas 3 would infer its string dtype, which iterates far slower."""
    return pd.Series(values, index=index, dtype=object)


def _keep(table: pd.DataFrame, mask: list[bool]) -> pd.DataFrame:
    """Rows where mask is true (a plain list would select columns when it is empty)."""
    return table.loc[np.asarray(mask, dtype=bool)]


def _dated_rows(table: pd.DataFrame, column: str, last: dt.date) -> pd.DataFrame:
    """The rows whose `column` holds a date on or before `last`: one comparison per cell over
    100,000 rows, before any record is built for the few that pass."""
    dates = table[column].tolist()
    return table.iloc[[i for i, d in enumerate(dates) if isinstance(d, dt.date) and d <= last]]


def _ratio(num: float, den: float) -> float | None:
    return num / den if den else None


# ---------------------------------------------------------------- sales and credit


def sales_table(book: Book, day: dt.date) -> pd.DataFrame:
    """Tracking rows that are sales (product and amount > 0), dated on or before D."""
    tracking = book.tracking
    indicator_of: dict[str, str] = {}
    unit_of: dict[str, str] = {}
    for product, indicator, unit in zip(
        book.products["product"], book.products["indicator"], book.products["unit"], strict=True
    ):
        if product and product not in indicator_of:
            indicator_of[product], unit_of[product] = indicator, unit or ""
    rows = tracking[tracking["product"].notna() & (tracking["amount"] > 0)].copy()
    rows["sale_date"] = _objects(
        [
            c if isinstance(c, dt.date) else r
            for c, r in zip(rows["closed_on"], rows["referred_on"], strict=True)
        ],
        rows.index,
    )
    rows = _dated_rows(rows, "sale_date", day)
    rows["indicator"] = _objects([indicator_of.get(p) for p in rows["product"]], rows.index)
    rows["unit"] = _objects([unit_of.get(p, "") for p in rows["product"]], rows.index)
    return rows


REFERRER, RECEIVER = "推荐人", "接收人"  # a credit's role in its sale


def credits_for(sales: pd.DataFrame, share: float, mode: str) -> pd.DataFrame:
    """One row per person credited for a sale: person, role, indicator, amount, sale_row,
    sale_date. 分润: referrer r×A, receiver (1−r)×A; 双计: both A; self-sourced: receiver A
    (SPEC §3). Built column-wise: a parent branch's month has 150,000 credits."""
    counted = _keep(sales, [bool(i) for i in sales["indicator"]])  # not in 产品: none (SPEC §8)
    referrers = counted["referrer"].tolist()
    receivers = counted["receiver"].tolist()
    referred = np.array(
        [bool(a) and a != b for a, b in zip(referrers, receivers, strict=True)], dtype=bool
    )
    received = np.array([bool(b) for b in receivers], dtype=bool)
    amount = counted["amount"].to_numpy(dtype="float64")
    split = mode == "分润"
    to_referrer = amount * share if split else amount
    to_receiver = np.where(referred, amount * (1 - share), amount) if split else amount

    def part(role: str, who: str, keep: np.ndarray, amounts: np.ndarray) -> pd.DataFrame:
        rows = counted.loc[keep]
        return pd.DataFrame(
            {
                "person": rows[who].to_numpy(dtype=object),
                "role": role,
                "indicator": rows["indicator"].to_numpy(dtype=object),
                "amount": amounts[keep],
                "sale_row": rows["row"].to_numpy(dtype="int64"),
                "sale_date": rows["sale_date"].to_numpy(dtype=object),
            }
        )

    return pd.concat(
        [
            part(REFERRER, "referrer", referred, to_referrer),
            part(RECEIVER, "receiver", received, to_receiver),
        ],
        ignore_index=True,
    )


# ---------------------------------------------------------------- cards <-> tracking


def card_ids(referrals: pd.DataFrame) -> list[str]:
    """A card's 转介编号, or R-<row> when staff left it empty (shown, never written back)."""
    return [
        rid if rid else f"R-{row:04d}"
        for rid, row in zip(referrals["referral_id"], referrals["row"], strict=True)
    ]


def match_cards(book: Book, day: dt.date) -> tuple[dict[int, list[int]], dict[int, int]]:
    """Card row -> tracking rows, and tracking row -> card row, as known on D.

    转介编号 first when both rows carry one; otherwise the same customer (name and phone digits)
    and the same referrer, the tracking row's 推荐时间 0–7 days after the card's 日期 (nearest wins).
    """
    cards = book.referrals
    tracking = _dated_rows(book.tracking, "referred_on", day)
    by_id: dict[str, int] = {}
    by_person: dict[tuple[str, str], list[tuple[dt.date, int, str]]] = defaultdict(list)
    for row, rid, date, customer, phone, referrer in zip(
        cards["row"],
        cards["referral_id"],
        cards["date"],
        cards["customer"],
        cards["phone"],
        cards["referrer"],
        strict=True,
    ):
        if rid:
            by_id.setdefault(rid, row)
        if isinstance(date, dt.date) and customer and referrer:
            by_person[(customer, referrer)].append((date, row, phone_key(phone)))
    by_referral_id = list(map(by_id.get, tracking["referral_id"]))  # None: no id, or unknown
    rows = tracking["row"].tolist()
    unmatched = [i for i, card in enumerate(by_referral_id) if card is None]
    if unmatched:
        customers, referrers, dates, phones = (
            tracking[c].tolist() for c in ("customer", "referrer", "referred_on", "phone")
        )
        for i in unmatched:
            by_referral_id[i] = _card_by_person(
                by_person, customers[i], referrers[i], dates[i], phones[i]
            )
    card_to_rows: dict[int, list[int]] = defaultdict(list)
    row_to_card: dict[int, int] = {}
    for row, card in zip(rows, by_referral_id, strict=True):
        if card is not None:
            card_to_rows[card].append(row)
            row_to_card[row] = card
    return dict(card_to_rows), row_to_card


def _card_by_person(
    by_person: Mapping[tuple[str, str], list[tuple[dt.date, int, str]]],
    customer: str | None,
    referrer: str | None,
    referred_on: dt.date,
    phone: str | None,
) -> int | None:
    """The nearest earlier card of the same customer and referrer, within the window."""
    if not customer or not referrer:
        return None
    key = phone_key(phone)
    # Phone digits must agree when both forms have them; one left blank still matches.
    candidates = [
        ((referred_on - date).days, card_row)
        for date, card_row, card_key in by_person.get((customer, referrer), [])
        if 0 <= (referred_on - date).days <= MATCH_WINDOW_DAYS
        and (not key or not card_key or key == card_key)
    ]
    return min(candidates)[1] if candidates else None


# ---------------------------------------------------------------- per person


@dataclass
class PersonFigures:
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
    targets: dict[str, float] = field(default_factory=dict)
    completion: dict[str, float] = field(default_factory=dict)
    status: dict[str, str] = field(default_factory=dict)
    overall: float | None = None
    rank: int | None = None
    star_score: float | None = None
    group: str = ""
    primary: float | None = None
    group_rank: int | None = None
    money: float = 0.0  # credited amount over indicators counted in 万元 (units never mixed)

    @property
    def success_rate(self) -> float | None:
        return _ratio(self.successes, self.referrals)

    def actual(self, indicator: str) -> float:
        if indicator == REFERRALS:
            return float(self.referrals)
        if indicator == SUCCESSES:
            return float(self.successes)
        return self.credited.get(indicator, 0.0)


@dataclass
class Figures:
    branch: str
    day: dt.date
    period: Period
    time_progress: float  # of the period's target (1.0 for day and week: targets are prorated)
    month_progress: float
    people: list[PersonFigures]
    branch_figures: PersonFigures
    ledger: pd.DataFrame
    referrer_quality: list[dict[str, Any]]
    receiver_quality: list[dict[str, Any]]
    collaboration_share: float | None  # share of sales amount (万元) that came through referrals
    not_followed: list[dict[str, Any]]
    unverified: list[dict[str, Any]]
    follow_ups: list[dict[str, Any]]
    stars: dict[str, list[str]]
    tomorrow: list[dict[str, Any]]
    problems: list[Problem]
    settings: Any = None


def _workday_overrides(book: Book) -> dict[dt.date, bool]:
    cal = book.work_calendar
    return {
        d: bool(w)
        for d, w in zip(cal["date"], cal["workday"], strict=True)
        if isinstance(d, dt.date) and w is not None
    }


def _targets(book: Book) -> dict[str, dict[str, float]]:
    targets: dict[str, dict[str, float]] = defaultdict(dict)
    for subject, indicator, value in zip(
        book.targets["subject"], book.targets["indicator"], book.targets["target"], strict=True
    ):
        if (
            subject
            and indicator
            and isinstance(value, float)
            and not math.isnan(value)
            and value > 0
        ):
            targets[subject][indicator] = value
    return targets


def _period_share(period: Period, basis: str, overrides: Mapping[dt.date, bool]) -> float:
    """The part of the monthly target that falls in the period (1 for the month itself)."""
    if period.kind == "月":
        return 1.0
    first, last = month_bounds(period.end)
    start = max(period.start, first)
    total = days_between(first, last, basis, overrides)
    return days_between(start, period.end, basis, overrides) / total if total else 0.0


def person_figures(
    book: Book, day: dt.date, period: Period, context: _Context
) -> tuple[list[PersonFigures], PersonFigures]:
    days = period.days
    settings = book.settings
    roster = book.roster
    people: dict[str, PersonFigures] = {}
    for name, role, active in zip(roster["name"], roster["role"], roster["active"], strict=True):
        if name and active is not False and name not in people:
            people[name] = PersonFigures(name, role or "")
    branch = PersonFigures(BRANCH_TARGET, "网点")

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

    share = _period_share(period, settings.progress_basis, context.overrides)
    progress = context.month_progress if period.kind == "月" else 1.0
    for person in [*people.values(), branch]:
        for indicator, monthly in context.targets.get(person.name, {}).items():
            target = monthly * share
            person.targets[indicator] = monthly
            if target <= 0:
                continue
            completion = person.actual(indicator) / target
            person.completion[indicator] = completion
            person.status[indicator] = status_of(completion, progress, settings.tolerance) or ""
        if person.completion:
            person.overall = sum(person.completion.values()) / len(person.completion)
            quality = [min(v, STAR_CAP) for k, v in person.completion.items() if k != REFERRALS]
            has_result = person.successes > 0 or any(v > 0 for v in person.credited.values())
            person.star_score = sum(quality) / len(quality) if quality and has_result else None
    ranked = [p for p in people.values() if p.overall is not None]
    for person, rank in zip(ranked, competition_ranks(p.overall for p in ranked), strict=True):
        person.rank = rank
    for person in [*people.values(), branch]:
        person.money = sum(v for k, v in person.credited.items() if k in context.money_indicators)
    for group, (roles, _) in ROLE_GROUPS.items():
        members = [p for p in people.values() if p.role in roles]
        for person in members:
            person.group = group
            person.primary = _primary(person, group)
        for person, rank in zip(
            members, competition_ranks(p.primary for p in members), strict=True
        ):
            person.group_rank = rank
    return list(people.values()), branch


def _primary(person: PersonFigures, group: str) -> float:
    if group == "客户助理/柜员":
        return float(person.successes)
    if group == "大堂经理/服务经理":
        return float(person.own_sales + person.referrals)
    return round(person.money, 4)


# ---------------------------------------------------------------- the whole computation


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
    # (date, receiver) -> [cards received, followed, closed, first-follow-up days summed]
    received: dict[tuple[dt.date, str], list[int]] = field(default_factory=dict)
    money: dict[dt.date, list[float]] = field(default_factory=dict)  # [万元 sold, of it referred]


def _day_totals(
    book: Book,
    sales: pd.DataFrame,
    credits: pd.DataFrame,
    card_to_rows: Mapping[int, list[int]],
) -> _DayTotals:
    totals = _DayTotals()
    first_contact = dict(zip(book.tracking["row"], book.tracking["referred_on"], strict=True))
    # What each sale row brings its card: 万元 achieved, and whether it closed on site.
    sale_money = {
        row: (float(amount) if unit == "万元" else 0.0, on_site is True)
        for row, amount, unit, on_site in zip(
            sales["row"], sales["amount"], sales["unit"], sales["closed_on_site"], strict=True
        )
    }
    cards = book.referrals
    for row, date, referrer, receiver, on_site in zip(
        cards["row"],
        cards["date"],
        cards["referrer"],
        cards["receiver"],
        cards["on_site"],
        strict=True,
    ):
        if not isinstance(date, dt.date):
            continue
        rows = card_to_rows.get(row)
        won = [sale_money[r] for r in rows if r in sale_money] if rows else None
        if referrer:
            made = totals.cards.get((date, referrer))
            if made is None:
                made = totals.cards[(date, referrer)] = _CardsOfDay()
            made.made += 1
            made.on_site += bool(on_site)
            if rows:
                made.followed += 1
            if won:
                made.won += 1
                made.won_on_site += any(closed for _, closed in won)
                made.amount += sum(money for money, _ in won)
        if receiver:
            got = totals.received.setdefault((date, receiver), [0, 0, 0, 0])
            got[0] += 1
            if rows:
                got[1] += 1
                got[3] += (min(first_contact[r] for r in rows) - date).days
                got[2] += bool(won)
    by_day = credits.groupby(["sale_date", "person", "indicator"], sort=False)["amount"].sum()
    totals.credited = dict(zip(by_day.index, by_day.tolist(), strict=True))
    for date, indicator, unit, amount, referrer, receiver in zip(
        sales["sale_date"],
        sales["indicator"],
        sales["unit"],
        sales["amount"],
        sales["referrer"],
        sales["receiver"],
        strict=True,
    ):
        if indicator:
            totals.sold[(date, indicator)] = totals.sold.get((date, indicator), 0.0) + amount
        if unit == "万元":
            money = totals.money.setdefault(date, [0.0, 0.0])
            money[0] += amount
            if referrer and referrer != receiver:
                money[1] += amount
    daily = book.daily
    for date, name, own in zip(daily["date"], daily["name"], daily["own_sales"], strict=True):
        if isinstance(date, dt.date) and name and isinstance(own, float) and not math.isnan(own):
            totals.own_sales[(date, name)] = totals.own_sales.get((date, name), 0) + int(own)
    return totals


@dataclass
class _Context:
    day_totals: _DayTotals
    targets: dict[str, dict[str, float]]
    overrides: dict[dt.date, bool]
    month_progress: float
    money_indicators: frozenset[str]


PERIOD_KINDS = {
    "day": "day",
    "week": "week",
    "month": "month",
    "日": "day",
    "周": "week",
    "月": "month",
}


def compute(book: Book, day: dt.date, period_kind: str = "month") -> Figures:
    """The figures for one period (day, week to date or month to date) ending on D."""
    return compute_all(book, day)[PERIOD_KINDS[period_kind]]


def compute_all(book: Book, day: dt.date) -> dict[str, Figures]:
    """Day, week and month figures from one pass over sales, credits and card matching."""
    settings = book.settings
    overrides = _workday_overrides(book)
    sales = sales_table(book, day)
    credits = credits_for(sales, settings.share, settings.credit_mode)
    card_to_rows, row_to_card = match_cards(book, day)
    products = book.products
    money_indicators = frozenset(
        i for i, u in zip(products["indicator"], products["unit"], strict=True) if u == "万元"
    )
    totals = _day_totals(book, sales, credits, card_to_rows)
    context = _Context(
        totals,
        _targets(book),
        overrides,
        time_progress(day, settings.progress_basis, overrides),
        money_indicators,
    )
    periods = {kind: Period.of(kind, day) for kind in ("day", "week", "month")}
    by_period = {
        kind: person_figures(book, day, period, context) for kind, period in periods.items()
    }
    stars = {
        label: _stars(by_period[kind][0])
        for label, kind in (("每日之星", "day"), ("每周之星", "week"), ("每月之星", "month"))
    }
    not_followed = _not_followed(book, day, card_to_rows, settings.stale_days)
    unverified = _unverified(book, day, row_to_card)
    follow_ups = _follow_ups(book, day, overrides)
    tomorrow = _tomorrow(*by_period["month"], day, overrides)
    ledger = _ledger(sales, credits, row_to_card)
    result = {}
    for kind, period in periods.items():
        people, branch = by_period[kind]
        result[kind] = Figures(
            branch=settings.branch,
            day=day,
            period=period,
            time_progress=context.month_progress if period.kind == "月" else 1.0,
            month_progress=context.month_progress,
            people=people,
            branch_figures=branch,
            ledger=_period_rows(ledger, period),
            referrer_quality=_referrer_quality(people),
            receiver_quality=_receiver_quality(totals, period),
            collaboration_share=_collaboration_share(totals, period),
            not_followed=not_followed,
            unverified=unverified,
            follow_ups=follow_ups,
            stars=stars,
            tomorrow=tomorrow,
            problems=list(book.problems),
            settings=settings,
        )
    return result


def _stars(people: list[PersonFigures]) -> list[str]:
    """The top star score: completion of quality indicators, never raw referral counts."""
    scored = [p for p in people if p.star_score is not None]
    if not scored:
        return []
    best = max(round(p.star_score or 0, 9) for p in scored)
    return sorted(p.name for p in scored if round(p.star_score or 0, 9) == best)


def _ledger(
    sales: pd.DataFrame, credits: pd.DataFrame, row_to_card: dict[int, int]
) -> pd.DataFrame:
    """One row per sale: who referred, who received, and what each was credited; sorted by
    date then row. Built once, column by column; each period keeps its own days."""
    credited = {
        role: dict(zip(part["sale_row"].tolist(), part["amount"].tolist(), strict=True))
        for role, part in credits.groupby("role")
    }
    rows = sales["row"].tolist()
    referrers = sales["referrer"].tolist()
    receivers = sales["receiver"].tolist()
    referred = [bool(a) and a != b for a, b in zip(referrers, receivers, strict=True)]
    index = pd.RangeIndex(len(rows))
    ledger = pd.DataFrame(
        {
            "日期": _objects(sales["sale_date"].tolist(), index),
            "客户": _objects(sales["customer"].tolist(), index),
            "联系方式": _objects(sales["phone"].tolist(), index),
            "产品": _objects(sales["product"].tolist(), index),
            "指标": _objects([i or "" for i in sales["indicator"]], index),
            "金额或数量": sales["amount"].astype("float64").to_numpy(),
            "单位": _objects(sales["unit"].tolist(), index),
            "类型": _objects(
                [
                    ("转介" if row in row_to_card else "无卡转介") if is_referred else "自主"
                    for row, is_referred in zip(rows, referred, strict=True)
                ],
                index,
            ),
            "推荐人": _objects(
                [a if r else "" for a, r in zip(referrers, referred, strict=True)], index
            ),
            "推荐人记": pd.Series(list(map(credited.get(REFERRER, {}).get, rows)), dtype="float64"),
            "接收人": _objects([b or "" for b in receivers], index),
            "接收人记": pd.Series(list(map(credited.get(RECEIVER, {}).get, rows)), dtype="float64"),
            "来源": _objects([f"追踪表!{r}" for r in rows], index),
            "_row": pd.Series(rows, dtype="int64"),
        }
    )
    return ledger.sort_values(["日期", "_row"], kind="stable").reset_index(drop=True)


def _period_rows(ledger: pd.DataFrame, period: Period) -> pd.DataFrame:
    return ledger[ledger["日期"].isin(period.days)].reset_index(drop=True)


def _referrer_quality(people: list[PersonFigures]) -> list[dict[str, Any]]:
    rows = []
    for p in sorted(people, key=lambda p: (-(p.success_rate or 0), -p.referrals, p.name)):
        if not p.referrals:
            continue
        rows.append(
            {
                "推荐人": p.name,
                "岗位": p.role,
                "转介数": p.referrals,
                "跟进数": p.followed,
                "跟进率": _ratio(p.followed, p.referrals),
                "转介成功数": p.successes,
                "转介成功率": p.success_rate,
                "现场推荐率": _ratio(p.on_site, p.referrals),
                "现场达成率": _ratio(p.closed_on_site, p.referrals),
                "达成金额(万元)": round(p.referred_amount, 4),
            }
        )
    return rows


def _receiver_quality(totals: _DayTotals, period: Period) -> list[dict[str, Any]]:
    days = period.days
    stats: dict[str, list[int]] = {}  # receiver -> [received, followed, closed, days summed]
    for (date, receiver), counts in totals.received.items():
        if date in days:
            total = stats.setdefault(receiver, [0, 0, 0, 0])
            for i, count in enumerate(counts):
                total[i] += count
    result = []
    for name, (received, followed, closed, waited) in sorted(
        stats.items(), key=lambda kv: (-(_ratio(kv[1][2], kv[1][0]) or 0), kv[0])
    ):
        result.append(
            {
                "接收人": name,
                "接收数": received,
                "跟进数": followed,
                "成交数": closed,
                "转化率": _ratio(closed, received),
                "平均首次跟进天数": round(waited / followed, 2) if followed else None,
            }
        )
    return result


def _collaboration_share(totals: _DayTotals, period: Period) -> float | None:
    """The share of 万元 sales that came through a referral."""
    sold = referred = 0.0
    for date, (amount, through_referral) in totals.money.items():
        if date in period.days:
            sold += amount
            referred += through_referral
    return _ratio(referred, sold)


def _not_followed(
    book: Book, day: dt.date, card_to_rows: dict[int, list[int]], stale_days: int
) -> list[dict[str, Any]]:
    """Cards with no tracking row more than 未跟进天数 days after their date (SPEC §3)."""
    waited = dt.timedelta(days=min(stale_days, 36_500) + 1)  # a typo of 9999999 days: no crash
    cards = _dated_rows(book.referrals, "date", day - waited)
    cards = cards[~cards["row"].isin(list(card_to_rows))]
    result = []
    for rid, row, date, customer, phone, referrer, receiver, need in zip(
        card_ids(cards),
        cards["row"],
        cards["date"],
        cards["customer"],
        cards["phone"],
        cards["referrer"],
        cards["receiver"],
        cards["need"],
        strict=True,
    ):
        result.append(
            {
                "转介编号": rid,
                "推荐人": referrer or "",
                "接收人": receiver or "",
                "日期": date,
                "客户": customer or "",
                "联系方式": phone or "",
                "客户需求": need or "",
                "已过天数": (day - date).days,
                "行": row,
            }
        )
    return sorted(result, key=lambda r: (r["日期"], r["行"]))


def _unverified(book: Book, day: dt.date, row_to_card: dict[int, int]) -> list[dict[str, Any]]:
    """Tracking rows naming a referrer with no matching card: credited, but listed (无卡转介)."""
    tracking = _dated_rows(book.tracking, "referred_on", day)
    tracking = tracking[~tracking["row"].isin(list(row_to_card))]
    result = []
    for row, date, referrer, receiver, customer in zip(
        tracking["row"],
        tracking["referred_on"],
        tracking["referrer"],
        tracking["receiver"],
        tracking["customer"],
        strict=True,
    ):
        if referrer and referrer != receiver:
            result.append(
                {
                    "表": book.sheet_name("tracking"),
                    "行": row,
                    "推荐人": referrer,
                    "接收人": receiver or "",
                    "客户": customer or "",
                    "推荐时间": date,
                }
            )
    return result


def _follow_ups(
    book: Book, day: dt.date, overrides: Mapping[dt.date, bool]
) -> list[dict[str, Any]]:
    """Rows whose 建议下次联系时间 is on or before the next work day; before D is overdue."""
    horizon = next_workday(day, overrides)
    tracking = book.tracking
    due = _dated_rows(tracking, "next_contact", horizon)
    result = []
    for row, when, receiver, customer, phone, product, note in zip(
        due["row"],
        due["next_contact"],
        due["receiver"],
        due["customer"],
        due["phone"],
        due["product"],
        due["note"],
        strict=True,
    ):
        result.append(
            {
                "接收人": receiver or "",
                "客户": customer or "",
                "联系方式": phone or "",
                "建议下次联系时间": when,
                "逾期": when < day,
                "逾期天数": max(0, (day - when).days),
                "产品": product or "",
                "备注": note or "",
                "行": row,
            }
        )
    return sorted(result, key=lambda r: (r["接收人"], r["建议下次联系时间"], r["行"]))


def _tomorrow(
    people: list[PersonFigures],
    branch: PersonFigures,
    day: dt.date,
    overrides: Mapping[dt.date, bool],
) -> list[dict[str, Any]]:
    """(monthly target − month-to-date actual) ÷ remaining work days, never negative (SPEC §3).

    On the month's last work day the whole gap is tomorrow's (there is no later day to spread it)."""
    remaining = max(1, remaining_workdays(day, overrides))
    result = []
    for person in [branch, *people]:
        for indicator, target in person.targets.items():
            actual = person.actual(indicator)
            result.append(
                {
                    "对象": person.name,
                    "指标": indicator,
                    "月目标": target,
                    "已完成": round(actual, 4),
                    "明日目标": round(max(0.0, target - actual) / remaining, 4),
                }
            )
    return result
