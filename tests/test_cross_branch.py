"""Customers who come back, and referrals across branches (docs/口径.md#对账与匹配,
docs/口径.md#跨网点转介).

December 2026, 分润比例 0.3, 未跟进天数 2, D = 12-15 unless a test says otherwise. Our branch is
测试支行: 李四 (客户助理) refers, 赵六 (理财经理) receives, 王五 (大堂经理) refers to 人民路支行's 周建;
人民路支行's 吴刚 refers customers to 赵六.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from branchkit import fill
from branchkit.figures import compute
from branchkit.newmonth import carry
from branchkit.parse import other_branch
from branchkit.problems import Code
from branchkit.read import Book, load_book, read_book
from branchkit.render.report import figures_json
from branchkit.render.tabs import quality_sheet
from branchkit.source import read_raw
from branchkit.templates import write_branch_workbook
from branchkit.vocab import CROSS_BRANCH, REFERRED, UNVERIFIED

from . import december
from .december import CARD_HEAD, TRACKING_HEAD

D = dt.date(2026, 12, 15)


def _book(cards: list[list[Any]], tracking: list[list[Any]], *settings: list[Any]) -> Book:
    return december.book(
        "2026-12",
        ["分润比例", 0.3],
        *settings,
        人员=[
            ["姓名", "岗位", "在岗"],
            ["李四", "客户助理", "是"],
            ["王五", "大堂经理", "是"],
            ["赵六", "理财经理", "是"],
        ],
        目标=[["对象", "指标", "目标值"], ["李四", "转介成功数", 4]],
        转介登记=[CARD_HEAD, *cards],
        追踪表=[TRACKING_HEAD, *tracking],
    )


def _person(figures: Any, name: str) -> Any:
    return next(p for p in figures.month.people if p.name == name)


# ---------------------------------------------------------------- a customer who comes back

# 张三 gets a card on 12-03 and comes back on 12-11 to buy 40 万 from 赵六: 8 days later.
RETURNING_CARD = ["2026-12-03", "张三", "13800000001", "李四", "是", "理财", "赵六"]
RETURNING_ROW = ["张三", "13800000001", "2026-12-11", "李四", "赵六", None, "日鑫月溢", 40]


def test_a_customer_who_comes_back_two_weeks_later_is_the_cards() -> None:
    figures = compute(_book([RETURNING_CARD], [RETURNING_ROW]), D)
    # Matched (8 days, within the default 匹配天数 30): followed up and closed, no 无卡转介.
    li = _person(figures, "李四")
    assert (li.referrals, li.followed, li.successes) == (1, 1, 1)
    assert figures.unverified == [] and figures.not_followed == []
    (sale,) = figures.month.ledger
    # The referrer is credited as for any referred sale: 0.3 × 40 = 12, 赵六 28.
    assert (sale.kind, sale.referrer_credit, sale.receiver_credit) == (REFERRED, 12.0, 28.0)
    assert _person(figures, "李四").credited == {"理财": pytest.approx(12.0)}
    # The card's feedback tells 李四 of the sale.
    plan = fill.plan(_book([RETURNING_CARD], [RETURNING_ROW]), figures)
    feedback = [c.value for c in plan.cells if c.column == "feedback"]
    assert feedback == ["〔自动〕12-11 已达成 理财 40万元"]


def test_the_match_window_is_the_branchs_own_setting() -> None:
    # 匹配天数 7 (the old window): the 8-day return is 无卡转介 and the card 未跟进 after 12 days.
    figures = compute(_book([RETURNING_CARD], [RETURNING_ROW], ["匹配天数", 7]), D)
    assert [(u.referrer, u.customer) for u in figures.unverified] == [("李四", "张三")]
    assert [n.customer for n in figures.not_followed] == ["张三"]
    assert _person(figures, "李四").successes == 0
    assert figures.month.ledger[0].kind is UNVERIFIED
    # 匹配天数 14: a row 14 days after the card is its; 15 days is not.
    fourteen = [*RETURNING_ROW[:2], "2026-12-17", *RETURNING_ROW[3:]]
    fifteen = [*RETURNING_ROW[:2], "2026-12-18", *RETURNING_ROW[3:]]
    day = dt.date(2026, 12, 20)
    assert compute(_book([RETURNING_CARD], [fourteen], ["匹配天数", 14]), day).unverified == []
    late = compute(_book([RETURNING_CARD], [fifteen], ["匹配天数", 14]), day)
    assert [u.customer for u in late.unverified] == ["张三"]


# ---------------------------------------------------------------- other branches

OUR_CARD = ["2026-12-04", "钱七", "13800000007", "王五", "是", "理财", "人民路支行·周建"]
THEIR_CARD = ["2026-12-05", "周九", "13800000009", "人民路支行·吴刚", "否", "理财", "赵六"]
THEIR_ROW = ["孙八", "13800000008", "2026-12-06", "人民路支行・吴刚", "赵六", None, "日鑫月溢", 10]


def test_names_of_another_branch_are_read_as_such() -> None:
    assert other_branch("人民路支行·周建") == ("人民路支行", "周建")
    assert other_branch("人民路支行・周建") == ("人民路支行", "周建")  # a Japanese-style dot
    assert other_branch("城东营业部.张丽") == ("城东营业部", "张丽")
    # Two-part names of our own people, and half-written ones, are not.
    for name in ("阿依古丽·买买提", "人民路·周建", "人民路支行·", "周建", "", None):
        assert other_branch(name) is None, name


def test_cross_branch_referrals_are_listed_apart_and_credit_our_own_people_only() -> None:
    book = _book([OUR_CARD, THEIR_CARD], [THEIR_ROW])
    # No roster warning for either branch's name: they must never join our roster.
    assert not [p for p in book.problems if p.code is Code.UNKNOWN_PERSON]
    figures = compute(book, D)
    # Their own list: both cards and the tracking row, each naming 人民路支行.
    assert [(c.sheet, c.row, c.branch) for c in figures.cross_branch] == [
        ("转介登记", 2, "人民路支行"),
        ("转介登记", 3, "人民路支行"),
        ("追踪表", 2, "人民路支行"),
    ]
    # 王五's card to 周建 is followed up in 人民路支行's workbook: never 未跟进 here. 吴刚's card to
    # 赵六 is ours to follow up: it is. 吴刚's tracking row has its card in his own workbook:
    # not 无卡转介.
    assert [n.customer for n in figures.not_followed] == ["周九"]
    assert figures.unverified == []
    # Credit: 王五's card counts as his referral; 赵六 gets 0.7 × 10 = 7 of the sale; nobody of
    # 人民路支行 is among our people, and the branch counts only its own person's card.
    assert _person(figures, "王五").referrals == 1
    assert _person(figures, "赵六").credited == {"理财": pytest.approx(7.0)}
    assert {p.name for p in figures.month.people} == {"李四", "王五", "赵六"}
    assert figures.month.branch.referrals == 1
    assert figures.month.branch.credited == {"理财": 10.0}
    (sale,) = figures.month.ledger
    assert sale.kind is CROSS_BRANCH
    assert "人民路支行·周建" not in {r.name for r in figures.month.receivers}
    # On 转介质量 and in --json.
    data = figures_json(figures)
    assert [(c["表"], c["推荐人"], c["接收人"], c["客户"]) for c in data["跨网点转介"]] == [
        ("转介登记", "王五", "人民路支行·周建", "钱*"),
        ("转介登记", "人民路支行·吴刚", "赵六", "周*"),
        ("追踪表", "人民路支行・吴刚", "赵六", "孙*"),
    ]
    sheet = quality_sheet(figures)
    table = next(b for b in sheet.blocks if getattr(b, "caption", "").startswith("跨网点转介"))
    assert len(table.rows) == 3


def test_fill_makes_no_tracking_row_for_the_other_branch() -> None:
    book = _book([OUR_CARD, THEIR_CARD], [THEIR_ROW])
    plan = fill.plan(book, compute(book, D))
    new_rows = [r.values for r in plan.rows if r.sheet == "tracking"]
    # Only 吴刚's card to our 赵六 gets a row; 王五's card to 周建 gets none.
    assert [(v["customer"], v["receiver"]) for v in new_rows] == [("周九", "赵六")]


def test_init_from_does_not_carry_a_card_for_another_branch_as_unfollowed(tmp_path: Path) -> None:
    old = write_branch_workbook(
        tmp_path / "测试支行-2026-12.xlsx",
        "测试支行",
        "2026-12",
        data={
            "roster": [["王五", "", "大堂经理", "是"], ["赵六", "", "理财经理", "是"]],
            "referrals": [
                [
                    dt.date(2026, 12, 4),
                    "R-1",
                    "钱七",
                    "13800000007",
                    "王五",
                    "是",
                    "理财",
                    "人民路支行·周建",
                ],
                [dt.date(2026, 12, 5), "R-2", "周九", "13800000009", "王五", "否", "理财", "赵六"],
                [
                    dt.date(2026, 12, 1),
                    "R-3",
                    "钱八",
                    "13800000008",
                    "王五",
                    "是",
                    "理财",
                    "人民路支行·周建",
                ],
            ],
        },
    )
    book = read_book(old)
    carried = carry(read_raw(old), book, dt.date(2027, 1, 1), dt.date(2026, 12, 1))
    # 周九's card, which our 赵六 still owes a call; and 钱七's for 人民路, not as one we owe
    # but within 匹配天数 (30) of January, for the parent's rollup to pair with a sale there in
    # January. 钱八's of 12-01 is past it: no row of January can answer it.
    assert (carried.unfollowed_cards, carried.cross_branch_cards) == (1, 1)
    assert [row[2] for row in carried.rows["referrals"]] == ["钱七", "周九"]


def test_a_roster_name_with_a_dot_stays_ours() -> None:
    # 阿依古丽·买买提 is on our roster: her cards are hers, warned about nothing.
    raw = {
        "设置": [["项目", "值"], ["统计月份", "2026-12"]],
        "人员": [["姓名", "岗位", "在岗"], ["阿依古丽·买买提", "客户助理", "是"]],
        "产品": [["产品名称", "指标", "单位"], ["日鑫月溢", "理财", "万元"]],
        "转介登记": [
            CARD_HEAD,
            ["2026-12-04", "钱七", "13800000007", "阿依古丽·买买提", "是", "理财", "赵六"],
        ],
        "追踪表": [TRACKING_HEAD],
    }
    figures = compute(load_book(raw, "b-2026-12.xlsx"), D)
    assert figures.cross_branch == []
    assert figures.month.people[0].referrals == 1
