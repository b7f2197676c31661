"""Checks that need more than one sheet (docs/口径.md#数据错误): people not on the roster, products
not in the catalogue, amounts no single sale can be (an error) or unusually large for the branch.

Each test runs over a column's distinct values first; only the rows that fail are visited, so a
parent branch's 100,000 tracking rows cost a few set operations.
"""

from __future__ import annotations

import datetime as dt
import math
import statistics
from typing import TYPE_CHECKING

from . import schema
from .catalogue import OTHER_CAP
from .problems import ERROR, WARNING, Problem
from .vocab import Unit, role_group

if TYPE_CHECKING:
    from .read import Book


def cross_check(book: Book) -> None:
    _check_people(book, "referrals", ("referrer", "receiver"))
    _check_people(book, "tracking", ("referrer", "receiver"))
    _check_people(book, "daily", ("name",))
    _check_people(book, "checklist", ("owner", "fix_owner", "checker"))
    _check_sales(book)
    _check_checklist(book)


def _check_people(book: Book, key: str, columns: tuple[str, ...]) -> None:
    people = {n for n in book.roster["name"] if n}
    if not people:
        return
    table = book.tables[key]
    sheet = schema.SHEETS_BY_KEY[key]
    for col_key in columns:
        names = table[col_key]
        unknown = {n for n in set(names) if n and n not in people}
        if not unknown:
            continue
        rows = table["row"]
        for i in [i for i, name in enumerate(names) if name in unknown]:
            book.problems.append(
                Problem(
                    book.sheet_name(key),
                    book.cell(key, col_key, rows[i]),
                    names[i],
                    "人员表中没有此人",
                    WARNING,
                    f"请在“人员”表添加，或核对{sheet.column(col_key).header}",
                )
            )


def _check_checklist(book: Book) -> None:
    """每日清单 (docs/口径.md#数据错误): an item 清单项目 does not list is a warning (the row still
    counts, as itself); a 整改期限 before the day the problem was found is a warning — the day it
    was first found, as a problem seen again after its deadline keeps that deadline. A 完成情况
    outside the list is an error already, at its cell (a strict choice)."""
    from .checklist import fix_key, same_item

    table = book.checklist
    listed = {same_item(name) for name in book.checklist_items["item"] if name}
    name = book.sheet_name("checklist")
    first_found: dict[str, dt.date] = {}
    for date, item, problem in table.zip("date", "item", "problem"):
        if isinstance(date, dt.date) and item and problem:
            key = same_item(fix_key(item, problem))
            first_found[key] = min(date, first_found.get(key, date))
    for item, problem, fix_due, row in table.zip("item", "problem", "fix_due", "row"):
        date = first_found.get(same_item(fix_key(item or "", problem or "")))
        if listed and item and same_item(item) not in listed:
            book.problems.append(
                Problem(
                    name,
                    book.cell("checklist", "item", row),
                    item,
                    "清单项目中没有此事项",
                    WARNING,
                    "仍按这个事项计入；请核对名称，或在“清单项目”添加",
                )
            )
        if date is not None and isinstance(fix_due, dt.date) and fix_due < date:
            book.problems.append(
                Problem(
                    name,
                    book.cell("checklist", "fix_due", row),
                    f"{fix_due:%Y-%m-%d}",
                    f"整改期限早于发现问题的日期（{date:%m-%d}）",
                    WARNING,
                    "请核对整改期限",
                )
            )


def _display(amount: float) -> str:
    return str(int(amount)) if amount.is_integer() else str(amount)


