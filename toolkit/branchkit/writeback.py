"""Putting generated tabs into a staff workbook safely (docs/工作簿.md#写回).

The new workbook is written to a temporary file in the same folder, checked, and only then moved
over the old one in a single rename; the old version is kept in a 备份 folder beside it, as a copy
with the workbook's own permissions. A kill at any moment leaves either the old file or the new
one, never a broken one. Two writers of one workbook take turns through a lock file beside it,
so neither drops what the other wrote; a workbook another program has open is not written.

Every replace is one transaction (`transaction`): the workbook is read under the lock, the plan
is made from those bytes, and just before the rename the file must still hold them — a person
who saved in between gets a plan made again from their version, never one made for another.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import glob
import itertools
import os
import re
import stat
import time
import zipfile
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TypeVar

from .digests import blake2b
from .outputs import COPY, Output, claim, marked_sheets, real_path, same_file
from .package import Package, PackageError, replace_sheets
from .problems import BookError, os_reason
from .processes import alive, started, writers
from .schema import FORMER_MARKS, GENERATED_MARK

T = TypeVar("T")

BACKUP_FOLDER = "备份"
TEMP_PREFIX = ".~branchkit-"
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
    """The lock files other programs keep beside a workbook they have open: Excel's ~$name (for
    long names ~$ replaces the first two characters; WPS on Windows does the same), WPS's
    .~name and LibreOffice's .~lock.name#."""
    names = ["~$" + path.name, "~$" + path.name[2:], ".~" + path.name, f".~lock.{path.name}#"]
    return [
        p
        for p in (path.with_name(n) for n in dict.fromkeys(names))
        # a name longer than a folder takes (the lock of a workbook whose own name is a few
        # bytes short of the limit) is one that cannot exist, not an error: stat_of says None
        if p.name != "~$" and stat_of(p) is not None
    ]


def open_in(path: Path) -> tuple[str, str] | None:
    """Which program has `path` open, and its lock file's name ('' for none): by the lock files
    beside it or, where the system shows them, by an open handle or a lock on the file itself
    (processes.writers). A symbolic link's target is looked for beside the target, and beside
    the link too (a program that opened the link keeps its lock there). None when no program is
    known to have it."""
    named = [path, *([real] if (real := real_path(path)) != path else [])]
    for lock in (lock for name in named for lock in owner_files(name)):
        if lock.name.startswith("~$"):
            return "Excel", lock.name
        return ("LibreOffice" if lock.name.startswith(".~lock.") else "WPS"), lock.name
    holders = writers(real_path(path))
    if not holders:
        return None
    # a lock no process owns (an open-file lock) names nothing to add to 另一个程序
    return ("另一个程序" if holders[0].pid < 1 else f"另一个程序（{holders[0]}）"), ""


OFFICE = ("Excel", "WPS", "LibreOffice")


class OpenElsewhere(BookError):
    """A workbook another program has open, so it is not written: the program, the lock file it
    keeps beside the workbook ('' when the system showed it) — and, told by the command line
    (`told`), the Excel button that does the command's job and whether it can write a copy."""

    def __init__(
        self, path: object, program: str, lock: str = "", button: str = "", out: bool = True
    ) -> None:
        self.program, self.lock = program, lock
        super().__init__(path, _open_message(program, lock, button, out))

    def told(self, button: str, out: bool) -> OpenElsewhere:
        return OpenElsewhere(self.path, self.program, self.lock, button, out)


def _open_message(program: str, lock: str, button: str, out: bool) -> str:
    copy = "，或加 --out 写到另一个文件" if out else ""
    if program not in OFFICE:
        return f"工作簿正被{program}打开并可能写入：请在那个程序里保存并关闭后重试{copy}"
    close = f"请在 {program} 里保存并关闭后重试"
    if button and program == "Excel":  # xlwings buttons work in Excel only
        close = f"请在 Excel 里点“{button}”按钮，或在 Excel 里保存并关闭后重试"
    if not lock:  # Windows refused to replace a file Excel holds
        return f"工作簿正在 {program} 中打开：{close}{copy}"
    return (
        f"工作簿正在 {program} 中打开（锁文件 {lock}）：{close}{copy}；"
        f"如果 {program} 已经关闭，这个锁文件是它异常退出时留下的，删除这个锁文件即可"
    )


