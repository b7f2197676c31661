"""What an output may replace, and what a file made from a private workbook may show (issue 23,
follow-up): the attacks a user makes by mistake with --out, --eml, a link or a hard link.

- an output is never the workbook it is made from, and a weekly, a rollup, a text or an e-mail
  never replaces an .xlsx a person keeps, even with --force;
- a file branchkit did not make for the purpose is replaced only with --force (and kept in 备份);
  one it made (the last run's weekly, agenda, e-mail) is replaced as before;
- every file made from a workbook is at most as readable as that workbook;
- a symbolic link is written through to its target; a hard-linked workbook is refused."""

from __future__ import annotations

import os
import re
import shutil
import stat
import struct
import zipfile
from pathlib import Path

import pytest
from branchkit.writeback import BACKUP_FOLDER
from python_calamine import CalamineWorkbook

from . import hostile
from .conftest import SAMPLE, SAMPLES
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]
WEEK = ["--week", "2026-W47"]
POSIX = pytest.mark.skipif(os.name != "posix", reason="POSIX permission bits and links")


def _sheets(path: Path) -> list[str]:
    return CalamineWorkbook.from_path(str(path)).sheet_names


# ---------------------------------------------------------------- never the source, never a workbook


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    "args",
    [
        ["weekly", "{book}", *WEEK, "--out", "{book}"],
        ["weekly", "{book}", *WEEK, "--eml", "{book}"],
        ["build-agenda", "{book}", *DAY, "--format", "md", "--out", "{book}"],
        ["build-agenda", "{book}", *DAY, "--format", "txt", "--out", "{book}"],
    ],
    ids=["weekly", "eml", "md", "txt"],
)
def test_an_output_never_replaces_the_workbook_it_is_made_from(
    sample_copy: Path, args: list[str], force: list[str]
) -> None:
    before = sample_copy.read_bytes()
    line = one_line_exit_2(run(*[a.format(book=sample_copy) for a in args], *force))
    assert "工作簿本身" in line, line
    assert sample_copy.read_bytes() == before
    assert sorted(p.name for p in sample_copy.parent.iterdir()) == [sample_copy.name]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    "args",
    [
        ["weekly", "{book}", *WEEK, "--out", "{other}"],
        ["weekly", "{book}", *WEEK, "--eml", "{other}"],
        ["build-agenda", "{book}", *DAY, "--format", "html", "--out", "{other}"],
    ],
    ids=["weekly", "eml", "html"],
)
def test_no_weekly_text_or_mail_replaces_a_workbook_a_person_keeps(
    sample_copy: Path, args: list[str], force: list[str]
) -> None:
    other = sample_copy.with_name("人民路支行-2026-11.xlsx")
    shutil.copy(SAMPLES / "城东分行" / other.name, other)
    before = other.read_bytes()
    command = [a.format(book=sample_copy, other=other) for a in args]
    one_line_exit_2(run(*command, *force), other.name)
    assert other.read_bytes() == before
    assert not (sample_copy.parent / BACKUP_FOLDER).exists()


def test_a_text_or_mail_is_not_named_like_a_workbook(sample_copy: Path) -> None:
    out = sample_copy.with_name("议程.xlsx")
    one_line_exit_2(run("build-agenda", sample_copy, *DAY, "--format", "md", "--out", out), ".xlsx")
    one_line_exit_2(run("weekly", sample_copy, *WEEK, "--eml", out), ".xlsx")
    assert not out.exists()


def test_a_refused_mail_leaves_no_weekly_behind(sample_copy: Path) -> None:
    one_line_exit_2(run("weekly", sample_copy, *WEEK, "--eml", sample_copy))
    assert [p.name for p in sample_copy.parent.iterdir()] == [sample_copy.name]


