"""People who come and go, and who is on duty (docs/口径.md#入职和离岗, docs/口径.md#当班人员).

December 2026, 31 days, 自然日, 营业日 每天 (the default), 进度容差 0.05. 刘洋 (柜员) joins on 12-03
with a target of 29 credit cards: her own days are 12-03 to 12-31, 29 of them, one card a day.
孙悦 (服务经理) leaves after 12-18 with 18 cards to refer: her own days are 12-01 to 12-18. 王五
(大堂经理) is not on duty on 12-03, the day 每日概况 names the others.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from branchkit import fill
from branchkit.agenda import build
from branchkit.figures import Figures, PersonFigures, compute
from branchkit.read import Book
from branchkit.render.agenda import render_agenda
from branchkit.render.report import figures_json
from branchkit.staffing import on_duty
from branchkit.vocab import BEHIND, DAY, MONTH, ON_PACE, WEEK

from . import december
from .december import TRACKING_HEAD, sale

ROSTER: list[list[Any]] = [
    ["姓名", "岗位", "在岗", "入职日期", "离岗日期"],
    ["周敏", "厅堂主管", "是", None, None],
    ["李四", "客户助理", "是", None, None],
    ["王五", "大堂经理", "是", None, None],
    ["赵六", "理财经理", "是", None, None],
    ["刘洋", "柜员", "是", "2026-12-03", None],
    ["孙悦", "服务经理", "是", None, "2026-12-18"],
    ["林晓", "柜员", "否", None, None],
]
TARGETS: list[list[Any]] = [
    ["对象", "指标", "目标值"],
    ["刘洋", "信用卡", 29],
    ["孙悦", "转介数", 18],
    ["王五", "信用卡", 31],
    ["李四", "信用卡", 31],
    ["赵六", "理财", 310],
]
# 12-03: 王五 is off. 12-25: the branch is closed (nobody on duty, no customers).
OVERVIEW: list[list[Any]] = [
    ["日期", "客流量", "当班人员"],
    ["2026-12-03", 120, "周敏、李四、赵六、刘洋、孙悦"],
    ["2026-12-25", 0, None],
]
# 李四 and 刘洋 each sell a card on 12-03; 刘洋 two more on 12-04 and 12-05; 赵六 31 万 on 12-03.
TRACKING = [
    TRACKING_HEAD,
    sale("2026-12-03", "甲", "李四", "龙卡", 1),
    sale("2026-12-03", "乙", "刘洋", "龙卡", 1),
    sale("2026-12-04", "丙", "刘洋", "龙卡", 1),
    sale("2026-12-05", "丁", "刘洋", "龙卡", 1),
    sale("2026-12-03", "戊", "赵六", "日鑫月溢", 31),
]


def _book(**changes: list[list[Any]]) -> Book:
    sheets: dict[str, list[list[Any]]] = {
        "人员": ROSTER,
        "目标": TARGETS,
        "追踪表": TRACKING,
        "每日概况": OVERVIEW,
        **changes,
    }
    return december.book("2026-12", **sheets)


def _person(figures: Figures, name: str, kind: Any = MONTH) -> PersonFigures:
    return next(p for p in figures.period(kind).people if p.name == name)


# ---------------------------------------------------------------- who is on duty


def test_who_is_on_duty_is_one_answer() -> None:
    book = _book()
    # 12-03: as 每日概况 names them (王五 off).
    assert on_duty(book, dt.date(2026, 12, 3)) == ["周敏", "李四", "赵六", "刘洋", "孙悦"]
    # 12-02, not recorded: everyone 在岗 whose dates take the day in (not 刘洋 yet, not 林晓).
    assert on_duty(book, dt.date(2026, 12, 2)) == ["周敏", "李四", "王五", "赵六", "孙悦"]
    # 12-20: 孙悦 has left; 刘洋 is there.
    assert on_duty(book, dt.date(2026, 12, 20)) == ["周敏", "李四", "王五", "赵六", "刘洋"]
    # 12-25: the branch is closed: nobody.
    assert on_duty(book, dt.date(2026, 12, 25)) == []
    # The figures, the agenda's attendees and fill's 每日数据 rows use the same answer.
    figures = compute(book, dt.date(2026, 12, 2))
    assert figures.on_duty == on_duty(book, dt.date(2026, 12, 2))
    assert build(book, figures).attendees == figures.on_duty
    plan = fill.FillPlan()
    fill.daily_rows(book, dt.date(2026, 12, 2), plan)
    assert [r.values["name"] for r in plan.rows] == ["李四", "王五", "赵六", "孙悦"]


def test_the_days_ranking_ranks_only_those_on_duty() -> None:
    figures = compute(_book(), dt.date(2026, 12, 3))
    wang = _person(figures, "王五", DAY)
    # 王五 was off: not ranked for the day, no day's pace — never "joint 4th, 低于进度".
    assert (wang.rank, wang.score, wang.status) == (None, None, {})
    day = {p.name: p for p in figures.today.people if p.rank is not None}
    assert set(day) == {"李四", "赵六", "刘洋", "孙悦"}
    # Day targets are a day's share: 李四 31 / 31 = 1 card, sold 1; 刘洋 29 / 29 = 1, sold 1;
    # 赵六 310 / 31 = 10 万, sold 31 (capped at 150%); 孙悦 18 / 18 = 1 card, made none.
    assert day["李四"].completion == {"信用卡": pytest.approx(1.0)}
    assert day["刘洋"].completion == {"信用卡": pytest.approx(1.0)}
    assert day["赵六"].score == pytest.approx(1.5)
    assert [(p.name, p.rank) for p in sorted(day.values(), key=lambda p: p.rank or 0)] == [
        ("赵六", 1),
        ("李四", 2),
        ("刘洋", 2),
        ("孙悦", 4),
    ]
    assert "王五" not in figures.stars[DAY]
    data = figures_json(figures, DAY)
    assert next(p for p in data["人员"] if p["姓名"] == "王五")["排名"] is None
    # The week and the month rank him as usual.
    assert _person(figures, "王五", WEEK).rank is not None
    assert _person(figures, "王五", MONTH).rank is not None


# ---------------------------------------------------------------- a joiner and a leaver


def test_a_new_hire_is_paced_on_her_own_days_and_never_behind_on_her_first() -> None:
    book = _book(追踪表=[TRACKING_HEAD])  # nothing sold yet
    first_day = compute(book, dt.date(2026, 12, 3))
    liu = _person(first_day, "刘洋")
    assert liu.time_progress == 0.0  # her first day: nothing expected yet
    assert liu.status == {"信用卡": ON_PACE} and liu.overall_status is ON_PACE
    assert "刘洋" not in render_agenda(build(book, first_day), "txt").split("二、")[1]
    # Without 入职日期 she would be paced on 3 of 31 days: 0% against 9.7% is behind.
    roster = [[*row[:3], None, row[4]] if row[0] == "刘洋" else row for row in ROSTER]
    unknown_start = compute(_book(人员=roster, 追踪表=[TRACKING_HEAD]), dt.date(2026, 12, 3))
    assert _person(unknown_start, "刘洋").status == {"信用卡": BEHIND}


def test_a_new_hires_progress_targets_and_tomorrow_count_only_her_days() -> None:
    figures = compute(_book(), dt.date(2026, 12, 5))
    liu = _person(figures, "刘洋")
    # 12-03..12-05 of her 29 days; 3 cards of 29: exactly on pace.
    assert liu.time_progress == pytest.approx(3 / 29)
    assert liu.completion == {"信用卡": pytest.approx(3 / 29)}
    assert liu.status == {"信用卡": ON_PACE}
    # The week to date (12-01..12-05, Saturday) holds 3 of her days: 29 × 3/29 = 3 cards; the
    # day's share is 1 card.
    assert _person(figures, "刘洋", WEEK).period_targets == {"信用卡": pytest.approx(3.0)}
    assert _person(figures, "刘洋", DAY).period_targets == {"信用卡": pytest.approx(1.0)}
    # 26 cards to go over the 25 days the branch opens after 12-05 (12-25 is closed): 1.04,
    # rounded up to 2 whole cards.
    (tomorrow,) = [t for t in figures.tomorrow if t.subject == "刘洋"]
    assert (tomorrow.gap, tomorrow.days_left, tomorrow.tomorrow) == (26, 25, 2)
    # Before she joins she is in no period: not ranked, no target.
    before = compute(_book(), dt.date(2026, 12, 2))
    assert "刘洋" not in {p.name for p in before.month.people}
    assert "刘洋" not in {t.subject for t in before.tomorrow}


def test_a_leaver_is_paced_on_her_days_and_has_no_tomorrow_after_them() -> None:
    # 12-10: 孙悦 has 8 days left (11–18) for her 18 cards; none made: 18 / 8 → 3 a day.
    mid = compute(_book(), dt.date(2026, 12, 10))
    sun = _person(mid, "孙悦")
    assert sun.time_progress == pytest.approx(10 / 18)
    (tomorrow,) = [t for t in mid.tomorrow if t.subject == "孙悦"]
    assert (tomorrow.days_left, tomorrow.tomorrow) == (8, 3)
    # 12-20: all of her days are behind her. She is in the month and in the week (12-14..12-20
    # holds 5 of her days: 18 × 5/18 = 5 cards), not in the day, and has no tomorrow.
    after = compute(_book(), dt.date(2026, 12, 20))
    assert _person(after, "孙悦").time_progress == 1.0
    assert _person(after, "孙悦", WEEK).period_targets == {"转介数": pytest.approx(5.0)}
    assert "孙悦" not in {p.name for p in after.today.people}
    assert "孙悦" not in {t.subject for t in after.tomorrow}
    # The week after she left holds none of her days.
    later = compute(_book(), dt.date(2026, 12, 23))
    assert "孙悦" not in {p.name for p in later.week.people}