def _check_sales(book: Book) -> None:
    """Products not in 产品 (a warning: the sale counts toward no indicator); amounts no single sale
    can be — negative, or beyond 单笔上限 (an error: the amount is left out of every figure, so
    nobody is praised for a typo); amounts far above the branch's usual sale of that product (a
    warning: the row still counts)."""
    catalogue = book.catalogue
    tracking = book.tracking
    sheet_name = book.sheet_name("tracking")
    sold = tracking["product"]
    amounts = tracking["amount"]
    limit_of = {p: _cap(book, p) for p in set(sold)}
    usual = _usual_amounts(sold, amounts)
    unknown = {p for p in limit_of if p and catalogue.product(p) is None}
    rows = tracking["row"]
    for i, (product, amount) in enumerate(zip(sold, amounts, strict=True)):
        odd = amount is not None and (amount < 0 or amount > limit_of[product])
        large = amount is not None and not odd and amount > usual.get(product, math.inf)
        if not odd and not large and product not in unknown:
            continue
        row = rows[i]
        if product in unknown:
            book.problems.append(
                Problem(
                    sheet_name,
                    book.cell("tracking", "product", row),
                    product,
                    "产品表中没有此产品",
                    WARNING,
                    "这笔不计入任何指标；请在“产品”表添加",
                )
            )
        if not (odd or large):
            continue
        unit = catalogue.unit_of_product(product)
        listed = catalogue.product(product)
        in_wan_yuan = listed is not None and listed.unit is Unit.WAN_YUAN
        hint = "20万元应填 20" if in_wan_yuan else f"按{unit or '产品单位'}填写"
        cell = book.cell("tracking", "amount", row)
        if odd:
            amounts[i] = None  # out of the figures that need it (docs/口径.md#数据错误)
            problem = "不能为负数" if amount < 0 else f"超过单笔上限 {_display(limit_of[product])}"
            book.problems.append(
                Problem(
                    sheet_name,
                    cell,
                    _display(float(amount)),
                    problem,
                    ERROR,
                    f"单位是{unit or '未知'}，{hint}；这一笔暂不计入业绩，改好后再刷新",
                )
            )
        else:
            book.problems.append(
                Problem(
                    sheet_name,
                    cell,
                    _display(float(amount)),
                    "金额比本网点平时大得多",
                    WARNING,
                    f"单位是{unit or '未知'}，请核对：{hint}",
                )
            )


# A sale more than this many times the product's usual (median) sale is flagged, once the
# product has enough sales to know what usual is.
UNUSUAL_FACTOR, UNUSUAL_MIN_SALES = 20, 5


def _usual_amounts(products: list[str | None], amounts: list[float | None]) -> dict[str, float]:
    """Per product, the amount above which a sale is unusually large for this branch."""
    by_product: dict[str, list[float]] = {}
    for product, amount in zip(products, amounts, strict=True):
        if product and amount is not None and amount > 0:
            by_product.setdefault(product, []).append(amount)
    return {
        product: UNUSUAL_FACTOR * statistics.median(values)
        for product, values in by_product.items()
        if len(values) >= UNUSUAL_MIN_SALES
    }


def _cap(book: Book, product: str | None) -> float:
    found = book.catalogue.product(product)
    return found.cap if found else OTHER_CAP


def day_problems(book: Book, day: dt.date) -> list[Problem]:
    """Warnings about D itself (docs/口径.md#数据错误): someone on duty with no 每日数据 row for D
    (their day would count as zeros without anyone noticing), and a 每日数据 转介数量 that disagrees
    with the cards logged that day."""
    problems: list[Problem] = []
    daily = book.daily
    has_row = {n for d, n in daily.zip("date", "name") if d == day}
    # Only the front-line roles keep 每日数据 (docs/工作簿.md#输入表); a branch head on duty
    # has no row.
    keeps_daily = {n for n, role in book.roster.zip("name", "role") if role_group(role or "")}
    for date, names, row in book.overview.zip("date", "on_duty", "row"):
        if date != day or not names:
            continue
        for name in names:
            if name in keeps_daily and name not in has_row:
                problems.append(
                    Problem(
                        book.sheet_name("overview"),
                        book.cell("overview", "on_duty", row),
                        name,
                        f"当班但“每日数据”没有 {day:%m-%d} 的记录",
                        WARNING,
                        "这一天会按 0 计算；请在“每日数据”补上这一行",
                    )
                )
    cards: dict[str, int] = {}
    for date, referrer in book.referrals.zip("date", "referrer"):
        if date == day and referrer:
            cards[referrer] = cards.get(referrer, 0) + 1
    for date, name, reported, row in daily.zip("date", "name", "referrals", "row"):
        if date == day and name and reported is not None and reported != cards.get(name, 0):
            problems.append(
                Problem(
                    book.sheet_name("daily"),
                    book.cell("daily", "referrals", row),
                    str(reported),
                    f"与转介登记不符（{day:%m-%d} 登记了 {cards.get(name, 0)} 张推荐卡）",
                    WARNING,
                    "排名按转介登记计算；请核对两处",
                )
            )
    return problems
