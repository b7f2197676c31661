"""The messy sample: every planted problem is reported at its exact cell, with its kind and level.

The list is written out by hand from samples.messy_data(), not taken from the reader's output.
"""

from __future__ import annotations

import datetime as dt

from branchkit.problems import Code, Level
from branchkit.read import read_book

from .conftest import MESSY

ERROR, WARNING = Level.ERROR, Level.WARNING

PLANTED = {
    ("跟踪记录", "", Code.RENAMED_SHEET, WARNING),
    ("设置", "B7", Code.SETTING_NOT_A_RATIO, WARNING),  # 分润比例 = 三成
    ("目标", "C4", Code.NOT_AN_AMOUNT, ERROR),  # 目标值 = 很多
    ("转介登记", "D4", Code.BAD_PHONE, WARNING),  # 10 digits
    ("转介登记", "I4", Code.ID_CHECK_DIGIT, WARNING),
    ("转介登记", "A5", Code.NOT_A_DATE, ERROR),  # 上周五
    ("转介登记", "E5", Code.MISSING_VALUE, ERROR),  # no referrer
    ("转介登记", "A6", Code.DUPLICATE_ROW, WARNING),  # same as row 2: named by the row's first cell
    ("转介登记", "F7", Code.NOT_YES_NO, WARNING),  # 可能
    ("转介登记", "E7", Code.UNKNOWN_PERSON, WARNING),  # 小明
    ("跟踪记录", "L3", Code.NOT_AN_AMOUNT, ERROR),  # 大概二十万左右
    ("跟踪记录", "K4", Code.UNKNOWN_PRODUCT, WARNING),  # 外汇宝
    ("跟踪记录", "L5", Code.OVER_SALE_CAP, ERROR),  # 200000 in 万元: beyond what one sale can be
    ("跟踪记录", "I6", Code.MISSING_VALUE, ERROR),  # no receiver
    ("跟踪记录", "M6", Code.NOT_A_DATE, ERROR),  # 昨天
    ("跟踪记录", "E7", Code.ID_STORED_AS_NUMBER, WARNING),
    ("跟踪记录", "L7", Code.OVER_SALE_CAP, ERROR),  # 5千 cards
    ("每日数据", "I3", Code.NOT_A_COUNT, ERROR),  # -1
    ("案例", "C2", Code.NOT_A_CHOICE, WARNING),  # 吐槽
    ("行动计划", "E2", Code.NOT_A_CHOICE, WARNING),  # 进行中
    ("每日清单", "C3", Code.UNKNOWN_CHECKLIST_ITEM, WARNING),  # 擦玻璃: still counted, as itself
    ("每日清单", "E4", Code.NOT_A_CHOICE, ERROR),  # 完成情况 做了一半: the row cannot count
    ("每日清单", "J5", Code.FIX_DUE_BEFORE_FOUND, WARNING),  # 11-01
}
# The facts the planted problems' messages state, by (sheet, cell).
FACTS = {
    ("跟踪记录", ""): {"standard": "追踪表"},
    ("跟踪记录", "L5"): {"cap": 10_000},
    ("跟踪记录", "L7"): {"cap": 1_000},
    ("每日清单", "J5"): {"found": dt.date(2026, 11, 2)},
}


def test_every_planted_problem_is_reported_at_its_cell() -> None:
    problems = read_book(MESSY).problems
    assert {(p.sheet, p.cell, p.code, p.level) for p in problems} == PLANTED
    facts = {(p.sheet, p.cell): p.args for p in problems if (p.sheet, p.cell) in FACTS}
    assert {at: {k: args[k] for k in FACTS[at]} for at, args in facts.items()} == FACTS


def test_messy_values_that_are_only_untidy_are_read() -> None:
    book = read_book(MESSY)
    referrals = book.referrals
    assert referrals.at_row(3)["referrer"] == "李四"  # '李 四'
    assert referrals.at_row(3)["phone"] == "13912345678"  # '139 1234 5678'
    assert referrals.at_row(3)["on_site"] is True  # √
    assert str(referrals.at_row(4)["date"]) == "2026-11-04"  # 11月4日 in a November workbook
    assert 6 not in referrals["row"]  # the duplicate is counted once
    assert referrals.at_row(7)["customer"] == '=HYPERLINK("http://x")'  # kept as text
    tracking = book.tracking
    assert tracking.at_row(2)["amount"] == 20.0  # 20万 of a 万元 product
    assert tracking.at_row(2)["phone"] == "138****6241"
    assert tracking.at_row(6)["amount"] == 1.0  # 1张
    assert str(tracking.at_row(7)["referred_on"]) == "2026-11-06"  # Excel serial 46332
    assert book.targets.at_row(3)["target"] == 50.0  # 50万 of 理财 (万元)
    assert book.daily.at_row(3)["served"] == 12  # 十二
    assert book.overview["on_duty"][0] == ["李四", "王五", "赵六"]
    assert book.settings.share == 0.3  # 三成 is not understood, so the default holds
    assert referrals["row"] == [2, 3, 4, 5, 7, 9]  # row 6 repeats row 2, row 8 is empty
    assert referrals.at_row(9)["need"] == "基金"
    # 产品 has Traditional headers (產品名稱, 指標, 單位); 每日概况's columns are reordered.
    assert list(book.products["product"]) == ["乾元—日鑫月溢", "龙卡信用卡"]
    assert (book.overview["traffic"][0], str(book.overview["date"][0])) == (
        120,
        "2026-11-02",
    )


def test_a_count_no_branch_keeps_is_an_error_not_a_309_digit_number() -> None:
    """每日数据 接待客户数 = 1e308 passed as a count and printed as 309 digits in the agenda
    (found by attacking the product)."""
    from branchkit.parse import MAX_COUNT, Bad, parse_count

    assert parse_count(1e308) == Bad(Code.COUNT_TOO_LARGE)
    assert parse_count(float(MAX_COUNT + 1)) == Bad(Code.COUNT_TOO_LARGE)
    assert parse_count(float(MAX_COUNT)) == MAX_COUNT and parse_count("35") == 35
