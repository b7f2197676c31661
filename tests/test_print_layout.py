"""How a generated tab prints, decided by the grid before any program sees it (render/page.py,
render/lines.py): lines that fit, one row each; the agenda on one page; titles repeated; tables
kept whole; charts under their tables; headers as tall as their text.
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import unicodedata
import zipfile
from pathlib import Path

import pytest
from branchkit.jobs import build_agenda, refresh_specs
from branchkit.read import read_book
from branchkit.render import page
from branchkit.render.agenda import agenda_sheet
from branchkit.render.grid import BASE_SIZE, TEXT_SIZES, Grid, layout, split_style, text_size
from branchkit.render.lines import _NO_LINE_START, break_lines, print_width
from branchkit.render.spec import Chart, Col, SheetSpec, Table, Text
from branchkit.render.xlsx import build
from branchkit.schema import GENERATED_MARK
from hypothesis import example, given, settings
from hypothesis import strategies as st

from .conftest import SAMPLE

DAY = dt.date(2026, 11, 20)
TEXT_STYLES = ("h1", "h2", "body", "strong", "note", "subtitle")


@pytest.fixture(scope="module")
def tabs() -> dict[str, Grid]:
    return {spec.name: layout(spec) for spec in refresh_specs(read_book(SAMPLE), DAY)}


@pytest.fixture(scope="module")
def agendas() -> dict[str, Grid]:
    book = read_book(SAMPLE)
    return {
        meeting: layout(agenda_sheet(build_agenda(book, DAY, meeting)))
        for meeting in ("daily", "weekly", "monthly")
    }


# ---------------------------------------------------------------- lines

agenda_like = st.lists(
    st.one_of(
        st.sampled_from(
            ["进度正常", "低于进度：", "转介成功数", "理财", "（李四）", "、", "；", "，"]
        ),
        st.sampled_from(["38.5万元", "2026-11-20", "HCZ-0096", "61%", " ", "· ", "　"]),
        st.text(alphabet="客户接待业务笔数主要开户转账存取款挂失", min_size=1, max_size=6),
    ),
    max_size=40,
).map("".join)


@given(agenda_like, st.integers(min_value=12, max_value=120))
# Found by this test: two closing marks after a word that fills the line (both hung, a whole
# character out of the column).
@example("2026-11-20、、", 12)
def test_every_line_fits_and_nothing_is_lost(text: str, width: int) -> None:
    lines = break_lines(text, width)
    # A line fits, or goes over only by one closing mark hung at its end (悬挂标点: when one word
    # fills the line and nothing can come down with the mark).
    assert all(
        print_width(line) <= width
        or (line[-1] in _NO_LINE_START and print_width(line[:-1]) <= width)
        for line in lines
    )
    assert "".join("".join(lines).split()) == "".join(text.split())


@given(agenda_like, st.integers(min_value=24, max_value=120))
# Found by this test: a closing mark after a space, and a code ending a full line.
@example("进度正常进度正常进度正常进度正常进度正常进度正常理财 、", 26)
@example("进度正常" * 6 + "低于进度：低于进度：、、" + "业" * 16 + "· 、", 54)
@example("进度正常" * 8 + "低于进度：、" + "业" * 9 + "HCZ-0096、", 52)
@example("2026-11-202026-11-20、", 24)
@example("2026-11-202026-11-2038.5万元", 24)  # one number wider than the line: cut, as it must be
@example("HCZ-0096HCZ-009661%38.5万元", 24)  # cut, with no "." to start the next line
@example("2026-11-20HCZ-009638.5万元", 24)  # a number inside a word too wide: cut with it
@example("2026-11-202026-11-20、、", 24)  # two marks after a full line hang together
def test_no_line_starts_with_a_closing_mark_and_numbers_stay_whole(text: str, width: int) -> None:
    lines = break_lines(text, width)
    for line in lines[1:]:
        assert line.strip()[:1] not in _NO_LINE_START or not line.strip()
    # Words, numbers, dates and codes (the breaker's atoms) stay whole unless wider than a
    # line: 009638.5 inside 2026-11-20HCZ-009638.5, a word of 24 at width 24, may be cut.
    for word in re.findall(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-*#@_]*", text):
        if print_width(word) <= width - 2:  # within a line, even under a bullet's indent
            assert any(word in line for line in lines), word


def test_a_bulleted_line_continues_under_its_text() -> None:
    text = (
        "· 孙悦（服务经理）：接待客户 16，转介 3，自主销售 0　低于进度：转介成功数 61%、信用卡 59%"
    )
    first, *rest = break_lines(text, 60)
    assert first.startswith("· ") and rest and all(line.startswith("  ") for line in rest)
    # broken at a space or after punctuation, not inside a word
    assert text[len(first)].isspace() or first[-1] in "，：、；"


# ---------------------------------------------------------------- the agenda


def test_a_daily_agenda_is_one_page_in_9_points_or_more(agendas: dict[str, Grid]) -> None:
    grid = agendas["daily"]
    assert grid.one_page and grid.size is not None and grid.size >= 9
    height = sum(map(grid.height, range(grid.n_rows)))
    assert height <= page.printable(landscape=False)[1]
    assert page.columns_px(grid.widths.values(), page.WIDE_DIGIT) <= (
        page.printable(landscape=False)[0] * page.PX_PER_PT
    )  # fits the width even in a 等线 workbook, so nothing scales it down


@pytest.mark.parametrize("meeting", ["weekly", "monthly"])
def test_a_meeting_too_long_for_a_page_breaks_between_its_sections(
    agendas: dict[str, Grid], meeting: str
) -> None:
    """The sample's 周例会 and 月例会 run on to a second page. LibreOffice's page held a little
    more than this layout reckons and ended page 1 under section 4's bare table header (found by
    trying the product as a new user): every page now starts at a break of its own, before a
    section heading, and no table's header ends a page."""
    grid = agendas[meeting]
    assert not grid.one_page and grid.pages == len(grid.breaks) + 1 >= 2
    assert set(grid.breaks) <= set(grid.sections)
    page_starts = {0, *grid.breaks}
    assert not any(placed.header_row + 1 in page_starts for placed in grid.tables)


