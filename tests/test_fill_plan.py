"""What `branchkit fill` plans to write (docs/工作簿.md#填写), worked out by hand on the small
branch of test_figures_golden (D = 2026-11-20, 网点名称 测试支行 so the short code is CS).

Cards (转介登记 rows): 2 R-1 张三 → 赵六; 3 (no number) 钱七 → 赵六; 4 R-3 孙八 → 王五;
5 R-4 周九 → 赵六 (never followed); 6 R-5 吴十 → 赵六 (no row yet); 7 R-6 郑一 → 赵六.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace
from typing import Any

from branchkit import fill, problem_text
from branchkit.figures import compute
from branchkit.problems import Code, Level
from branchkit.read import Book, load_book
from branchkit.schema import SHEETS_BY_KEY
from branchkit.vocab import Unit
from branchkit.writerules import Formula
from hypothesis import given, settings
from hypothesis import strategies as st

from . import test_figures_golden as golden

D = golden.D


def _plan(raw: dict[str, list[list[Any]]], day: dt.date = D) -> fill.FillPlan:
    book = load_book(raw, "测试支行-2026-11.xlsx")
    return fill.plan(book, compute(book, day))


def _with_card(card: list[Any]) -> dict[str, list[list[Any]]]:
    """The golden branch with one more 转介登记 row (row 8)."""
    raw = golden._raw()
    raw["转介登记"] = [*golden.CARDS, card]
    return raw


def _cells(plan: fill.FillPlan, sheet: str, column: str) -> dict[int, Any]:
    return {c.row: c.value for c in plan.cells if (c.sheet, c.column) == (sheet, column)}


def test_cards_without_a_number_get_a_stable_branch_prefixed_one() -> None:
    plan = _plan(golden._raw())
    assert _cells(plan, "referrals", "referral_id") == {3: "CS-20261105-01"}


def test_the_short_code_setting_wins_and_numbers_count_on_after_those_taken() -> None:
    raw = golden._raw()
    raw["设置"] = [*golden.SETTINGS, ["简称", "hcz"]]
    cards = [list(r) for r in golden.CARDS]
    cards[1][1] = "HCZ-20261102-01"  # row 2, dated 11-02, already numbered
    cards.append(["2026-11-02", None, "卫七", "13800000007", "李四", "是", "理财", "赵六"])
    raw["转介登记"] = cards
    numbers = _cells(_plan(raw), "referrals", "referral_id")
    assert numbers == {3: "HCZ-20261105-01", 8: "HCZ-20261102-02"}


def test_each_card_without_a_tracking_row_gets_one_for_its_receiver() -> None:
    plan = _plan(golden._raw())
    added = [r.values for r in plan.rows if r.sheet == "tracking"]
    assert [(v["referral_id"], v["customer"], v["receiver"]) for v in added] == [
        ("R-4", "周九", "赵六"),
        ("R-5", "吴十", "赵六"),
    ]
    assert added[0] | {"seq": None} == {
        "seq": None,
        "referral_id": "R-4",
        "customer": "周九",
        "phone": "13800000004",
        "referred_on": dt.date(2026, 11, 16),  # the card's 日期
        "on_site": True,
        "referrer": "李四",
        "receiver": "赵六",
    }


def test_matched_tracking_rows_get_the_card_number() -> None:
    # Row 3 matches card 3 by name, phone and referrer (its new number); row 5 matches card R-3.
    plan = _plan(golden._raw())
    assert _cells(plan, "tracking", "referral_id") == {3: "CS-20261105-01", 5: "R-3"}


def test_the_referrer_hears_back_on_the_card() -> None:
    plan = _plan(golden._raw())
    assert _cells(plan, "referrals", "feedback") == {
        2: "〔自动〕11-02 已达成 理财 20万元",
        3: "〔自动〕11-08 已达成 理财 10万元",
        4: "〔自动〕11-10 已达成 信用卡 1张；11-10 已达成 理财 5万元",
        5: "〔自动〕未联系",
        6: "〔自动〕未联系",
        7: "〔自动〕已联系，未成交",  # row 8 set a next contact date
    }


def _closed_on(date: str) -> Book:
    """The golden month with 钱七's sale (追踪表 row 3, 达成日期) typed as `date`."""
    raw = golden._raw()
    tracking = [list(r) for r in golden.TRACKING]
    tracking[2][9] = date
    raw["追踪表"] = tracking
    return load_book(raw, "测试支行-2026-11.xlsx")


