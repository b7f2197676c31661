"""A cross-branch referral matched across two branches' workbooks (docs/口径.md#跨网点配对).

火车站支行 (分润, 0.3): 王五's cards — 12-04 for 人民路支行·周建 (钱七), 12-05 for 周建 (孙八, never
answered), 12-06 for 人民路支行·吴刚 (钱七 again, another receiver). 人民路支行 (双计): 周建's rows —
钱七 on 12-18, 14 days after the card, 20 万 of 理财, referrer 火车站支行·王五; 赵钱 from
火车站支行·李四, who wrote no card. D = 12-20.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from branchkit import schema
from branchkit.figures import compute
from branchkit.read import read_book
from branchkit.rollup.crossmatch import (
    CrossSide,
    cross_side,
    match_across,
    referrer_credits,
    with_credit,
)
from branchkit.rollupjob.job import compute as compute_rollup
from branchkit.templates import write_branch_workbook
from branchkit.vocab import CROSS_BRANCH, MONTH, WEEK

D = dt.date(2026, 12, 20)
PRODUCTS = [["日鑫月溢", "理财", "万元"]]


def _row(sheet: schema.Sheet, **cells: Any) -> list[Any]:
    return [cells.get(c.key) for c in sheet.columns]


def _card(day: int, customer: str, phone: str, receiver: str) -> list[Any]:
    return _row(
        schema.REFERRALS,
        date=dt.date(2026, 12, day),
        customer=customer,
        phone=phone,
        referrer="王五",
        on_site="是",
        need="理财",
        receiver=receiver,
    )


def _tracking(day: int, customer: str, phone: str, referrer: str, **cells: Any) -> list[Any]:
    return _row(
        schema.TRACKING,
        customer=customer,
        phone=phone,
        referred_on=dt.date(2026, 12, day),
        referrer=referrer,
        receiver="周建",
        **cells,
    )


def _sides(folder: Path, match_days: int = 30) -> tuple[CrossSide, CrossSide]:
    ours = write_branch_workbook(
        folder / "火车站支行-2026-12.xlsx",
        "火车站支行",
        "2026-12",
        data={
            "roster": [["王五", "", "大堂经理", "是"]],
            "products": PRODUCTS,
            "targets": [["王五", "转介成功数", 2], ["王五", "理财", 20]],
            "referrals": [
                _card(4, "钱七", "13800000007", "人民路支行·周建"),
                _card(5, "孙八", "13800000008", "人民路支行·周建"),
                _card(6, "钱七", "13800000007", "人民路支行·吴刚"),
            ],
        },
        settings={"share": "0.3", "match_days": str(match_days)},
    )
    theirs = write_branch_workbook(
        folder / "人民路支行-2026-12.xlsx",
        "人民路支行",
        "2026-12",
        data={
            "roster": [["周建", "", "理财经理", "是"]],
            "products": PRODUCTS,
            "targets": [["周建", "理财", 40]],
            "tracking": [
                _tracking(
                    18, "钱七", "13800000007", "火车站支行·王五", product="日鑫月溢", amount=20
                ),
                _tracking(
                    19, "赵钱", "13800000009", "火车站支行·李四", product="日鑫月溢", amount=5
                ),
            ],
        },
        settings={"credit_mode": "双计"},
    )
    return cross_side(read_book(ours), D), cross_side(read_book(theirs), D)


def test_a_card_in_one_workbook_finds_the_other_branchs_tracking_row(tmp_path: Path) -> None:
    ours, theirs = _sides(tmp_path)
    assert [c.receiver for c in ours.cards] == ["周建", "周建", "吴刚"]
    assert [(r.from_branch, r.referrer) for r in theirs.rows] == [
        ("火车站支行", "王五"),
        ("火车站支行", "李四"),
    ]
    (match,) = match_across([ours, theirs])
    # The 12-04 card for 周建, not 孙八's card nor the card for 吴刚; 李四 wrote no card.
    assert (match.branch, match.card.row, match.to_branch) == ("火车站支行", 2, "人民路支行")
    assert [r.customer for r in match.rows] == ["钱七"] and match.closed


def test_the_match_window_is_the_card_branchs_setting(tmp_path: Path) -> None:
    # 14 days after the card: inside 匹配天数 14, outside 13.
    assert len(match_across(_sides(tmp_path / "a", 14))) == 1
    assert match_across(_sides(tmp_path / "b", 13)) == []


def test_both_people_are_credited_in_the_league(tmp_path: Path) -> None:
    ours, theirs = _sides(tmp_path)
    credits = referrer_credits(
        match_across([ours, theirs]),
        {ours.branch: ours.settings, theirs.branch: theirs.settings},
        dt.date(2026, 12, 1),
        D,
    )
    # 王五 by 火车站支行's rules: one 转介成功 and 0.3 × 20 = 6 万 — not 人民路支行's 双计.
    credit = credits[("火车站支行", "王五")]
    assert (credit.successes, credit.credited, credit.money) == (1, {"理财": 6.0}, 6.0)
    assert set(credits) == {("火车站支行", "王五")}

    # 周建 is credited in his own workbook already: 双计, the whole 20 of 钱七's sale (and 5 of
    # 赵钱's), each a 跨网点转介.
    zhou_book = read_book(tmp_path / "人民路支行-2026-12.xlsx")
    zhou_figures = compute(zhou_book, D)
    zhou = next(p for p in zhou_figures.month.people if p.name == "周建")
    assert zhou.credited == {"理财": 25.0}
    assert {s.kind for s in zhou_figures.month.ledger} == {CROSS_BRANCH}

    # 王五 in the league: his workbook alone gives him 0 of 2 successes and 0 of 20 万 (score 0);
    # with the match, 1 of 2 and 6 of 20: (0.5 + 0.3) / 2 = 0.4.
    wang_book = read_book(tmp_path / "火车站支行-2026-12.xlsx")
    alone = next(p for p in compute(wang_book, D).month.people if p.name == "王五")
    assert alone.score == 0.0 and alone.referrals == 3
    raw_counts = ("转介数", *wang_book.catalogue.measures)
    league = with_credit(alone, credit, wang_book.settings, raw_counts)
    assert league.successes == 1 and league.credited == {"理财": pytest.approx(6.0)}
    assert league.completion == {"转介成功数": 0.5, "理财": pytest.approx(0.3)}
    assert league.score == pytest.approx(0.4)
    assert alone.score == 0.0  # the branch's own figures are left as they were


def test_a_sale_after_the_period_or_a_card_before_it_earns_nothing_in_it(tmp_path: Path) -> None:
    ours, theirs = _sides(tmp_path)
    matches = match_across([ours, theirs])
    settings = {ours.branch: ours.settings, theirs.branch: theirs.settings}
    # The week of 12-14..12-20 holds the sale (12-18) but not the card (12-04): the share, no
    # 转介成功 (a card's outcome counts in the period of its date).
    week = referrer_credits(matches, settings, dt.date(2026, 12, 14), D)[("火车站支行", "王五")]
    assert (week.successes, week.credited) == (0, {"理财": 6.0})
    # The week of 12-01..12-06 holds the card, not the sale.
    early = referrer_credits(matches, settings, dt.date(2026, 12, 1), dt.date(2026, 12, 6))
    assert (early[("火车站支行", "王五")].successes, early[("火车站支行", "王五")].credited) == (
        1,
        {},
    )


def test_the_rollup_league_ranks_both_people_of_the_referral(tmp_path: Path) -> None:
    _sides(tmp_path)  # both workbooks, side by side in one folder
    rollup = compute_rollup([tmp_path], D, jobs=1)
    people = {(p.branch, p.person.name): p.person for p in rollup.people[MONTH]}
    wang, zhou = people[("火车站支行", "王五")], people[("人民路支行", "周建")]
    # 王五 as above: 1 转介成功 and 6 万 by his own branch's rules, 排名得分 0.4 (0 in his own
    # workbook); 周建 as his workbook has it: 25 of 40 万.
    assert (wang.successes, wang.money, wang.score) == (1, pytest.approx(6.0), pytest.approx(0.4))
    assert wang.has_result and wang.branch_rank == 1
    assert (zhou.successes, zhou.score) == (0, pytest.approx(25 / 40))
    # The week (12-14..12-20) credits the sale, not the card of 12-04.
    week = {(p.branch, p.person.name): p.person for p in rollup.people[WEEK]}
    assert week[("火车站支行", "王五")].successes == 0
    assert week[("火车站支行", "王五")].money == pytest.approx(6.0)
