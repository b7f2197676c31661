"""The workbook's VBA project: our two modules put into it with pyOpenVBA.

pyOpenVBA writes VBA projects the way Excel does and checks each format it writes against live
Excel. A workbook without a project gets the one Excel makes for a first macro (a document module
for the workbook and for every sheet, their code names written into workbook.xml and each sheet's
<sheetPr>); a workbook that has a project keeps it, and our modules go in beside the branch's own.
Two modules are added: ours (vba/branchkit.bas: the three Subs the buttons call) and xlwings'
standalone module (xlwings.bas from the installed xlwings, so the VBA and the Python side of
RunPython are always the same version).

The project is then left in the form MS-OVBA asks of a writer that is not Office (the form of
xlwings' own released standalone workbook): `_VBA_PROJECT` is the 7 bytes `cc61 ffff 00 0100`,
version 0xFFFF and no performance cache, so Office ignores every compiled cache in the file and
compiles the project from its source; and the `dir` stream ends at its terminator, as Excel's do.
"""

from __future__ import annotations

import io
import struct
import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING

from .package import Package, PackageError, parse_rels, rels_path, resolve, workbook_part
from .problems import BookError

if TYPE_CHECKING:
    from pyopenvba import ExcelFile

VBA_DIR = Path(__file__).resolve().parent / "vba"
OUR_MODULES = ("branchkit", "xlwings")
# The xlwings add-in's VBA project is named xlwings: a workbook that uses the add-in references
# it by that name, which our standalone module of the same name would clash with.
ADDIN_REFERENCE = "xlwings"
VBA_PROJECT_REL = "http://schemas.microsoft.com/office/2006/relationships/vbaProject"
# MS-OVBA 2.3.4.1 and its example 3.1.1: Reserved1 0x61CC, Version 0xFFFF ("MUST be 0xFFFF on
# write"), Reserved2 0x00, Reserved3 0x0001, and no PerformanceCache ("MUST NOT be present on
# write"). With a version other than Office's own, Office uses none of the file's caches.
WRITER_VBA_PROJECT = bytes.fromhex("cc61ffff000100")
DIR_TERMINATOR_ID = 0x0010
PROJECTVERSION_ID = 0x0009  # the one dir record whose size field (4) is not its length (6)
WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"
MACRO_WORKBOOK_TYPE = "application/vnd.ms-excel.sheet.macroEnabled.main+xml"


def xlwings_bas() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent / "xlwings.bas"


def xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def _crlf(text: str) -> str:
    """VBA source is stored with CRLF line ends; git may have checked ours out with LF."""
    return text.replace("\r\n", "\n").replace("\n", "\r\n")


def module_sources() -> dict[str, str]:
    """Module name -> source, exactly as it goes into the project (and as olevba reads it back).

    Both files are ASCII; cp1252 (the project's code page) decodes them unchanged."""
    return {
        "branchkit": _crlf((VBA_DIR / "branchkit.bas").read_bytes().decode("cp1252")),
        "xlwings": _crlf(xlwings_bas().read_bytes().decode("cp1252")),
    }


def switch_to_macro_enabled(pkg: Package) -> None:
    """The workbook part's content type becomes the macro-enabled one: without it Excel refuses
    an .xlsm ("file format or extension is not valid"), whatever the package holds."""
    wb_part = workbook_part(pkg)
    types = pkg.text("[Content_Types].xml")
    old = f'PartName="/{wb_part}" ContentType="{WORKBOOK_TYPE}"'
    if old in types:
        pkg.put(
            "[Content_Types].xml",
            types.replace(old, f'PartName="/{wb_part}" ContentType="{MACRO_WORKBOOK_TYPE}"', 1),
        )
    elif f'ContentType="{MACRO_WORKBOOK_TYPE}"' not in types:
        raise PackageError("[Content_Types].xml 里找不到工作簿的内容类型")


def make_macro_enabled(workbook: Package | bytes, book: Path | str) -> bytes:
    """The workbook package made macro-enabled, with our modules in its VBA project."""
    pkg = Package.read(workbook)
    switch_to_macro_enabled(pkg)
    buffer = io.BytesIO()
    pkg.write(buffer)
    return add_our_modules(buffer.getvalue(), book)


