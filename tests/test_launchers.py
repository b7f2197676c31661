"""Issue 27: the four buttons without macros, for WPS and LibreOffice — 填写, 刷新, 夕会, 周报 as
double-click scripts beside the workbook, each running the command line on it after asking the
user to close it. The .sh scripts are run here, with this venv's Python, on the sample month."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from branchkit.cli import main
from branchkit.launchers import LAUNCHERS, MARK
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .conftest import SAMPLE
from .windows_pc import PC, with_python

NAMES = ["填写", "刷新", "夕会", "周报"]
ODD = "火车站 支行 100% & 11月.xlsx"  # a space, a percent sign, an ampersand


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    where = tmp_path / "网点 文件夹"
    where.mkdir()
    shutil.copyfile(SAMPLE, where / ODD)
    return where


def _init(book: Path, pc: PC | None = None, monkeypatch: pytest.MonkeyPatch | None = None) -> str:
    if pc is not None and monkeypatch is not None:
        monkeypatch.setattr("branchkit.launchers.this_machine", lambda: pc)
    result = CliRunner().invoke(main, ["init", str(book), "--launchers"])
    assert result.exit_code == 0, result.output
    return result.output


def test_init_launchers_puts_four_scripts_of_each_kind_beside_the_workbook(folder: Path) -> None:
    book = folder / ODD
    before = book.read_bytes()
    said = _init(book)
    assert [launcher.name for launcher in LAUNCHERS] == NAMES
    assert sorted(p.name for p in folder.iterdir() if p != book) == sorted(
        f"{n}{s}" for n in NAMES for s in (".cmd", ".sh")
    )
    assert book.read_bytes() == before  # an existing workbook is not touched
    assert "填写.cmd" in said


def test_the_cmd_scripts_show_chinese_and_quote_the_path(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """UTF-8 without a byte-order mark, code page 65001 set before the first Chinese line, CRLF
    line ends; the workbook beside the script, quoted, its % doubled; this PC's python.exe."""
    _init(folder / ODD, with_python(PC()), monkeypatch)
    for name in NAMES:
        data = (folder / f"{name}.cmd").read_bytes()
        assert not data.startswith(b"\xef\xbb\xbf")
        text = data.decode("utf-8")
        lines = text.split("\r\n")
        assert "\n" not in text.replace("\r\n", "")
        assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
        assert all(line.isascii() for line in lines[:2])
        assert any("关闭这个工作簿" in line and line.startswith("echo ") for line in lines)
        assert "pause >nul" in lines
        run = next(line for line in lines if "-m branchkit" in line)
        command = next(launcher.command for launcher in LAUNCHERS if launcher.name == name)
        assert run == (
            r'"%LOCALAPPDATA%\Programs\Python\Python311\python.exe" -m branchkit '
            + " ".join(command)
            + ' "%~dp0火车站 支行 100%% & 11月.xlsx" %*'
        )
        title = next(line for line in lines if line.startswith("title "))
        assert "^&" in title and "100%%" in title  # echo text: operators escaped


def test_the_sh_scripts_are_executable_and_quote_the_path(folder: Path) -> None:
    _init(folder / ODD)
    for name in NAMES:
        script = folder / f"{name}.sh"
        assert os.access(script, os.X_OK)
        text = script.read_text(encoding="utf-8")
        assert text.startswith("#!/bin/sh\n") and "\r" not in text
        assert f"'{sys.executable}' -m branchkit" in text
        assert "'./火车站 支行 100% & 11月.xlsx' \"$@\"" in text
        assert "关闭这个工作簿" in text


def _run(script: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["sh", str(script), *args],
        input="\n\n",
        capture_output=True,
        text=True,
        timeout=300,
        cwd="/",
    )


@pytest.mark.slow
def test_the_sh_scripts_run_the_command_line_on_the_workbook(folder: Path) -> None:
    """Started from another folder, as a desktop starts them; --date is passed through (the
    sample is a past month)."""
    book = folder / ODD
    _init(book)
    filled = _run(folder / "填写.sh", "--date", "2026-11-20")
    assert "关闭这个工作簿" in filled.stdout and "已填写" in filled.stdout, filled.stderr
    assert filled.returncode in (0, 1)  # 1: the sample has data errors on purpose
    refreshed = _run(folder / "刷新.sh", "--date", "2026-11-20")
    assert refreshed.returncode in (0, 1), refreshed.stderr
    agenda = _run(folder / "夕会.sh", "--date", "2026-11-20")
    assert agenda.returncode in (0, 1), agenda.stderr
    sheets = CalamineWorkbook.from_path(str(book)).sheet_names
    assert "排行榜" in sheets and "夕会议程" in sheets


