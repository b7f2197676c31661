"""File names made from what people typed (网点名称 names the weekly workbook), and the names of a
branch's workbooks month by month.

A branch name is text from a cell: it can hold a slash, a line break, characters Windows
forbids, a control character (Excel stores U+0000 as `_x0000_`, which the reader decodes), or be
long enough that, at three bytes a Chinese character, the name no longer fits a file system. The
name is made safe rather than refused: a supervisor wants the weekly workbook, not an error.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from pathlib import Path

from .problems import BookError

# Windows forbids these in a file name, and / or \\ would leave the folder; control characters
# are read as their pictures (controls.visible: ␀ ␛, and U+FFFD), which name nothing either.
_FORBIDDEN = re.compile(r'[<>:"/\\|?*\x00-\x1f\x7f-\x9f\u2400-\u2421\ufffd]+')
_SPACES = re.compile(r"\s+")
# Names Windows reserves for devices, with or without an extension (CON.xlsx opens the console).
_DEVICES = re.compile(r"^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])(\..*)?$", re.IGNORECASE)

# The end of a weekly workbook's name ('火车站支行-2026-W47-周报.xlsx'): a rollup skips such files.
WEEKLY_NAME_END = "-周报"
# The start of the rollup workbook's name ('分行汇总-2026-11.xlsx'), which may sit among the
# branches' workbooks.
ROLLUP_NAME_START = "分行汇总"
# ... and of the parent branch's weekly ('分行周报-2026-W47.xlsx'), saved there by default.
PARENT_WEEKLY_NAME_START = "分行周报"
EXCEL_SUFFIXES = (".xlsx", ".xlsm", ".xls")
# Not a branch's workbook whatever its suffix: Excel's owner file (~$), another program's lock
# or branchkit's temporary file (.~), the rollup's and the parent weekly's own outputs.
_NOT_BRANCH = ("~$", ".~", ROLLUP_NAME_START, PARENT_WEEKLY_NAME_START)
# Bytes of UTF-8 a name part may take: file systems allow 255 per name, and the weekly
# workbook's name adds its week and suffix ('-2026-W47-周报.xlsx', 23 bytes) to this part.
MAX_NAME_BYTES = 120


def not_utf8(path: str | Path) -> bool:
    """A name in another encoding (GBK, from a Windows zip or an old share), which Python keeps
    as surrogates: no library, database or workbook cell can take it as text."""
    try:
        str(path).encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def readable_name(path: str | Path) -> str:
    """The name as a person would read it: each part of it that is not UTF-8 taken as GB18030
    (what a Chinese Windows wrote), the others as they are."""
    if not not_utf8(path):
        return str(path)
    parts = Path(path).parts
    shown = [os.fsencode(p).decode("gb18030", "replace") if not_utf8(p) else p for p in parts]
    return str(Path(*shown))


def safe_name(text: str, max_bytes: int = MAX_NAME_BYTES) -> str:
    """`text` as one file-name part: white space (a line break too) becomes one space, forbidden
    and control characters '_', no dots or spaces at either end (Windows drops them; '..' would climb a folder),
    device names prefixed with '_', at most `max_bytes` of UTF-8. '' when nothing is left."""
    text = unicodedata.normalize("NFC", text)
    text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cs", "Co", "Cn"))
    text = _FORBIDDEN.sub("_", _SPACES.sub(" ", text)).strip(" .")
    if not text.strip("_"):
        return ""
    if _DEVICES.match(text):
        text = "_" + text
    encoded = text.encode("utf-8")
    if len(encoded) > max_bytes:
        text = encoded[:max_bytes].decode("utf-8", errors="ignore").rstrip(" .")
    return text


def safe_stem(*candidates: str) -> str:
    """The first candidate that is still a name once made safe (the branch name, then the
    workbook's own name); one line when none is."""
    for candidate in candidates:
        name = safe_name(candidate or "")
        if name:
            return name
    raise BookError(candidates[0] if candidates else "", "无法用作文件名：请用 --out 指定输出文件")


def says_month(path: Path, month: dt.date) -> bool:
    """Whether the file's name says it is of `month` (火车站支行-2026-12.xlsx of 2026-12)."""
    return any(stamp in path.stem for stamp in _stamps(month))


def _stamps(month: dt.date) -> tuple[str, str, str]:
    """The ways a workbook's name says its month: 2026-11, 202611, 2026年11月."""
    return f"{month:%Y-%m}", f"{month:%Y%m}", f"{month.year}年{month.month}月"


def month_sibling(book: Path, month: dt.date, other: dt.date) -> Path | None:
    """BOOK's name with its month `month` changed to `other` (火车站支行-2026-12.xlsx ->
    火车站支行-2026-11.xlsx): the same branch's workbook of another month, beside it; None when
    the name does not say its month."""
    stem = book.stem
    for was, now in zip(_stamps(month), _stamps(other), strict=True):
        if was in stem:
            return book.with_name(stem.replace(was, now) + book.suffix)
    return None


def branch_workbooks(folder: Path) -> list[Path]:
    """The branch workbooks in `folder` (not its subfolders, such as the 备份 of older
    versions), by name: Excel files that are not lock or temporary files, weekly workbooks, or
    the rollup's and the parent weekly's own outputs."""
    return [
        path
        for path in sorted(folder.iterdir())
        if path.is_file()
        and path.suffix.lower() in EXCEL_SUFFIXES
        and not path.name.startswith(_NOT_BRANCH)
        and not path.stem.endswith(WEEKLY_NAME_END)
    ]


def month_workbook(folder: Path, month: dt.date) -> Path:
    """The one branch workbook in `folder` whose name says `month` (火车站支行-2026-12.xlsx): how a
    job scheduled once a week finds this month's workbook without being edited every month.
    One line when there is none, or more than one (several branches share the folder)."""
    found = [p for p in branch_workbooks(folder) if any(s in p.stem for s in _stamps(month))]
    if len(found) == 1:
        return found[0]
    if not found:
        raise BookError(
            folder,
            f"文件夹里没有 {month:%Y-%m} 的网点工作簿（文件名里要有 {month:%Y-%m}，"
            f"如 火车站支行-{month:%Y-%m}.xlsx）：月初请先用 branchkit init --from 上月工作簿 新建",
        )
    names = "、".join(p.name for p in found)
    raise BookError(
        folder,
        f"文件夹里有 {len(found)} 个 {month:%Y-%m} 的工作簿（{names}）：请直接写出要用的那个",
    )
