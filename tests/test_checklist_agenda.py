"""The meetings and the checklist (docs/口径.md#夕会议程): the 夕会's section 1 always covers
service, operations and the day's checklist, section 2 always the 整改 still open; the 晨会 before
opening. Worked out by hand on the branch of test_checklist_figures (D = Friday 2026-11-20)."""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

from branchkit import jobs
from branchkit.agenda import build
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.morning import MorningAgenda
from branchkit.read import load_book
from branchkit.render.agenda import agenda_lines, agenda_sheet, render_agenda
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from . import test_checklist_figures as checklist
from .conftest import SAMPLE

D = checklist.D
OVERVIEW = [
    [
        "日期",
        "客流量",
        "当班人员",
        "高峰等候人数",
        "最长等候分钟",
        "开放窗口数",
        "客户意见",
        "投诉数",
    ],
    ["2026-11-19", 110, "周敏、李四、王五、赵六", 6, 20, 4, None, 0],
    ["2026-11-20", 150, "周敏、李四、王五、赵六", 14, 42, 3, "等候区座椅不够", 2],
]
CASES = [
    ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
    [
        "2026-11-20",
        "服务",
        "投诉",
        "李四",
        "客户投诉排队太久",
        "午间只开两个窗口",
        "错峰就餐",
        "周敏",
    ],
    ["2026-11-20", "运营", "风险", "王五", "大额取现未二次核实", "", "二次核实", "周敏"],
]


def _book(**changes: list[list[object]]):  # type: ignore[no-untyped-def]
    return load_book(checklist.raw(每日概况=OVERVIEW, 案例=CASES, **changes), "t-2026-11.xlsx")


def _sections(lines: list[tuple[str, str]]) -> list[list[str]]:
    """Each section's lines, its tables left out (the minutes limit the talk, not the tables:
    docs/口径.md#夕会议程)."""
    sections: list[list[str]] = []
    for style, text in lines:
        if style == "h1":
            sections.append([])
        elif sections and style not in ("thead", "row"):
            sections[-1].append(text)
    return sections


# ---------------------------------------------------------------- 夕会


def test_section_1_has_the_queue_the_complaints_and_the_days_checklist() -> None:
    book = _book()
    agenda = build(book, compute(book, D))
    floor = agenda.summary.floor
    # 11-20: 14 waiting at the peak, 42 minutes the longest, 3 windows; 每日概况 says 2
    # complaints and one is written up as a case: 2, not 3.
    assert (floor.peak_waiting, floor.longest_wait, floor.windows) == (14, 42, 3)
    assert (floor.complaints, floor.comments) == (2, ["等候区座椅不够"])
    summary = agenda.summary.checklist
    assert (summary.due, summary.done) == (4, 3)
    assert [(m.item, m.owners) for m in summary.missed] == [("厅堂巡查", ["王五"])]
    # Only LED屏不亮 is new today; 利率牌过期 was first found on 11-16.
    assert [f.problem for f in summary.found] == ["LED屏不亮"]
    first = _sections(agenda_lines(agenda))[0]
    assert first[0].startswith("网点合计：客流量 150；")  # the traffic, said once
    assert (
        "服务：高峰等候 14 人；最长等候 42 分钟；开放窗口 3 个；服务案例 1 起（投诉：客户投诉排队太久）；"
        "投诉 2 起。运营：风险案例 1 起（大额取现未二次核实）。" in first
    )
    assert "客户意见：等候区座椅不够" in first
    assert "管理清单：应完成 4 项，已完成 3 项（75%）；未完成：厅堂巡查（王五）" in first
    assert "新发现问题：LED屏不亮（厅堂巡查，尚未定整改措施）" in first


