"""Items whose time has not come are 待完成 (docs/口径.md#待完成), and the checklist a real branch
keeps (docs/工作簿.md#默认清单). Worked out by hand on the golden branch (roster: 李四 客户助理,
王五 大堂经理, 赵六 理财经理, 周敏 厅堂主管) with the evening's items in 清单项目: a week
from Monday 11-16 to Friday 11-20 (D), every item done Monday to Thursday; on Friday the
晨会 was done, 推荐卡核对 (before the meeting) and the items from the 夕会 on are blank.
"""

from __future__ import annotations

import datetime as dt

from branchkit import jobs
from branchkit.agenda import build
from branchkit.checklist import DEFAULT_ITEMS
from branchkit.figures import compute
from branchkit.read import load_book
from branchkit.render.agenda import agenda_lines
from branchkit.render.checklist import grid_table
from branchkit.render.weekly import weekly_sheets
from branchkit.weekly import build as weekly

from . import test_figures_golden as golden

D = golden.D  # Friday 2026-11-20
WEEK = [dt.date(2026, 11, 16) + dt.timedelta(n) for n in range(5)]
ITEMS = [
    ["时段", "类别", "事项", "标准", "责任岗位", "频次"],
    ["营业前", "会议", "晨会", "开门前召开", "厅堂主管", "每日"],
    ["营业后", "营销", "推荐卡核对", "逐张核对", "厅堂主管", "每日"],
    ["营业后", "会议", "夕会", "按时召开", "厅堂主管", "每日"],
    ["营业后", "培训", "晚课", "话术演练", "厅堂主管", "每日"],
    ["营业后", "运营", "日终轧账与账实核对", "账实相符", "内勤行长", "每日"],
]
NAMES = [row[2] for row in ITEMS[1:]]
SLOTS = {row[2]: row[0] for row in ITEMS[1:]}


def _records(friday: dict[str, str | None]) -> list[list[object]]:
    rows: list[list[object]] = [["日期", "时段", "事项", "责任人", "完成情况"]]
    for day in WEEK:
        for name in NAMES:
            state = friday.get(name) if day == D else "已完成"
            rows.append([day.isoformat(), SLOTS[name], name, "周敏", state])
    return rows


FRIDAY = {"晨会": "已完成"}  # the rest blank at 17:30


def _book(friday: dict[str, str | None] = FRIDAY):  # type: ignore[no-untyped-def]
    raw = golden._raw()
    raw["设置"] = [*golden.SETTINGS, ["营业日", "周一至周五"]]  # Friday's next morning is Monday's
    raw["每日概况"] = raw.pop("每日清单")
    raw.update({"清单项目": ITEMS, "每日清单": _records(friday)})
    return load_book(raw, "测试支行-2026-11.xlsx")


def test_at_the_evening_meeting_the_items_after_it_are_still_to_come() -> None:
    figures = compute(_book(), D)
    day = figures.today.checklist
    # 晨会 done; 推荐卡核对 comes before the meeting and is blank: not done. 夕会, 晚课 and
    # 日终轧账 come after it: still to come, neither due nor missed.
    assert (day.due, day.done) == (2, 1)
    assert [m.item for m in day.missed] == ["推荐卡核对"]
    assert [m.item for m in day.pending] == ["夕会", "晚课", "日终轧账与账实核对"]
    week = figures.week.checklist
    assert (week.due, week.done) == (4 * 5 + 2, 4 * 5 + 1)
    assert {n: (t.due, t.done) for n, t in week.by_item.items()}["夕会"] == (4, 4)
    # the 管理清单 grid marks them 待
    grid = grid_table(figures)
    row = next(r for r in grid.rows if r[0] == "夕会")
    assert row[2 + D.day - 1] == "待"


