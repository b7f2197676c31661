"""Everyone in the meeting, and lines that never say more than the figures (docs/口径.md#夕会议程):
worked out by hand on the golden branch (D = Friday 2026-11-20, time progress 20/30 = 66.7%,
进度容差 5%) with eight 柜员 more on duty, every one of the twelve named on 每日概况 for D, and
赵六's own sale of 2 万元 of 日鑫月溢 on D (the day's only sale: he is the 每日之星).
"""

from __future__ import annotations

import datetime as dt
import re
from pathlib import Path
from typing import Any

import pytest
from branchkit.agenda import build
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.jobs import build_agenda
from branchkit.read import load_book
from branchkit.render.agenda import (
    AgendaTable,
    agenda_blocks,
    agenda_lines,
    agenda_sheet,
    render_agenda,
)
from branchkit.render.grid import layout
from branchkit.render.numbers import percent_beside
from click.testing import CliRunner

from . import test_figures_golden as golden

D = golden.D
TELLERS = ["钱一", "孙二", "周三", "吴四", "郑五", "冯六", "陈七", "褚八"]
ON_DUTY = ["李四", "王五", "赵六", "周敏", *TELLERS]


def _raw(**changes: list[list[Any]]) -> dict[str, list[list[Any]]]:
    raw = golden._raw()
    raw["人员"] = [*golden.ROSTER, *([name, "柜员", "是"] for name in TELLERS)]
    raw["目标"] = [*golden.TARGETS, *([name, "转介数", 10] for name in TELLERS)]
    raw["每日数据"] = [
        ["日期", "姓名", "接待客户数", "业务笔数", "自主销售"],
        ["2026-11-19", "王五", None, None, 1],
        ["2026-11-20", "王五", None, None, 2],
        *(["2026-11-20", name, 20 + n, 10 + n, None] for n, name in enumerate(TELLERS)),
    ]
    raw["每日清单"] = [["日期", "客流量", "当班人员"], ["2026-11-20", 200, "、".join(ON_DUTY)]]
    sale = [
        None,
        "卫九",
        "13900000010",
        "2026-11-20",
        None,
        "赵六",
        "是",
        "日鑫月溢",
        2,
        None,
        None,
    ]
    raw["追踪表"] = [*golden.TRACKING, sale]
    raw.update(changes)
    return raw


def _agenda(meeting: str = "daily", **changes: list[list[Any]]):  # type: ignore[no-untyped-def]
    book = load_book(_raw(**changes), "测试支行-2026-11.xlsx")
    return build(book, compute(book, D), meeting)


def _tables(agenda: Any, lang: str = "zh") -> list[AgendaTable]:
    return [b for b in agenda_blocks(agenda_lines(agenda, lang)) if isinstance(b, AgendaTable)]


def _rows(table: AgendaTable) -> dict[str, dict[str, str]]:
    return {row[0]: dict(zip(table.header, row, strict=True)) for row in table.rows}


# ---------------------------------------------------------------- section 1: everyone on duty


def test_section_one_has_a_row_for_everyone_on_duty_with_the_metrics_of_their_role() -> None:
    agenda = _agenda()
    first, _ = _tables(agenda)
    rows = _rows(first)
    assert {name.rstrip("★") for name in rows} == set(ON_DUTY)  # all twelve, none left out
    # 李四 (客户助理): no 每日数据 (接待 and 笔数 blank, never 0), card 7 today; 综合得分 =
    # 转介成功数 3 of 4 = 75% (转介数 is a raw count, left out): ahead of 66.7% + 5%.
    assert list(rows["李四"].values()) == [
        "李四", "客户助理", "", "", "1", "", "", "", "", "", "75%", "超出进度",
    ]  # fmt: skip
    # 王五 (大堂经理): 自主销售 2 today on a row with 接待 left blank, no card; 信用卡 1 of 6
    # = 17%: behind.
    assert list(rows["王五"].values()) == [
        "王五", "大堂经理", "", "", "0", "2", "", "", "", "", "17%", "低于进度",
    ]  # fmt: skip
    # 赵六 (理财经理), the star: no 每日数据; his own 2 万元 today; 理财 56.6 + 2 = 58.6 of 100:
    # behind.
    assert list(rows["赵六★"].values()) == [
        "赵六★", "理财经理", "", "", "", "", "", "", "0", "2", "59%", "低于进度",
    ]  # fmt: skip
    # 周敏 (厅堂主管) keeps no 每日数据 and has no target: named, nothing to report.
    assert list(rows["周敏"].values())[1:] == ["厅堂主管", *[""] * 8, "—", ""]
    # 钱一 (柜员): 20 served, 10 transactions, no card; 转介数 0 of 10: the only counted one.
    assert list(rows["钱一"].values()) == [
        "钱一", "柜员", "20", "10", "0", "", "", "", "", "", "0%", "低于进度",
    ]  # fmt: skip
    text = render_agenda(agenda, "txt")
    assert "其余" not in text and "见“排行榜”表" not in text
    assert "每日数据未登记（表中接待、笔数等空着）：李四、赵六、王五\n" in text


