"""Month end and the calendar (docs/口径.md#明日目标, docs/口径.md#营业日,
docs/口径.md#节假日库不知道的年份): tomorrow's targets over the days the branch still opens, the
month's last opening day, and a year the holiday library does not know.

December 2026 has 31 days and no statutory holiday; it starts on a Tuesday. Open Monday to Friday
(营业日 周一至周五) the branch opens 1–4, 7–11, 14–18, 21–25 and 28–31: 4 + 5 + 5 + 5 + 4 = 23 days.
January 2027 is past what the holiday library knows; its weekdays are 1 and 4–8, 11–15, 18–22,
25–29: 21 days, 20 without New Year's Day.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

import pytest
from branchkit import morning
from branchkit.agenda import build
from branchkit.figures import Figures, compute
from branchkit.problems import Code, Level
from branchkit.read import Book
from branchkit.render.agenda import render_agenda
from branchkit.render.spec import Table
from branchkit.render.tabs import rankings_sheet
from branchkit.vocab import DayBasis
from branchkit.workdays import BranchCalendar, year_known

from . import december
from .december import TRACKING_HEAD, sale

ROSTER = [
    ["姓名", "岗位", "在岗"],
    ["周敏", "厅堂主管", "是"],
    ["李四", "客户助理", "是"],
    ["赵六", "理财经理", "是"],
]
TARGETS: list[list[Any]] = [
    ["对象", "指标", "目标值"],
    ["网点", "理财", 2000],
    ["赵六", "理财", 600],
    ["李四", "信用卡", 5],
]


def _book(month: str, *settings: list[Any], **sheets: list[list[Any]]) -> Book:
    return december.book(month, *settings, 人员=ROSTER, 目标=TARGETS, **sheets)


WEEKDAYS = ["营业日", "周一至周五"]
# 赵六 sells 500 万元 of 理财 on his own on 12-10: the branch still needs 1500, he 100.
SALE = [TRACKING_HEAD, sale("2026-12-10", "冯二", "赵六", "日鑫月溢", 500)]


def _targets(figures: Figures, today: bool = False) -> dict[tuple[str, str], Any]:
    found = figures.targets_today if today else figures.tomorrow
    return {(t.subject, t.indicator): t for t in found}


def _progress_table(figures: Figures) -> Table:
    sheet = rankings_sheet(figures)
    return next(
        b for b in sheet.blocks if isinstance(b, Table) and "指标进度与明日目标" in b.caption
    )


# ---------------------------------------------------------------- the days the branch opens


def test_tomorrow_divides_the_gap_by_the_days_the_branch_still_opens() -> None:
    # The December: 理财 2000 万元 for a branch on 自然日 closed at weekends.
    book = _book("2026-12", WEEKDAYS)
    first = compute(book, dt.date(2026, 12, 1))
    assert first.month_progress == pytest.approx(1 / 31)  # 自然日: time progress is calendar
    # The 晨会 of 12-01 (today included): 2000 over 23 opening days, about 87 万 — not 65.
    today = _targets(first, today=True)[("网点", "理财")]
    assert (today.days_left, today.tomorrow) == (23, pytest.approx(2000 / 23))
    assert round(today.tomorrow) == 87
    # That evening, nothing sold: 22 opening days after 12-01.
    tomorrow = _targets(first)[("网点", "理财")]
    assert (tomorrow.days_left, tomorrow.tomorrow) == (22, pytest.approx(2000 / 22))
    # Counts stay whole: 李四's 5 cards over 22 days is one a day.
    assert _targets(first)[("李四", "信用卡")].tomorrow == 1
    # Friday 12-04: the weekend takes no share; the next opening day is Monday 12-07, and 19
    # days are left (7–11, 14–18, 21–25, 28–31).
    friday = compute(book, dt.date(2026, 12, 4))
    assert friday.next_workday == dt.date(2026, 12, 7)
    assert _targets(friday)[("网点", "理财")].days_left == 19
    # Open every day (the default 营业日): 30 and 31 days, whatever the basis.
    every_day = compute(_book("2026-12", ["时间进度口径", "工作日"]), dt.date(2026, 12, 1))
    assert _targets(every_day)[("网点", "理财")].days_left == 30
    assert _targets(every_day, today=True)[("网点", "理财")].days_left == 31


def test_the_mornings_target_is_the_gap_of_the_morning_over_the_days_from_today() -> None:
    # Thursday 12-10, open Monday to Friday: 10, 11, 14–18, 21–25, 28–31 = 16 days from today.
    # That day 赵六 sells 500 万元 of 理财 and 李四 her five cards; the morning meeting came
    # before both sales, so its targets are the month's whole targets over 16 days: 网点 2000 ÷
    # 16 = 125, 赵六 600 ÷ 16 = 37.5, 李四 5 ÷ 16 -> 1 card. Taking today's sales off the gap
    # as well as counting today's share would say 1500 ÷ 16 = 93.75, 100 ÷ 16 = 6.25 and nothing
    # for 李四.
    cards = sale("2026-12-10", "褚三", "李四", "龙卡", 5)
    book = _book("2026-12", WEEKDAYS, 追踪表=[*SALE, cards])
    thursday = compute(book, dt.date(2026, 12, 10))
    today = _targets(thursday, today=True)
    assert (today[("网点", "理财")].days_left, today[("网点", "理财")].tomorrow) == (16, 125)
    assert (today[("赵六", "理财")].actual, today[("赵六", "理财")].tomorrow) == (0, 37.5)
    assert today[("李四", "信用卡")].tomorrow == 1
    text = render_agenda(morning.build(book, thursday, None), "txt")
    assert "网点今日目标（本月还有 16 个营业日，含今天）：理财 125万元" in text
    assert re.search(r"李四\s+信用卡 1张", text)
    assert "今日当班、没有个人目标也没有到期跟进：周敏\n" in text  # never "目标已完成"
    # The evening of 12-10 sees the sales: 1500 ÷ 15 = 100 for tomorrow, and the 晨会 of 12-11
    # says the same 100 even once 赵六 has sold 200 more on 12-11: the gap of that morning.
    assert _targets(thursday)[("网点", "理财")].tomorrow == 100
    friday_sale = sale("2026-12-11", "卫四", "赵六", "日鑫月溢", 200)
    friday = compute(
        _book("2026-12", WEEKDAYS, 追踪表=[*SALE, cards, friday_sale]), dt.date(2026, 12, 11)
    )
    assert _targets(friday, today=True)[("网点", "理财")].tomorrow == 100
    assert _targets(friday)[("网点", "理财")].tomorrow == pytest.approx(1300 / 14)


def test_a_closed_day_in_the_work_calendar_takes_no_share() -> None:
    # 工作日历 closes Thursday 12-24 and opens Saturday 12-26: still 22 days after 12-01,
    # but Christmas Eve is skipped and the Saturday counts.
    calendar = [["日期", "是否工作日"], ["2026-12-24", "否"], ["2026-12-26", "是"]]
    figures = compute(_book("2026-12", WEEKDAYS, 工作日历=calendar), dt.date(2026, 12, 23))
    # After 12-23: 25 (Fri), 26 (Sat, opened), 28–31 = 6 days.
    assert _targets(figures)[("网点", "理财")].days_left == 6
    assert figures.next_workday == dt.date(2026, 12, 25)


def test_the_months_last_opening_day_has_no_tomorrow() -> None:
    book = _book("2026-12", WEEKDAYS, 追踪表=SALE)
    eve = compute(book, dt.date(2026, 12, 30))
    assert not eve.last_opening_day
    assert _targets(eve)[("网点", "理财")].days_left == 1
    assert _targets(eve)[("网点", "理财")].tomorrow == 1500

    last = compute(book, dt.date(2026, 12, 31))
    assert last.last_opening_day
    branch, zhao = _targets(last)[("网点", "理财")], _targets(last)[("赵六", "理财")]
    # No share of anything for 2027-01-01: the gaps are what to close today.
    assert (branch.days_left, branch.tomorrow, branch.gap) == (0, 0.0, 1500.0)
    assert (zhao.days_left, zhao.tomorrow, zhao.gap) == (0, 0.0, 100.0)
    assert _targets(last)[("李四", "信用卡")].gap == 5

    text = render_agenda(build(book, last), "txt")
    tomorrow = text.split("四、次日工作目标及任务布置")[1]
    assert (
        "今天是本月最后一个营业日，没有明日目标：网点本月还差 理财 1,500万元，请今天完成。"
        in tomorrow
    )
    # everyone on duty today, in a table: what each still needs this month
    assert "本月还差（今天完成）" in tomorrow and re.search(r"赵六\s+理财 100万元", tomorrow)
    assert "明日目标（" not in text and "01-01" not in text

    table = _progress_table(last)
    assert "今天是本月最后一个营业日" in table.caption and "01-01" not in table.caption
    rows = {(r[0], r[1]): r for r in table.rows}
    headers = [c.header for c in table.columns]
    gap, ahead = headers.index("本月还差"), headers.index("明日目标")
    assert rows[("网点", "理财")][gap] == 1500 and rows[("网点", "理财")][ahead] is None


def test_a_branch_open_every_day_ends_on_the_31st_and_a_weekday_branch_on_its_last_weekday() -> (
    None
):
    # January 2027 for a branch open Monday to Friday ends on Friday 01-29: the 30th and 31st
    # are a weekend, so the 29th is the last opening day.
    calendar = [["日期", "是否工作日"], ["2027-01-01", "否"]]
    book = _book("2027-01", WEEKDAYS, 工作日历=calendar)
    assert compute(book, dt.date(2027, 1, 29)).last_opening_day
    assert not compute(book, dt.date(2027, 1, 28)).last_opening_day
    # The 晨会 of that last day: today's targets are the whole gap, and it says so.
    last = compute(book, dt.date(2027, 1, 29))
    assert _targets(last, today=True)[("网点", "理财")].tomorrow == 2000
    text = render_agenda(morning.build(book, last, None), "txt")
    assert "网点今日目标（今天是本月最后一个营业日）：理财 2,000万元" in text
    # Open every day: the 31st is the last.
    every_day = _book("2026-12")
    assert not compute(every_day, dt.date(2026, 12, 30)).last_opening_day
    assert compute(every_day, dt.date(2026, 12, 31)).last_opening_day


# ---------------------------------------------------------------- a year the library does not know


def test_a_year_the_holiday_library_does_not_know_is_said_once_with_the_fix() -> None:
    assert year_known(2026) and not year_known(2027)
    book = _book("2027-01", WEEKDAYS)
    figures = compute(book, dt.date(2027, 1, 4))
    (warning,) = [p for p in figures.problems if p.code is Code.HOLIDAYS_UNKNOWN]
    assert (warning.sheet, warning.level, warning.args["year"]) == ("工作日历", Level.WARNING, 2027)
    # New Year's Day is not silently a work day: it follows 营业日 (a Friday), and that is said.
    assert figures.unknown_year == 2027 and figures.is_open(dt.date(2027, 1, 1))
    for text in (
        render_agenda(build(book, figures), "txt"),
        render_agenda(morning.build(book, figures, None), "txt"),
    ):
        lines = [line for line in text.splitlines() if "2027 年的法定节假日" in line]
        assert len(lines) == 1 and "“工作日历”" in lines[0]
    # 工作日 time progress falls back on Monday to Friday: 01-01 and 01-04 of 21.
    work = compute(_book("2027-01", WEEKDAYS, ["时间进度口径", "工作日"]), dt.date(2027, 1, 4))
    assert work.month_progress == pytest.approx(2 / 21)


def test_the_branchs_own_calendar_settles_an_unknown_year() -> None:
    # One row of 工作日历 in the month is the branch's word: no warning, no agenda line, and
    # 01-01 closed for time progress, tomorrow and the 晨会's yesterday alike.
    calendar = [["日期", "是否工作日", "说明"], ["2027-01-01", "否", "元旦"]]
    book = _book("2027-01", WEEKDAYS, ["时间进度口径", "工作日"], 工作日历=calendar)
    figures = compute(book, dt.date(2027, 1, 4))
    assert figures.unknown_year is None
    assert not [p for p in figures.problems if p.code is Code.HOLIDAYS_UNKNOWN]
    assert "2027 年的法定节假日" not in render_agenda(build(book, figures), "txt")
    assert not figures.is_open(dt.date(2027, 1, 1))
    assert figures.month_progress == pytest.approx(1 / 20)  # 01-04 of 20 work days
    # After 01-04: 5–8, 11–15, 18–22, 25–29 = 19 opening days.
    assert _targets(figures)[("网点", "理财")].days_left == 19
    assert morning.yesterday_of(figures) is None  # 01-04 is the month's first opening day


# ---------------------------------------------------------------- the calendar itself


def test_opening_days_follow_the_work_calendar_then_the_day_overview_then_opening_weekdays() -> (
    None
):
    saturday, sunday, holiday, make_up = (
        dt.date(2026, 11, 21),
        dt.date(2026, 11, 22),
        dt.date(2026, 10, 1),  # National Day
        dt.date(2026, 10, 10),  # a Saturday worked for it (调休)
    )
    weekdays = BranchCalendar(weekdays=frozenset(range(5)))
    assert not weekdays.is_open(saturday) and weekdays.is_open(make_up)
    assert not weekdays.is_open(holiday)
    every_day = BranchCalendar()
    assert every_day.is_open(saturday) and every_day.is_open(sunday)
    assert not every_day.is_open(holiday)  # a statutory holiday closes any branch
    # 每日概况 (someone on duty) opens the Saturday; 工作日历 closing it wins over both.
    staffed = BranchCalendar(staffing={saturday: True}, weekdays=frozenset(range(5)))
    assert staffed.is_open(saturday)
    closed = BranchCalendar({saturday: False}, {saturday: True})
    assert not closed.is_open(saturday)
    # Work days (工作日 time progress) are statutory work days the branch opens on: a branch
    # closed on Mondays does not count Mondays; a weekend it opens is still not a work day.
    no_mondays = BranchCalendar(weekdays=frozenset(range(1, 7)))
    november = (dt.date(2026, 11, 1), dt.date(2026, 11, 30))
    assert BranchCalendar().days(*november, DayBasis.WORK) == 21
    assert no_mondays.days(*november, DayBasis.WORK) == 21 - 5  # Mondays 2, 9, 16, 23, 30
    assert no_mondays.is_work_day(make_up)  # 调休 Saturday: worked, as the calendar says
