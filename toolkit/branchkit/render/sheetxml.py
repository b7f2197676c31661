"""A Grid's cells as worksheet <sheetData> XML, written directly.

XlsxWriter spends about 20 µs per cell; a parent branch's 分润明细 has a million. Here each cell
is one formatted string. Text is always an inline string (never a formula); numbers keep all 17
significant digits; dates become Excel serials with the date format.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from functools import lru_cache
from itertools import repeat
from typing import Any

from ..a1 import column_letter
from .grid import Grid, Placed, cell_style

EXCEL_EPOCH = dt.datetime(1899, 12, 30)
MAX_TEXT = 32_767  # Excel's limit for one cell
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


_SPECIAL = re.compile(r"[&<>\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]|^\s|\s$|\n")


@lru_cache(maxsize=65536)
def _text(value: str) -> str:
    """An inline string; names, products and labels repeat, so each is escaped once."""
    if not _SPECIAL.search(value) and len(value) <= MAX_TEXT:
        return f"<is><t>{value}</t></is>"
    if len(value) > MAX_TEXT:
        value = value[:MAX_TEXT]
    value = value.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if _CONTROL.search(value):
        value = _CONTROL.sub(lambda m: f"_x{ord(m.group()):04X}_", value)
    space = (
        ' xml:space="preserve"'
        if value[:1].isspace() or value[-1:].isspace() or "\n" in value
        else ""
    )
    return f"<is><t{space}>{value}</t></is>"


def _serial(value: dt.date) -> float:
    if isinstance(value, dt.datetime):
        return (value.replace(tzinfo=None) - EXCEL_EPOCH).total_seconds() / 86400
    return float((value - EXCEL_EPOCH.date()).days)


def _tail(value: Any, style: str) -> str:
    """A cell's XML after its row number: `<c r="B` + `7` + this. Empty values keep the style."""
    kind = type(value)
    if kind is str:
        return f'"{style} t="inlineStr">{_text(value)}</c>'
    if kind is float:
        return f'"{style}><v>{value!r}</v></c>' if math.isfinite(value) else f'"{style}/>'
    if value is None:
        return f'"{style}/>'
    if kind is bool:
        return f'"{style} t="inlineStr">{_text("是" if value else "否")}</c>'
    if isinstance(value, int):  # exact, however large
        return f'"{style}><v>{int(value)}</v></c>'
    if isinstance(value, float):  # a float subclass (numpy's) would repr as np.float64(...)
        return f'"{style}><v>{float(value)!r}</v></c>' if math.isfinite(value) else f'"{style}/>'
    if isinstance(value, dt.date):
        return f'"{style}><v>{_serial(value)!r}</v></c>'
    return f'"{style} t="inlineStr">{_text(str(value))}</c>'


def cell_xml(ref: str, value: Any, xf: int) -> str:
    """One cell; an empty cell without a style is left out."""
    if not xf and (value is None or (type(value) is float and not math.isfinite(value))):
        return ""
    style = f' s="{xf}"' if xf else ""
    return f'<c r="{ref}{_tail(value, style)}'


