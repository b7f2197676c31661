"""November → December → January as a branch lives it (docs/口径.md#上月结转,
docs/口径.md#周报日期, docs/口径.md#晨会): `init --from` carries what is open, a carried row counts
once, the weekly of a week that began last month reads last month's workbook beside it (or names
the days it lacks), the 晨会 of the 1st reads the new workbook, and the last day of December
sets nothing for New Year's Day.

November's workbook (分润比例 0.3, every day open):
  card A  11-30 李四 → 赵六, customer 李雷; its tracking row: 20 万 of 理财 sold on 11-30, the next
          call on 12-02 (carried, with its card);
  card B  11-28 李四 → 赵六, customer 张三, never answered (carried: not followed up);
  赵六's own sale of 10 万 on 11-30 (not carried).
  So on 11-30: 赵六 is credited 0.7 × 20 + 10 = 24, 李四 0.3 × 20 = 6; 李四 made 1 card, closed.
December's, made from it, adds: 赵六's own sale of 5 万 on 12-01; 李四's card of 12-02 (韩梅);
and 张三 — card B's customer — buying 30 万 on 12-05: 赵六 21, 李四 9.
Targets: 赵六 理财 300 in November (10 a day), 310 in December (10 a day); 李四 转介数 30 and 31.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path
from typing import Any

import pytest
from branchkit import jobs, schema
from branchkit.figures import compute
from branchkit.morning import MorningAgenda
from branchkit.newmonth import carry
from branchkit.read import read_book
from branchkit.render.agenda import render_agenda
from branchkit.render.spec import Table
from branchkit.render.tabs import quality_sheet
from branchkit.render.weekly import weekly_sheets
from branchkit.source import read_raw
from branchkit.templates import write_branch_workbook

from .refusals import one_line_exit_2, run

NOV, DEC, JAN = dt.date(2026, 11, 1), dt.date(2026, 12, 1), dt.date(2027, 1, 1)
ROSTER = [
    ["李四", "", "客户助理", "是"],
    ["赵六", "", "理财经理", "是"],
    ["周敏", "", "厅堂主管", "是"],
]


def _row(sheet: schema.Sheet, **cells: Any) -> list[Any]:
    assert set(cells) <= {c.key for c in sheet.columns}
    return [cells.get(c.key) for c in sheet.columns]


def _card(day: dt.date, rid: str, customer: str, phone: str) -> list[Any]:
    return _row(
        schema.REFERRALS,
        date=day,
        referral_id=rid,
        customer=customer,
        phone=phone,
        referrer="李四",
        on_site="是",
        need="理财",
        receiver="赵六",
    )


def _tracking(day: dt.date, customer: str, phone: str, **cells: Any) -> list[Any]:
    return _row(
        schema.TRACKING,
        customer=customer,
        phone=phone,
        referred_on=day,
        receiver="赵六",
        **cells,
    )


def _sold(day: dt.date, customer: str, phone: str, amount: float, **cells: Any) -> list[Any]:
    return _tracking(
        day, customer, phone, first_contact=day, product="日鑫月溢", amount=amount, **cells
    )


def _targets(zhao: float, li: float) -> list[list[Any]]:
    return [["赵六", "理财", zhao], ["李四", "转介数", li]]


def _branch_book(folder: Path, month: str, **rows: list[list[Any]]) -> Path:
    """测试支行's workbook of `month`: its staff and product, and these rows."""
    return write_branch_workbook(
        folder / f"测试支行-{month}.xlsx",
        "测试支行",
        month,
        data={"roster": ROSTER, "products": [["日鑫月溢", "理财", "万元"]], **rows},
    )


def _november(folder: Path) -> Path:
    nov30 = dt.date(2026, 11, 30)
    return _branch_book(
        folder,
        "2026-11",
        targets=_targets(300, 30),
        referrals=[
            _card(nov30, "R-A", "李雷", "13800000011"),
            _card(dt.date(2026, 11, 28), "R-B", "张三", "13800000001"),
        ],
        tracking=[
            _sold(
                nov30,
                "李雷",
                "13800000011",
                20,
                referral_id="R-A",
                referrer="李四",
                next_contact=dt.date(2026, 12, 2),
            ),
            _sold(nov30, "冯二", "13900000001", 10),
        ],
    )