@pytest.mark.parametrize("force", [[], ["--force"]])
@pytest.mark.parametrize(
    "command", [["rollup", "{folder}", *DAY], ["weekly", "--rollup", "{folder}", *WEEK]]
)
def test_a_rollup_never_replaces_a_branch_workbook(
    tmp_path: Path, command: list[str], force: list[str]
) -> None:
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", folder)
    target = folder / "火车站支行-2026-11.xlsx"
    before = target.read_bytes()
    args = [a.format(folder=folder) for a in command]
    one_line_exit_2(run(*args, "--out", target, *force), target.name, "工作簿")
    assert target.read_bytes() == before
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        p.name for p in (SAMPLES / "城东分行").iterdir()
    )  # no store, no backup


def test_a_rollup_replaces_its_own_workbook_but_not_another_outputs(tmp_path: Path) -> None:
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", folder)
    out = tmp_path / "分行汇总.xlsx"
    for _ in range(2):
        assert run("rollup", folder, *DAY, "--out", out).exit_code == 0
    weekly = tmp_path / "周报.xlsx"
    made = run("weekly", folder / "滨江支行-2026-11.xlsx", *WEEK, "--out", weekly)
    assert made.exit_code == 1 and weekly.exists()  # made; exit 1: 滨江支行 has 错误
    line = one_line_exit_2(run("rollup", folder, *DAY, "--out", weekly), "--force")
    assert "分行汇总工作簿" in line
    assert run("rollup", folder, *DAY, "--out", weekly, "--force").exit_code == 0
    assert "网点排行" in _sheets(weekly)


# ---------------------------------------------------------------- a copy over another workbook


def test_a_copy_never_silently_replaces_another_branchs_workbook(tmp_path: Path) -> None:
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", folder)
    source, other = folder / "滨江支行-2026-11.xlsx", folder / "人民路支行-2026-11.xlsx"
    before = other.read_bytes()
    line = one_line_exit_2(run("refresh", source, *DAY, "--out", other), other.name, "--force")
    assert "已存在" in line
    assert other.read_bytes() == before

    forced = run("refresh", source, *DAY, "--out", other, "--force")
    assert forced.exit_code in (0, 1), forced.output
    assert "排行榜" in _sheets(other)
    kept = list((folder / BACKUP_FOLDER).iterdir())
    assert [p.read_bytes() for p in kept] == [before]  # the replaced workbook, whole


@pytest.mark.parametrize("command", ["refresh", "fill", "build-agenda"])
def test_out_over_an_existing_file_asks_for_force(
    sample_copy: Path, tmp_path: Path, command: str
) -> None:
    out = tmp_path / "副本.xlsx"
    shutil.copy(SAMPLE, out)
    one_line_exit_2(run(command, sample_copy, *DAY, "--out", out), "--force")
    assert out.read_bytes() == SAMPLE.read_bytes()
    assert run(command, sample_copy, *DAY, "--out", out, "--force").exit_code in (0, 1)
    assert out.read_bytes() != SAMPLE.read_bytes()


def test_out_naming_a_folder_is_one_line(sample_copy: Path, tmp_path: Path) -> None:
    folder = tmp_path / "周报"
    folder.mkdir()
    for args in (
        ["refresh", sample_copy, *DAY],
        ["weekly", sample_copy, *WEEK],
        ["build-agenda", sample_copy, *DAY, "--format", "md"],
    ):
        line = one_line_exit_2(run(*args, "--out", folder), "文件夹")
        assert "Is a directory" not in line
    assert list(folder.iterdir()) == []


# ---------------------------------------------------------------- what branchkit made, it replaces


def test_outputs_branchkit_made_are_replaced_by_the_next_run(sample_copy: Path) -> None:
    folder = sample_copy.parent
    for _ in range(2):
        assert run("weekly", sample_copy, *WEEK, "--eml", folder / "周报.eml").exit_code == 0
        for fmt in ("md", "html", "txt"):
            out = folder / f"夕会.{fmt}"
            result = run("build-agenda", sample_copy, *DAY, "--format", fmt, "--out", out)
            assert result.exit_code == 0, result.output
    assert not (folder / BACKUP_FOLDER).exists()  # nothing foreign was replaced


