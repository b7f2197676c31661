"""SheetSpec -> cell positions and print layout, computed once for both writers.

The file writer (XlsxWriter) and the Excel-button writer (xlwings) draw the same Grid, so the
two paths put the same value in the same cell by construction. The grid also decides how the
sheet prints (render/page.py): orientation, the rows repeated on every page, where pages break,
where each chart sits, and for a one-page sheet (the agenda) the type size.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from itertools import pairwise
from typing import Any

from . import page
from .lines import break_lines, print_width, wrapped_lines
from .lines import display_width as display_width
from .spec import Chart, Col, SheetSpec, Table, Text

TEXT_COLUMN_WIDTH = 10.5  # a text-only sheet's columns: eight of them fill a portrait A4 page
BASE_SIZE = 10.0  # points: the tabs' body text
TEXT_SIZES = (11.0, 10.5, 10.0, 9.5, 9.0)  # a one-page sheet takes the largest that fits
TITLE_HEIGHT = 22.0
HEADING_STEP = 2.0  # an h1 line is this much larger than the body
CHART_MAX_WIDTH = 640  # pixels
CHART_MIN_WIDTH = 420  # narrower bar charts go under each other rather than side by side
DAYS_CHART_MIN_WIDTH = 320  # a week's line or column chart (a handful of days) reads this small
CHART_GAP = 12
BAR_PITCH = 24  # pixels a bar (a person, an item) of a bar chart takes
TIGHT_BAR_PITCH = 18  # ... when that keeps the chart on the page of its table
MEASURED_ROWS = 500  # text columns of tables up to this long widen to fit their text
WIDEST_TEXT = 2.0  # ... up to this many times the width the table asked for
STRETCH_FROM = 1.5  # a table's last column this much wider than the sheet's column stretches
# Tables of one sheet share its columns while no column of theirs gets twice its width and more
# than this many units over; past that every table gets its own widths, its columns merged over
# the sheet's finer columns (no masked name in a column as wide as 事项).
SHARED_SLACK = 8
SNAP = 2.0  # a table column ends on an edge already there this many units past its own
GROW = 0.3  # ... or this share of its width past it
SMALL_TABLE = 5  # a table of this many rows (the stars) widens its columns to the others' edges
SEPARATOR = " · "
WHOLE_ROWS = 12  # a table this short starts on a fresh page rather than run on over one


def styled(style: str, size: float | None) -> str:
    """A style at a type size other than the tabs' own: 'body@9.5'."""
    return style if size is None else f"{style}@{size:g}"


def split_style(style: str) -> tuple[str, float | None]:
    """'body@9.5' -> ('body', 9.5); 'body' -> ('body', None)."""
    base, _, size = style.partition("@")
    return base, float(size) if size else None


def table_size(grid_size: float | None) -> float | None:
    """The type size of a one-page sheet's tables: the sheet's own, never above the tabs' size
    their columns are measured for (None: the tabs' size)."""
    return None if grid_size is None else min(grid_size, BASE_SIZE)


def cell_style(fmt: str, grid_size: float | None) -> str:
    """A table cell's style: 'cell:text', or 'cell:text@9' on a one-page sheet in 9-point type."""
    size = table_size(grid_size)
    return f"cell:{fmt}" if size is None or size == BASE_SIZE else f"cell:{fmt}@{size:g}"


def text_size(style: str, size: float) -> float:
    """The point size a text style prints at, for body text of `size`."""
    return size + HEADING_STEP if style == "h1" else size


@dataclass
class Cell:
    row: int  # 0-based
    col: int
    value: Any
    style: str  # title subtitle caption header note h1 h2 body strong, or cell:<fmt>; @size
    span: int = 1  # merged across this many columns