def test_a_one_table_agenda_too_long_for_a_page_repeats_only_its_title() -> None:
    """A 晨会 of a large branch: sections 一 and 二, then one long table. As a sheet of one table
    its print titles were every row down to that table's header — sections 一 and 二 again on
    every page, or, longer than a page, a page for each row (found by review)."""
    text = Text([("h1", "一、昨日回顾"), *[("body", f"第 {n} 行") for n in range(30)]])
    people = Table(
        [Col("姓名"), Col("今日目标", width=40)], [[f"员工{n}", "理财 1万元"] for n in range(150)]
    )
    grid = layout(
        SheetSpec(
            "晨会议程", "晨会", "s", [text, Text([("h1", "二、今日目标")]), people], one_page=True
        )
    )
    assert not grid.one_page and grid.repeat_rows == (0, grid.title_rows - 1)
    assert 2 <= grid.pages <= 6 and grid.pages == len(grid.breaks) + 1


def test_every_agenda_row_is_one_line_tall_and_holds_one_line(agendas: dict[str, Grid]) -> None:
    for grid in agendas.values():
        size = grid.size or 10.0
        width_pt = page.columns_px(grid.widths.values()) / page.PX_PER_PT
        for cell in grid.cells:
            style, cell_size = split_style(cell.style)
            if style not in TEXT_STYLES:
                continue
            points = text_size(style, cell_size or size)
            # a one-page sheet's lines are set a little tighter (page.TIGHT_LEADING)
            line = page.line_height(points, page.TIGHT_LEADING)
            assert grid.heights[cell.row] >= line
            assert grid.heights[cell.row] < 2 * line  # no blank gap
            assert print_width(cell.value) * points / 2 <= width_pt


