"""Workbooks written by other programs (issue 12): the tabs and values we add are in the
namespace and with the prefix the document uses, every prefix is declared, a missing styles.xml
is added, and Strict stays Strict. Each odd input is made by a generator in tests/oddbooks.py."""

from __future__ import annotations

import datetime as dt
import io
import re
from pathlib import Path

import pytest
import xlsxwriter
from branchkit.package import Package, replace_sheets
from branchkit.package.cells import NewRows, SheetFill, fill_cells
from branchkit.render.spec import Chart, Col, SheetSpec, Table
from branchkit.render.xlsx import build
from branchkit.schema import GENERATED_MARK
from defusedxml import ElementTree

from .libreoffice import needs_libreoffice, sheets_seen
from .oddbooks import MAIN, ODD_WRITERS, REL, STRICT
from .partdiff import part_differences, parts

OWN = "客户"
TAB = "排行榜"
REGISTRY = {"[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels", "xl/styles.xml"}


def _plain_book() -> bytes:
    """A small workbook with one sheet of a person's data and no cell formats."""
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(OWN)
    ws.write_row(0, 0, ["姓名", "金额"])
    ws.write_row(1, 0, ["甲", 10])
    wb.close()
    return buffer.getvalue()


def _tabs() -> bytes:
    table = Table([Col("姓名"), Col("完成率", "pct_bar")], [["员工0", 0.5], ["员工1", 0.25]])
    return build(
        [SheetSpec(TAB, TAB, GENERATED_MARK, [table], charts=[Chart(0, 0, (1,), "完成率")])]
    )


def _refresh_and_fill(original: bytes) -> bytes:
    pkg = replace_sheets(original, _tabs(), set())
    filled = fill_cells(
        pkg, [SheetFill(OWN, {(2, 3): "备注"}, [NewRows(1, [{1: "乙", 2: dt.date(2026, 11, 20)}])])]
    )
    assert {w.cell for w in filled.written} == {"C2", "A3", "B3"}
    out = io.BytesIO()
    pkg.write(out)
    return out.getvalue()


def _check_declared_and_kept(original: bytes, written: bytes) -> None:
    """Every XML part parses with every prefix bound, and nothing outside the registry, the
    styles and the filled sheet changed."""
    for name, content in parts(written).items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(content)  # an undeclared prefix is an error here
    may_change = REGISTRY | {"xl/worksheets/sheet1.xml"}
    assert part_differences(original, written, may_change) == []


def _sheet_names(written: bytes, namespace: str) -> list[str]:
    """The sheets of workbook.xml that are in its namespace (what a reader sees)."""
    root = ElementTree.fromstring(parts(written)["xl/workbook.xml"])
    return [s.get("name", "") for s in root.iter(f"{{{namespace}}}sheet")]


def _calamine(written: bytes, sheet: str) -> list[list[object]]:
    from python_calamine import CalamineWorkbook

    return CalamineWorkbook.from_filelike(io.BytesIO(written)).get_sheet_by_name(sheet).to_python()


@pytest.mark.parametrize("writer", sorted(ODD_WRITERS))
def test_tabs_and_values_land_where_readers_see_them(writer: str) -> None:
    original = ODD_WRITERS[writer](_plain_book())
    written = _refresh_and_fill(original)
    _check_declared_and_kept(original, written)
    namespace = STRICT[MAIN] if writer == "strict" else MAIN
    assert _sheet_names(written, namespace) == [OWN, TAB]
    assert _calamine(written, TAB)[4][:2] == ["员工0", 0.5]
    own = _calamine(written, OWN)
    assert own[1][2] == "备注" and own[2][:2] == ["乙", dt.date(2026, 11, 20)]


def test_a_dotnet_workbook_gets_its_own_prefix_on_every_new_element() -> None:
    written = _refresh_and_fill(ODD_WRITERS["dotnet_prefixed"](_plain_book()))
    workbook = parts(written)["xl/workbook.xml"].decode()
    assert f'<x:sheet name="{TAB}"' in workbook and "<sheet " not in workbook
    assert "<x:definedNames><x:definedName" in workbook  # the tab's print titles
    sheet = parts(written)["xl/worksheets/sheet1.xml"].decode()
    assert re.search(r"<(?!x:|/|\?)\w+[\s>/]", sheet) is None  # no element left unprefixed
    styles = parts(written)["xl/styles.xml"].decode()
    assert re.search(r"<(?!x:|/|\?)\w+[\s>/]", styles) is None


def test_a_relationship_prefix_declared_on_an_inner_element_is_declared_again() -> None:
    written = _refresh_and_fill(ODD_WRITERS["inner_relationship_prefix"](_plain_book()))
    workbook = parts(written)["xl/workbook.xml"].decode()
    assert f'<sheet name="{TAB}" sheetId="2" xmlns:r="{REL}" r:id=' in workbook


def test_a_workbook_without_styles_gets_one() -> None:
    original = ODD_WRITERS["without_styles"](_plain_book())
    assert "xl/styles.xml" not in parts(original)
    written = _refresh_and_fill(original)
    assert "xl/styles.xml" in parts(written)
    assert "/styles" in parts(written)["xl/_rels/workbook.xml.rels"].decode()
    assert "/xl/styles.xml" in parts(written)["[Content_Types].xml"].decode()


def test_a_strict_workbook_stays_strict() -> None:
    written = _refresh_and_fill(ODD_WRITERS["strict"](_plain_book()))
    for name, content in parts(written).items():
        if name.endswith((".xml", ".rels")) and not name.startswith("docProps/"):
            for transitional in STRICT:
                assert transitional not in content.decode(), f"{name} mixes in {transitional}"


@needs_libreoffice
def test_libreoffice_shows_the_added_tab_in_every_odd_workbook(tmp_path: Path) -> None:
    books = []
    for i, writer in enumerate(sorted(ODD_WRITERS)):
        book = tmp_path / f"odd{i}.xlsx"
        book.write_bytes(_refresh_and_fill(ODD_WRITERS[writer](_plain_book())))
        books.append(book)
    seen = sheets_seen(books, tmp_path)
    for book, writer in zip(books, sorted(ODD_WRITERS), strict=True):
        assert set(seen[book]) == {OWN, TAB}, writer
        assert seen[book][TAB][4][0] == "员工0" and seen[book][TAB][4][1].startswith("50"), writer
        assert seen[book][OWN][2][0] == "乙", writer


def test_an_encrypted_workbook_is_refused_in_one_line() -> None:
    from branchkit.package import PackageError

    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    with pytest.raises(PackageError, match="加密"):
        Package(ole)