_ESCAPED_CHAR = re.compile(r"[&<>\n\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _plain_texts(values: list[str]) -> bool:
    """True when no text in the column needs escaping, trimming or xml:space: C-level scans
    over the whole column instead of a regex per cell."""
    return (
        max(map(len, values), default=0) <= MAX_TEXT
        and _ESCAPED_CHAR.search("".join(values)) is None
        and list(map(str.strip, values)) == values
    )


def _column_field(letter: str, style: str, values: list[Any], arg: int) -> tuple[str, list[Any]]:
    """One column's part of the row template, and the list that fills its `{arg}` field.

    Plain text and finite numbers go into the template as they are; anything else (dates,
    blanks, text that needs escaping) is first turned into its XML, each distinct value once."""
    ref = f'<c r="{letter}{{0}}'
    kinds = set(map(type, values))
    if kinds == {float} and all(map(math.isfinite, values)):
        return f'{ref}"{style}><v>{{{arg}!r}}</v></c>', values
    if kinds == {str} and _plain_texts(values):
        return f'{ref}"{style} t="inlineStr"><is><t>{{{arg}}}</t></is></c>', values
    try:  # keyed with the type: False == 0.0 == 0, but each is written differently
        keys = list(zip(map(type, values), values, strict=True))
        tail_of = {key: _tail(key[1], style) for key in dict.fromkeys(keys)}
        tails = list(map(tail_of.__getitem__, keys))
    except TypeError:  # an unhashable value: no sharing
        tails = [_tail(v, style) for v in values]
    return f"{ref}{{{arg}}}", tails


def _quantity_field(
    letter: str, xf_of: Mapping[str, int], values: list[Any], arg: int
) -> tuple[str, list[Any]]:
    """A column of counts and amounts: each cell styled by its own value's type."""
    style = {
        t: f' s="{xf_of.get(f"cell:{fmt}", 0)}"' for t, fmt in ((int, "int"), (float, "amount"))
    }
    tails = [_tail(v, style.get(type(v), style[float])) for v in values]
    return f'<c r="{letter}{{0}}{{{arg}}}', tails


def _table_rows(
    placed: Placed,
    letters: list[str],
    xf_of: Mapping[str, int],
    heights: Mapping[int, float],
    size: float | None = None,
) -> list[str]:
    """A table's <row> elements from one format template per row (filled by C-level map): a
    parent branch's 分润明细 has a million cells, and a Python step per cell costs seconds."""
    columns = placed.column_values()
    count = len(columns[0]) if columns else 0
    if not count:
        return []
    first = placed.first_row
    numbers = list(map(str, range(first + 1, first + 1 + count)))
    pieces, fills = [], []
    for c, (col, values) in enumerate(zip(placed.columns, columns, strict=True)):
        letter = letters[placed.col(c)]
        xf = xf_of.get(cell_style(col.fmt, size), xf_of.get(f"cell:{col.fmt}", 0))
        style = f' s="{xf}"' if xf else ""
        if col.fmt == "qty":
            piece, fill = _quantity_field(letter, xf_of, values, c + 2)
        else:
            piece, fill = _column_field(letter, style, values, c + 2)
        span = placed.spans.get(c, 1)  # a merged column: its covered cells keep the border
        covered = (letters[placed.col(c) + j] for j in range(1, span))
        pieces.append(piece + "".join(f'<c r="{cell}{{0}}"{style}/>' for cell in covered))
        fills.append(fill)
    sized = any(first <= r < first + count for r in heights)
    attrs = [_row_attrs(heights.get(first + i)) for i in range(count)] if sized else None
    template = '<row r="{0}"{1}>' + "".join(pieces) + "</row>"
    return list(map(template.format, numbers, attrs or repeat("", count), *fills))


def _row_attrs(height: float | None) -> str:
    return f' ht="{height}" customHeight="1"' if height else ""


def sheet_data(grid: Grid, xf_of: Mapping[str, int]) -> bytes:
    """The grid's <sheetData> element as UTF-8; xf_of maps a cell style to its xf index.

    Encoded row by row: a parent branch's ledger is 40 million characters, and one giant string
    joined, wrapped and encoded would be copied three more times."""
    letters = [column_letter(c + 1) for c in range(max(grid.n_cols, 1))]
    cells_of: dict[int, list[str]] = {}
    for cell in grid.cells:
        xf = xf_of.get(cell.style, 0)
        # merged ranges carry the style on every cell (borders, fill)
        for offset in range(cell.span):
            col = cell.col + offset
            xml = cell_xml(f"{letters[col]}{cell.row + 1}", cell.value if offset == 0 else None, xf)
            if xml:
                cells_of.setdefault(cell.row, []).append(xml)
    blocks: dict[int, bytes] = {}  # first row (0-based) -> the XML of its row or rows
    in_tables: set[int] = set()
    for placed in grid.tables:
        rows = _table_rows(placed, letters, xf_of, grid.heights, grid.size)
        if rows:
            blocks[placed.first_row] = b"".join(map(str.encode, rows))
            in_tables.update(range(placed.first_row, placed.first_row + len(rows)))
    for r in (set(cells_of) | set(grid.heights)) - in_tables:
        attrs = _row_attrs(grid.heights.get(r))
        cells_in_row = cells_of.get(r)
        blocks[r] = (
            f'<row r="{r + 1}"{attrs}>{"".join(cells_in_row)}</row>'
            if cells_in_row
            else f'<row r="{r + 1}"{attrs}/>'
        ).encode()
    return b"".join([b"<sheetData>", *(blocks[r] for r in sorted(blocks)), b"</sheetData>"])