def test_a_script_of_the_same_name_that_is_not_ours_is_left_alone(folder: Path) -> None:
    theirs = folder / "填写.cmd"
    theirs.write_bytes(b"@echo off\r\necho our own\r\n")
    result = CliRunner().invoke(main, ["init", str(folder / ODD), "--launchers"])
    assert result.exit_code == 0
    assert theirs.read_bytes() == b"@echo off\r\necho our own\r\n"
    assert "未改动" in result.output and "填写.cmd" in result.output
    assert MARK in (folder / "刷新.cmd").read_text(encoding="utf-8")


def test_ours_are_replaced_when_made_again(folder: Path) -> None:
    _init(folder / ODD)
    (folder / "周报.sh").write_text(f"# {MARK}: old\n", encoding="utf-8")
    _init(folder / ODD)
    assert "weekly" in (folder / "周报.sh").read_text(encoding="utf-8")


def test_a_new_workbook_comes_with_its_scripts(tmp_path: Path) -> None:
    book = tmp_path / "新.xlsx"
    _init(book)
    assert book.exists() and (tmp_path / "刷新.cmd").exists()


def test_add_buttons_puts_them_beside_the_macro_workbook(sample_copy: Path) -> None:
    result = CliRunner().invoke(main, ["add-buttons", str(sample_copy)])
    assert result.exit_code == 0, result.output
    text = (sample_copy.parent / "填写.cmd").read_text(encoding="utf-8")
    assert f'"%~dp0{sample_copy.stem}.xlsm"' in text


# ---------------------------------------------------------------- one folder, several workbooks


def _runs_on(folder: Path) -> set[str]:
    """The workbook each of the eight scripts runs."""
    from branchkit.launchers import runs_on

    return {runs_on((folder / f"{n}{s}").read_bytes()) for n in NAMES for s in (".cmd", ".sh")}


def test_scripts_made_for_another_workbook_are_left_alone_and_said(folder: Path) -> None:
    other = folder / "人民路支行-2026-11.xlsx"
    shutil.copyfile(SAMPLE, other)
    _init(folder / ODD)
    result = CliRunner().invoke(main, ["init", str(other), "--launchers"])
    assert result.exit_code == 0, result.output
    assert _runs_on(folder) == {ODD}
    told = result.output.strip().splitlines()[-1]
    assert ODD in told and f"branchkit init {other.name} --launchers --force" in told
    forced = CliRunner().invoke(main, ["init", str(other), "--launchers", "--force"])
    assert forced.exit_code == 0, forced.output
    assert _runs_on(folder) == {other.name}
    assert other.read_bytes() == SAMPLE.read_bytes()  # only the scripts were written


def test_next_months_workbook_takes_over_last_months_scripts(folder: Path) -> None:
    _init(folder / ODD)
    december = folder / "火车站支行-2026-12.xlsx"
    result = CliRunner().invoke(
        main, ["init", str(december), "--from", str(folder / ODD), "--launchers"]
    )
    assert result.exit_code == 0, result.output
    assert _runs_on(folder) == {december.name}
    assert f"原来运行的是 {ODD}" in result.output


def test_add_buttons_moves_the_scripts_on_to_the_macro_workbook(folder: Path) -> None:
    _init(folder / ODD)
    result = CliRunner().invoke(main, ["add-buttons", str(folder / ODD)])
    assert result.exit_code == 0, result.output
    assert _runs_on(folder) == {Path(ODD).stem + ".xlsm"}


def test_a_new_macro_workbook_comes_with_its_scripts(tmp_path: Path) -> None:
    """README: init --macros, like add-buttons, puts the scripts beside the workbook."""
    book = tmp_path / "网点.xlsm"
    result = CliRunner().invoke(main, ["init", str(book), "--macros", "--month", "2026-11"])
    assert result.exit_code == 0, result.output
    assert _runs_on(tmp_path) == {book.name}
