"""Hostile and odd workbook files (issue 12): each one reads, or is refused in one Chinese line
with exit 2 — never a crash, a hang, a traceback or a file half-written."""

from __future__ import annotations

import io
import os
import re
import shutil
import threading
import zipfile
from pathlib import Path

import pytest
from branchkit.problems import BookError
from branchkit.source import MAX_PART_BYTES, MAX_RATIO, RATIO_FROM_BYTES, check_sizes, read_raw
from hypothesis import given, settings
from hypothesis import strategies as st

from . import hostile
from .conftest import SAMPLE
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]
TRACKING = hostile.part_of(SAMPLE, "追踪表")


def _every_command(book: Path, *words: str) -> None:
    """validate, rankings, build-agenda and refresh all refuse `book` the same way, and refresh
    leaves it as it was: same bytes, no backup, no temporary file."""
    before = book.read_bytes()
    for args in (
        ["validate", str(book)],
        ["rankings", str(book), *DAY],
        ["build-agenda", str(book), *DAY, "--format", "txt"],
        ["refresh", str(book), *DAY],
    ):
        one_line_exit_2(run(*args), *words)
    assert book.read_bytes() == before
    assert sorted(p.name for p in book.parent.iterdir()) == [book.name]


# ---------------------------------------------------------------- not a branch workbook at all


def test_a_workbook_without_any_input_sheet_is_not_a_branch_workbook(tmp_path: Path) -> None:
    """A price list passed by mistake: one line pointing to init, not six tabs written into it
    and a list of thirteen missing sheets."""
    book = hostile.foreign_workbook(tmp_path / "价目表.xlsx")
    _every_command(book, "不是网点工作簿", "branchkit init 价目表.xlsx --upgrade")
    before = book.read_bytes()
    for args in (["fill", book, *DAY], ["weekly", book, "--week", "2026-W47"]):
        one_line_exit_2(run(*args), "不是网点工作簿")
    assert book.read_bytes() == before
    assert run("init", book, "--upgrade").exit_code == 0
    assert run("validate", book).exit_code in (0, 1)  # a branch workbook now, if an empty one


def test_a_workbook_missing_only_some_input_sheets_is_still_read(tmp_path: Path) -> None:
    without_targets = '<sheet name="目标"[^>]*/>'.encode()
    book = hostile.rebuild(
        tmp_path / "缺目标.xlsx",
        {"xl/workbook.xml": lambda xml: re.sub(without_targets, b"", xml)},
    )
    result = run("validate", book)
    assert result.exit_code == 1 and "目标" in result.output  # the missing sheet, listed
    assert "不是网点工作簿" not in result.output


# ---------------------------------------------------------------- XML bombs, said in Chinese


def _entities(xml: bytes) -> bytes:
    """A part declaring entities that expand one another (a billion-laughs bomb, small)."""
    head = b'<!DOCTYPE sst [<!ENTITY a "aaaaaaaaaa"><!ENTITY h "&a;&a;&a;&a;">]><sst '
    return xml.replace(b"<sst ", head, 1).replace(b"<t>", b"<t>&h;", 1)


def test_an_entity_bomb_in_the_shared_strings_is_named_in_chinese(tmp_path: Path) -> None:
    book = hostile.rebuild(tmp_path / "炸弹.xlsx", {"xl/sharedStrings.xml": _entities})
    _every_command(book, "xl/sharedStrings.xml", "DTD")
    said = one_line_exit_2(run("validate", book)).split(": ", 1)[1]  # after the file's path
    assert "XmlError" not in said and "entity" not in said


def test_a_dtd_in_a_part_a_write_edits_is_named_in_chinese(sample_copy: Path) -> None:
    dtd = b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]><workbook '
    hostile.rebuild(sample_copy, {"xl/workbook.xml": lambda x: x.replace(b"<workbook ", dtd, 1)})
    before = sample_copy.read_bytes()
    line = one_line_exit_2(run("refresh", sample_copy, *DAY), "xl/workbook.xml", "DTD 声明")
    assert "Forbidden" not in line
    assert sample_copy.read_bytes() == before


# ---------------------------------------------------------------- crashes of the cell reader


