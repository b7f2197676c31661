"""Checks that need more than one sheet (SPEC §8): people not on the roster, products not in the
catalogue, amounts no single sale can be. Each is a warning: the row still counts.

Each test runs over a column's distinct values first; only the rows that fail are visited, so a
parent branch's 100,000 tracking rows cost a few set operations.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from . import schema
from .catalogue import OTHER_CAP
from .problems import WARNING, Problem

if TYPE_CHECKING:
    from .read import Book


def cross_check(book: Book) -> None:
    _check_people(book, "referrals", ("referrer", "receiver"))
    _check_people(book, "tracking", ("referrer", "receiver"))
    _check_people(book, "daily", ("name",))
    _check_sales(book)


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


def _display(amount: float) -> str:
    return str(int(amount)) if amount.is_integer() else str(amount)


def _check_sales(book: Book) -> None:
    catalogue = book.catalogue
    tracking = book.tracking
    sheet_name = book.sheet_name("tracking")
    sold = tracking["product"]
    amounts = tracking["amount"]
    limit_of = {p: _cap(book, p) for p in set(sold)}
    unknown = {p for p in limit_of if p and catalogue.product(p) is None}
    rows = tracking["row"]
    for i, (product, amount) in enumerate(zip(sold, amounts, strict=True)):
        odd = amount is not None and (amount < 0 or amount > limit_of[product])
        if not odd and product not in unknown:
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
        if odd:
            unit = catalogue.unit_of_product(product)
            book.problems.append(
                Problem(
                    sheet_name,
                    book.cell("tracking", "amount", row),
                    _display(float(amount)),
                    "金额或数量不合理",
                    WARNING,
                    f"单位是{unit or '未知'}，请核对："
                    + ("20万元应填 20" if unit == "万元" else f"按{unit or '产品单位'}填写"),
                )
            )


def _cap(book: Book, product: str | None) -> float:
    found = book.catalogue.product(product)
    return found.cap if found else OTHER_CAP
