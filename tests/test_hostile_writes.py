"""Ordinary situations that used to end in an internal error (exit 3) when branchkit writes:
odd dates, odd branch names, read-only files and folders, missing folders, two writers at once
(issue 12). Each is one Chinese line and exit 2 — or, where it can be, simply works."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest
from branchkit import writeback
from branchkit.filenames import MAX_NAME_BYTES, safe_name
from branchkit.package.sheetdata import Cell
from hypothesis import given
from hypothesis import strategies as st
from python_calamine import CalamineWorkbook

from . import hostile
from .conftest import SAMPLE
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]


def _untouched(book: Path, before: bytes) -> None:
    """The workbook as it was, and nothing half-written beside it."""
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


# ---------------------------------------------------------------- dates


@pytest.mark.parametrize("day", ["9999-12-31", "0001-01-01", "1999-12-31", "2100-01-01"])
@pytest.mark.parametrize("command", ["rankings", "refresh", "build-agenda"])
def test_a_date_outside_the_calendar_is_one_line(command: str, day: str) -> None:
    one_line_exit_2(run(command, str(SAMPLE), "--date", day), "--date", day, "超出范围")


@pytest.mark.parametrize("week", ["9999-W52", "1999-W52"])
def test_a_week_outside_the_calendar_is_one_line(week: str) -> None:
    one_line_exit_2(run("weekly", str(SAMPLE), "--week", week), "--week", "超出范围")


# ---------------------------------------------------------------- the weekly workbook's name


def _named(tmp_path: Path, branch: str) -> Path:
    """The sample with 设置 网点名称 (B2) set to `branch`, typed as raw XML text."""
    cell = f'<c r="B2" t="inlineStr"><is><t xml:space="preserve">{branch}</t></is></c>'.encode()
    folder = tmp_path / "网点"
    folder.mkdir()
    return hostile.in_sheet(folder / SAMPLE.name, "设置", hostile.set_cell("B2", cell))


@pytest.mark.parametrize(
    ("branch", "expected"),
    [
        ("../x", "_x"),
        ("a/b", "a_b"),
        ("/", SAMPLE.stem),
        ("长" * 120, "长" * 40),
        ("_x0000_", SAMPLE.stem),  # the reader decodes it to U+0000
        ("火车站\n支行", "火车站 支行"),
        ("CON", "_CON"),
        ("火车站支行 ", "火车站支行"),
    ],
)
def test_the_weekly_workbook_is_named_safely_beside_the_branch_workbook(
    tmp_path: Path, branch: str, expected: str
) -> None:
    book = _named(tmp_path, branch)
    result = run("weekly", str(book), "--week", "2026-W47")
    assert result.exit_code == 0, result.output
    made = [p for p in book.parent.iterdir() if p != book]
    assert [p.name for p in made] == [f"{expected}-2026-W47-周报.xlsx"]
    assert "封面" in CalamineWorkbook.from_path(str(made[0])).sheet_names


@given(st.text(max_size=300))
def test_a_safe_name_is_one_file_name_part_on_every_system(text: str) -> None:
    name = safe_name(text)
    assert len(name.encode("utf-8")) <= MAX_NAME_BYTES
    assert (not any(ch in name for ch in '<>:"/\\|?*') and name.isprintable()) or name == ""
    assert name == name.strip(" .") and name not in (".", "..")
    assert safe_name(name) == name  # already safe: left as it is


def test_a_name_that_cannot_be_made_safe_is_one_line(tmp_path: Path) -> None:
    folder = tmp_path / "网点"
    folder.mkdir()
    book = folder / "...xlsx"
    hostile.in_sheet(
        book,
        "设置",
        hostile.set_cell("B2", b'<c r="B2" t="inlineStr"><is><t>/</t></is></c>'),
    )
    one_line_exit_2(run("weekly", str(book), "--week", "2026-W47"), "--out")


# ---------------------------------------------------------------- read-only file and folder


def test_a_read_only_workbook_is_called_read_only(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    sample_copy.chmod(0o444)
    try:
        result = run("refresh", str(sample_copy), *DAY)
    finally:
        sample_copy.chmod(0o644)
    one_line_exit_2(result, "只读")
    assert "Excel 中打开" not in result.output
    _untouched(sample_copy, before)


@pytest.mark.skipif(os.name != "posix", reason="folder permission bits are POSIX")
@pytest.mark.parametrize("command", ["refresh", "weekly"])
def test_a_read_only_folder_is_one_line_and_nothing_is_written(
    sample_copy: Path, command: str
) -> None:
    before = sample_copy.read_bytes()
    args = [*DAY] if command == "refresh" else ["--week", "2026-W47"]
    sample_copy.parent.chmod(0o555)
    try:
        result = run(command, str(sample_copy), *args)
    finally:
        sample_copy.parent.chmod(0o755)
    one_line_exit_2(result, "没有写入权限")
    _untouched(sample_copy, before)


# ---------------------------------------------------------------- --out into a folder not made yet


def test_out_into_missing_folders_creates_them(sample_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "11月" / "第3周" / "副本.xlsx"
    result = run("refresh", str(sample_copy), *DAY, "--out", str(out))
    assert result.exit_code == 0, result.output
    assert "排行榜" in CalamineWorkbook.from_path(str(out)).sheet_names
    eml = tmp_path / "邮件" / "周报.eml"
    weekly = run("weekly", str(sample_copy), "--week", "2026-W47", "--eml", str(eml))
    assert weekly.exit_code == 0 and eml.stat().st_size > 0, weekly.output


def test_out_through_a_file_is_one_line(sample_copy: Path, tmp_path: Path) -> None:
    (tmp_path / "文件").write_text("不是文件夹")
    result = run("refresh", str(sample_copy), *DAY, "--out", str(tmp_path / "文件" / "x.xlsx"))
    one_line_exit_2(result, "同名的文件")


# ---------------------------------------------------------------- two writers of one workbook


def _holder(book: Path, seconds: float) -> subprocess.Popen[str]:
    """Another process holding the workbook's lock for `seconds` (it says 'held' once it has)."""
    script = (
        "import sys, time\n"
        "from pathlib import Path\n"
        "from branchkit.writeback import book_lock\n"
        "with book_lock(Path(sys.argv[1])):\n"
        "    print('held', flush=True)\n"
        "    time.sleep(float(sys.argv[2]))\n"
    )
    process = subprocess.Popen(
        [sys.executable, "-c", script, str(book), str(seconds)], stdout=subprocess.PIPE, text=True
    )
    assert process.stdout is not None and process.stdout.readline().strip() == "held"
    return process