def test_section_2_follows_up_open_fixes_whatever_the_focus() -> None:
    for targets, focus in (
        (checklist.TARGETS, "marketing"),  # 网点 理财 73 of 150: behind
        ([["对象", "指标", "目标值"], ["网点", "理财", 100]], "service_operations"),  # 73%: ahead
    ):
        book = _book(目标=targets)
        agenda = build(book, compute(book, D))
        assert agenda.plan.focus == focus
        assert [f.found.problem for f in agenda.plan.fixes] == ["利率牌过期", "LED屏不亮"]
        second = _sections(agenda_lines(agenda))[1]
        assert (
            "未整改：利率牌过期（厅堂巡查，11-16 发现）：更新利率牌，11-18 已到期；周敏负责"
            in second
        )
        assert "未整改：LED屏不亮（厅堂巡查，11-20 发现）：未定整改措施；王五负责" in second


def test_a_fix_is_said_once_not_again_as_an_action_item() -> None:
    actions = [
        *checklist.ACTIONS,
        ["2026-11-16", "整改：利率牌过期（厅堂巡查）：更新利率牌", "周敏", "2026-11-18", "未完成"],
    ]
    book = _book(行动计划=actions)
    text = render_agenda(build(book, compute(book, D)), "txt")
    assert text.count("利率牌过期") == 1
    assert "行动计划：整改：迟到两人（晨会）：晨会前点名" in text  # in progress: an action item


def test_a_workbook_without_a_checklist_has_no_checklist_line() -> None:
    from . import test_figures_golden as golden

    book = load_book(golden._raw(), "t-2026-11.xlsx")
    text = render_agenda(build(book, compute(book, D)), "txt")
    assert "管理清单" not in text and "整改" not in text


def test_every_section_still_fits_its_minutes_with_the_checklist() -> None:
    book = load_book(checklist.raw(每日概况=OVERVIEW, 案例=CASES), "t-2026-11.xlsx")
    for meeting in ("daily", "weekly", "monthly"):
        agenda = build(book, compute(book, D), meeting)
        for minutes, lines in zip(agenda.minutes, _sections(agenda_lines(agenda)), strict=True):
            assert len(lines) <= minutes * 3, (meeting, lines)


# ---------------------------------------------------------------- 晨会


def _morning(day: dt.date = D, **changes: list[list[object]]) -> MorningAgenda:
    agenda = jobs.build_agenda(_book(**changes), day, "晨会")
    assert isinstance(agenda, MorningAgenda)
    return agenda


def test_the_morning_meeting_has_four_short_sections() -> None:
    agenda = _morning()
    assert (agenda.meeting_name, agenda.minutes, agenda.total_minutes) == ("晨会", (2, 3, 3, 2), 10)
    lines = agenda_lines(agenda)
    assert [text for style, text in lines if style == "h1"] == [
        "一、昨日回顾（2 分钟）",
        "二、今日目标（3 分钟）",
        "三、今日管理清单（3 分钟）",
        "四、待办事项（2 分钟）",
    ]
    for minutes, section in zip(agenda.minutes, _sections(lines), strict=True):
        assert len(section) <= minutes * 3


def test_yesterday_in_two_lines() -> None:
    agenda = _morning()
    # Thursday 11-19: 110 customers; card R-5 (王五), not closed; no sale; the checklist's rows
    # 13 and 16, both done; nobody closed anything, so no star.
    yesterday = _sections(agenda_lines(agenda))[0]
    assert yesterday == [
        "11-19：客流量 110；转介 1，成功 0；成交 0 笔，0万元；管理清单完成 2/2",
        "昨日之星：暂无",
    ]


def test_todays_targets_count_today_among_the_days_left() -> None:
    agenda = _morning()
    # 11 days from 11-20 to 11-30, over the gaps of the morning: nothing of 理财 was sold on
    # 11-20, (150 − 73) / 11 = 7 万元; 外呼户数 before 11-20's 25 was 70, (150 − 70) / 11 = 7.3 -> 8.
    branch = {t.indicator: (t.amount, t.days_left) for t in agenda.branch_targets}
    assert branch == {"理财": (7.0, 11), "外呼户数": (8.0, 11)}
    people = {row.name: row.targets for row in agenda.people}
    # 赵六: 理财 (100 − 56.6) / 11 = 3.95; 外呼户数 (120 − 70) / 11 = 4.5 -> 5.
    assert [(t.indicator, round(t.amount, 2)) for t in people["赵六"]] == [
        ("理财", 3.95),
        ("外呼户数", 5.0),
    ]
    assert agenda.script_topic == "理财" and "理财" in agenda.script  # the weakest, behind