def test_a_sale_dated_before_the_month_is_still_news_to_the_referrer() -> None:
    # 钱七's row (tracking row 3) has its 达成日期 typed a month early. The card still counts as
    # 转介成功 (docs/口径.md#转介成功), so the feedback must say the sale, with its whole date,
    # not 未成交; and the sale, credited to no one this month, is a warning at the cell.
    book = _closed_on("2026-10-08")
    figures = compute(book, D)
    assert _cells(fill.plan(book, figures), "referrals", "feedback")[3] == (
        "〔自动〕2026-10-08 已达成 理财 10万元"
    )
    (li_si,) = [p for p in figures.month.people if p.name == "李四"]
    assert li_si.successes == 3
    (found,) = [p for p in figures.problems if p.code is Code.SALE_CLOSED_BEFORE_MONTH]
    assert (found.sheet, found.cell, found.level) == ("追踪表", "J3", Level.WARNING)
    assert problem_text.statement(found) == "达成日期 2026-10-08 早于本月"


def test_a_sale_dated_after_the_month_is_a_warning_at_its_date() -> None:
    # 2027-11-08 typed for 2026-11-08: after D, so no news and no credit yet — said at the cell.
    book = _closed_on("2027-11-08")
    figures = compute(book, D)
    (found,) = [p for p in figures.problems if p.code is Code.SALE_CLOSED_AFTER_MONTH]
    assert (found.cell, found.level) == ("J3", Level.WARNING)
    assert problem_text.statement(found) == "达成日期 2027-11-08 晚于本月"
    assert "本工作簿只算到 11-30" in problem_text.detail(found)


def test_another_customers_number_gets_no_row_and_no_news_until_corrected() -> None:
    # Card row 8 (卫七) is typed with R-3, 孙八's number. A tracking row with R-3 belongs to the
    # first card, so a row made for the second would be taken by the first on the next fill,
    # again and again; and 孙八's sale is not 卫七's news. It gets neither, a line says why at its
    # cell, and 数据问题 warns there.
    raw = _with_card(["2026-11-19", "R-3", "卫七", "13800000007", "李四", "是", "理财", "赵六"])
    plan = _plan(raw)
    assert "卫七" not in [r.values["customer"] for r in plan.rows if r.sheet == "tracking"]
    (skip,) = [s for s in plan.skipped if s.row == 8]
    assert (skip.sheet, skip.column) == ("referrals", "referral_id")
    assert "转介编号 R-3 已是第 4 行另一位客户的" in skip.reason
    assert 8 not in _cells(plan, "referrals", "feedback")
    book = load_book(raw, "测试支行-2026-11.xlsx")
    (taken,) = [p for p in book.problems if p.code is Code.REFERRAL_ID_TAKEN]
    assert (taken.cell, taken.level, taken.args["first"]) == ("B8", Level.WARNING, 4)
    after = load_book(_apply(raw, plan), "测试支行-2026-11.xlsx")
    assert fill.plan(after, compute(after, D)).cells == []


def test_a_card_typed_twice_with_one_number_reads_as_the_first() -> None:
    # Row 8 is 孙八's card R-3 again, typed on another day: one card typed twice. No second
    # tracking row; its feedback is the first's news; 数据问题 says it counts twice.
    raw = _with_card(["2026-11-12", "R-3", "孙八", "13800000003", "李四", "是", "信用卡", "王五"])
    plan = _plan(raw)
    assert [r for r in plan.rows if r.sheet == "tracking" and r.values["customer"] == "孙八"] == []
    feedback = _cells(plan, "referrals", "feedback")
    assert feedback[8] == feedback[4] and "已达成" in feedback[8]
    book = load_book(raw, "测试支行-2026-11.xlsx")
    (again,) = [p for p in book.problems if p.code is Code.CARD_TYPED_AGAIN]
    assert problem_text.statement(again) == "和第 4 行是同一张卡（转介编号、客户相同）"
    after = load_book(_apply(raw, plan), "测试支行-2026-11.xlsx")
    assert fill.plan(after, compute(after, D)).cells == []


def test_a_card_for_another_branch_says_where_its_news_is() -> None:
    raw = _with_card(
        ["2026-11-19", "R-8", "卫七", "13800000007", "李四", "是", "理财", "人民路支行·周建"]
    )
    assert _cells(_plan(raw), "referrals", "feedback")[8] == (
        "〔自动〕转人民路支行跟进，结果见该网点的工作簿"
    )


def test_a_persons_feedback_is_never_touched_and_fills_own_is_brought_up_to_date() -> None:
    raw = golden._raw()
    cards = [[*r, *([None] * (11 - len(r)))] for r in golden.CARDS]
    cards[0][10] = "结果反馈"
    cards[0][8] = "身份证号"
    cards[0][9] = "推荐原因"
    cards[1][10] = "客户说再考虑"  # row 2: a person's words
    cards[6][10] = "〔自动〕未联系"  # row 7: fill's own, now out of date
    raw["转介登记"] = cards
    plan = _plan(raw)
    feedback = {c.row: c for c in plan.cells if c.column == "feedback"}
    assert 2 not in feedback
    assert (feedback[7].value, feedback[7].replaces) == ("〔自动〕已联系，未成交", "〔自动〕未联系")