def test_a_weekly_made_before_its_property_existed_is_still_known(sample_copy: Path) -> None:
    """Weekly workbooks written by earlier versions carry the weekly mark in every sheet but no
    `branchkit` document property."""
    assert run("weekly", sample_copy, *WEEK).exit_code == 0
    weekly = next(p for p in sample_copy.parent.iterdir() if p.name.endswith("周报.xlsx"))
    with zipfile.ZipFile(weekly) as zf:
        assert b'name="branchkit"' in zf.read("docProps/custom.xml")
    old = hostile.rebuild(
        weekly.with_name("old.xlsx"), {"docProps/custom.xml": None}, source=weekly
    )
    old.replace(weekly)
    assert run("weekly", sample_copy, *WEEK).exit_code == 0
    assert not (sample_copy.parent / BACKUP_FOLDER).exists()


def test_a_file_branchkit_did_not_make_is_replaced_only_with_force(sample_copy: Path) -> None:
    notes = sample_copy.with_name("夕会.md")
    notes.write_text("我自己的笔记\n", encoding="utf-8")
    args = ["build-agenda", sample_copy, *DAY, "--format", "md", "--out", notes]
    line = one_line_exit_2(run(*args), "--force")
    assert "不是 branchkit 生成的" in line
    assert notes.read_text(encoding="utf-8") == "我自己的笔记\n"
    assert run(*args, "--force").exit_code == 0
    assert "夕会议程" in notes.read_text(encoding="utf-8")
    (kept,) = (sample_copy.parent / BACKUP_FOLDER).iterdir()
    assert kept.read_text(encoding="utf-8") == "我自己的笔记\n"