def test_todays_follow_ups_and_checklist_with_owners() -> None:
    agenda = _morning()
    # Only 张三's follow-up (11-18, overdue) is due by today; 郑一's is on 11-23. It is in
    # 赵六's row of today's table with 周九's card of 11-16, which nobody has contacted (未跟进);
    # nobody else has one due.
    due = {row.name: row.follow_up for row in agenda.people if row.follow_up}
    assert [(n, f.count, f.overdue, f.not_followed, f.customers) for n, f in due.items()] == [
        ("赵六", 1, 1, 1, ["张*", "周*"])
    ]
    # 11-20's rows are already written: each person's items as the sheet has them.
    assert [(d.owner, d.items) for d in agenda.duties] == [
        ("周敏", ["晨会", "周例会"]),
        ("赵六", ["电话外呼"]),
        ("王五", ["厅堂巡查", "擦玻璃"]),
    ]
    third = _sections(agenda_lines(agenda))[2]
    assert "· 王五：厅堂巡查、擦玻璃" in third


WEEKDAYS_ONLY = [*checklist.golden.SETTINGS, ["营业日", "周一至周五"]]


def test_a_day_without_rows_takes_its_items_from_the_catalogue() -> None:
    # Monday 11-23 has no rows: the items due by 频次 go to whoever on duty (everyone, as
    # 每日概况 does not say) holds the role. The branch opens Monday to Friday: yesterday is
    # Friday 11-20, the last open day.
    agenda = _morning(dt.date(2026, 11, 23), 设置=WEEKDAYS_ONLY)
    assert agenda.yesterday.date == D
    assert [(d.owner, d.items) for d in agenda.duties] == [
        ("周敏", ["晨会"]),
        ("赵六", ["电话外呼"]),
        ("王五", ["厅堂巡查"]),
    ]
    # The month's last open day brings 月检, and nobody on duty is 内勤行长: 设置 names no
    # 网点负责人, so the host answers for it — 周敏, the 厅堂主管 on duty. Nothing is ownerless.
    last = _morning(dt.date(2026, 11, 30))
    assert [(d.owner, d.items, d.roles) for d in last.duties] == [
        ("周敏", ["晨会", "月检"], ["内勤行长"]),
        ("赵六", ["电话外呼"], []),
        ("王五", ["厅堂巡查"], []),
    ]
    text = render_agenda(last, "txt")
    assert "· 周敏：晨会、月检（当班人员中没有内勤行长，由周敏负责）" in text
    assert "未找到责任人" not in text


def test_open_fixes_and_actions_close_the_morning() -> None:
    agenda = _morning()
    assert [f.found.problem for f in agenda.fixes] == ["利率牌过期", "LED屏不亮"]
    assert [a.item for a in agenda.open_actions] == ["整改：迟到两人（晨会）：晨会前点名"]


def test_the_first_open_day_of_the_month_has_no_yesterday() -> None:
    agenda = _morning(dt.date(2026, 11, 2), 设置=WEEKDAYS_ONLY)  # 11-01 is a Sunday
    assert agenda.yesterday.date is None
    assert "今天是本月第一个营业日，没有昨日数据。" in render_agenda(agenda, "txt")


def test_the_morning_in_every_format_and_english() -> None:
    agenda = _morning()
    assert render_agenda(agenda, "md").startswith("# 测试支行 晨会议程")
    assert '<span class="name">一、昨日回顾</span>' in render_agenda(agenda, "html")
    english = render_agenda(agenda, "txt", lang="en")
    assert "1. Yesterday (2 min)" in english and "4. Open items (2 min)" in english
    sheet = agenda_sheet(agenda)
    assert (sheet.name, sheet.title) == ("晨会议程", "测试支行 晨会议程")
    assert sheet.one_page and not sheet.landscape