def test_a_meeting_too_long_for_one_page_prints_one_page_wide_not_smaller(
    agendas: dict[str, Grid],
) -> None:
    for grid in agendas.values():
        assert grid.size is not None and grid.size >= min(TEXT_SIZES)
        if not grid.one_page:  # the smallest type did not fit: more pages, not smaller type
            assert grid.size == min(TEXT_SIZES) and grid.repeat_rows == (0, grid.title_rows - 1)


def test_a_long_subtitle_wraps_and_keeps_the_generated_mark_whole() -> None:
    subtitle = " · ".join(["2026-11-20（第47周）", "主持人：周敏", "共 20 分钟"] * 5)
    spec = SheetSpec("t", "t", f"{subtitle} · {GENERATED_MARK}", [Text([("body", "x")])])
    grid = layout(spec)
    rows = [c for c in grid.cells if c.style.startswith("subtitle")]
    assert len(rows) > 1 and grid.title_rows == 1 + len(rows)
    assert any(GENERATED_MARK in c.value for c in rows)
    page_px = page.printable(landscape=False)[0] * page.PX_PER_PT
    for row in rows:
        assert print_width(row.value) * 5 * page.PX_PER_PT <= page_px


# ---------------------------------------------------------------- the tabs


def test_a_sheet_of_one_table_repeats_its_titles_down_to_the_header(
    tabs: dict[str, Grid],
) -> None:
    ledger = tabs["分润明细"]
    assert ledger.repeat_rows == (0, ledger.tables[0].header_row)


def test_a_sheet_of_several_tables_repeats_its_titles_and_starts_a_table_on_a_fresh_page(
    tabs: dict[str, Grid],
) -> None:
    follow = tabs["跟进提醒"]
    assert follow.repeat_rows == (0, follow.title_rows - 1)
    second = follow.tables[1]
    assert second.header_row - 1 in follow.breaks  # its caption starts a page


def test_tables_that_fit_a_page_are_not_split(tabs: dict[str, Grid]) -> None:
    """Walk the pages as the grid computed them: a kept block that fits one page is on one."""
    for name, grid in tabs.items():
        page_of = _page_of(grid)
        scale = page.fit_scale(grid.width_px, grid.landscape)
        capacity = page.printable(grid.landscape)[1] / scale * page.SAFETY
        repeat = grid.repeat_rows
        repeated = sum(map(grid.height, range(repeat[0], repeat[1] + 1))) if repeat else 0.0
        for keep in grid.keeps:
            whole = sum(map(grid.height, range(keep.first, keep.last + 1)))
            if whole <= capacity - repeated:
                assert page_of[keep.first] == page_of[keep.last], (name, keep)


def _two_tables(first: int, second: int) -> Grid:
    def table(caption: str, rows: int) -> Table:
        return Table(
            [Col("网点", "text", 12), Col("数", "int", 8)],
            [["甲", n] for n in range(rows)],
            caption,
        )

    return layout(SheetSpec("t", "t", "s", [table("排行", first), table("指标进度", second)]))


def _starts_of_pages(grid: Grid) -> dict[int, int]:
    """The first row of each page after the first, by page."""
    page_of = _page_of(grid)
    return {page_of[r]: r for r in range(grid.n_rows - 1, 0, -1) if page_of[r] != page_of[r - 1]}


def _assert_every_part_starts_with_its_header(grid: Grid, caption: str) -> None:
    """Each page a table runs on to begins with its caption (续) and header, then its rows."""
    pages = _page_of(grid)
    for placed in grid.tables:
        assert pages[placed.first_row] == pages[placed.last_row], "a part split over pages"
    parts = [p for p in grid.tables if p.table.caption.startswith(caption)]
    for first, later in itertools.pairwise(parts):
        assert later.table.caption == f"{caption}（续）"
        assert later.header_row - 1 in grid.breaks and later.header_row - 1 in grid.forced
        assert pages[later.first_row] == pages[first.last_row] + 1
        header = [c.value for c in grid.cells if c.row == later.header_row]
        assert header == [c.header for c in later.columns]