def _december(folder: Path, november: Path) -> Path:
    """December's workbook as `init --from` makes it, with the month's own rows typed after."""
    carried = carry(read_raw(november), read_book(november), DEC, NOV)
    rows = dict(carried.rows)
    rows["targets"] = _targets(310, 31)
    rows["referrals"] = [*rows["referrals"], _card(dt.date(2026, 12, 2), "", "韩梅", "13800000012")]
    rows["tracking"] = [
        *rows["tracking"],
        _sold(dt.date(2026, 12, 1), "冯二", "13900000001", 5),
        _sold(dt.date(2026, 12, 5), "张三", "13800000001", 30, referrer="李四"),
    ]
    rows["work_calendar"] = [[JAN, "否", "元旦"]]  # typed ahead for January
    return write_branch_workbook(folder / "测试支行-2026-12.xlsx", "测试支行", "2026-12", data=rows)


@pytest.fixture
def months(tmp_path: Path) -> tuple[Path, Path]:
    november = _november(tmp_path)
    return november, _december(tmp_path, november)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _person(period: Any, name: str) -> Any:
    return next(p for p in period.people if p.name == name)


# ---------------------------------------------------------------- carried rows count once


def test_carried_rows_are_followed_up_but_never_counted_again(months: tuple[Path, Path]) -> None:
    _, december = months
    book = read_book(december)
    first = compute(book, DEC)
    # The carried follow-up (李雷, 12-02) is due by the next opening day; card B, carried
    # unanswered, is still 未跟进; card A was answered.
    assert [(f.customer, f.due) for f in first.follow_ups] == [("李雷", dt.date(2026, 12, 2))]
    assert [n.customer for n in first.not_followed] == ["张三"]
    # Their November facts are November's: 12-01's figures hold only 赵六's 5 万 of 12-01.
    assert first.month.branch.credited == {"理财": 5.0}
    assert first.week.period.start == DEC  # the week of 12-01 begins on the 1st here
    assert first.week.branch.credited == {"理财": 5.0} and first.week.branch.referrals == 0
    assert first.unverified == [] and first.cross_branch == []
    # 12-05: 张三 comes back and buys. The row finds carried card B: a referred sale of
    # December, 李四 credited 9, and no 无卡转介. Card B is 11-28's, so not among 李四's
    # December referrals (1: 韩梅's card of 12-02).
    later = compute(book, dt.date(2026, 12, 5))
    li = _person(later.month, "李四")
    assert li.credited == {"理财": pytest.approx(9.0)} and li.referrals == 1
    assert later.unverified == [] and [n.customer for n in later.not_followed] == ["韩梅"]
    assert later.month.branch.credited == {"理财": pytest.approx(35.0)}  # 5 + 30, not the 20


# ---------------------------------------------------------------- the weekly across the boundary


def test_the_weekly_of_w49_reads_novembers_workbook_beside_it(
    months: tuple[Path, Path], tmp_path: Path
) -> None:
    november, december = months
    before = _digest(november), _digest(december)
    data, _ = jobs.weekly(
        read_book(december), "2026-W49", tmp_path / "w.xlsx", today=dt.date(2026, 12, 6)
    )
    week = data.figures.week
    assert (data.start, data.day, data.missing) == (dt.date(2026, 11, 30), dt.date(2026, 12, 6), [])
    assert data.previous == "测试支行-2026-11.xlsx"
    # 11-30 from November's workbook (20 + 10), the rest from December's (5 + 30): 65, and the
    # carried row's 20 is not counted a second time.
    assert week.branch.credited == {"理财": pytest.approx(65.0)}
    assert data.sales == 4
    zhao, li = _person(week, "赵六"), _person(week, "李四")
    assert zhao.credited == {"理财": pytest.approx(24 + 5 + 21)}
    # Each month's days against its own target: 300 × 1/30 + 310 × 6/31 = 70.
    assert zhao.period_targets == {"理财": pytest.approx(70.0)}
    assert zhao.completion == {"理财": pytest.approx(50 / 70)}
    # 李四: card A (11-30, closed) and 韩梅's (12-02); carried cards A and B are not again.
    assert (li.referrals, li.successes) == (2, 1)
    assert li.period_targets == {"转介数": pytest.approx(1 + 6)}
    # The trend starts on 11-30; Sunday 12-06, with nothing sold, is not drawn.
    assert [start for start, _ in data.daily.spans] == [
        dt.date(2026, 11, 30) + dt.timedelta(n) for n in range(6)
    ]
    assert data.daily.sales["理财"][0] == pytest.approx(30.0)
    cover = weekly_sheets(data)[0]
    assert cover.subtitle.startswith("2026-W49（11-30 至 12-06）")
    assert (_digest(november), _digest(december)) == before  # both read, neither written