HARD_LINKED = (
    "这个文件还有另外 {others} 个名字（硬链接）：保存时换上的是一个新文件，其他名字仍然指向旧的"
    "内容，两边从此不同，所以没有写入。请先把它复制成一个独立的文件（或删除多余的链接）再试，"
    "或加 --out 写到另一个文件"
)


def refuse_hard_links(path: Path, found: os.stat_result | None = None) -> None:
    """A file with other hard links would be split by the atomic replace: the new version under
    this name, the old one under the others — a colleague opening it by another name would work
    on a stale copy without knowing. Refused in one line rather than written in place, which
    would give up the replace's all-or-nothing."""
    found = found or stat_of(path)
    if found is not None and stat.S_ISREG(found.st_mode) and found.st_nlink > 1:
        raise BookError(path, HARD_LINKED.format(others=found.st_nlink - 1))


def ensure_not_open(path: Path) -> None:
    """Refuses, in one line, a workbook another program has open or that cannot be written (or
    replaced without splitting it from its other names)."""
    found = open_in(path)
    if found is not None:
        raise OpenElsewhere(path, *found)
    path = real_path(path)
    if path.exists():
        refuse_hard_links(path)
        if not path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            raise BookError(path, READ_ONLY)  # Windows' read-only attribute shows as no write bit
        try:
            with path.open("r+b"):
                pass
        except OSError as exc:
            if exc.errno == errno.EROFS:
                raise BookError(path, READ_ONLY_DISK) from exc
            if os.name == "nt" and isinstance(exc, PermissionError):
                raise OpenElsewhere(path, "Excel") from exc  # Excel holds it
            if isinstance(exc, PermissionError) or exc.errno in DENIED:
                raise BookError(path, NO_WRITE) from exc  # not ours to write
            raise unwritable(path, exc) from exc


# The longest file name most file systems take (bytes of UTF-8; NTFS counts 255 characters).
NAME_MAX = 255
_PID_ROOM = len(".4294967295.tmp")  # the longest suffix a temporary name gets (a pid and .tmp)


def _sidecar_stem(name: str) -> str:
    """What a temporary or lock file's name says of the file it belongs to: its name, or, when
    that would make the name longer than a folder takes (a workbook named with 80 汉字 is legal,
    its ".~branchkit-…" temporary file would not be), a digest of it."""
    if len(os.fsencode(f"{TEMP_PREFIX}{name}")) + _PID_ROOM <= NAME_MAX:
        return name
    return blake2b(os.fsencode(name), digest_size=10).hexdigest()


def _temp_name(dest: Path) -> Path:
    return dest.with_name(f"{TEMP_PREFIX}{_sidecar_stem(dest.name)}.{os.getpid()}.tmp")


def _clean_stale_temps(dest: Path) -> None:
    """Temp files left by a run that was killed; a live run's file is left alone."""
    for temp in dest.parent.glob(f"{TEMP_PREFIX}{glob.escape(_sidecar_stem(dest.name))}.*.tmp"):
        pid = temp.name.rsplit(".", 2)[-2]
        if pid.isdigit() and int(pid) != os.getpid() and alive(int(pid)):
            continue
        with contextlib.suppress(OSError):
            temp.unlink()


def lock_path(book: Path) -> Path:
    book = real_path(book)
    return book.with_name(f"{TEMP_PREFIX}{_sidecar_stem(book.name)}.lock")


def _lock_record() -> str:
    """What a lock file says of its writer: its process id, the computer, and when the process
    started — enough to tell it from a later process given the same id, and a lock taken on
    another computer sharing the folder from one taken here."""
    return f"{os.getpid()} {_HOST} {started(os.getpid())}".strip()


def _computer_name() -> str:
    """The name socket.gethostname() gives, without importing socket where the system gives it
    directly (os.uname: Linux, macOS)."""
    if hasattr(os, "uname"):
        return os.uname().nodename
    import socket

    return socket.gethostname()


_HOST = "".join(ch for ch in _computer_name() if ch.isalnum() or ch in "-_.") or "?"


