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


# ---------------------------------------------------------------- issue 27: the form Office trusts


def _project_streams(data: bytes) -> tuple[bytes, bytes]:
    """The `_VBA_PROJECT` stream and the decompressed `dir` stream, read with olefile and
    oletools (not with the library that wrote them)."""
    import olefile
    from oletools.olevba import decompress_stream

    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        ole = olefile.OleFileIO(zf.read("xl/vbaProject.bin"))
    try:
        header = ole.openstream("VBA/_VBA_PROJECT").read()
        directory = bytes(decompress_stream(bytearray(ole.openstream("VBA/dir").read())))
    finally:
        ole.close()
    return header, directory


# MS-OVBA 3.1.1: Reserved1 0x61CC, Version 0xFFFF, Reserved2 0x00, Reserved3 0x0001, no cache.
SPEC_FORM = bytes([0xCC, 0x61, 0xFF, 0xFF, 0x00, 0x01, 0x00])
# The last module's terminator (0x002B, reserved 0) and the dir terminator (0x0010, reserved 0).
DIR_TAIL = bytes([0x2B, 0, 0, 0, 0, 0, 0x10, 0, 0, 0, 0, 0])


def _pyopenvba_modules(data: bytes, tmp_path: Path) -> dict[str, str]:
    path = tmp_path / "pyopenvba.xlsm"
    path.write_bytes(data)
    with ExcelFile(path) as wb:
        return {name: wb.vba_project().get_module(name).source for name in wb.module_names()}


def test_the_project_is_in_the_form_ms_ovba_asks_of_a_writer(tmp_path: Path) -> None:
    """Version 0xFFFF and no performance cache, so Office compiles from source rather than
    trusting a cache; byte for byte what xlwings' released standalone workbook carries."""
    import xlwings

    header, directory = _project_streams(TEMPLATE.read_bytes())
    assert header == SPEC_FORM
    standalone = Path(xlwings.__file__).parent / "quickstart_standalone.xlsm"
    assert _project_streams(standalone.read_bytes())[0] == SPEC_FORM
    assert directory.endswith(DIR_TAIL)  # nothing after the terminator, as in Excel's files


def test_both_readers_read_every_module_of_the_writer_form(tmp_path: Path) -> None:
    data = TEMPLATE.read_bytes()
    by_pyopenvba = _pyopenvba_modules(data, tmp_path)
    by_olevba = vba_modules(TEMPLATE)
    assert set(by_pyopenvba) == set(by_olevba)
    for name, source in module_sources().items():
        assert by_olevba[name] == source, name
        assert by_pyopenvba[name] == source, name


def test_a_branchs_own_project_gets_the_writer_form_too(tmp_path: Path) -> None:
    written = with_buttons(_branch_project(tmp_path), "theirs.xlsm")
    header, directory = _project_streams(written)
    assert header == SPEC_FORM and directory.endswith(DIR_TAIL)
    assert "Sub BranchOwn()" in _pyopenvba_modules(written, tmp_path)["Module1"]


# ---------------------------------------------------------------- a workbook using the xlwings add-in


def _quickstart(name: str) -> bytes:
    import xlwings

    return (Path(xlwings.__file__).parent / name).read_bytes()


def _references(data: bytes, tmp_path: Path) -> list[str]:
    path = tmp_path / "refs.xlsm"
    path.write_bytes(data)
    with ExcelFile(path) as wb:
        return [r.name for r in wb.references()]


def test_the_add_in_reference_goes_when_the_module_comes_as_xlwings_release_does(
    tmp_path: Path,
) -> None:
    """xlwings' quickstart.xlsm references the add-in's project, named xlwings. add-buttons
    drops that reference and embeds the standalone module, as `xlwings release` does: the
    result holds the references xlwings' own quickstart_standalone.xlsm holds, never a
    reference and a module both named xlwings."""
    original = _quickstart("quickstart.xlsm")
    assert "xlwings" in _references(original, tmp_path)
    written = with_buttons(original, "quickstart.xlsm")
    after = _references(written, tmp_path)
    assert after == _references(_quickstart("quickstart_standalone.xlsm"), tmp_path)
    modules = _read_modules(written, tmp_path)
    names = [n.casefold() for n in [*after, *modules]]
    assert len(names) == len(set(names))
    assert modules["Module1"] == _read_modules(original, tmp_path)["Module1"]
    assert "RunPython" in modules["Module1"]  # now answered by the embedded module
    for name, source in module_sources().items():
        assert modules[name] == source
    assert _project_streams(written)[0] == SPEC_FORM
    (tmp_path / "written.xlsm").write_bytes(written)
    assert project_report(tmp_path / "written.xlsm") == []


def test_a_library_named_like_our_module_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "lib.xlsm"
    path.write_bytes(_branch_project(tmp_path))
    with ExcelFile(path) as wb:
        wb.add_reference("branchkit", "{3B5A1F2E-0000-4000-8000-000000000001}")
        wb.save()
    with pytest.raises(BookError, match="branchkit"):
        with_buttons(path.read_bytes(), "lib.xlsm")
