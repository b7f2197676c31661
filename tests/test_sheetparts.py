"""The generated tabs' parts written without XlsxWriter (render/sheetparts.py): the same bytes
XlsxWriter writes for every part transplant copies into a workbook — sheets, drawings, charts,
styles, print titles — so a click needs neither its import nor its run, and the workbook it
writes is the one it wrote before."""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path
from unittest import mock

import pytest
from branchkit import jobs
from branchkit.batch import batch_mode
from branchkit.figures import compute
from branchkit.package.workbook import defined_names
from branchkit.read import read_book
from branchkit.render import sheetparts, stylesheet, xlsx
from branchkit.render.agenda import agenda_sheet
from branchkit.render.spec import Chart, Col, SheetSpec, Table
from branchkit.render.tabs import refresh_sheets
from branchkit.templates import write_branch_workbook

ROOT = Path(__file__).parent.parent
SAMPLE = ROOT / "samples" / "火车站支行-2026-11.xlsx"
MESSY = ROOT / "samples" / "messy-branch.xlsx"
# Parts XlsxWriter writes that transplant never reads (a standalone workbook's own).
NOT_COPIED = {"docProps/app.xml", "docProps/core.xml", "xl/theme/theme1.xml"}


def _by_xlsxwriter(specs: list[SheetSpec]) -> xlsx.Built:
    with mock.patch.object(sheetparts, "package", lambda *args: None):
        return xlsx.build_parts(specs)


def _same_parts(specs: list[SheetSpec]) -> None:
    """Every part transplant copies is XlsxWriter's byte for byte; the registry parts it only
    reads (relationships, content types, workbook.xml) say the same."""
    direct, written = xlsx.build_parts(specs), _by_xlsxwriter(specs)
    ours = zipfile.ZipFile(io.BytesIO(direct.package))
    theirs = zipfile.ZipFile(io.BytesIO(written.package))
    assert set(ours.namelist()) == set(theirs.namelist()) - NOT_COPIED
    for name in ours.namelist():
        if name.endswith(".rels") or name in ("[Content_Types].xml", "xl/workbook.xml"):
            continue
        assert ours.read(name) == theirs.read(name), name
    workbook = [z.read("xl/workbook.xml").decode() for z in (ours, theirs)]
    assert sorted(defined_names(workbook[0])) == sorted(defined_names(workbook[1]))
    assert direct.xf_of == written.xf_of
    for name in (n for n in ours.namelist() if n.endswith(".rels")):
        assert _targets(ours.read(name)) == _targets(theirs.read(name)), name


def _targets(rels: bytes) -> list[str]:
    """Where a relationships part points, but at parts transplant never reads."""
    found = re.findall(r'Target="([^"]+)"', rels.decode())
    return [t for t in found if not t.endswith(("theme1.xml", "app.xml", "core.xml"))]


def _tabs(book: Path, day: dt.date) -> list[SheetSpec]:
    with batch_mode():
        return refresh_sheets(compute(read_book(book), day))


@pytest.mark.parametrize(
    "day", [dt.date(2026, 11, 1), dt.date(2026, 11, 20), dt.date(2026, 11, 30)]
)
@pytest.mark.parametrize("book", [SAMPLE, MESSY], ids=["sample", "messy"])
def test_the_tabs_of_a_refresh_are_xlsxwriters_bytes(book: Path, day: dt.date) -> None:
    _same_parts(_tabs(book, day))


@pytest.mark.parametrize("meeting", ["daily", "morning"])
def test_an_agenda_sheet_is_xlsxwriters_bytes(meeting: str) -> None:
    with batch_mode():
        book = read_book(SAMPLE)
        agenda = jobs.build_agenda(book, dt.date(2026, 11, 20), meeting)
        sheet = agenda_sheet(agenda, "zh", None, mask=book.settings.mask)
    _same_parts([sheet])


def test_the_tabs_of_a_new_empty_workbook_are_xlsxwriters_bytes(tmp_path: Path) -> None:
    book = write_branch_workbook(tmp_path / "新网点-2026-11.xlsx", "新网点", "2026-11")
    _same_parts(_tabs(Path(book), dt.date(2026, 11, 20)))


def test_the_stylesheet_is_the_one_xlsxwriter_makes_for_the_formats() -> None:
    """stylesheet.py is made from xlsx.Formats; a changed format (or XlsxWriter) needs it made
    again: `make templates`."""
    assert xlsx.make_stylesheet() == Path(stylesheet.__file__).read_text(encoding="utf-8")


def _spec(name: str, chart: Chart) -> SheetSpec:
    table = Table([Col("姓名"), Col("完成率", "pct")], [["张三", 0.5], ["李四", 0.75]])
    return SheetSpec(name, "标题", "说明", [table], [chart])


