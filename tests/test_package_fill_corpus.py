"""The writers on every workbook of both corpora (issue 15, 'The writer'; issue 12, 'Workbooks
written by other programs').

Each workbook gets a small tracking sheet transplanted in (and, for the workbooks of other
programs, a generated tab with a chart), then the cell writer fills a cell and appends rows there
and on the workbook's own first sheet. Every part other than the edited sheets and the registry is
byte-identical, the edited sheets' other rows are byte-identical, every prefix is declared, and
each written value reads back in python-calamine and openpyxl (and LibreOffice shows the tabs).
"""

from __future__ import annotations

import datetime as dt
import io
import warnings
from pathlib import Path
from typing import Any

import pytest
import xlsxwriter
from branchkit.package import (
    Package,
    PackageError,
    replace_sheets,
    sheet_entries,
    workbook_part,
)
from branchkit.package.cells import Filled, NewRows, SheetFill, fill_cells
from branchkit.package.relationships import parse_rels, rels_path, resolve
from branchkit.render.spec import Chart, Col, SheetSpec, Table
from branchkit.render.xlsx import build
from branchkit.schema import GENERATED_MARK
from defusedxml import ElementTree

from .conftest import CORPUS
from .libreoffice import needs_libreoffice, sheets_seen
from .partdiff import changed_rows, part_differences, parts

TRACKING = "追踪表"
NEW_ROWS = [
    {1: 4, 2: "新客户", 3: dt.date(2026, 11, 20), 4: 12.5, 5: "=1+1"},
    {1: 5, 2: "第二位", 3: dt.date(2026, 11, 21), 4: True},
]
TAB = "排行榜"
REALWORLD = CORPUS.parent / "realworld-corpus"

corpus_files = sorted(CORPUS.glob("*.xls[xm]")) if CORPUS.is_dir() else []
realworld_files = sorted(REALWORLD.glob("*.xls[xm]")) if REALWORLD.is_dir() else []


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


def generated_tab() -> bytes:
    table = Table([Col("姓名"), Col("完成率", "pct_bar")], [["员工0", 0.5], ["员工1", 0.25]])
    spec = SheetSpec(TAB, TAB, GENERATED_MARK, [table], charts=[Chart(0, 0, (1,), "完成率")])
    return build([spec])


def registry(pkg: Package) -> set[str]:
    """The parts that register sheets and styles: the only ones besides edited sheets that change."""
    wb = workbook_part(pkg)
    rels = pkg.text(rels_path(wb))
    styles = {resolve(wb, r.target) for r in parse_rels(rels) if r.type.endswith("/styles")}
    return {"[Content_Types].xml", wb, rels_path(wb), *styles, "xl/styles.xml"}


def fill_workbook(
    original: bytes, tracking: bytes, tab: bytes | None = None
) -> tuple[bytes, Filled, set[str]]:
    """The workbook with the tracking sheet (and a generated tab) added and filled, what was
    written, and the parts allowed to change."""
    pkg = replace_sheets(original, tab, set()) if tab else Package(original)
    pkg = replace_sheets(pkg, tracking, set())
    edits = [SheetFill(TRACKING, {(2, 5): "已联系"}, [NewRows(1, NEW_ROWS)])]
    may_change = registry(Package(original))
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


def check_values(data: bytes, filled: Filled, with_openpyxl: bool = True) -> None:
    import openpyxl
    from branchkit.a1 import split_ref
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    by_sheet: dict[str, list[list[Any]]] = {}
    for w in filled.written:
        if w.sheet not in by_sheet:
            by_sheet[w.sheet] = book.get_sheet_by_name(w.sheet).to_python(skip_empty_area=False)
        row, col = split_ref(w.cell) or (0, 0)
        got = by_sheet[w.sheet][row - 1][col - 1]
        assert reads_as(w.value, got), f"calamine {w.sheet}!{w.cell}: {got!r} != {w.value!r}"
    if not with_openpyxl:
        return
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        opened = openpyxl.load_workbook(io.BytesIO(data))
    for w in filled.written:
        got = opened[w.sheet][w.cell].value
        assert reads_as(w.value, got), f"openpyxl {w.sheet}!{w.cell}: {got!r} != {w.value!r}"


def check_declared(data: bytes) -> None:
    """Every XML part parses with every prefix bound to a namespace, and the sheets we added are
    in the workbook's own namespace (a reader sees them)."""
    for name, content in parts(data).items():
        if name.endswith((".xml", ".rels", ".vml")):
            ElementTree.fromstring(content)
    pkg = Package(data)
    root = ElementTree.fromstring(pkg.get(workbook_part(pkg)))
    namespace = root.tag[1:].split("}")[0]
    seen = [s.get("name") for s in root.iter(f"{{{namespace}}}sheet")]
    assert TRACKING in seen, f"{TRACKING} not in the workbook's namespace"


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


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not realworld_files, reason="../shared/realworld-corpus is absent")
def test_every_workbook_of_other_programs_takes_tabs_and_values() -> None:
    from python_calamine import CalamineWorkbook

    tracking, tab = tracking_sheet(), generated_tab()
    failures = {}
    for path in realworld_files:
        original = path.read_bytes()
        try:
            if not original.startswith(b"PK"):  # an encrypted workbook: refused, in one line
                with pytest.raises(PackageError, match="加密"):
                    fill_workbook(original, tracking, tab)
                continue
            data, filled, may_change = fill_workbook(original, tracking, tab)
            differences = part_differences(original, data, may_change)
            assert not differences, "; ".join(differences)
            check_declared(data)
            check_rows(original, data, filled)
            strict = b"purl.oclc.org/ooxml/spreadsheetml" in parts(data)["xl/workbook.xml"]
            check_values(data, filled, with_openpyxl=not strict)  # openpyxl cannot read Strict
            names = CalamineWorkbook.from_filelike(io.BytesIO(data)).sheet_names
            assert names[-2:] == [TAB, TRACKING]
        except Exception as exc:  # collect, so the report names every file that fails
            failures[path.name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}, f"{len(failures)}/{len(realworld_files)} failed"


@pytest.mark.corpus
@pytest.mark.slow
@needs_libreoffice
@pytest.mark.skipif(not realworld_files, reason="../shared/realworld-corpus is absent")
def test_libreoffice_shows_every_added_tab_in_workbooks_of_other_programs(tmp_path: Path) -> None:
    from python_calamine import CalamineWorkbook

    tracking, tab = tracking_sheet(), generated_tab()
    books = {}
    for i, path in enumerate(p for p in realworld_files if p.read_bytes().startswith(b"PK")):
        data, _, _ = fill_workbook(path.read_bytes(), tracking, tab)
        book = tmp_path / f"book{i:03d}{path.suffix}"
        book.write_bytes(data)
        books[book] = CalamineWorkbook.from_filelike(io.BytesIO(path.read_bytes())).sheet_names
    seen = sheets_seen(list(books), tmp_path)
    missing = {
        book.name: sorted({*own, TAB, TRACKING} - set(seen[book]))
        for book, own in books.items()
        if not {*own, TAB, TRACKING} <= set(seen[book])
    }
    assert missing == {}
    for book in books:
        assert seen[book][TRACKING][4][:2] == ["4", "新客户"], book.name
        assert seen[book][TAB][4][0] == "员工0", book.name
