"""`branchkit add-buttons`: the workbook a branch already has, with the buttons put into it.

A branch that has kept its month in an .xlsx should not have to start a new workbook and copy its
data over to get the buttons. Here the 控制台 and xlwings.conf sheets (drawn by the same code as
the `init --macros` template) are transplanted into the branch's own workbook at the zip-part
level, as refresh transplants its tabs; the workbook is made macro-enabled and our two modules go
into its VBA project (vbaproject.py). Every part of the branch's workbook stays byte for byte as
it was, except:

- the registry parts, which name the new sheets, their styles, the VBA project and the
  macro-enabled content type: [Content_Types].xml, the workbook part, its relationships and
  styles.xml;
- when the workbook had no VBA project yet: each sheet part gains the code name that Excel
  itself writes into every sheet when it creates a project (`codeName` on <sheetPr>), and
  nothing else.
"""

from __future__ import annotations

from pathlib import Path

from . import schema
from .macros import button_sheets
from .package import Package, PackageError, replace_sheets, sheet_entries, workbook_part
from .package.drawings import move_new_drawings
from .problems import BookError
from .source import check_readable
from .vbaproject import make_macro_enabled

ADDED_SHEETS = (schema.CONTROL_SHEET, schema.XLWINGS_CONF_SHEET)


def default_output(book: Path) -> Path:
    return book.with_suffix(".xlsm")


def add_buttons(
    book: Path, out: Path | None = None, force: bool = False, interpreter: str | None = None
) -> Path:
    """Writes BOOK with the buttons as `out` (default: BOOK.xlsm beside it), atomically; an
    existing file is replaced only with `force`, and its old version kept in 备份/. Its
    Interpreter_Win is `interpreter` (default: this PC's Python, on Windows)."""
    from .macros import this_interpreter
    from .outputs import overwrite_allowed, same_file
    from .writeback import OpenElsewhere, Transaction, open_in, transaction, verify_workbook

    book = Path(book)
    dest = Path(out) if out is not None else default_output(book)
    if check_readable(book) != "xlsx":
        raise BookError(book, "这是旧版 .xls 工作簿：请在 Excel 中“另存为” .xlsx 后再加按钮")
    if dest.suffix.lower() != ".xlsm":
        raise BookError(dest, "带按钮的工作簿要用 .xlsm 扩展名")
    if book.suffix.lower() == ".xlsm" and has_buttons(book):
        raise BookError(book, ALREADY_HAS_BUTTONS)
    if same_file(book, dest) and not force:
        raise BookError(
            dest,
            "要在这个 .xlsm 里加上按钮，请加 --force（加按钮前的版本会留在“备份”文件夹）",
        )
    # Open in Excel, WPS or LibreOffice, the workbook may hold edits not saved yet: the .xlsm
    # made now would lack them, and the branch would go on in it (the launchers switch to it).
    found = open_in(book)
    if found is not None:
        raise OpenElsewhere(book, *found, out=False)
    python = this_interpreter() if interpreter is None else interpreter

    def write_buttons(read: Transaction) -> Path:  # from the bytes of BOOK read for it
        return read.replace(with_buttons(read.data, book, python), verify_workbook(ADDED_SHEETS))

    with overwrite_allowed(force):  # another file at DEST: replaced only with --force
        return transaction(book, dest, write_buttons)


ALREADY_HAS_BUTTONS = (
    f"工作簿已经有按钮（“{schema.CONTROL_SHEET}”和“{schema.XLWINGS_CONF_SHEET}”表），不用再加："
    "按钮找不到 Python 时运行 branchkit doctor 检查并修复；要换成新版本的按钮，先删除这两张表再运行 "
    "add-buttons（--force 不会替换已有的按钮）"
)


def has_buttons(book: Path) -> bool:
    """Whether the workbook has both sheets add-buttons puts in (in an .xlsm: with its macros)."""
    try:
        pkg = Package.read(book)
        present = {e.name for e in sheet_entries(pkg, workbook_part(pkg))}
    except (OSError, PackageError):
        return False  # the transaction says what is wrong with it
    return all(name in present for name in ADDED_SHEETS)


def with_buttons(data: bytes, book: Path | str, interpreter: str = "") -> bytes:
    """The workbook package `data` with the two sheets and the macro project added."""
    try:
        pkg = Package.read(data)
        present = {e.name for e in sheet_entries(pkg, workbook_part(pkg))}
        for name in ADDED_SHEETS:
            if name in present:
                raise BookError(
                    book,
                    f"工作簿里已有“{name}”工作表，按钮可能已经加过；"
                    "要重新加，请先把这张表改名或删除",
                )
        before = set(pkg.names())
        pkg = replace_sheets(pkg, button_sheets(interpreter), owned=())
        move_new_drawings(pkg, before)
        result = make_macro_enabled(pkg, book)
    except PackageError as exc:
        raise BookError(book, str(exc)) from exc
    return result