@pytest.mark.parametrize(
    ("name", "chart"),
    [
        ("排行", Chart(0, 0, (1,), "完成率", kind="line")),  # not a bar chart
        ("排行", Chart(0, 0, (1, 1), "完成率")),  # two series
        ("排行", Chart(0, 0, (1,), "完成率", axis_title="万元")),
        ("Sheet 1", Chart(0, 0, (1,), "完成率")),  # a name a reference quotes
        ("A1", Chart(0, 0, (1,), "完成率")),  # a name that reads as a cell
        ("ﬀ1", Chart(0, 0, (1,), "完成率")),  # one that does once upper-cased (FF1)
        ("排行", Chart(0, 0, (1,), "=排行!$A$1")),  # a title XlsxWriter takes for a formula
        ("排行", Chart(0, 1, (1,), "完成率")),  # labels and values from one column
        ("排" * 32, Chart(0, 0, (1,), "完成率")),  # a name Excel does not take
    ],
)
def test_what_only_xlsxwriter_writes_is_left_to_it(name: str, chart: Chart) -> None:
    specs = [_spec(name, chart)]
    assert (
        sheetparts.package(
            [xlsx.layout(s) for s in specs],
            xlsx.tab_colors(),
            xlsx.FONT,
            xlsx.NUM_FORMATS,
            "#5B9BD5",
        )
        is None
    )
    if len(name) > 31:
        with pytest.raises(Exception, match="31"):  # XlsxWriter's own refusal, as before
            xlsx.build_parts(specs)
        return
    built = xlsx.build_parts(specs)  # XlsxWriter's, whole
    assert "xl/charts/chart1.xml" in zipfile.ZipFile(io.BytesIO(built.package)).namelist()


@pytest.mark.parametrize("value_fmt", ["pct", "number", "amount", "int", "qty"])
def test_a_bar_chart_of_a_plain_sheet_is_xlsxwriters_bytes(value_fmt: str) -> None:
    """Found in review: an axis in its default format ("General", for numbers and amounts) is
    source-linked in XlsxWriter's chart."""
    _same_parts([_spec("排行", Chart(0, 0, (1,), "完成率", value_fmt))])  # type: ignore[arg-type]


def test_text_in_a_chart_is_escaped_as_xlsxwriter_escapes_it() -> None:
    """Found in review: a name holding a literal _x0041_ (read back as "A" by a viewer of the
    chart's cache) and control characters get XlsxWriter's _xHHHH_ escapes, & < > " theirs."""
    table = Table(
        [Col("姓名"), Col("完成率", "pct")],
        [["王芳_x0041_", 0.5], ["李&<四>", 0.75], ['刘"洋"', 0.25], ["张\x01三", 0.1]],
    )
    _same_parts([SheetSpec("排行", "标题", "说明", [table], [Chart(0, 0, (1,), "完成率 & <率>")])])


def test_a_column_of_excels_default_width_is_not_marked_custom() -> None:
    """Found in review: 8.43 characters is Excel's own 64 pixels, which XlsxWriter does not mark
    customWidth."""
    table = Table([Col("姓名", width=8.43), Col("完成率", "pct", 12)], [["张三", 0.5]])
    _same_parts([SheetSpec("排行", "标题", "说明", [table], [])])


def test_a_standalone_workbook_is_xlsxwriters_whole() -> None:
    """xlsx.build (the weekly and rollup workbooks, the pictures) keeps XlsxWriter's theme,
    document properties and views (found in review: it had lost them)."""
    made = zipfile.ZipFile(io.BytesIO(xlsx.build([_spec("排行", Chart(0, 0, (1,), "完成率"))])))
    assert {"xl/theme/theme1.xml", "docProps/core.xml", "docProps/app.xml"} <= set(made.namelist())


def test_a_refresh_click_neither_imports_nor_runs_xlsxwriter(tmp_path: Path) -> None:
    book = tmp_path / SAMPLE.name
    book.write_bytes(SAMPLE.read_bytes())
    probe = (  # the program ends through its exit handlers (batch.end_process)
        "import atexit, sys, runpy\n"
        "atexit.register(lambda: print('xlsxwriter' in sys.modules, file=sys.stderr))\n"
        f"sys.argv = ['branchkit', 'refresh', {str(book)!r}, '--date', '2026-11-20']\n"
        "runpy.run_module('branchkit', run_name='__main__')\n"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stderr.strip().splitlines()[-1] == "False"


def test_overlapping_merges_are_left_to_xlsxwriter_which_refuses_them() -> None:
    assert sheetparts._overlapping([(3, 0, 5), (3, 2, 2)])  # C4:D4 inside A4:E4
    assert sheetparts._overlapping([(3, 0, 9), (3, 1, 2), (3, 5, 2)])
    assert not sheetparts._overlapping([(3, 0, 2), (3, 2, 2), (4, 0, 4)])