def _lock_holder(lock: Path) -> str | None:
    """Who holds `lock` ("进程 1234", "电脑 PC2 上的进程 1234"), or None when it is a
    leftover: its process is gone, its id now belongs to another program, or it is older than
    any write takes. A lock of another computer is believed until it is that old."""
    try:
        age = time.time() - lock.stat().st_mtime
        fields = lock.read_text(encoding="utf-8", errors="replace").split()
    except FileNotFoundError:
        return None
    except OSError:
        return ""
    if age > LOCK_STALE:
        return None
    if not fields or not fields[0].isdigit():
        return "" if age < 2 else None  # being written this instant, or left half-made
    pid, host, start = int(fields[0]), *[*fields[1:3], "", ""][:2]
    if host and host != _HOST:
        return f"电脑 {host} 上的进程 {pid}"
    if pid == os.getpid():
        return f"进程 {pid}"
    if not alive(pid) or (start and start != started(pid)):
        return None
    return f"进程 {pid}"


@contextlib.contextmanager
def book_lock(book: Path, wait: float | None = None) -> Iterator[None]:
    """Holds the lock file beside `book` while its package is read, changed and replaced.

    A second writer waits up to LOCK_WAIT seconds, then gives up with one line. A lock whose
    process has died (killed mid-write) is taken over, so a crash never blocks the workbook."""
    lock = lock_path(book)
    record = _lock_record()
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
                who = f"（{holder}）" if holder else ""
                raise BookError(
                    book, f"另一个 branchkit{who}正在写入这个工作簿，请等它完成后再试"
                ) from None
            time.sleep(0.1)
        except OSError as exc:
            raise unwritable(book, exc) from exc
    try:
        os.write(fd, record.encode("utf-8"))
        os.close(fd)
        yield
    finally:
        with contextlib.suppress(OSError):
            if lock.read_text(encoding="utf-8").strip() == record:
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
    return BookError(dest, f"无法写入（{os_reason(exc)}），文件未改动")


def backup(
    path: Path,
    keep: int,
    now: dt.datetime | None = None,
    data: bytes | None = None,
    label: str = "",
) -> Path | None:
    """Keep the current version as 备份/name.YYYYmmdd-HHMMSS.xlsx; only the newest `keep` of this
    workbook's own backups stay (never another workbook's: `a.xlsx` and `a.b.xlsx` share a folder).

    The backup is a copy — of `data`, the bytes a replace was planned from, when given — never a
    second name for the live file: a program still saving through a handle on the old file must
    not write into the backup. It keeps the workbook's permissions (a private workbook's backup
    is private too) and its time of last change. A `label` (备份/name.替换前.YYYYmmdd-….xlsx)
    names a copy kept outside the count: no later write prunes it."""
    if keep <= 0 or not path.exists():
        return None
    folder = path.parent / BACKUP_FOLDER
    try:
        folder.mkdir(exist_ok=True)
    except FileExistsError as exc:  # a file of that name
        raise BookError(path, BACKUP_NOT_A_FOLDER.format(folder)) from exc
    except OSError as exc:
        raise unwritable(path, exc, folder) from exc
    try:
        return _backup_into(folder, path, keep, now, data, label)
    except OSError as exc:  # the 备份 folder, not the workbook's, refused the copy
        raise unwritable(path, exc, folder) from exc


BACKUP_NOT_A_FOLDER = "“{}”是一个文件，不是文件夹：branchkit 把旧版本存在这个文件夹里，请把这个文件改名或移走，文件未改动"


def _backup_into(
    folder: Path,
    path: Path,
    keep: int,
    now: dt.datetime | None,
    data: bytes | None,
    label: str = "",
) -> Path:
    now = now or dt.datetime.now()
    stamp = now.strftime(BACKUP_STAMP)
    stem = _backup_stem(path) + (f".{label}" if label else "")
    kept = path.stat()
    for n in itertools.count():
        target = folder / f"{stem}.{stamp}{f'-{n}' if n else ''}{path.suffix}"
        if os.path.lexists(target):  # a name taken, also by a link: never written through
            continue
        try:
            handle = _create(target, private=True)
        except FileExistsError:  # taken since the look
            continue
        break
    try:
        with handle:
            handle.write(path.read_bytes() if data is None else data)
    except OSError:  # a full disk: no half a backup left to be counted as one
        with contextlib.suppress(OSError):
            target.unlink()
        raise
    carry_access(target, kept, replaced=path)
    os.utime(target, ns=(kept.st_atime_ns, kept.st_mtime_ns))
    if label:
        return target
    # The oldest by their names' time stamps go, never the one just made. Those stamped more
    # than a day ahead of it go first: a clock that was far ahead once must not make each new
    # backup the oldest, nor keep its stamps over the real ones; another PC's clock a few
    # minutes fast on a shared folder is only time order.
    ahead = (now + dt.timedelta(days=1)).strftime(BACKUP_STAMP)
    stamped = [(when, old) for (when, _), old in _stamped_backups(path) if old != target]
    others = [old for when, old in stamped if when > ahead]  # in time order, as all below
    others += [old for when, old in stamped if when <= ahead]
    for old in others[: max(0, len(others) - (keep - 1))]:
        with contextlib.suppress(OSError):
            old.unlink()
    return target