def test_a_table_running_on_over_pages_starts_each_page_with_its_caption_and_header() -> None:
    """网点排行: the league, then 各网点指标进度 running on over three pages; each page after
    the first starts with the table's caption and header again, not with bare rows — also a
    table followed by another, and a table running on over several pages (跟进与行动)."""
    grid = _two_tables(5, 120)
    assert grid.repeat_rows == (0, grid.title_rows - 1)  # the titles on every page
    parts = [p for p in grid.tables if p.index == 1]
    assert len(parts) >= 3 and sum(len(p.table.rows) for p in parts) == 120
    assert [row[1] for p in parts for row in p.table.rows] == list(range(120))  # none lost
    _assert_every_part_starts_with_its_header(grid, "指标进度")
    first = _two_tables(120, 5)
    assert len([p for p in first.tables if p.index == 0]) >= 3
    _assert_every_part_starts_with_its_header(first, "排行")
    assert len(_two_tables(5, 5).tables) == 2  # nothing runs on


def test_the_rollup_league_repeats_the_indicator_tables_header() -> None:
    from branchkit.render.rollup import league_sheet
    from branchkit.rollupjob.job import compute

    grid = layout(league_sheet(compute([SAMPLE.parent / "城东分行"], DAY, jobs=1)))
    indicators = grid.tables[-1]
    assert indicators.columns[0].header == "网点" and grid.repeat_rows is not None
    _assert_every_part_starts_with_its_header(grid, indicators.table.caption.removesuffix("（续）"))


def test_orientation_follows_the_width(tabs: dict[str, Grid]) -> None:
    assert tabs["分润明细"].landscape  # 13 columns: portrait would print it too small
    assert not tabs["跟进提醒"].landscape  # a portrait page holds more of its long tables
    for grid in tabs.values():
        assert page.fit_scale(grid.width_px, grid.landscape) >= page.LEGIBLE_SCALE


def test_a_narrow_tables_wide_last_column_stretches_instead_of_widening_the_sheet(
    tabs: dict[str, Grid],
) -> None:
    grid = tabs["排行榜"]
    stars, overall = grid.tables[0], grid.tables[1]
    assert stars.columns[-1].header == "说明" and stars.spans == {2: stars.width - 2}
    assert grid.widths[2] < stars.columns[-1].width  # 岗位 keeps its own width
    assert overall.spans == {}


def test_the_stars_say_what_they_stand_on_in_the_ranking_beside_them() -> None:
    """排行榜's 之星 table: no blank 说明 — each star's 排名得分 and place in the period's ranking
    on the tab (docs/口径.md#之星: and why, where the #1 there is not the star)."""
    from branchkit.jobs import figures
    from branchkit.render.tabs import rankings_sheet
    from branchkit.vocab import PERIOD_KINDS, STAR_TITLES

    month = figures(read_book(SAMPLE), DAY)
    stars = rankings_sheet(month).blocks[0]
    assert isinstance(stars, Table) and stars.columns[-1].header == "说明"
    for kind in PERIOD_KINDS:
        (row,) = [r for r in stars.rows if r[0] == STAR_TITLES[kind]]
        named = row[1].split("、")
        people = {p.name: p for p in month.periods[kind].people}
        assert named and all(people[n].score == people[named[0]].score for n in named)
        star = people[named[0]]
        assert f"{star.score:.1%}" in row[2] and f"第{star.rank}名" in row[2], row


def test_a_header_with_a_unit_in_brackets_prints_on_one_line() -> None:
    """ "记分业绩(万元)" in a column of 12 broke inside the brackets, ")" alone on a line."""
    table = Table(
        [
            Col("排名", "rank", 6),
            Col("记分业绩(万元)", "amount", 12),
            Col("平均首次跟进天数", "number", 8),
        ],
        [[1, 909.2, 1.5]],
    )
    grid = layout(SheetSpec("t", "t", "s", [table]))
    per_half = BASE_SIZE / 2 * page.PX_PER_PT * 1.05  # a bold half-width character, pixels
    assert page.column_px(grid.widths[1]) - 6 >= print_width("记分业绩(万元)") * per_half
    assert grid.widths[2] == 8  # a header without brackets may wrap, as before


