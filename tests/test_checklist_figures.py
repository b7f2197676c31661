"""The daily management checklist (docs/口径.md#管理清单), worked out by hand on the small branch of
test_figures_golden with a checklist added. D = Friday 2026-11-20; the week is 11-16..11-20;
calendar time progress 20/30; 进度容差 0.05. Every expected number below was counted on paper
from these rows (see the comments), not produced by the code under test.

清单项目 (rows 2–6): 晨会 营业前 厅堂主管 每日; 电话外呼 营业中 理财经理 每日 计量 外呼户数;
厅堂巡查 营业中 大堂经理 每日; 周例会 营业后 厅堂主管 每周五; 月检 营业后 内勤行长 每月末.
"""

from __future__ import annotations

import datetime as dt

import pytest
from branchkit.checklist import IN_PROGRESS, NO_FIX, OVERDUE
from branchkit.figures import compute
from branchkit.problems import Code, Level
from branchkit.read import load_book
from branchkit.render.report import figures_json
from branchkit.vocab import Slot

from . import test_figures_golden as golden

D = golden.D
ITEMS = [
    ["时段", "类别", "事项", "标准", "责任岗位", "频次", "计量"],
    ["营业前", "会议", "晨会", "开门前召开", "厅堂主管", "每日", None],  # 2
    ["营业中", "营销", "电话外呼", "按名单外呼", "理财经理", "每日", "外呼户数"],  # 3
    ["营业中", "环境", "厅堂巡查", "每小时一次", "大堂经理", "每日", None],  # 4
    ["营业后", "会议", "周例会", "全员参加", "厅堂主管", "每周五", None],  # 5
    ["营业后", "设备", "月检", "消防器材", "内勤行长", "每月末", None],  # 6
]
HEADER = [
    "日期",
    "时段",
    "事项",
    "责任人",
    "完成情况",
    "数量",
    "发现问题",
    "整改措施",
    "整改责任人",
    "整改期限",
    "检查人",
]


def _row(date: str, item: str, owner: str, state: str | None, *rest: object) -> list[object]:
    period = {"晨会": "营业前", "周例会": "营业后"}.get(item, "营业中")
    return [date, period, item, owner, state, *rest]


RECORDS = [
    HEADER,
    _row("2026-11-02", "晨会", "周敏", "已完成"),  # 2
    _row("2026-11-02", "电话外呼", "赵六", "已完成", 30),  # 3
    _row(
        "2026-11-02", "厅堂巡查", "王五", "未完成", None, "叫号机卡纸", "报修", "王五", "2026-11-04"
    ),
    _row("2026-11-16", "晨会", "周敏", "已完成"),  # 5
    _row("2026-11-16", "电话外呼", "赵六", "未完成"),  # 6
    _row(
        "2026-11-16",
        "厅堂巡查",
        "王五",
        "已完成",
        None,
        "利率牌过期",
        "更新利率牌",
        "周敏",
        "2026-11-18",
    ),  # 7
    _row("2026-11-20", "晨会", "周敏", "已完成"),  # 8
    _row("2026-11-20", "电话外呼", "赵六", "已完成", 25),  # 9
    _row("2026-11-20", "厅堂巡查", "王五", None, None, "LED屏不亮"),  # 10: blank = not done
    _row("2026-11-20", "周例会", "周敏", "不适用"),  # 11: left out
    _row("2026-11-20", "擦玻璃", "王五", "已完成"),  # 12: not in 清单项目, counted as itself
    _row("2026-11-19", "电话外呼", "赵六", "已完成", 40),  # 13
    _row("2026-11-25", "晨会", "周敏", "未完成"),  # 14: after D
    _row(
        "2026-11-18",
        "厅堂巡查",
        "王五",
        "已完成",
        None,
        "利率牌过期",
        "更新利率牌",
        "周敏",
        "2026-11-18",
    ),  # 15: the same problem seen again
    _row(
        "2026-11-19", "晨会", "周敏", "已完成", None, "迟到两人", "晨会前点名", "周敏", "2026-11-27"
    ),
]
ACTIONS = [
    ["提出日期", "事项", "责任人", "截止日期", "状态"],
    ["2026-11-02", "整改：叫号机卡纸（厅堂巡查）：报修", "王五", "2026-11-04", "已完成"],
    ["2026-11-19", "整改：迟到两人（晨会）：晨会前点名", "周敏", "2026-11-27", "未完成"],
]
TARGETS = [*golden.TARGETS, ["网点", "外呼户数", 150], ["赵六", "外呼户数", 120]]