@pytest.mark.slow
def test_a_lock_left_by_a_killed_writer_is_taken_over(sample_copy: Path) -> None:
    holder = _holder(sample_copy, 600)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    assert writeback.lock_path(sample_copy).exists()
    result = run("refresh", str(sample_copy), *DAY)
    assert result.exit_code == 0, result.output
    assert not writeback.lock_path(sample_copy).exists()


@pytest.mark.slow
def test_a_second_writer_waits_for_the_first_then_says_so(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = sample_copy.read_bytes()
    holder = _holder(sample_copy, 600)
    try:
        monkeypatch.setattr(writeback, "LOCK_WAIT", 0.5)
        refused = run("refresh", str(sample_copy), *DAY)
        one_line_exit_2(refused, "另一个 branchkit", str(holder.pid), "正在写入")
        assert sample_copy.read_bytes() == before
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.slow
def test_a_second_writer_goes_on_once_the_first_is_done(sample_copy: Path) -> None:
    holder = _holder(sample_copy, 1.0)
    started = time.monotonic()
    result = run("build-agenda", str(sample_copy), *DAY)
    holder.wait()
    assert result.exit_code == 0, result.output
    assert "夕会议程" in CalamineWorkbook.from_path(str(sample_copy)).sheet_names
    assert time.monotonic() - started < writeback.LOCK_WAIT + 30  # it did not give up waiting


def _lock_of_a_dead_writer(book: Path) -> str:
    """The lock record a writer killed mid-write leaves behind (its id, computer, start)."""
    holder = _holder(book, 600)
    holder.send_signal(signal.SIGKILL)
    holder.wait()
    record = writeback.lock_path(book).read_text(encoding="utf-8")
    assert record.split()[0] == str(holder.pid)
    return record.split(" ", 1)[1]


@pytest.mark.slow
def test_a_lock_whose_process_id_now_belongs_to_another_program_is_taken_over(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Process ids are handed out again: the id in a leftover lock may name a live program that
    has nothing to do with branchkit. Its start time tells them apart; no waiting, no refusal."""
    rest = _lock_of_a_dead_writer(sample_copy)
    other = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
    try:
        writeback.lock_path(sample_copy).write_text(f"{other.pid} {rest}", encoding="utf-8")
        monkeypatch.setattr(writeback, "LOCK_WAIT", 0.5)
        result = run("refresh", str(sample_copy), *DAY)
    finally:
        other.kill()
        other.wait()
    assert result.exit_code == 0, result.output
    assert not writeback.lock_path(sample_copy).exists()


@pytest.mark.slow
def test_a_lock_taken_on_another_computer_is_respected(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A shared folder: the process id means nothing here, so the lock holds until it is old."""
    before = sample_copy.read_bytes()
    writeback.lock_path(sample_copy).write_text("4242 PC-柜台2 123456", encoding="utf-8")
    monkeypatch.setattr(writeback, "LOCK_WAIT", 0.5)
    one_line_exit_2(run("refresh", str(sample_copy), *DAY), "电脑 PC-柜台2 上的进程 4242")
    assert sample_copy.read_bytes() == before


# ---------------------------------------------------------------- markup Excel never writes


def _row_in_single_quotes(xml: bytes) -> bytes:
    """Row 295 of 追踪表 moved to 300 and written with single quotes (valid XML, a gap row)."""
    match = re.search(rb'<row r="295".*?</row>', xml, re.S)
    assert match
    row = match.group().replace(b'r="295"', b'r="300"').replace(b'295"', b'300"')
    row = re.sub(rb'(\s[\w:]+)="([^"]*)"', rb"\1='\2'", row)
    return xml[: match.start()] + xml[match.end() :].replace(b"</sheetData>", row + b"</sheetData>")


MARKUP = {
    "single quotes": ("追踪表", _row_in_single_quotes),
    "CDATA": (
        "转介登记",
        hostile.append_rows(
            b'<row r="900"><c r="J900" t="inlineStr"><is><t><![CDATA[a</c><c r="B900">'
            b'<v>1</v></c></row><row r="901">]]></t></is></c></row>'
        ),
    ),
    "a comment": ("转介登记", hostile.append_rows(b'<!-- <row r="4"><c r="B4"/></row> -->')),
    # a comment holding a sheetData of its own ahead of the real one: the cells went into it
    "a sheetData in a comment": (
        "追踪表",
        lambda xml: xml.replace(
            b"<sheetData>",
            b'<!-- <sheetData><row r="2"><c r="A2"/></row></sheetData> --><sheetData>',
            1,
        ),
    ),
    # 100,000 '<c' in a comment made finding cells quadratic: minutes for a 130 KB file
    "a comment full of cells": (
        "转介登记",
        hostile.append_rows(b"<!--" + b"<c" * 100_000 + b"-->"),
    ),
}


@pytest.mark.parametrize("case", list(MARKUP))
def test_a_sheet_with_markup_excel_never_writes_is_refused_untouched(
    tmp_path: Path, case: str
) -> None:
    """Comments, CDATA and single-quoted attributes among the cells are valid XML that every
    reader takes, but the writer finds rows and cells by their text: inside them it wrote a card
    number into a person's text, or a new row over a person's row (found by attacking fill)."""
    sheet, change = MARKUP[case]
    book = hostile.in_sheet(tmp_path / SAMPLE.name, sheet, change)
    before = book.read_bytes()
    one_line_exit_2(run("fill", str(book), *DAY), book.name, sheet, "另存为")
    _untouched(book, before)


def test_new_rows_go_below_a_total_kept_under_the_table(tmp_path: Path) -> None:
    """=SUM(M2:M295) typed in M297 under 追踪表 (a common habit): fill used to take the
    formula-only row for an empty one and write a new customer's row into it, whose 达成金额
    then read as the branch's total. The total is the table's last row: new rows go below it,
    and it keeps its place and formula."""
    total = b'<row r="297"><c r="M297"><f>SUM(M2:M295)</f><v>2873.5</v></c></row>'
    book = hostile.in_sheet(tmp_path / SAMPLE.name, "追踪表", hostile.append_rows(total))
    filled = run("fill", str(book), *DAY)
    # exit 1: the reader still says the total is an amount without a product (追踪表!L297)
    assert filled.exit_code == 1 and "新增 48 行" in filled.output, filled.output
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("追踪表").to_python()
    assert rows[296][12] == 2873.5 and not any(rows[296][:12])  # row 297: the total alone
    added = [r for r in rows[297:] if any(r)]
    assert added and all(r[12] in ("", None) for r in added)  # new rows below, no amount
    with zipfile.ZipFile(book) as zf:
        assert b"<f>SUM(M2:M295)</f>" in zf.read(hostile.part_of(book, "追踪表"))


def test_formulas_of_a_row_prepared_for_typing_still_take_new_rows() -> None:
    """A formula of the row's own cells (=IF(L5="","",...)) or of another sheet is not a total:
    such a row is one prepared for typing, and fill writes into its empty cells."""
    own = Cell(13, '<c r="M5"><f>IF(L5="","",L5*2)</f></c>', 0, 0)
    other = Cell(13, '<c r="M5"><f>COUNTIFS(转介登记!$E$2:$E$3,B5)</f></c>', 0, 0)
    total = Cell(13, '<c r="M5"><f>SUM($M$2:$M$4)</f><v>9</v></c>', 0, 0)
    beside = Cell(14, '<c r="N5"><f>SUM(M2:M4)</f><v>9</v></c>', 0, 0)
    assert [c.totals_above(5) for c in (own, other, total, beside)] == [False, False, True, False]
    # a lookup into another sheet's table, all above this row's number (found in review)
    lookup = Cell(2, '<c r="B60"><f>VLOOKUP(A60,产品!$A$2:$C$50,2,0)</f></c>', 0, 0)
    assert not lookup.totals_above(60)
    # 序号 numbered by formula down prepared rows: it reads its own row (found by a user)
    numbering = Cell(1, '<c r="A296"><f>IF(C296="","",MAX(A$1:A295)+1)</f></c>', 0, 0)
    assert not numbering.totals_above(296)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are UTF-16: no such file there")
@pytest.mark.parametrize("command", ["fill", "refresh", "validate"])
def test_a_file_named_in_gbk_is_one_line(tmp_path: Path, command: str) -> None:
    """A Chinese name copied from Windows in GBK (a zip, an old share): Python keeps it as
    surrogates, which calamine and every name made from it refuse. One line saying so, exit 2,
    nothing written (it was 内部错误, exit 3, or blamed the workbook's contents)."""
    name = os.fsdecode(SAMPLE.name.encode("gbk"))
    book = tmp_path / name
    shutil.copy(SAMPLE, book)
    before = book.read_bytes()
    one_line_exit_2(run(command, str(book), *DAY), "UTF-8", "改个名字")
    _untouched(book, before)


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are UTF-16: no such file there")
@pytest.mark.parametrize("source", [None, SAMPLE])
def test_init_makes_no_workbook_under_a_gbk_name(tmp_path: Path, source: Path | None) -> None:
    """init took a GBK name (a path typed in a terminal set to GBK) and made a workbook that
    fill, refresh and validate then refused: now it refuses first, as they do."""
    book = tmp_path / os.fsdecode("人民路支行-2026-12.xlsx".encode("gbk"))
    args = ["init", str(book), "--branch", "人民路支行", "--month", "2026-12"]
    one_line_exit_2(run(*args, *(["--from", str(source)] if source else [])), "UTF-8", "改个名字")
    assert not list(tmp_path.iterdir())


@pytest.mark.skipif(sys.platform == "win32", reason="Windows names are UTF-16: no such file there")
def test_a_branch_workbook_named_in_gbk_is_left_out_of_a_rollup_by_name(tmp_path: Path) -> None:
    """One workbook of the parent's folder named in GBK: the others are rolled up and it is
    listed, its name read as GBK (DuckDB refused the name: 内部错误, no rollup, an empty store)."""
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLE.parent / "城东分行", folder)
    renamed = folder / "人民路支行-2026-11.xlsx"
    renamed.rename(folder / os.fsdecode("人民路支行-2026-11.xlsx".encode("gbk")))
    out = tmp_path / "汇总.xlsx"
    result = run("rollup", str(folder), *DAY, "--out", str(out))
    assert result.exit_code == 1, result.output
    assert "人民路支行-2026-11.xlsx" in result.output and "UTF-8" in result.output
    sheets = CalamineWorkbook.from_path(str(out)).sheet_names
    rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("数据问题").to_python()
    assert "网点排行" in sheets
    assert any("人民路支行-2026-11.xlsx" in str(r[0]) for r in rows)


def test_a_totals_row_with_its_label_is_neither_data_nor_an_error(tmp_path: Path) -> None:
    """合计 in L297 and =SUM(M2:M295) beside it under 追踪表: fill writes below it, and the
    reader does not take it for a customer's row (it said three 错误 and an unknown product)."""
    label = hostile.inline_text("L297", "合计")
    total = b'<row r="297">' + label + b'<c r="M297"><f>SUM(M2:M295)</f><v>2873.5</v></c></row>'
    book = hostile.in_sheet(tmp_path / SAMPLE.name, "追踪表", hostile.append_rows(total))
    before = run("validate", str(book), *DAY, "--json")
    said = json.loads(before.stdout)["数据问题"]
    assert not [p for p in said if p["表"] == "追踪表" and p["单元格"].endswith("297")]
    filled = run("fill", str(book), *DAY)
    assert filled.exit_code == 0, filled.output
    rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("追踪表").to_python()
    assert rows[296][11:13] == ["合计", 2873.5] and any(rows[297])  # new rows below it