def test_a_text_column_widens_to_its_longest_text_within_limits() -> None:
    names = "张丽、李四、杨帆"
    table = Table([Col("姓名", "text", 10), Col("人数", "int", 6)], [[names, 3], ["李四", 1]])
    grid = layout(SheetSpec("t", "t", "s", [table]))
    assert 10 < grid.widths[0] < 20 and grid.widths[1] == 6
    assert page.column_px(grid.widths[0]) >= print_width(names) * 5 * page.PX_PER_PT
    table.rows.append(["、".join(["张丽"] * 20), 20])
    assert layout(SheetSpec("t", "t", "s", [table])).widths[0] == 20  # twice asked, no more


def test_no_problems_is_one_sentence_across_the_table(tabs: dict[str, Grid]) -> None:
    grid = tabs["数据问题"]
    (note,) = [c for c in grid.cells if c.value == "没有发现数据问题"]
    assert note.span == len(grid.tables[0].columns) and note.row == grid.tables[0].first_row


def test_a_header_in_a_narrow_column_gets_the_lines_it_needs() -> None:
    table = Table([Col("平均首次跟进天数", "number", 8), Col("人", "text", 6)], [[1.0, "李四"]])
    grid = layout(SheetSpec("t", "t", "s", [table]))
    assert grid.heights[grid.tables[0].header_row] >= 2 * page.line_height(10)


def test_charts_sit_under_their_table_on_rows_kept_free(tabs: dict[str, Grid]) -> None:
    for name in ("排行榜", "转介质量"):
        grid = tabs[name]
        assert grid.charts, name
        for placed in grid.charts:
            assert placed.row > placed.table.last_row
            assert placed.x + placed.width <= grid.width_px
            row_px = page.DEFAULT_ROW * page.PX_PER_PT
            rows = range(placed.row, placed.row + math.ceil(placed.height / row_px))
            assert not [c for c in grid.cells if c.row in rows]
            assert not [t for t in grid.tables if set(rows) & {t.first_row, t.last_row}]


def _chart_sheet(items: int) -> SheetSpec:
    """A sheet of one table of `items` rows with a bar chart of them."""
    table = Table(
        [Col("事项", "text", 20), Col("完成率", "pct", 10)],
        [[f"事项{n}", 0.5] for n in range(items)],
        caption="各事项完成情况",
    )
    return SheetSpec("t", "t", "s", [table], charts=[Chart(0, 0, (1,), "完成率")])


def _page_of(grid: Grid) -> list[int]:
    """Each row's printed page, as the grid estimates the pages."""
    scale = page.fit_scale(grid.width_px, grid.landscape)
    capacity = page.printable(grid.landscape)[1] / scale * page.SAFETY
    repeat = grid.repeat_rows
    repeated = sum(map(grid.height, range(repeat[0], repeat[1] + 1))) if repeat else 0.0
    return page.page_of_rows(grid.n_rows, grid.height, grid.breaks, capacity, repeated)


def test_a_chart_that_starts_a_page_breaks_it_a_blank_row_above_its_frame() -> None:
    grid = layout(_chart_sheet(items=40))
    (placed,) = grid.charts
    assert placed.row - 1 in grid.breaks  # the blank row, not the chart's own top edge
    assert not [c for c in grid.cells if c.row == placed.row - 1]


def test_a_bar_chart_tightens_its_bars_to_stay_on_its_tables_page() -> None:
    """基础管理's chart of 23 items went to a page of its own and left the table's page more
    than half empty: with tighter bars it fits under the table. Tighter bars are also taken
    where they save a page (the weekly 排行榜's month table, pushed to a page of its own)."""
    grids = [layout(_chart_sheet(items=n)) for n in range(5, 40)]
    tightened = [g for g in grids if g.charts[0].height < 24 * len(g.spec.blocks[0].rows) + 90]
    assert tightened, "no table length where tighter bars keep the chart on the page"
    kept_up = 0
    for grid in tightened:
        (placed,) = grid.charts
        rows = math.ceil(placed.height / (page.DEFAULT_ROW * page.PX_PER_PT))
        page_of = _page_of(grid)
        roomy = layout_pages_with_roomy_bars(grid.spec)
        if page_of[placed.table.first_row] == page_of[placed.row + rows - 1]:
            kept_up += 1
            assert grid.pages <= roomy
        else:
            assert grid.pages < roomy
    assert kept_up
    roomy = grids[0]  # a short table: the chart fits as it is and keeps its roomy bars
    assert roomy.charts[0].height == max(240, 24 * 5 + 90) and not roomy.breaks


