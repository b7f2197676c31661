"""Putting generated tabs into a staff workbook safely (SPEC 'data safety first').

The new workbook is written to a temporary file in the same folder, checked, and only then moved
over the old one in a single rename; the old version is kept in a 备份 folder beside it. A kill
at any moment leaves either the old file or the new one, never a broken one.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import os
import shutil
import zipfile
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

from .package import Package, PackageError, replace_sheets, sheet_entries, workbook_part
from .problems import BookError
from .schema import GENERATED_MARK

BACKUP_FOLDER = "备份"
TEMP_PREFIX = ".~branchkit-"
OPEN_IN_EXCEL = "工作簿正在 Excel 中打开：请在 Excel 里点按钮刷新，或加 --out 写到另一个文件"


def owner_files(path: Path) -> list[Path]:
    """Excel marks an open workbook with ~$name beside it (for long names, ~$ replaces 2 chars)."""
    return [
        p
        for p in (path.with_name("~$" + path.name), path.with_name("~$" + path.name[2:]))
        if p.exists() and p.name != "~$"
    ]


def ensure_not_open(path: Path) -> None:
    if owner_files(path):
        raise BookError(path, OPEN_IN_EXCEL)
    if path.exists():
        try:
            with path.open("r+b"):
                pass
        except PermissionError as exc:
            raise BookError(path, OPEN_IN_EXCEL) from exc


def _temp_name(dest: Path) -> Path:
    return dest.with_name(f"{TEMP_PREFIX}{dest.name}.{os.getpid()}.tmp")


def _clean_stale_temps(dest: Path) -> None:
    """Temp files left by a run that was killed; a live run's file is left alone."""
    for temp in dest.parent.glob(f"{TEMP_PREFIX}{dest.name}.*.tmp"):
        pid = temp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and _alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def backup(path: Path, keep: int, now: dt.datetime | None = None) -> Path | None:
    """Keep the current version as 备份/name.YYYYmmdd-HHMMSS.xlsx; only the newest `keep` stay."""
    if keep <= 0 or not path.exists():
        return None
    folder = path.parent / BACKUP_FOLDER
    folder.mkdir(exist_ok=True)
    stamp = (now or dt.datetime.now()).strftime("%Y%m%d-%H%M%S")
    target = folder / f"{path.stem}.{stamp}{path.suffix}"
    n = 1
    while target.exists():
        target = folder / f"{path.stem}.{stamp}-{n}{path.suffix}"
        n += 1
    try:
        os.link(path, target)  # instant, and the old bytes stay when the rename swaps the name
    except OSError:
        shutil.copy2(path, target)
    olds = sorted(folder.glob(f"{path.stem}.*{path.suffix}"), key=lambda p: p.stat().st_mtime_ns)
    for old in olds[:-keep]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


def atomic_write(
    dest: Path,
    write: Callable[[IO[bytes]], None],
    verify: Callable[[Path], None],
    keep_backups: int = 5,
) -> Path:
    dest = Path(dest)
    _clean_stale_temps(dest)
    temp = _temp_name(dest)
    try:
        with temp.open("wb") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        verify(temp)
        backup(dest, keep_backups)
        try:
            os.replace(temp, dest)
        except PermissionError as exc:
            raise BookError(dest, OPEN_IN_EXCEL) from exc
        _sync_folder(dest.parent)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return dest


def write_bytes(dest: Path, data: bytes, verify: Callable[[Path], None] | None = None) -> Path:
    """A new file (an agenda, an e-mail, the weekly workbook) written atomically, no backup."""

    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    return atomic_write(Path(dest), write, verify or (lambda _: None), keep_backups=0)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def owned_sheets(pkg: Package) -> set[str]:
    """Sheets branchkit made earlier: they carry the generated mark in their first rows."""
    names = set()
    for entry in sheet_entries(pkg, workbook_part(pkg)):
        if entry.part in pkg.by_name and GENERATED_MARK.encode("utf-8") in pkg.head(
            entry.part, 20000
        ):
            names.add(entry.name)
    return names


def verify_workbook(
    expected: Iterable[str], written: Iterable[str] | None = None
) -> Callable[[Path], None]:
    """Checks a temporary file before it replaces the workbook: the zip opens, the parts we wrote
    pass their CRC check (parts copied unchanged were already valid), and the sheets are there."""

    def check(path: Path) -> None:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            for name in names if written is None else set(written) & names:
                with zf.open(name) as part:
                    while part.read(1 << 20):  # reading to the end checks the CRC
                        pass
        from .source import readable_sheets

        sheets = readable_sheets(path)
        missing = [n for n in expected if n not in sheets]
        if missing:
            raise BookError(path, f"写入校验失败（缺少 {'、'.join(missing)}），原文件未改动")

    return check


def write_generated(
    book: Path,
    generated: bytes,
    sheet_names: list[str],
    out: Path | None = None,
    keep_backups: int = 5,
    remove: Iterable[str] = (),
    cells: Callable[[str, Mapping[int, int]], bytes] | None = None,
) -> Path:
    """Put the generated sheets into `book` (or a copy at `out`) without touching anything else.
    `cells` writes a sheet's <sheetData> against the workbook's own style indexes (see Built)."""
    book = Path(book)
    dest = Path(out) if out else book
    if book.suffix.lower() == ".xls":
        raise BookError(
            book,
            "这是旧版 .xls 工作簿，branchkit 可以读取但不能写入；"
            "请在 Excel 中“另存为” .xlsx 后重试",
        )
    if out is None:
        ensure_not_open(book)
    elif dest.exists():
        ensure_not_open(dest)
    if dest.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BookError(dest, "输出文件请用 .xlsx 或 .xlsm 扩展名")
    if book.suffix.lower() != dest.suffix.lower():
        raise BookError(dest, f"输出文件的扩展名应与原工作簿相同（{book.suffix}）")
    try:
        source = Package.read(book)
        pkg = replace_sheets(source, generated, owned_sheets(source), remove, cells)
    except PackageError as exc:
        raise BookError(book, str(exc)) from exc
    written = [name for name, content in pkg.changed.items() if content is not None]
    try:
        return atomic_write(dest, pkg.write, verify_workbook(sheet_names, written), keep_backups)
    except zipfile.BadZipFile as exc:  # a CRC error while checking the temporary file
        raise BookError(book, f"写入校验失败（{exc}），原文件未改动") from exc
