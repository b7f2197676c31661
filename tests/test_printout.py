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
from branchkit import jobs, schema

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
    filled = folder / "filled" / "填写后.xlsx"
    filled.parent.mkdir()
    jobs.fill(rendering.SAMPLE, rendering.DAY, filled)
    books = [outputs.workbook, outputs.weekly, template, foreign_book, rollup, filled]
    pdfs = rendering.to_pdf(books, folder / "pdf")
    return {
        name: (pdf, rendering.pages(pdf))
        for name, pdf in zip(
            ("workbook", "weekly", "template", "foreign", "rollup", "filled"), pdfs, strict=True
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
    """基础管理: the chart of the items not done every time shares the first page with their
    table, instead of going to the next page and leaving a sliver of its frame at the foot of
    this one. (A chart that straddles a break is drawn on both pages, clipped: its text is on
    both.) In the sample's week two items missed a day: 开门迎客 and 客户意见簿."""
    pages = _sheets(printed, "weekly")["基础管理"]
    texts = ["".join(page.text.split()) for page in pages]
    charted = [n for n, text in enumerate(texts) if "本周未能每次完成的事项完成率" in text]
    assert charted == [0] and "本周各事项完成情况" in "".join(texts)
    drawn = texts[0].split("本周未能每次完成的事项完成率", 1)[1]
    assert "开门迎客" in drawn and "客户意见簿" in drawn  # down to its last bar's label


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
    assert "（万元）" in trend and "（张/户/笔）" in trend  # a chart per unit
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


# ---------------------------------------------------------------- nothing cut, nothing spilled


def _flat(text: str) -> str:
    return "".join(text.split())


def _column(book: Path, sheet: str, header: str) -> list[str]:
    """The texts of one column of an input sheet, as the workbook holds them."""
    from python_calamine import CalamineWorkbook

    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name(sheet).to_python()
    at = [str(h).replace("\n", "") for h in rows[0]].index(header)
    return [str(r[at]) for r in rows[1:] if len(r) > at and str(r[at]).strip()]


@pytest.mark.parametrize(
    ("sheet", "header"),
    [
        ("清单项目", "标准"),  # the default list init writes
        ("每日概况", "当班人员"),
        ("行动计划", "事项"),  # with the 整改 rows fill wrote
        ("案例", "描述"),
        ("案例", "改进措施"),
        ("转介登记", "结果反馈"),  # what fill wrote
    ],
)
def test_long_text_in_an_input_sheet_prints_whole(printed: dict, sheet: str, header: str) -> None:
    """A wrapped cell in a row too low shows its first line only: every text of these columns
    is on the printed pages whole (a wrapped cell's lines follow each other in the page's text
    as drawn)."""
    pdf, _ = printed["filled"]
    texts = _column(
        pdf.with_suffix(".xlsx").parent.parent / "filled" / "填写后.xlsx", sheet, header
    )
    assert texts, (sheet, header)
    pages = _sheets(printed, "filled")[sheet]
    drawn = "".join(_flat(rendering.raw_text(pdf, page.number)) for page in pages)
    for text in texts:
        assert _flat(text) in drawn, (sheet, header, text)
    if sheet == "行动计划":
        assert any(t.startswith("整改：") for t in texts)  # fill's own rows are among them
    if sheet == "转介登记":
        assert sum(t.startswith("〔自动〕") for t in texts) > 100


def test_a_filled_referral_log_prints_in_its_columns(printed: dict) -> None:
    """转介登记 after fill: no 结果反馈 spilling over empty columns (which printed the sheet
    smaller), no date running into the card number beside it, headers broken between words."""
    pdf, _ = printed["filled"]
    pages = _sheets(printed, "filled")["转介登记"]
    # 11-point type at 77 % or more; spilled over empty columns, the page printed at about 70 %
    assert rendering.glyph_size(pdf, pages[0].number) >= 8.5
    for page in pages:
        assert not re.search(r"\d{4}-\d{2}-\d{2}HCZ", page.text), page.number
    for name in ("转介登记", "追踪表"):
        sheet = next(s for s in schema.INPUT_SHEETS if s.name == name)
        lines = rendering.raw_text(pdf, _sheets(printed, "filled")[name][0].number).splitlines()
        for col in sheet.columns:
            broken = [line for line in lines if line and line in col.header and line != col.header]
            # a header on two lines is two words (是否 / 现场推荐), never 是否现场推 / 荐
            assert all(len(part) >= 2 for part in broken), (name, col.header, broken)


def test_settings_explanations_wrap_inside_their_column(printed: dict) -> None:
    """设置's 说明 spilled over five empty columns and LibreOffice printed the sheet at ~7 pt."""
    pdf, _ = printed["workbook"]
    (page,) = _sheets(printed, "workbook")["设置"]
    assert rendering.glyph_size(pdf, page.number) >= 10  # 11-point type, hardly scaled
    drawn = _flat(rendering.raw_text(pdf, page.number))
    from branchkit.settings import SETTING_ITEMS

    for item in SETTING_ITEMS:
        assert _flat(item.help) in drawn, item.label


@pytest.mark.parametrize("sheet", ["说明", "设置"])
def test_no_line_of_branchkits_own_text_starts_with_a_closing_mark(
    printed: dict, sheet: str
) -> None:
    pdf, _ = printed["workbook"]
    for page in _sheets(printed, "workbook")[sheet]:
        for line in rendering.raw_text(pdf, page.number).splitlines():
            first = line.strip()[:1]
            assert not first or first not in "，。）、；：", (sheet, page.number, line)


def test_a_blank_sheet_prints_as_a_paper_form(printed: dict) -> None:
    """For a day without the PC: every blank input sheet of a new workbook prints one page, its
    header and a page of ruled rows to write in."""
    pdf, _ = printed["template"]
    sheets = _sheets(printed, "template")
    for sheet in schema.INPUT_SHEETS:
        if sheet.key in ("settings", "checklist_items"):  # they come filled in
            continue
        (page,) = sheets[sheet.name]
        assert rendering.rules(pdf, page.number) >= 25, sheet.name


def test_every_page_header_is_chinese(printed: dict) -> None:
    """The subtitle repeated at the top of every page of a generated tab says it is generated,
    in Chinese: no English 'branchkit 自动生成' on a page a branch hands round."""
    for which in ("workbook", "weekly"):
        for name, pages in _sheets(printed, which).items():
            if name in GENERATED or name in WEEKLY:
                for page in pages:
                    assert "branchkit" not in page.text, (which, name, page.number)
    for page in _sheets(printed, "workbook")["排行榜"]:
        assert "网点营销管理工具自动生成" in "".join(page.text.split())


def test_the_rankings_use_their_pages(printed: dict) -> None:
    """排行榜 printed four pages, the last of ten rows, a third of the first blank: now three,
    all but the last at least three quarters full, the last more than a third."""
    pdf, _ = printed["workbook"]
    pages = _sheets(printed, "workbook")["排行榜"]
    assert len(pages) == 3
    for page in pages[:-1]:
        assert _lowest_text(pdf, page.number) > 0.75 * page.height, page.number
    assert _lowest_text(pdf, pages[-1].number) > page.height / 3


def _lowest_text(pdf: Path, page: int) -> float:
    """How far down the page (points) its lowest line of text other than the footer reaches."""
    bbox = subprocess.run(
        ["pdftotext", "-bbox", "-f", str(page), "-l", str(page), str(pdf), "-"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    bottoms = sorted(float(y) for y in re.findall(r'yMax="([\d.]+)"', bbox))
    footer = bottoms[-1]
    return max((b for b in bottoms if b < footer - 15), default=0.0)


def test_the_weekly_trend_is_one_page_of_a_table_and_its_charts(printed: dict) -> None:
    """趋势's referral chart printed alone on page 2, and three sales lines lay flat under the
    big ones: one page now, the small lines on a chart of their own, named for what it draws."""
    (page,) = _sheets(printed, "weekly")["趋势"]
    text = "".join(page.text.split())
    assert "每日转介卡" in text
    assert "每日销售：理财、存款（万元）" in text
    assert "每日销售：基金、保险、贵金属（万元）" in text
    assert "每日销售：信用卡、手机银行（张/户/笔）" in text


def test_each_page_of_a_table_that_runs_on_has_its_header(printed: dict) -> None:
    """Weekly 跟进与行动: rows continued on pages 2–3 had no header."""
    pages = _sheets(printed, "weekly")["跟进与行动"]
    assert len(pages) > 1
    headers = ("联系方式建议联系日期状态", "转介编号推荐人接收人登记日期", "提出日期事项责任人")
    for page in pages:
        text = "".join(page.text.split())
        assert any(h in text for h in headers), page.number
    continued = [p for p in pages[1:] if "（续）" in p.text]
    assert continued  # the follow-ups run on: their caption again, marked 续