def raw(**changes: list[list[object]]) -> dict[str, list[list[object]]]:
    data = golden._raw()
    data["每日概况"] = data.pop("每日清单")  # the golden branch's old stub (日期, 客流量)
    data.update({"清单项目": ITEMS, "每日清单": RECORDS, "行动计划": ACTIONS, "目标": TARGETS})
    data.update(changes)
    return data


@pytest.fixture(scope="module")
def figures():  # type: ignore[no-untyped-def]
    return compute(load_book(raw(), "测试支行-2026-11.xlsx"), D)


def test_month_day_and_week_completion(figures) -> None:  # type: ignore[no-untyped-def]
    month, week, day = (figures.period(k).checklist for k in ("month", "week", "day"))
    # Month: rows 2–13, 15, 16 are on or before D; row 11 is 不适用: 13 due. Done: 2, 3, 5, 7,
    # 8, 9, 12, 13, 15, 16 = 10; not done: 4, 6 and 10 (blank).
    assert (month.due, month.done, round(month.rate, 4)) == (13, 10, 0.7692)
    # Week 11-16..11-20: rows 5–10, 12, 13, 15, 16 = 10 due, 8 done (6 and 10 not).
    assert (week.due, week.done, week.rate) == (10, 8, 0.8)
    # Day 11-20: rows 8, 9, 10, 12 (11 不适用) = 4 due, 3 done.
    assert (day.due, day.done, day.rate) == (4, 3, 0.75)
    assert [(m.date.day, m.item, m.period, m.owner) for m in day.missed] == [
        (20, "厅堂巡查", Slot.OPEN, "王五")
    ]


def test_completion_by_item_period_and_person(figures) -> None:  # type: ignore[no-untyped-def]
    month = figures.month.checklist
    by = {name: (t.due, t.done) for name, t in month.by_item.items()}
    # 晨会 rows 2, 5, 8, 16; 电话外呼 3, 6, 9, 13; 厅堂巡查 4, 7, 10, 15; 擦玻璃 12 (last: the
    # catalogue's items come first, in 时段 order).
    assert list(by.items()) == [
        ("晨会", (4, 4)),
        ("电话外呼", (4, 3)),
        ("厅堂巡查", (4, 2)),
        ("擦玻璃", (1, 1)),
    ]
    periods = {name: (t.due, t.done) for name, t in month.by_period.items()}
    # 周例会 (营业后) was 不适用
    assert periods == {Slot.BEFORE_OPENING: (4, 4), Slot.OPEN: (9, 6)}
    owners = {name: (t.due, t.done) for name, t in month.by_owner.items()}
    assert owners == {"周敏": (4, 4), "赵六": (4, 3), "王五": (5, 3)}


def test_quantities_are_summed_per_period(figures) -> None:  # type: ignore[no-untyped-def]
    # 外呼户数: 30 (11-02) + 40 (11-19) + 25 (11-20); the week drops 11-02; the day is 25.
    assert figures.month.checklist.quantities == {"外呼户数": 95}
    assert figures.week.checklist.quantities == {"外呼户数": 65}
    assert figures.today.checklist.quantities == {"外呼户数": 25}


