"""Issue 18: the macro project is pyOpenVBA's, made the way Excel makes one, with our modules in it.

Two independent readers check what was written: pyOpenVBA's own integrity check (zip, XML,
content types, relationships, the CFB and every module's source) and oletools' olevba, which must
read every module back exactly as it went in.
"""

from __future__ import annotations

import re

from branchkit.doctor import vba_modules
from branchkit.macros import MACRO_TEMPLATE
from branchkit.package import Package, sheet_entries, workbook_part
from branchkit.vbaproject import MACRO_WORKBOOK_TYPE, module_sources, project_report

from .conftest import ROOT

TEMPLATE = ROOT / "templates" / "xlsx" / MACRO_TEMPLATE


def _code_names(data: bytes) -> tuple[str, list[str]]:
    """The workbook's code name and each sheet's, in sheet order, as workbook.xml and the sheet
    parts say them (Excel binds each document module to the object of that code name)."""
    pkg = Package.read(data)
    wb_part = workbook_part(pkg)
    book = re.search(r'<workbookPr\b[^>]*\bcodeName="([^"]+)"', pkg.text(wb_part))
    sheets = []
    for entry in sheet_entries(pkg, wb_part):
        found = re.search(r'<sheetPr\b[^>]*\bcodeName="([^"]+)"', pkg.text(entry.part))
        sheets.append(found.group(1) if found else "")
    return (book.group(1) if book else ""), sheets


def test_the_template_passes_pyopenvbas_integrity_check() -> None:
    assert project_report(TEMPLATE) == []


def test_olevba_reads_every_module_of_the_template_back_exactly() -> None:
    modules = vba_modules(TEMPLATE)
    for name, source in module_sources().items():
        assert modules[name] == source, name


def test_the_template_project_is_the_one_excel_makes_for_a_first_macro() -> None:
    """A document module for the workbook and for each sheet, bound by code name, and the
    workbook part typed macro-enabled: what Excel writes when a workbook gets its first module."""
    data = TEMPLATE.read_bytes()
    book, sheets = _code_names(data)
    assert book == "ThisWorkbook"
    assert sheets == [f"Sheet{i}" for i in range(1, len(sheets) + 1)]
    assert set(vba_modules(TEMPLATE)) == {book, *sheets, *module_sources()}
    types = Package.read(data).text("[Content_Types].xml")
    assert f'PartName="/xl/workbook.xml" ContentType="{MACRO_WORKBOOK_TYPE}"' in types
    assert "vbaProject" in Package.read(data).text("xl/_rels/workbook.xml.rels")


def test_vba_source_goes_in_with_crlf_line_ends() -> None:
    """VBA stores CRLF; a module read from a LF checkout must not go in with bare LFs."""
    for source in module_sources().values():
        assert "\n" not in source.replace("\r\n", "")
