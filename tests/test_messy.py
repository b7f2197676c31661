"""The messy sample: every planted problem is reported at its exact cell, with its kind and level.

The list is written out by hand from samples.messy_data(), not taken from the reader's output.
"""

from __future__ import annotations

from branchkit.problems import ERROR, WARNING
from branchkit.read import read_book

from .conftest import MESSY

PLANTED = {
    ("跟踪记录", "", "工作表名不是标准名称，已按“追踪表”读取", WARNING),
    ("设置", "B7", "应为 0 到 1 之间的比例", WARNING),  # 分润比例 = 三成
    ("目标", "C4", "不是金额", ERROR),  # 目标值 = 很多
    ("转介登记", "D4", "手机号格式不对", WARNING),  # 10 digits
    ("转介登记", "I4", "身份证号校验位不对", WARNING),
    ("转介登记", "A5", "不是日期", ERROR),  # 上周五
    ("转介登记", "E5", "缺少必填项", ERROR),  # no referrer
    ("转介登记", "A6", "重复", WARNING),  # same as row 2: named by the row's first cell
    ("转介登记", "F7", "应为 是/否", WARNING),  # 可能
    ("转介登记", "E7", "人员表中没有此人", WARNING),  # 小明
    ("跟踪记录", "L3", "不是金额", ERROR),  # 大概二十万左右
    ("跟踪记录", "K4", "产品表中没有此产品", WARNING),  # 外汇宝
    ("跟踪记录", "L5", "超过单笔上限 10000", ERROR),  # 200000 in 万元: beyond what one sale can be
    ("跟踪记录", "I6", "缺少必填项", ERROR),  # no receiver
    ("跟踪记录", "M6", "不是日期", ERROR),  # 昨天
    ("跟踪记录", "E7", "身份证号被存成了数字，末几位可能已丢失，请把单元格设为文本后重填", WARNING),
    ("跟踪记录", "L7", "超过单笔上限 1000", ERROR),  # 5千 cards
    ("每日数据", "I3", "不是非负整数", ERROR),  # -1
    ("案例", "C2", "不在可选范围内", WARNING),  # 吐槽
    ("行动计划", "E2", "不在可选范围内", WARNING),  # 进行中
    ("每日清单", "C3", "清单项目中没有此事项", WARNING),  # 擦玻璃: still counted, as itself
    ("每日清单", "E4", "不在可选范围内", ERROR),  # 完成情况 做了一半: the row cannot count
    ("每日清单", "J5", "整改期限早于发现问题的日期（11-02）", WARNING),  # 11-01
}


def test_every_planted_problem_is_reported_at_its_cell() -> None:
    found = {(p.sheet, p.cell, p.problem, p.level) for p in read_book(MESSY).problems}
    assert found == PLANTED


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
