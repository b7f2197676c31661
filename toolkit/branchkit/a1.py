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
    """A1-style reference; a whole row names its first cell (A14, SPEC §8), a whole column 'J',
    a whole sheet ''."""
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
