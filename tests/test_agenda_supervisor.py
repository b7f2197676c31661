"""What a branch supervisor reads in the 夕会 and the 晨会, never more than the figures say
(docs/口径.md#夕会议程, docs/口径.md#结对辅导, docs/口径.md#跟进提醒): the cards nobody contacted,
days nobody recorded, who has met targets and who has none, who coaches whom, and one figure read
the same wherever it is shown.

December 2026, 31 days, 自然日, open every day, 进度容差 0.05, 未跟进天数 2 (the default). D is
Friday 12-11: time progress 11/31 = 35.5 %, so behind below 30.5 % and ahead above 40.5 %.

- 王五 (大堂经理) sold 15 credit cards of 31: 48 %, ahead on 信用卡; 理财 0 of 310. His 综合得分
  (48 % + 0) / 2 = 24 % is behind pace: ahead on one indicator, behind overall.
- 李四 (客户助理) sold 14 cards of 31: 45 %, ahead; 信用卡 is her only target, 综合得分 45 %: ahead.
- 孙悦 (服务经理) sold 2 cards of 31: 6 %, behind.
- 杨帆 (柜员), 信用卡 31, sold none, left the branch after 12-10 (离岗日期 12-10).
- 郑强 (客户经理) sold his whole 理财 target, 10 万元; 周敏 (厅堂主管) has no target at all.
- 网点 信用卡 103: 15 + 14 + 2 = 31 sold, 30.1 % — behind, and whole it would read 30 %, the
  same as the lower edge 30.5 % does: shown as 30.1 % everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from branchkit import fill
from branchkit.agenda import Agenda, build
from branchkit.figures import compute
from branchkit.jobs import build_agenda
from branchkit.morning import MorningAgenda
from branchkit.read import Book
from branchkit.render.agenda import AgendaTable, agenda_blocks, agenda_lines, render_agenda
from branchkit.vocab import WEEKLY

from . import december
from .december import CARD_HEAD, TRACKING_HEAD, sale

D = dt.date(2026, 12, 11)
ROSTER: list[list[Any]] = [
    ["姓名", "岗位", "在岗", "入职日期", "离岗日期"],
    ["周敏", "厅堂主管", "是", None, None],
    ["李四", "客户助理", "是", None, None],
    ["王五", "大堂经理", "是", None, None],
    ["孙悦", "服务经理", "是", None, None],
    ["赵六", "理财经理", "是", None, None],
    ["郑强", "客户经理", "是", None, None],
    ["杨帆", "柜员", "是", None, "2026-12-10"],
]
TARGETS: list[list[Any]] = [
    ["对象", "指标", "目标值"],
    ["王五", "信用卡", 31],
    ["王五", "理财", 310],
    ["李四", "信用卡", 31],
    ["孙悦", "信用卡", 31],
    ["杨帆", "信用卡", 31],
    ["郑强", "理财", 10],
    ["网点", "信用卡", 103],
]
TRACKING: list[list[Any]] = [
    [*TRACKING_HEAD, "建议下次联系时间"],
    [*sale("2026-12-04", "甲", "王五", "龙卡", 15), None],
    [*sale("2026-12-05", "乙", "李四", "龙卡", 14), None],
    [*sale("2026-12-06", "丙", "孙悦", "龙卡", 2), None],
    [*sale("2026-12-07", "丁", "郑强", "日鑫月溢", 10), None],
    # 赵六 met 霍去病 on 12-03 and meant to call again on 12-10: one follow-up, overdue
    ["霍去病", None, "2026-12-03", None, "赵六", "2026-12-03", None, None, "2026-12-10"],
]
CARDS: list[list[Any]] = [
    CARD_HEAD,
    # nobody has contacted either customer 2 days on: 未跟进, 赵六's and 王五's
    ["2026-12-05", "卫青", "13800000001", "李四", "是", "理财", "赵六"],
    ["2026-12-08", "霍光", "13800000002", "李四", "是", "信用卡", "王五"],
    # a day old on D: not yet 未跟进
    ["2026-12-10", "苏武", "13800000003", "李四", "是", "理财", "赵六"],
]
DAILY: list[list[Any]] = [
    ["日期", "姓名", "接待客户数", "业务笔数", "自主销售"],
    ["2026-12-11", "李四", 30, 20, None],  # only 李四 recorded 12-11
]
OVERVIEW: list[list[Any]] = [
    ["日期", "客流量", "当班人员"],
    ["2026-12-09", 95, None],  # 每日概况 has 12-09's customers; nobody typed 每日数据 for it
]


def _book(**changes: list[list[Any]]) -> Book:
    sheets: dict[str, list[list[Any]]] = {
        "人员": ROSTER,
        "目标": TARGETS,
        "追踪表": TRACKING,
        "转介登记": CARDS,
        "每日数据": DAILY,
        "每日概况": OVERVIEW,
        **changes,
    }
    return december.book("2026-12", **sheets)


def _evening(day: dt.date = D, **changes: list[list[Any]]) -> Agenda:
    book = _book(**changes)
    return build(book, compute(book, day))


def _morning(day: dt.date = D) -> MorningAgenda:
    agenda = build_agenda(_book(), day, "晨会")
    assert isinstance(agenda, MorningAgenda)
    return agenda


def _table(agenda: Agenda | MorningAgenda, index: int) -> dict[str, dict[str, str]]:
    tables = [b for b in agenda_blocks(agenda_lines(agenda)) if isinstance(b, AgendaTable)]
    table = tables[index]
    return {row[0]: dict(zip(table.header, row, strict=True)) for row in table.rows}


# ---------------------------------------------------------------- who has left


def test_someone_who_has_left_is_no_longer_behind_nor_coached() -> None:
    # Had 杨帆 stayed, he would be behind on 信用卡 with nothing sold, and the one coached.
    staying = [row if row[0] != "杨帆" else [*row[:4], None] for row in ROSTER]
    stayed = _evening(人员=staying)
    assert dict(stayed.plan.behind_people)["杨帆"][0].indicator == "信用卡"
    # He left after 12-10: on 12-11 he is in neither the people behind nor a pair.
    agenda = _evening()
    assert "杨帆" not in dict(agenda.plan.behind_people)
    assert all("杨帆" not in (p.coach, p.learner) for p in agenda.plan.pairings)
    section_2 = render_agenda(agenda, "txt").split("二、")[1].split("三、")[0]
    assert "杨帆" not in section_2
    # An item still in his name says he has left, so somebody takes it over (a helper saw
    # a leaver's carried item listed under him on every December agenda).
    actions = [["提出日期", "事项", "责任人", "截止日期", "状态"]]
    actions += [["2026-12-01", "回访存量客户", "杨帆", "2026-12-11", "未完成"]]
    handed = render_agenda(_evening(行动计划=actions), "txt")
    assert "回访存量客户（杨帆，已不在岗，请改派，12-11 前）" in handed
    # nor at the week's meeting, though his days before he left still count on 排行榜
    book = _book()
    weekly = build(book, compute(book, D), WEEKLY)
    assert "杨帆" not in weekly.attendees and "杨帆" in {
        p.name for p in compute(book, D).month.people
    }


# ---------------------------------------------------------------- coaching


def test_the_coach_is_ahead_on_the_indicator_and_not_behind_overall() -> None:
    # 王五 has the best 信用卡 completion (48 %) but his 综合得分 is behind pace; 李四 (45 %,
    # ahead overall) is the better coach, and coaches the one behind, 孙悦.
    agenda = _evening()
    pairs = [(p.indicator, p.coach, p.learner) for p in agenda.plan.pairings]
    assert pairs == [("信用卡", "李四", "孙悦")]
    assert "结对辅导：李四 辅导 孙悦（信用卡）" in render_agenda(agenda, "txt")
    # what `fill` writes to 行动计划: plain Chinese, learner asks coach
    book = _book()
    items = [
        r.values["item"] for r in fill.plan(book, compute(book, D)).rows if r.sheet == "actions"
    ]
    assert items == ["孙悦向李四请教提升信用卡的做法（结对辅导）"]


def test_with_no_better_coach_the_one_ahead_on_the_indicator_coaches() -> None:
    # 李四 sold 10 cards, not 14: 32 %, on pace, no coach. 王五 is then the only one ahead on
    # 信用卡: behind overall, but nobody better can coach 孙悦.
    tracking = [TRACKING[0], *TRACKING[1:2], [*sale("2026-12-05", "乙", "李四", "龙卡", 10), None]]
    agenda = _evening(追踪表=[*tracking, *TRACKING[3:]])
    assert [(p.coach, p.learner) for p in agenda.plan.pairings] == [("王五", "孙悦")]


def test_a_newcomer_ahead_on_the_first_day_coaches_nobody() -> None:
    # 陈晨 joins on D with a target of 2 龙卡 and sells 1 that day: ahead of a pace of nothing,
    # the best completion on 信用卡 (50 %, 王五 48 %). Someone who joined this month coaches
    # nobody: 李四 still does (found by a helper trying a December: a newcomer paired to
    # coach a colleague on the first day).
    roster = [*ROSTER, ["陈晨", "客户助理", "是", "2026-12-11", None]]
    targets = [
        *(r for r in TARGETS if r[0] != "网点"),
        ["陈晨", "信用卡", 2],
        ["网点", "信用卡", 110],
    ]
    tracking = [*TRACKING, [*sale("2026-12-11", "戊", "陈晨", "龙卡", 1), None]]
    agenda = _evening(人员=roster, 目标=targets, 追踪表=tracking)
    assert [(p.coach, p.learner) for p in agenda.plan.pairings] == [("李四", "孙悦")]


def test_a_newcomer_ahead_on_the_months_last_day_coaches_nobody() -> None:
    # 陈晨 joined 12-29 and sold 3 of his 2 龙卡: on 12-31 everyone's time progress is 100 %,
    # his too, yet he is still two days at the branch (found in review).
    roster = [*ROSTER, ["陈晨", "客户助理", "是", "2026-12-29", None]]
    targets = [*TARGETS, ["陈晨", "信用卡", 2]]
    tracking = [*TRACKING, [*sale("2026-12-30", "戊", "陈晨", "龙卡", 3), None]]
    agenda = _evening(dt.date(2026, 12, 31), 人员=roster, 目标=targets, 追踪表=tracking)
    assert all(p.coach != "陈晨" for p in agenda.plan.pairings)


# ---------------------------------------------------------------- 未跟进


def test_each_receivers_cards_nobody_contacted_are_beside_their_follow_ups() -> None:
    agenda = _evening()
    rows = _table(agenda, 1)
    # 赵六: 霍去病 overdue since 12-10; 卫青's card (12-05) 6 days uncontacted; 苏武's is a day
    # old. 王五: nothing due, 霍光's card of 12-08 uncontacted.
    assert (rows["赵六"]["到期跟进"], rows["赵六"]["客户（前几位）"]) == (
        "1（逾期 1）；未跟进 1",
        "霍**、卫*",
    )
    assert (rows["王五"]["到期跟进"], rows["王五"]["客户（前几位）"]) == ("未跟进 1", "霍*")
    # 赵六 has no target: his row is there for his follow-ups, and says so
    assert rows["赵六"]["明日目标"] == "没有个人目标"
    # The 晨会 of 12-11: the same cards, in today's follow-ups.
    morning = _table(_morning(), 0)
    assert morning["赵六"]["今日跟进"] == "1（逾期 1）；未跟进 1"
    assert morning["王五"]["今日跟进"] == "未跟进 1"


def test_the_cards_of_a_receiver_with_nothing_else_give_them_a_row() -> None:
    # On 12-11 every target of 郑强 is met; a card for him nobody contacted puts him in the table
    # rather than among those with nothing to do.
    cards = [*CARDS, ["2026-12-01", "张骞", "13800000004", "李四", "是", "理财", "郑强"]]
    agenda = _evening(转介登记=cards)
    rows = _table(agenda, 1)
    assert (rows["郑强"]["明日目标"], rows["郑强"]["到期跟进"]) == ("目标已完成", "未跟进 1")
    assert "郑强" not in agenda.tomorrow.free


# ---------------------------------------------------------------- who has met targets, who has none


def test_only_people_with_targets_all_met_are_said_to_have_met_them() -> None:
    agenda = _evening()
    # 郑强 met his only target; 周敏 has none. Neither has anything due.
    assert (agenda.tomorrow.free, agenda.tomorrow.untargeted) == (["郑强"], ["周敏"])
    text = render_agenda(agenda, "txt")
    assert "明日当班、没有到期跟进：郑强目标已完成；周敏没有个人目标\n" in text
    assert "目标已完成且没有到期跟进" not in text
    morning = render_agenda(_morning(), "txt")
    assert "今日当班、没有到期跟进：郑强目标已完成；周敏没有个人目标\n" in morning


def test_nobody_is_said_to_have_met_targets_they_never_had() -> None:
    targets = [row for row in TARGETS if row[0] != "郑强"]
    agenda = _evening(目标=targets)
    assert (agenda.tomorrow.free, agenda.tomorrow.untargeted) == ([], ["周敏", "郑强"])
    text = render_agenda(agenda, "txt")
    assert "明日当班、没有个人目标也没有到期跟进：周敏、郑强\n" in text
    assert "目标已完成" not in text


# ---------------------------------------------------------------- 未登记, never 0


def test_a_person_with_no_daily_row_reads_unrecorded_not_zero() -> None:
    agenda = _evening()
    rows = _table(agenda, 0)
    assert (rows["李四"]["接待"], rows["李四"]["笔数"]) == ("30", "20")
    # the others typed nothing for 12-11: blank, named under the table (in the table's order);
    # 转介 is counted from the cards, a true 0
    assert (rows["孙悦"]["接待"], rows["孙悦"]["自主销售"], rows["孙悦"]["转介"]) == ("", "", "0")
    assert rows["王五"]["接待"] == ""
    lines = [text for _, text in agenda_lines(agenda)]
    assert "每日数据未登记（表中接待、笔数等空着）：郑强、王五、孙悦、赵六" in lines
    assert any(line.startswith("网点合计：客流量 未登记；业务笔数 20；") for line in lines)


def test_a_day_with_no_daily_rows_has_no_transactions_rather_than_zero() -> None:
    # 12-09: 95 customers on 每日概况, no 每日数据 at all
    agenda = _evening(dt.date(2026, 12, 9))
    assert agenda.summary.totals.transactions is None
    for fmt in ("txt", "md", "html"):
        text = render_agenda(agenda, fmt)
        assert "客流量 95；业务笔数 未登记；" in text
        assert "每日数据都未登记，表中接待、笔数等空着" in text
        assert not re.search(r"业务笔数 0|接待 0", text)
    rows = _table(agenda, 0)
    assert all(row["接待"] == "" and row["笔数"] == "" for row in rows.values())


# ---------------------------------------------------------------- one figure, one reading


def test_a_figure_reads_the_same_wherever_it_is_shown() -> None:
    agenda = _evening()
    text = render_agenda(agenda, "txt")
    # 网点 信用卡 31 / 103 = 30.1 %: beside its pace in section 1, and again in sections 2 and 3
    assert "低于进度：信用卡 30.1%" in text
    assert "落后指标：信用卡（完成 30.1%）" in text
    assert "（本月完成率最低的指标，30.1%）" in text
    assert not re.search(r"信用卡[^\n]{0,6}\b30%", text)


def test_every_summary_sentence_ends() -> None:
    text = render_agenda(_evening(), "txt")
    assert "运营：风险案例 0 起。\n" in text
    english = render_agenda(_evening(), "txt", "en")
    assert "Operations: risk cases 0.\n" in english