def layout_pages_with_roomy_bars(spec: SheetSpec) -> int:
    from branchkit.render.grid import _layout, _paginate

    return _paginate(_layout(spec, None)).pages


def test_the_weekly_checklist_chart_prints_under_its_table() -> None:
    from branchkit.jobs import figures
    from branchkit.render.weekly import weekly_sheets
    from branchkit.weekly import as_of
    from branchkit.weekly import build as build_weekly

    book = read_book(SAMPLE)
    day = as_of("2026-W47", DAY, book.month)
    (basics,) = [
        s
        for s in weekly_sheets(build_weekly(book, figures(book, day), "2026-W47"))
        if s.name == "基础管理"
    ]
    grid = layout(basics)
    (placed,) = grid.charts
    rows = math.ceil(placed.height / (page.DEFAULT_ROW * page.PX_PER_PT))
    page_of = _page_of(grid)
    assert page_of[placed.table.header_row] == page_of[placed.row + rows - 1] == 0
    # its summary line spans the sheet's columns, not one more that would print it smaller
    assert all(c.col + c.span <= len(grid.widths) for c in grid.cells)


def test_the_workbook_carries_the_print_setup(tmp_path: Path) -> None:
    specs = refresh_specs(read_book(SAMPLE), DAY)
    path = tmp_path / "tabs.xlsx"
    path.write_bytes(build(specs))
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        sheets = [zf.read(f"xl/worksheets/sheet{n}.xml").decode() for n in range(1, len(specs) + 1)]
    titles = re.findall(r'<definedName name="_xlnm.Print_Titles" localSheetId="(\d)">', workbook)
    assert sorted(titles) == [str(n) for n in range(len(specs))]
    for spec, xml in zip(specs, sheets, strict=True):
        grid = layout(spec)
        assert 'paperSize="9"' in xml and '<pageSetUpPr fitToPage="1"/>' in xml, spec.name
        assert 'fitToHeight="0"' in xml  # one page wide, as many tall as it takes
        assert f'orientation="{"landscape" if grid.landscape else "portrait"}"' in xml
        assert "&amp;A" in xml  # the tab's name in the footer
        for row in grid.breaks:
            assert f'<brk id="{row}"' in xml, (spec.name, row)


@settings(max_examples=200)
@given(st.text(max_size=30))
def test_print_width_adds_each_characters_width_in_order(text: str) -> None:
    # The per-character table is a cache of this rule; the sum runs in the same order and is
    # rounded to millionths, so 22 + 2 is 24 against a line of 24, and line breaks decided on it
    # fall where they did.
    expected = 0.0
    for ch in text:
        kind = unicodedata.east_asian_width(ch)
        expected += 2 if kind in "WF" else 1.5 if kind == "A" else 0.6 if ch == " " else 1.1
    assert print_width(text) == round(expected, 6)


# ---------------------------------------------------------------- what each page says


def _weekly_specs() -> list[SheetSpec]:
    from branchkit.jobs import figures
    from branchkit.render.weekly import weekly_sheets
    from branchkit.weekly import as_of
    from branchkit.weekly import build as build_weekly

    book = read_book(SAMPLE)
    day = as_of("2026-W47", DAY, book.month)
    return weekly_sheets(build_weekly(book, figures(book, day), "2026-W47"))


