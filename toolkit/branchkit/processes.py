"""Other programs, as far as the system can tell: whether a process runs, when it started, and
which hold a workbook open for writing or locked.

A process id is given to a new process once its own has ended, so a lock file records the
writer's start time beside its id: a lock whose id now belongs to another program is a leftover.
And a program that has the workbook open and saves through its handle must not find it replaced
under it. What can be seen depends on the system: on Linux, the file itself names a process of
any user holding a POSIX or open-file lock on it (F_GETLK), and /proc the files this user's
processes have open, with their locks of any kind; Windows refuses the write itself while a
program holds the file without sharing it (Excel, WPS); elsewhere only the lock files beside
the workbook tell.
"""

from __future__ import annotations

import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Holder:
    """Another process that has a workbook open for writing, or locked."""

    pid: int  # -1: a lock whose process the system does not name (see `writers`)
    name: str  # the program's name ('' when unknown)

    def __str__(self) -> str:
        from .controls import visible

        name = visible(self.name)
        if self.pid < 1:
            return name or "另一个程序"
        return f"{name}，进程 {self.pid}" if name else f"进程 {self.pid}"


def alive(pid: int) -> bool:
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


def started(pid: int) -> str:
    """When process `pid` started, in the system's own units ('' where it cannot tell): the
    same id with another start time is another process."""
    if sys.platform.startswith("linux"):
        try:
            line = Path(f"/proc/{pid}/stat").read_text(encoding="ascii", errors="replace")
        except OSError:
            return ""
        fields = line.rpartition(")")[2].split()  # the name in brackets may hold spaces
        return fields[19] if len(fields) > 19 else ""  # field 22, starttime
    if os.name == "nt":
        return _started_on_windows(pid)
    return ""


def _started_on_windows(pid: int) -> str:
    import ctypes

    kernel32 = getattr(ctypes, "windll").kernel32  # noqa: B009  (absent off Windows)
    handle = kernel32.OpenProcess(0x1000, False, pid)  # PROCESS_QUERY_LIMITED_INFORMATION
    if not handle:
        return ""
    try:
        times = [ctypes.c_ulonglong() for _ in range(4)]  # creation, exit, kernel, user
        if not kernel32.GetProcessTimes(handle, *(ctypes.byref(t) for t in times)):
            return ""
        return str(times[0].value)
    finally:
        kernel32.CloseHandle(handle)


def writers(path: Path) -> list[Holder]:
    """Other processes that hold `path` open for writing or hold a write lock on it, where the
    system shows them (Linux); an empty list where it cannot tell."""
    if not sys.platform.startswith("linux"):
        return []
    try:
        target = os.stat(path)
    except OSError:
        return []
    me = os.getpid()
    # A lock's holder the system does not name is -1: an open-file lock, which no process owns,
    # or a process of another pid namespace or computer (F_GETLK says 0 or less for those).
    pids = {pid if pid > 0 else -1 for pid in (*_locking(path, target), *_writing(target))}
    pids.discard(me)
    if len(pids) > 1:
        pids.discard(-1)  # a process named by its handle says more than an unnamed lock
    return sorted(Holder(pid, _name(pid)) for pid in pids)


# File systems where a lock is a request to another computer: there F_GETLK costs a round trip,
# and on some (CIFS without POSIX extensions) the kernel answers it by taking the lock for a moment.
_REMOTE_FILE_SYSTEMS = ("nfs", "nfs4", "cifs", "smb2", "smb3", "9p", "afs", "ceph", "glusterfs")


def _locking(path: Path, target: os.stat_result) -> list[int]:
    """A process of any user holding a write lock on the file, POSIX or open-file (LibreOffice
    locks a document it has open), as the file itself answers: F_GETLK asked for a read lock
    names one that would stop it (-1: an open-file lock, which no process owns). Asked only of
    a regular file on a local disk, opened read-only without waiting.

    Not /proc/locks, which lists every lock of the system but waits for a kernel grace period
    at each read (5-15 ms on the machine the benchmarks run on, and a write asks twice) and
    holds up every program taking a lock meanwhile; the locks it adds, another user's flock or
    lease, are rare on a workbook."""
    import fcntl
    import struct

    if not stat.S_ISREG(target.st_mode) or _file_system(target.st_dev) in _REMOTE_FILE_SYSTEMS:
        return []
    layout = "hhqqi4x"  # struct flock with 64-bit offsets: type, whence, start, length, pid
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return []
    try:
        opened = os.fstat(fd)
        if (opened.st_dev, opened.st_ino) != (target.st_dev, target.st_ino):
            return []  # replaced in between: the next look asks the new file
        asked = struct.pack(layout, fcntl.F_RDLCK, os.SEEK_SET, 0, 0, 0)
        kind, _, _, _, pid = struct.unpack(layout, fcntl.fcntl(fd, fcntl.F_GETLK, asked))
    except (OSError, struct.error):
        return []
    finally:
        os.close(fd)  # branchkit holds no lock on a workbook that closing it could release
    return [pid] if kind == fcntl.F_WRLCK else []


def _file_system(device: int) -> str:
    """The type of the file system mounted from `device` (/proc/self/mountinfo), '' unknown."""
    wanted = f"{os.major(device)}:{os.minor(device)}"
    try:
        text = Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""
    for line in text.splitlines():
        # "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw"
        fields, _, rest = line.partition(" - ")
        numbers = fields.split()
        if len(numbers) > 2 and numbers[2] == wanted and rest:
            return rest.split()[0]
    return ""


def _writing(target: os.stat_result) -> list[int]:
    """Processes of this user with the file open for writing, or holding a write lock of any
    kind on it (flock too): /proc/PID/fd and its fdinfo."""
    pids = []
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        folder = f"/proc/{entry.name}"
        try:
            fds = os.listdir(f"{folder}/fd")
        except OSError:  # another user's process, or one that just ended
            continue
        for fd in fds:
            try:
                opened = os.stat(f"{folder}/fd/{fd}")
            except OSError:
                continue
            if (opened.st_ino, opened.st_dev) == (target.st_ino, target.st_dev) and _for_writing(
                f"{folder}/fdinfo/{fd}"
            ):
                pids.append(int(entry.name))
                break
    return pids


def _for_writing(fdinfo: str) -> bool:
    """The handle is open for writing, or holds a write lock ("lock:\t1: FLOCK  ADVISORY  WRITE
    1234 fe:00:2153297 0 EOF"; "lock:\t1: -> …" is one waiting for it)."""
    try:
        text = Path(fdinfo).read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        fields = line.split()
        head = fields[:1]
        if head == ["flags:"] and len(fields) > 1:
            opened_for_writing = int(fields[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
            if opened_for_writing:
                return True
        if head == ["lock:"] and len(fields) > 4 and fields[2] != "->" and fields[4] == "WRITE":
            return True
    return False


def _name(pid: int) -> str:
    if pid < 0:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
