"""Checks that need more than one sheet (docs/口径.md#数据错误): people not on the roster, products
not in the catalogue, amounts no single sale can be (an error) or unusually large for the branch.

Each test runs over a column's distinct values first; only the rows that fail are visited, so a
parent branch's 100,000 tracking rows cost a few set operations.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping
from typing import Protocol

from . import schema
from .catalogue import Catalogue
from .matching import number_repeats
from .parse import other_branch
from .problems import Code, Level, Problem
from .table import Table
from .vocab import role_group
from .workdays import month_bounds


class Book(Protocol):
    """What the checks read of a typed book (`read.Book` is one): its tables, its catalogue, the
    problems found so far, and where a value sits in the workbook. Declared here so the checks
    need nothing from the reader that calls them."""

    @property
    def tables(self) -> Mapping[str, Table]: ...
    @property
    def catalogue(self) -> Catalogue: ...
    @property
    def problems(self) -> list[Problem]: ...
    @property
    def month(self) -> dt.date | None: ...
    def sheet_name(self, key: str) -> str: ...
    def cell(self, key: str, column: str, row: int) -> str: ...
    def is_formula(self, key: str, column: str, row: int) -> bool: ...


def at_cell(
    book: Book,
    code: Code,
    key: str,
    column: str,
    row: int,
    args: Mapping[str, object] | None = None,
    value: str = "",
    level: Level = Level.WARNING,
) -> Problem:
    """A problem at one cell of the sheet of schema key `key` (a warning unless told)."""
    return Problem(
        code, book.sheet_name(key), book.cell(key, column, row), args or {}, value, level
    )


def cross_check(book: Book) -> None:
    _check_roster(book)
    _check_people(book, "referrals", ("referrer", "receiver"))
    _check_card_numbers(book)
    _check_people(book, "tracking", ("referrer", "receiver"))
    _check_people(book, "daily", ("name",))
    _check_people(book, "checklist", ("owner", "fix_owner", "checker"))
    _check_sales(book)
    _check_checklist(book)
    _check_targets(book)


def _check_roster(book: Book) -> None:
    """人员 rows that would take a person out of the figures without a word (docs/口径.md#入职和离岗):
    a name again below the row that counts (it never counts; an earlier stint marked 在岗 否
    above it is history, not a slip), 离岗日期 before 入职日期, and someone with cards, sales or a turn on duty
    in the month on a day they do not belong to the branch — 在岗 否, or before joining or after
    leaving (usually a date typed for another year). Warnings: the figures stay as the sheet
    says; the person on the sheet decides."""
    roster = book.tables["roster"]
    # The row each name counts by, as staffing.members picks it: the first not marked 在岗 否;
    # a name only on such rows, by its first.
    counted: dict[str, int] = {}
    gone: dict[str, int] = {}
    ids: dict[str, object] = {}  # the 工号 of each name's counted row
    for row, name, staff_id, active, joined, left in roster.zip(
        "row", "name", "staff_id", "active", "joined_on", "left_on"
    ):
        if name in counted:  # below the row that counts, 在岗 or not: a slip to look at
            first: dict[str, object] = {"first": counted[name]}
            if staff_id and staff_id == ids.get(name):  # the same person, come back
                first["staff_id"] = staff_id
            book.problems.append(
                at_cell(book, Code.SAME_NAME_TWICE, "roster", "name", row, first, name)
            )
        elif name and active is False:
            gone.setdefault(name, row)  # an earlier stint, above the row that counts
        elif name:
            counted[name] = row
            ids[name] = staff_id
        if isinstance(joined, dt.date) and isinstance(left, dt.date) and left < joined:
            joining = {"joined": joined}
            book.problems.append(
                at_cell(
                    book,
                    Code.LEFT_BEFORE_JOINING,
                    "roster",
                    "left_on",
                    row,
                    joining,
                    left.isoformat(),
                )
            )
    if book.month is not None:
        _check_days_away(book, {**gone, **counted})


def _check_days_away(book: Book, row_of: Mapping[str, int]) -> None:
    """People with records in the month on a day they are not of the branch: the first such
    day, at the 人员 cell that keeps them out (在岗, 离岗日期 or 入职日期). Records are cards
    (by their date), sales (a product and an amount: by 达成日期, else 推荐时间, as they are
    credited) and turns on duty; an open follow-up handed to a newcomer is no record."""
    assert book.month is not None
    first, last = month_bounds(book.month)
    roster = book.tables["roster"]
    rows = dict(zip(roster["row"], roster.zip("active", "joined_on", "left_on"), strict=True))
    limited = {
        name: rows[row]
        for name, row in row_of.items()
        if rows[row][0] is False or any(isinstance(d, dt.date) for d in rows[row][1:])
    }
    if not limited:
        return  # as good as always: nobody has left, joined or been marked 在岗 否
    seen: dict[str, tuple[dt.date, str]] = {}  # name -> the earliest day away, the sheet's key

    def away(name: object, day: object, key: str) -> None:
        if name not in limited or not isinstance(day, dt.date) or not first <= day <= last:
            return
        assert isinstance(name, str)
        if name in seen and seen[name][0] <= day:
            return
        active, joined, left = limited[name]
        before = isinstance(joined, dt.date) and day < joined
        after = isinstance(left, dt.date) and day > left
        if active is False or before or after:
            seen[name] = (day, key)

    for day, referrer in book.tables["referrals"].zip("date", "referrer"):
        away(referrer, day, "referrals")
    for product, amount, closed, referred, receiver in book.tables["tracking"].zip(
        "product", "amount", "closed_on", "referred_on", "receiver"
    ):
        if product and amount and amount > 0:
            away(receiver, closed if isinstance(closed, dt.date) else referred, "tracking")
    for day, names in book.tables["overview"].zip("date", "on_duty"):
        for name in names or ():
            away(name, day, "overview")
    for name, (day, key) in seen.items():
        row = row_of[name]
        active, joined, left = limited[name]
        where = {"day": day, "where": book.sheet_name(key), "name": name}
        # The value shown is the cell's, as the 数据问题 tab shows every cell's; the name is in
        # the message.
        if active is False:
            code, column, args, value = Code.RECORDED_WHILE_INACTIVE, "active", where, schema.NO
        elif isinstance(left, dt.date) and day > left:
            code, column, args = Code.RECORDED_AFTER_LEAVING, "left_on", {**where, "left": left}
            value = f"{left:%Y-%m-%d}"
        else:
            code, column = Code.RECORDED_BEFORE_JOINING, "joined_on"
            args, value = {**where, "joined": joined}, f"{joined:%Y-%m-%d}"
        book.problems.append(at_cell(book, code, "roster", column, row, args, value))


def _check_card_numbers(book: Book) -> None:
    """Two cards with one 转介编号 (matching.number_repeats): the same customer is one card typed
    twice, counted twice; another customer's is a wrong number, which fill leaves alone until it
    is corrected (docs/工作簿.md#填写). Warnings at the later card's number: its row still counts."""
    cards = book.tables["referrals"]
    if "referral_id" not in cards:
        return
    numbers = {row: rid for row, rid in cards.zip("row", "referral_id") if rid}
    repeats = number_repeats(cards, numbers)
    name = book.sheet_name("referrals")
    for code, found in (
        (Code.CARD_TYPED_AGAIN, repeats.again),
        (Code.REFERRAL_ID_TAKEN, repeats.taken),
    ):
        for row, first in sorted(found.items()):
            cell = book.cell("referrals", "referral_id", row)
            book.problems.append(
                Problem(code, name, cell, {"first": first}, value=numbers[row], level=Level.WARNING)
            )


def _check_targets(book: Book) -> None:
    """目标 (docs/口径.md#综合得分): an indicator is an open list, so one nothing counts toward —
    no product of 产品 names it, and it is neither a referral count nor a checklist 计量 (this
    workbook's, or the default list's) — is worth a warning (its completion stays 0); a 权重 that
    is not a positive number counts as 1."""
    catalogue = book.catalogue
    counted = {
        *schema.REFERRAL_INDICATORS,
        *schema.DEFAULT_MEASURES,  # the default checklist's: `init --upgrade` brings its items
        *catalogue.measures,
        *catalogue.indicator_units,
    }
    table = book.tables["targets"]
    for indicator, weight, row in table.zip("indicator", "weight", "row"):
        if indicator and indicator not in counted:
            named = {"indicator": indicator}
            book.problems.append(
                at_cell(
                    book,
                    Code.INDICATOR_WITHOUT_PRODUCT,
                    "targets",
                    "indicator",
                    row,
                    named,
                    indicator,
                )
            )
        if isinstance(weight, float) and not (math.isfinite(weight) and weight > 0):
            shown = _display(weight)
            book.problems.append(
                at_cell(book, Code.WEIGHT_NOT_POSITIVE, "targets", "weight", row, value=shown)
            )


def _check_people(book: Book, key: str, columns: tuple[str, ...]) -> None:
    """A name not on 人员 is a warning — but not 网点·姓名, a person of another branch
    (docs/口径.md#跨网点转介), who must never be added to this branch's roster."""
    people = {n for n in book.tables["roster"]["name"] if n}
    if not people:
        return
    table = book.tables[key]
    sheet = schema.SHEETS_BY_KEY[key]
    for col_key in columns:
        names = table[col_key]
        unknown = {n for n in set(names) if n and n not in people and not other_branch(n)}
        if not unknown:
            continue
        rows = table["row"]
        for i in [i for i, name in enumerate(names) if name in unknown]:
            header = {"column": sheet.column(col_key).header}
            book.problems.append(
                at_cell(book, Code.UNKNOWN_PERSON, key, col_key, rows[i], header, names[i])
            )


def _check_checklist(book: Book) -> None:
    """每日清单 (docs/口径.md#数据错误): an item 清单项目 does not list is a warning (the row still
    counts, as itself); a 整改期限 before the day the problem was found is a warning — the day it
    was first found, as a problem seen again after its deadline keeps that deadline. A 完成情况
    outside the list is an error already, at its cell (a strict choice)."""
    from .checklist import fix_key, same_item

    table = book.tables["checklist"]
    listed = {same_item(name) for name in book.tables["checklist_items"]["item"] if name}
    first_found: dict[str, dt.date] = {}
    for date, item, problem in table.zip("date", "item", "problem"):
        if isinstance(date, dt.date) and item and problem:
            key = same_item(fix_key(item, problem))
            first_found[key] = min(date, first_found.get(key, date))
    for item, problem, fix_due, row in table.zip("item", "problem", "fix_due", "row"):
        date = first_found.get(same_item(fix_key(item or "", problem or "")))
        if listed and item and same_item(item) not in listed:
            book.problems.append(
                at_cell(book, Code.UNKNOWN_CHECKLIST_ITEM, "checklist", "item", row, value=item)
            )
        if date is not None and isinstance(fix_due, dt.date) and fix_due < date:
            found = {"found": date}
            book.problems.append(
                at_cell(
                    book,
                    Code.FIX_DUE_BEFORE_FOUND,
                    "checklist",
                    "fix_due",
                    row,
                    found,
                    f"{fix_due:%Y-%m-%d}",
                )
            )


def _display(amount: float) -> str:
    return str(int(amount)) if amount.is_integer() else str(amount)


def _check_sales(book: Book) -> None:
    """An amount without a product (an error: no indicator can take it); products not in 产品 (a
    warning: the sale counts toward no indicator); amounts no single sale
    can be — negative, or beyond 单笔上限 (an error: the amount is left out of every figure, so
    nobody is praised for a typo); amounts far above the branch's usual sale of that product (a
    warning: the row still counts)."""
    catalogue = book.catalogue
    tracking = book.tables["tracking"]
    sheet_name = book.sheet_name("tracking")
    sold = tracking["product"]
    amounts = tracking["amount"]
    limit_of = {p: _cap(book, p) for p in set(sold)}
    usual = _usual_amounts(sold, amounts)
    unknown = {p for p in limit_of if p and catalogue.product(p) is None}
    rows = tracking["row"]
    for i, (product, amount) in enumerate(zip(sold, amounts, strict=True)):
        if not product and amount:  # an amount no indicator can take: said, not dropped unseen
            shown = _display(float(amount))
            book.problems.append(
                at_cell(
                    book,
                    Code.SALE_WITHOUT_PRODUCT,
                    "tracking",
                    "product",
                    rows[i],
                    None,
                    shown,
                    Level.ERROR,
                )
            )
            continue
        odd = amount is not None and (amount < 0 or amount > limit_of[product])
        large = amount is not None and not odd and amount > usual.get(product, math.inf)
        if not odd and not large and product not in unknown:
            continue
        row = rows[i]
        if product in unknown:
            book.problems.append(
                at_cell(book, Code.UNKNOWN_PRODUCT, "tracking", "product", row, value=product)
            )
        if not (odd or large):
            continue
        listed = catalogue.product(product)
        # the unit the amount is in; `product` names a listed product whose 单位 is blank
        args: Mapping[str, object] = {
            "unit": listed.unit if listed else None,
            "product": product if listed and not listed.unit else None,
        }
        cell = book.cell("tracking", "amount", row)
        shown = _display(float(amount))
        if odd:
            amounts[i] = None  # out of the figures that need it (docs/口径.md#数据错误)
            if amount < 0:
                book.problems.append(
                    Problem(Code.NEGATIVE_AMOUNT, sheet_name, cell, args, value=shown)
                )
            else:
                book.problems.append(
                    Problem(
                        Code.OVER_SALE_CAP,
                        sheet_name,
                        cell,
                        {**args, "cap": limit_of[product]},
                        value=shown,
                    )
                )
        else:
            book.problems.append(
                Problem(
                    Code.UNUSUALLY_LARGE,
                    sheet_name,
                    cell,
                    args,
                    value=shown,
                    level=Level.WARNING,
                )
            )


# A sale more than this many times the product's usual (median) sale is flagged, once the
# product has enough sales to know what usual is.
UNUSUAL_FACTOR, UNUSUAL_MIN_SALES = 20, 5


def _median(values: list[float]) -> float:
    """statistics.median, without importing statistics (and fractions and decimal) on a click."""
    ordered = sorted(values)
    middle = len(ordered) // 2
    return ordered[middle] if len(ordered) % 2 else (ordered[middle - 1] + ordered[middle]) / 2


def _usual_amounts(products: list[str | None], amounts: list[float | None]) -> dict[str, float]:
    """Per product, the amount above which a sale is unusually large for this branch."""
    by_product: dict[str, list[float]] = {}
    for product, amount in zip(products, amounts, strict=True):
        if product and amount is not None and amount > 0:
            by_product.setdefault(product, []).append(amount)
    return {
        product: UNUSUAL_FACTOR * _median(values)
        for product, values in by_product.items()
        if len(values) >= UNUSUAL_MIN_SALES
    }


def _cap(book: Book, product: str | None) -> float:
    """A product 产品 does not list counts toward no indicator and has no unit to judge its
    amount by: its row gets the unknown-product warning, never a cap error in a unit it lacks."""
    found = book.catalogue.product(product)
    return found.cap if found else math.inf


def day_problems(book: Book, day: dt.date) -> list[Problem]:
    """Warnings about D itself (docs/口径.md#数据错误): someone on duty with no 每日数据 row for D
    (their day would count as zeros without anyone noticing), and a 每日数据 转介数量 that disagrees
    with the cards logged that day — a number a person typed; the count fill writes is a formula
    over 转介登记 that stays true as cards are added, and is never reported against them
    (docs/工作簿.md#填写)."""
    problems: list[Problem] = []
    daily = book.tables["daily"]
    has_row = {n for d, n in daily.zip("date", "name") if d == day}
    # Only the front-line roles keep 每日数据 (docs/工作簿.md#输入表); a branch head on duty
    # has no row.
    keeps_daily = {
        n for n, role in book.tables["roster"].zip("name", "role") if role_group(role or "")
    }
    for date, names, row in book.tables["overview"].zip("date", "on_duty", "row"):
        if date != day or not names:
            continue
        for name in names:
            if name in keeps_daily and name not in has_row:
                on = {"day": day}
                problems.append(
                    at_cell(book, Code.NO_DAILY_ROW, "overview", "on_duty", row, on, name)
                )
    referrals = book.tables["referrals"]
    cards: dict[str, int] = {}
    # the rows of cards a spreadsheet's COUNTIFS does not see as branchkit does
    unseen: dict[str, list[int]] = {}
    exact = referrals.get(schema.FORMULA_EXACT)
    for n, (date, referrer, card_row) in enumerate(referrals.zip("date", "referrer", "row")):
        if date == day and referrer:
            cards[referrer] = cards.get(referrer, 0) + 1
            if exact is not None and not exact[n]:
                unseen.setdefault(referrer, []).append(card_row)
    for date, name, reported, row in daily.zip("date", "name", "referrals", "row"):
        if date != day or not name:
            continue
        if book.is_formula("daily", "referrals", row):
            # fill's own count (or the branch's formula) is recounted as cards come — except
            # cards typed in a form COUNTIFS compares differently (a text date, a time of day,
            # spaces around the name): said, or the sheet and the figures would disagree
            if unseen.get(name):
                missed = {
                    "missed": len(unseen[name]),
                    "cards": cards[name],
                    "sheet": book.sheet_name("referrals"),
                    "rows": _row_list(unseen[name]),
                }
                problems.append(
                    at_cell(book, Code.FORMULA_MISSES_CARDS, "daily", "referrals", row, missed)
                )
            continue
        if reported is not None and reported != cards.get(name, 0):
            logged = {"day": day, "cards": cards.get(name, 0)}
            problems.append(
                at_cell(
                    book,
                    Code.DAILY_REFERRALS_DIFFER,
                    "daily",
                    "referrals",
                    row,
                    logged,
                    f"{reported}",
                )
            )
    return problems


ROWS_NAMED = 5  # a list of rows in a message names this many, then 等


def _row_list(rows: list[int]) -> str:
    """'7、11' (or '7、11、12、15、20 等'): the rows a message names for the person to fix."""
    named = "、".join(str(r) for r in rows[:ROWS_NAMED])
    return named + (" 等" if len(rows) > ROWS_NAMED else "")
