"""The sample month on paper: LibreOffice prints the refreshed workbook (its input sheets, the
generated tabs and the agenda), the weekly workbook and the blank template, and the pages are
checked as a person holding them would: A4, one page wide, titles on every page, the agenda on
one page in type no smaller than 9 points, chart labels that say only the value.

Skipped where LibreOffice or poppler-utils is absent (make test installs neither).
"""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from branchkit import schema

from . import rendering
from .rendering import Page

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(
        rendering.missing_for_pdf() is not None, reason=str(rendering.missing_for_pdf())
    ),
]

GENERATED = (
    "排行榜",
    "转介质量",
    "分润明细",
    "跟进提醒",
    "管理清单",
    "数据问题",
    "夕会议程",
    "晨会议程",
)
WEEKLY = ("封面", "排行榜", "趋势", "转介质量", "基础管理", "跟进与行动")


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Page]]]:
    folder = tmp_path_factory.mktemp("printout")
    outputs = rendering.build_outputs(folder / "sample")
    # The same month refreshed into a workbook another program saved last: charts must not
    # depend on which program made the host workbook.
    foreign = rendering.build_outputs(folder / "foreign", host_application="WPS Office")
    template = folder / "template" / rendering.TEMPLATE.name
    template.parent.mkdir()
    shutil.copy2(rendering.TEMPLATE, template)
    foreign_book = folder / "foreign" / "外来工作簿.xlsx"
    shutil.copy2(foreign.workbook, foreign_book)
    rollup = rendering.build_rollup(folder / "rollup")
    books = [outputs.workbook, outputs.weekly, template, foreign_book, rollup]
    pdfs = rendering.to_pdf(books, folder / "pdf")
    return {
        name: (pdf, rendering.pages(pdf))
        for name, pdf in zip(
            ("workbook", "weekly", "template", "foreign", "rollup"), pdfs, strict=True
        )
    }


def _sheets(printed: dict, which: str) -> dict[str, list[Page]]:
    return rendering.by_sheet(printed[which][1])


def test_every_page_is_a4_and_names_its_tab(printed: dict) -> None:
    for which, (_, all_pages) in printed.items():
        for page in all_pages:
            assert page.a4, f"{which} page {page.number}: {page.width} x {page.height}"
            assert page.sheet, f"{which} page {page.number} has no footer naming its tab"


def test_every_footer_spells_the_page_number_the_same_way(printed: dict) -> None:
    """ "第1页" on every page of every workbook, counted per tab — never "第 1 页" on some."""
    for which in printed:
        for sheet, pages in _sheets(printed, which).items():
            labels = [page.label for page in pages]
            assert labels == [f"第{n}页" for n in range(1, len(pages) + 1)], (which, sheet)


def test_the_weekly_checklist_chart_prints_whole_under_its_table(printed: dict) -> None:
    """基础管理: the chart of the items shares the first page with their table, instead of
    going to the next page and leaving a sliver of its frame at the foot of this one. (A chart
    that straddles a break is drawn on both pages, clipped: its text is on both.)"""
    pages = _sheets(printed, "weekly")["基础管理"]
    texts = ["".join(page.text.split()) for page in pages]
    charted = [n for n, text in enumerate(texts) if "本周各事项完成率" in text]
    assert charted == [0] and "本周各事项完成情况" in texts[0]
    assert "周例会" in texts[0].split("本周各事项完成率", 1)[1]  # down to its last bar's label


def test_a_table_running_on_over_pages_repeats_its_header(printed: dict) -> None:
    """网点排行: 各网点指标进度 runs on to the next page; that page starts with its header."""
    pages = _sheets(printed, "rollup")["网点排行"]
    assert len(pages) > 1
    for page in pages[1:]:
        text = page.text.replace(" ", "")
        assert "各网点指标进度" in text and "月目标" in text and "完成率" in text, page.number


def test_a_header_never_breaks_inside_its_brackets(printed: dict) -> None:
    """ "记分业绩(万元)" prints on one line, no ")" left alone under it."""
    for which in ("workbook", "weekly", "rollup"):
        lines = [
            "".join(line.split())
            for _, pages in [printed[which]]
            for page in pages
            for line in page.text.splitlines()
        ]
        opened = [line for line in lines if "记分业绩(" in line]
        assert opened, which
        assert all("记分业绩(万元)" in line for line in opened), which


def test_the_agenda_is_one_portrait_page_in_type_of_9_points_or_more(printed: dict) -> None:
    pdf, _ = printed["workbook"]
    agenda = _sheets(printed, "workbook")["夕会议程"]
    assert len(agenda) == 1 and not agenda[0].landscape
    text = agenda[0].text
    for section in ("一、当日工作总结", "二、", "三、", "四、次日工作目标"):
        assert section in text
    if not _calibri_has_its_metrics():
        pytest.skip("no Calibri or Carlito: LibreOffice lays columns out wider than Excel")
    assert rendering.glyph_size(pdf, agenda[0].number) >= 8.95


