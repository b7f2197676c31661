"""`branchkit init --upgrade BOOK`: a workbook made before some input sheets existed gets them.

A branch that started its month before the checklist existed keeps its workbook: the sheets it
lacks (清单项目 with the default list, 每日清单 …) are drawn by the same code as a new workbook
and transplanted at the zip-part level, as refresh transplants its tabs. Every part of the
workbook stays byte for byte as it was except the registry parts that name the new sheets and
their styles ([Content_Types].xml, the workbook part, its relationships, styles.xml). Nothing is
renamed: an old 每日清单 stays where it is and is read as 每日概况, and the new checklist records
go to 每日管理清单, a name the reader knows.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from . import schema
from .headers import HEADER_SEARCH_ROWS, labels, normalize_label, resolve_sheets
from .package import Package, PackageError, replace_sheets
from .problems import BookError
from .schema import Sheet
from .source import check_readable


@dataclass
class Upgraded:
    path: Path
    added: list[str]  # the sheets added, by their name in the workbook


def _heads(data: bytes) -> dict[str, list[list[Any]]]:
    """Each sheet's first rows: enough to recognise an input sheet by name or by its headers."""
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(data))
    heads: dict[str, list[list[Any]]] = {}
    for name in book.sheet_names:
        try:
            heads[name] = book.get_sheet_by_name(name).to_python(nrows=HEADER_SEARCH_ROWS)
        except Exception:  # a chart sheet holds no rows
            heads[name] = []
    return heads


def missing_sheets(heads: dict[str, list[list[Any]]]) -> list[tuple[Sheet, str]]:
    """The input sheets the workbook lacks, each with the name it will have: its own, else the
    first of its Chinese aliases no sheet of the workbook already goes by."""
    found = resolve_sheets(heads, [])
    taken = {normalize_label(n) for n in heads}
    missing = []
    for sheet in schema.INPUT_SHEETS:
        if sheet.key in found:
            continue
        names = [sheet.name, *(a for a in sheet.aliases if not a.isascii())]
        name = next((n for n in names if normalize_label(n) not in taken), None)
        if name is None:
            continue  # every name it could have is taken: leave it to the person
        taken |= labels(name, ())
        missing.append((sheet, name))
    return missing


@lru_cache(maxsize=4)
def _drawn(sheets: tuple[tuple[Sheet, str], ...]) -> bytes:
    """The new sheets as a workbook of their own (the same sheets come out the same)."""
    from .templates import input_sheets

    return input_sheets(sheets)


def upgrade_bytes(data: bytes, book: Path | str) -> tuple[bytes, list[str]]:
    """The workbook package `data` with the missing input sheets added, and their names."""
    from .package.drawings import move_new_drawings

    missing = missing_sheets(_heads(data))
    if not missing:
        return data, []
    try:
        pkg = Package.read(data)
        before = set(pkg.names())
        pkg = replace_sheets(pkg, _drawn(tuple(missing)), owned=())
        move_new_drawings(pkg, before)  # the new sheets' header notes
        buffer = io.BytesIO()
        pkg.write(buffer)
    except PackageError as exc:
        raise BookError(book, str(exc)) from exc
    return buffer.getvalue(), [name for _, name in missing]


def upgrade(book: Path, keep_backups: int = 5) -> Upgraded:
    """Adds the missing input sheets to BOOK in place, atomically, the old version kept in 备份/;
    planned from the bytes it replaces (writeback.transaction)."""
    from .writeback import Transaction, transaction, verify_workbook

    book = Path(book)
    if check_readable(book) != "xlsx":
        raise BookError(book, "这是旧版 .xls 工作簿：请在 Excel 中“另存为” .xlsx 后再升级")

    def add(read: Transaction) -> Upgraded:
        data, added = upgrade_bytes(read.data, book)
        if added:
            read.replace(data, verify_workbook(added), keep_backups)
        return Upgraded(book, added)

    return transaction(book, None, add)
