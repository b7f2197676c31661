"""Writing to awkward places, and rollups that would destroy a good report: a read-only disk, a
folder marked read-only, a folder not made yet, a mistyped rollup folder or month, a month that
is not one. Each is one Chinese line naming the file and what to do, exit 2, and nothing
written — or, where it can be, simply works."""

from __future__ import annotations

import builtins
import datetime as dt
import errno
import io
import os
import shutil
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import duckdb
import pytest
from branchkit.read import read_book
from branchkit.settings import Settings
from branchkit.writeback import BACKUP_FOLDER
from python_calamine import CalamineWorkbook

from .conftest import SAMPLES
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]
NOVEMBER = dt.date(2026, 11, 1)
NETWORK = SAMPLES / "城东分行"


def _files(folder: Path) -> list[str]:
    """Everything under `folder`, folders included, as paths relative to it."""
    return sorted(str(p.relative_to(folder)) for p in folder.rglob("*"))


@pytest.fixture
def network(tmp_path: Path) -> Path:
    folder = tmp_path / "城东分行"
    shutil.copytree(NETWORK, folder)
    return folder


# ---------------------------------------------------------------- a read-only disk


_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC


def _erofs(path: object) -> OSError:
    return OSError(errno.EROFS, os.strerror(errno.EROFS), str(path))