@dataclass
class Placed:
    """Where a table landed: its header row and data rows (for formats, filters and charts)."""

    table: Table  # a table continued on a new page is placed again with the rows that follow
    header_row: int
    first_row: int
    last_row: int  # < first_row when the table is empty
    spans: dict[int, int] = field(default_factory=dict)  # a column merged over this many
    starts: list[int] = field(default_factory=list)  # each column's sheet column; [] = 0, 1, ...
    index: int = 0  # which table of the spec it is

    def col(self, c: int) -> int:
        """The sheet column (0-based) where the table's column `c` starts."""
        return self.starts[c] if self.starts else c

    @property
    def width(self) -> int:
        """Sheet columns the table covers."""
        last = len(self.table.columns) - 1
        return self.col(last) + self.spans.get(last, 1)

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
class PlacedChart:
    """A chart drawn over blank rows reserved for it under its table (pixels from column A)."""

    chart: Chart
    table: Placed
    row: int
    x: int
    width: int
    height: int


@dataclass
class Grid:
    """Titles, headers and text lines as cells; each table's data rows stay a block (`tables`),
    written row by row by the writers (a parent branch's ledger has a million values)."""

    spec: SheetSpec
    cells: list[Cell] = field(default_factory=list)
    widths: dict[int, float] = field(default_factory=dict)
    heights: dict[int, float] = field(default_factory=dict)
    tables: list[Placed] = field(default_factory=list)
    charts: list[PlacedChart] = field(default_factory=list)
    n_rows: int = 0
    title_rows: int = 2  # title and subtitle lines, repeated on every page of a long sheet
    landscape: bool = False
    size: float | None = None  # a one-page sheet's body type size
    one_page: bool = False  # fits one page at that size (else it prints one page wide)
    breaks: list[int] = field(default_factory=list)  # rows that start a printed page
    pages: int = 1
    keeps: list[page.Keep] = field(default_factory=list)
    tight: frozenset[int] = frozenset()  # charts (index in spec.charts) drawn with tight bars
    # Where each table of the spec continues on a new page, under its caption and header again:
    # table index -> its rows (offsets) that start a page.
    continued: dict[int, tuple[int, ...]] = field(default_factory=dict)
    forced: set[int] = field(default_factory=set)  # rows that must start a page
    sections: list[int] = field(default_factory=list)  # rows of the h1 headings (the agenda's)
    own_columns: bool = False  # every table its own widths, merged over finer sheet columns
    placement: list[tuple[list[int], dict[int, int]]] = field(default_factory=list)

    @property
    def n_cols(self) -> int:
        return max(
            [
                len(self.widths),
                *(c.col + c.span for c in self.cells),
                *(t.width for t in self.tables),
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
                if placed.starts:
                    for c, value in enumerate(values):
                        matrix[placed.first_row + offset][placed.col(c)] = value
                else:
                    matrix[placed.first_row + offset][: len(values)] = values
        return matrix

    def height(self, row: int) -> float:
        return self.heights.get(row, page.DEFAULT_ROW)

    @property
    def width_px(self) -> float:
        return page.columns_px(self.widths.values())

    @property
    def freeze_row(self) -> int | None:
        """Freeze below the header when the sheet is one table."""
        return self.tables[0].header_row + 1 if len(self.tables) == 1 else None

    @property
    def repeat_rows(self) -> tuple[int, int] | None:
        """Rows printed at the top of every page (first, last; 0-based). A sheet of one table
        repeats its titles down to the table's header. A sheet of several tables repeats the
        titles (no single header is right for every page): its tables start on a fresh page
        rather than leave a caption or header alone at the bottom of one, and a table that runs
        on over a page starts the next one with its caption and header again, written there
        (`continued`) — print titles are one band of rows, so they cannot follow the tables."""
        if self.one_page:
            return None
        if self.spec.one_page:  # an agenda run on to a second page: its title, not a section
            return 0, self.title_rows - 1
        if len(self.tables) == 1 and not self.charts:
            return 0, self.tables[0].header_row
        return 0, self.title_rows - 1


def layout(spec: SheetSpec) -> Grid:
    """The grid of a sheet; a one-page sheet in the largest of TEXT_SIZES that fits the page."""
    if not spec.one_page:
        return _continue_tables(spec, _keep_charts_up(spec, _paginate(_layout(spec, None))))
    for size in TEXT_SIZES:
        grid = _layout(spec, size)
        if sum(map(grid.height, range(grid.n_rows))) <= _capacity(grid):
            grid.one_page = True
            return grid
    return _overflowing(grid)  # too long even in the smallest type: one page wide, several tall


def _overflowing(grid: Grid) -> Grid:
    """A one-page sheet (a monthly meeting's agenda) that runs on to more pages: each section,
    from its heading to the next, on one page when it fits, and every page started by a break of
    its own. The tables here do not repeat their header on a new page, so where a page ends must
    not be left to the program printing it: LibreOffice's page holds a little more than the page
    reckoned here and would end page 1 under a table's bare header."""
    heading = {k.first: k.lead for k in grid.keeps}  # a heading's lines and the line under it
    for first, end in pairwise([*grid.sections, grid.n_rows]):
        grid.keeps.append(page.Keep(first, end - 1, heading.get(first, 2)))
    grid = _paginate(grid)
    page_of = page.page_of_rows(
        grid.n_rows, grid.height, grid.breaks, _capacity(grid), _repeated(grid)
    )
    grid.breaks = [r for r in range(1, grid.n_rows) if page_of[r] != page_of[r - 1]]
    return grid


def _layout(
    spec: SheetSpec,
    size: float | None,
    tight: frozenset[int] = frozenset(),
    continued: dict[int, tuple[int, ...]] | None = None,
) -> Grid:
    grid = Grid(spec, size=size, tight=tight, continued=dict(continued or {}))
    tables = [b for b in spec.blocks if isinstance(b, Table)]
    grid.widths, grid.placement, grid.own_columns = _sheet_columns(tables)
    if not grid.widths:
        grid.widths = dict.fromkeys(range(spec.text_width), TEXT_COLUMN_WIDTH)
    grid.landscape = bool(spec.landscape)
    grid.cells.append(Cell(0, 0, spec.title, "title"))
    grid.heights[0] = TITLE_HEIGHT
    row = 1
    # A subtitle (date, host, time progress...) is broken rather than left to run past the
    # sheet's edge, where it would shrink the whole printout to fit: a text sheet's at its text
    # columns, a sheet of tables' at the page (a narrow table may have its title run on).
    page_px = page.printable(landscape=False)[0] * page.PX_PER_PT
    room = page.line_capacity(
        max(grid.width_px, page_px) if tables else grid.width_px, size or BASE_SIZE
    )
    for line in _join_parts(spec.subtitle, room):
        grid.cells.append(Cell(row, 0, line, styled("subtitle", size)))
        grid.heights[row] = _line_height(grid, size or BASE_SIZE)
        row += 1
    grid.title_rows = row
    if size is None:
        row += 1  # one blank row (a one-page sheet, the agenda, has no room to spare)
    index = 0
    for block in spec.blocks:
        if isinstance(block, Table):
            row = _table(grid, block, index, row)
            index += 1
        else:
            row = _text(grid, block, row)
    grid.n_rows = row
    return grid


def _sheet_columns(
    tables: list[Table],
) -> tuple[dict[int, float], list[tuple[list[int], dict[int, int]]], bool]:
    """The sheet's column widths and where each table's columns go: (first sheet column of
    each, the columns merged over several). Shared columns while every table fits them well;
    else each table its own widths (`_own_columns`)."""
    wanted = [_wanted_widths(t) for t in tables]
    widths = _shared_widths(tables, wanted)
    spans = [_stretch(widths, t, w) for t, w in zip(tables, wanted, strict=True)]
    misfit = any(
        widths[c] > 2 * want[c] and widths[c] - want[c] > SHARED_SLACK
        for table, want, stretched in zip(tables, wanted, spans, strict=True)
        for c in range(len(table.columns))
        if c not in stretched
    )
    if not misfit:
        return widths, [([], s) for s in spans], False
    return (*_own_columns(tables, wanted), True)


def _own_columns(
    tables: list[Table], wanted: list[list[float]]
) -> tuple[dict[int, float], list[tuple[list[int], dict[int, int]]]]:
    """Every table its own column widths, each table column merged over the sheet columns
    between its edges. The longest table's edges are the sheet's; each other table's column
    ends on an edge already there when one lies a little past its width (up to GROW of it, or
    SNAP units), so the sheet does not fill with slivers of columns; never short of its width
    (a date would show ###)."""
    edges: set[float] = {0.0}
    table_edges: dict[int, list[float]] = {}
    widest = max(map(sum, wanted))
    for t in sorted(range(len(tables)), key=lambda t: -len(tables[t].rows)):
        mine = _edges(wanted[t], edges, 1.0 if len(tables[t].rows) <= SMALL_TABLE else GROW)
        if mine[-1] > widest + SNAP:  # widening it would widen the sheet: only a little then
            mine = _edges(wanted[t], edges, GROW)
        edges.update(mine)
        table_edges[t] = mine
    sheet = sorted(edges)
    column_of = {edge: n for n, edge in enumerate(sheet)}
    widths = {n: sheet[n + 1] - sheet[n] for n in range(len(sheet) - 1)}
    placement = []
    for t in range(len(tables)):
        ends = [column_of[e] for e in table_edges[t]]
        spans = {
            c: ends[c + 1] - ends[c] for c in range(len(ends) - 1) if ends[c + 1] - ends[c] > 1
        }
        placement.append((ends[:-1], spans))
    return widths, placement


def _edges(widths: list[float], edges: set[float], grow: float) -> list[float]:
    """A table's column edges: each column ends on the first edge already there within `grow`
    of its width (or SNAP) past its end, else where it ends."""
    at, mine = 0.0, [0.0]
    for width in widths:
        target = at + width
        near = [e for e in edges if target <= e <= target + max(SNAP, grow * width)]
        at = min(near) if near else target
        mine.append(at)
    return mine


def _shared_widths(tables: list[Table], wanted: list[list[float]]) -> dict[int, float]:
    """The sheet's column widths: at each position, the widest column any table has there —
    except a table's last column when the table is narrower than the sheet: that one stretches
    over the columns to its right (`_stretch`) rather than widen a column every other table
    shares (排行榜's 说明 of the stars would make every 岗位 column 40 wide)."""
    widths: dict[int, float] = {}
    sheet = max((len(t.columns) for t in tables), default=0)
    for table, want in zip(tables, wanted, strict=True):
        for c in range(len(table.columns)):
            if c < len(table.columns) - 1 or c == sheet - 1:
                widths[c] = max(widths.get(c, 0), want[c])
    for table, want in zip(tables, wanted, strict=True):
        c = len(table.columns) - 1
        width = want[c]
        if c == sheet - 1 or width <= STRETCH_FROM * widths.get(c, 0):
            widths[c] = max(widths.get(c, 0), width)  # a little wider: the column widens
            continue
        missing = width - sum(widths.get(i, 0) for i in range(c, sheet))
        if missing > 0:
            widths[sheet - 1] += missing
    return widths


def wanted_widths(table: Table) -> list[float]:
    """Each column's width as a sheet of this table would make it (`_wanted_widths`)."""
    return _wanted_widths(table)


def _wanted_widths(table: Table) -> list[float]:
    """Each column's width: as the table asks, a text column wider when its text needs it (the
    stars' 张丽、李四、杨帆、王芳), up to WIDEST_TEXT times, and a column whose header carries a
    unit in brackets wide enough for the header on one line (`_unit_header_width`). Long tables
    (a parent branch's ledger) are not measured."""
    widths = [max(col.width, _unit_header_width(col)) for col in table.columns]
    if not table.rows or len(table.rows) > MEASURED_ROWS:
        return widths
    per_unit = BASE_SIZE / 2 * page.PX_PER_PT / page.NARROW_DIGIT  # width units a half-width
    for c, col in enumerate(table.columns):
        if col.fmt not in ("text", "flag"):
            continue
        texts = {row[c] for row in table.rows if len(row) > c and isinstance(row[c], str)}
        longest = max(map(print_width, texts), default=0.0)  # each distinct text measured once
        need = math.ceil(longest * per_unit + 1)
        widths[c] = max(widths[c], min(max(col.width, need), col.width * WIDEST_TEXT))
    return widths


def _unit_header_width(col: Col) -> float:
    """ "记分业绩(万元)" wrapped in a column a little too narrow breaks inside the brackets and
    leaves ")" alone on a line: a header with a bracketed unit gets the width that holds it on
    one line (in bold, measured as `_lines` measures), up to WIDEST_TEXT times the width asked."""
    if not any(mark in col.header for mark in "(（"):
        return 0.0
    px = print_width(col.header) * BASE_SIZE / 2 * page.PX_PER_PT * 1.05 + 6
    need = math.ceil((px - page.CELL_PADDING) / page.NARROW_DIGIT)
    return min(need, col.width * WIDEST_TEXT)


def _stretch(widths: dict[int, float], table: Table, wanted: list[float]) -> dict[int, int]:
    """The last column over as many sheet columns as its width needs."""
    c = len(table.columns) - 1
    need, covered, span = wanted[c], 0.0, 0
    while covered < need and c + span < len(widths):
        covered += widths[c + span]
        span += 1
    return {c: span} if span > 1 else {}


def _table(grid: Grid, table: Table, index: int, row: int) -> int:
    """The table's caption, header and rows; where it continues on a new page (`continued`),
    its caption (marked 续) and header again, on a page of their own."""
    starts, spans = grid.placement[index]
    pieces = [0, *grid.continued.get(index, ()), len(table.rows)]
    for n, (first, last) in enumerate(pairwise(pieces)):
        if n:
            grid.forced.add(row)
            caption = f"{table.caption}（续）" if table.caption else ""
            part = Table(table.columns, table.rows[first:last], caption, table.empty_note)
        else:
            part = Table(table.columns, table.rows[first:last], table.caption, table.empty_note)
        row = _table_part(grid, part, index, row, starts, spans, last == len(table.rows))
    return row


def _table_part(
    grid: Grid,
    table: Table,
    index: int,
    row: int,
    starts: list[int],
    spans: dict[int, int],
    ends: bool,
) -> int:
    start = row
    if table.caption:
        grid.cells.append(Cell(row, 0, table.caption, "caption"))
        row += 1
    header_row = row
    placed = Placed(table, header_row, row + 1, row, spans, starts, index)
    size = table_size(grid.size)
    header = styled("header", None if size == BASE_SIZE else size)
    for c, col in enumerate(table.columns):
        grid.cells.append(Cell(row, placed.col(c), col.header, header, span=spans.get(c, 1)))
    grid.heights[row] = _header_height(grid, placed)
    row += 1
    first = row
    if not table.rows:
        # The note spans the table, so it reads as one sentence under the header.
        grid.cells.append(Cell(row, 0, table.empty_note, "note", span=placed.width))
        grid.tables.append(placed)
        grid.keeps.append(page.Keep(start, row, row - start + 1))
        return row + 2
    _row_heights(grid, placed, first)
    row += len(table.rows)
    placed.last_row = row - 1
    grid.tables.append(placed)
    lead = min(first + 3, row) - start
    if _continuable(grid, index) and len(table.rows) > WHOLE_ROWS:
        # a long table may start low on a page: it goes on under its header on the next
        grid.keeps.append(page.Keep(start, start + lead - 1, lead))
    else:
        grid.keeps.append(page.Keep(start, row - 1, lead))
    if not ends:  # the page ends here and the table goes on under its header on the next
        return row
    if grid.size is not None and not grid.spec.charts:
        return row  # a one-page sheet (the agenda): its lines go on right under the table
    return _charts(grid, placed, index, row + 1)


def _row_heights(grid: Grid, placed: Placed, first: int) -> None:
    """Rows of a table with text that wraps ("wrap" columns) as tall as their most lines; on a
    one-page sheet (the agenda) every row exactly as tall as its lines, without the tabs' spare."""
    wrapping = [c for c, col in enumerate(placed.columns) if col.fmt == "wrap"]
    if not wrapping and grid.size is None:
        return
    size = table_size(grid.size) or BASE_SIZE
    line = _line_height(grid, size)
    for offset, values in enumerate(placed.table.rows):
        lines = max(
            (
                wrapped_lines(
                    str(values[c] or ""),
                    _cell_px(grid, placed.col(c), placed.spans.get(c, 1)),
                    size,
                )
                for c in wrapping
                if c < len(values)
            ),
            default=1,
        )
        if lines > 1 or grid.size is not None:
            grid.heights[first + offset] = lines * line + (0 if grid.size is not None else 2)


def _continuable(grid: Grid, index: int) -> bool:
    """A table that may run on over a page break under its caption and header again: one of
    several tables of a sheet (a sheet of one repeats its header as print titles), drawing no
    chart (a chart draws one range of rows)."""
    tables = sum(isinstance(b, Table) for b in grid.spec.blocks)
    charted = {c.table for c in grid.spec.charts}
    return (
        grid.size is None
        and not grid.spec.one_page
        and (tables > 1 or bool(charted))
        and index not in charted
    )


def _join_parts(subtitle: str, width: int) -> list[str]:
    """The subtitle's parts ("统计日期 …", "本月时间进度 …", the generated mark) as lines, each
    part whole: the mark is how branchkit knows the tab as its own, so it is never split."""
    lines: list[str] = []
    for part in subtitle.split(SEPARATOR):
        if lines and print_width(lines[-1] + SEPARATOR + part) <= width:
            lines[-1] += SEPARATOR + part
        else:
            lines.append(part)
    return lines


def _cell_px(grid: Grid, c: int, span: int = 1) -> float:
    return page.columns_px(grid.widths.get(i, 0) for i in range(c, c + span))


def _lines(text: str, width_px: float, size: float = BASE_SIZE) -> int:
    """Lines a header wraps to in its column."""
    return wrapped_lines(text, width_px, size, bold=True)


def _row_height(lines: int, size: float = BASE_SIZE) -> float:
    return max(page.DEFAULT_ROW, lines * page.line_height(size) + 2)


def _header_height(grid: Grid, placed: Placed) -> float:
    """Headers wrap (是否现场推荐 in a narrow column takes two lines): the row is as tall as the
    longest header needs; on a one-page sheet, in its tables' type and without spare."""
    size = table_size(grid.size)
    lines = max(
        _lines(col.header, _cell_px(grid, placed.col(c), placed.spans.get(c, 1)), size or BASE_SIZE)
        for c, col in enumerate(placed.columns)
    )
    if size is None:
        return _row_height(lines)
    return lines * _line_height(grid, size) + 2


def _charts(grid: Grid, placed: Placed, index: int, row: int) -> int:
    """Charts of this table, under it: side by side while they fit the sheet's width."""
    charts = [c for c in grid.spec.charts if c.table == index]
    if not charts:
        return row
    space = int(grid.width_px)
    least = max(map(_min_width, charts))
    per_band = max(1, min(len(charts), (space + CHART_GAP) // (least + CHART_GAP)))
    width = max(least, min(CHART_MAX_WIDTH, (space - CHART_GAP * (per_band - 1)) // per_band))
    row_px = page.DEFAULT_ROW * page.PX_PER_PT
    for start in range(0, len(charts), per_band):
        band = charts[start : start + per_band]
        height = max(
            _chart_height(c, placed, grid.spec.charts.index(c) in grid.tight) for c in band
        )
        for n, chart in enumerate(band):
            grid.charts.append(
                PlacedChart(chart, placed, row, n * (width + CHART_GAP), width, height)
            )
        rows = math.ceil(height / row_px)
        # The blank row above goes with the chart: a page that breaks before a chart breaks a
        # row above its frame, so no sliver of the frame prints at the foot of the page before.
        grid.keeps.append(page.Keep(row - 1, row + rows - 1, rows + 1))
        row += rows + 1
    return row


def _min_width(chart: Chart) -> int:
    """A bar chart needs room for names and values; a week's days, drawn as lines or columns,
    read in less, so two of them sit side by side on a portrait page."""
    return CHART_MIN_WIDTH if chart.kind == "bar" else DAYS_CHART_MIN_WIDTH


def _chart_height(chart: Chart, placed: Placed, tight: bool = False) -> int:
    """A bar per person (排行榜) grows with the people; a day-by-day chart is fixed."""
    if chart.kind == "bar":
        pitch = TIGHT_BAR_PITCH if tight else BAR_PITCH
        return max(240, pitch * (placed.last_row - placed.first_row + 1) + 90)
    return 270


def _keep_charts_up(spec: SheetSpec, grid: Grid) -> Grid:
    """A chart too tall for what is left of its table's page starts a page of its own, which can
    leave most of the page before empty (基础管理's chart of 23 items); a chart a little too tall
    pushes the table under it to a page of its own (the weekly 排行榜's month). Drawn with tighter
    bars it may fit: then it is, when that keeps the chart under its table, or saves a page."""
    for placed in list(grid.charts):
        index = spec.charts.index(placed.chart)
        if placed.chart.kind != "bar" or index in grid.tight:
            continue
        tighter = _paginate(_layout(spec, None, grid.tight | {index}, grid.continued))
        moved = next(p for p in tighter.charts if p.chart is placed.chart)
        pulled_up = placed.row - 1 in grid.breaks and moved.row - 1 not in tighter.breaks
        if (pulled_up and tighter.pages <= grid.pages) or tighter.pages < grid.pages:
            grid = tighter
    return grid


def _text_columns(grid: Grid) -> int:
    """Columns a Text block spans: the spec's text_width, but never past the sheet's tables. A
    line merged into a column no table has makes the printout that column wider, so every page
    prints smaller (基础管理's summary line over 8 columns of a sheet of 7)."""
    if grid.own_columns or grid.spec.one_page:  # the agenda's tables set the page's width
        return len(grid.widths)
    if any(isinstance(b, Table) for b in grid.spec.blocks):
        return min(grid.spec.text_width, len(grid.widths))
    return grid.spec.text_width


def _text_px(grid: Grid) -> float:
    return page.columns_px(
        grid.widths.get(c, TEXT_COLUMN_WIDTH) for c in range(_text_columns(grid))
    )


def _text(grid: Grid, text: Text, row: int) -> int:
    """One row per printed line, merged across the text columns and exactly one line tall."""
    span = _text_columns(grid)
    width = _text_px(grid)
    size = grid.size or BASE_SIZE
    for style, line in text.lines:
        points = text_size(style, size) if grid.size else (12.0 if style == "h1" else BASE_SIZE)
        broken = break_lines(line, page.line_capacity(width, points))
        if style in ("h1", "h2"):  # a heading stays with the line under it
            grid.keeps.append(page.Keep(row, row + len(broken), len(broken) + 1))
        if style == "h1":
            grid.sections.append(row)
        for part in broken:
            grid.cells.append(Cell(row, 0, part, styled(style, grid.size), span=span))
            air = (1 if grid.size else 3) if style == "h1" else 0  # a heading's bar
            grid.heights[row] = _line_height(grid, points) + air
            row += 1
    return row


def _line_height(grid: Grid, points: float) -> float:
    """A row of one line: a one-page sheet's (the agenda) set a little tighter, so a branch's
    whole meeting fits its page in readable type."""
    return page.line_height(points, page.TIGHT_LEADING if grid.size else page.LEADING)


def _capacity(grid: Grid) -> float:
    """A page's height in sheet points: the grid's scale when it prints one page wide."""
    scale = page.fit_scale(grid.width_px, grid.landscape)
    return page.printable(grid.landscape, grid.spec.one_page)[1] / scale * page.SAFETY


def _paginate(grid: Grid, landscape: bool | None = None) -> Grid:
    """Page breaks for the sheet's orientation. When the spec leaves it open: the orientation
    that prints legibly on fewer pages; on a tie portrait (more rows a page) unless it would
    print smaller than comfortable. `landscape` keeps an orientation chosen before."""
    repeat = grid.repeat_rows
    repeated = sum(map(grid.height, range(repeat[1] + 1))) if repeat else 0.0
    if landscape is not None:
        choices = [landscape]
    else:
        choices = [grid.landscape] if grid.spec.landscape is not None else [False, True]
    best: tuple[tuple[bool, int, bool], bool, list[int]] | None = None
    for turned in choices:
        grid.landscape = turned
        breaks, pages = page.page_breaks(
            grid.n_rows, grid.height, grid.keeps, _capacity(grid), repeated, grid.forced
        )
        scale = page.fit_scale(grid.width_px, turned)
        rank = (scale < page.LEGIBLE_SCALE, pages, scale < page.COMFORTABLE_SCALE)
        if best is None or rank < best[0]:
            best = (rank, turned, breaks)
    assert best is not None
    (_, grid.pages, _), grid.landscape, grid.breaks = best
    return grid


def _continue_tables(spec: SheetSpec, grid: Grid) -> Grid:
    """A sheet of several tables: a table that runs on over a page break starts the next page
    with its caption and header again. The first break a table runs on over bare is found on
    the laid-out sheet; each part from there on starts a fresh page under its caption and
    header, so where the table breaks after that follows from its own rows (`_parts_from`) and
    all its parts are placed at once: the sheet is laid out again once a table, not once a page
    (跟进提醒 of a parent branch's month runs on over 300 pages)."""
    for _ in range(grid.n_rows):
        running = _running(grid)
        if running is None:
            return grid
        placed, r = running
        offset = r - placed.first_row + _rows_before(grid, placed)
        starts = [offset + n for n in _parts_from(grid, placed, r)]
        continued = dict(grid.continued)
        continued[placed.index] = tuple(sorted({*continued.get(placed.index, ()), *starts}))
        grid = _paginate(_layout(spec, None, grid.tight, continued), grid.landscape)
    return grid


def _running(grid: Grid) -> tuple[Placed, int] | None:
    """The first table (part) that runs on over a page break bare, and the row that starts the
    page, as `page.page_of_rows` places the rows; None when every table part is on one page."""
    page_of = page.page_of_rows(
        grid.n_rows, grid.height, grid.breaks, _capacity(grid), _repeated(grid)
    )
    return next(
        (
            (placed, r)
            for placed in grid.tables
            if _continuable(grid, placed.index)
            for r in range(placed.first_row + 1, placed.last_row + 1)
            if page_of[r] != page_of[r - 1]
        ),
        None,
    )


def _parts_from(grid: Grid, placed: Placed, row: int) -> list[int]:
    """Where the parts of a table start, counted in rows from `row` (which starts the first):
    each part starts a page at its caption and header (a forced break), and runs until a row no
    longer fits, as `page.page_of_rows` counts — so it depends only on the part's own rows. The
    rows are this part's from `row` on; a part that would start with its first data row on a
    page of its own is not cut there (no caption could mend that), as `_running` looks past it."""
    capacity, repeated = _capacity(grid), _repeated(grid)
    lead = [grid.height(r) for r in range(_caption_row(placed), placed.first_row)]
    data = [grid.height(r) for r in range(row, placed.last_row + 1)]
    starts = [0]
    while True:
        used = repeated  # the part's first row starts a page
        for height in lead:
            if used > repeated and used + height > capacity:
                used = repeated
            used += height
        first = starts[-1]
        for n in range(first, len(data)):
            if used > repeated and used + data[n] > capacity:
                if n > first:
                    starts.append(n)
                    break
                used = repeated
            used += data[n]
        else:
            return starts


def _rows_before(grid: Grid, placed: Placed) -> int:
    """Rows of the same table placed before this part of it."""
    return sum(
        len(p.table.rows)
        for p in grid.tables
        if p.index == placed.index and p.first_row < placed.first_row
    )


def _repeated(grid: Grid) -> float:
    repeat = grid.repeat_rows
    return sum(map(grid.height, range(repeat[0], repeat[1] + 1))) if repeat else 0.0


def _caption_row(placed: Placed) -> int:
    return placed.header_row - 1 if placed.table.caption else placed.header_row