def test_a_stray_value_in_the_last_cell_of_a_sheet_is_read_where_it_stands(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """XFD1048576 would make the reader ask for 17 billion cells and abort the process; the
    sheet is read as usual and the stray value stays at its own cell."""
    book = hostile.in_sheet(
        tmp_path / "stray.xlsx",
        "说明",
        hostile.append_rows(
            b'<row r="1048576">' + hostile.inline_text("XFD1048576", "x") + b"</row>"
        ),
    )
    stray = read_raw(book)["说明"]
    plain = read_raw(SAMPLE)["说明"]
    assert stray[: len(plain)] == plain
    assert (len(stray), len(stray[-1]), stray[-1][-1]) == (1048576, 16384, "x")
    assert run("validate", str(book)).exit_code == 0
    refreshed = run("refresh", str(book), *DAY)
    assert refreshed.exit_code == 0, refreshed.output
    assert "memory allocation" not in capfd.readouterr().err


@pytest.mark.slow
def test_a_stray_value_far_below_the_table_is_reported_at_its_row(tmp_path: Path) -> None:
    """In 追踪表 the same kind of cell is input: its row is read and its gaps reported."""
    book = hostile.in_sheet(
        tmp_path / "far.xlsx",
        "追踪表",
        hostile.append_rows(
            b'<row r="1048576">' + hostile.inline_text("C1048576", "张三") + b"</row>"
        ),
    )
    result = run("validate", str(book))
    assert result.exit_code == 1
    assert "追踪表!F1048576" in result.output and "缺少必填项" in result.output


def test_cells_without_references_far_out_are_read_where_the_reader_puts_them(
    tmp_path: Path,
) -> None:
    """A writer may leave out r="..." and let position count; 16,383 empty cells then push a
    value to the last column just the same."""
    row = b'<row r="1048576">' + b"<c/>" * 16383 + b'<c t="inlineStr"><is><t>y</t></is></c></row>'
    book = hostile.in_sheet(tmp_path / "norefs.xlsx", "追踪表", hostile.append_rows(row))
    sheet = read_raw(book)["追踪表"]
    assert sheet[1048575][16383] == "y"
    assert sheet[: len(read_raw(SAMPLE)["追踪表"])] == read_raw(SAMPLE)["追踪表"]


@pytest.mark.parametrize("value", [b"-1.2e11", b"-1e308", b"-INF", b"NaN"])
def test_a_huge_negative_number_in_a_date_cell_is_an_error_at_that_cell(
    tmp_path: Path, value: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    """F3 (推荐时间) is date-formatted; the reader would panic converting these to a date."""
    book = hostile.in_sheet(tmp_path / "neg.xlsx", "追踪表", hostile.replace_value("F3", value))
    result = run("validate", str(book))
    assert "panicked" not in capfd.readouterr().err
    assert result.exit_code == 1, result.output
    problem = next(line for line in result.output.splitlines() if "追踪表!F3" in line)
    assert "错误" in problem and "推荐时间" in problem
    ranked = run("rankings", str(book), *DAY)  # the rest still counts; the error is mentioned
    assert ranked.exit_code == 1 and "1 个数据错误" in ranked.output


# ---------------------------------------------------------------- damaged files say so


def test_a_zip_without_workbook_xml_is_damaged(tmp_path: Path) -> None:
    book = hostile.rebuild(tmp_path / "无目录.xlsx", {"xl/workbook.xml": None})
    _every_command(book, "文件已损坏", "xl/workbook.xml")


@pytest.mark.parametrize("twice", [TRACKING, TRACKING.upper()])
def test_a_part_stored_twice_is_damage_and_neither_copy_is_chosen(
    tmp_path: Path, twice: str
) -> None:
    """Found by an attack: a zip holding 追踪表 twice (the first copy short of ten rows) was read,
    filled and written back with one copy lost; readers differ on which copy they show. Part
    names ignore case, so a copy under another case is the same part."""
    import warnings

    book = tmp_path / "两份.xlsx"
    shutil.copy(SAMPLE, book)
    with warnings.catch_warnings(), zipfile.ZipFile(book, "a") as zf:
        warnings.simplefilter("ignore")  # zipfile warns of the name it is asked to repeat
        zf.writestr(twice, zf.read(TRACKING))
    _every_command(book, "文件已损坏", "出现了不止一次")
    one_line_exit_2(run("fill", str(book), *DAY), "出现了不止一次")


def test_one_flipped_byte_in_a_sheet_is_damage_named_by_sheet(tmp_path: Path) -> None:
    for at in (0.1, 0.5, 0.9):
        book = hostile.flip_byte(tmp_path / "坏.xlsx", TRACKING, at)
        _every_command(book, "文件已损坏（追踪表）")


@pytest.mark.parametrize("part", ["xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml"])
def test_one_flipped_byte_in_a_shared_part_is_damage(tmp_path: Path, part: str) -> None:
    book = hostile.flip_byte(tmp_path / "坏.xlsx", part, 0.5)
    result = run("validate", str(book))
    one_line_exit_2(result, "文件已损坏")


def test_an_empty_file_and_a_truncated_zip_are_refused(tmp_path: Path) -> None:
    empty = tmp_path / "空.xlsx"
    empty.write_bytes(b"")
    one_line_exit_2(run("validate", str(empty)), "空的")
    cut = tmp_path / "半截.xlsx"
    cut.write_bytes(SAMPLE.read_bytes()[:30_000])
    one_line_exit_2(run("validate", str(cut)), "文件已损坏")


def test_a_real_xls_renamed_xlsx_says_so(tmp_path: Path) -> None:
    pytest.importorskip("xlwt")
    renamed = tmp_path / "旧格式.xlsx"
    hostile.legacy_xls(tmp_path / "旧格式.xls")
    shutil.copy(tmp_path / "旧格式.xls", renamed)
    one_line_exit_2(run("validate", str(renamed)), "这是 .xls 文件，请在 Excel 中另存为 .xlsx")
    kept = run("validate", str(tmp_path / "旧格式.xls"))  # under its own name it is read
    assert kept.exit_code == 1 and "缺少工作表" in kept.output
    # cut short, the .xls says what to do in words, with no name of the reader's exception
    cut = tmp_path / "半截.xls"
    cut.write_bytes((tmp_path / "旧格式.xls").read_bytes()[:1500])
    line = one_line_exit_2(run("validate", str(cut)), "另存为 .xlsx")
    assert "Error" not in line


def test_an_excel4_macro_sheet_is_left_aside_and_the_rest_is_read(tmp_path: Path) -> None:
    """The reader refuses a whole workbook holding an Excel 4 macro sheet; it holds no input,
    so branchkit reads the rest and leaves the macro sheet in the file untouched."""
    book = hostile.with_sheet(tmp_path / "宏.xlsm", "macro", "宏1")
    assert "宏1" in read_raw(book) and read_raw(book)["宏1"] == []
    assert run("validate", str(book)).exit_code == 0
    same = run("rankings", str(book), *DAY, "--json").output
    assert same == run("rankings", str(SAMPLE), *DAY, "--json").output
    assert run("refresh", str(book), *DAY).exit_code == 0
    with zipfile.ZipFile(book) as zf:
        assert zf.read("xl/macrosheets/sheet1.xml") == hostile.MACRO_SHEET


def test_an_excel5_dialog_sheet_holds_no_input(tmp_path: Path) -> None:
    book = hostile.with_sheet(tmp_path / "对话框.xlsm", "dialog", "对话框1")
    assert read_raw(book)["对话框1"] == []
    assert run("validate", str(book)).exit_code == 0


# ---------------------------------------------------------------- hangs and memory


@pytest.mark.parametrize(
    "make",
    [
        lambda p: hostile.bomb(p, TRACKING, 2 * RATIO_FROM_BYTES),
        lambda p: hostile.bomb(p, "xl/workbook.xml", 2 * RATIO_FROM_BYTES),
        lambda p: hostile.bomb(p, "xl/styles.xml", 2 * RATIO_FROM_BYTES),
        lambda p: hostile.shared_string_bomb(p, 2 * RATIO_FROM_BYTES),
    ],
    ids=["sheet", "workbook.xml", "styles.xml", "one shared string"],
)
def test_a_part_that_inflates_like_a_bomb_is_refused_before_reading(tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    book = make(tmp_path / "炸弹.xlsx")
    _every_command(book, "文件过大", f"{MAX_RATIO} 倍")


def _info(name: str, size: int, packed: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.file_size, info.compress_size = size, packed
    return info


def test_the_size_limits_refuse_huge_parts_and_let_a_parent_branch_month_through() -> None:
    # benchmarks/workloads.py W2 (100,000 tracking rows): 41 MB sheet at 8.7 : 1, 7 MB strings
    w2 = [
        _info("xl/worksheets/sheet7.xml", 41_428_801, 4_757_626),
        _info("xl/worksheets/sheet6.xml", 19_618_236, 2_008_307),
        _info("xl/sharedStrings.xml", 7_142_083, 1_137_572),
    ]
    check_sizes(Path("w2.xlsx"), w2)
    check_sizes(Path("w2.xlsx"), [*w2, _info("xl/media/film.mp4", 2 * MAX_PART_BYTES, 1)])
    with pytest.raises(BookError, match="文件过大"):
        check_sizes(Path("x.xlsx"), [_info("xl/worksheets/sheet1.xml", MAX_PART_BYTES + 1, 10**8)])
    with pytest.raises(BookError, match="解压后共"):
        check_sizes(
            Path("x.xlsx"), [_info(f"xl/p{i}.xml", MAX_PART_BYTES, 10**8) for i in range(5)]
        )


@pytest.mark.slow
def test_a_real_bomb_past_the_size_limit_is_refused_at_once(tmp_path: Path) -> None:
    book = hostile.bomb(tmp_path / "bomb.xlsx", TRACKING, MAX_PART_BYTES + (16 << 20))
    one_line_exit_2(run("validate", str(book)), "文件过大")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="named pipes are POSIX")
def test_a_named_pipe_called_xlsx_is_refused_without_blocking(tmp_path: Path) -> None:
    pipe = tmp_path / "管道.xlsx"
    os.mkfifo(pipe)

    # Should the reader open the pipe after all, a writer shows up later and closes it, so the
    # test fails instead of hanging.
    def unblock() -> None:
        with open(pipe, "wb"):
            pass

    rescue = threading.Timer(20, unblock)
    rescue.daemon = True
    rescue.start()
    try:
        one_line_exit_2(run("validate", str(pipe)), "不是普通文件")
    finally:
        rescue.cancel()


# ---------------------------------------------------------------- and nothing changes for real files

CORPORA = [
    SAMPLE.parents[1].parent / "shared" / name for name in ("excel-corpus", "realworld-corpus")
]
corpus_books = sorted(p for folder in CORPORA if folder.is_dir() for p in folder.glob("*.xls[xm]"))


def _plain(book: Path) -> dict[str, list[list[object]]] | None:
    """What the reader gives without branchkit's file edge (None: it refuses the file)."""
    from python_calamine import CalamineWorkbook

    try:
        wb = CalamineWorkbook.from_path(str(book))
    except Exception:
        return None
    return {n: wb.get_sheet_by_name(n).to_python(skip_empty_area=False) for n in wb.sheet_names}


def _same(left: object, right: object) -> bool:
    return left == right or (left != left and right != right)  # NaN is NaN


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not corpus_books, reason="../shared corpora are absent")
def test_workbooks_made_by_excel_and_others_read_exactly_as_the_plain_reader_reads_them() -> None:
    differ = []
    for book in corpus_books:
        plain = _plain(book)
        if plain is None:
            continue
        read = dict(read_raw(book, skip=()))
        same = list(read) == list(plain) and all(
            len(read[n]) == len(plain[n])
            and all(
                len(a) == len(b) and all(map(_same, a, b))
                for a, b in zip(read[n], plain[n], strict=True)
            )
            for n in plain
        )
        if not same:
            differ.append(book.name)
    assert differ == [], differ


# ---------------------------------------------------------------- the scan itself

cells = st.lists(
    st.tuples(
        st.integers(1, 1_100_000), st.integers(1, 16_384), st.sampled_from(["1", "-1e300", "x"])
    ),
    min_size=1,
    max_size=40,
)


class _Pieces:
    """A part that comes out of the zip `size` bytes at a time, cutting tags anywhere."""

    def __init__(self, data: bytes, size: int) -> None:
        self.stream, self.size = io.BytesIO(data), size

    def read(self, n: int) -> bytes:
        return self.stream.read(min(n, self.size))


@settings(max_examples=50, deadline=None)  # tiny pieces make slow runs on a busy machine
@given(cells, st.sampled_from([b"", b"x:"]), st.integers(5, 200))
def test_the_scan_finds_the_used_range_however_the_xml_is_cut(
    found: list[tuple[int, int, str]], prefix: bytes, chunk: int
) -> None:
    from branchkit import sheetscan
    from branchkit.a1 import cell_ref

    p = prefix
    xml = b'<?xml version="1.0"?><' + p + b'worksheet xmlns:x="m"><' + p + b"sheetData>"
    for row, col, value in found:
        ref = cell_ref(row, col).encode()
        if value == "x":
            body = b' t="inlineStr"><' + p + b"is><" + p + b"t>x</" + p + b"t></" + p + b"is>"
        else:
            body = b' s="1"><' + p + b"v>" + value.encode() + b"</" + p + b"v>"
        xml += b"<" + p + b'row r="%d"><' % row + p + b'c r="' + ref + b'"' + body
        xml += b"</" + p + b"c></" + p + b"row>"
    xml += b"</" + p + b"sheetData></" + p + b"worksheet>"
    rows, cols = [r for r, _, _ in found], [c for _, c, _ in found]
    # Both scans — regular expressions for small parts, numpy for large ones — find the same.
    for part_size in (0, sheetscan.VECTOR_SCAN_BYTES):
        for size in (chunk, sheetscan.CHUNK):
            scanned = sheetscan.scan(_Pieces(xml, size), part_size)  # type: ignore[arg-type]
            assert (scanned.first_row, scanned.last_row) == (min(rows), max(rows))
            assert (scanned.first_col, scanned.last_col) == (min(cols), max(cols))
            assert scanned.references == scanned.cell_tags == len(found)
            assert scanned.value_rows == len(found)  # each cell in a row of its own, valued
            assert scanned.odd_numbers == any(v == "-1e300" for _, _, v in found)


@pytest.mark.parametrize(
    "cells",
    [
        b'<c r="A"/><c r="B2"/>',  # a reference without a row: counted, not measured
        b'<c r="ABCD7"/><c r="C3"/>',  # four letters: beyond Excel's columns
        b"<c r='XFD123456789'/><c r=\"A1\"/>",  # nine digits: beyond Excel's rows
        b'<c r="B2"><v>+Inf</v></c><c r="C3"><v>nan</v></c>',
        b'<c r="B2"><v>-12</v></c><c t="n"><v>1</v></c>',  # a cell without a reference
        b'<c\tr="AB10"><v>1e6</v></c><cx r="Z9"/>',
    ],
)
def test_both_scans_agree_on_odd_references_and_values(cells: bytes) -> None:
    from branchkit import sheetscan

    xml = b"<worksheet><sheetData><row>" + cells + b"</row></sheetData></worksheet>"
    plain = sheetscan.scan(io.BytesIO(xml))
    vector = sheetscan.scan(io.BytesIO(xml), sheetscan.VECTOR_SCAN_BYTES)
    assert plain == vector


def test_a_few_cells_of_40000_characters_are_read_and_written_back(tmp_path: Path) -> None:
    """Long pasted text compresses well; that alone makes no bomb. The workbook is read, its
    weekly written and checked, and its tabs refreshed."""
    book = hostile.long_cells(tmp_path / "长文本.xlsx")
    weekly = run("weekly", str(book), "--week", "2026-W47", "--out", str(tmp_path / "周报.xlsx"))
    assert weekly.exit_code == 0, weekly.output
    assert run("refresh", str(book), *DAY).exit_code in (0, 1)
    assert run("validate", str(book)).exit_code in (0, 1)


def test_a_file_branchkit_wrote_is_checked_without_the_bomb_ratio(tmp_path: Path) -> None:
    """Its own output compresses as well as the text it was given (here 200 cells of 30,000
    repeated characters, some 18 MB at a thousand to one); the check after writing is not the
    check of a file from elsewhere."""
    import xlsxwriter
    from branchkit.writeback import verify_workbook, write_bytes

    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer)
    sheet = workbook.add_worksheet("跟进与行动")
    for row in range(200):
        sheet.write(row, 0, "长" * 30_000 + str(row))
    workbook.close()
    out = write_bytes(tmp_path / "周报.xlsx", buffer.getvalue(), verify_workbook(["跟进与行动"]))
    with zipfile.ZipFile(out) as zf:
        biggest = max(zf.infolist(), key=lambda i: i.file_size)
    assert biggest.file_size >= RATIO_FROM_BYTES
    assert biggest.file_size / biggest.compress_size > MAX_RATIO


@pytest.mark.slow
def test_a_sheet_of_a_million_rows_is_refused_from_its_scan(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """转介登记 filled to row 1,048,576 is too large to read (1,048,576 × 11 cells): refused from
    the scan that streams the part for its checksum, before its XML is held in memory, cleaned
    or given to the cell reader (which took 48 s and 2 GB to come to the same refusal)."""
    from branchkit import sheetscan

    book = hostile.every_row_a_card(tmp_path / "百万行.xlsx")

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("the sheet's XML was read whole to be cleaned")

    monkeypatch.setattr(sheetscan, "clean", never)
    with pytest.raises(BookError, match=r"转介登记!K1048576：表格太大（1048576 行 × 11 列）"):
        dict(read_raw(book))  # every sheet, the largest read on a second thread