def test_the_star_is_applauded_with_their_numbers() -> None:
    agenda = _agenda()
    assert agenda.summary.stars == {"day": ["赵六"]}
    # the day's 综合得分: 2 万元 against a day's share of 100, 3.33: 60%
    assert agenda.summary.star_scores == {"赵六": pytest.approx(0.6)}
    lines = [text for _, text in agenda_lines(agenda)]
    assert "每日之星：赵六（当日综合得分 60%，上表 ★），请大家鼓掌表扬！" in lines


def test_section_four_has_everyone_on_duty_tomorrow_and_every_receivers_follow_ups() -> None:
    # The branch opens every day (设置 营业日, by default): tomorrow is Saturday 11-21, nobody
    # is recorded for it, so everyone active. 10 opening days left after D.
    agenda = _agenda()
    _, fourth = _tables(agenda)
    rows = _rows(fourth)
    # 赵六: 理财 (100 − 58.6) / 10 = 4.14 万元; his follow-ups due by 11-21: 张三 (11-18,
    # overdue); 郑一's is on Monday 11-23. 周九's card (11-16) is 4 days old, nobody has
    # contacted her: 未跟进, named after those due.
    assert rows["赵六"] == {
        "姓名": "赵六",
        "明日目标": "理财 4.14万元",
        "到期跟进": "1（逾期 1）；未跟进 1",
        "客户（前几位）": "张*、周*",
    }
    # each 柜员: 转介数 10 − 0 over 10 days, a whole card a day
    assert all(rows[name]["明日目标"] == "转介数 1张" for name in TELLERS)
    assert rows["李四"]["明日目标"] == "转介数 1张；转介成功数 1个"
    assert rows["王五"]["明日目标"] == "信用卡 1张"
    # 周敏 has no target and nothing due: named below the table, never as "目标已完成"
    assert (agenda.tomorrow.free, agenda.tomorrow.untargeted) == ([], ["周敏"])
    assert "明日当班、没有个人目标也没有到期跟进：周敏\n" in render_agenda(agenda, "txt")


def test_a_receiver_not_on_duty_tomorrow_still_has_a_row() -> None:
    # 每日概况 says only 李四 and 王五 work on Saturday: 赵六's follow-up is still listed, after
    # those on duty (in the month's ranking order).
    overview = [
        ["日期", "客流量", "当班人员"],
        ["2026-11-20", 200, "、".join(ON_DUTY)],
        ["2026-11-21", None, "李四、王五"],
    ]
    _, fourth = _tables(_agenda(每日清单=overview))
    rows = _rows(fourth)
    assert list(rows) == ["李四", "王五", "赵六"]
    assert (rows["赵六"]["明日目标"], rows["赵六"]["到期跟进"]) == (
        "（明日不当班）",
        "1（逾期 1）；未跟进 1",
    )


