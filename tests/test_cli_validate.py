"""`branchkit validate` and `branchkit init` through the real CLI (CliRunner)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from branchkit.cli import main
from branchkit.problems import Level
from branchkit.read import read_book
from click.testing import CliRunner

from .conftest import MESSY, SAMPLE


def test_validate_clean_sample_exits_0() -> None:
    result = CliRunner().invoke(main, ["validate", str(SAMPLE)])
    assert result.exit_code == 0
    assert "没有发现数据问题" in result.output


def test_validate_messy_lists_problems_and_exits_1() -> None:
    result = CliRunner().invoke(main, ["validate", str(MESSY)])
    assert result.exit_code == 1
    assert "跟踪记录!L3  大概二十万左右" in result.output
    # two oversized amounts are 错误 (docs/口径.md#数据错误)
    assert "10 个错误，14 个警告" in result.output
    # and the month's own, as the 数据问题 tab lists them: a sale that falls before the month
    (line,) = [line for line in result.output.splitlines() if "跟踪记录!M2" in line]
    assert line.startswith("警告") and "推荐时间 2013-07-01 早于本月" in line


def test_validate_json_follows_spec_shape() -> None:
    result = CliRunner().invoke(main, ["validate", str(MESSY), "--json"])
    data = json.loads(result.output)
    assert data["网点"] == "测试支行"
    assert {
        "表": "跟踪记录",
        "单元格": "L3",
        "值": "大概二十万左右",
        "问题": "不是金额",
        "级别": "错误",
    } in data["数据问题"]


def test_unusable_file_is_one_line_and_exit_2(tmp_path: Path) -> None:
    bad = tmp_path / "notes.xlsx"
    bad.write_text("not excel")
    result = CliRunner().invoke(main, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.output.strip().count("\n") == 0
    assert "notes.xlsx" in result.output and "Traceback" not in result.output


def test_init_writes_a_blank_workbook_that_reads(tmp_path: Path) -> None:
    target = tmp_path / "新网点.xlsx"
    result = CliRunner().invoke(
        main, ["init", str(target), "--branch", "火车站支行", "--month", "2026-11"]
    )
    assert result.exit_code == 0, result.output
    book = read_book(target)
    assert book.settings.branch == "火车站支行"
    assert [p for p in book.problems if p.level is Level.ERROR] == []
    again = CliRunner().invoke(main, ["init", str(target)])
    assert again.exit_code == 2 and "已存在" in again.output


def test_the_collector_pauses_for_a_command_and_comes_back(monkeypatch: pytest.MonkeyPatch) -> None:
    """Commands run with the cyclic collector paused (speed); it is on again afterwards, also
    when the command fails."""
    import gc

    from branchkit import read

    seen: list[bool] = []
    real = read.read_book
    monkeypatch.setattr(read, "read_book", lambda path: seen.append(gc.isenabled()) or real(path))
    assert gc.isenabled()
    assert CliRunner().invoke(main, ["validate", str(SAMPLE)]).exit_code == 0
    assert seen == [False] and gc.isenabled()
    assert CliRunner().invoke(main, ["validate", "没有这个文件.xlsx"]).exit_code == 2
    assert gc.isenabled()


def test_doctor_lists_the_missing_sheets_and_only_those(tmp_path: Path) -> None:
    import xlsxwriter
    from branchkit.doctor import checks

    def sheets_check(book: Path) -> tuple[bool, str]:
        found = next(c for c in checks(book) if "工作表" in c.label and "控制台" not in c.label)
        return found.ok, found.label

    # The messy sample has 23 problems, a renamed sheet among them, but every input sheet.
    assert sheets_check(MESSY) == (True, "输入工作表齐全")
    partial = tmp_path / "缺表-2026-11.xlsx"
    workbook = xlsxwriter.Workbook(partial)
    workbook.add_worksheet("人员").write_row(0, 0, ["姓名", "岗位"])
    workbook.add_worksheet("产品").write_row(0, 0, ["产品名称", "指标", "单位"])
    workbook.close()
    ok, label = sheets_check(partial)
    missing = label.removeprefix("缺少工作表：").split("、")
    assert not ok and "目标" in missing and "追踪表" in missing
    assert "人员" not in missing and "产品" not in missing
