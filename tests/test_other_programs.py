"""Workbooks other programs have open, and what a replace keeps (issue 23).

LibreOffice's `.~lock.名.xlsx#` and WPS's `.~名.xlsx` stop a write as Excel's `~$名.xlsx` does, and
so does another process holding the file open for writing or locked where the system shows it
(Linux): one line, exit 2, nothing written. A replace keeps the workbook's permissions and owner,
its backup is a copy of its own (never a second name of the file a program may still save
through), and keeping N backups of one workbook never touches another's."""

from __future__ import annotations

import datetime as dt
import os
import stat
import sys
from pathlib import Path

import pytest
from branchkit import writeback
from branchkit.writeback import BACKUP_FOLDER

from . import hostile
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]
LINUX = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="/proc shows open files")


def _untouched(book: Path, before: bytes) -> None:
    """The workbook as it was: no backup, no temporary file beside it."""
    assert book.read_bytes() == before
    assert not (book.parent / BACKUP_FOLDER).exists()
    assert not [p for p in book.parent.iterdir() if p.name.startswith(".~branchkit")]


# ---------------------------------------------------------------- lock files of other programs


@pytest.mark.parametrize("program", sorted(hostile.LOCK_FILES))
@pytest.mark.parametrize("command", ["fill", "refresh"])
def test_a_workbook_open_in_another_office_program_is_not_written(
    sample_copy: Path, program: str, command: str
) -> None:
    before = sample_copy.read_bytes()
    hostile.opened_in(sample_copy, program)
    one_line_exit_2(run(command, sample_copy, *DAY), sample_copy.name, program)
    _untouched(sample_copy, before)


@pytest.mark.parametrize("program", sorted(hostile.LOCK_FILES))
def test_buttons_are_not_added_to_a_copy_of_a_workbook_open_elsewhere(
    sample_copy: Path, program: str
) -> None:
    """Found by an attack: add-buttons copied a workbook open in Excel, WPS or LibreOffice —
    without its unsaved edits — and the branch went on in the .xlsm."""
    hostile.opened_in(sample_copy, program)
    one_line_exit_2(run("add-buttons", sample_copy), sample_copy.name, "保存并关闭")
    assert not sample_copy.with_suffix(".xlsm").exists()


def test_the_refusal_names_the_lock_file_to_delete_once_the_program_is_closed(
    sample_copy: Path,
) -> None:
    lock = hostile.opened_in(sample_copy, "LibreOffice")
    line = one_line_exit_2(run("fill", sample_copy, *DAY))
    assert lock.name in line and "删除这个锁文件" in line
    lock.unlink()
    assert run("fill", sample_copy, *DAY).exit_code == 0


# ---------------------------------------------------------------- a process holding the file


@LINUX
@pytest.mark.parametrize(("mode", "lock"), [("r+b", ""), ("ab", ""), ("rb", "flock")])
def test_a_workbook_another_process_holds_for_writing_is_not_written(
    sample_copy: Path, mode: str, lock: str
) -> None:
    """A program that saves through its open handle would otherwise save into the old file,
    which the rename has taken out of the folder: its row would be lost."""
    before = sample_copy.read_bytes()
    holder = hostile.held_open(sample_copy, mode, lock)
    try:
        line = one_line_exit_2(run("fill", sample_copy, *DAY), "另一个程序", str(holder.pid))
        assert "python" in line
    finally:
        holder.kill()
        holder.wait()
    _untouched(sample_copy, before)
    assert run("fill", sample_copy, *DAY).exit_code == 0  # closed: written as usual


@LINUX
@pytest.mark.parametrize(("lock", "named"), [("posix", True), ("ofd", False)])
def test_another_users_write_lock_is_seen_on_the_file_itself(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch, lock: str, named: bool
) -> None:
    """Another user's processes do not show their open files, but the file names a POSIX lock's
    holder (an open-file lock has none: "另一个程序" alone)."""
    from branchkit import processes

    monkeypatch.setattr(processes, "_writing", lambda target: [])  # as if another user's
    before = sample_copy.read_bytes()
    holder = hostile.held_open(sample_copy, "r+b", lock)
    try:
        line = one_line_exit_2(run("refresh", sample_copy, *DAY), "另一个程序")
        assert (f"进程 {holder.pid}" in line) is named
        assert "另一个程序（另一个程序）" not in line
    finally:
        holder.kill()
        holder.wait()
    _untouched(sample_copy, before)


@LINUX
def test_a_process_with_its_own_handle_and_an_open_file_lock_is_named_once(
    sample_copy: Path,
) -> None:
    holder = hostile.held_open(sample_copy, "r+b", "ofd")
    try:
        line = one_line_exit_2(run("refresh", sample_copy, *DAY), "另一个程序", str(holder.pid))
        assert "另一个程序（另一个程序）" not in line
    finally:
        holder.kill()
        holder.wait()


