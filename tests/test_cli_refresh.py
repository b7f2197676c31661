"""`branchkit refresh` and `branchkit rankings` through the real CLI, on the sample and the mess."""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import openpyxl
from branchkit import schema
from branchkit.cli import main
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

GENERATED = ["排行榜", "转介质量", "分润明细", "跟进提醒", "管理清单", "数据问题"]


def _load(path: Path) -> openpyxl.Workbook:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return openpyxl.load_workbook(path)


def _cells(wb: openpyxl.Workbook, name: str) -> list[tuple]:
    ws = wb[name]
    return [
        (
            c.coordinate,
            c.value,
            c.font.b,
            c.font.color and c.font.color.rgb,
            c.fill.fgColor.rgb,
            c.number_format,
            c.alignment.horizontal,
            c.border.left.style,
            c.protection.locked,
        )
        for row in ws.iter_rows()
        for c in row
    ]


def test_refresh_writes_every_tab_and_leaves_input_cells_alone(sample_copy: Path) -> None:
    before = _load(sample_copy)
    result = CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    for name in GENERATED:
        assert f"· {name}" in result.output
    after = _load(sample_copy)
    assert after.sheetnames[: len(before.sheetnames)] == before.sheetnames
    assert after.sheetnames[len(before.sheetnames) :] == GENERATED
    for sheet in ["说明", *(s.name for s in schema.INPUT_SHEETS)]:
        assert _cells(after, sheet) == _cells(before, sheet), sheet


def test_refreshed_tabs_carry_the_mark_and_masked_phones(sample_copy: Path) -> None:
    CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-11-20"])
    book = CalamineWorkbook.from_path(str(sample_copy))
    import re

    for name in GENERATED:
        rows = book.get_sheet_by_name(name).to_python()
        assert schema.GENERATED_MARK in rows[1][0]
        text = " ".join(str(v) for row in rows for v in row)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text), f"full phone in {name}"
        assert not re.search(r"(?<!\d)\d{17}[\dX](?!\d)", text), f"ID number in {name}"


def test_rankings_json_follows_spec_7(sample_copy: Path) -> None:
    result = CliRunner().invoke(
        main, ["rankings", str(sample_copy), "--date", "2026-11-20", "--json"]
    )
    data = json.loads(result.output)
    assert set(data) == {
        "网点",
        "日期",
        "期间",
        "时间进度",
        "人员",
        "之星",
        "跟进提醒",
        "未跟进",
        "无卡转介",
        "跨网点转介",
        "清单",
        "数据问题",
    }
    assert (data["网点"], data["日期"], data["期间"], data["时间进度"]) == (
        "火车站支行",
        "2026-11-20",
        "月",
        0.6667,
    )
    keys = {
        "姓名",
        "岗位",
        "转介数",
        "跟进数",
        "转介成功数",
        "转介成功率",
        "业绩",
        "目标",
        "完成率",
        "进度",
        "综合完成率",
        "排名得分",
        "综合进度",
        "排名",
    }
    assert all(set(p) == keys for p in data["人员"])
    assert set(data["之星"]) == {"每日之星", "每周之星", "每月之星"}
    assert all(f["客户"].endswith("*") for f in data["跟进提醒"])
    week = json.loads(
        CliRunner()
        .invoke(
            main,
            ["rankings", str(sample_copy), "--date", "2026-11-20", "--period", "week", "--json"],
        )
        .output
    )
    assert week["期间"] == "周"


def test_messy_workbook_refreshes_with_problems_at_their_cells(messy_copy: Path) -> None:
    result = CliRunner().invoke(main, ["refresh", str(messy_copy), "--date", "2026-11-20"])
    # The tabs are written, and the exit code says the workbook has 错误 (README: exit 1).
    assert result.exit_code == 1, result.output
    assert "10 个错误" in result.output  # the 8 planted plus 2 amounts beyond 单笔上限
    # ... and as many 警告 as validate counts for the day: D's own (a sale dated years before
    # the month) included
    checked = CliRunner().invoke(main, ["validate", str(messy_copy), "--date", "2026-11-20"])
    assert checked.output.strip().endswith("10 个错误，14 个警告")
    assert "数据问题：10 个错误，14 个警告" in result.output
    rows = CalamineWorkbook.from_path(str(messy_copy)).get_sheet_by_name("数据问题").to_python()
    located = {(r[1], r[3]) for r in rows}
    assert ("跟踪记录!L3", "不是金额") in located
    assert ("转介登记!A5", "不是日期") in located
    # The formula-looking customer name stays text in the workbook (never a formula).
    wb = _load(messy_copy)
    assert all(c.data_type != "f" for ws in wb.worksheets for row in ws.iter_rows() for c in row)


def test_refresh_twice_is_byte_identical(sample_copy: Path) -> None:
    CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-11-20"])
    first = sample_copy.read_bytes()
    CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-11-20"])
    assert sample_copy.read_bytes() == first


def test_refresh_refuses_an_open_workbook_and_out_writes_a_copy(
    sample_copy: Path, tmp_path: Path
) -> None:
    sample_copy.with_name("~$" + sample_copy.name).write_bytes(b"x")
    before = sample_copy.read_bytes()
    refused = CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-11-20"])
    assert refused.exit_code == 2 and "Excel 中打开" in refused.output
    out = tmp_path / "副本.xlsx"
    copied = CliRunner().invoke(
        main, ["refresh", str(sample_copy), "--date", "2026-11-20", "--out", str(out)]
    )
    assert copied.exit_code == 0, copied.output
    assert sample_copy.read_bytes() == before
    assert "排行榜" in CalamineWorkbook.from_path(str(out)).sheet_names