def test_a_quantity_is_an_indicator_like_referrals(figures) -> None:  # type: ignore[no-untyped-def]
    month = figures.month
    # 网点 95 of 150 = 63.3%: within 5% of 66.7% time progress, on pace. 赵六 95 of 120 = 79.2%:
    # ahead. His 排名得分 leaves the raw count out, like 转介数: 理财 56.6% alone.
    assert round(month.branch.completion["外呼户数"], 4) == 0.6333
    assert month.branch.status["外呼户数"] == "on_pace"
    zhao = next(p for p in month.people if p.name == "赵六")
    assert (round(zhao.completion["外呼户数"], 4), zhao.status["外呼户数"]) == (0.7917, "ahead")
    assert round(zhao.score, 4) == 0.566
    assert round(zhao.overall, 4) == round((0.566 + 95 / 120) / 2, 4)
    # Tomorrow: (150 − 95) / 10 days = 5.5 -> 6; 赵六 (120 − 95) / 10 = 2.5 -> 3: whole counts,
    # rounded up. The 晨会's targets for D itself spread the gaps of that morning, before D's 25,
    # over 11 days, D included: (150 − 70) / 11 = 7.3 -> 8; (120 − 70) / 11 = 4.5 -> 5.
    tomorrow = {(t.subject, t.indicator): t.tomorrow for t in figures.tomorrow}
    assert (tomorrow[("网点", "外呼户数")], tomorrow[("赵六", "外呼户数")]) == (6, 3)
    today = {(t.subject, t.indicator): t.tomorrow for t in figures.targets_today}
    assert (today[("网点", "外呼户数")], today[("赵六", "外呼户数")]) == (8, 5)


def test_targets_accept_the_checklist_measures_without_a_warning() -> None:
    book = load_book(
        raw(目标=[*TARGETS, ["赵六", "外拓户数", 10], ["李四", "上门次数", 5]]),
        "测试支行-2026-11.xlsx",
    )
    targets = [p for p in book.problems if p.sheet == "目标"]
    # 外呼户数 is this 清单项目's 计量 and 外拓户数 a default one (`init --upgrade` brings its
    # item): no warning. 上门次数 is a word 指标 may hold, but nothing counts toward it.
    assert [(p.cell, p.value, p.code) for p in targets] == [
        ("B10", "上门次数", Code.INDICATOR_WITHOUT_PRODUCT)
    ]
    assert book.catalogue.unit_of("外呼户数") == "户" and book.catalogue.is_count("外呼户数")


def test_problems_still_open(figures) -> None:  # type: ignore[no-untyped-def]
    # 叫号机卡纸: its 整改 row is 已完成, closed. 利率牌过期: found 11-16 and again 11-18, due
    # 11-18, passed. LED屏不亮: no 整改措施. 迟到两人: a measure due 11-27, in progress.
    states = [(f.found.problem, f.first_found.day, f.state) for f in figures.open_fixes]
    assert states == [
        ("利率牌过期", 16, OVERDUE),
        ("迟到两人", 19, IN_PROGRESS),
        ("LED屏不亮", 20, NO_FIX),
    ]
    assert [f.found.problem for f in figures.still_open] == ["利率牌过期", "LED屏不亮"]


def test_rankings_json_has_the_checklist(figures) -> None:  # type: ignore[no-untyped-def]
    data = figures_json(figures, "week")["清单"]
    assert data == {
        "应完成": 10,
        "已完成": 8,
        "未完成": [
            {"日期": "2026-11-16", "事项": "电话外呼", "时段": "营业中", "责任人": "赵六"},
            {"日期": "2026-11-20", "事项": "厅堂巡查", "时段": "营业中", "责任人": "王五"},
        ],
        "完成率": 0.8,
        "未整改": [
            {
                "事项": "厅堂巡查",
                "发现问题": "利率牌过期",
                "整改责任人": "周敏",
                "整改期限": "2026-11-18",
            },
            # no 整改责任人: the item's 责任人 answers for it
            {"事项": "厅堂巡查", "发现问题": "LED屏不亮", "整改责任人": "王五", "整改期限": None},
        ],
        "计量": {"外呼户数": 65},
    }


# ---------------------------------------------------------------- bad input (docs/口径.md#数据错误)