@pytest.fixture
def read_only_disk(monkeypatch: pytest.MonkeyPatch) -> Callable[[Path], None]:
    """Makes a folder behave as on a read-only mount (a CD, a share mounted read-only): every
    way Python and DuckDB create, change or rename a file under it fails with EROFS, as the
    system would; reading still works. Running as root, permission bits would not stop a write,
    so the refusal is made where the system makes it."""
    mounts: list[Path] = []

    def inside(path: object) -> bool:
        if isinstance(path, int):
            return False
        resolved = Path(os.fsdecode(path)).resolve()  # type: ignore[arg-type]
        return any(resolved == m or m in resolved.parents for m in mounts)

    real_open, real_os_open = builtins.open, os.open
    real_mkdir, real_replace, real_link = os.mkdir, os.replace, os.link
    real_connect = duckdb.connect

    def fake_open(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if any(c in mode for c in "wax+") and inside(file):
            raise _erofs(file)
        return real_open(file, mode, *args, **kwargs)

    def fake_os_open(path: Any, flags: int, *args: Any, **kwargs: Any) -> int:
        if flags & _WRITE_FLAGS and inside(path):
            raise _erofs(path)
        return real_os_open(path, flags, *args, **kwargs)

    def fake_mkdir(path: Any, *args: Any, **kwargs: Any) -> None:
        if inside(path):
            if os.path.exists(path):
                raise FileExistsError(errno.EEXIST, os.strerror(errno.EEXIST), str(path))
            raise _erofs(path)
        real_mkdir(path, *args, **kwargs)

    def fake_two(real: Callable[..., Any]) -> Callable[..., Any]:
        def fake(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            if inside(src) or inside(dst):
                raise _erofs(dst)
            return real(src, dst, *args, **kwargs)

        return fake

    def fake_connect(database: Any = ":memory:", read_only: bool = False, **kwargs: Any) -> Any:
        if not read_only and database != ":memory:" and inside(database):
            raise duckdb.IOException(
                f'IO Error: Cannot open file "{database}": Read-only file system'
            )
        return real_connect(database, read_only=read_only, **kwargs)

    monkeypatch.setattr(builtins, "open", fake_open)
    monkeypatch.setattr(io, "open", fake_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    monkeypatch.setattr(os, "mkdir", fake_mkdir)
    monkeypatch.setattr(os, "replace", fake_two(real_replace))
    monkeypatch.setattr(os, "rename", fake_two(os.rename))
    monkeypatch.setattr(os, "link", fake_two(real_link))
    monkeypatch.setattr(duckdb, "connect", fake_connect)
    return lambda folder: mounts.append(folder.resolve())


def test_refresh_on_a_read_only_disk_is_one_line(
    sample_copy: Path, read_only_disk: Callable[[Path], None]
) -> None:
    before = sample_copy.read_bytes()
    read_only_disk(sample_copy.parent)
    line = one_line_exit_2(run("refresh", sample_copy, *DAY), sample_copy.name, "只读", "--out")
    assert "Errno" not in line
    assert sample_copy.read_bytes() == before
    assert _files(sample_copy.parent) == [sample_copy.name]


@pytest.mark.parametrize("command", ["refresh", "fill"])
def test_out_onto_a_read_only_disk_is_one_line(
    sample_copy: Path, tmp_path: Path, read_only_disk: Callable[[Path], None], command: str
) -> None:
    disk = tmp_path / "光盘"
    disk.mkdir()
    read_only_disk(disk)
    one_line_exit_2(run(command, sample_copy, *DAY, "--out", disk / "副本.xlsx"), "只读", "光盘")
    assert _files(disk) == []


@pytest.mark.parametrize("name", ["新建.xlsx", "11月/新建.xlsx"])
def test_init_on_a_read_only_disk_is_one_line(
    tmp_path: Path, read_only_disk: Callable[[Path], None], name: str
) -> None:
    read_only_disk(tmp_path)
    one_line_exit_2(run("init", tmp_path / name, "--branch", "火车站支行"), "只读", "新建.xlsx")
    assert _files(tmp_path) == []


def test_rollup_out_onto_a_read_only_disk_writes_nothing(
    network: Path, tmp_path: Path, read_only_disk: Callable[[Path], None]
) -> None:
    disk = tmp_path / "共享"
    disk.mkdir()
    read_only_disk(disk)
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", disk / "分行汇总.xlsx")
    one_line_exit_2(result, "分行汇总.xlsx", "只读", "--out")
    assert _files(disk) == []


def test_export_parquet_onto_a_read_only_disk_writes_nothing_anywhere(
    network: Path, tmp_path: Path, read_only_disk: Callable[[Path], None]
) -> None:
    """The Parquet folder is refused before the store and the workbook are written, so the
    rollup is not half-done: no workbook without the export the user asked for."""
    disk, out = tmp_path / "共享", tmp_path / "汇总"
    disk.mkdir()
    read_only_disk(disk)
    result = run(
        "rollup", network, *DAY, "--jobs", "1", "--out", out / "分行汇总.xlsx",
        "--export-parquet", disk / "parquet",
    )  # fmt: skip
    one_line_exit_2(result, "parquet", "只读")
    assert not out.exists() and _files(disk) == []


def test_a_store_the_disk_refuses_is_one_line_and_no_workbook(
    network: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """DuckDB says it in its own words (no errno): the store is named, the same line as any
    other write on a read-only disk, and the workbook is not written without its history."""

    def refuse(database: Any = ":memory:", **kwargs: Any) -> Any:
        raise duckdb.IOException(f'IO Error: Cannot open file "{database}": Read-only file system')

    monkeypatch.setattr(duckdb, "connect", refuse)
    out = tmp_path / "汇总" / "分行汇总.xlsx"
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", out)
    one_line_exit_2(result, "分行汇总.duckdb", "只读", "--out")
    assert not out.exists()


def test_a_damaged_store_is_one_line(network: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总" / "分行汇总.xlsx"
    out.parent.mkdir()
    (out.parent / "分行汇总.duckdb").write_bytes(b"not a database" * 500)
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", out)
    one_line_exit_2(result, "分行汇总.duckdb", "移走")
    assert not out.exists()


# ---------------------------------------------------------------- a folder marked read-only


@pytest.fixture
def marked_read_only(tmp_path: Path) -> Iterator[Path]:
    folder = tmp_path / "只读文件夹"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        yield folder
    finally:
        folder.chmod(0o755)


posix_only = pytest.mark.skipif(os.name != "posix", reason="folder permission bits are POSIX")


@posix_only
@pytest.mark.parametrize("name", ["新建.xlsx", "11月/新建.xlsx"])
def test_init_into_a_folder_marked_read_only_writes_nothing(
    marked_read_only: Path, name: str
) -> None:
    one_line_exit_2(run("init", marked_read_only / name), "没有写入权限")
    assert _files(marked_read_only) == []


@posix_only
def test_rollup_into_a_folder_marked_read_only_writes_no_store(
    network: Path, marked_read_only: Path
) -> None:
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", marked_read_only / "汇总.xlsx")
    one_line_exit_2(result, "汇总.xlsx", "没有写入权限")
    assert _files(marked_read_only) == []


@posix_only
def test_export_parquet_into_a_folder_marked_read_only_writes_nothing(
    network: Path, tmp_path: Path, marked_read_only: Path
) -> None:
    out = tmp_path / "汇总"
    result = run(
        "rollup", network, *DAY, "--jobs", "1", "--out", out / "分行汇总.xlsx",
        "--export-parquet", marked_read_only,
    )  # fmt: skip
    one_line_exit_2(result, "没有写入权限")
    assert _files(marked_read_only) == [] and not out.exists()


# ---------------------------------------------------------------- folders not made yet


def test_init_creates_the_folders_it_names(tmp_path: Path) -> None:
    book = tmp_path / "新网点" / "11月" / "火车站支行.xlsx"
    result = run("init", book, "--branch", "火车站支行", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    settings = read_book(book).settings
    assert (settings.branch, settings.month) == ("火车站支行", NOVEMBER)


def test_init_through_a_file_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "新网点").write_text("不是文件夹", encoding="utf-8")
    one_line_exit_2(run("init", tmp_path / "新网点" / "x.xlsx"), "同名的文件")


def test_init_force_keeps_the_replaced_workbook_in_backup(sample_copy: Path) -> None:
    before = sample_copy.read_bytes()
    result = run("init", sample_copy, "--force", "--branch", "火车站支行", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    backups = list((sample_copy.parent / BACKUP_FOLDER).iterdir())
    assert [b.read_bytes() for b in backups] == [before]
    assert read_book(sample_copy).settings.branch == "火车站支行"


# ---------------------------------------------------------------- a rollup with nothing in it


@pytest.fixture
def good_rollup(network: Path, tmp_path: Path) -> Path:
    out = tmp_path / "rollup" / "分行汇总.xlsx"
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", out)
    assert result.exit_code == 0, result.output
    return out


def test_a_mistyped_rollup_folder_leaves_the_last_rollup_alone(
    good_rollup: Path, tmp_path: Path
) -> None:
    before = {p: p.read_bytes() for p in good_rollup.parent.iterdir()}
    result = run("rollup", tmp_path / "城东分航", *DAY, "--out", good_rollup)
    one_line_exit_2(result, "城东分航", "找不到")
    assert {p: p.read_bytes() for p in good_rollup.parent.iterdir()} == before


def test_a_month_without_branch_workbooks_leaves_the_last_rollup_alone(
    good_rollup: Path, network: Path
) -> None:
    before = {p: p.read_bytes() for p in good_rollup.parent.iterdir()}
    result = run("rollup", network, "--date", "2026-12-01", "--jobs", "1", "--out", good_rollup)
    one_line_exit_2(result, "2026-12", "--date", "未计入")
    assert {p: p.read_bytes() for p in good_rollup.parent.iterdir()} == before


def test_a_missing_input_among_good_ones_is_refused(network: Path, tmp_path: Path) -> None:
    out = tmp_path / "汇总.xlsx"
    result = run("rollup", network, tmp_path / "城西分行", *DAY, "--out", out)
    one_line_exit_2(result, "城西分行", "找不到")
    assert not out.exists() and not (tmp_path / "分行汇总.duckdb").exists()


def test_the_parent_weekly_of_a_mistyped_folder_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "分行周报.xlsx"
    result = run("weekly", "--rollup", tmp_path / "城东分航", "--week", "2026-W47", "--out", out)
    one_line_exit_2(result, "城东分航", "找不到")
    assert not out.exists()


def test_a_replaced_rollup_workbook_is_kept_in_backup(good_rollup: Path, network: Path) -> None:
    """A rollup has no 设置: the default number of old versions stays, the newest being the
    workbook just replaced."""
    keep = Settings().backups
    folder = good_rollup.parent / BACKUP_FOLDER
    folder.mkdir()
    for n in range(keep + 1):
        old = folder / f"{good_rollup.stem}.20260101-00000{n}.xlsx"
        old.write_bytes(b"older")
        os.utime(old, (1_700_000_000 + n, 1_700_000_000 + n))
    before = good_rollup.read_bytes()
    (network / "火车站支行-2026-11.xlsx").unlink()  # the next rollup differs from the last
    result = run("rollup", network, *DAY, "--jobs", "1", "--out", good_rollup)
    assert result.exit_code == 0, result.output
    kept = sorted(folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
    assert len(kept) == keep
    assert kept[-1].read_bytes() == before != good_rollup.read_bytes()


# ---------------------------------------------------------------- --month and --branch of init


@pytest.mark.parametrize("month", ["2026-11", "2026.11", "2026/11", "2026年11月", "2026-11 "])
def test_init_month_is_read_back_as_that_month(tmp_path: Path, month: str) -> None:
    book = tmp_path / "x.xlsx"
    result = run("init", book, "--branch", "火车站支行", "--month", month)
    assert result.exit_code == 0, result.output
    loaded = read_book(book)
    assert loaded.month == NOVEMBER and loaded.settings.month == NOVEMBER
    assert not [p for p in loaded.problems if p.sheet == "设置"]


@pytest.mark.parametrize("month", ["2026-13", "十一月", "2026-00", "11-2026", "1999-12", "2026"])
def test_init_refuses_a_month_that_is_not_one(tmp_path: Path, month: str) -> None:
    book = tmp_path / "x.xlsx"
    result = run("init", book, "--branch", "火车站支行", "--month", month)
    assert result.exit_code == 2, result.output
    assert "--month" in result.output and "2026-11" in result.output
    assert "Traceback" not in result.output and "Invalid" not in result.output
    assert not book.exists()


def test_init_without_branch_says_what_is_blank(tmp_path: Path) -> None:
    result = run("init", tmp_path / "x.xlsx", "--month", "2026-11")
    assert result.exit_code == 0, result.output
    note, next_step = result.output.splitlines()[-2:]
    assert "网点名称" in note and "--branch" in note and "设置" in note
    assert "统计月份" not in note and next_step.startswith("下一步：")
    full = run("init", tmp_path / "y.xlsx", "--branch", "火车站支行", "--month", "2026-11")
    made, then = full.output.strip().splitlines()  # nothing blank: only what to do next
    assert made.startswith("已新建") and then.startswith("下一步：")


# ---------------------------------------------------------------- names at the file system's limit


@pytest.mark.parametrize("tail", ["", "abc", "abcdef", "abcdefghij"])  # 245 to 255 bytes
def test_a_workbook_named_near_the_limit_is_written_and_its_backups_kept(
    sample_copy: Path, tail: str
) -> None:
    """80 汉字 and .xlsx is 245 bytes, a legal name; its temporary file, lock and backups, named
    after it, were not (found by attacking the product: 文件名或路径太长 on every write), nor, a
    few bytes longer, the names of other programs' lock files looked for beside it (found by
    review)."""
    book = sample_copy.rename(sample_copy.with_name("网" * 80 + tail + ".xlsx"))
    from branchkit.writeback import backups_of

    for day in ("2026-11-18", "2026-11-19", "2026-11-20"):  # three changes, three backups
        result = run("refresh", book, "--date", day)
        assert result.exit_code == 0, result.output
    kept = backups_of(book)
    assert len(kept) == 3 and all(len(p.name.encode()) <= 255 for p in kept)
    assert [p.name for p in book.parent.iterdir() if p.name.startswith(".~")] == []
    assert "排行榜" in CalamineWorkbook.from_path(str(book)).sheet_names


def test_a_name_longer_than_the_system_takes_is_one_line(tmp_path: Path) -> None:
    book = tmp_path / ("网" * 90 + ".xlsx")
    for command in ("refresh", "fill", "build-agenda", "validate"):
        one_line_exit_2(run(command, book, *DAY), "文件名或路径太长")


def test_a_file_where_the_backups_go_is_one_line_and_nothing_is_written(
    sample_copy: Path,
) -> None:
    (sample_copy.parent / BACKUP_FOLDER).write_text("not a folder")
    before = sample_copy.read_bytes()
    one_line_exit_2(run("fill", sample_copy, *DAY), "备份”是一个文件", "文件未改动")
    assert sample_copy.read_bytes() == before


def test_an_open_document_spreadsheet_is_named_not_called_damaged(tmp_path: Path) -> None:
    """A .ods (a zip, with no xl/workbook.xml) was reported as a damaged workbook to restore from
    a backup (found by attacking the product)."""
    ods = tmp_path / "网点.ods"
    with zipfile.ZipFile(ods, "w") as package:
        package.writestr("mimetype", "application/vnd.oasis.opendocument.spreadsheet")
        package.writestr("content.xml", "<office:document-content/>")
    for command in ("fill", "validate"):
        line = one_line_exit_2(run(command, ods, *DAY), "OpenDocument", "另存为")
        assert "损坏" not in line and "备份" not in line


@pytest.mark.parametrize("command", ["weekly", "init"])
def test_a_name_too_long_for_the_folder_is_one_line_not_an_internal_error(
    sample_copy: Path, command: str
) -> None:
    """Found by an attack: weekly and init said 内部错误 (exit 3) for a file name longer than the
    folder takes; validate said it in one line."""
    too_long = sample_copy.parent / ("很长" * 90 + ".xlsx")  # 540 bytes in UTF-8
    args = {
        "weekly": ["weekly", sample_copy, "--week", "2026-W47", "--out", too_long],
        "init": ["init", too_long, "--month", "2026-12"],
    }[command]
    line = one_line_exit_2(run(*args), "文件名或路径太长")
    assert "内部错误" not in line