def test_make_demo_runs_twice(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The Makefile's demo commands, run twice over the same outputs: every second run is
    accepted (its files are the first run's, or it says --force), so `make demo` repeats."""
    root = Path(__file__).resolve().parents[1]
    makefile = (root / "Makefile").read_text(encoding="utf-8")
    variables = dict(re.findall(r"^(\w+)\s*:?=\s*(.*?)\s*$", makefile, re.M))
    variables["OUTDIR"] = str(tmp_path / "demo")
    block = makefile.split("\ndemo:", 1)[1].split("\n\n", 1)[0]
    commands = [
        line.split("$(BIN)/branchkit ", 1)[1].split(" || ")[0]
        for line in block.splitlines()
        if "$(BIN)/branchkit" in line
    ]
    assert len(commands) >= 5
    monkeypatch.chdir(root)  # the demo's paths are the checkout's
    for _ in range(2):
        for command in commands:
            words = [re.sub(r"\$\((\w+)\)", lambda m: variables[m[1]], w) for w in command.split()]
            result = run(*words)
            assert result.exit_code in (0, 1), (words, result.output)


# ---------------------------------------------------------------- permissions of what is made


def _private(path: Path) -> bool:
    return stat.S_IMODE(path.stat().st_mode) & 0o077 == 0


@POSIX
def test_every_file_made_from_a_private_workbook_is_private(tmp_path: Path) -> None:
    book = tmp_path / "p.xlsx"
    shutil.copy(SAMPLE, book)
    book.chmod(0o600)
    commands = [
        ["add-buttons", book],
        ["init", tmp_path / "p12.xlsx", "--from", book],
        ["init", tmp_path / "p12m.xlsm", "--from", book, "--macros"],
        ["refresh", book, *DAY, "--out", tmp_path / "copy.xlsx"],
        ["fill", book, *DAY, "--out", tmp_path / "filled.xlsx"],
        ["build-agenda", book, *DAY, "--out", tmp_path / "agenda.xlsx"],
        ["build-agenda", book, *DAY, "--format", "md", "--out", tmp_path / "agenda.md"],
        ["weekly", book, *WEEK, "--out", tmp_path / "weekly.xlsx", "--eml", tmp_path / "w.eml"],
    ]
    for command in commands:
        result = run(*command)
        assert result.exit_code in (0, 1), (command, result.output)
    made = [p for p in tmp_path.iterdir() if p.is_file() and p.suffix != ".sh" and p != book]
    made = [p for p in made if p.suffix != ".cmd"]  # launchers hold only the workbook's name
    assert len(made) == 9, made
    assert [p.name for p in made if not _private(p)] == []


ACCESS_LIST = "system.posix_acl_access"


def _access_list(path: Path) -> bytes:
    """A POSIX access list as Linux keeps it: its owner and user 1000 may read and write, its
    owning group nothing (the mode's group bits then show the mask, rw)."""

    def entry(tag: int, perm: int, who: int = 0xFFFFFFFF) -> bytes:
        return struct.pack("<HHI", tag, perm, who)

    acl = struct.pack("<I", 2) + entry(0x01, 6) + entry(0x02, 6, 1000) + entry(0x04, 0)
    acl += entry(0x10, 6) + entry(0x20, 0)
    try:
        os.setxattr(path, ACCESS_LIST, acl)
        os.setxattr(path, "user.classification", b"secret")
    except (AttributeError, OSError) as exc:  # not Linux, or a file system without them
        pytest.skip(f"no extended attributes here: {exc}")
    return acl


@POSIX
def test_a_workbook_kept_private_by_an_access_list_stays_private(tmp_path: Path) -> None:
    """A workbook readable by its owner and one colleague (user 1000) through an access list,
    mode 0660: the replaced workbook and its backup keep the list (without it, the group bits —
    the list's mask — would let the owning group read it), and what is made from it is its
    owner's alone (found by attacking the product)."""
    book = tmp_path / "p.xlsx"
    shutil.copy(SAMPLE, book)
    book.chmod(0o660)
    acl = _access_list(book)
    filled = run("fill", book, *DAY)
    assert filled.exit_code in (0, 1), filled.output
    (backup,) = (tmp_path / BACKUP_FOLDER).iterdir()
    for kept in (book, backup):
        assert os.getxattr(kept, ACCESS_LIST) == acl, kept
        assert os.getxattr(kept, "user.classification") == b"secret", kept
    for command in (
        ["refresh", book, *DAY, "--out", tmp_path / "copy.xlsx"],
        ["weekly", book, *WEEK, "--out", tmp_path / "weekly.xlsx", "--eml", tmp_path / "w.eml"],
        ["build-agenda", book, *DAY, "--format", "md", "--out", tmp_path / "agenda.md"],
    ):
        result = run(*command)
        assert result.exit_code in (0, 1), (command, result.output)
    made = ["copy.xlsx", "weekly.xlsx", "w.eml", "agenda.md"]
    assert [name for name in made if not _private(tmp_path / name)] == []


def _entries(path: Path) -> dict[tuple[int, int], int]:
    """The access list of `path`: (tag, who) -> permission bits."""
    data = os.getxattr(path, ACCESS_LIST)[4:]
    return {(tag, who): perm for tag, perm, who in struct.iter_unpack("<HHI", data)}


@POSIX
def test_a_list_that_cannot_be_copied_leaves_the_workbook_its_owners(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Where the access list cannot be set on the new file (a file system that refuses it), the
    rewritten workbook and its backup are its owner's alone — after their last chmod, which
    would otherwise give the group what the list's mask allowed (found reading the change)."""
    book = tmp_path / "p.xlsx"
    shutil.copy(SAMPLE, book)
    book.chmod(0o660)
    _access_list(book)
    setxattr = os.setxattr

    def refusing(path: object, name: str, *args: object) -> None:
        if name == ACCESS_LIST:
            raise PermissionError(1, "Operation not permitted")
        setxattr(path, name, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(os, "setxattr", refusing)
    filled = run("fill", book, *DAY)
    assert filled.exit_code in (0, 1), filled.output
    (backup,) = (tmp_path / BACKUP_FOLDER).iterdir()
    assert _private(book) and _private(backup)


@POSIX
@pytest.mark.parametrize("source_mode", [0o600, 0o644])
def test_a_file_replaced_by_a_copy_keeps_its_list_and_grows_no_wider(
    tmp_path: Path, source_mode: int
) -> None:
    """--out over a file with an access list (a shared folder's): the copy keeps the list —
    its owning group still reads nothing — and its mask is narrowed to what the workbook it is
    made from allows: nobody gains access (found by reviewing the change, and by a user: the
    list dropped, the mask's bits became the group's)."""
    book, target = tmp_path / "p.xlsx", tmp_path / "shared.xlsx"
    shutil.copy(SAMPLE, book)
    book.chmod(source_mode)
    shutil.copy(SAMPLE, target)
    target.chmod(0o660)
    _access_list(target)
    result = run("refresh", book, *DAY, "--out", target, "--force")
    assert result.exit_code in (0, 1), result.output
    entries = _entries(target)
    assert entries[(0x04, 0xFFFFFFFF)] == 0 and entries[(0x20, 0xFFFFFFFF)] == 0
    mask = stat.S_IMODE(target.stat().st_mode) >> 3 & 0o7  # the mask: bounds user 1000 too
    assert mask <= (source_mode >> 3 & 0o7)


@POSIX
@pytest.mark.parametrize("private", ["by its mode", "by an access list"])
def test_a_rollup_is_no_wider_than_the_most_private_branch_workbook(
    tmp_path: Path, private: str
) -> None:
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", folder)
    kept = folder / "人民路支行-2026-11.xlsx"
    if private == "by its mode":
        kept.chmod(0o600)
    else:  # 0660 whose group bits are the list's mask: its owning group may read nothing
        kept.chmod(0o660)
        _access_list(kept)
    out, weekly = tmp_path / "汇总.xlsx", tmp_path / "分行周报.xlsx"
    parquet = tmp_path / "数据平台"
    rolled = run("rollup", folder, *DAY, "--out", out, "--export-parquet", parquet)
    assert rolled.exit_code in (0, 1)
    assert run("weekly", "--rollup", folder, *WEEK, "--out", weekly).exit_code in (0, 1)
    assert _private(out) and _private(weekly)
    # The history store and its Parquet files hold every person's figures too (found by
    # attacking the product: they were left at 0644).
    exported = sorted(parquet.rglob("*.parquet"))
    assert (
        exported
        and [p.name for p in [out.parent / "分行汇总.duckdb", *exported] if not _private(p)] == []
    )


@POSIX
def test_the_history_store_of_readable_workbooks_stays_readable(tmp_path: Path) -> None:
    """Private only where a workbook is: under umask 022 the store of 0644 workbooks is 0644,
    as the rollup workbook is."""
    folder = tmp_path / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", folder)
    for book in folder.iterdir():
        book.chmod(0o644)
    umask = os.umask(0o022)
    try:
        out = tmp_path / "汇总.xlsx"
        assert run("rollup", folder, *DAY, "--out", out).exit_code in (0, 1)
    finally:
        os.umask(umask)
    for made in (out, out.parent / "分行汇总.duckdb"):
        assert stat.S_IMODE(made.stat().st_mode) == 0o644, made


@POSIX
def test_a_replaced_output_is_no_wider_than_the_workbook_it_is_made_from(
    sample_copy: Path,
) -> None:
    assert run("weekly", sample_copy, *WEEK).exit_code == 0
    weekly = next(p for p in sample_copy.parent.iterdir() if p.name.endswith("周报.xlsx"))
    weekly.chmod(0o644)
    sample_copy.chmod(0o600)
    assert run("weekly", sample_copy, *WEEK).exit_code == 0
    assert stat.S_IMODE(weekly.stat().st_mode) == 0o600


@POSIX
def test_a_copy_of_a_group_readable_workbook_keeps_what_its_group_may_do(
    sample_copy: Path, tmp_path: Path
) -> None:
    sample_copy.chmod(0o640)
    out = tmp_path / "副本.xlsx"
    assert run("refresh", sample_copy, *DAY, "--out", out).exit_code in (0, 1)
    umask = os.umask(0o022)
    os.umask(umask)
    assert stat.S_IMODE(out.stat().st_mode) == 0o640 & ~umask
    assert out.stat().st_gid == sample_copy.stat().st_gid


# ---------------------------------------------------------------- links


@POSIX
def test_a_symbolic_link_is_written_through_to_the_workbook_it_names(tmp_path: Path) -> None:
    real = tmp_path / "real" / "网点.xlsx"
    real.parent.mkdir()
    shutil.copy(SAMPLE, real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    before = real.read_bytes()
    result = run("fill", link, *DAY)
    assert result.exit_code in (0, 1), result.output
    assert link.is_symlink() and link.resolve() == real
    assert real.read_bytes() != before
    assert [p.read_bytes() for p in (real.parent / BACKUP_FOLDER).iterdir()] == [before]
    assert not (tmp_path / BACKUP_FOLDER).exists()


@POSIX
@pytest.mark.parametrize("beside", ["target", "link"])
def test_a_lock_file_beside_a_links_target_or_the_link_stops_the_write(
    tmp_path: Path, beside: str
) -> None:
    real = tmp_path / "real" / "网点.xlsx"
    real.parent.mkdir()
    shutil.copy(SAMPLE, real)
    link = tmp_path / "link.xlsx"
    link.symlink_to(real)
    lock = hostile.opened_in(real if beside == "target" else link, "Excel")
    one_line_exit_2(run("refresh", link, *DAY), lock.name)
    assert real.read_bytes() == SAMPLE.read_bytes() and link.is_symlink()


@POSIX
def test_a_hard_linked_workbook_is_refused_not_split(sample_copy: Path) -> None:
    twin = sample_copy.with_name("同一个.xlsx")
    os.link(sample_copy, twin)
    before = sample_copy.read_bytes()
    for command in (["fill", sample_copy, *DAY], ["refresh", twin, *DAY]):
        one_line_exit_2(run(*command), "硬链接")
    assert sample_copy.read_bytes() == before and sample_copy.stat().st_nlink == 2
    assert not (sample_copy.parent / BACKUP_FOLDER).exists()


# ---------------------------------------------------------------- a workbook open in Excel


@pytest.mark.parametrize(
    ("command", "button"),
    [("fill", "填写"), ("refresh", "刷新排行"), ("build-agenda", "生成夕会议程")],
)
def test_the_excel_lock_is_named_with_the_commands_own_button(
    sample_copy: Path, command: str, button: str
) -> None:
    lock = hostile.opened_in(sample_copy, "Excel")
    line = one_line_exit_2(run(command, sample_copy, *DAY), lock.name, f"“{button}”", "异常退出")
    assert "删除这个锁文件" in line
    assert command == "refresh" or "刷新" not in line


def test_a_command_without_out_is_not_told_to_use_it(sample_copy: Path) -> None:
    hostile.opened_in(sample_copy, "Excel")
    line = one_line_exit_2(run("init", sample_copy, "--upgrade"), "~$")
    assert "--out" not in line and "按钮" not in line


@pytest.mark.parametrize("command", ["refresh", "fill", "build-agenda"])
@pytest.mark.parametrize("spelled", ["itself", "dot", "link"])
def test_out_naming_the_workbook_itself_is_refused(
    sample_copy: Path, command: str, spelled: str
) -> None:
    """--out promises the workbook stays as it is; naming the workbook again (as ./name, or
    through a link) wrote it in place (found by attacking the product)."""
    out = {
        "itself": sample_copy,
        "dot": sample_copy.parent / "." / sample_copy.name,
        "link": sample_copy.parent / "链接.xlsx",
    }[spelled]
    if spelled == "link":
        out.symlink_to(sample_copy)
    before = sample_copy.read_bytes()
    message = one_line_exit_2(run(command, sample_copy, *DAY, "--out", out))
    assert "--out 指向的就是这个工作簿" in message
    assert sample_copy.read_bytes() == before
    assert not (sample_copy.parent / BACKUP_FOLDER).exists()
