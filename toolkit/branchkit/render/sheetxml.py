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
from typing import Any

from ..problems import column_letter
from .grid import Grid

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


def cell_xml(ref: str, value: Any, xf: int) -> str:
    style = f' s="{xf}"' if xf else ""
    kind = type(value)
    if kind is str:
        return f'<c r="{ref}"{style} t="inlineStr">{_text(value)}</c>'
    if kind is float and math.isfinite(value):
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return f'<c r="{ref}"{style}/>' if xf else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{style} t="inlineStr">{_text("是" if value else "否")}</c>'
    if isinstance(value, (int, float)):
        if isinstance(value, float) and math.isinf(value):
            return f'<c r="{ref}"{style}/>' if xf else ""
        return f'<c r="{ref}"{style}><v>{value!r}</v></c>'
    if isinstance(value, dt.date):
        return f'<c r="{ref}"{style}><v>{_serial(value)!r}</v></c>'
    return f'<c r="{ref}"{style} t="inlineStr">{_text(str(value))}</c>'


def _column_xml(letter: str, xf: int, values: list[Any], numbers: range) -> list[str]:
    """One table column's cells; text and numbers (nearly all of them) skip the general path."""
    style = f' s="{xf}"' if xf else ""
    out = []
    for number, value in zip(numbers, values, strict=True):
        kind = type(value)
        if kind is str:
            out.append(f'<c r="{letter}{number}"{style} t="inlineStr">{_text(value)}</c>')
        elif kind is float and math.isfinite(value):
            out.append(f'<c r="{letter}{number}"{style}><v>{value!r}</v></c>')
        else:
            out.append(cell_xml(f"{letter}{number}", value, xf))
    return out


def sheet_data(grid: Grid, xf_of: Mapping[str, int]) -> tuple[str, str]:
    """(<sheetData> XML, dimension ref) for the grid; xf_of maps a cell style to its xf index."""
    letters = [column_letter(c + 1) for c in range(max(grid.n_cols, 1))]
    rows: dict[int, list[str]] = {}
    for cell in grid.cells:
        xf = xf_of.get(cell.style, 0)
        # merged ranges carry the style on every cell (borders, fill)
        for offset in range(cell.span):
            col = cell.col + offset
            xml = cell_xml(f"{letters[col]}{cell.row + 1}", cell.value if offset == 0 else None, xf)
            if xml:
                rows.setdefault(cell.row, []).append(xml)
    for placed in grid.tables:
        data = placed.rows()
        if not data:
            continue
        numbers = range(placed.first_row + 1, placed.first_row + 1 + len(data))
        columns = [
            _column_xml(letters[c], xf_of.get(f"cell:{col.fmt}", 0), [r[c] for r in data], numbers)
            for c, col in enumerate(placed.columns)
        ]
        for number, row_cells in zip(numbers, zip(*columns, strict=True), strict=True):
            rows[number - 1] = list(row_cells)
    parts = ["<sheetData>"]
    for r in sorted(set(rows) | set(grid.heights)):
        height = grid.heights.get(r)
        attrs = f' ht="{height}" customHeight="1"' if height else ""
        cells = rows.get(r)
        if cells:
            parts.append(f'<row r="{r + 1}"{attrs}>{"".join(cells)}</row>')
        else:
            parts.append(f'<row r="{r + 1}"{attrs}/>')
    parts.append("</sheetData>")
    return "".join(parts), f"A1:{letters[-1]}{max(grid.n_rows, 1)}"
