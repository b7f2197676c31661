"""The two forms reconciled (docs/口径.md#对账与匹配): which tracking rows answer which card.

A card is matched by 转介编号 when both rows carry one; otherwise by the same customer (name and
phone digits) and the same referrer, the tracking row's 推荐时间 0 to 匹配天数 days after the
card's 日期 (the nearest card wins): a customer who comes back two weeks later to buy is still the
card's. A card or row naming a person of another branch (网点·姓名) is a cross-branch referral,
listed apart. Pure: tables and a date in, matches and lists out.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from functools import cached_property

from .parse import other_branch, phone_key, phones_agree
from .table import Table


def dated_on_or_before(table: Table, column: str, last: dt.date) -> Table:
    """The rows whose `column` holds a date on or before `last` (rows dated after D, or with no
    date, do not count for D's figures: docs/口径.md#期间). When every row does, the table's own
    column lists are shared rather than copied (tables are never changed once read)."""
    dates = table[column]
    if dates and set(map(type, dates)) == {dt.date} and max(dates) <= last:
        return Table(dict(table.columns))  # every row counts (D at the month's end): no copying
    return table.take(i for i, d in enumerate(dates) if isinstance(d, dt.date) and d <= last)


def card_ids(cards: Table) -> list[str]:
    """A card's 转介编号, or where to find it when staff left it empty ("未编号·第12行": shown,
    never written back; `fill` gives such cards real numbers)."""
    return [rid or f"未编号·第{row}行" for rid, row in cards.zip("referral_id", "row")]


@dataclass(frozen=True)
class Matches:
    """Card row -> its tracking rows, and tracking row -> its card row, as known on D; and which
    tracking rows record a contact with the customer."""

    card_to_rows: Mapping[int, list[int]]
    row_to_card: Mapping[int, int]
    contacts: frozenset[int] = frozenset()

    def contacted(self, card_row: int) -> bool:
        """The card's customer was reached: some matching row records a contact
        (docs/口径.md#对账与匹配)."""
        return card_row in self.contacted_cards

    @cached_property
    def contacted_cards(self) -> frozenset[int]:
        """The card rows whose customer was reached, found once for every card."""
        contacts = self.contacts
        return frozenset(
            card for card, rows in self.card_to_rows.items() if not contacts.isdisjoint(rows)
        )


def contact_rows(tracking: Table) -> frozenset[int]:
    """Tracking rows that record the receiver reaching the customer (docs/口径.md#对账与匹配): a
    首次联系日期, a sale, a 建议下次联系时间, an on-site outcome or a note. A bare row — what `fill`
    creates for each new card — is not a contact until the receiver writes one of these."""
    return frozenset(
        row
        for row, first, product, amount, next_contact, on_site, note in tracking.zip(
            "row", "first_contact", "product", "amount", "next_contact", "closed_on_site", "note"
        )
        if isinstance(first, dt.date)
        or (product and amount is not None and amount > 0)
        or isinstance(next_contact, dt.date)
        or on_site is not None
        or note
    )


def match_cards(cards: Table, tracking: Table, day: dt.date, window: int) -> Matches:
    """Which tracking rows (dated on or before D) answer which card; `window` is 设置 匹配天数,
    how many days after a card a row of the same customer and referrer is still its."""
    tracking = dated_on_or_before(tracking, "referred_on", day)
    by_id: dict[str, int] = {}
    by_person: dict[tuple[str, str], list[tuple[dt.date, int, str]]] = defaultdict(list)
    for row, rid, date, customer, phone, referrer in cards.zip(
        "row", "referral_id", "date", "customer", "phone", "referrer"
    ):
        if rid:
            by_id.setdefault(rid, row)
        if isinstance(date, dt.date) and customer and referrer:
            by_person[(customer, referrer)].append((date, row, phone_key(phone)))
    found = list(map(by_id.get, tracking["referral_id"]))  # None: no id, or unknown
    unmatched = [i for i, card in enumerate(found) if card is None]
    if unmatched:
        customers, referrers, dates, phones = (
            tracking[c] for c in ("customer", "referrer", "referred_on", "phone")
        )
        for i in unmatched:
            found[i] = _card_by_person(
                by_person, customers[i], referrers[i], dates[i], phones[i], window
            )
    card_to_rows: dict[int, list[int]] = defaultdict(list)
    row_to_card: dict[int, int] = {}
    for row, card in zip(tracking["row"], found, strict=True):
        if card is not None:
            card_to_rows[card].append(row)
            row_to_card[row] = card
    return Matches(dict(card_to_rows), row_to_card, contact_rows(tracking))


def _card_by_person(
    by_person: Mapping[tuple[str, str], list[tuple[dt.date, int, str]]],
    customer: str | None,
    referrer: str | None,
    referred_on: dt.date,
    phone: str | None,
    window: int,
) -> int | None:
    """The nearest earlier card of the same customer and referrer, within the window."""
    if not customer or not referrer:
        return None
    key = phone_key(phone)
    # Phone digits must agree when both forms have them; one left blank still matches.
    candidates = [
        ((referred_on - date).days, card_row)
        for date, card_row, card_key in by_person.get((customer, referrer), [])
        if 0 <= (referred_on - date).days <= window and phones_agree(key, card_key)
    ]
    return min(candidates)[1] if candidates else None


# ---------------------------------------------------------------- what the supervisor is shown


@dataclass(frozen=True)
class NotFollowed:
    """A card nobody has answered in the tracking sheet after 未跟进天数 days (未跟进)."""

    referral_id: str
    referrer: str
    receiver: str
    date: dt.date
    customer: str
    phone: str
    need: str
    days_waited: int
    row: int


@dataclass(frozen=True)
class CrossBranch:
    """A card or tracking row naming a person of another branch (网点·姓名): a cross-branch
    referral, listed apart (docs/口径.md#跨网点转介) and matched across workbooks by the rollup."""

    sheet: str
    row: int
    date: dt.date
    referrer: str
    receiver: str
    customer: str
    phone: str
    branch: str  # the other branch
    amount: float | None  # a tracking row's sale, in its product's unit (None: none yet)


@dataclass(frozen=True)
class Unverified:
    """A tracking row naming a referrer with no matching card (无卡转介): credited, but listed."""

    sheet: str
    row: int
    referrer: str
    receiver: str
    customer: str
    referred_on: dt.date
    # The latest earlier card of the same customer and referrer, when there is one: too old for
    # 匹配天数 to take it (a customer back after a month), so 转介编号 is the way to say it is hers.
    older_card: dt.date | None = None
    older_card_id: str = ""  # its 转介编号, when it has one

    @property
    def older(self) -> tuple[dt.date, str] | None:
        """The older card's date and 转介编号, for a table's one column."""
        return (self.older_card, self.older_card_id) if self.older_card else None


def not_followed(
    cards: Table, matches: Matches, day: dt.date, stale_days: int
) -> list[NotFollowed]:
    """Cards whose customer nobody has contacted more than 未跟进天数 days after their date
    (docs/口径.md#对账与匹配); a bare tracking row made by `fill` does not count as a contact. A
    card for another branch's receiver (网点·姓名) is followed up in that branch's workbook, out
    of this one's sight: it is a cross-branch referral, never 未跟进 here."""
    waited = dt.timedelta(days=min(stale_days, 36_500) + 1)  # a typo of 9999999 days: no crash
    stale = dated_on_or_before(cards, "date", day - waited)
    result = [
        NotFollowed(
            rid,
            referrer or "",
            receiver or "",
            date,
            customer or "",
            phone or "",
            need or "",
            (day - date).days,
            row,
        )
        for rid, row, date, customer, phone, referrer, receiver, need in zip(
            card_ids(stale),
            *(
                stale[c]
                for c in ("row", "date", "customer", "phone", "referrer", "receiver", "need")
            ),
            strict=True,
        )
        if not matches.contacted(row) and not other_branch(receiver)
    ]
    return sorted(result, key=lambda r: (r.date, r.row))


def unverified(
    tracking: Table,
    sheet: str,
    matches: Matches,
    day: dt.date,
    since: dt.date,
    cards: Table | None = None,
    window: int = 0,
) -> list[Unverified]:
    """Tracking rows naming a referrer of this branch that no card answers (无卡转介), dated
    `since` (the month's first day: a row carried from last month was listed there,
    docs/口径.md#上月结转) to D, each with the latest card among `cards` of its customer and
    referrer (and phone, when both give one) older than the `window` of 匹配天数. A referrer of
    another branch wrote the card in their own workbook: a cross-branch referral, not 无卡."""
    rows = dated_on_or_before(tracking, "referred_on", day)
    found = [
        (Unverified(sheet, row, referrer, receiver or "", customer or "", date), phone_key(phone))
        for row, date, referrer, receiver, customer, phone in rows.zip(
            "row", "referred_on", "referrer", "receiver", "customer", "phone"
        )
        if row not in matches.row_to_card
        and referrer
        and referrer != receiver
        and date >= since
        and not other_branch(referrer)
    ]
    if not found or cards is None:
        return [u for u, _ in found]
    earlier: dict[tuple[str, str], list[tuple[dt.date, str, str]]] = defaultdict(list)
    for date, rid, customer, referrer, phone in cards.zip(
        "date", "referral_id", "customer", "referrer", "phone"
    ):
        if isinstance(date, dt.date) and customer and referrer:
            earlier[(customer, referrer)].append((date, phone_key(phone), rid or ""))
    result = []
    for u, phone in found:
        older = [
            (date, rid)
            for date, card_phone, rid in earlier.get((u.customer, u.referrer), ())
            if (u.referred_on - date).days > window and phones_agree(phone, card_phone)
        ]
        if older:
            date, rid = max(older)
            u = replace(u, older_card=date, older_card_id=rid)
        result.append(u)
    return result


def cross_branch(
    cards: Table, tracking: Table, sheets: tuple[str, str], day: dt.date, since: dt.date
) -> list[CrossBranch]:
    """Every card and tracking row dated `since` to D that names a person of another branch
    as referrer or receiver (docs/口径.md#跨网点转介), cards first, each in row order."""
    found = []
    for sheet, table, date_column in (
        (sheets[0], cards, "date"),
        (sheets[1], tracking, "referred_on"),
    ):
        names = set(table["referrer"]) | set(table["receiver"])
        if not any(map(other_branch, names)):  # as good as always: nothing to walk
            continue
        rows = dated_on_or_before(table, date_column, day)
        amounts = rows["amount"] if "amount" in rows else [None] * len(rows)
        for row, date, referrer, receiver, customer, phone, amount in zip(
            *(rows[c] for c in ("row", date_column, "referrer", "receiver", "customer", "phone")),
            amounts,
            strict=True,
        ):
            other = other_branch(referrer) or other_branch(receiver)
            if other is None or date < since:
                continue
            found.append(
                CrossBranch(
                    sheet,
                    row,
                    date,
                    referrer or "",
                    receiver or "",
                    customer or "",
                    phone or "",
                    other[0],
                    amount if amount and amount > 0 else None,
                )
            )
    return found


@dataclass(frozen=True)
class NumberRepeats:
    """Cards whose 转介编号 an earlier card already has, each to that earlier card's row.

    A tracking row carrying a number belongs to the first card with it, so a second card with the
    number would never be matched: fill would give it a tracking row at every run. `again`: the
    same customer (name, and phone where both have one) — one card typed twice, whose news is
    the first's. `taken`: another customer — a wrong number, to correct before the card goes on."""

    again: dict[int, int]
    taken: dict[int, int]


def number_repeats(cards: Table, numbers: Mapping[int, str] | None = None) -> NumberRepeats:
    """`numbers`: every card's number by row (fill's, with those it plans); else as typed."""
    if numbers is None:
        numbers = {row: rid for row, rid in cards.zip("row", "referral_id") if rid}
    who = {
        row: (customer, phone_key(phone))
        for row, customer, phone in cards.zip("row", "customer", "phone")
    }
    first: dict[str, int] = {}
    again: dict[int, int] = {}
    taken: dict[int, int] = {}
    for row in sorted(numbers):
        earlier = first.setdefault(numbers[row], row)
        if earlier == row:
            continue
        (name, phone), (first_name, first_phone) = (
            who.get(row, ("", "")),
            who.get(earlier, ("", "")),
        )
        same = name == first_name and phones_agree(phone, first_phone)
        (again if same else taken)[row] = earlier
    return NumberRepeats(again, taken)