@LINUX
@pytest.mark.parametrize(
    ("mode", "lock"), [("rb", ""), ("rb", "shared flock"), ("rb", "posix read")]
)
def test_a_process_only_reading_the_workbook_does_not_stop_a_write(
    sample_copy: Path, mode: str, lock: str
) -> None:
    """Reading, or a lock that only keeps others from writing (a read lock), is no writer."""
    reader = hostile.held_open(sample_copy, mode, lock)
    try:
        result = run("refresh", sample_copy, *DAY)
    finally:
        reader.kill()
        reader.wait()
    assert result.exit_code == 0, result.output


def test_the_backup_is_a_copy_not_a_second_name_of_the_replaced_file(sample_copy: Path) -> None:
    with sample_copy.open("rb") as held:  # a program with the old file still open
        before = os.fstat(held.fileno())
        assert run("refresh", sample_copy, *DAY).exit_code == 0
        (copy,) = (sample_copy.parent / BACKUP_FOLDER).iterdir()
        assert copy.stat().st_ino != before.st_ino
        assert os.fstat(held.fileno()).st_nlink == 0  # the old file has no name left
        held.seek(0)
        assert copy.read_bytes() == held.read()


# ---------------------------------------------------------------- permissions and owner


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
@pytest.mark.parametrize("command", ["fill", "refresh", "build-agenda"])
def test_a_private_workbook_stays_private_and_so_does_its_backup(
    sample_copy: Path, command: str
) -> None:
    sample_copy.chmod(0o600)
    assert run(command, sample_copy, *DAY).exit_code in (0, 1)
    assert stat.S_IMODE(sample_copy.stat().st_mode) == 0o600
    (copy,) = (sample_copy.parent / BACKUP_FOLDER).iterdir()
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600


@pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits")
def test_a_shared_workbook_keeps_its_group_permissions(sample_copy: Path) -> None:
    sample_copy.chmod(0o664)
    assert run("init", sample_copy, "--upgrade").exit_code == 0  # nothing to add: not written
    assert run("fill", sample_copy, *DAY).exit_code == 0
    assert stat.S_IMODE(sample_copy.stat().st_mode) == 0o664


@pytest.mark.skipif(
    os.name != "posix" or os.geteuid() != 0, reason="only an administrator sets another owner"
)
def test_an_administrators_run_keeps_the_workbooks_owner(sample_copy: Path) -> None:
    os.chown(sample_copy, 4321, 4322)
    assert run("fill", sample_copy, *DAY).exit_code == 0
    kept = sample_copy.stat()
    (copy,) = (sample_copy.parent / BACKUP_FOLDER).iterdir()
    assert (kept.st_uid, kept.st_gid) == (copy.stat().st_uid, copy.stat().st_gid) == (4321, 4322)


# ---------------------------------------------------------------- backups belong to one workbook


def _backed_up(book: Path, times: int, keep: int) -> None:
    start = dt.datetime(2026, 11, 20, 8, 0, 0)
    for n in range(times):
        book.write_bytes(f"{book.name} version {n}".encode())
        writeback.backup(book, keep, start + dt.timedelta(minutes=n))


@pytest.mark.parametrize("name", ["火车站[1].xlsx", "a*.xlsx", "a?b.xlsx", "网点 (副本).xlsm"])
def test_only_the_newest_backups_of_a_workbook_are_kept_whatever_its_name(
    tmp_path: Path, name: str
) -> None:
    book = tmp_path / name
    _backed_up(book, 5, keep=2)
    kept = sorted(p.read_text() for p in (tmp_path / BACKUP_FOLDER).iterdir())
    assert kept == [f"{name} version 3", f"{name} version 4"]


def test_keeping_backups_of_a_workbook_never_touches_anothers(tmp_path: Path) -> None:
    """a.xlsx, a.b.xlsx and a[1].xlsx share 备份/; each keeps its own newest two."""
    books = [tmp_path / n for n in ("a.b.xlsx", "a[1].xlsx", "a.xlsx")]
    for book in books:
        _backed_up(book, 3, keep=2)
    _backed_up(books[-1], 5, keep=2)  # five more of a.xlsx
    kept = sorted(p.read_text() for p in (tmp_path / BACKUP_FOLDER).iterdir())
    assert kept == sorted(
        [
            "a.b.xlsx version 1",
            "a.b.xlsx version 2",
            "a[1].xlsx version 1",
            "a[1].xlsx version 2",
            "a.xlsx version 3",
            "a.xlsx version 4",
        ]
    )


