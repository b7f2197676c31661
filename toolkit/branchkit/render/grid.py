"""SheetSpec -> cell positions, computed once for both writers.

The file writer (XlsxWriter) and the Excel-button writer (xlwings) draw the same Grid, so the
two paths put the same value in the same cell by construction.
"""

from __future__ import annotations

import math
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from .spec import Col, SheetSpec, Table, Text

TEXT_COLUMN_WIDTH = 11
FIRST_BLOCK_ROW = 3  # title, subtitle, one blank row


def display_width(text: str) -> int:
    """Half-width character cells: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


@dataclass
class Cell:
    row: int  # 0-based
    col: int
    value: Any
    style: str  # title subtitle caption header note h1 h2 body strong, or cell:<fmt>
    span: int = 1  # merged across this many columns


@dataclass
class Placed:
    """Where a table landed: its header row and data rows (for formats, filters and charts)."""

    table: Table
    header_row: int
    first_row: int
    last_row: int  # < first_row when the table is empty

    @property
    def columns(self) -> list[Col]:
        return self.table.columns

    def column_values(self) -> list[list[Any]]:
        """The data as one list per column, padded (the sheet writer builds XML column-wise)."""
        width = len(self.table.columns)
        rows = self.table.rows
        if rows and set(map(len, rows)) == {width}:
            return [list(column) for column in zip(*rows, strict=True)]
        padded = [(list(r) + [None] * width)[:width] for r in rows]
        return [list(column) for column in zip(*padded, strict=True)] or [[] for _ in range(width)]

    def rows(self) -> list[list[Any]]:
        """Data rows padded to the columns, pandas' NaN as None (an empty cell for every writer)."""
        width = len(self.table.columns)
        return [
            [
                None if isinstance(v, float) and math.isnan(v) else v
                for v in (list(r) + [None] * width)[:width]
            ]
            for r in self.table.rows
        ]


@dataclass
class Grid:
    """Titles, headers and text lines as cells; each table's data rows stay a block (`tables`),
    written row by row by the writers (a parent branch's ledger has a million values)."""

    spec: SheetSpec
    cells: list[Cell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    tables: list[Placed] = field(default_factory=list)
    n_rows: int = 0

    @property
    def n_cols(self) -> int:
        return max(
            [
                len(self.widths),
                *(c.col + c.span for c in self.cells),
                *(len(t.columns) for t in self.tables),
            ]
        )

    def values(self) -> list[list[Any]]:
        """The sheet as a rectangle of values (what a reader sees), row 0 = Excel row 1."""
        width = self.n_cols
        matrix: list[list[Any]] = [[None] * width for _ in range(self.n_rows)]
        for cell in self.cells:
            matrix[cell.row][cell.col] = cell.value
        for placed in self.tables:
            for offset, values in enumerate(placed.rows()):
                matrix[placed.first_row + offset][: len(values)] = values
        return matrix

    @property
    def freeze_row(self) -> int | None:
        """Freeze below the header when the sheet is one table."""
        return self.tables[0].header_row + 1 if len(self.tables) == 1 else None

    @property
    def repeat_through(self) -> int:
        return self.tables[0].header_row if len(self.tables) == 1 else 1


def layout(spec: SheetSpec) -> Grid:
    grid = Grid(spec)
    for block in spec.blocks:
        if isinstance(block, Table):
            for c, col in enumerate(block.columns):
                grid.widths[c] = max(grid.widths.get(c, 0), col.width)
    if not grid.widths:
        grid.widths = dict.fromkeys(range(spec.text_width), float(TEXT_COLUMN_WIDTH))
    grid.cells.append(Cell(0, 0, spec.title, "title"))
    grid.cells.append(Cell(1, 0, spec.subtitle, "subtitle"))
    grid.heights[0] = 22
    row = FIRST_BLOCK_ROW
    for block in spec.blocks:
        row = _table(grid, block, row) if isinstance(block, Table) else _text(grid, block, row)
    grid.n_rows = row
    return grid


def _table(grid: Grid, table: Table, row: int) -> int:
    if table.caption:
        grid.cells.append(Cell(row, 0, table.caption, "caption"))
        row += 1
    header_row = row
    for c, col in enumerate(table.columns):
        grid.cells.append(Cell(row, c, col.header, "header"))
    row += 1
    first = row
    if not table.rows:
        grid.cells.append(Cell(row, 0, table.empty_note, "note"))
        grid.tables.append(Placed(table, header_row, first, first - 1))
        return row + 2
    row += len(table.rows)
    grid.tables.append(Placed(table, header_row, first, row - 1))
    return row + 1


def _text(grid: Grid, text: Text, row: int) -> int:
    # Merged cells do not grow with wrapped text, so each row is sized from its text: a 10-point
    # line holds about 1.15 half-width characters per unit of column width.
    width = grid.spec.text_width
    per_line = max(20, int(sum(grid.widths.get(c, TEXT_COLUMN_WIDTH) for c in range(width)) * 1.15))
    for style, line in text.lines:
        grid.cells.append(Cell(row, 0, line, style, span=width))
        lines = sum(max(1, -(-display_width(part) // per_line)) for part in line.split("\n"))
        if lines > 1:
            grid.heights[row] = 13.5 * lines
        row += 1
    return row
