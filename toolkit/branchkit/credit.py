"""Sales and who is credited for them (docs/口径.md#业绩记分).

A tracking row with a product and an amount > 0 is a sale, counted on its 达成日期 (else its
推荐时间). In 分润 mode the referrer gets r × A of money and the receiver (1 − r) × A; in 双计
mode both get A; counts are never split; a self-sourced sale (no referrer, or referrer =
receiver) credits A to the receiver alone. A sale of a product not in 产品 counts toward no
indicator and credits nobody (docs/口径.md#数据错误).
Each sale is one record, built once; the ledger tab, the day totals and the agenda read it.
"""

from __future__ import annotations

import datetime as dt
from operator import attrgetter
from typing import NamedTuple

from .catalogue import Catalogue
from .matching import Matches
from .parse import other_branch
from .settings import Settings
from .table import Table
from .vocab import (
    CROSS_BRANCH,
    OWN,
    REFERRED,
    UNVERIFIED,
    CountCredit,
    CreditMode,
    SaleKind,
    Unit,
)


def credit_split(
    amount: float, referred: bool, unit: Unit | str, settings: Settings
) -> tuple[float | None, float | None]:
    """(referrer's credit, receiver's credit) for one sale; None: not credited
    (docs/口径.md#业绩记分).

    Money (万元 / 元) splits r : 1 − r in 分润 mode; a count (张 / 户 / 笔: a credit card, a
    mobile-banking sign-up) is one thing and is never split: by 计数归属 both parties get the whole
    count, or one of them does."""
    if not referred:
        return None, amount
    if isinstance(unit, Unit) and unit.is_count:
        if settings.count_credit is CountCredit.RECEIVER:
            return None, amount
        if settings.count_credit is CountCredit.REFERRER:
            return amount, None
        return amount, amount
    if settings.credit_mode is CreditMode.SPLIT:
        return amount * settings.share, amount * (1 - settings.share)
    return amount, amount


def _kind(referred: bool, matched: bool, referrer: str | None) -> SaleKind:
    """Through a card of this workbook; a referrer of another branch, whose card is in their own
    workbook (docs/口径.md#跨网点转介); no card at all (无卡转介); or the receiver's own."""
    if not referred:
        return OWN
    if matched:
        return REFERRED
    return CROSS_BRANCH if other_branch(referrer) else UNVERIFIED


class Sale(NamedTuple):
    """One sale and what each party was credited (None: not credited)."""

    date: dt.date
    row: int  # the tracking row (追踪表!row)
    customer: str
    phone: str
    product: str
    indicator: str  # '' when the product is not in 产品
    unit: Unit | str  # the product's (see catalogue.Product); '' when it is not in 产品
    amount: float
    kind: SaleKind
    referrer: str  # '' for a self-sourced sale
    referrer_credit: float | None
    receiver: str
    receiver_credit: float | None
    closed_on_site: bool


def sales_of(
    tracking: Table,
    catalogue: Catalogue,
    matches: Matches,
    day: dt.date,
    settings: Settings,
) -> list[Sale]:
    """The sales dated on or before D, in date then row order, with their credits."""
    products = catalogue.products
    matched = matches.row_to_card
    date_type = dt.date
    sales: list[Sale] = []
    for (
        row,
        product,
        amount,
        closed_on,
        referred_on,
        customer,
        phone,
        referrer,
        receiver,
        on_site,
    ) in tracking.zip(
        "row",
        "product",
        "amount",
        "closed_on",
        "referred_on",
        "customer",
        "phone",
        "referrer",
        "receiver",
        "closed_on_site",
    ):
        if not product or amount is None or amount <= 0:
            continue
        date = closed_on if isinstance(closed_on, date_type) else referred_on
        if not isinstance(date, date_type) or date > day:
            continue
        listed = products.get(product)
        indicator = listed.indicator if listed else ""
        referred = bool(referrer) and referrer != receiver
        if not indicator:
            to_referrer = to_receiver = None
        else:
            to_referrer, to_receiver = credit_split(amount, referred, listed.unit, settings)  # type: ignore[union-attr]
        kind = _kind(referred, row in matched, referrer)
        sales.append(
            Sale(
                date,
                row,
                customer or "",
                phone or "",
                product,
                indicator,
                listed.unit if listed else "",
                float(amount),
                kind,
                referrer if referred else "",
                to_referrer,
                receiver or "",
                to_receiver if receiver else None,
                on_site is True,
            )
        )
    sales.sort(key=attrgetter("date", "row"))
    return sales