def test_the_agenda_lists_them_as_to_come_not_as_undone() -> None:
    book = _book()
    lines = [text for _, text in agenda_lines(build(book, compute(book, D)))]
    checklist = next(line for line in lines if line.startswith("管理清单："))
    assert checklist == "管理清单：应完成 2 项，已完成 1 项（50%）；未完成：推荐卡核对（周敏）"
    assert (
        "待完成（会后进行，明早计入）：夕会（周敏）、晚课（周敏）、日终轧账与账实核对（周敏）"
        in lines
    )


def test_a_state_someone_typed_counts_as_typed() -> None:
    figures = compute(_book({"晨会": "已完成", "夕会": "已完成", "晚课": "未完成"}), D)
    day = figures.today.checklist
    # 夕会 done and 晚课 not done as typed; only 日终轧账 is still to come.
    assert (day.due, day.done) == (4, 2)
    assert [m.item for m in day.pending] == ["日终轧账与账实核对"]


def test_the_next_morning_counts_them() -> None:
    book = _book()
    monday = dt.date(2026, 11, 23)  # Friday's items, still blank on Monday morning
    later = compute(book, monday).month.checklist
    assert (later.by_item["夕会"].due, later.by_item["夕会"].done) == (5, 4)
    assert later.pending == []
    # the 晨会 of Monday reviews Friday with its evening counted: 1 of 5 done
    morning = jobs.build_agenda(book, monday, "晨会")
    assert (morning.yesterday.date, morning.yesterday.checklist_due) == (D, 5)  # type: ignore[union-attr]
    assert morning.yesterday.checklist_done == 1  # type: ignore[union-attr]


def test_the_weekly_made_on_friday_evening_counts_the_meetings_held() -> None:
    book = _book()
    data = weekly(book, compute(book, D), "2026-W47")
    (basics,) = [s for s in weekly_sheets(data) if s.name == "基础管理"]
    meetings = next(b for b in basics.blocks if getattr(b, "caption", "") == "晨会、夕会、晚课")
    # 晨会 5 of 5; 夕会 and 晚课 4 of 4 — Friday's are to come, not "not held" (80%, or 0%)
    assert [row[:3] for row in meetings.rows] == [["晨会", 5, 5], ["夕会", 4, 4], ["晚课", 4, 4]]


def test_the_default_checklist_has_what_a_branch_checks() -> None:
    items = {
        name: (slot, roles, frequency) for slot, _, name, _, roles, frequency, _ in DEFAULT_ITEMS
    }
    assert items["开门迎客"] == ("营业前", "大堂经理", "每日")
    assert items["现金尾箱及重要空白凭证交接"][0] == "营业前"
    assert items["双录及适当性检查"][0] == "营业中"
    assert items["日终轧账与账实核对"][0] == "营业后"
    assert items["营业终了安全检查"] == ("营业后", "内勤行长", "每日")
    standard = next(s for _, _, n, s, _, _, _ in DEFAULT_ITEMS if n == "营业终了安全检查")
    assert all(word in standard for word in ("安保", "消防", "门窗", "监控"))
    assert items["消防及应急设备月检"][2] == "每月末"  # the monthly inspection stays apart
    # The day's order: the 夕会 comes after 推荐卡核对 and before 晚课, 日终轧账 and the check.
    evening = [n for slot, _, n, *_ in DEFAULT_ITEMS if slot == "营业后"]
    assert evening.index("推荐卡核对") < evening.index("夕会") < evening.index("晚课")
    assert evening.index("夕会") < evening.index("日终轧账与账实核对")
    assert evening.index("夕会") < evening.index("营业终了安全检查")


def test_the_new_template_carries_the_default_checklist() -> None:
    from python_calamine import CalamineWorkbook

    from .conftest import ROOT

    rows = (
        CalamineWorkbook.from_path(str(ROOT / "templates" / "xlsx" / "网点营销管理.xlsx"))
        .get_sheet_by_name("清单项目")
        .to_python()
    )
    assert [r[2] for r in rows[1:] if r[2]] == [item[2] for item in DEFAULT_ITEMS]
