"""Invariants over generated branches (hypothesis): docs/口径.md rules that hold for any data."""

from __future__ import annotations

import datetime as dt

import pytest
from branchkit.figures import competition_ranks, compute, status_of
from branchkit.read import load_book
from branchkit.vocab import AHEAD, BEHIND, ON_PACE, Unit
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

PEOPLE = ["甲", "乙", "丙", "丁", "戊"]
PRODUCTS = [
    ["产品名称", "指标", "单位"],
    ["理财A", "理财", "万元"],
    ["信用卡", "信用卡", "张"],
    ["基金B", "基金", "万元"],
]
D = dt.date(2026, 11, 20)

days = st.dates(min_value=dt.date(2026, 11, 1), max_value=dt.date(2026, 11, 30))
sale = st.tuples(
    days,
    st.sampled_from([None, *PEOPLE]),
    st.sampled_from(PEOPLE),
    st.sampled_from(["理财A", "信用卡", "基金B", None]),
    st.one_of(st.none(), st.floats(0, 500)),
)
card = st.tuples(days, st.sampled_from(PEOPLE), st.sampled_from(PEOPLE), st.integers(0, 30))
target = st.tuples(
    st.sampled_from([*PEOPLE, "网点"]),
    st.sampled_from(["理财", "信用卡", "基金", "转介数", "转介成功数"]),
    st.one_of(st.just(0), st.floats(0.5, 1000)),
)


def _book(sales, cards, targets, share=0.3, mode="分润"):
    tracking = [
        ["客户姓名", "联系方式", "推荐时间", "推荐人", "接收人", "达成产品", "达成金额或数量"]
    ]
    for i, (day, referrer, receiver, product, amount) in enumerate(sales):
        tracking.append(
            [f"客户{i % 7}", f"1380000{i % 7:04d}", day, referrer, receiver, product, amount]
        )
    referral_rows = [
        ["日期", "客户姓名", "联系方式", "推荐人", "是否现场推荐", "客户需求", "接收人"]
    ]
    for day, referrer, receiver, customer in cards:
        referral_rows.append(
            [
                day,
                f"客户{customer % 7}",
                f"1380000{customer % 7:04d}",
                referrer,
                "是",
                "理财",
                receiver,
            ]
        )
    return load_book(
        {
            "设置": [
                ["项目", "值"],
                ["统计月份", "2026-11"],
                ["分润比例", share],
                ["业绩口径", mode],
            ],
            "人员": [
                ["姓名", "岗位"],
                *[
                    [p, r]
                    for p, r in zip(
                        PEOPLE,
                        ["柜员", "客户助理", "大堂经理", "理财经理", "客户经理"],
                        strict=True,
                    )
                ],
            ],
            "产品": PRODUCTS,
            "目标": [["对象", "指标", "目标值"], *[list(t) for t in targets]],
            "转介登记": referral_rows,
            "追踪表": tracking,
        }
    )


common = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@common
@given(
    st.lists(sale, max_size=25),
    st.lists(card, max_size=15),
    st.lists(target, max_size=8),
    st.floats(0, 1),
)
def test_split_mode_money_credits_sum_to_sales_and_counts_stay_whole(
    sales, cards, targets, share
) -> None:
    figures = compute(_book(sales, cards, targets, share), D).month
    ledger = figures.ledger
    if not ledger:
        return
    money = [s for s in ledger if s.indicator and s.unit is Unit.WAN_YUAN]
    credited = sum((s.referrer_credit or 0) + (s.receiver_credit or 0) for s in money)
    assert credited == pytest.approx(sum(s.amount for s in money))
    # a count is whole for each party credited (docs/口径.md#计数类指标), never a fraction
    for sale in ledger:
        if sale.unit is Unit.CARD:
            assert sale.receiver_credit in (None, sale.amount)
            assert sale.referrer_credit in (None, sale.amount)
    credited += sum(
        (s.referrer_credit or 0) + (s.receiver_credit or 0) for s in ledger if s.unit is Unit.CARD
    )
    total_by_people = sum(sum(p.credited.values()) for p in figures.people)
    assert total_by_people == pytest.approx(
        credited
    )  # everyone in the ledger is on the roster here


@common
@given(
    st.lists(sale, max_size=25),
    st.lists(card, max_size=15),
    st.lists(target, max_size=8),
    st.sampled_from(["day", "week", "month"]),
)
def test_ranks_follow_the_figures_and_nothing_divides_by_zero(
    sales, cards, targets, period
) -> None:
    every = compute(_book(sales, cards, targets), D)
    figures = every.period(period)
    ranked = [p for p in figures.people if p.rank is not None]
    for a in ranked:
        assert a.score is not None
        for b in ranked:
            assert (a.rank < b.rank) == (round(a.score, 9) > round(b.score, 9))
    for p in figures.people:
        assert (p.rank is None) == (p.overall is None) == (p.score is None)
        assert set(p.completion) <= set(p.targets)
        if p.referrals == 0:
            assert p.success_rate is None
        for indicator, state in p.status.items():
            assert state == status_of(
                p.completion[indicator], figures.time_progress, every.settings.tolerance
            )


@given(st.floats(0, 3), st.floats(0, 1), st.floats(0, 0.2))
def test_status_follows_the_definition(completion, progress, tolerance) -> None:
    state = status_of(completion, progress, tolerance)
    gap = completion - progress
    if gap > tolerance + 1e-9:
        assert state == AHEAD
    elif gap < -tolerance - 1e-9:
        assert state == BEHIND
    elif abs(gap) < tolerance - 1e-9:
        assert state == ON_PACE
    assert status_of(None, progress, tolerance) is None


@given(st.lists(st.one_of(st.none(), st.floats(0, 5)), max_size=20))
def test_competition_ranking(values) -> None:
    ranks = competition_ranks(values)
    for v, r in zip(values, ranks, strict=True):
        if v is None:
            assert r is None
        else:
            assert r == 1 + sum(1 for w in values if w is not None and round(w, 9) > round(v, 9))


def test_competition_ranking_example() -> None:
    assert competition_ranks([0.9, 0.8, 0.8, 0.5, None]) == [1, 2, 2, 4, None]


def test_a_pile_of_referrals_that_never_convert_makes_no_star() -> None:
    cards = [
        (dt.date(2026, 11, 2 + i % 15), "甲", "丁", i) for i in range(40)
    ]  # 甲: 40 cards, none closed
    sales = [(dt.date(2026, 11, 5), "乙", "丁", "理财A", 10.0)]  # 乙: one card-less success
    targets = [
        ("甲", "转介数", 10),
        ("甲", "转介成功数", 5),
        ("乙", "转介数", 10),
        ("乙", "转介成功数", 5),
    ]
    cards.append((dt.date(2026, 11, 5), "乙", "丁", 0))
    figures = compute(_book(sales, cards, targets), D)
    jia = next(p for p in figures.month.people if p.name == "甲")
    assert jia.overall is not None and jia.overall > 1  # raw count far over target...
    assert "甲" not in figures.stars["month"]  # ...but no star
    assert figures.stars["month"] == ["乙"]


def test_no_target_gives_no_status_and_no_error() -> None:
    figures = compute(_book([(D, None, "丁", "理财A", 5.0)], [], [("丁", "理财", 0)]), D)
    ding = next(p for p in figures.month.people if p.name == "丁")
    assert (
        ding.completion == {} and ding.status == {} and ding.overall is None and ding.rank is None
    )