def test_fills_text_with_a_persons_words_after_it_is_theirs() -> None:
    """Found by attacking the product: a referrer's note after fill's 〔自动〕 text was erased
    at the next fill. Only text that is wholly fill's own is brought up to date; the rest is
    left as it is and said."""
    raw = golden._raw()
    cards = [[*r, *([None] * (11 - len(r)))] for r in golden.CARDS]
    cards[0][8:11] = ["身份证号", "推荐原因", "结果反馈"]
    added = "〔自动〕未联系。推荐人补充：客户下周三来办大额存单，请务必跟进！"
    cards[6][10] = added  # row 7: contacted since, so fill's part is out of date
    raw["转介登记"] = cards
    plan = _plan(raw)
    assert 7 not in {c.row for c in plan.cells if c.column == "feedback"}
    assert fill.Skip("referrals", 7, "feedback", fill.FEEDBACK_ADDED_TO) in plan.skipped


def _sale_text(day: dt.date, name: str, amount: float, unit: Unit) -> str:
    sale = SimpleNamespace(date=day, indicator=name, product=name, amount=amount, unit=unit)
    return fill._sale_text(sale, D)  # type: ignore[arg-type]


sale_texts = st.builds(
    _sale_text,
    st.dates(dt.date(2025, 1, 1), dt.date(2027, 12, 31)),
    st.sampled_from(["理财", "基金", "信用卡", "手机银行", "个人养老金", "贵金属"]),
    st.floats(0.01, 1e7, allow_nan=False),
    st.sampled_from(list(Unit)),
)


@given(
    st.lists(sale_texts, min_size=1, max_size=4),
    st.sampled_from(
        ["。请尽快联系 5", " 客户说再考虑", "（推荐人：已电话确认）", "\n补充：下周再约"]
    ),
)
def test_every_text_fill_writes_is_its_own_and_nothing_more(sales: list[str], added: str) -> None:
    text = fill.AUTO + "；".join(sales)
    assert fill.fills_own(text)
    assert not fill.fills_own(text + added)
    for own in ("未联系", "已联系，未成交", "转人民路支行跟进，结果见该网点的工作簿"):
        assert fill.fills_own(fill.AUTO + own) and not fill.fills_own(fill.AUTO + own + added)


def test_on_duty_staff_get_their_daily_row_with_the_cards_counted() -> None:
    # Nobody's duty is recorded for 11-20, so everyone active counts; 周敏 (厅堂主管) keeps no
    # 每日数据 and 王五 already has his row. 李四 logged card 7 on 11-20. 转介数量 is a count over
    # 转介登记 (推荐人 in column E, 日期 in A) with today's count cached. The cards' dates are date
    # cells, as Excel stores a typed date: a date typed as text is counted by no formula.
    raw = golden._raw()
    raw["转介登记"] = [raw["转介登记"][0]] + [
        [dt.date.fromisoformat(row[0]), *row[1:]] for row in raw["转介登记"][1:]
    ]
    plan = _plan(raw)
    added = [r.values for r in plan.rows if r.sheet == "daily"]
    cards = "'转介登记'!"
    assert added == [
        {
            "date": D,
            "name": name,
            "referrals": Formula(
                f'COUNTIFS({cards}$E:$E,"{name}",{cards}$A:$A,DATE(2026,11,20))', count
            ),
        }
        for name, count in (("李四", 1), ("赵六", 0))
    ]


def test_coaching_pairs_become_open_action_items_once() -> None:
    raw = golden._raw()
    raw["目标"] = [*golden.TARGETS, ["王五", "理财", 8]]  # 王五 ahead, 赵六 behind on 理财
    added = [r.values for r in _plan(raw).rows if r.sheet == "actions"]
    assert added == [
        {
            "raised_on": D,
            "item": "赵六向王五请教提升理财的做法（结对辅导）",
            "owner": "赵六",
            "due": dt.date(2026, 11, 27),
            "state": "未完成",
        }
    ]
    for written in ("赵六向王五请教提升理财的做法（结对辅导）", "赵六跟王五学习理财（结对辅导）"):
        # once written, in this wording or the one earlier versions wrote, never again
        raw["行动计划"] = [
            ["提出日期", "事项", "责任人", "截止日期", "状态"],
            ["2026-11-20", written, "赵六", "2026-11-27", "未完成"],
        ]
        assert [r for r in _plan(raw).rows if r.sheet == "actions"] == []


def test_a_card_missing_its_receiver_or_customer_is_skipped_with_its_cell() -> None:
    raw = golden._raw()
    raw["转介登记"] = [
        *golden.CARDS,
        ["2026-11-18", "R-9", "卫七", "13800000007", "李四", "是", "理财", None],
        ["2026-11-18", "R-10", None, "13800000008", "李四", "是", "理财", "赵六"],
    ]
    skipped = {(s.row, s.column, s.reason) for s in _plan(raw).skipped}
    assert (8, "receiver", "没有接收人，未转入追踪表") in skipped
    assert (9, "customer", "没有客户姓名，未转入追踪表") in skipped


