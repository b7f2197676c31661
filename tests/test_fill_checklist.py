"""What `branchkit fill` plans for the checklist (docs/工作簿.md#填写, docs/工作簿.md#默认清单): D's
每日清单 rows by 频次 with their 责任人, and each problem found as an open 整改 action. Worked out
by hand on the branch of test_checklist_figures (roster: 李四 客户助理, 王五 大堂经理, 赵六
理财经理, 周敏 厅堂主管; nobody is 内勤行长).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from branchkit import fill
from branchkit.figures import compute
from branchkit.read import load_book
from hypothesis import given, settings
from hypothesis import strategies as st

from . import test_checklist_figures as checklist
from .test_fill_plan import _apply

D = checklist.D


def _plan(raw: dict[str, list[list[Any]]], day: dt.date = D) -> fill.FillPlan:
    book = load_book(raw, "测试支行-2026-11.xlsx")
    return fill.plan(book, compute(book, day))


def _rows(plan: fill.FillPlan, sheet: str) -> list[dict[str, Any]]:
    return [r.values for r in plan.rows if r.sheet == sheet]


def test_the_items_due_on_a_day_get_their_rows_with_an_owner_on_duty() -> None:
    # Monday 11-30 is the month's last open day: 晨会, 电话外呼, 厅堂巡查 every day, 月检 每月末;
    # 周例会 is on Fridays. Nobody's duty is recorded, so everyone active counts. Nobody is
    # 内勤行长 and 设置 names no 网点负责人: 月检 goes to the meeting's host, 周敏 (厅堂主管).
    plan = _plan(checklist.raw(), dt.date(2026, 11, 30))
    day = dt.date(2026, 11, 30)
    assert _rows(plan, "checklist") == [
        {"date": day, "period": "营业前", "item": "晨会", "owner": "周敏"},
        {"date": day, "period": "营业中", "item": "电话外呼", "owner": "赵六"},
        {"date": day, "period": "营业中", "item": "厅堂巡查", "owner": "王五"},
        {"date": day, "period": "营业后", "item": "月检", "owner": "周敏"},
    ]
    assert plan.skipped == []  # an owner for every item: nothing to say item by item


def test_the_owner_comes_from_the_day_overview_when_it_says_who_is_on_duty() -> None:
    # Friday 11-27: 周敏 and 李四 on duty. 周例会 falls due; no 理财经理 or 大堂经理 is there, so
    # 电话外呼 and 厅堂巡查 go to the host, 周敏 (厅堂主管 on duty).
    day = dt.date(2026, 11, 27)
    raw = checklist.raw(每日概况=[["日期", "当班人员"], ["2026-11-27", "周敏、李四"]])
    assert _rows(_plan(raw, day), "checklist") == [
        {"date": day, "period": "营业前", "item": "晨会", "owner": "周敏"},
        {"date": day, "period": "营业中", "item": "电话外呼", "owner": "周敏"},
        {"date": day, "period": "营业中", "item": "厅堂巡查", "owner": "周敏"},
        {"date": day, "period": "营业后", "item": "周例会", "owner": "周敏"},
    ]


def test_an_item_nobody_on_duty_holds_goes_to_the_branch_head_then_the_host() -> None:
    # Friday 11-27, only 李四 (客户助理) on duty: no 厅堂主管 to host. 设置 names 陈行长 as
    # 网点负责人: every item no one on duty can take is theirs. Without one, 设置 夕会主持人
    # 王五 hosts and takes them; with neither, the rows stay without an owner, said in one line.
    day = dt.date(2026, 11, 27)
    overview = [["日期", "当班人员"], ["2026-11-27", "李四"]]
    items = ["晨会", "电话外呼", "厅堂巡查", "周例会"]

    def owners(*settings: list[str]) -> list[str | None]:
        raw = checklist.raw(每日概况=overview)
        raw["设置"] = [*raw["设置"], *settings]
        rows = _rows(_plan(raw, day), "checklist")
        assert [r["item"] for r in rows] == items
        return [r.get("owner") for r in rows]

    assert owners(["网点负责人", "陈行长"], ["夕会主持人", "王五"]) == ["陈行长"] * 4
    assert owners(["夕会主持人", "王五"]) == ["王五"] * 4
    raw = checklist.raw(每日概况=overview)
    plan = _plan(raw, day)
    assert [r.get("owner") for r in _rows(plan, "checklist")] == [None] * 4
    assert [(s.sheet, s.column) for s in plan.skipped] == [("checklist", "owner")]
    assert "4 项" in plan.skipped[0].reason


def test_a_day_that_has_its_rows_gets_none_again() -> None:
    # 11-20 has 晨会, 电话外呼, 厅堂巡查 and 周例会 already (rows 8–11); 月检 is not due.
    assert _rows(_plan(checklist.raw()), "checklist") == []


def test_each_problem_found_becomes_one_open_action() -> None:
    # 叫号机卡纸 and 迟到两人 have theirs; 利率牌过期, found 11-16 and again 11-18, gets one;
    # LED屏不亮 has no measure, owner or deadline yet: its 责任人 answers for it.
    assert _rows(_plan(checklist.raw()), "actions") == [
        {
            "raised_on": dt.date(2026, 11, 16),
            "item": "整改：利率牌过期（厅堂巡查）：更新利率牌",
            "state": "未完成",
            "owner": "周敏",
            "due": dt.date(2026, 11, 18),
        },
        {
            "raised_on": D,
            "item": "整改：LED屏不亮（厅堂巡查）",
            "state": "未完成",
            "owner": "王五",
        },
    ]


def test_an_action_whose_measure_was_reworded_is_still_the_same_action() -> None:
    actions = [*checklist.ACTIONS, ["2026-11-16", "整改：利率牌过期（厅堂巡查）：换新牌", "周敏"]]
    added = [r["item"] for r in _rows(_plan(checklist.raw(行动计划=actions)), "actions")]
    assert added == ["整改：LED屏不亮（厅堂巡查）"]


def test_a_workbook_without_the_checklist_sheet_gets_no_checklist_rows() -> None:
    raw = checklist.raw()
    del raw["每日清单"]
    assert _rows(_plan(raw, dt.date(2026, 11, 30)), "checklist") == []


def _with_sheets(raw: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    return {**raw, "每日清单": [list(r) for r in raw["每日清单"]]}


def test_filling_twice_plans_no_checklist_row_or_action_the_second_time() -> None:
    day = dt.date(2026, 11, 30)
    raw = checklist.raw()
    first = _plan(raw, day)
    assert _rows(first, "checklist") and _rows(first, "actions")
    second = _plan(_apply(_with_sheets(raw), first), day)
    assert (_rows(second, "checklist"), _rows(second, "actions")) == ([], [])


@settings(max_examples=20, deadline=None)
@given(st.dates(min_value=dt.date(2026, 11, 1), max_value=dt.date(2026, 11, 30)))
def test_checklist_fill_is_idempotent_on_any_day(day: dt.date) -> None:
    raw = checklist.raw()
    second = _plan(_apply(_with_sheets(raw), _plan(raw, day)), day)
    assert (second.cells, second.rows) == ([], [])


# ---------------------------------------------------------------- through the writer


def test_fill_writes_the_days_checklist_into_the_sample(sample_copy: Path) -> None:
    """Saturday 11-21 of the sample: every item due that day, each with the on-duty holder of its
    role (the sample has no 每日概况 row for the 21st, so everyone 在岗 is on duty); run twice,
    the second run writes nothing."""
    from branchkit.cli import main
    from click.testing import CliRunner
    from python_calamine import CalamineWorkbook

    before = CalamineWorkbook.from_path(str(sample_copy)).get_sheet_by_name("每日清单").to_python()
    first = CliRunner().invoke(main, ["fill", str(sample_copy), "--date", "2026-11-21"])
    assert first.exit_code == 0, first.output
    rows = CalamineWorkbook.from_path(str(sample_copy)).get_sheet_by_name("每日清单").to_python()
    added = rows[len(before) :]
    # 28 default items less 厅堂微沙龙 (Wednesdays), 外拓营销 and 周例会 (Fridays) and the
    # month-end check.
    assert f"每日清单：新增 {len(added)} 行" in first.output and len(added) == 24
    owners = {row[2]: row[3] for row in added}
    assert (
        owners["晨会"],
        owners["厅堂环境6S"],
        owners["电话外呼"],
        owners["营业终了安全检查"],
    ) == (
        "周敏",
        "王五",
        "赵六",
        "何平",
    )
    assert all(row[4] == "" for row in added)  # 完成情况 is the supervisor's to fill
    second = CliRunner().invoke(main, ["fill", str(sample_copy), "--date", "2026-11-21"])
    assert second.exit_code == 0 and "没有需要填写的内容" in second.output


def test_the_fill_button_writes_the_same_checklist_rows(sample_copy: Path) -> None:
    from branchkit import excel
    from branchkit.cli import main
    from click.testing import CliRunner
    from python_calamine import CalamineWorkbook

    from .conftest import SAMPLE
    from .test_excel_buttons import _click, _normalize, _open_book

    day = dt.date(2026, 11, 21)
    book = _open_book(SAMPLE, day)
    assert _click(book, excel.fill).startswith("已填写（2026-11-21）")
    assert CliRunner().invoke(main, ["fill", str(sample_copy), "--date", str(day)]).exit_code == 0
    for name in ("每日清单", "行动计划"):
        from_file = CalamineWorkbook.from_path(str(sample_copy)).get_sheet_by_name(name).to_python()
        sheet = next(s for s in book.sheets if s.name == name)
        for r, row in enumerate(from_file, start=1):
            for c, value in enumerate(row, start=1):
                assert _normalize(sheet.cells.get((r, c))) == _normalize(value), (name, r, c)


def test_a_day_with_nobody_on_duty_or_on_the_roster_is_said_once_not_per_item() -> None:
    # A workbook just made by `init`: no 人员, no 每日概况. The rows still come (the list of what
    # must happen does not depend on who is in), and one note says why none has an owner.
    raw = checklist.raw(人员=[["姓名", "岗位", "在岗"]])
    day = dt.date(2026, 11, 30)
    plan = _plan(raw, day)
    rows = _rows(plan, "checklist")
    assert [r["item"] for r in rows] == ["晨会", "电话外呼", "厅堂巡查", "月检"]
    assert all("owner" not in r for r in rows)
    assert [(s.sheet, s.row, s.column) for s in plan.skipped] == [("overview", 0, "on_duty")]
    assert plan.skipped[0].reason.startswith("11-30 没有当班人员")