def test_backups_stamped_by_a_clock_that_was_ahead_never_take_the_new_one(tmp_path: Path) -> None:
    """Found by an attack: five backups stamped an hour ahead (a PC clock that was fast, or
    another PC on a shared folder) made each new backup the oldest, removed as soon as made."""
    book = tmp_path / "w.xlsx"
    _backed_up(book, 5, keep=5)  # 08:00 to 08:04
    book.write_bytes(b"today's version")
    made = writeback.backup(book, 5, dt.datetime(2026, 11, 19, 7, 0, 0))  # the clock put back
    assert made is not None and made.read_bytes() == b"today's version"
    kept = sorted(p.read_text() for p in (tmp_path / BACKUP_FOLDER).iterdir())
    # those stamped after the new one go first (the earliest of them), so five stay
    assert kept == sorted(["today's version", *(f"w.xlsx version {n}" for n in range(1, 5))])
    # Saves go on at the right time: each keeps its backup, and the future stamps make way
    # for them — not the real backups made since (found by a review).
    for n in range(1, 4):
        book.write_bytes(f"today's version {n}".encode())
        writeback.backup(book, 5, dt.datetime(2026, 11, 19, 7, 0, n))
    kept = sorted(p.read_text() for p in (tmp_path / BACKUP_FOLDER).iterdir())
    real = ["today's version", *(f"today's version {n}" for n in range(1, 4))]
    assert kept == sorted([*real, "w.xlsx version 4"])


def test_a_backup_a_few_minutes_ahead_is_time_order_not_a_stamp_to_drop_first(
    tmp_path: Path,
) -> None:
    """Another PC on a shared folder whose clock is a few minutes fast made the newest real
    backup; it stays, and the oldest goes (found by a review)."""
    book = tmp_path / "w.xlsx"
    start = dt.datetime(2026, 11, 16, 8, 0, 0)
    for n in range(4):  # four days of backups
        book.write_bytes(f"day {n}".encode())
        writeback.backup(book, 5, start + dt.timedelta(days=n))
    book.write_bytes(b"the other PC's")
    writeback.backup(book, 5, dt.datetime(2026, 11, 20, 9, 1, 0))  # a minute ahead
    book.write_bytes(b"now")
    writeback.backup(book, 5, dt.datetime(2026, 11, 20, 9, 0, 0))
    kept = sorted(p.read_text() for p in (tmp_path / BACKUP_FOLDER).iterdir())
    assert kept == sorted(["day 1", "day 2", "day 3", "the other PC's", "now"])


@pytest.mark.skipif(os.name != "posix", reason="symbolic links need no privilege on POSIX")
def test_a_link_planted_under_the_next_backups_name_is_not_written_through(
    tmp_path: Path,
) -> None:
    book = tmp_path / "w.xlsx"
    book.write_bytes(b"the workbook")
    folder = tmp_path / BACKUP_FOLDER
    folder.mkdir()
    elsewhere = tmp_path / "elsewhere.bin"
    when = dt.datetime(2026, 11, 20, 8, 0, 0)
    (folder / f"w.{when:%Y%m%d-%H%M%S}.xlsx").symlink_to(elsewhere)  # dangling
    made = writeback.backup(book, 5, when)
    assert made is not None and not made.is_symlink() and made.read_bytes() == b"the workbook"
    assert not elsewhere.exists()


def test_rollup_write_back_lists_a_branch_open_in_libreoffice_and_writes_the_others(
    tmp_path: Path,
) -> None:
    import shutil

    from .test_rollup import NETWORK

    network = tmp_path / "城东分行"
    shutil.copytree(NETWORK, network)
    book = network / "人民路支行-2026-11.xlsx"
    before = book.read_bytes()
    hostile.opened_in(book, "LibreOffice")
    out = tmp_path / "汇总.xlsx"
    result = run("rollup", network, *DAY, "--out", out, "--write-back", "--jobs", "1")
    assert result.exit_code == 1, result.output
    assert "已写回 2 个网点的排行榜" in result.output
    skipped = [line for line in result.output.splitlines() if line.startswith("未写回")]
    assert len(skipped) == 1 and book.name in skipped[0] and "LibreOffice" in skipped[0]
    assert book.read_bytes() == before


@LINUX
@pytest.mark.parametrize("unnamed", [0, -1, -7])
def test_a_lock_whose_holder_the_system_does_not_name_never_shows_as_a_process(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch, unnamed: int
) -> None:
    """F_GETLK says 0 or less for a holder in another pid namespace or on another computer:
    never "进程 0"; and a process named by its handle comes first."""
    from branchkit import processes

    monkeypatch.setattr(processes, "_locking", lambda path, target: [unnamed])
    monkeypatch.setattr(processes, "_writing", lambda target: [])
    assert processes.writers(sample_copy) == [processes.Holder(-1, "")]
    assert writeback.open_in(sample_copy) == ("另一个程序", "")
    monkeypatch.setattr(processes, "_writing", lambda target: [os.getppid()])
    assert [h.pid for h in processes.writers(sample_copy)] == [os.getppid()]