def test_the_morning_has_everyone_on_duty_today_with_their_follow_ups() -> None:
    book = load_book(_raw(), "测试支行-2026-11.xlsx")
    morning = build_agenda(book, D, "晨会")
    (table,) = _tables(morning)
    rows = _rows(table)
    idle = {*morning.free, *morning.untargeted}  # type: ignore[union-attr]
    assert {name for name in rows} | idle == set(ON_DUTY)
    # today's due: only 张三's (11-18); 郑一's is on Monday; 周九's card is 未跟进
    assert rows["赵六"]["今日跟进"] == "1（逾期 1）；未跟进 1"
    assert rows["赵六"]["客户（前几位）"] == "张*、周*"


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_format_names_everyone(fmt: str, lang: str) -> None:
    text = render_agenda(_agenda(), fmt, lang)
    for name in ON_DUTY:
        assert text.count(name) >= 2, name  # a row in section 1, and named in section 4


def test_the_tab_with_twelve_people_is_one_a4_page_in_9_points_or_more() -> None:
    grid = layout(agenda_sheet(_agenda()))
    assert grid.one_page and grid.size is not None and grid.size >= 9
    assert not grid.landscape
    names = {c.value for c in grid.cells} | {v for row in grid.values() for v in row if v}
    assert set(ON_DUTY) <= {str(n).rstrip("★") for n in names}


def test_the_sample_names_every_person_on_duty_and_prints_on_one_page() -> None:
    from .conftest import SAMPLE

    agenda = build_agenda(SAMPLE, D, "daily")
    first = _tables(agenda)[0]
    assert {row[0].rstrip("★") for row in first.rows} == set(agenda.attendees)
    grid = layout(agenda_sheet(agenda))
    assert grid.one_page and grid.size is not None and grid.size >= 9


# ---------------------------------------------------------------- lines that never claim more


def test_a_product_named_like_its_indicator_is_not_said_twice() -> None:
    products = [*golden.PRODUCTS, ["手机银行", "手机银行", "户"]]
    targets = [*golden.TARGETS, ["网点", "手机银行", 30]]  # none opened yet: the weakest
    lines = [t for _, t in agenda_lines(_agenda(产品=products, 目标=targets))]
    topic = next(line for line in lines if line.startswith("产品知识与话术："))
    assert (
        topic.startswith("产品知识与话术：手机银行（本月完成率最低的指标")
        and "（手机银行）" not in topic
    )


def test_nothing_sold_is_never_called_good_sales() -> None:
    # 12-01, the first day: four branch indicators at 0% against 1/31 = 3.2% elapsed — all "on
    # pace" within 5%, so a service meeting; but nothing has been sold.
    settings = [r if r[0] != "统计月份" else ["统计月份", "2026-12"] for r in golden.SETTINGS]
    targets = [
        ["对象", "指标", "目标值"],
        *(["网点", i, 10] for i in ("理财", "基金", "保险", "存款")),
    ]
    raw = {**_raw(设置=settings, 目标=targets), "追踪表": [golden.TRACKING[0]]}
    raw["转介登记"] = [golden.CARDS[0]]
    raw["每日清单"] = [["日期", "客流量"]]
    book = load_book(raw, "测试支行-2026-12.xlsx")
    agenda = build(book, compute(book, dt.date(2026, 12, 1)))
    assert agenda.plan.focus == "service_operations" and agenda.plan.nothing_sold
    text = render_agenda(agenda, "txt")
    assert "进度良好" not in text
    assert "服务和运营类夕会：网点各项指标都没有低于进度（本月还没有成交）" in text
    english = render_agenda(agenda, "txt", "en")
    assert "(nothing sold yet this month)" in english and "on pace." not in english


def test_a_day_without_an_overview_row_says_not_recorded_never_zero() -> None:
    agenda = _agenda(每日清单=[["日期", "客流量", "当班人员"]])
    assert agenda.summary.totals.traffic is None
    text = render_agenda(agenda, "txt")
    assert "客流量 未登记" in text and "客流量 0" not in text
    assert "foot traffic not recorded" in render_agenda(agenda, "txt", "en")