BACKUP_STAMP = "%Y%m%d-%H%M%S"


def _backup_stem(path: Path) -> str:
    """The name a workbook's backups start with: its own, or — when a time stamp after it would
    make a name longer than a folder takes — as much of it as fits and a digest of the whole
    (two long names with one beginning keep apart)."""
    room = NAME_MAX - len(f".00000000-000000-999{path.suffix}".encode())
    stem = path.stem
    if len(stem.encode()) <= room:
        return stem
    digest = "~" + blake2b(stem.encode(), digest_size=4).hexdigest()
    while len((stem + digest).encode()) > room:
        stem = stem[:-1]
    return stem + digest


def backups_of(path: Path) -> list[Path]:
    """`path`'s backups in 备份/, oldest first: its exact name, a time stamp and a number when
    two fell in one second — never a glob made from the name (`火车站[1].xlsx` holds brackets a
    glob reads as a set of characters, and `a.*.xlsx` also matches `a.b.xlsx`'s backups)."""
    return [p for _, p in _stamped_backups(path)]


def _stamped_backups(path: Path) -> list[tuple[tuple[str, int], Path]]:
    """`backups_of`, each with its (time stamp, number), in that order."""
    own = re.compile(
        re.escape(_backup_stem(path))
        + r"\.([0-9]{8}-[0-9]{6})(?:-([0-9]+))?"
        + re.escape(path.suffix)
    )
    found = []
    with contextlib.suppress(OSError):
        for entry in os.scandir(path.parent / BACKUP_FOLDER):
            match = own.fullmatch(entry.name)
            if match:
                found.append(((match.group(1), int(match.group(2) or 0)), Path(entry.path)))
    return sorted(found)


def atomic_write(
    dest: Path,
    write: Callable[[IO[bytes]], None],
    verify: Callable[[Path], None],
    keep_backups: int = 5,
    planned: Transaction | None = None,
    made_from: Iterable[str | Path] = (),
) -> Path:
    """Writes `dest` through a checked temporary file and one rename, keeping the replaced
    file's permissions, and giving a file made from workbooks (`made_from`, and the workbook of
    `planned`) no wider permissions than theirs. With `planned`, the rename happens only while
    the workbook still holds the bytes the plan was made from (else `Changed`), and the backup
    is those bytes. A symbolic link is followed: its target is the file replaced."""
    dest = real_path(Path(dest))
    make_folder(dest)
    _clean_stale_temps(dest)
    temp = _temp_name(dest)
    kept = stat_of(dest)
    if kept is not None:
        refuse_hard_links(dest, kept)
    sources = [*made_from, *([planned.book] if planned is not None else [])]
    bounds = [found for found in map(stat_of, sources) if found is not None]
    try:
        try:
            with _create(temp, private=kept is not None or bool(bounds)) as handle:
                write(handle)
                handle.flush()
                os.fsync(handle.fileno())
        except OSError as exc:
            raise unwritable(dest, exc) from exc
        verify(temp)
        if planned is not None:
            planned.check()  # no backup of a version that is not replaced
        same = planned is not None and planned.book == dest
        try:
            others = [s for s in sources if real_path(Path(s)) != dest]
            carry_access(temp, kept, dest if kept is not None else None, others, bounds)
            backup(dest, keep_backups, data=planned.data if planned and same else None)
        except OSError as exc:
            raise unwritable(dest, exc) from exc
        if kept is not None:
            ensure_not_open(dest)  # a program may have opened it while the plan was made
        if planned is not None:
            planned.check()  # the last look before the rename
        try:
            os.replace(temp, dest)
        except OSError as exc:
            if os.name == "nt" and isinstance(exc, PermissionError):
                raise OpenElsewhere(dest, "Excel") from exc  # Excel holds the old file
            raise unwritable(dest, exc) from exc
        _sync_folder(dest.parent)
    finally:
        with contextlib.suppress(OSError):
            temp.unlink()
    return dest


