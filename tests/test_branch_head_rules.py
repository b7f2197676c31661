"""Figures a branch head can say out loud (docs/口径.md): one test per rule, each worked out by
hand on the small branch of test_figures_golden (D = Friday 2026-11-20, calendar time progress
20/30, 分润比例 0.3, 进度容差 0.05) unless it says otherwise.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from branchkit.agenda import build
from branchkit.cli import main
from branchkit.figures import compute, ranking_score
from branchkit.problems import Code, Level
from branchkit.read import load_book, read_book
from branchkit.render.agenda import agenda_lines, render_agenda
from branchkit.render.spec import SheetSpec, Table
from branchkit.render.tabs import rankings_sheet
from branchkit.vocab import Focus
from click.testing import CliRunner

from . import test_figures_golden as golden
from .conftest import SAMPLE

D = golden.D


def _book(**changes: list[list[object]]):  # type: ignore[no-untyped-def]
    raw = golden._raw()
    raw.update(changes)
    return load_book(raw, "测试支行-2026-11.xlsx")


def _setting(key: str, value: object) -> list[list[object]]:
    return [*golden.SETTINGS, [key, value]]


def _person(figures, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in figures.month.people if p.name == name)


# ---------------------------------------------------------------- units and rounding


def test_a_count_is_credited_whole_to_one_party_when_count_credit_says_so() -> None:
    # Row 4: 李四 refers one credit card (张) that 王五 receives.
    to_receiver = compute(_book(设置=_setting("计数归属", "接收人")), D)
    assert "信用卡" not in _person(to_receiver, "李四").credited
    assert _person(to_receiver, "王五").credited["信用卡"] == 1.0
    to_referrer = compute(_book(设置=_setting("计数归属", "推荐人")), D)
    assert _person(to_referrer, "李四").credited["信用卡"] == 1.0
    assert "信用卡" not in _person(to_referrer, "王五").credited
    # The branch's own total counts the sale once, whoever is credited.
    assert to_referrer.month.branch.credited["信用卡"] == 1.0


def test_referral_successes_are_counted_in_ge_not_in_cards() -> None:
    figures = compute(_book(), D)
    assert figures.catalogue.unit_of("转介数") == "张"  # cards
    assert figures.catalogue.unit_of("转介成功数") == "个"  # referrals that closed


def test_the_progress_table_shows_units_and_counts_without_decimals() -> None:
    sheet = rankings_sheet(compute(_book(), D))
    progress = next(
        b
        for b in sheet.blocks
        if getattr(b, "caption", "").endswith("）") and "指标进度" in b.caption
    )
    rows = {(r[0], r[1]): r for r in progress.rows}
    assert rows[("王五", "信用卡")][2:5] == ["张", 6, 1]  # whole numbers, written as integers
    assert rows[("网点", "理财")][2:5] == ["万元", 150.0, 73.0]
    assert [c.fmt for c in progress.columns][3:5] == ["qty", "qty"]


def test_tomorrow_divides_by_the_days_the_branch_still_opens() -> None:
    # A branch open Monday to Friday, on 自然日 or 工作日 alike: after Friday 11-20 it opens on
    # 23–27 and 30 = 6 days, so 网点 理财 needs 77 / 6 a day, not 77 / 10.
    for basis in ("自然日", "工作日"):
        settings = [*_setting("时间进度口径", basis), ["营业日", "周一至周五"]]
        figures = compute(_book(设置=settings), D)
        tomorrow = {(t.subject, t.indicator): t for t in figures.tomorrow}
        assert tomorrow[("网点", "理财")].days_left == 6, basis
        assert tomorrow[("网点", "理财")].tomorrow == pytest.approx(77 / 6)
        # Counts stay whole and are rounded up: 5 cards still to refer over 6 days is 1 a day.
        assert tomorrow[("李四", "转介数")].tomorrow == 1
    # Open every day (营业日 每天, the default), even on 工作日 the weekends take their part:
    # 21–30 = 10 days, while time progress still counts work days (15 of 21).
    figures = compute(_book(设置=_setting("时间进度口径", "工作日")), D)
    assert {t.days_left for t in figures.tomorrow} == {10}
    assert figures.month_progress == pytest.approx(15 / 21)


def test_the_agenda_says_tomorrows_targets_and_how_many_days_are_left() -> None:
    # 网点 理财: 150 − 73 = 77 still needed over the 10 opening days left: 7.7 a day (the 77
    # itself is on 排行榜, beside the target). 李四's 转介成功数: 4 − 3 = 1 over 10 days, rounded
    # up: 1.
    text = render_agenda(build(_book(), compute(_book(), D)), "txt")
    assert "网点明日目标（本月还有 10 个营业日；重点产品 日鑫月溢）：理财 7.7万元" in text
    assert "转介成功数 1个" in text and "0.1" not in text.split("四、")[1]


# ---------------------------------------------------------------- rankings and stars


def test_ranking_score_caps_each_completion_and_leaves_out_referral_counts() -> None:
    # 理财 500% is capped at 150%; 转介数 is left out: (1.5 + 0.1) / 2.
    assert ranking_score({"理财": 5.0, "基金": 0.1, "转介数": 9.0}, 1.5) == pytest.approx(0.8)
    assert ranking_score({"转介数": 2.0}, 1.5) == 1.5  # the only indicator: it counts, capped
    assert ranking_score({}, 1.5) is None


def test_one_runaway_indicator_cannot_carry_the_ranking() -> None:
    # 赵六 gets a 基金 target of 100 he has not touched: 理财 56.6% and 基金 0%. 王五 gets a
    # 理财 target of 1: 590%, capped at 150% (his 信用卡 is 1/6). Plain means would put 王五
    # far ahead (3.08 vs 0.28); capped: 王五 (1.5 + 0.1667) / 2 = 0.8333, 赵六 0.283.
    targets = [*golden.TARGETS, ["赵六", "基金", 100], ["王五", "理财", 1]]
    figures = compute(_book(目标=targets), D)
    wang, zhao = _person(figures, "王五"), _person(figures, "赵六")
    assert wang.overall == pytest.approx((5.9 + 1 / 6) / 2)  # 综合完成率 stays the plain mean
    assert wang.score == pytest.approx((1.5 + 1 / 6) / 2)
    assert zhao.score == pytest.approx(0.566 / 2)


def test_a_pile_of_referrals_does_not_put_someone_ahead_of_pace() -> None:
    # 李四: 5 cards against a target of 2 (250%), 3 closed against 20 (15%). The plain mean is
    # 132.5% — "ahead" — but the pace shown beside the ranking follows 排名得分: 15%, behind.
    targets = [["对象", "指标", "目标值"], ["李四", "转介数", 2], ["李四", "转介成功数", 20]]
    li = _person(compute(_book(目标=targets), D), "李四")
    assert li.overall == pytest.approx(1.325) and li.score == pytest.approx(0.15)
    assert li.overall_status == "behind"


def test_a_star_that_is_not_first_on_the_ranking_is_explained() -> None:
    # On 11-20 nobody closed anything: all three tie at #1 with 排名得分 0, and there is no star.
    figures = compute(_book(), D)
    assert figures.stars["day"] == []
    assert figures.leaders_without_result("day") == ["李四", "王五", "赵六"]
    stars = rankings_sheet(figures).blocks[0]
    day_row = next(r for r in stars.rows if r[0] == "每日之星")
    assert day_row[2] == "第1名 李四、王五、赵六 本期没有成交或转介成功，不评之星"
    assert "综合得分＝" in rankings_sheet(figures).blocks[1].lines[0][1]


# ---------------------------------------------------------------- pace and focus


def test_marketing_focus_when_any_branch_indicator_is_behind() -> None:
    # 网点 理财 73 of 60 is 122% (far ahead), 网点 信用卡 1 of 10 is 10% (behind): an average
    # would call the branch on pace; one indicator behind makes it a marketing meeting.
    targets = [["对象", "指标", "目标值"], ["网点", "理财", 60], ["网点", "信用卡", 10]]
    agenda = build(_book(目标=targets), compute(_book(目标=targets), D))
    assert agenda.plan.focus == "marketing"
    assert [i.indicator for i in agenda.plan.behind_indicators] == ["信用卡"]


def test_section_one_always_covers_service_and_operations() -> None:
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        ["2026-11-20", "运营", "风险", "王五", "大额取现未二次核实", "", "5万元以上二次核实", ""],
        ["2026-11-20", "服务", "投诉", "李四", "等候太久", "", "", ""],
    ]
    book = _book(案例=cases)  # 网点 理财 49%: a marketing meeting
    agenda = build(book, compute(book, D))
    assert agenda.plan.focus == "marketing"
    first = render_agenda(agenda, "txt").split("二、")[0]
    # No 每日概况 row for the day: its traffic is 未登记, never 0.
    assert "网点合计：客流量 未登记；" in first and "客流量 0" not in first
    assert "服务：服务案例 1 起（投诉：等候太久）；投诉 1 起" in first
    assert "运营：风险案例 1 起（大额取现未二次核实）" in first


@pytest.mark.parametrize(
    ("chosen", "focus", "headline"),
    [
        ("运营", "operations", "运营类夕会（按设置指定）"),
        ("服务", "service", "服务类夕会（按设置指定）"),
    ],
)
def test_the_focus_can_be_chosen_in_settings(chosen: str, focus: str, headline: str) -> None:
    book = _book(设置=_setting("夕会重点", chosen))
    agenda = build(book, compute(book, D))
    assert (agenda.plan.focus, agenda.plan.chosen) == (focus, True)
    assert headline in render_agenda(agenda, "txt")


def test_the_control_sheet_focus_overrides_the_settings() -> None:
    book = _book(设置=_setting("夕会重点", "服务"))
    agenda = build(book, compute(book, D), focus=Focus.MARKETING)
    assert agenda.plan.focus == "marketing"


def test_each_section_holds_what_fits_its_minutes() -> None:
    # The minutes limit the talk, not the tables: a table's rows (one per person) are not
    # counted, everything else is.
    book = read_book(SAMPLE)
    for meeting in ("daily", "weekly", "monthly"):
        agenda = build(book, compute(book, D), meeting)
        sections: list[list[str]] = []
        for style, text in agenda_lines(agenda):
            if style == "h1":
                sections.append([])
            elif sections and style not in ("thead", "row"):
                sections[-1].append(text)
        for minutes, lines in zip(agenda.minutes, sections, strict=True):
            assert len(lines) <= minutes * 3, (meeting, lines)


# ---------------------------------------------------------------- the next day the branch opens


def test_follow_ups_are_due_by_the_next_day_the_branch_opens() -> None:
    # The branch was staffed on Saturdays 11-07 and 11-14, so it opens Saturday 11-21: a follow-up
    # for 11-21 is due now, not on Monday.
    overview = [
        ["日期", "客流量", "当班人员"],
        ["2026-11-07", 40, "李四"],
        ["2026-11-14", 35, "王五"],
    ]
    tracking = [*golden.TRACKING]
    tracking.append(
        [
            None,
            "丁五",
            "13900000009",
            "2026-11-19",
            None,
            "赵六",
            "否",
            None,
            None,
            None,
            "2026-11-21",
        ]
    )
    tracking.append(
        [
            None,
            "戊六",
            "13900000008",
            "2026-11-19",
            None,
            "赵六",
            "否",
            None,
            None,
            None,
            "2026-11-23",
        ]
    )
    figures = compute(_book(每日清单=overview, 追踪表=tracking), D)
    assert figures.next_workday == dt.date(2026, 11, 21)
    due = {f.customer for f in figures.follow_ups}
    assert "丁五" in due and "戊六" not in due


def test_a_make_up_saturday_the_branch_does_not_open_is_skipped() -> None:
    # 2026-10-10 is a statutory make-up work day (Saturday); the day overview shows the branch
    # closed that day (nobody on duty), so after Friday 10-09 the next day it opens is Monday.
    settings = [r if r[0] != "统计月份" else ["统计月份", "2026-10"] for r in golden.SETTINGS]
    settings.append(["营业日", "周一至周五"])  # closed on Sunday 10-11 too
    overview = [["日期", "客流量", "当班人员"], ["2026-10-10", 0, None]]
    book = load_book({**golden._raw(), "设置": settings, "每日清单": overview}, "t-2026-10.xlsx")
    assert compute(book, dt.date(2026, 10, 9)).next_workday == dt.date(2026, 10, 12)


# ---------------------------------------------------------------- dates and data


def test_an_amount_beyond_the_single_sale_cap_is_an_error_and_left_out() -> None:
    # 200000 typed into a 万元 product (meant 20 万元): beyond 10,000 万元, so an 错误 and no credit.
    tracking = [*golden.TRACKING]
    tracking.append(
        [None, "卫七", "13900000007", "2026-11-19", None, "赵六", "是", "日鑫月溢", 200000]
    )
    book = _book(追踪表=tracking)
    errors = [p for p in book.problems if p.level is Level.ERROR]
    assert [(p.cell, p.code, p.args["cap"]) for p in errors] == [
        (f"I{len(tracking)}", Code.OVER_SALE_CAP, 10000)
    ]
    figures = compute(book, D)
    assert _person(figures, "赵六").credited["理财"] == pytest.approx(56.6)  # unchanged
    agenda = build(book, figures)
    assert agenda.errors == 1
    assert "工作簿还有 1 个数据错误没改" in render_agenda(agenda, "txt")


def test_a_product_can_set_its_own_single_sale_cap() -> None:
    products = [
        ["产品名称", "指标", "单位", "单笔上限"],
        ["日鑫月溢", "理财", "万元", 25],
        ["龙卡", "信用卡", "张", None],
    ]
    book = _book(产品=products)
    # Row 6 sold 30 万元 and row 9 50 万元: both beyond this product's own cap of 25.
    assert [(p.cell, p.code, p.args["cap"]) for p in book.problems if p.level is Level.ERROR] == [
        ("I6", Code.OVER_SALE_CAP, 25),
        ("I9", Code.OVER_SALE_CAP, 25),
    ]


def test_a_product_the_workbook_does_not_list_gets_its_warning_and_no_cap_error() -> None:
    # 大额存单 is not in 产品: it counts toward no indicator and has no unit, so 3,000 of it is
    # judged by no cap — one warning at its product, no 错误 that would head the agenda.
    tracking = [list(r) for r in golden.TRACKING]
    tracking.append(
        [
            None,
            "卫七",
            "13800000007",
            "2026-11-19",
            "李四",
            "赵六",
            "是",
            "大额存单",
            3000,
            None,
            None,
        ]
    )
    book = _book(追踪表=tracking)
    row = len(tracking)
    assert [(p.cell, p.code, p.level) for p in book.problems] == [
        (f"H{row}", Code.UNKNOWN_PRODUCT, Level.WARNING)
    ]
    assert build(book, compute(book, D)).errors == 0


def test_a_date_outside_the_workbook_month_is_refused(tmp_path: Path) -> None:
    for command in ("refresh", "rankings", "build-agenda"):
        result = CliRunner().invoke(main, [command, str(SAMPLE), "--date", "2026-12-01"])
        assert result.exit_code == 2, (command, result.output)
        assert "统计日期 2026-12-01 不在本工作簿的统计月份 2026-11 内" in result.output


def test_someone_on_duty_without_daily_data_is_warned() -> None:
    overview = [["日期", "客流量", "当班人员"], ["2026-11-20", 100, "李四、赵六、周敏"]]
    daily = [["日期", "姓名", "转介数量"], ["2026-11-20", "李四", 3]]
    figures = compute(_book(每日清单=overview, 每日数据=daily), D)
    found = [(p.cell, p.value, p.code, p.args) for p in figures.problems]
    # 赵六 (理财经理) has no row; 周敏 (厅堂主管) keeps none; 李四 says 3 cards but logged 1.
    assert ("C2", "赵六", Code.NO_DAILY_ROW, {"day": D}) in found
    assert not any(v == "周敏" for _, v, _, _ in found)
    assert ("C2", "3", Code.DAILY_REFERRALS_DIFFER, {"day": D, "cards": 1}) in found


def test_commands_exit_1_when_the_workbook_has_errors(messy_copy: Path) -> None:
    for args in (["rankings", "--json"], ["build-agenda", "--format", "md"]):
        result = CliRunner().invoke(
            main, [args[0], str(messy_copy), "--date", "2026-11-20", *args[1:]]
        )
        assert result.exit_code == 1, result.output
    data = json.loads(
        CliRunner()
        .invoke(main, ["rankings", str(messy_copy), "--date", "2026-11-20", "--json"])
        .output
    )
    assert sum(p["级别"] == "错误" for p in data["数据问题"]) == 10


def test_the_weekly_workbook_is_as_of_the_day_it_is_made_inside_the_week() -> None:
    from branchkit.weekly import as_of

    assert as_of("2026-W47", dt.date(2026, 11, 20)) == dt.date(2026, 11, 20)  # Friday evening
    assert as_of("2026-W47", dt.date(2026, 11, 25)) == dt.date(2026, 11, 22)  # made later
    # A week running into December is as of the November workbook's last day.
    assert as_of("2026-W49", dt.date(2026, 12, 4), dt.date(2026, 11, 1)) == dt.date(2026, 11, 30)


def test_weekly_figures_agree_with_that_evenings_agenda(tmp_path: Path) -> None:
    from branchkit import jobs

    book = read_book(SAMPLE)
    data, _ = jobs.weekly(book, "2026-W47", tmp_path / "w.xlsx", today=dt.date(2026, 11, 20))
    agenda = jobs.build_agenda(book, dt.date(2026, 11, 20), "weekly")
    assert data.day == dt.date(2026, 11, 20)
    assert {p.indicator: p.pace for p in data.pace} == {
        p.indicator: p.pace for p in agenda.summary.branch_progress
    }
    assert data.figures.follow_ups == jobs.figures(book, dt.date(2026, 11, 20)).follow_ups


def test_an_eml_without_recipients_is_still_written(tmp_path: Path) -> None:
    import email
    import email.policy

    from openpyxl import load_workbook

    book = tmp_path / "b-2026-11.xlsx"
    book.write_bytes(SAMPLE.read_bytes())
    wb = load_workbook(book)  # a test fixture of our own making, not a user's workbook
    ws = wb["设置"]
    for row in ws.iter_rows(min_row=2):
        if row[0].value == "邮件收件人":
            row[1].value = None
    wb.save(book)
    eml = tmp_path / "周报.eml"
    result = CliRunner().invoke(
        main,
        [
            "weekly",
            str(book),
            "--week",
            "2026-W47",
            "--out",
            str(tmp_path / "w.xlsx"),
            "--eml",
            str(eml),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "没有收件人：请在 Outlook 中填写" in result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["To"] is None and message["Subject"]


def test_the_agendas_tomorrow_table_reads_as_the_rankings_tab() -> None:
    # docs/口径.md#夕会议程: section 4 names everyone on duty tomorrow with their targets (the
    # sample records no one for 11-23, so everyone active). 排行榜 has the same 明日目标: every
    # target still to reach, and the agenda's read the same.
    book = read_book(SAMPLE)
    figures = compute(book, D)
    table = _tomorrow_table(rankings_sheet(figures))
    assert f"剩余 {figures.tomorrow[0].days_left} 个营业日" in table.caption
    shown = {
        (row["对象"], row["指标"]): row["明日目标"]
        for row in _by_header(table)
        if row["明日目标"] is not None
    }
    due = {(t.subject, t.indicator): t.tomorrow for t in figures.tomorrow if t.tomorrow > 0}
    assert shown.keys() == due.keys() and shown == pytest.approx(due)
    assert table.rows[0][0] == "网点"
    agenda = build(book, figures)
    people = {p.name for p in figures.month.people}
    idle = {*agenda.tomorrow.free, *agenda.tomorrow.untargeted}
    named = {row.name for row in agenda.tomorrow.people} | idle
    assert people <= named  # nobody on duty is left out
    with_targets = {name for name, _ in due if name != "网点"}
    assert with_targets == {row.name for row in agenda.tomorrow.people if row.targets}
    for row in agenda.tomorrow.people:
        for t in row.targets:
            assert shown[(row.name, t.indicator)] == pytest.approx(t.amount)
    assert "其余" not in render_agenda(agenda, "txt").split("四、")[1]


def test_a_weeks_average_window_count_says_average_and_its_risk_case_is_the_weeks() -> None:
    overview = [
        ["日期", "客流量", "当班人员", "开放窗口数"],
        ["2026-11-18", 100, "李四、王五", 3],
        ["2026-11-19", 120, "李四、王五", 4],
    ]
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        ["2026-11-18", "运营", "风险", "王五", "大额取现未二次核实", "", "5万元以上二次核实", ""],
    ]
    book = _book(每日概况=overview, 案例=cases)
    figures = compute(book, D)
    weekly = render_agenda(build(book, figures, "weekly"), "txt")
    assert "平均开放窗口 3.5 个" in weekly  # (3 + 4) / 2: no branch opens half a window
    assert "选题依据：来自本周风险案例" in weekly  # the case is from Wednesday, not today
    one_day = [overview[0], ["2026-11-20", 100, "李四、王五", 3]]
    daily = render_agenda(
        build(_book(每日概况=one_day), compute(_book(每日概况=one_day), D)), "txt"
    )
    assert "开放窗口 3 个" in daily and "平均" not in daily


def test_the_rankings_tab_states_tomorrows_targets_worked_out_by_hand() -> None:
    # 网点 理财: target 150, done 73, so 77 to go over the 10 calendar days after Friday 11-20:
    # 7.7 a day. 李四 still has 5 cards to refer: 0.5 a day, a whole card. The next day the
    # branch opens is Saturday 11-21 (no 工作日历 or 每日概况, 营业日 每天).
    table = _tomorrow_table(rankings_sheet(compute(_book(), D)))
    assert "明日目标（11-21 周六）＝本月还差 ÷ 剩余 10 个营业日" in table.caption
    rows = {
        (row["对象"], row["指标"]): [row["单位"], row["明日目标"], row["本月还差"]]
        for row in _by_header(table)
    }
    assert rows[("网点", "理财")] == ["万元", 7.7, 77.0]
    assert rows[("李四", "转介数")] == ["张", 1, 5]
    assert table.rows[0][0] == "网点"


def _tomorrow_table(sheet: SheetSpec) -> Table:
    """排行榜's table of each indicator's progress and tomorrow's target."""
    (table,) = [
        b
        for b in sheet.blocks
        if isinstance(b, Table) and "明日目标" in [c.header for c in b.columns]
    ]
    return table


def _by_header(table: Table) -> list[dict[str, object]]:
    return [dict(zip([c.header for c in table.columns], row, strict=True)) for row in table.rows]
