"""Where a whole column is settled at once instead of row by row (a parent branch's month has
100,000 rows), the result is what the row-by-row rule gives; where a long table's printed parts
are placed at once instead of page by page, they are the parts the page-by-page rule finds."""

from __future__ import annotations

import calendar
import datetime as dt
import math
import re
from typing import NamedTuple

import click
from branchkit.cli import DayType
from branchkit.matching import dated_on_or_before
from branchkit.render import grid as gridmod
from branchkit.render import page
from branchkit.render.grid import Grid
from branchkit.render.records import amount as _amount
from branchkit.render.records import record_table
from branchkit.render.spec import Chart, Col, SheetSpec, Table, Text
from branchkit.table import Table as ColumnTable
from hypothesis import example, given, settings
from hypothesis import strategies as st

DAYS = st.dates(min_value=dt.date(2026, 10, 25), max_value=dt.date(2026, 12, 5))
CELLS = st.one_of(DAYS, st.none(), st.just("2026-11-01"), st.just(45000.0))


@given(st.lists(st.one_of(DAYS, DAYS, CELLS), max_size=30), DAYS)
def test_rows_dated_on_or_before_a_day_are_those_the_row_rule_keeps(
    dates: list[object], last: dt.date
) -> None:
    table = ColumnTable({"date": dates, "row": list(range(2, len(dates) + 2))})
    kept = [i for i, d in enumerate(dates) if isinstance(d, dt.date) and d <= last]
    found = dated_on_or_before(table, "date", last)
    assert found["date"] == [dates[i] for i in kept]
    assert found["row"] == [i + 2 for i in kept]


class _Record(NamedTuple):
    name: str
    amount: object
    credit: object


VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.integers(-5, 5),
    st.booleans(),
    st.just("—"),
)


@example([_Record("张三", math.nan, 2.5), _Record("", None, -0.0)])
@given(
    st.lists(
        st.builds(_Record, st.sampled_from(["张三", "李四", ""]), VALUES, st.floats(-1e6, 1e6)),
        max_size=8,
    )
)
def test_a_record_table_holds_what_each_row_converted_alone_holds(records: list[_Record]) -> None:
    fields = (
        ("姓名", "text", 8, "name"),
        ("金额", "amount", 8, "amount"),
        ("记分", "number", 8, "credit"),
    )
    table = record_table(fields, records, shown={"name": "【{}】".format})
    expected = [[f"【{r.name}】", _amount(r.amount), _amount(r.credit)] for r in records]
    assert repr(table.rows) == repr(expected)  # NaN too
    assert [type(v) for row in table.rows for v in row] == [
        type(v) for row in expected for v in row
    ]  # an int stays an int, a bool a bool


def _converted(kind: click.ParamType, text: str) -> object:
    try:
        return kind.convert(text, None, None)
    except click.BadParameter as exc:
        return ("refused", exc.message)


@example("2026-02-30")
@example("2026.11.31")
@example("2026年2月29日")
@example("2026年11月29日")
@example("2026-11-20")
@example("２０２６-１１-２０")
@given(
    st.one_of(
        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
        st.from_regex(r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}", fullmatch=True),
        st.text(max_size=12),
    )
)
def test_the_date_option_reads_what_click_datetime_reads(text: str) -> None:
    """The same dates read, the same refused; a day the month lacks (2026-11-31, which a helper
    typed) is refused saying so, where click only shows the spellings it takes."""
    formats = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]
    found, expected = _converted(DayType(formats), text), _converted(click.DateTime(formats), text)
    parts = re.fullmatch(r"([0-9]{4})[-./年]([0-9]{1,2})[-./月]([0-9]{1,2})日?", text)
    year, month, day = map(int, parts.groups()) if parts else (0, 0, 0)
    lacks = year >= 1 and 1 <= month <= 12 and day > calendar.monthrange(year, month)[1]
    if isinstance(expected, tuple) and lacks:
        assert isinstance(found, tuple) and f"{month} 月没有 {day} 日" in found[1]
    else:
        assert found == expected