def _calibri_has_its_metrics() -> bool:
    """Column widths are counted in digits of Calibri (the workbooks' default font); with only
    a stand-in of other widths LibreOffice prints every sheet a little smaller than Excel."""
    if shutil.which("fc-match") is None:
        return False
    found = subprocess.run(["fc-match", "Calibri"], capture_output=True, text=True).stdout
    return "Calibri" in found or "Carlito" in found


def test_generated_tabs_print_one_page_wide_with_their_titles_on_every_page(
    printed: dict,
) -> None:
    """Every page of a tab carries the tab's title (row 1, repeated): a page that lacks it is a
    strip of columns cut off the right of the sheet."""
    sheets = _sheets(printed, "workbook")
    for name in GENERATED:
        title = f"火车站支行 {name}"
        assert sheets[name], name
        for page in sheets[name]:
            assert title in page.text, f"{name} page {page.number} has no title"


def test_a_table_starts_with_its_header_on_the_page_it_starts(printed: dict) -> None:
    """跟进提醒's second table (未跟进) begins on a page of its own, header and all."""
    pages = _sheets(printed, "workbook")["跟进提醒"]
    starts = [p for p in pages if "未跟进的推荐卡" in p.text]
    assert len(starts) == 1
    assert "转介编号" in starts[0].text and "已过天数" in starts[0].text


def test_a_single_table_repeats_its_header_on_every_page(printed: dict) -> None:
    pages = _sheets(printed, "workbook")["分润明细"]
    assert len(pages) > 1
    for page in pages:
        assert "推荐人记分" in page.text and "接收人记分" in page.text, page.number


def test_no_problems_reads_as_one_sentence_under_the_header(printed: dict) -> None:
    (page,) = _sheets(printed, "workbook")["数据问题"]
    assert "没有发现数据问题" in page.text


def test_weekly_tabs_print_one_page_wide(printed: dict) -> None:
    sheets = _sheets(printed, "weekly")
    assert set(WEEKLY) <= set(sheets)
    assert len(sheets["封面"]) == 1
    for name in WEEKLY:
        for page in sheets[name]:
            assert "火车站支行" in page.text and "2026-W47" in page.text, (name, page.number)
    trend = "".join(p.text for p in sheets["趋势"]).replace(" ", "")
    assert "每日销售（万元）" in trend and "每日销售（张/户/笔）" in trend
    assert "11-20五" in trend
    assert "11-21六" not in trend and "11-22日" not in trend  # the closed weekend: not a 0


@pytest.mark.parametrize("which", ["template", "workbook"])
def test_input_sheets_print_one_page_wide_with_the_header_on_every_page(
    printed: dict, which: str
) -> None:
    """Every page of an input sheet shows its first and its last column's header: the header
    row repeats, and no page is a strip of columns cut off the right."""
    sheets = _sheets(printed, which)
    for sheet in schema.INPUT_SHEETS:
        pages = sheets.get(sheet.name, [])
        assert pages, sheet.name
        first, last = sheet.columns[0].header, sheet.columns[-1].header
        for page in pages:
            text = page.text.replace(" ", "")
            assert first in text and last in text, (sheet.name, page.number)
    tracking = sheets["追踪表"]
    assert all(p.landscape for p in tracking)
    if which == "workbook":
        assert len(tracking) <= 10  # 295 rows on landscape pages, not 28 pages in strips


def test_chart_labels_say_only_the_value_whatever_program_made_the_host(printed: dict) -> None:
    """A label reads "100.0%", never "李四；排名得分；100.0%" (category and series named too)."""
    from branchkit.jobs import refresh_specs
    from branchkit.read import read_book
    from branchkit.render.spec import Table

    specs = {s.name: s for s in refresh_specs(read_book(rendering.SAMPLE), rendering.DAY)}
    charted = [(name, spec) for name, spec in specs.items() if spec.charts]
    assert charted
    for which in ("workbook", "foreign"):
        for name, spec in charted:
            text = "".join("".join(p.text.split()) for p in _sheets(printed, which)[name])
            tables = [b for b in spec.blocks if isinstance(b, Table)]
            for chart in spec.charts:
                assert chart.title in text, (which, chart.title)
                for col in chart.value_cols:
                    series = tables[chart.table].columns[col].header
                    named = re.search(f"[;；]{re.escape(series)}|{re.escape(series)}[;；]", text)
                    assert named is None, (which, name, series)