def test_a_card_of_last_month_answered_this_month_is_followed_up_in_the_week(
    tmp_path: Path,
) -> None:
    """Three cards of 11-30 nobody reached in November: `init --from` carries them. In December
    赵六 reaches 王五 on 12-02, and 钱七 on 12-03, who buys 3 万 that day. The week of 11-30 to
    12-06 counts both followed up (2 and 3 days to the first contact) and 钱七's won; 孙八's
    stays unanswered, and each card is counted once."""
    nov30 = dt.date(2026, 11, 30)
    november = _branch_book(
        tmp_path,
        "2026-11",
        targets=_targets(300, 30),
        referrals=[
            _card(nov30, "R-C", "王五", "13800000021"),
            _card(nov30, "", "钱七", "13800000022"),
            _card(nov30, "R-E", "孙八", "13800000023"),
        ],
    )
    rows = dict(carry(read_raw(november), read_book(november), DEC, NOV).rows)
    assert len(rows["referrals"]) == 3  # all carried, unanswered
    rows["tracking"] = [
        *rows.get("tracking", []),
        _tracking(
            nov30, "王五", "13800000021", referrer="李四", first_contact=dt.date(2026, 12, 2)
        ),
        _tracking(
            nov30,
            "钱七",
            "13800000022",
            referrer="李四",
            first_contact=dt.date(2026, 12, 3),
            product="日鑫月溢",
            amount=3,
            closed_on=dt.date(2026, 12, 3),
        ),
    ]
    december = _branch_book(tmp_path, "2026-12", **rows)
    day = dt.date(2026, 12, 6)
    week = compute(read_book(december), day, previous=read_book(november)).week
    (li,) = [r for r in week.referrers if r.name == "李四"]
    assert (li.referrals, li.followed, li.successes, li.amount) == (3, 2, 1, pytest.approx(3.0))
    (zhao,) = [r for r in week.receivers if r.name == "赵六"]
    assert (zhao.received, zhao.followed, zhao.closed, zhao.first_contact_days) == (3, 2, 1, 2.5)
    # Without December's answer the card is what November's workbook says: not followed up.
    alone = compute(read_book(november), nov30).today
    assert [(r.referrals, r.followed) for r in alone.referrers if r.name == "李四"] == [(3, 0)]


def test_a_twin_card_answered_this_month_answers_only_itself(tmp_path: Path) -> None:
    """Two cards of 11-30 for one customer and referrer, R-1 and R-2, both carried; December
    answers R-1 alone (3 万). R-2 is neither followed up nor won in the week: a numbered card is
    found by its number (found by reviewing the change: both counted)."""
    nov30 = dt.date(2026, 11, 30)
    cards = [_card(nov30, "R-1", "王五", "13800000021"), _card(nov30, "R-2", "王五", "13800000021")]
    november = _branch_book(tmp_path, "2026-11", targets=_targets(300, 30), referrals=cards)
    rows = dict(carry(read_raw(november), read_book(november), DEC, NOV).rows)
    rows["tracking"] = [
        _sold(dt.date(2026, 12, 2), "王五", "13800000021", 3, referral_id="R-1", referrer="李四")
    ]
    december = _branch_book(tmp_path, "2026-12", **rows)
    week = compute(read_book(december), dt.date(2026, 12, 6), previous=read_book(november)).week
    (li,) = [r for r in week.referrers if r.name == "李四"]
    assert (li.referrals, li.followed, li.successes, li.amount) == (2, 1, 1, pytest.approx(3.0))