# ---------------------------------------------------------------- a table running on over pages


def _continued_page_by_page(spec: SheetSpec, grid: Grid) -> Grid:
    """The straightforward rule the layout follows: find the first page break a table runs on
    over bare, start that page with its caption and header again, lay the sheet out again, and
    repeat until no table runs on bare — one layout per page."""
    while True:
        page_of = page.page_of_rows(
            grid.n_rows, grid.height, grid.breaks, gridmod._capacity(grid), gridmod._repeated(grid)
        )
        running = [
            (placed, r)
            for placed in grid.tables
            if gridmod._continuable(grid, placed.index)
            for r in range(placed.first_row + 1, placed.last_row + 1)
            if page_of[r] != page_of[r - 1]
        ]
        if not running:
            return grid
        placed, r = running[0]
        before = sum(
            len(p.table.rows)
            for p in grid.tables
            if p.index == placed.index and p.first_row < placed.first_row
        )
        continued = dict(grid.continued)
        offsets = {*continued.get(placed.index, ()), r - placed.first_row + before}
        continued[placed.index] = tuple(sorted(offsets))
        grid = gridmod._paginate(gridmod._layout(spec, None, grid.tight, continued), grid.landscape)


# Columns with headers of one line or several, and in a narrow column a header near a page's
# height or taller (86-100 characters, 690-750 points: a page that ends between a table's
# caption and header, or its header and first rows).
COLUMNS = st.one_of(
    st.builds(
        Col,
        st.sampled_from(["网点", "是否现场推荐", "记分业绩(万元)", "下次联系日期与事项说明", "数"]),
        st.sampled_from(["text", "int"]),
        st.integers(4, 30),
    ),
    st.builds(Col, st.integers(86, 100).map(lambda n: "表" * n), st.just("text"), st.just(4)),
)


@st.composite
def _sheets(draw: st.DrawFn) -> SheetSpec:
    """Sheets of several tables of any length, with or without captions, headers of one line
    or several, text and charts between them, in either orientation."""
    blocks: list[Table | Text] = []
    for n in range(draw(st.integers(1, 4))):
        if draw(st.booleans()):
            blocks.append(Text([("h2", "说明"), ("body", "正文" * draw(st.integers(1, 60)))]))
        columns = draw(st.lists(COLUMNS, min_size=1, max_size=6))
        rows = [[f"行{i}", *range(len(columns) - 1)] for i in range(draw(st.integers(0, 400)))]
        blocks.append(Table(columns, rows, draw(st.sampled_from(["", f"表{n}"]))))
    tables = [b for b in blocks if isinstance(b, Table)]
    charts = [
        Chart(t, 0, (1,), "图", "int")
        for t in draw(st.sets(st.integers(0, len(tables) - 1), max_size=1))
        if len(tables[t].columns) > 1
    ]
    return SheetSpec(
        "表",
        "标题",
        "统计日期 2026-11-20",
        blocks,
        charts,
        draw(st.sampled_from([None, True, False])),
    )


@settings(max_examples=150)
@given(_sheets())
def test_a_running_tables_parts_placed_at_once_are_those_found_page_by_page(
    spec: SheetSpec,
) -> None:
    start = gridmod._keep_charts_up(spec, gridmod._paginate(gridmod._layout(spec, None)))
    fast = gridmod._continue_tables(spec, start)
    slow = _continued_page_by_page(spec, start)
    assert fast.continued == slow.continued
    assert (fast.n_rows, fast.breaks, fast.pages, fast.forced) == (
        slow.n_rows,
        slow.breaks,
        slow.pages,
        slow.forced,
    )
    assert fast.cells == slow.cells and fast.heights == slow.heights
    assert [(p.header_row, p.first_row, p.last_row, p.table) for p in fast.tables] == [
        (p.header_row, p.first_row, p.last_row, p.table) for p in slow.tables
    ]
