"""Issue 18: the macro project is pyOpenVBA's, made the way Excel makes one, with our modules in it.

Two independent readers check what was written: pyOpenVBA's own integrity check (zip, XML,
content types, relationships, the CFB and every module's source) and oletools' olevba, which must
read every module back exactly as it went in.
"""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from branchkit.buttons import with_buttons
from branchkit.doctor import vba_modules
from branchkit.macros import MACRO_TEMPLATE
from branchkit.package import Package, sheet_entries, workbook_part
from branchkit.problems import BookError
from branchkit.vbaproject import MACRO_WORKBOOK_TYPE, module_sources, project_report
from pyopenvba import ExcelFile

from .conftest import ROOT

TEMPLATE = ROOT / "templates" / "xlsx" / MACRO_TEMPLATE
THEIRS = (
    'Attribute VB_Name = "Module1"\r\nSub BranchOwn()\r\n    MsgBox "网点自己的宏"\r\nEnd Sub\r\n'
)


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


# ---------------------------------------------------------------- a workbook with its own project


def _branch_project(tmp_path: Path, module: str = "Module1", source: str = THEIRS) -> bytes:
    """An .xlsm whose VBA project the branch wrote (from pyOpenVBA's Excel-authored template)."""
    path = tmp_path / "theirs.xlsm"
    with ExcelFile.create_new(path) as wb:
        if module != "Module1":
            wb.vba_project().add_module(module, source)
        else:
            wb.set_module(module, source)
        wb.save()
    return path.read_bytes()


def _read_modules(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "read.xlsm"
    path.write_bytes(data)
    return vba_modules(path)


def test_our_modules_go_in_beside_the_branchs_own(tmp_path: Path) -> None:
    original = _branch_project(tmp_path)
    before = _read_modules(original, tmp_path)
    written = with_buttons(original, "theirs.xlsm")
    after = _read_modules(written, tmp_path)
    for name, source in before.items():
        assert after[name] == source, name
    for name, source in module_sources().items():
        assert after[name] == source, name
    (tmp_path / "written.xlsm").write_bytes(written)
    assert project_report(tmp_path / "written.xlsm") == []


def test_a_module_of_one_of_our_names_is_never_replaced(tmp_path: Path) -> None:
    original = _branch_project(tmp_path, "xlwings", "Sub RunPython()\r\nEnd Sub\r\n")
    with pytest.raises(BookError, match="已有模块 xlwings"):
        with_buttons(original, "theirs.xlsm")


def _with_part(data: bytes, name: str, content: bytes) -> bytes:
    pkg = Package.read(data)
    pkg.put(name, content)
    buffer = io.BytesIO()
    pkg.write(buffer)
    return buffer.getvalue()


def test_a_signed_project_is_refused(tmp_path: Path) -> None:
    """Excel keeps a project's signature in a part related from vbaProject.bin; any change to the
    project would void it, so nothing is written."""
    original = _branch_project(tmp_path)
    signed = _with_part(original, "xl/vbaProjectSignature.bin", b"\x30\x82signature")
    signed = _with_part(
        signed,
        "xl/_rels/vbaProject.bin.rels",
        b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        b'<Relationship Id="rId1" Type="http://schemas.microsoft.com/office/2006/relationships/'
        b'vbaProjectSignature" Target="vbaProjectSignature.bin"/></Relationships>',
    )
    with pytest.raises(BookError, match="数字签名") as refused:
        with_buttons(signed, "theirs.xlsm")
    assert "\n" not in refused.value.message


def _ovba_encrypt(project_id: str, data: bytes, seed: int = 0x5A) -> str:
    """MS-OVBA 2.4.3.2 data encryption, as Excel applies it to the PROJECT stream's DPB."""
    version, key = 2, sum(project_id.encode("ascii")) & 0xFF
    out = [seed, seed ^ version, seed ^ key]
    plain_prev, enc_prev, enc_prev2 = key, seed ^ key, seed ^ version
    payload = bytes((seed & 6) // 2) + len(data).to_bytes(4, "little") + data
    for byte in payload:
        enc = byte ^ ((enc_prev2 + plain_prev) & 0xFF)
        out.append(enc)
        enc_prev2, enc_prev, plain_prev = enc_prev, enc, byte
    return bytes(out).hex().upper()


def test_a_password_protected_project_is_refused(tmp_path: Path) -> None:
    """A project locked with a password carries the password's hash record (29 bytes: reserved,
    flags, salt, SHA-1 hash, terminator) in DPB; it cannot be changed without the password."""
    from pyopenvba.cfb import CFB

    original = _branch_project(tmp_path)
    project = CFB.from_bytes(zipfile.ZipFile(io.BytesIO(original)).read("xl/vbaProject.bin"))
    text = project.get_stream("PROJECT").decode("cp1252")
    project_id = re.search(r'ID="(\{[^"]+\})"', text)
    assert project_id is not None
    record = b"\xff" + bytes(range(1, 28)) + b"\x00"
    text = re.sub(r'DPB="[0-9A-F]*"', f'DPB="{_ovba_encrypt(project_id.group(1), record)}"', text)
    project.write_stream("PROJECT", text.encode("cp1252"))
    locked = _with_part(original, "xl/vbaProject.bin", project.to_bytes())
    with pytest.raises(BookError, match="设有密码"):
        with_buttons(locked, "theirs.xlsm")
