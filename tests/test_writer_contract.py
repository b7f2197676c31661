"""One contract for the two writers of a person's sheet (writerules): the file writer
(package/cells.py) and the xlwings writer behind the 「填写」 button (excel.py) are given the same
cell holding the same thing and the same value to write, and must do the same — write it, find
it already there, or refuse it for the same reason.

The cases that used to differ: the button took a cell holding TRUE for the count 1 and a
date-time for its date (so it said nothing), and 0.1 + 0.2 for something else than the 0.3
typed (so it reported a refusal); it wrote NaN and over-long text that Excel cannot hold."""

from __future__ import annotations

import datetime as dt
import io
import math
from typing import Any

import pytest
import xlsxwriter
from branchkit import excel
from branchkit.package import Package
from branchkit.package.cells import fill_cells
from branchkit.writerules import (
    DATE_OUT_OF_RANGE,
    FORMULA,
    MAX_TEXT,
    NOT_A_NUMBER,
    NOT_EMPTY,
    TOO_LONG,
    Filled,
    NewRows,
    SheetFill,
    holds,
    row_key,
    same_value,
    stored,
)

from .xlwings_standin import Book

SHEET = "追踪表"
WRITTEN, THERE = "written", "already there"


def _file_book(rows: list[list[Any]]) -> bytes:
    out = io.BytesIO()
    workbook = xlsxwriter.Workbook(out, {"in_memory": True})
    sheet = workbook.add_worksheet(SHEET)
    date = workbook.add_format({"num_format": "yyyy-mm-dd hh:mm"})
    for r, row in enumerate(rows):
        for c, value in enumerate(row):
            if value is None:
                continue
            if isinstance(value, bool):
                sheet.write_boolean(r, c, value)
            elif isinstance(value, dt.datetime):
                sheet.write_datetime(r, c, value, date)
            elif isinstance(value, (int, float)):
                sheet.write_number(r, c, value)
            elif value.startswith("="):
                sheet.write_formula(r, c, value)
            else:
                sheet.write_string(r, c, value)
    workbook.close()
    return out.getvalue()


def _by_file(rows: list[list[Any]], request: SheetFill) -> Filled:
    return fill_cells(Package.read(_file_book(rows)), [request])


def _by_button(rows: list[list[Any]], request: SheetFill) -> Filled:
    book = Book.from_rows("测试支行-2026-11.xlsx", {SHEET: rows})
    return excel.fill_open_book(book, [request], {SHEET: rows})


WRITERS = {"file": _by_file, "button": _by_button}


def _outcome(filled: Filled) -> str:
    if filled.skipped:
        return filled.skipped[0].reason
    return WRITTEN if filled.written else THERE


# (what B2 holds, what fill writes there, what must happen)
CELLS = [
    (None, "王五", WRITTEN),
    ("李四", "李四", THERE),
    ("李四", "王五", NOT_EMPTY),
    (True, 1, NOT_EMPTY),  # TRUE is not the count 1
    (1.0, True, NOT_EMPTY),
    (0.3, 0.1 + 0.2, THERE),  # the same number to Excel's 15 digits
    (3.0, 3, THERE),
    (3.0, 4, NOT_EMPTY),
    (dt.datetime(2026, 11, 20), dt.date(2026, 11, 20), THERE),
    (dt.datetime(2026, 11, 20, 9, 30), dt.date(2026, 11, 20), NOT_EMPTY),  # a time is more
    ("=1+1", "王五", FORMULA),
    (None, math.nan, NOT_A_NUMBER),
    (None, "长" * (MAX_TEXT + 1), TOO_LONG),
    (None, dt.date(1899, 12, 1), DATE_OUT_OF_RANGE),
]


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(("existing", "new", "expected"), CELLS)
def test_both_writers_treat_a_cell_alike(
    writer: str, existing: Any, new: Any, expected: str
) -> None:
    rows = [["客户姓名", "推荐人"], ["张三", existing]]
    filled = WRITERS[writer](rows, SheetFill(SHEET, {(2, 2): new}))
    assert _outcome(filled) == expected


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(
    ("existing", "expected"),
    [("〔自动〕未联系", WRITTEN), ("〔自动〕已联系", THERE), ("客户说下周来", NOT_EMPTY)],
)
def test_both_writers_bring_only_their_own_text_up_to_date(
    writer: str, existing: str, expected: str
) -> None:
    rows = [["客户姓名", "结果反馈"], ["张三", existing]]
    request = SheetFill(SHEET, replace={(2, 2): ("〔自动〕未联系", "〔自动〕已联系")})
    assert _outcome(WRITERS[writer](rows, request)) == expected


@pytest.mark.parametrize("writer", WRITERS)
@pytest.mark.parametrize(
    ("existing", "new", "added"), [(3.0, 3, 0), (True, 1, 1), ("R-1", "R-2", 1)]
)
def test_both_writers_add_a_row_only_when_its_key_is_new(
    writer: str, existing: Any, new: Any, added: int
) -> None:
    rows = [["转介编号", "客户姓名"], [existing, "张三"]]
    request = SheetFill(SHEET, append=[NewRows(1, [{1: new}], key=[1])])
    assert WRITERS[writer](rows, request).rows_added().get(SHEET, 0) == added


def test_the_equality_rule() -> None:
    assert same_value(stored(0.1 + 0.2), stored(0.3))
    assert not same_value(stored(0.3), stored(0.3001))
    assert not same_value(stored(True), stored(1)) and not same_value(stored(0), stored(False))
    assert same_value(stored(dt.date(2026, 11, 20)), stored(dt.datetime(2026, 11, 20)))
    assert holds(dt.datetime(2026, 11, 20), dt.date(2026, 11, 20))
    assert not holds(dt.datetime(2026, 11, 20, 0, 1), dt.date(2026, 11, 20))
    assert row_key(stored(True)) != row_key(stored(1))
    assert row_key(stored(0.1 + 0.2)) == row_key(stored(0.3))