def test_rankings_on_a_terminal_line_up_and_say_what_json_says(sample_copy: Path) -> None:
    from branchkit.termtext import display_width

    args = ["rankings", str(sample_copy), "--date", "2026-11-20"]
    lines = CliRunner().invoke(main, args).output.splitlines()
    data = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    ranked = [p for p in data["人员"] if p["排名"] is not None]
    table = lines[1 : 2 + len(ranked)]
    assert table[0].split() == ["排名", "姓名", "岗位", "综合得分", "进度"]
    # Counted in terminal columns (a Chinese character takes two), the 岗位 column starts at the
    # same place on every line and the right-aligned percentages end at the same place.
    starts = {display_width(line[: line.rindex(line.split()[2])]) for line in table}
    assert len(starts) == 1 and len({display_width(line) for line in table}) == 1, table
    for line, person in zip(table[1:], ranked, strict=True):
        assert line.split() == [
            str(person["排名"]),
            person["姓名"],
            person["岗位"],
            f"{person['排名得分']:.1%}",  # the one composite, shown as 综合得分
            person["综合进度"],
        ]


def test_the_evening_meeting_can_be_asked_for_by_its_everyday_name(sample_copy: Path) -> None:
    def agenda(meeting: str) -> str:
        args = ["build-agenda", str(sample_copy), "--date", "2026-11-20", "--format", "txt"]
        result = CliRunner().invoke(main, [*args, "--meeting", meeting])
        assert result.exit_code == 0, result.output
        return result.output

    assert agenda("夕会") == agenda("daily") == agenda("日例会")
    assert agenda("夕会").startswith("火车站支行 夕会议程")


def test_every_printed_tab_but_the_problem_list_warns_of_errors_not_counted(
    tmp_path: Path,
) -> None:
    from .conftest import ROOT

    book = tmp_path / "messy.xlsx"
    book.write_bytes((ROOT / "samples" / "messy-branch.xlsx").read_bytes())
    result = CliRunner().invoke(main, ["refresh", str(book), "--date", "2026-11-20", "--json"])
    errors = json.loads(result.output)["错误"]
    assert errors > 0
    workbook = CalamineWorkbook.from_path(str(book))
    warning = f"注意：有 {errors} 个数据错误，相关数字未计入（见“数据问题”表）"
    for name in ("排行榜", "转介质量", "分润明细", "跟进提醒", "管理清单"):
        # the subtitle's parts, on as many lines as the tab's width takes
        rows = workbook.get_sheet_by_name(name).to_python()[1:4]
        assert warning in " · ".join(str(r[0]) for r in rows if r and r[0]), name
    assert "注意" not in workbook.get_sheet_by_name("数据问题").to_python()[1][0]


def test_a_card_without_a_number_is_shown_by_where_it_is_never_by_a_made_up_number(
    sample_copy: Path,
) -> None:
    from branchkit.read import read_book

    cards = read_book(sample_copy).referrals
    unnumbered = {row for rid, row in cards.zip("referral_id", "row") if not rid}
    numbered = {rid for rid in cards["referral_id"] if rid}
    data = json.loads(
        CliRunner()
        .invoke(main, ["rankings", str(sample_copy), "--date", "2026-11-20", "--json"])
        .output
    )
    shown = [card["转介编号"] for card in data["未跟进"]]
    assert any(s.startswith("未编号") for s in shown)  # the sample leaves some cards unnumbered
    for label in shown:
        if label not in numbered:
            row = int(label.removeprefix("未编号·第").removesuffix("行"))
            assert row in unnumbered, label


def test_a_date_outside_the_month_by_default_says_it_was_today(sample_copy: Path) -> None:
    """Without --date, D is today, long past the sample's 2026-11: the refusal says where the
    date came from and how to choose one (found by trying the product as a new user)."""
    result = CliRunner().invoke(main, ["refresh", str(sample_copy)])
    assert result.exit_code == 2
    assert result.output.strip().endswith(
        "（没有加 --date，按今天算；要看这个工作簿的某一天，请加 --date，如 --date 2026-11-30）"
    )
    given = CliRunner().invoke(main, ["refresh", str(sample_copy), "--date", "2026-12-01"])
    assert given.exit_code == 2 and "没有加 --date" not in given.output


def test_a_date_written_the_chinese_way_is_read(sample_copy: Path) -> None:
    result = CliRunner().invoke(main, ["rankings", str(sample_copy), "--date", "2026年11月20日"])
    assert result.exit_code == 0, result.output
    assert result.output.startswith("火车站支行 2026-11-20")


def test_json_asked_for_gets_json_even_when_the_command_is_refused(tmp_path: Path) -> None:
    """A script reading --json's stdout found nothing there on a refusal (found by trying the
    product as a new user): the one line still goes to stderr, and stdout has 错误信息 and 文件."""
    missing = tmp_path / "没有这个.xlsx"
    result = CliRunner().invoke(main, ["rankings", str(missing), "--date", "2026-11-20", "--json"])
    assert result.exit_code == 2
    assert json.loads(result.stdout) == {
        "错误信息": "找不到这个文件，请检查路径",
        "文件": str(missing),
    }
    assert "错误：" in result.stderr
    plain = CliRunner().invoke(main, ["rankings", str(missing), "--date", "2026-11-20"])
    assert plain.exit_code == 2 and plain.stdout == ""
