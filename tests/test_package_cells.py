"""The cell writer (issue 15, 'The writer'): empty cells filled, rows appended, nothing else moved."""

from __future__ import annotations

import datetime as dt
import io
import warnings
from collections.abc import Callable
from typing import Any

import pytest
import xlsxwriter
from branchkit.package import Package
from branchkit.package.cells import (
    FORMULA,
    MERGED,
    NOT_EMPTY,
    PROTECTED,
    TOTALS_ROW,
    Filled,
    NewRows,
    SheetFill,
    fill_cells,
    text_xml,
)
from branchkit.writerules import serial
from hypothesis import given, settings
from hypothesis import strategies as st

from .partdiff import changed_rows, part_differences, parts

SHEET = "追踪表"
SHEET_PART = "xl/worksheets/sheet1.xml"


def _book(draw: Callable[[Any, Any], None] | None = None, rows: int = 3) -> bytes:
    """A small tracking sheet as Excel-like writers make it: header in row 1, bordered data rows
    20 points high, a date column, a formula column."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(SHEET)
    border = wb.add_format({"border": 1})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["序号", "客户姓名", "推荐时间", "金额", "备注"])
    for i in range(rows):
        ws.set_row(i + 1, 20)
        ws.write_number(i + 1, 0, i + 1, border)
        ws.write_string(i + 1, 1, f"客户{i}", border)
        ws.write_datetime(i + 1, 2, dt.datetime(2026, 11, i + 1), date)
        ws.write_number(i + 1, 3, 10 * i, border)
    if draw:
        draw(wb, ws)
    wb.close()
    return buffer.getvalue()


def _fill(data: bytes, *edits: SheetFill) -> tuple[bytes, Filled]:
    pkg = Package(data)
    filled = fill_cells(pkg, edits)
    out = io.BytesIO()
    pkg.write(out)
    return out.getvalue(), filled


def _openpyxl_rows(data: bytes, sheet: str = SHEET) -> list[tuple[Any, ...]]:
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(io.BytesIO(data))[sheet]
    return [tuple(row) for row in ws.iter_rows(values_only=True)]


def _calamine_rows(data: bytes, sheet: str = SHEET) -> list[list[Any]]:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    return book.get_sheet_by_name(sheet).to_python(skip_empty_area=False)


def _cells(filled: Filled) -> dict[str, Any]:
    return {w.cell: w.value for w in filled.written}


def _reasons(filled: Filled) -> dict[str, str]:
    return {s.cell: s.reason for s in filled.skipped}


NEW_CARD = {1: 4, 2: "新客户", 3: dt.date(2026, 11, 20), 4: 12.5}


# ---------------------------------------------------------------- values


def test_each_kind_of_value_reads_back_as_written() -> None:
    values = {
        (2, 5): '=HYPERLINK("http://x","点我")',  # text from input is never a formula
        (3, 5): 3,
        (4, 5): True,
        (5, 5): dt.date(2026, 11, 20),
        (6, 5): dt.datetime(2026, 11, 20, 9, 30),
        (7, 5): 0.1 + 0.2,
        (8, 5): 10**15 + 7,  # integers are written exactly
    }
    data, filled = _fill(_book(rows=7), SheetFill(SHEET, values))
    assert len(filled.written) == len(values) and not filled.skipped
    opened = _openpyxl_rows(data)
    read = _calamine_rows(data)
    for (row, col), value in values.items():
        got_openpyxl, got_calamine = opened[row - 1][col - 1], read[row - 1][col - 1]
        if isinstance(value, dt.datetime):
            assert got_openpyxl == value and got_calamine == value
        elif isinstance(value, dt.date):
            assert got_openpyxl == dt.datetime.combine(value, dt.time())
            assert got_calamine == value
        elif isinstance(value, bool):
            assert got_openpyxl is value and got_calamine is value
        else:
            assert got_openpyxl == value and got_calamine == value


def test_text_is_always_an_inline_string_never_a_formula() -> None:
    data, _ = _fill(_book(), SheetFill(SHEET, {(2, 5): "=1+1", (3, 5): "+1", (4, 5): "@SUM(A1)"}))
    sheet = parts(data)[SHEET_PART]
    assert b"<f>" not in sheet
    assert sheet.count(b't="inlineStr"') == 3
    assert [row[4] for row in _openpyxl_rows(data)[1:4]] == ["=1+1", "+1", "@SUM(A1)"]


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30))
def test_any_text_reads_back_unchanged(text: str) -> None:
    """Read with calamine, as branchkit and Excel do: control characters travel as Excel's
    _xHHHH_ escapes, which openpyxl leaves undecoded in inline strings."""
    data, filled = _fill(_book(rows=1), SheetFill(SHEET, {(2, 5): text}))
    assert [w.value for w in filled.written] == [text]
    assert _calamine_rows(data)[1][4] == text


def test_escape_like_text_and_control_characters_survive() -> None:
    assert text_xml("_x0041_") == "<t>_x005F_x0041_</t>"
    assert text_xml("a\x01b") == "<t>a_x0001_b</t>"
    assert text_xml(" 前后空格 ") == '<t xml:space="preserve"> 前后空格 </t>'


def test_dates_are_day_numbers_in_the_workbooks_date_system() -> None:
    assert serial(dt.date(1900, 1, 1), False) == 1
    assert serial(dt.date(1900, 3, 1), False) == 61  # after Excel's phantom 29 February 1900
    assert serial(dt.date(2026, 11, 20), False) == 46346
    assert serial(dt.date(2026, 11, 20), True) == 46346 - 1462
    assert serial(dt.date(1899, 12, 31), False) is None


def test_a_workbook_in_the_1904_date_system_gets_1904_day_numbers() -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"date_1904": True})
    wb.add_worksheet(SHEET).write_row(0, 0, ["日期"])
    wb.close()
    data, _ = _fill(buffer.getvalue(), SheetFill(SHEET, {(2, 1): dt.date(2026, 11, 20)}))
    assert _openpyxl_rows(data)[1][0] == dt.datetime(2026, 11, 20)


# ---------------------------------------------------------------- what it never does


def test_a_cell_with_something_in_it_is_never_overwritten() -> None:
    original = _book()
    data, filled = _fill(original, SheetFill(SHEET, {(2, 2): "别人", (3, 2): "客户1"}))
    assert _reasons(filled) == {"B2": NOT_EMPTY}  # B3 already says 客户1: nothing to do
    assert filled.written == []
    assert _openpyxl_rows(data)[1][1] == "客户0"
    assert data == original or part_differences(original, data) == []


def test_a_formula_cell_is_left_alone_even_without_a_value() -> None:
    def formula(wb: Any, ws: Any) -> None:
        ws.write_formula(1, 4, "=D2*2")
        ws.write_formula(2, 4, "=D3*2", None, "")

    original = _book(formula)
    data, filled = _fill(original, SheetFill(SHEET, {(2, 5): "x", (3, 5): "y"}))
    assert _reasons(filled) == {"E2": FORMULA, "E3": FORMULA}
    assert part_differences(original, data) == []


def test_cells_in_a_merged_range_are_skipped_and_reported() -> None:
    original = _book(lambda wb, ws: ws.merge_range("E2:F3", ""))
    _, filled = _fill(original, SheetFill(SHEET, {(2, 5): "x", (3, 6): "y", (4, 5): "z"}))
    assert _reasons(filled) == {"E2": MERGED, "F3": MERGED}
    assert _cells(filled) == {"E4": "z"}


def test_a_protected_sheet_is_not_written() -> None:
    original = _book(lambda wb, ws: ws.protect())
    data, filled = _fill(original, SheetFill(SHEET, {(2, 5): "x"}, [NewRows(1, [NEW_CARD])]))
    assert filled.written == []
    assert set(_reasons(filled).values()) == {PROTECTED}
    assert len(filled.skipped) == 1 + len(NEW_CARD)
    assert part_differences(original, data) == []


# ---------------------------------------------------------------- appending rows


def test_appended_rows_go_under_the_last_row_and_copy_its_style_and_height() -> None:
    original = _book()
    data, filled = _fill(
        original,
        SheetFill(SHEET, append=[NewRows(1, [NEW_CARD, {1: 5, 2: "第二位"}])]),
    )
    assert filled.rows_added() == {SHEET: 2}
    assert _cells(filled) == {
        "A5": 4,
        "B5": "新客户",
        "C5": dt.date(2026, 11, 20),
        "D5": 12.5,
        "A6": 5,
        "B6": "第二位",
    }
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    for row in (5, 6):
        assert ws.row_dimensions[row].height == ws.row_dimensions[4].height > 15
        for col in "AB":
            assert ws[f"{col}{row}"].border.left.style == ws[f"{col}4"].border.left.style
    assert ws["C5"].number_format == ws["C4"].number_format == "yyyy-mm-dd"
    assert changed_rows(parts(original)[SHEET_PART], parts(data)[SHEET_PART]) == [5, 6]
    assert "A1:E6" in parts(data)[SHEET_PART].decode()  # the dimension covers the new rows


def test_appending_to_an_empty_table_writes_under_the_header_without_its_style() -> None:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(SHEET)
    ws.write_row(2, 0, ["客户姓名", "金额"], wb.add_format({"bold": True}))
    wb.close()
    data, filled = _fill(buffer.getvalue(), SheetFill(SHEET, append=[NewRows(3, [{1: "甲"}])]))
    assert _cells(filled) == {"A4": "甲"}
    import openpyxl

    assert not openpyxl.load_workbook(io.BytesIO(data))[SHEET]["A4"].font.b


def test_a_row_already_in_the_table_is_not_appended_twice() -> None:
    _, filled = _fill(
        _book(),
        SheetFill(SHEET, append=[NewRows(1, [{1: 9, 2: "客户1"}, {1: 9, 2: "新"}], key=(2,))]),
    )
    assert _cells(filled) == {"A5": 9, "B5": "新"}


def test_table_validation_formats_and_filter_grow_with_the_rows() -> None:
    def features(wb: Any, ws: Any) -> None:
        ws.add_table(
            "A1:E4",
            {"columns": [{"header": h} for h in ("序号", "客户姓名", "推荐时间", "金额", "备注")]},
        )
        ws.data_validation("D2:D4", {"validate": "decimal", "criteria": ">=", "value": 0})
        ws.conditional_format(
            "D2:D4", {"type": "data_bar", "data_bar_2010": True}
        )  # Excel 2010 data bar, in extLst
        ws.data_validation("E2:E2", {"validate": "list", "source": ["是", "否"]})  # not to the end
        ws.conditional_format("H1:H4", {"type": "cell", "criteria": ">", "value": 1})  # elsewhere

    original = _book(features)
    data, _ = _fill(original, SheetFill(SHEET, append=[NewRows(1, [NEW_CARD, {1: 5}])]))
    sheet = parts(data)[SHEET_PART].decode()
    table = parts(data)["xl/tables/table1.xml"].decode()
    assert 'ref="A1:E6"' in table and '<autoFilter ref="A1:E6"/>' in table
    assert 'sqref="D2:D6"' in sheet and "<xm:sqref>D2:D6</xm:sqref>" in sheet
    assert 'sqref="E2"' in sheet and 'sqref="H1:H4"' in sheet
    may_change = {SHEET_PART, "xl/tables/table1.xml", "xl/styles.xml"}
    assert part_differences(original, data, may_change) == []
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    assert ws.tables["Table1"].ref == "A1:E6"


def test_a_sheet_autofilter_and_its_hidden_name_grow_with_the_rows() -> None:
    original = _book(lambda wb, ws: ws.autofilter("A1:E4"))
    data, _ = _fill(original, SheetFill(SHEET, append=[NewRows(1, [NEW_CARD])]))
    assert '<autoFilter ref="A1:E5"/>' in parts(data)[SHEET_PART].decode()
    assert "$A$1:$E$5" in parts(data)["xl/workbook.xml"].decode()


def test_a_table_with_a_totals_row_gets_no_row_under_it() -> None:
    def totals(wb: Any, ws: Any) -> None:
        ws.add_table(
            "A1:E5",
            {
                "total_row": True,
                "columns": [
                    {"header": h} for h in ("序号", "客户姓名", "推荐时间", "金额", "备注")
                ],
            },
        )

    original = _book(totals)
    data, filled = _fill(original, SheetFill(SHEET, append=[NewRows(1, [{2: "甲"}])]))
    assert _reasons(filled) == {"B5": TOTALS_ROW}
    assert part_differences(original, data) == []


# ---------------------------------------------------------------- dates and styles


def test_a_date_keeps_the_cells_date_format_or_takes_the_one_above() -> None:
    def formats(wb: Any, ws: Any) -> None:
        ws.write_blank(5, 5, None, wb.add_format({"num_format": "yyyy/m/d"}))  # F6: own format

    data, _ = _fill(
        _book(formats),
        SheetFill(SHEET, {(6, 6): dt.date(2026, 1, 2), (5, 3): dt.date(2026, 1, 3)}),
    )
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    assert ws["F6"].number_format == "yyyy/m/d"
    assert ws["C5"].number_format == "yyyy-mm-dd"  # the column's dates above


def test_a_date_with_no_date_format_near_gets_one_added_once() -> None:
    original = _book()
    data, _ = _fill(
        original, SheetFill(SHEET, {(2, 8): dt.date(2026, 1, 2), (3, 9): dt.date(2026, 1, 3)})
    )
    before, after = parts(original)["xl/styles.xml"], parts(data)["xl/styles.xml"]
    assert after.count(b"<xf ") == before.count(b"<xf ") + 1
    opened = _openpyxl_rows(data)
    assert opened[1][7] == dt.datetime(2026, 1, 2) and opened[2][8] == dt.datetime(2026, 1, 3)
    again, _ = _fill(data, SheetFill(SHEET, {(4, 8): dt.date(2026, 1, 4)}))
    assert parts(again)["xl/styles.xml"] == after  # the added format is found and reused


# ---------------------------------------------------------------- idempotence and fidelity


def test_a_second_run_with_the_same_edits_writes_nothing() -> None:
    edits = SheetFill(
        SHEET,
        {(2, 5): "已联系", (3, 5): dt.date(2026, 11, 5), (4, 5): 7},
        [NewRows(1, [NEW_CARD, {1: 5, 2: "第二位", 5: True}])],
    )
    first, filled = _fill(_book(), edits)
    assert len(filled.written) == 3 + 4 + 3
    second, again = _fill(first, edits)
    assert again.written == [] and again.skipped == []
    assert second == first or part_differences(first, second) == []
    assert Package(first).changed == {}


def test_rows_not_written_keep_their_bytes_and_other_parts_stay() -> None:
    def busy(wb: Any, ws: Any) -> None:
        wb.add_worksheet("其他").write("A1", "不动")
        ws.insert_textbox("H2", "说明")
        ws.write_comment("B2", "批注")

    original = _book(busy, rows=30)
    data, _ = _fill(
        original,
        SheetFill(SHEET, {(10, 5): "备注", (20, 5): "备注"}, [NewRows(1, [NEW_CARD])]),
    )
    assert changed_rows(parts(original)[SHEET_PART], parts(data)[SHEET_PART]) == [10, 20, 32]
    assert part_differences(original, data, {SHEET_PART}) == []


def test_an_unknown_sheet_is_one_line() -> None:
    from branchkit.package import PackageError

    with pytest.raises(PackageError, match="没有工作表“不存在”"):
        _fill(_book(), SheetFill("不存在", {(1, 1): "x"}))


def _handmade(sheet_xml: str) -> bytes:
    """A minimal package around one worksheet, as small writers make them."""
    import zipfile

    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    rel = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
    pkg_rel = "http://schemas.openxmlformats.org/package/2006/relationships"
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as zf:
        zf.writestr(
            "[Content_Types].xml",
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
            'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
            'officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/'
            'sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.'
            'spreadsheetml.worksheet+xml"/></Types>',
        )
        zf.writestr(
            "_rels/.rels",
            f'<Relationships xmlns="{pkg_rel}"><Relationship Id="rId1" '
            f'Type="{rel}/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        )
        zf.writestr(
            "xl/workbook.xml",
            f'<workbook xmlns="{main}" xmlns:r="{rel}"><sheets><sheet name="{SHEET}" '
            'sheetId="1" r:id="rId1"/></sheets></workbook>',
        )
        zf.writestr(
            "xl/_rels/workbook.xml.rels",
            f'<Relationships xmlns="{pkg_rel}"><Relationship Id="rId1" Type="{rel}/worksheet" '
            'Target="worksheets/sheet1.xml"/></Relationships>',
        )
        zf.writestr("xl/worksheets/sheet1.xml", sheet_xml.format(main=main))
    return out.getvalue()


def test_rows_and_cells_without_addresses_are_placed_by_position() -> None:
    """Some writers leave out r=: each row or cell is then the one after the previous."""
    sheet = (
        '<worksheet xmlns="{main}"><sheetData>'
        '<row><c t="inlineStr"><is><t>姓名</t></is></c><c t="inlineStr"><is><t>金额</t></is></c></row>'
        '<row><c t="inlineStr"><is><t>甲</t></is></c><c/></row>'
        "</sheetData></worksheet>"
    )
    data, filled = _fill(
        _handmade(sheet), SheetFill(SHEET, {(2, 2): 5, (1, 2): "改"}, [NewRows(1, [{1: "乙"}])])
    )
    assert _cells(filled) == {"B2": 5, "A3": "乙"}
    assert _reasons(filled) == {"B1": NOT_EMPTY}
    assert _calamine_rows(data) == [["姓名", "金额"], ["甲", 5.0], ["乙", ""]]


def test_a_sheet_with_no_rows_at_all_gets_its_first() -> None:
    data, filled = _fill(
        _handmade('<worksheet xmlns="{main}"><dimension ref="A1"/><sheetData/></worksheet>'),
        SheetFill(SHEET, {(2, 3): dt.date(2026, 11, 20)}),
    )
    assert _cells(filled) == {"C2": dt.date(2026, 11, 20)}
    assert _calamine_rows(data)[1][2] == dt.date(2026, 11, 20)  # a date format was added
    assert 'ref="A1:C2"' in parts(data)[SHEET_PART].decode()


# ---------------------------------------------------------------- rows as tall as their text


def _wrapped_book() -> bytes:
    """备注 (E) wraps, 12 wide; row 2 at the sheet's default height, row 3 at a height a person
    set (customHeight), row 4 the last of the table."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(SHEET)
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    ws.set_column(4, 4, 12, wrap)
    ws.write_row(0, 0, ["序号", "客户姓名", "推荐时间", "金额", "备注"])
    for i in range(3):
        ws.write_number(i + 1, 0, i + 1)
        ws.write_string(i + 1, 1, f"客户{i}")
    ws.set_row(2, 18)
    wb.close()
    return buffer.getvalue()