def stat_of(path: str | Path) -> os.stat_result | None:
    """The file's stat, or None where there is none to be had (gone, or a name too long)."""
    try:
        return os.stat(path)
    except OSError:
        return None


def _create(path: Path, private: bool = False) -> IO[bytes]:
    """A new file, readable only by its owner when `private`: a copy of a workbook is not
    readable by others for a moment before its own permissions are set. Never one that is there
    already (FileExistsError): a link planted under the name is not written through."""
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0)
    return os.fdopen(os.open(path, flags, 0o600 if private else 0o666), "wb")


def keep_permissions(
    path: Path, kept: os.stat_result | None, made_from: Iterable[os.stat_result] = ()
) -> None:
    """Gives `path` the permissions of the file it replaces: its mode (a workbook at 0600 stays
    0600), and its owner and group where the system lets this user set them (an administrator's
    run keeps both; a member of the file's group keeps the group).

    A file made from workbooks (`made_from`: a copy, a weekly, an e-mail, next month's workbook)
    is never readable by more people than they are: of the permissions it would have — those of
    the file it replaces, or a new file's — it keeps for its group and others only what every
    workbook grants them, and its group's only while that is the workbooks' own group. Its owner
    is whoever ran branchkit, who could read the workbooks."""
    sources = list(made_from)
    if kept is None and not sources:
        return
    if os.name == "posix":
        group = kept.st_gid if kept is not None else _one_group(sources)
        for owner in (kept.st_uid, -1) if kept is not None else (-1,):
            if group is None:
                break
            try:
                os.chown(path, owner, group)
                break
            except OSError:
                continue
    mode = stat.S_IMODE(kept.st_mode) if kept is not None else 0o666 & ~_umask()
    for source in sources:
        mode &= stat.S_IMODE(source.st_mode) | stat.S_IRWXU
    shared = _one_group(sources) if sources and os.name == "posix" else None
    if sources and os.name == "posix" and shared != os.stat(path).st_gid:
        mode &= ~stat.S_IRWXG  # the group here is not the one the workbooks let read
    os.chmod(path, mode)


_ACCESS_LIST = "system.posix_acl_access"


def copy_extended_attributes(source: Path, target: Path) -> bool:
    """`source`'s extended attributes on `target` (Linux): its POSIX access list above all. On a
    file with one, the group bits the mode shows are the list's mask: without the list the
    owning group would gain what the mask allows and the people the list names would lose their
    access. An attribute that cannot be copied is left. False when the access list could not
    be: the caller then leaves the file to its owner alone (`owner_only`), after its last
    chmod."""
    if not hasattr(os, "listxattr"):
        return True
    try:
        names = os.listxattr(source)
    except OSError:
        return True
    copied = True
    for name in names:
        try:
            os.setxattr(target, name, os.getxattr(source, name))
        except OSError:
            copied = copied and name != _ACCESS_LIST
    return copied


def carry_access(
    path: Path,
    kept: os.stat_result | None,
    replaced: Path | None = None,
    made_from: Iterable[str | Path] = (),
    bounds: Iterable[os.stat_result] = (),
) -> None:
    """`path` given the access of the file it replaces (`replaced`, `kept` its status) and no
    wider than the workbooks it is made from: the replaced file's access list first (setting
    one sets the mode), then its mode narrowed by theirs (`bounds`, keep_permissions) — on a
    file with a list the group bits chmod sets are the list's mask, which bounds everyone the
    list names — and its owner's alone when that list could not be copied, or when one of
    `made_from` has a POSIX access list of its own (a copy, a weekly, a rollup, its store): the
    list says who may read that workbook, and mode bits cannot say the same."""
    list_lost = replaced is not None and not copy_extended_attributes(replaced, path)
    keep_permissions(path, kept, bounds)
    if list_lost or any(_has_access_list(source) for source in made_from):
        owner_only(path)