def test_an_item_not_in_the_catalogue_is_a_warning_and_still_counts(figures) -> None:  # type: ignore[no-untyped-def]
    book = load_book(raw(), "测试支行-2026-11.xlsx")
    assert [(p.cell, p.value, p.level) for p in book.problems] == [("C12", "擦玻璃", Level.WARNING)]
    assert figures.today.checklist.by_item["擦玻璃"].done == 1


def test_a_state_outside_the_list_is_an_error_and_the_row_is_left_out() -> None:
    records = [list(r) for r in RECORDS]
    records[8][4] = "做完了"  # row 9: 11-20 电话外呼
    book = load_book(raw(每日清单=records), "测试支行-2026-11.xlsx")
    bad = [p for p in book.problems if p.cell == "E9"]
    assert [(p.sheet, p.value, p.level) for p in bad] == [("每日清单", "做完了", Level.ERROR)]
    day = compute(book, D).today.checklist
    assert (day.due, day.done) == (3, 2)  # rows 8, 10, 12: the bad row counts nowhere


def test_a_deadline_before_the_problem_was_found_is_a_warning() -> None:
    records = [list(r) for r in RECORDS]
    records[3][9] = "2026-11-01"  # row 4: found 11-02, to be fixed by 11-01
    book = load_book(raw(每日清单=records), "测试支行-2026-11.xlsx")
    late = [p for p in book.problems if p.cell == "J4"]
    assert [(p.level, p.code, p.args) for p in late] == [
        (Level.WARNING, Code.FIX_DUE_BEFORE_FOUND, {"found": dt.date(2026, 11, 2)})
    ]
    # Seen again after its deadline (row 15: 11-18, due 11-18 of the 11-16 sighting) is fine.
    assert not [p for p in book.problems if p.cell == "J15"]


# ---------------------------------------------------------------- a workbook from before


def test_an_old_day_overview_called_每日清单_reads_as_before() -> None:
    """The golden branch itself has the old stub (每日清单: 日期, 客流量); so do its tests. With
    当班人员 too, nothing is reported and the day overview is what it was."""
    old = golden._raw()
    old["每日清单"] = [["日期", "客流量", "当班人员"], ["2026-11-20", 120, "周敏、李四"]]
    book = load_book(old, "测试支行-2026-11.xlsx")
    assert book.problems == []
    assert book.sheet_names["overview"] == "每日清单" and "checklist" not in book.sheet_names
    assert (book.overview["traffic"], book.overview["on_duty"]) == ([120], [["周敏", "李四"]])
    figures = compute(book, D)
    assert figures.month.checklist.due == 0 and figures.open_fixes == []


def test_a_new_每日清单_beside_its_每日概况_is_the_checklist() -> None:
    book = load_book(raw(每日概况=[["日期", "当班人员"], ["2026-11-20", "周敏"]]), "t-2026-11.xlsx")
    assert (book.sheet_names["overview"], book.sheet_names["checklist"]) == ("每日概况", "每日清单")
    assert book.overview["on_duty"] == [["周敏"]]


def test_an_upgraded_workbook_names_its_new_checklist_每日管理清单() -> None:
    data = golden._raw()  # 每日清单 is the old overview
    data["清单项目"] = ITEMS
    data["每日管理清单"] = RECORDS
    book = load_book(data, "测试支行-2026-11.xlsx")
    assert (book.sheet_names["overview"], book.sheet_names["checklist"]) == (
        "每日清单",
        "每日管理清单",
    )
    assert compute(book, D).month.checklist.due == 13


def test_frequencies() -> None:
    from branchkit.checklist import is_due

    def always(_: dt.date) -> bool:
        return True

    friday, monday = dt.date(2026, 11, 20), dt.date(2026, 11, 23)
    assert is_due("每周五", friday, always) and not is_due("每周五", monday, always)
    assert is_due("每日", monday, always) and is_due("", monday, always)
    # 每月末: the month's last open day. Open every day: the 30th. Closed on the 30th: the 29th.
    assert is_due("每月末", dt.date(2026, 11, 30), always)
    assert not is_due("每月末", dt.date(2026, 11, 29), always)
    assert is_due("每月末", dt.date(2026, 11, 29), lambda d: d.day != 30)
