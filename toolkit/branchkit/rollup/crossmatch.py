"""Cross-branch referrals matched across two branches' workbooks (docs/口径.md#跨网点配对). Pure.

A card in branch A's workbook names a person of branch B as its receiver (人民路支行·周建); B's
receiver records the customer in B's tracking sheet, naming A's referrer as 火车站支行·王五. Each
workbook alone credits its own person: B's receiver gets the receiver's share of the sale in
B's figures, and A's card counts among A's referrer's 转介数, its outcome unknown to A. The
parent branch's rollup holds both workbooks: `match_across` pairs the card with B's rows (the
same customer, B's row 0 to 匹配天数 days after the card), and `referrer_credits` gives A's
referrer what a referrer gets — the 转介成功 and the referrer's share of the sale, by A's own 分润
rules — so both people are credited in the network's league.

Each workbook's part is a small `CrossSide`, made where the workbook is read (`cross_side`), so a
rollup's per-workbook step can hand it over with the rest of its summary.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

from ..credit import credit_split
from ..figures import PersonFigures, judge
from ..matching import dated_on_or_before
from ..parse import other_branch, phone_key, phones_agree
from ..read import Book
from ..schema import REFERRAL_INDICATORS
from ..settings import Settings
from ..vocab import Unit


@dataclass(frozen=True)
class CrossCard:
    """A card of this branch's referrer for another branch's receiver."""

    row: int
    date: dt.date
    customer: str
    phone: str  # digits as parse.phone_key keeps them; '' when unknown
    referrer: str
    to_branch: str
    receiver: str  # the other branch's person


@dataclass(frozen=True)
class CrossSale:
    indicator: str
    unit: Unit | str
    amount: float
    date: dt.date


@dataclass(frozen=True)
class CrossRow:
    """A tracking row of this branch's receiver whose referrer is another branch's person."""

    row: int
    date: dt.date  # 推荐时间
    customer: str
    phone: str
    from_branch: str
    referrer: str  # the other branch's person
    receiver: str
    sale: CrossSale | None


@dataclass(frozen=True)
class CrossSide:
    """What one workbook brings to the matching: its branch, its rules, its cards and rows."""

    branch: str  # 网点名称
    settings: Settings  # 匹配天数, and the 分润 rules its referrers are credited by
    cards: tuple[CrossCard, ...] = ()
    rows: tuple[CrossRow, ...] = ()
    # The indicators 排名得分 leaves out (转介数 and the checklist's quantities): for judging a
    # referrer again with their credit.
    raw_counts: tuple[str, ...] = (REFERRAL_INDICATORS[0],)

    def __bool__(self) -> bool:
        return bool(self.cards or self.rows)


def cross_side(book: Book, day: dt.date) -> CrossSide:
    """The workbook's cross-branch cards and rows dated on or before D."""
    raw_counts = (REFERRAL_INDICATORS[0], *book.catalogue.measures)
    empty = CrossSide(book.settings.branch, book.settings, raw_counts=raw_counts)
    named = set(book.referrals["receiver"]) | set(book.tracking["referrer"])
    if not any(map(other_branch, named)):  # as good as always: nothing to walk
        return empty
    cards = dated_on_or_before(book.referrals, "date", day)
    found_cards = []
    for row, date, customer, phone, referrer, receiver in cards.zip(
        "row", "date", "customer", "phone", "referrer", "receiver"
    ):
        other = other_branch(receiver)
        if other and customer and referrer and not other_branch(referrer):
            found_cards.append(
                CrossCard(row, date, customer, phone_key(phone), referrer, other[0], other[1])
            )
    tracking = dated_on_or_before(book.tracking, "referred_on", day)
    found_rows = []
    for row, date, customer, phone, referrer, receiver, product, amount, closed in tracking.zip(
        "row",
        "referred_on",
        "customer",
        "phone",
        "referrer",
        "receiver",
        "product",
        "amount",
        "closed_on",
    ):
        other = other_branch(referrer)
        if not other or not customer or not receiver:
            continue
        listed = book.catalogue.product(product) if product else None
        when = closed if isinstance(closed, dt.date) else date
        sale = None
        if listed is not None and isinstance(amount, float) and amount > 0 and when <= day:
            sale = CrossSale(listed.indicator, listed.unit, amount, when)
        found_rows.append(
            CrossRow(row, date, customer, phone_key(phone), other[0], other[1], receiver, sale)
        )
    return CrossSide(
        book.settings.branch, book.settings, tuple(found_cards), tuple(found_rows), raw_counts
    )