def owner_only(path: Path) -> None:
    """No rights for the group or others (on a file with an access list: its mask)."""
    os.chmod(path, stat.S_IMODE(os.stat(path).st_mode) & stat.S_IRWXU)


def _has_access_list(path: str | Path) -> bool:
    try:
        return hasattr(os, "listxattr") and _ACCESS_LIST in os.listxattr(path)
    except OSError:
        return False


def _one_group(found: list[os.stat_result]) -> int | None:
    groups = {f.st_gid for f in found}
    return groups.pop() if len(groups) == 1 else None


def _umask() -> int:
    """This process's umask (what a new file's mode leaves out). Read by setting it, as Python
    offers no other way: for that instant it is 077, so a file another thread creates then is
    only more private."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


def check_writable(dest: Path) -> None:
    """Refuses, before anything is written, a destination that cannot take a file: for a
    command that writes more than one file (the rollup's store, workbook and Parquet files), so
    a refusal leaves none of them half-done. Writes and makes nothing itself: the folder that
    exists nearest to `dest` is tried with a temporary file, removed at once."""
    dest = real_path(dest)
    folder = _nearest_existing(dest.parent)
    if not folder.is_dir():
        raise BookError(dest, "无法创建输出文件夹：路径中有同名的文件")
    _refuse_marked_read_only(dest, folder)
    if folder == dest.parent and dest.exists():
        ensure_not_open(dest)
    probe = folder / _temp_name(dest).name
    try:
        _create(probe).close()
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
        raise BookError(dest, f"无法创建输出文件夹（{os_reason(exc)}）") from exc


def write_bytes(
    dest: Path,
    data: bytes,
    verify: Callable[[Path], None] | None = None,
    keep_backups: int = 0,
    made_for: Output | None = None,
    made_from: Iterable[str | Path] = (),
) -> Path:
    """A file made whole (an agenda, an e-mail, a workbook) written atomically; the version it
    replaces goes to 备份 when `keep_backups` asks for it. An output `made_for` a purpose is
    first claimed for it (outputs.claim): a file branchkit did not make for that purpose is
    replaced only with --force, and then kept in 备份. `made_from`: the workbooks whose
    permissions bound the new file's (keep_permissions)."""
    made_from = list(made_from)
    if made_for is not None:
        dest, foreign = claim(dest, made_for, made_from)
        if foreign:
            keep_backups = max(keep_backups, DEFAULT_BACKUPS)

    def write(handle: IO[bytes]) -> None:
        handle.write(data)

    return atomic_write(
        Path(dest), write, verify or (lambda _: None), keep_backups, made_from=made_from
    )


DEFAULT_BACKUPS = 5  # 设置 保留备份数 when a workbook does not say


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
    return marked_sheets(pkg, (GENERATED_MARK, *FORMER_MARKS)) or set()


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
    .xls, a workbook open in another program, and an output that would change the file's kind.
    Inside a `transaction` it edits the bytes that transaction read. Returns None when the edit
    changed nothing and there is no copy to make."""
    book = Path(book)
    dest = Path(out) if out else book
    if book.suffix.lower() == ".xls":
        raise BookError(
            book,
            "这是旧版 .xls 工作簿，branchkit 可以读取但不能写入；"
            "请在 Excel 中“另存为” .xlsx 后重试",
        )
    if dest.suffix.lower() not in (".xlsx", ".xlsm"):
        raise BookError(dest, "输出文件请用 .xlsx 或 .xlsm 扩展名")
    if book.suffix.lower() != dest.suffix.lower():
        raise BookError(dest, f"输出文件的扩展名应与原工作簿相同（{book.suffix}）")

    def save(planned: Transaction) -> Path | None:
        try:
            pkg = edit(planned.package())
        except PackageError as exc:
            raise BookError(book, str(exc)) from exc
        if not pkg.changed and out is None:
            return None  # nothing to write: no backup, no new file
        written = [name for name, content in pkg.changed.items() if content is not None]
        return planned.replace(pkg.write, verify_workbook(sheet_names, written), keep_backups)

    return transaction(book, out, save)


# ---------------------------------------------------------------- one transaction per replace

# How often a plan is made again when a person keeps saving the workbook while it is made.
PLAN_ATTEMPTS = 3
CHANGED_WHILE_PLANNING = (
    "工作簿在 branchkit 读取之后又被保存过（有人正在修改它），为免把内容写到别人的行上，"
    "这次没有写入：请等对方保存完后重试"
)


class Changed(Exception):
    """The workbook on disk no longer holds the bytes a plan was made from."""


@dataclass
class Transaction:
    """A workbook's bytes as read under its lock: what a plan is made from, and what the file
    must still hold when the plan replaces it."""

    book: Path  # the workbook planned from
    dest: Path  # the file replaced: `book` itself, or a copy (--out)
    data: bytes
    digest: bytes = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.digest = blake2b(self.data).digest()

    def package(self) -> Package:
        try:
            return Package(self.data)
        except PackageError as exc:
            raise BookError(self.book, str(exc)) from exc

    def check(self) -> None:
        """Raises `Changed` unless the workbook still holds exactly the bytes read."""
        if not _holds(self.book, len(self.data), self.digest):
            raise Changed(self.book)

    def replace(
        self,
        content: bytes | Callable[[IO[bytes]], None],
        verify: Callable[[Path], None],
        keep_backups: int = 5,
    ) -> Path:
        """Writes `dest` (the new file's bytes, or a function writing them) atomically, only
        while the workbook is still what was read."""

        def write(handle: IO[bytes]) -> None:
            if isinstance(content, bytes):
                handle.write(content)
            else:
                content(handle)

        try:
            return atomic_write(self.dest, write, verify, keep_backups, self)
        except zipfile.BadZipFile as exc:  # a CRC error while checking the temporary file
            raise BookError(self.dest, f"写入校验失败（{exc}），原文件未改动") from exc


_ACTIVE: ContextVar[Transaction | None] = ContextVar("branchkit_transaction", default=None)


def transaction(
    book: Path,
    out: Path | None,
    attempt: Callable[[Transaction], T],
    dry_run: bool = False,
) -> T:
    """Reads, plans and replaces as one step: a write replaces only the exact bytes it planned
    from.

    The lock beside the destination is taken before the workbook is read; `attempt` makes its
    plan from what was read — reading the workbook itself, then saving through `save_package`
    or `Transaction.replace` — and just before the rename the file must still hold those bytes.
    When a person saved in between, the plan is dropped and made again from their version, at
    most PLAN_ATTEMPTS times, then refused in one line: a plan made for one version is never
    written into another. A dry run reads the same way without the lock (it replaces nothing)."""
    from .source import check_readable

    named = Path(out) if out else Path(book)  # a link: a program that opened it locks there
    book = real_path(book)
    dest = real_path(out) if out else book
    if same_file(book, dest):
        dest = book  # --out naming the workbook itself (or a link to it): written in place
    active = _ACTIVE.get()
    if active is not None and (active.book, active.dest) == (book, dest):
        return attempt(active)  # a save inside the job's own transaction
    check_readable(book)
    if out is not None and not same_file(book, dest):
        dest = claim(dest, COPY, [book])[0]  # a copy never silently replaces another file
    lock: contextlib.AbstractContextManager[None] = contextlib.nullcontext()
    if not dry_run:
        if dest.exists():
            ensure_not_open(named)
        make_folder(dest)
        lock = book_lock(dest)
    with lock:
        for _ in range(PLAN_ATTEMPTS):
            current = Transaction(book, dest, _read(book))
            token = _ACTIVE.set(current)
            try:
                return attempt(current)
            except Changed:
                continue
            finally:
                _ACTIVE.reset(token)
    raise BookError(book, CHANGED_WHILE_PLANNING)


def _read(book: Path) -> bytes:
    try:
        return book.read_bytes()
    except OSError as exc:
        raise BookError(book, f"无法读取（{os_reason(exc)}）") from exc


def _holds(path: Path, size: int, digest: bytes) -> bool:
    """Whether `path` holds the bytes of `digest` (their size is looked at first)."""
    try:
        if path.stat().st_size != size:
            return False
        found = blake2b()
        with path.open("rb") as handle:
            while chunk := handle.read(1 << 20):
                found.update(chunk)
        return found.digest() == digest
    except OSError:
        return False
