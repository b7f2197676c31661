"""The cell writer on every Excel-made workbook of the corpus (issue 15, 'The writer').

Each workbook gets a small tracking sheet transplanted in, then the cell writer fills a cell and
appends rows there and on the workbook's own first sheet. Every part other than the edited sheets
and the registry is byte-identical, the edited sheets' other rows are byte-identical, and each
written value reads back in openpyxl and python-calamine (and, for a sample, LibreOffice).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from branchkit.package import Package, replace_sheets, sheet_entries, workbook_part
from branchkit.package.cells import Filled, NewRows, SheetFill, fill_cells
from branchkit.package.relationships import parse_rels, rels_path, resolve

from .conftest import CORPUS
from .libreoffice import needs_libreoffice, sheets_seen
from .partdiff import changed_rows, part_differences, parts

TRACKING = "追踪表"
NEW_ROWS = [
    {1: 4, 2: "新客户", 3: dt.date(2026, 11, 20), 4: 12.5, 5: "=1+1"},
    {1: 5, 2: "第二位", 3: dt.date(2026, 11, 21), 4: True},
]
REGISTRY = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}

corpus_files = sorted(CORPUS.glob("*.xls[xm]")) if CORPUS.is_dir() else []


def tracking_sheet() -> bytes:
    """A small 追踪表-like input sheet, as a person would set it up in Excel."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(TRACKING)
    border = wb.add_format({"border": 1})
    date = wb.add_format({"border": 1, "num_format": "yyyy-mm-dd"})
    ws.write_row(0, 0, ["序号", "客户姓名", "推荐时间", "金额", "备注"], wb.add_format({"bold": 1}))
    for i in range(3):
        ws.write_row(i + 1, 0, [i + 1, f"客户{i}"], border)
        ws.write_datetime(i + 1, 2, dt.datetime(2026, 11, i + 1), date)
        ws.write_number(i + 1, 3, 10 * i, border)
    ws.data_validation("D2:D4", {"validate": "decimal", "criteria": ">=", "value": 0})
    ws.conditional_format("D2:D4", {"type": "cell", "criteria": ">", "value": 5, "format": border})
    ws.autofilter("A1:E4")
    wb.close()
    return buffer.getvalue()


def first_worksheet(pkg: Package) -> tuple[str, str] | None:
    """The workbook's own first worksheet (name, part), not a chart or macro sheet."""
    for entry in sheet_entries(pkg, workbook_part(pkg)):
        if entry.part.startswith("xl/worksheets/") and entry.name != TRACKING:
            return entry.name, entry.part
    return None


def tables_of(pkg: Package, part: str) -> set[str]:
    rels = pkg.get(rels_path(part))
    if rels is None:
        return set()
    return {resolve(part, r.target) for r in parse_rels(rels.decode()) if r.type.endswith("/table")}


def fill_workbook(original: bytes, tracking: bytes) -> tuple[bytes, Filled, set[str]]:
    """The workbook with the tracking sheet added and filled, what was written, and the parts
    allowed to change."""
    pkg = replace_sheets(original, tracking, set())
    edits = [SheetFill(TRACKING, {(2, 5): "已联系"}, [NewRows(1, NEW_ROWS)])]
    may_change = set(REGISTRY)
    own = first_worksheet(Package(original))
    if own:
        name, part = own
        edits.append(SheetFill(name, {(1, 30): "填写"}, [NewRows(1, [{1: "甲", 2: 3}])]))
        may_change |= {part, *tables_of(pkg, part)}
    filled = fill_cells(pkg, edits)
    out = io.BytesIO()
    pkg.write(out)
    return out.getvalue(), filled, may_change


def reads_as(value: Any, got: Any) -> bool:
    if isinstance(value, bool) or isinstance(got, bool):
        return got is value
    if isinstance(value, dt.date):
        return got in (value, dt.datetime.combine(value, dt.time()))
    return bool(got == value)


def check_values(data: bytes, filled: Filled) -> None:
    import openpyxl
    from python_calamine import CalamineWorkbook

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opened = openpyxl.load_workbook(io.BytesIO(data))
    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    by_sheet: dict[str, list[list[Any]]] = {}
    for w in filled.written:
        got = opened[w.sheet][w.cell].value
        assert reads_as(w.value, got), f"openpyxl {w.sheet}!{w.cell}: {got!r} != {w.value!r}"
        if w.sheet not in by_sheet:
            by_sheet[w.sheet] = book.get_sheet_by_name(w.sheet).to_python(skip_empty_area=False)
        row, col = opened[w.sheet][w.cell].row, opened[w.sheet][w.cell].column
        got = by_sheet[w.sheet][row - 1][col - 1]
        assert reads_as(w.value, got), f"calamine {w.sheet}!{w.cell}: {got!r} != {w.value!r}"


def check_rows(original: bytes, data: bytes, filled: Filled) -> None:
    """The edited worksheets' rows that got no value are byte-identical."""
    before, after = parts(original), parts(data)
    own = first_worksheet(Package(original))
    if own is None:
        return
    name, part = own
    written = {
        int(w.cell.lstrip("ABCDEFGHIJKLMNOPQRSTUVWXYZ")) for w in filled.written if w.sheet == name
    }
    moved = set(changed_rows(before[part], after[part])) - written
    assert not moved, f"{part}: rows {sorted(moved)} changed but got no value"


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not corpus_files, reason="../shared/excel-corpus is absent")
def test_every_excel_made_workbook_keeps_every_other_part_and_row() -> None:
    tracking = tracking_sheet()
    failures = {}
    written = 0
    for path in corpus_files:
        original = path.read_bytes()
        try:
            data, filled, may_change = fill_workbook(original, tracking)
            assert {w.cell for w in filled.written if w.sheet == TRACKING} >= {"A5", "B5", "E2"}
            differences = part_differences(original, data, may_change)
            assert not differences, "; ".join(differences)
            check_rows(original, data, filled)
            check_values(data, filled)
            written += len(filled.written)
        except Exception as exc:  # collect, so the report names every file that fails
            failures[path.name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}, f"{len(failures)}/{len(corpus_files)} failed"
    assert written > 10 * len(corpus_files)


@pytest.mark.corpus
@pytest.mark.slow
@needs_libreoffice
@pytest.mark.skipif(not corpus_files, reason="../shared/excel-corpus is absent")
def test_libreoffice_opens_a_sample_of_filled_workbooks(tmp_path: Path) -> None:
    tracking = tracking_sheet()
    books = []
    for i, path in enumerate(corpus_files[:: max(1, len(corpus_files) // 12)]):
        data, _, _ = fill_workbook(path.read_bytes(), tracking)
        book = tmp_path / f"book{i:03d}{path.suffix}"
        book.write_bytes(data)
        books.append(book)
    seen = sheets_seen(books, tmp_path)
    for book in books:
        rows = seen[book].get(TRACKING)
        assert rows is not None, f"{book.name}: LibreOffice shows no {TRACKING}"
        assert rows[4][:2] == ["4", "新客户"] and rows[5][:2] == ["5", "第二位"]
        assert rows[4][4] == "=1+1" and rows[1][4] == "已联系"