def test_a_charts_title_says_what_it_plots() -> None:
    """The weekly 排行榜's chart was titled 本周综合完成率 over its 排名得分 bars: a chart of one
    column is titled with that column's header; a chart of several names each line it draws."""
    specs = [*refresh_specs(read_book(SAMPLE), DAY), *_weekly_specs()]
    charts = 0
    for spec in specs:
        tables = [b for b in spec.blocks if isinstance(b, Table)]
        for chart in spec.charts:
            charts += 1
            plotted = [tables[chart.table].columns[c].header for c in chart.value_cols]
            if len(plotted) == 1:
                assert chart.title.endswith(plotted[0].split("(")[0]), (spec.name, chart.title)
            else:
                for header in plotted:
                    assert header.split("(")[0] in chart.title, (spec.name, chart.title)
    assert charts >= 8
    (weekly,) = [s for s in _weekly_specs() if s.name == "排行榜"]
    assert [c.title for c in weekly.charts] == ["本周综合得分"]


def test_each_table_of_the_weekly_follow_ups_has_its_own_widths() -> None:
    """跟进与行动: three tables shared one set of widths, a masked name in a 450-pixel column
    (the column 事项 of the action items needed). Each table's columns are as wide as it asks."""
    from branchkit.render.grid import _wanted_widths

    (spec,) = [s for s in _weekly_specs() if s.name == "跟进与行动"]
    grid = layout(spec)
    assert grid.own_columns
    for placed in grid.tables:
        wanted = _wanted_widths(placed.table)
        for c in range(len(placed.columns)):
            start = placed.col(c)
            width = sum(grid.widths[start + j] for j in range(placed.spans.get(c, 1)))
            assert wanted[c] <= width <= max(wanted[c] * 1.3, wanted[c] + 2) + 0.01, (
                placed.table.caption,
                placed.columns[c].header,
                width,
            )


def test_black_figures_read_on_a_data_bar() -> None:
    """A percentage is printed black over its data bar: the bar is light enough for that
    (WCAG's 7:1 for small text)."""
    from branchkit.render.xlsx import DATA_BAR

    def luminance(color: str) -> float:
        channels = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
        linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    assert (luminance(DATA_BAR) + 0.05) / 0.05 >= 7


def test_no_chinese_is_set_in_italic(tmp_path: Path) -> None:
    """CJK has no italic: a slanted 汉字 is a distortion. No font the tabs, the weekly workbook or
    the blank workbook use is italic, nor the HTML agenda's notes."""
    from branchkit.jobs import build_agenda
    from branchkit.render.agenda import render_agenda
    from branchkit.templates import build_templates

    books = [build(refresh_specs(read_book(SAMPLE), DAY)), build(_weekly_specs())]
    books += [p.read_bytes() for p in build_templates(tmp_path)]
    for data in books:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            styles = zf.read("xl/styles.xml").decode()
        assert "<i/>" not in styles and '<i val="1"/>' not in styles
    html = render_agenda(build_agenda(read_book(SAMPLE), DAY, "daily"), "html")
    assert "font-style: italic" not in html and "<em>" not in html


def test_an_overdue_follow_up_stands_out(tmp_path: Path) -> None:
    """跟进提醒 showed 逾期 15 天 like 今天: a state that begins with 逾期 is coloured."""
    from branchkit.render.marks import OVERDUE_COLORS

    specs = [s for s in refresh_specs(read_book(SAMPLE), DAY) if s.name == "跟进提醒"]
    with zipfile.ZipFile(io.BytesIO(build(specs))) as zf:
        sheet = zf.read("xl/worksheets/sheet1.xml").decode()
        styles = zf.read("xl/styles.xml").decode()
    rule = re.search(r'<cfRule type="beginsWith" dxfId="(\d+)"[^>]*text="逾期"', sheet)
    assert rule is not None
    dxfs = re.findall(r"<dxf>.*?</dxf>", styles, re.S)
    assert OVERDUE_COLORS[0].lstrip("#").upper() in dxfs[int(rule.group(1))].upper()
    grid = layout(specs[0])
    (state,) = [c for c, col in enumerate(grid.tables[0].columns) if col.header == "状态"]
    states = [row[state] for row in grid.tables[0].rows()]
    assert any(s.startswith("逾期") for s in states) and "今天" in states