def test_short_code_from_the_branch_name() -> None:
    assert _book_code("火车站支行") == "HCZ"
    assert _book_code("人民路营业部") == "RML"
    assert _book_code("") == "R"


def _book_code(branch: str) -> str:
    settings = [r if r[0] != "网点名称" else ["网点名称", branch] for r in golden.SETTINGS]
    return fill.short_code(load_book({**golden._raw(), "设置": settings}, "x-2026-11.xlsx"))


# ---------------------------------------------------------------- idempotence


def _apply(raw: dict[str, list[list[Any]]], plan: fill.FillPlan) -> dict[str, list[list[Any]]]:
    """The plan written into the raw rows, as the writer would (headers by name)."""
    keys = {
        "referrals": "转介登记",
        "tracking": "追踪表",
        "daily": "每日数据",
        "actions": "行动计划",
        "checklist": "每日清单",
    }
    out = {name: [list(r) for r in rows] for name, rows in raw.items()}
    out.setdefault("行动计划", [["提出日期", "事项", "责任人", "截止日期", "状态"]])
    out.setdefault("每日数据", [["日期", "姓名", "转介数量"]])

    def position(sheet_key: str, column: str) -> int:
        rows = out[keys[sheet_key]]
        header = SHEETS_BY_KEY[sheet_key].column(column).header
        if header not in rows[0]:
            for r in rows:
                r.append(None)
            rows[0][-1] = header
        return rows[0].index(header)

    for cell in plan.cells:
        rows = out[keys[cell.sheet]]
        col = position(cell.sheet, cell.column)
        row = rows[cell.row - 1]
        row.extend([None] * (col + 1 - len(row)))
        row[col] = cell.value
    for new in plan.rows:
        rows = out[keys[new.sheet]]
        cols = {position(new.sheet, k): v for k, v in new.values.items()}
        line: list[Any] = [None] * len(rows[0])
        for col, value in cols.items():
            line[col] = "是" if value is True else "否" if value is False else value
        rows.append(line)
    return out


def test_filling_twice_plans_nothing_the_second_time() -> None:
    raw = golden._raw()
    raw["目标"] = [*golden.TARGETS, ["王五", "理财", 8]]
    first = _plan(raw)
    assert first
    second = _plan(_apply(raw, first))
    assert (second.cells, second.rows) == ([], [])


@settings(max_examples=25, deadline=None)
@given(st.dates(min_value=dt.date(2026, 11, 1), max_value=dt.date(2026, 11, 30)))
def test_fill_is_idempotent_on_any_day(day: dt.date) -> None:
    raw = golden._raw()
    second = _plan(_apply(raw, _plan(raw, day)), day)
    assert (second.cells, second.rows) == ([], [])


def test_figures_after_fill_are_the_figures_before() -> None:
    """A bare row fill makes is not a contact (docs/口径.md#对账与匹配): 未跟进, 跟进率 and
    the rankings agree."""
    raw = golden._raw()
    before = compute(load_book(raw, "测试支行-2026-11.xlsx"), D)
    after = compute(load_book(_apply(raw, _plan(raw)), "测试支行-2026-11.xlsx"), D)
    assert [n.row for n in after.not_followed] == [n.row for n in before.not_followed] == [5]
    for b, a in zip(before.month.people, after.month.people, strict=True):
        assert (a.name, a.referrals, a.followed, a.successes, a.score, a.credited) == (
            b.name,
            b.referrals,
            b.followed,
            b.successes,
            b.score,
            b.credited,
        )


def test_a_tracking_sheet_whose_customer_header_is_not_found_is_not_filled() -> None:
    """Found by attacking the product: with 追踪表's 客户姓名 renamed, every card looked
    unanswered — fill added a row again for each (without a name), wrote 未联系 on cards with a
    sale, and numbered the wrong rows after the header was put back."""
    raw = golden._raw()
    header = list(golden.TRACKING[0])
    header[header.index("客户姓名")] = "姓名"
    raw["追踪表"] = [header, *golden.TRACKING[1:]]
    plan = _plan(raw)
    assert [r for r in plan.rows if r.sheet == "tracking"] == []
    assert [c for c in plan.cells if c.sheet == "tracking" or c.column == "feedback"] == []
    assert (
        fill.Skip("tracking", 0, "", "找不到必填列“客户姓名”，这张表不填写（改好表头后再运行）")
        in plan.skipped
    )
    # the cards still get their numbers: they do not depend on the tracking sheet
    assert _cells(plan, "referrals", "referral_id")