def add_our_modules(data: bytes, book: Path | str) -> bytes:
    """The package `data` (already macro-enabled) with our modules in its VBA project.

    Refuses, with one line naming `book`, what must not be touched: a signed project (any change
    voids the signature), a password-protected one (it cannot be changed without the password),
    and a project that already has a module of one of our names (it is the branch's: never
    replaced). A reference to the xlwings add-in goes, as xlwings' own `release` command drops
    it when it embeds the standalone module: the module answers every call the add-in did, and
    one project cannot hold a reference and a module of one name. pyOpenVBA works on files, so
    the package goes through a temporary .xlsm."""
    from pyopenvba import ExcelFile
    from pyopenvba.exceptions import PyOpenVBAError

    sources = module_sources()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp) / "book.xlsm"
        work.write_bytes(data)
        try:
            with ExcelFile(work) as wb:
                if wb.has_vba_project():
                    _check_theirs(wb, book)
                    project = wb.vba_project()
                    wb.remove_reference(ADDIN_REFERENCE)
                else:
                    project = wb.add_vba_project()
                for name, source in sources.items():
                    project.add_module(name, source)
                with warnings.catch_warnings():
                    warnings.simplefilter("error")  # a signature dropped would be a warning
                    wb.save()
        except (PyOpenVBAError, UserWarning, ValueError) as exc:
            raise BookError(book, f"无法在宏工程里加入按钮的模块（{exc}）") from exc
        return in_writer_form(work.read_bytes())


def in_writer_form(data: bytes) -> bytes:
    """The package `data` with its VBA project in the form a non-Office writer must leave.

    pyOpenVBA keeps the version of the Office that last saved the project (0xB5 for a current
    64-bit Excel) and zeroes the cache after it: an Office of that version may then trust the
    caches instead of compiling. pyOpenVBA has no option for the writer form, so it is set here
    on the part it saved; the dir stream also loses the 4 bytes pyOpenVBA writes after the
    terminator record."""
    from pyopenvba.cfb import CFB
    from pyopenvba.vba import compress, decompress

    pkg = Package.read(data)
    wb_part = workbook_part(pkg)
    part = next(
        resolve(wb_part, r.target)
        for r in parse_rels(pkg.text(rels_path(wb_part)))
        if r.type == VBA_PROJECT_REL
    )
    project = CFB.from_bytes(pkg.get(part) or b"")
    project.write_stream_in_storage("VBA", "_VBA_PROJECT", WRITER_VBA_PROJECT)
    directory = decompress(project.get_stream_in_storage("VBA", "dir"))
    ending = dir_end(directory)
    if ending < len(directory):
        project.write_stream_in_storage("VBA", "dir", compress(directory[:ending]))
    pkg.put(part, project.to_bytes())
    buffer = io.BytesIO()
    pkg.write(buffer)
    return buffer.getvalue()


def dir_end(directory: bytes) -> int:
    """Where the decompressed dir stream's terminator record (0x0010, then a zero u32) ends.

    MS-OVBA 2.3.4.2: every record is an id (u16), a size (u32) and that many bytes, but for
    PROJECTVERSION, whose size field says 4 and which carries 6."""
    at = 0
    while at + 6 <= len(directory):
        record, size = struct.unpack_from("<HI", directory, at)
        if record == DIR_TERMINATOR_ID:
            return at + 6
        at += 6 + (6 if record == PROJECTVERSION_ID else size)
    raise PackageError("宏工程的 dir 流没有结束记录")


def _check_theirs(wb: ExcelFile, book: Path | str) -> None:
    present = {name.casefold(): name for name in wb.module_names()}
    if wb.vba_signature().present:
        raise BookError(book, "工作簿的宏工程有数字签名，加入按钮会使签名失效：未做任何修改")
    protection = wb.vba_project().protection
    if protection is not None and protection.has_password:
        raise BookError(book, "工作簿的宏工程设有密码，无法加入按钮：未做任何修改")
    taken = [present[n] for n in OUR_MODULES if n in present]
    # A library named like a module of ours, but for the add-in that goes: VBA could not tell
    # which of the two a call means.
    taken += [
        r.name
        for r in wb.references()
        if r.name.casefold() in OUR_MODULES and r.name.casefold() != ADDIN_REFERENCE
    ]
    if taken:
        raise BookError(
            book,
            f"工作簿的宏工程里已有模块 {'、'.join(taken)}：为免替换网点自己的代码，未做任何修改",
        )


def project_report(path: Path | str) -> list[str]:
    """pyOpenVBA's integrity check of a written file: empty when every check passed."""
    from pyopenvba import check_file

    report = check_file(path)
    issues = [f"{i.severity} {i.code} {i.location}: {i.message}" for i in report.issues]
    if not report.complete:
        issues.append("check incomplete")
    return issues
