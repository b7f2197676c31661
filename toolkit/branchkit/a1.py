"""Excel's A1 cell addresses, in one place: every message, tab and writer names cells this way."""

from __future__ import annotations

import re

_REF = re.compile(r"^\$?([A-Za-z]{1,3})\$?(\d+)$")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA: Excel's column names, for cell references in messages."""
    letters = ""
    while index > 0:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


def column_index(letters: str) -> int:
    """A -> 1, AA -> 27: the inverse of `column_letter`."""
    index = 0
    for ch in letters.upper():
        index = index * 26 + ord(ch) - 64
    return index


def cell_ref(row: int | None, col: int | None) -> str:
    """A1-style reference; a whole row names its first cell (A14, docs/工作簿.md#数据问题的列法), a
    whole column 'J', a whole sheet ''."""
    if row and col:
        return f"{column_letter(col)}{row}"
    if row:
        return f"A{row}"
    if col:
        return column_letter(col)
    return ""


def split_ref(ref: str) -> tuple[int, int] | None:
    """'J14' -> (14, 10); anything else (a whole column, '') -> None."""
    match = _REF.match(ref)
    if not match:
        return None
    return int(match.group(2)), column_index(match.group(1))


_RANGE = re.compile(r"^\$?([A-Za-z]{0,3})\$?(\d*)(?::\$?([A-Za-z]{0,3})\$?(\d*))?$")


def split_range(ref: str) -> tuple[int | None, int | None, int | None, int | None] | None:
    """'B4:D20' -> (4, 2, 20, 4) as (first row, first column, last row, last column); a single
    cell is a range of one; a whole column ('B:B') has no rows (None), a whole row ('3:5') no
    columns. Anything else -> None."""
    match = _RANGE.match(ref)
    if not match or not (match.group(1) or match.group(2)):
        return None
    c1, r1, c2, r2 = match.group(1), match.group(2), match.group(3), match.group(4)
    if match.group(3) is None and match.group(4) is None:
        c2, r2 = c1, r1
    if bool(c1) != bool(c2) or bool(r1) != bool(r2):
        return None
    return (
        int(r1) if r1 else None,
        column_index(c1) if c1 else None,
        int(r2) if r2 else None,
        column_index(c2) if c2 else None,
    )


def range_ref(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    """(4, 2, 20, 4) -> 'B4:D20'; one cell -> 'B4'."""
    first, last = cell_ref(first_row, first_col), cell_ref(last_row, last_col)
    return first if first == last else f"{first}:{last}"
