"""Other programs, as far as the system can tell: whether a process runs, when it started, and
which hold a workbook open for writing or locked.

A process id is given to a new process once its own has ended, so a lock file records the
writer's start time beside its id: a lock whose id now belongs to another program is a leftover.
And a program that has the workbook open and saves through its handle must not find it replaced
under it. What can be seen depends on the system: Linux shows every process's locks and the open
files of this user's processes (/proc); Windows refuses the write itself while a program holds
the file without sharing it (Excel, WPS); elsewhere only the lock files beside the workbook tell.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, order=True)
class Holder:
    """Another process that has a workbook open for writing, or locked."""

    pid: int  # -1: a lock whose process the system does not name
    name: str  # the program's name ('' when unknown)

    def __str__(self) -> str:
        from .controls import visible

        name = visible(self.name)
        if self.pid < 0:
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
    pids = {pid for pid in (*_locking(target), *_writing(target)) if pid != me}
    return sorted(Holder(pid, _name(pid)) for pid in pids)


def _locking(target: os.stat_result) -> list[int]:
    """Processes holding a write lock on the file (fcntl or flock, as LibreOffice takes on a
    document it has open): /proc/locks lists every process's, whoever runs them."""
    device = f"{os.major(target.st_dev):02x}:{os.minor(target.st_dev):02x}:{target.st_ino}"
    try:
        lines = Path("/proc/locks").read_text(encoding="ascii", errors="replace").splitlines()
    except OSError:
        return []
    pids = []
    for line in lines:
        fields = line.split()
        # "1: POSIX  ADVISORY  WRITE 1234 fe:00:2153297 0 EOF"; "1: -> ..." is a waiter
        if len(fields) >= 6 and fields[1] != "->" and fields[3] == "WRITE" and fields[5] == device:
            try:
                pids.append(int(fields[4]))
            except ValueError:
                continue
    return pids


def _writing(target: os.stat_result) -> list[int]:
    """Processes of this user with the file open for writing (/proc/PID/fd and its fdinfo)."""
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
    try:
        text = Path(fdinfo).read_text(encoding="ascii", errors="replace")
    except OSError:
        return False
    for line in text.splitlines():
        if line.startswith("flags:"):
            return int(line.split()[1], 8) & os.O_ACCMODE in (os.O_WRONLY, os.O_RDWR)
    return False


def _name(pid: int) -> str:
    if pid < 0:
        return ""
    try:
        return Path(f"/proc/{pid}/comm").read_text(encoding="utf-8", errors="replace").strip()
    except OSError:
        return ""