def _lines_of_ten(text: str, width: float) -> float:
    """A stand-in measure: ten characters a line of a column 12 wide, 15 points a line."""
    assert width == pytest.approx(12.71, abs=0.01)  # as the file stores it, padding included
    return 15.0 * -(-len(text) // 10)


LONG = "整改：叫号机打印纸卡纸（设备开机检查）：更换打印纸"  # 25 characters: three lines


def test_a_row_grows_to_the_wrapped_text_fill_writes_but_not_past_a_persons_height() -> None:
    """A 〔自动〕 feedback or an 整改 item in a wrapping cell shows whole: the row it lands in is
    as tall as its lines, and so is a row fill adds; a height a person set stays theirs, and
    rows fill wrote nothing long into keep theirs."""
    original = _wrapped_book()
    data, _ = _fill(
        original,
        SheetFill(
            SHEET,
            cells={(2, 5): LONG, (3, 5): LONG, (4, 5): "短"},
            append=[NewRows(1, [{1: 4, 2: "新客户", 5: LONG}])],
            row_height=_lines_of_ten,
        ),
    )
    import openpyxl

    ws = openpyxl.load_workbook(io.BytesIO(data))[SHEET]
    assert ws.row_dimensions[2].height == 45  # at the default height: grown to three lines
    assert ws.row_dimensions[3].height == 18  # a person's height: kept
    assert ws.row_dimensions[4].height is None  # one short line: as it was
    assert ws.row_dimensions[5].height == 45  # the new row: its own lines
    assert [r[4] for r in _openpyxl_rows(data)[1:]] == [LONG, LONG, "短", LONG]
    unchanged, _ = _fill(original, SheetFill(SHEET, cells={(2, 5): LONG}))
    assert openpyxl.load_workbook(io.BytesIO(unchanged))[SHEET].row_dimensions[2].height is None


def test_a_row_fill_grew_grows_again_for_longer_text_but_a_persons_height_stays() -> None:
    """fill's own 〔自动〕 feedback is rewritten as the outcome changes: the height fill gave the
    row for the old text is fill's, so the row grows to the new one. A height that fits no text
    of its row is a person's and stays, however long the new text."""
    short = "〔自动〕已联系，未成交。"  # 12 characters: two lines, 30 points
    first, _ = _fill(
        _wrapped_book(),
        SheetFill(SHEET, cells={(2, 5): short, (3, 5): short}, row_height=_lines_of_ten),
    )
    import openpyxl

    heights = openpyxl.load_workbook(io.BytesIO(first))[SHEET].row_dimensions
    assert (heights[2].height, heights[3].height) == (30, 18)  # row 3: a person's 18 points
    second, _ = _fill(
        first,
        SheetFill(
            SHEET,
            replace={(2, 5): (short, LONG), (3, 5): (short, LONG)},
            row_height=_lines_of_ten,
        ),
    )
    ws = openpyxl.load_workbook(io.BytesIO(second))[SHEET]
    assert [ws.cell(r, 5).value for r in (2, 3)] == [LONG, LONG]
    assert ws.row_dimensions[2].height == 45  # grown again: three lines
    assert ws.row_dimensions[3].height == 18  # never past a person's height
    third, _ = _fill(
        second, SheetFill(SHEET, replace={(2, 5): (LONG, short)}, row_height=_lines_of_ten)
    )
    assert openpyxl.load_workbook(io.BytesIO(third))[SHEET].row_dimensions[2].height == 45


# A cell's start tag as programs write it: Excel's r="C12", lowercase or $-anchored addresses,
# spaces around '=', another attribute ending in r (xr:r), none at all, a prefix (<x:c>).
_ADDRESSES = st.one_of(
    st.builds(
        lambda c, r: f' r="{c}{r}"',
        st.sampled_from(["A", "C", "Z", "AB", "XFD"]),
        st.integers(1, 99),
    ),
    st.builds(
        lambda c, r: f' r="{c}{r}"', st.sampled_from(["a", "$C", "aa", "ABCD"]), st.integers(0, 9)
    ),
    st.sampled_from([' r = "B7"', ' r="B"', ' r=""', "", ' xr:r="D4"', ' xr:r="D4" r="E4"']),
)
_OTHERS = st.sampled_from(["", ' t="s"', ' s="3"', ' t="n" s="12"'])


@given(st.lists(st.tuples(_ADDRESSES, _OTHERS, st.booleans()), max_size=8), st.booleans())
def test_a_rows_cells_are_found_at_the_columns_their_addresses_name(
    cells: list[tuple[str, str, bool]], prefixed: bool
) -> None:
    """Row.cells reads Excel's plain addresses without parsing every attribute: the columns it
    finds are those the full reading of each start tag finds (the slow path kept for the rest)."""
    from branchkit.a1 import split_ref
    from branchkit.package.sheetdata import Row
    from branchkit.package.xmltext import attrs

    p = "x:" if prefixed else ""
    xml = "".join(
        f"<{p}c{address}{other}>" + (f"<{p}v>1</{p}v></{p}c>" if value else f"</{p}c>")
        for address, other, value in cells
    )
    row = Row(7, f'<{p}row r="7">{xml}</{p}row>', None, p)
    expected: dict[int, str] = {}
    col = 0
    for address, other, _ in cells:
        tag = attrs(f"<{p}c{address}{other}>")
        ref = split_ref(tag["r"]) if "r" in tag else None
        col = ref[1] if ref else col + 1
        expected[col] = f"<{p}c{address}{other}>"
    assert {c: cell.text.split(">")[0] + ">" for c, cell in row.cells.items()} == expected