def test_no_full_phone_or_id_number_in_the_sample_morning() -> None:
    for fmt in ("md", "html", "txt"):
        text = render_agenda(jobs.build_agenda(SAMPLE, D, "morning"), fmt)
        assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
        assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text)


def test_cli_writes_the_morning_tab_and_text(sample_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["build-agenda", str(sample_copy), "--date", "2026-11-20", "--meeting", "晨会"]
    )
    assert result.exit_code == 0, result.output
    assert "晨会议程已写入" in result.output
    book = CalamineWorkbook.from_path(str(sample_copy))
    assert "晨会议程" in book.sheet_names and "夕会议程" not in book.sheet_names
    rows = book.get_sheet_by_name("晨会议程").to_python()
    assert rows[0][0] == "火车站支行 晨会议程"
    shown = CliRunner().invoke(
        main,
        [
            "build-agenda",
            str(SAMPLE),
            "--date",
            "2026-11-20",
            "--meeting",
            "morning",
            "--format",
            "md",
        ],
    )
    assert shown.exit_code == 0 and shown.output.startswith("# 火车站支行 晨会议程")


def test_cli_rankings_json_lists_the_samples_open_problems(sample_copy: Path) -> None:
    """The sample plants one problem never fixed (利率牌, due 11-18), one found on 11-20 without
    a measure (LED屏), one in progress (座椅, due 11-25) and three fixed (their 整改 rows 已完成)."""
    import json

    result = CliRunner().invoke(
        main, ["rankings", str(sample_copy), "--date", "2026-11-20", "--json", "--period", "day"]
    )
    data = json.loads(result.output)["清单"]
    assert set(data) == {"应完成", "已完成", "未完成", "完成率", "未整改", "计量"}
    assert data["已完成"] + len(data["未完成"]) == data["应完成"]
    assert [(p["发现问题"], p["整改期限"]) for p in data["未整改"]] == [
        ("利率牌未按新挂牌更新", "2026-11-18"),
        ("LED屏右下角不亮", None),
    ]


# ---------------------------------------------------------------- the weekly workbook


def test_the_weekly_workbook_has_a_basics_sheet() -> None:
    from branchkit.render.weekly import weekly_sheets
    from branchkit.weekly import build as build_weekly

    book = _book()
    basics = next(
        s
        for s in weekly_sheets(build_weekly(book, compute(book, D), "2026-W47"))
        if s.name == "基础管理"
    )
    missed, items, meetings, fixes, measures = (b for b in basics.blocks if hasattr(b, "rows"))
    # The week 11-16..11-20: 晨会 rows 5, 8, 16; 电话外呼 6 (not), 9, 13; 厅堂巡查 7, 10 (not),
    # 15; 擦玻璃 12. First, charted, the two not done every time.
    assert [row[:4] for row in missed.rows] == [["电话外呼", 3, 2, 1], ["厅堂巡查", 3, 2, 1]]
    assert [c.title for c in basics.charts] == ["本周未能每次完成的事项完成率"]
    assert [row[:4] for row in items.rows] == [
        ["晨会", 3, 3, 0],
        ["电话外呼", 3, 2, 1],
        ["厅堂巡查", 3, 2, 1],
        ["擦玻璃", 1, 1, 0],
    ]
    assert meetings.rows == [["晨会", 3, 3], ["夕会", 0, 0], ["晚课", 0, 0]]
    assert [(r[2], r[6]) for r in fixes.rows] == [
        ("利率牌过期", "已过整改期限"),
        ("迟到两人", "整改中"),
        ("LED屏不亮", "未定整改措施"),
    ]
    # 外呼户数: the week 40 + 25 = 65; the month 95 of 150 (63%), on pace.
    (row,) = measures.rows
    assert row[:5] == ["外呼户数", "户", 65, 95, 150]
    assert (round(row[5], 4), row[6]) == (0.6333, "正常进度")