def test_a_sale_typed_on_a_carried_row_without_its_date_is_said_not_lost(tmp_path: Path) -> None:
    """Two follow-ups carried into December: 王五 bought 10 万 in November (no 达成日期: it
    counted on its 推荐时间), 钱七 had not bought. `init --from` writes 王五's 推荐时间 as his
    达成日期, so when 钱七 buys and his 100 万 is typed on the carried row without a date, the
    sale is told apart from last month's and said at its 达成日期 cell, not dropped silently."""
    nov20 = dt.date(2026, 11, 20)
    follow = {"referrer": "李四", "next_contact": dt.date(2026, 12, 3)}
    november = _branch_book(
        tmp_path,
        "2026-11",
        referrals=[
            _card(nov20, "R-W", "王五", "13800000031"),
            _card(nov20, "R-Q", "钱七", "13800000032"),
        ],
        tracking=[
            _sold(nov20, "王五", "13800000031", 10, referral_id="R-W", **follow),
            _tracking(
                nov20, "钱七", "13800000032", referral_id="R-Q", first_contact=nov20, **follow
            ),
        ],
    )
    made = carry(read_raw(november), read_book(november), DEC, NOV)
    rows = dict(made.rows)
    closed_at = [c.key for c in schema.TRACKING.columns].index("closed_on")
    assert made.sales_dated == 1
    assert [r[closed_at] for r in rows["tracking"]] == [nov20, None]
    product_at = [c.key for c in schema.TRACKING.columns].index("product")
    rows["tracking"][1][product_at : product_at + 2] = ["日鑫月溢", 100]  # typed in December
    december = _branch_book(tmp_path, "2026-12", **rows)
    problems = compute(read_book(december), dt.date(2026, 12, 4)).problems
    dated = [(p.code.value, p.sheet, p.cell) for p in problems if "sale" in p.code.value]
    letter = chr(ord("A") + closed_at)
    assert dated == [("carried-sale-undated", "追踪表", f"{letter}3")]


def test_a_customer_back_after_the_match_window_is_pointed_to_her_card(tmp_path: Path) -> None:
    """杨玉's card of 11-02 is carried unanswered; she comes back on 12-04, 32 days on, and a row
    without 转介编号 is typed. Past 匹配天数 (30) the row finds no card: it is 无卡转介 as
    before, but the 转介质量 tab names the older card and says to write its number."""
    november = _branch_book(
        tmp_path, "2026-11", referrals=[_card(dt.date(2026, 11, 2), "R-Y", "杨玉", "13800000041")]
    )
    rows = dict(carry(read_raw(november), read_book(november), DEC, NOV).rows)
    # and 王芳: a card of 12-01, but the row of 12-04 has another phone, another customer of
    # that name (found in review: it was said to be past 匹配天数)
    rows["referrals"] = [*rows["referrals"], _card(dt.date(2026, 12, 1), "", "王芳", "13800000021")]
    rows["tracking"] = [
        _tracking(dt.date(2026, 12, 4), "杨玉", "13800000041", referrer="李四"),
        _tracking(dt.date(2026, 12, 4), "王芳", "13900000099", referrer="李四"),
    ]
    december = _branch_book(tmp_path, "2026-12", **rows)
    figures = compute(read_book(december), dt.date(2026, 12, 4))
    assert [(u.customer, u.older_card) for u in figures.unverified] == [
        ("杨玉", dt.date(2026, 11, 2)),
        ("王芳", None),
    ]
    table = next(
        b
        for b in quality_sheet(figures).blocks
        if isinstance(b, Table) and b.caption.startswith("无卡转介")
    )
    assert "有 11-02 的推荐卡（R-Y），已超过匹配天数" in table.rows[0][-1]