@dataclass(frozen=True)
class CrossMatch:
    """A card of one branch and the other branch's tracking rows that answer it."""

    branch: str  # the card's (the referrer's) branch
    card: CrossCard
    to_branch: str
    rows: tuple[CrossRow, ...]

    @property
    def closed(self) -> bool:
        return any(r.sale is not None for r in self.rows)


def match_across(sides: Iterable[CrossSide]) -> list[CrossMatch]:
    """Each cross-branch row finds the nearest earlier card of its branch's card log: the card
    names the row's branch and receiver, the row names the card's branch and referrer, the
    customer is the same (name, and the phone's digits when both have them), and the row is
    0 to the card branch's 匹配天数 days after the card (docs/口径.md#跨网点配对)."""
    sides = list(sides)
    cards: dict[tuple[str, str, str, str, str], list[tuple[CrossCard, int]]] = {}
    for side in sides:
        for card in side.cards:
            key = (side.branch, card.referrer, card.to_branch, card.receiver, card.customer)
            cards.setdefault(key, []).append((card, side.settings.match_days))
    matched: dict[tuple[str, int], CrossMatch] = {}
    for side in sides:
        for row in side.rows:
            key = (row.from_branch, row.referrer, side.branch, row.receiver, row.customer)
            near = [
                ((row.date - card.date).days, card.row, card)
                for card, window in cards.get(key, [])
                if 0 <= (row.date - card.date).days <= window
                and phones_agree(row.phone, card.phone)
            ]
            if not near:
                continue
            card = min(near, key=lambda n: (n[0], n[1]))[2]
            at = (row.from_branch, card.row)
            found = matched.get(at)
            rows = (*found.rows, row) if found else (row,)
            matched[at] = CrossMatch(row.from_branch, card, side.branch, rows)
    return [matched[at] for at in sorted(matched)]


@dataclass
class ReferrerCredit:
    """What a referrer's cross-branch cards brought in the period, by their branch's rules."""

    successes: int = 0  # cards of the period answered with a sale
    credited: dict[str, float] = field(default_factory=dict)  # indicator -> referrer's share
    money: float = 0.0  # of it, in 万元 (记分业绩)


def referrer_credits(
    matches: Iterable[CrossMatch],
    settings: dict[str, Settings],
    start: dt.date,
    end: dt.date,
) -> dict[tuple[str, str], ReferrerCredit]:
    """(branch, referrer) -> the credit their cross-branch cards earn in start..end: a 转介成功
    for each card dated in the period that was closed by D, and the referrer's share of each
    sale dated in the period — r × A in 分润, A in 双计, a whole count by 计数归属 — as the
    card's branch credits its referrers (docs/口径.md#业绩记分)."""
    credits: dict[tuple[str, str], ReferrerCredit] = {}
    for match in matches:
        rules = settings[match.branch]
        credit = credits.setdefault((match.branch, match.card.referrer), ReferrerCredit())
        if match.closed and start <= match.card.date <= end:
            credit.successes += 1
        for row in match.rows:
            sale = row.sale
            if sale is None or not start <= sale.date <= end:
                continue
            share, _ = credit_split(sale.amount, True, sale.unit, rules)
            if share is not None:
                credit.credited[sale.indicator] = credit.credited.get(sale.indicator, 0.0) + share
                credit.money += share if sale.unit is Unit.WAN_YUAN else 0.0
    return credits


def with_credit(
    person: PersonFigures, credit: ReferrerCredit, settings: Settings, raw_counts: Iterable[str]
) -> PersonFigures:
    """The person's figures with their cross-branch credit added and judged again (completion,
    pace, 排名得分): what the network's league ranks. The branch's own figures stay as its
    workbook alone gives them."""
    credited = dict(person.credited)
    for indicator, amount in credit.credited.items():
        credited[indicator] = credited.get(indicator, 0.0) + amount
    updated = replace(
        person,
        credited=credited,
        successes=person.successes + credit.successes,
        money=person.money + credit.money,
    )
    judge(updated, settings, raw_counts)
    return updated
