"""A small branch's month as rows of cells, for the tests of a branch's year (test_month_end,
test_people_on_duty, test_cross_branch): each test names the people, targets and rows its rule
needs, the rest is here once."""

from __future__ import annotations

from typing import Any

from branchkit.read import Book, load_book

PRODUCTS = [["产品名称", "指标", "单位"], ["日鑫月溢", "理财", "万元"], ["龙卡", "信用卡", "张"]]
CARD_HEAD = ["日期", "客户姓名", "联系方式", "推荐人", "是否现场推荐", "客户需求", "接收人"]
TRACKING_HEAD = [
    "客户姓名",
    "联系方式",
    "推荐时间",
    "推荐人",
    "接收人",
    "首次联系日期",
    "达成产品",
    "达成金额或数量",
]


def sale(
    day: str, customer: str, receiver: str, product: str, amount: float, referrer: str = ""
) -> list[Any]:
    """A 追踪表 row (TRACKING_HEAD) of a sale on `day`, self-sourced unless a referrer is named."""
    return [customer, None, day, referrer or None, receiver, None, product, amount]


def book(month: str = "2026-12", *settings: list[Any], **sheets: list[list[Any]]) -> Book:
    """测试支行's workbook of `month`: 设置 with these extra rows, the products above, empty
    card log, tracking sheet, 每日数据 and 每日概况 unless `sheets` (by sheet name) give them."""
    raw: dict[str, list[list[Any]]] = {
        "设置": [["项目", "值"], ["网点名称", "测试支行"], ["统计月份", month], *settings],
        "产品": PRODUCTS,
        "转介登记": [CARD_HEAD],
        "追踪表": [TRACKING_HEAD],
        "每日数据": [["日期", "姓名"]],
        "每日概况": [["日期", "客流量", "当班人员"]],
        **sheets,
    }
    return load_book(raw, f"测试支行-{month}.xlsx")