def test_without_last_months_workbook_the_weekly_names_the_days_it_lacks(
    months: tuple[Path, Path], tmp_path: Path
) -> None:
    november, december = months
    november.rename(tmp_path / "elsewhere.xlsx")
    data, _ = jobs.weekly(
        read_book(december), "2026-W49", tmp_path / "w.xlsx", today=dt.date(2026, 12, 6)
    )
    assert (data.start, data.missing, data.previous) == (DEC, [dt.date(2026, 11, 30)], "")
    assert data.figures.week.branch.credited == {"理财": pytest.approx(35.0)}
    zhao = _person(data.figures.week, "赵六")
    assert zhao.period_targets == {"理财": pytest.approx(60.0)}  # 310 × 6/31: December only
    sheets = weekly_sheets(data)
    # Every sheet's title line says 12-01 and names 11-30 as missing; none claims 11-30 至.
    for sheet in sheets:
        assert sheet.subtitle.startswith("2026-W49（12-01 至 12-06；11-30 不在本工作簿）")
    cover_text = "".join(text for block in sheets[0].blocks for _, text in block.lines)
    assert (
        "本周的 11-30 是上月的日子，本工作簿没有；上月的工作簿（测试支行-2026-11.xlsx）"
        in cover_text
    )
    assert dt.date(2026, 11, 30) not in [start for start, _ in data.daily.spans]


def test_a_workbook_of_another_branch_beside_it_is_not_read(
    months: tuple[Path, Path], tmp_path: Path
) -> None:
    november, december = months
    other = write_branch_workbook(tmp_path / "x.xlsx", "人民路支行", "2026-11")
    november.unlink()
    other.rename(november)  # named like ours, but another branch's
    data, _ = jobs.weekly(
        read_book(december), "2026-W49", tmp_path / "w.xlsx", today=dt.date(2026, 12, 6)
    )
    assert data.missing == [dt.date(2026, 11, 30)] and data.previous == ""


# ---------------------------------------------------------------- the 晨会 of the 1st, the 31st


def test_the_morning_of_the_1st_reads_the_new_workbook(months: tuple[Path, Path]) -> None:
    november, december = months
    agenda = jobs.build_agenda(december, DEC, "晨会")
    assert isinstance(agenda, MorningAgenda)
    assert agenda.yesterday.date is None
    text = render_agenda(agenda, "txt")
    assert "今天是本月第一个营业日，没有昨日数据。" in text
    # December's targets over its 31 opening days, today included, as they stood that morning:
    # 赵六's 5 万 sold later on 12-01 does not shrink today's share: 310 / 31 = 10 万.
    assert re.search(r"赵六\s+理财 10万元", text)  # his row of today's table
    # Asked of November's workbook, 12-01 is refused, pointing at December's beside it.
    result = run("build-agenda", november, "--date", "2026-12-01", "--meeting", "晨会")
    one_line_exit_2(result)
    assert "测试支行-2026-12.xlsx" in result.output


def test_december_31st_sets_nothing_for_new_years_day_and_january_starts_on_its_own(
    months: tuple[Path, Path], tmp_path: Path
) -> None:
    _, december = months
    book = read_book(december)
    last = compute(book, dt.date(2026, 12, 31))
    assert last.last_opening_day and {t.tomorrow for t in last.tomorrow} == {0.0}
    text = render_agenda(jobs.build_agenda(book, dt.date(2026, 12, 31)), "txt")
    assert "今天是本月最后一个营业日，没有明日目标" in text and "01-01" not in text
    # January from December: the row typed for New Year's Day goes over, so 2027 — a year the
    # holiday library does not know — is settled by the branch's own calendar: no warning, and
    # the month's first opening day is 01-02.
    january = tmp_path / "测试支行-2027-01.xlsx"
    result = run("init", january, "--from", december, "--month", "2027-01")
    assert result.exit_code == 0, result.output
    assert "下一步：确认“目标”，01-02 起照常录入" in result.output
    morning = jobs.build_agenda(january, dt.date(2027, 1, 2), "晨会")
    assert isinstance(morning, MorningAgenda) and morning.yesterday.date is None
    assert morning.unknown_year is None
    assert "今天是本月第一个营业日" in render_agenda(morning, "txt")