def test_a_percentage_beside_its_pace_word_is_rounded_after_the_word_is_decided() -> None:
    # 12-03: 3/31 = 9.68% elapsed; within 5% of it is on pace, so the edge is 4.68%. The
    # branch's 理财 5.0 of 100 (5.0%) is on pace; 赵六's 4.6 of 100 (4.6%) is behind. Both would
    # print as "5%"; rounded after deciding, with a decimal where whole percent sits on the
    # edge, they read 5.0% and 4.6%.
    progress = 3 / 31
    assert percent_beside(0.05, progress, 0.05) == "5.0%"
    assert percent_beside(0.046, progress, 0.05) == "4.6%"
    assert percent_beside(0.30, progress, 0.05) == "30%"  # far from any edge: whole
    settings = [r if r[0] != "统计月份" else ["统计月份", "2026-12"] for r in golden.SETTINGS]
    targets = [["对象", "指标", "目标值"], ["网点", "理财", 100], ["赵六", "理财", 100]]
    tracking = [
        golden.TRACKING[0],
        [
            None,
            "甲一",
            "13900000011",
            "2026-12-02",
            None,
            "赵六",
            "是",
            "日鑫月溢",
            4.6,
            None,
            None,
        ],
        [
            None,
            "乙二",
            "13900000012",
            "2026-12-02",
            None,
            "王五",
            "是",
            "日鑫月溢",
            0.4,
            None,
            None,
        ],
    ]
    raw = _raw(设置=settings, 目标=targets, 追踪表=tracking, 转介登记=[golden.CARDS[0]])
    raw["每日清单"] = [["日期", "客流量"]]
    raw["每日数据"] = [["日期", "姓名"]]
    book = load_book(raw, "测试支行-2026-12.xlsx")
    agenda = build(book, compute(book, dt.date(2026, 12, 3)))
    lines = [t for _, t in agenda_lines(agenda)]
    progress_line = next(line for line in lines if line.startswith("本月进度"))
    assert (
        progress_line
        == "本月进度（对照时间进度 9.7%，±5% 为正常；上表的综合得分和进度也是本月至今）；正常进度：理财 5.0%"
    )
    (first, *_) = _tables(agenda)
    zhao = _rows(first)["赵六"]
    assert (zhao["综合得分"], zhao["进度"]) == ("4.6%", "低于进度")


# ---------------------------------------------------------------- the command line


def test_format_text_is_accepted_beside_txt(tmp_path: Path) -> None:
    from .conftest import SAMPLE

    args = ["build-agenda", str(SAMPLE), "--date", "2026-11-20", "--format"]
    text = CliRunner().invoke(main, [*args, "text"])
    txt = CliRunner().invoke(main, [*args, "txt"])
    assert text.exit_code == txt.exit_code == 0 and text.output == txt.output
    markdown = CliRunner().invoke(main, [*args, "markdown"])
    assert markdown.output.startswith("# 火车站支行 夕会议程")


def test_validate_checks_a_day_when_asked(tmp_path: Path) -> None:
    from .test_fill_day import write_workbook

    # 每日概况 says 李四 is on duty on D; 每日数据 has no row of his: a warning about D.
    raw = _raw()
    raw["每日数据"] = [["日期", "姓名"]]
    path = write_workbook(raw, tmp_path / "测试支行-2026-11.xlsx")
    plain = CliRunner().invoke(main, ["validate", str(path)])
    dated = CliRunner().invoke(main, ["validate", str(path), "--date", "2026-11-20"])
    assert "没有 11-20 的记录" not in plain.output
    assert re.search(r"每日清单!C2\s+李四\s+当班但“每日数据”没有 11-20 的记录", dated.output)
    outside = CliRunner().invoke(main, ["validate", str(path), "--date", "2026-12-01"])
    assert outside.exit_code == 2 and "不在本工作簿的统计月份" in outside.output


def test_init_says_what_to_do_next(tmp_path: Path) -> None:
    book = tmp_path / "火车站支行-2026-11.xlsx"
    result = CliRunner().invoke(
        main, ["init", str(book), "--branch", "火车站支行", "--month", "2026-11"]
    )
    assert result.exit_code == 0
    last = result.output.splitlines()[-1]
    assert last.startswith("下一步：") and f"branchkit fill {book.name}" in last
