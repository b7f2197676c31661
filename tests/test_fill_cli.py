"""`branchkit fill` and the 「填写」 button (issue 15): what reaches the workbook, twice, safely."""

from __future__ import annotations

import io
import json
import shutil
import zipfile
from pathlib import Path
from typing import Any

from branchkit import excel
from branchkit.cli import main
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .conftest import MESSY, SAMPLE
from .test_excel_buttons import _click, _normalize, _open_book

D = "2026-11-20"


def _fill(book: Path, *args: str) -> Any:
    return CliRunner().invoke(main, ["fill", str(book), "--date", D, *args])


def _sheet(path: Path, name: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(name).to_python()


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def test_fill_writes_numbers_rows_and_feedback_and_says_so_per_sheet(sample_copy: Path) -> None:
    before = _sheet(sample_copy, "追踪表")
    result = _fill(sample_copy)
    assert result.exit_code == 0, result.output
    # The sample month: 48 cards have no tracking row yet, 68 cards no number.
    assert "追踪表：新增 48 行" in result.output
    assert "转介登记：填写" in result.output
    after = _sheet(sample_copy, "追踪表")
    assert after[: len(before)][:1] == before[:1]
    header = after[0]
    new = after[len(before)]
    assert new[header.index("转介编号")].startswith("HCZ-2026")
    assert new[header.index("接收人")] and new[header.index("推荐人")]
    cards = _sheet(sample_copy, "转介登记")
    feedback = cards[0].index("结果反馈")
    assert all(str(r[feedback]).startswith("〔自动〕") for r in cards[1:] if r[0] != "")


def test_fill_twice_writes_nothing_the_second_time(sample_copy: Path) -> None:
    assert _fill(sample_copy).exit_code == 0
    first = sample_copy.read_bytes()
    again = _fill(sample_copy)
    assert again.exit_code == 0 and "没有需要填写的内容" in again.output
    assert sample_copy.read_bytes() == first


def test_a_card_typed_twice_is_filled_as_one_and_the_second_fill_writes_nothing(
    tmp_path: Path,
) -> None:
    # messy-branch's 转介登记 row 6 repeats row 2 (R-1 张三) cell for cell: read once, it must
    # stay a copy. Filled alone, row 2 would differ from it by fill's feedback, and every fill
    # after would take row 6 for a card of its own and add it another tracking row.
    book = tmp_path / "messy-branch.xlsx"
    shutil.copyfile(MESSY, book)
    filled = _fill(book)
    assert filled.exit_code == 1 and "已填写" in filled.output  # 1: the workbook has 错误
    first = book.read_bytes()
    cards = _sheet(book, "转介登记")
    assert cards[5] == cards[1] and cards[1][1] == "R-1" and cards[1][10].startswith("〔自动〕")
    for _ in range(2):
        again = _fill(book)
        assert "没有需要填写的内容" in again.output, again.output
        assert book.read_bytes() == first


def test_fill_never_changes_what_a_person_typed(sample_copy: Path) -> None:
    """Every cell that held a value before holds the same value after; only empty cells and new
    rows changed; every part but the edited sheets is byte for byte the same."""
    original = sample_copy.read_bytes()
    assert _fill(sample_copy).exit_code == 0
    book_before = CalamineWorkbook.from_filelike(io.BytesIO(original))
    for name in ("转介登记", "追踪表"):
        old = book_before.get_sheet_by_name(name).to_python()
        new = _sheet(sample_copy, name)
        for r, row in enumerate(old):
            for c, value in enumerate(row):
                if value != "":
                    assert new[r][c] == value, (name, r + 1, c + 1)
    before, after = _parts(original), _parts(sample_copy.read_bytes())
    changed = {n for n in before if before[n] != after.get(n)}
    # 行动计划: the 整改 of the problem the checklist found on 11-20 (docs/工作簿.md#填写).
    edited = {_part_of(original, name) for name in ("转介登记", "追踪表", "行动计划")}
    # workbook.xml: the 追踪表 autofilter's hidden name grows with the table.
    assert changed == edited | {"xl/workbook.xml"}, changed


def test_dry_run_lists_without_writing_and_json_masks_customers(sample_copy: Path) -> None:
    original = sample_copy.read_bytes()
    result = _fill(sample_copy, "--dry-run", "--json")
    assert result.exit_code == 0, result.output
    assert sample_copy.read_bytes() == original
    data = json.loads(result.output)
    assert set(data) == {"已填写", "跳过", "说明"}
    assert any(w["表"] == "追踪表" and w["单元格"].startswith("B") for w in data["已填写"])
    values = [str(w["值"]) for w in data["已填写"]]
    assert not any(v.isdigit() and len(v) == 11 for v in values)  # phones masked
    names = [w["值"] for w in data["已填写"] if w["表"] == "追踪表" and w["单元格"].startswith("C")]
    assert names and all(n.endswith("*") for n in names)  # customers as 张*


def test_json_gives_a_formula_fill_writes_as_its_text_and_its_value(sample_copy: Path) -> None:
    """11-23 has no 每日数据 rows yet: fill adds them with 转介数量 as COUNTIFS over the cards.
    --json says so as a spreadsheet would (found by trying the product as a new user: it printed
    "Formula(text=..., cached=0)")."""
    result = _fill(sample_copy, "--date", "2026-11-23", "--dry-run", "--json")
    assert "Formula(" not in result.output
    formulas = [w for w in json.loads(result.output)["已填写"] if "公式" in w]
    assert formulas and all(w["表"] == "每日数据" for w in formulas)
    for w in formulas:
        assert w["公式"].startswith("=COUNTIFS('转介登记'!") and "DATE(2026,11,23)" in w["公式"]
        assert isinstance(w["值"], int)


def test_out_writes_a_copy_and_the_original_stays(sample_copy: Path, tmp_path: Path) -> None:
    original = sample_copy.read_bytes()
    out = tmp_path / "已填写.xlsx"
    assert _fill(sample_copy, "--out", str(out)).exit_code == 0
    assert sample_copy.read_bytes() == original and out.exists()


def test_an_open_workbook_is_refused_in_one_line(sample_copy: Path) -> None:
    sample_copy.with_name("~$" + sample_copy.name).write_bytes(b"x")
    original = sample_copy.read_bytes()
    result = _fill(sample_copy)
    assert result.exit_code == 2 and "Excel 中打开" in result.output
    assert "Traceback" not in result.output and sample_copy.read_bytes() == original


def test_the_fill_button_writes_the_same_cells_as_the_command(sample_copy: Path) -> None:
    book = _open_book(SAMPLE)
    message = _click(book, excel.fill)
    # 48 tracking rows and the 整改 action of the problem found on 11-20.
    assert message.startswith("已填写（2026-11-20）：新增 49 行"), message
    assert _fill(sample_copy).exit_code == 0
    for name in ("转介登记", "追踪表", "每日数据"):
        from_file = _sheet(sample_copy, name)
        sheet = next(s for s in book.sheets if s.name == name)
        rows = max(len(from_file), max((r for r, _ in sheet.cells), default=0))
        for r in range(1, rows + 1):
            file_row = from_file[r - 1] if r - 1 < len(from_file) else []
            for c in range(1, max(len(file_row), 20) + 1):
                expected = _normalize(file_row[c - 1] if c - 1 < len(file_row) else None)
                assert _normalize(sheet.cells.get((r, c))) == expected, (name, r, c)
    assert _click(book, excel.fill).endswith("没有需要填写的内容")


def _part_of(data: bytes, sheet: str) -> str:
    from branchkit.package import Package, sheet_entries, workbook_part

    pkg = Package.read(data)
    return next(e.part for e in sheet_entries(pkg, workbook_part(pkg)) if e.name == sheet)


def test_a_feedback_that_grows_between_two_fills_shows_whole(tmp_path: Path) -> None:
    """结果反馈 narrowed by the branch, so fill's feedback wraps: on 11-06 a card's feedback is
    〔自动〕未联系 (fill sets the row's height for it); on 11-20 the same cell holds the sale, a
    line longer. Every 〔自动〕 feedback then has the height its lines need."""
    import openpyxl
    from branchkit.templates import input_row_height

    from . import hostile

    width = 14.7109375
    book = hostile.in_sheet(
        tmp_path / "窄反馈.xlsx",
        "转介登记",
        lambda xml: xml.replace(
            b'<col min="11" max="11" width="38.7109375"',
            f'<col min="11" max="11" width="{width}"'.encode(),
        ),
    )
    for day in ("2026-11-06", "2026-11-20"):
        result = CliRunner().invoke(main, ["fill", str(book), "--date", day])
        assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(book)["转介登记"]
    feedback = [
        (row, cell.value)
        for row, cell in enumerate(sheet["K"], start=1)
        if isinstance(cell.value, str) and cell.value.startswith("〔自动〕")
    ]
    assert len(feedback) > 100
    short = [
        (row, text)
        for row, text in feedback
        if (sheet.row_dimensions[row].height or 15) < input_row_height(text, width) - 0.01
    ]
    assert short == []


def test_a_card_whose_date_cannot_be_read_is_skipped_saying_so(messy_copy: Path) -> None:
    """转介登记!A5 of messy-branch.xlsx holds 上周五: typed, not missing (found by trying the
    product as a new user: fill said 没有日期)."""
    data = json.loads(_fill(messy_copy, "--dry-run", "--json").output)
    reasons = {(s["表"], s["单元格"]): s["原因"] for s in data["跳过"]}
    assert reasons["转介登记", "A5"] == "日期无法识别，无法编号"
