"""Putting generated tabs into a staff workbook safely (SPEC 'data safety first').

The new workbook is written to a temporary file in the same folder, checked, and only then moved
over the old one in a single rename; the old version is kept in a 备份 folder beside it. A kill
at any moment leaves either the old file or the new one, never a broken one. Two writers of one
workbook take turns through a lock file beside it, so neither drops what the other wrote.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
import shutil
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import IO

from .package import Package, PackageError, replace_sheets, sheet_entries, workbook_part
from .problems import BookError
from .schema import FORMER_MARKS, GENERATED_MARK

BACKUP_FOLDER = "备份"
TEMP_PREFIX = ".~branchkit-"
OPEN_IN_EXCEL = "工作簿正在 Excel 中打开：请在 Excel 里点按钮刷新，或加 --out 写到另一个文件"
READ_ONLY = "文件是只读的：请在文件属性中取消“只读”，或加 --out 写到另一个文件"
NO_WRITE = "没有写入这个文件的权限：请检查文件权限，或加 --out 写到另一个文件"
READ_ONLY_DISK = (
    "文件所在的磁盘或共享文件夹是只读的：请把它复制到可以写入的文件夹，或加 --out 写到别处"
)
# What the system says when a folder cannot take a file: no permission, or a read-only mount
# (a CD, a share mounted read-only, a locked USB stick). Both are the user's to fix, not ours.
DENIED = frozenset({errno.EACCES, errno.EPERM, errno.EROFS})
FULL = frozenset({errno.ENOSPC, getattr(errno, "EDQUOT", errno.ENOSPC)})
# How long a second writer of the same workbook waits for the first (a parent branch's refresh
# writes for a few seconds), and the age at which a lock is a leftover whatever its process id.
LOCK_WAIT = 15.0
LOCK_STALE = 600.0


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
        if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise BookError(path, READ_ONLY)  # Windows' read-only attribute shows as no write bit
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            if exc.errno == errno.EROFS:
                raise BookError(path, READ_ONLY_DISK) from exc
            if isinstance(exc, PermissionError) or exc.errno in DENIED:
                # Windows: Excel holds it; elsewhere: not ours to write
                raise BookError(path, OPEN_IN_EXCEL if os.name == "nt" else NO_WRITE) from exc
            raise unwritable(path, exc) from exc


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
    """Whether a process is running. On Windows os.kill(pid, 0) would end the process, so
    there the process is asked for its exit code instead."""
    if os.name == "nt":
        import ctypes

        kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009  (absent off Windows)
        handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
        if not handle:
            return bool(kernel32.GetLastError() == 5)  # access denied: it exists
        code = ctypes.c_ulong()
        try:
            return bool(kernel32.GetExitCodeProcess(handle, ctypes.byref(code))) and (
                code.value == 259  # STILL_ACTIVE
            )
        finally:
            kernel32.CloseHandle(handle)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True
    return True


def lock_path(book: Path) -> Path:
    return book.with_name(f"{TEMP_PREFIX}{book.name}.lock")


def _lock_holder(lock: Path) -> int | None:
    """The process holding `lock`, or None when the lock is a leftover (its process is gone,
    or it is older than any write takes)."""
    try:
        age = time.time() - lock.stat().st_mtime
        text = lock.read_text(encoding="ascii", errors="replace").strip()
    except FileNotFoundError:
        return None
    except OSError:
        return -1
    if age > LOCK_STALE:
        return None
    if not text.isdigit():
        return -1 if age < 2 else None  # being written this instant, or left half-made
    pid = int(text)
    return pid if pid == os.getpid() or _alive(pid) else None


@contextlib.contextmanager
def book_lock(book: Path, wait: float | None = None) -> Iterator[None]:
    """Holds the lock file beside `book` while its package is read, changed and replaced.

    A second writer waits up to LOCK_WAIT seconds, then gives up with one line. A lock whose
    process has died (killed mid-write) is taken over, so a crash never blocks the workbook."""
    lock = lock_path(book)
    deadline = time.monotonic() + (LOCK_WAIT if wait is None else wait)
    while True:
        try:
            fd = os.open(lock, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            break
        except FileExistsError:
            holder = _lock_holder(lock)
            if holder is None:
                with contextlib.suppress(OSError):
                    lock.unlink()
                continue
            if time.monotonic() >= deadline:
                who = f"（进程 {holder}）" if holder > 0 else ""
                raise BookError(
                    book, f"另一个 branchkit{who}正在写入这个工作簿，请等它完成后再试"
                ) from None
            time.sleep(0.1)
        except OSError as exc:
            raise unwritable(book, exc) from exc
    try:
        os.write(fd, str(os.getpid()).encode("ascii"))
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text(encoding="ascii").strip() == str(os.getpid()):
                lock.unlink()


def unwritable(dest: Path, exc: OSError, folder: Path | None = None) -> BookError:
    """The one line for a folder that cannot take a new file (no permission, a read-only disk,
    a full disk, gone): every write of branchkit, whatever it writes, says it the same way.
    `folder` is the one at fault when it is not the file's own (new folders not made)."""
    where = folder or dest.parent
    if str(where) in ("", "."):
        where = Path.cwd()
    if exc.errno == errno.EROFS:
        return BookError(
            dest,
            f"文件夹“{where}”在只读的磁盘或共享文件夹上，文件未改动：请换一个可以写入的文件夹，"
            "或加 --out 写到别处",
        )
    if isinstance(exc, PermissionError) or exc.errno in DENIED:
        return BookError(
            dest,
            f"文件夹“{where}”没有写入权限（只读），文件未改动：请换一个文件夹，或加 --out 写到别处",
        )
    if exc.errno in FULL:
        return BookError(dest, "磁盘空间不足，文件未改动：请清理磁盘后重试，或加 --out 写到别处")
    return BookError(dest, f"无法写入（{exc.strerror or exc}），文件未改动")


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
    make_folder(dest)
    _clean_stale_temps(dest)
    temp = _temp_name(dest)
    try:
        try:
            with _open_temp(temp) as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise unwritable(dest, exc) from exc
        verify(temp)
        try:
            backup(dest, keep_backups)
        except OSError as exc:
            raise unwritable(dest, exc) from exc
        try:
            os.replace(temp, dest)
        except OSError as exc:
            if os.name == "nt" and isinstance(exc, PermissionError):
                raise BookError(dest, OPEN_IN_EXCEL) from exc  # Excel holds the old file
            raise unwritable(dest, exc) from exc
        _sync_folder(dest.parent)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return dest


