"""The contract of filling a person's sheet, kept once for its two writers: the file writer
(`package/cells.py`, at the zip-part level) and the xlwings writer (`excel.py`, into the workbook
open in Excel). Both take the same requests (`SheetFill`), refuse the same cells for the same
reasons, decide by the same rule whether a cell already holds what would be written, and report
in the same record (`Filled`), so `fill` says the same thing whichever way it ran.

Equality is decided on the value as a cell stores it (`stored`): a date is its day number, any
number a float, TRUE/FALSE booleans, text text. Booleans equal only booleans (a cell holding TRUE
does not already hold the count 1), and numbers equal within a relative 1e-9 (Excel keeps 15
significant digits: 0.1 + 0.2 is the 0.3 a person typed).
"""

from __future__ import annotations

import datetime as dt
import math
import numbers as numeric
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Union


@dataclass(frozen=True)
class Formula:
    """A formula branchkit itself writes (never text from input): `text` without its '=', and the
    value it has now, cached in the cell so every reader sees it before a spreadsheet program
    recalculates. Both writers put the same formula in the same cell; a cell compares by its
    cached value. A person typing over it replaces it with their own number."""

    text: str
    cached: int | float


Value = Union[str, int, float, bool, dt.date, dt.datetime, Formula]  # noqa: UP007
Stored = Union[str, float, bool]  # noqa: UP007

MAX_ROW, MAX_COL = 1_048_576, 16_384
MAX_TEXT = 32_767

# Why a cell was not written (shown to the user beside the sheet!cell).
NOT_EMPTY = "已有内容，未覆盖"
FORMULA = "是公式单元格，未改动"
MERGED = "在合并单元格内"
PROTECTED = "工作表受保护"
TOTALS_ROW = "表格末尾有汇总行，无法在其下追加"
NOT_A_NUMBER = "不是有效的数字"
TOO_LONG = f"文字超过 Excel 单元格上限（{MAX_TEXT} 字）"
OUT_OF_SHEET = "超出工作表范围"
DATE_OUT_OF_RANGE = "日期超出 Excel 能表示的范围"


# ---------------------------------------------------------------- what the caller asks for


@dataclass(frozen=True)
class NewRows:
    """Rows to add at the end of the table whose header is at `header_row` (1-based).

    Each row maps a column number (1-based, A = 1) to its value; columns left out stay empty. A
    row whose `key` columns (default: all the columns it gives) hold the same values as a row
    already in the table is not added again, so asking twice adds once."""

    header_row: int
    rows: Sequence[Mapping[int, Value]]
    key: Sequence[int] | None = None


@dataclass(frozen=True)
class SheetFill:
    """Everything to write into one sheet: cells by (row, column), each written only if empty,
    and rows to append under tables."""

    sheet: str
    cells: Mapping[tuple[int, int], Value] = field(default_factory=dict)
    append: Sequence[NewRows] = ()
    # (row, column) -> (the text the cell must still hold, the new value): how branchkit brings
    # its own earlier text (a 〔自动〕 feedback) up to date; a cell holding anything else is a
    # person's, and is left alone.
    replace: Mapping[tuple[int, int], tuple[str, Value]] = field(default_factory=dict)
    # Points a row needs to show a text wrapped in a column this wide (in the sheet's width
    # units): a row that gets text in a wrapping cell grows to it — a row fill adds, or one at
    # the height the sheet gives every row; a height a person set is kept. None leaves every
    # height as it is. (Excel sizes such rows itself, so the button's writer needs none.)
    row_height: Callable[[str, float], float] | None = None


# ---------------------------------------------------------------- what it did


@dataclass(frozen=True)
class Written:
    sheet: str
    cell: str  # A1 address, e.g. "B322"
    value: Value
    appended: bool = False  # in a row added under a table


@dataclass(frozen=True)
class Skipped:
    sheet: str
    cell: str
    reason: str  # one of the reasons above


@dataclass
class Filled:
    written: list[Written] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)

    def rows_added(self) -> dict[str, int]:
        """Rows appended per sheet (for "追踪表：新增 12 行")."""
        rows: dict[str, set[str]] = {}
        for w in self.written:
            if w.appended:
                rows.setdefault(w.sheet, set()).add(w.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ"))
        return {sheet: len(numbers) for sheet, numbers in rows.items()}


# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class Refused:
    """A value no cell can hold, and why (one of the reasons above)."""

    reason: str


_EPOCH_1900 = dt.datetime(1899, 12, 30)
_EPOCH_1904 = dt.datetime(1904, 1, 1)


def serial(value: dt.date, date1904: bool = False) -> float | None:
    """Excel's day number of a date (with its time as a fraction); None when Excel cannot show it."""
    moment = (
        value.replace(tzinfo=None)
        if isinstance(value, dt.datetime)
        else dt.datetime(value.year, value.month, value.day)
    )
    if date1904:
        days = (moment - _EPOCH_1904).total_seconds() / 86400
        return days if days >= 0 else None
    if moment < dt.datetime(1900, 1, 1):
        return None
    days = (moment - _EPOCH_1900).total_seconds() / 86400
    return days - 1 if moment < dt.datetime(1900, 3, 1) else days  # Excel's phantom 1900-02-29


def on_sheet(row: int, col: int) -> bool:
    return 1 <= row <= MAX_ROW and 1 <= col <= MAX_COL


def stored(value: Value | None, date1904: bool = False) -> Stored | Refused | None:
    """The value as a cell holds it once written; None for nothing to write (empty)."""
    if value is None or (isinstance(value, str) and value == ""):
        return None
    if isinstance(value, Formula):
        return stored(value.cached, date1904)
    if isinstance(value, bool):
        return value
    if isinstance(value, dt.date):
        number = serial(value, date1904)
        return Refused(DATE_OUT_OF_RANGE) if number is None else number
    if isinstance(value, numeric.Integral):
        return float(int(value))
    if isinstance(value, numeric.Real):
        number = float(value)
        return number if math.isfinite(number) else Refused(NOT_A_NUMBER)
    if isinstance(value, str):
        return Refused(TOO_LONG) if len(value) > MAX_TEXT else value
    raise TypeError(f"cannot write a {type(value).__name__} into a cell")


def same_value(existing: Stored | Refused | None, new: Stored | Refused | None) -> bool:
    """Whether a cell holding `existing` already holds `new` (both as `stored` gives them)."""
    if isinstance(existing, Refused) or isinstance(new, Refused):
        return False
    if isinstance(existing, bool) or isinstance(new, bool):
        return isinstance(existing, bool) and isinstance(new, bool) and existing == new
    if isinstance(existing, float) and isinstance(new, float):
        return abs(existing - new) <= 1e-9 * max(1.0, abs(new))
    return existing == new


def holds(existing: Value | None, new: Value | None) -> bool:
    """`same_value` for values as they come (a cell read through xlwings, a value to write)."""
    return same_value(stored(existing), stored(new))


def row_key(value: Stored | Refused | None) -> object:
    """A stored value as part of a row's key (rows already in a table are not added again):
    numbers to 9 decimals, the nearest a hash comes to `same_value`; booleans kept apart from the
    numbers 0 and 1, which a set would otherwise take for them."""
    if isinstance(value, bool):
        return (bool, value)
    if isinstance(value, float):
        return round(value, 9)
    return value