def _open_temp(temp: Path) -> IO[bytes]:
    """Where every save first touches the disk: the temporary file beside the destination."""
    return temp.open("wb")


def check_writable(dest: Path) -> None:
    """Refuses, before anything is written, a destination that cannot take a file: for a
    command that writes more than one file (the rollup's store, workbook and Parquet files), so
    a refusal leaves none of them half-done. Writes and makes nothing itself: the folder that
    exists nearest to `dest` is tried with a temporary file, removed at once."""
    dest = Path(dest)
    folder = _nearest_existing(dest.parent)
    if not folder.is_dir():
        raise BookError(dest, "无法创建输出文件夹：路径中有同名的文件")
    _refuse_marked_read_only(dest, folder)
    if folder == dest.parent and dest.exists():
        ensure_not_open(dest)
    probe = folder / _temp_name(dest).name
    try:
        _open_temp(probe).close()
    except OSError as exc:
        raise unwritable(dest, exc, folder) from exc
    with contextlib.suppress(OSError):
        probe.unlink()


def _refuse_marked_read_only(dest: Path, folder: Path) -> None:
    """A folder marked read-only (no write permission for anyone) takes nothing, also from an
    administrator whom the system would let through."""
    if os.name == "posix" and folder.is_dir() and not folder.stat().st_mode & 0o222:
        raise unwritable(dest, PermissionError(errno.EACCES, "read-only folder"), folder)


def _nearest_existing(folder: Path) -> Path:
    while not folder.exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def make_folder(dest: Path) -> None:
    """`--out 周报/11月/x.xlsx` creates the folders it names: a supervisor filing the month's
    output by folder should not have to make them first; not inside a folder marked read-only."""
    folder = dest.parent
    _refuse_marked_read_only(dest, _nearest_existing(folder))
    if folder.is_dir():
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError) as exc:
        raise BookError(dest, "无法创建输出文件夹：路径中有同名的文件") from exc
    except OSError as exc:
        if exc.errno in DENIED or exc.errno in FULL:
            raise unwritable(dest, exc, _nearest_existing(folder)) from exc
        raise BookError(dest, f"无法创建输出文件夹（{exc.strerror or exc}）") from exc


def write_bytes(
    dest: Path,
    data: bytes,
    verify: Callable[[Path], None] | None = None,
    keep_backups: int = 0,
) -> Path:
    """A file made whole (an agenda, an e-mail, a workbook) written atomically; the version it
    replaces goes to 备份 when `keep_backups` asks for it."""

    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    return atomic_write(Path(dest), write, verify or (lambda _: None), keep_backups)


def _sync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def owned_sheets(pkg: Package) -> set[str]:
    """Sheets branchkit made earlier: they carry the generated mark (or an earlier one) in their
    first rows."""
    marks = [mark.encode("utf-8") for mark in (GENERATED_MARK, *FORMER_MARKS)]
    names = set()
    for entry in sheet_entries(pkg, workbook_part(pkg)):
        if entry.part in pkg.by_name:
            head = pkg.head(entry.part, 20000)
            if any(mark in head for mark in marks):
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

    def edit(source: Package) -> Package:
        return replace_sheets(source, generated, owned_sheets(source), remove, cells)

    saved = save_package(book, edit, sheet_names, out, keep_backups)
    return book if saved is None else saved  # None: the tabs were already as generated


def save_package(
    book: Path,
    edit: Callable[[Package], Package],
    sheet_names: Iterable[str],
    out: Path | None = None,
    keep_backups: int = 5,
) -> Path | None:
    """The one way branchkit changes a staff workbook: read its package, `edit` it part by part,
    and save the result atomically over `book` (or to `out`), with a backup — refusing a legacy
    .xls, a workbook open in Excel, and an output that would change the file's kind. Returns
    None when the edit changed nothing and there is no copy to make."""
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
    make_folder(dest)
    with book_lock(dest):  # read, change and replace as one step: no other writer in between
        try:
            pkg = edit(Package.read(book))
        except PackageError as exc:
            raise BookError(book, str(exc)) from exc
        if not pkg.changed and out is None:
            return None  # nothing to write: no backup, no new file
        written = [name for name, content in pkg.changed.items() if content is not None]
        try:
            return atomic_write(
                dest, pkg.write, verify_workbook(sheet_names, written), keep_backups
            )
        except zipfile.BadZipFile as exc:  # a CRC error while checking the temporary file
            raise BookError(book, f"写入校验失败（{exc}），原文件未改动") from exc
