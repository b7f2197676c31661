"""A small branch worked out by hand from docs/口径.md. Every expected number below was derived on
paper from these rows (see the comments), not produced by the code under test.

D = 2026-11-20 (a Friday). November has 30 days: calendar time progress 20/30 = 0.6667.
分润比例 0.3, 分润 mode, 进度容差 0.05, 未跟进天数 2.
"""

from __future__ import annotations

import datetime as dt

import pytest
from branchkit.figures import compute
from branchkit.problems import Level
from branchkit.read import load_book
from branchkit.render.report import figures_json
from branchkit.vocab import OWN, REFERRED, UNVERIFIED, Unit

D = dt.date(2026, 11, 20)
SETTINGS = [
    ["项目", "值"],
    ["网点名称", "测试支行"],
    ["统计月份", "2026-11"],
    ["分润比例", "0.3"],
    ["业绩口径", "分润"],
    ["进度容差", "0.05"],
    ["未跟进天数", "2"],
]
ROSTER = [
    ["姓名", "岗位", "在岗"],
    ["李四", "客户助理", "是"],
    ["王五", "大堂经理", "是"],
    ["赵六", "理财经理", "是"],
    ["周敏", "厅堂主管", "是"],
]
PRODUCTS = [["产品名称", "指标", "单位"], ["日鑫月溢", "理财", "万元"], ["龙卡", "信用卡", "张"]]
TARGETS = [
    ["对象", "指标", "目标值"],
    ["赵六", "理财", 100],
    ["李四", "转介数", 10],
    ["李四", "转介成功数", 4],
    ["王五", "信用卡", 6],
    ["网点", "理财", 150],
]
CARDS = [
    ["日期", "转介编号", "客户姓名", "联系方式", "推荐人", "是否现场推荐", "客户需求", "接收人"],
    ["2026-11-02", "R-1", "张三", "13800000001", "李四", "是", "理财", "赵六"],  # row 2
    [
        "2026-11-05",
        None,
        "钱七",
        "13800000002",
        "李四",
        "否",
        "理财",
        "赵六",
    ],  # row 3: matched by name+phone
    ["2026-11-10", "R-3", "孙八", "13800000003", "李四", "是", "信用卡", "王五"],  # row 4
    [
        "2026-11-16",
        "R-4",
        "周九",
        "13800000004",
        "李四",
        "是",
        "理财",
        "赵六",
    ],  # row 5: never followed
    [
        "2026-11-19",
        "R-5",
        "吴十",
        "13800000005",
        "王五",
        "否",
        "理财",
        "赵六",
    ],  # row 6: 1 day old, not stale
    ["2026-11-20", "R-6", "郑一", "13800000006", "李四", "是", "理财", "赵六"],  # row 7
]
TRACKING = [
    [
        "转介编号",
        "客户姓名",
        "联系方式",
        "推荐时间",
        "推荐人",
        "接收人",
        "是否现场达成",
        "达成产品",
        "达成金额或数量",
        "达成日期",
        "建议下次联系时间",
    ],
    [
        "R-1",
        "张三",
        "13800000001",
        "2026-11-02",
        "李四",
        "赵六",
        "是",
        "日鑫月溢",
        20,
        None,
        None,
    ],  # 2
    [
        None,
        "钱七",
        "13800000002",
        "2026-11-06",
        "李四",
        "赵六",
        "否",
        "日鑫月溢",
        10,
        "2026-11-08",
        None,
    ],  # 3
    ["R-3", "孙八", "13800000003", "2026-11-10", "李四", "王五", "是", "龙卡", 1, None, None],  # 4
    [
        None,
        "孙八",
        "13800000003",
        "2026-11-10",
        "李四",
        "王五",
        "是",
        "日鑫月溢",
        5,
        None,
        None,
    ],  # 5: 2nd product
    [
        None,
        "冯二",
        "13900000001",
        "2026-11-12",
        None,
        "赵六",
        "是",
        "日鑫月溢",
        30,
        None,
        None,
    ],  # 6: own sale
    [
        None,
        "陈三",
        "13900000002",
        "2026-11-18",
        "王五",
        "赵六",
        "是",
        "日鑫月溢",
        8,
        None,
        None,
    ],  # 7: no card
    [
        "R-6",
        "郑一",
        "13800000006",
        "2026-11-20",
        "李四",
        "赵六",
        "否",
        None,
        None,
        None,
        "2026-11-23",
    ],  # 8
    [
        None,
        "何四",
        "13900000003",
        "2026-11-25",
        None,
        "赵六",
        "是",
        "日鑫月溢",
        50,
        None,
        None,
    ],  # 9: after D
    [
        "R-1",
        "张三",
        "13800000001",
        "2026-11-02",
        "李四",
        "赵六",
        "否",
        None,
        None,
        None,
        "2026-11-18",
    ],  # 10
    [
        None,
        "冯二",
        "13900000001",
        "2026-11-12",
        None,
        "赵六",
        "否",
        None,
        None,
        None,
        "2026-11-30",
    ],  # 11
]
DAILY = [["日期", "姓名", "自主销售"], ["2026-11-19", "王五", 1], ["2026-11-20", "王五", 2]]


def _raw(mode: str = "分润") -> dict[str, list[list[object]]]:
    settings = [r if r[0] != "业绩口径" else ["业绩口径", mode] for r in SETTINGS]
    return {
        "设置": settings,
        "人员": ROSTER,
        "产品": PRODUCTS,
        "目标": TARGETS,
        "转介登记": CARDS,
        "追踪表": TRACKING,
        "每日数据": DAILY,
        "每日清单": [["日期", "客流量"]],
    }


@pytest.fixture(scope="module")
def month() -> dict:
    book = load_book(_raw(), "测试支行-2026-11.xlsx")
    assert [p for p in book.problems if p.level is Level.ERROR] == []
    return figures_json(compute(book, D), "month")


def person(data: dict, name: str) -> dict:
    return next(p for p in data["人员"] if p["姓名"] == name)


def test_time_progress(month: dict) -> None:
    assert month["时间进度"] == 0.6667  # 20 / 30


def test_credited_sales_in_split_mode(month: dict) -> None:
    # 李四 refers rows 2 (20), 3 (10), 5 (5) of 理财: 0.3 of each; and row 4, one credit card
    # (张): a count is never split, so the whole card.
    assert person(month, "李四")["业绩"] == {"理财": 10.5, "信用卡": 1.0}
    # 赵六 receives 0.7 of 20 and 10, all of his own 30, and 0.7 of the card-less 8: 14 + 7 + 30 + 5.6.
    assert person(month, "赵六")["业绩"] == {"理财": 56.6}
    # 王五 receives the whole card and 0.7 of 5, and refers the card-less 8 (0.3 × 8 = 2.4).
    assert person(month, "王五")["业绩"] == {"信用卡": 1.0, "理财": 5.9}


def test_referral_quantity_and_quality(month: dict) -> None:
    li = person(month, "李四")
    # Cards 2, 3, 4, 5, 7; followed 2, 3, 4, 7; closed 2, 3, 4.
    assert (li["转介数"], li["跟进数"], li["转介成功数"], li["转介成功率"]) == (5, 4, 3, 0.6)
    wang = person(month, "王五")
    assert (wang["转介数"], wang["跟进数"], wang["转介成功数"]) == (1, 0, 0)


def test_completion_and_status(month: dict) -> None:
    li = person(month, "李四")
    assert li["完成率"] == {"转介数": 0.5, "转介成功数": 0.75}  # 5/10, 3/4
    assert li["进度"] == {
        "转介数": "低于进度",
        "转介成功数": "超出进度",
    }  # 0.5−0.667 < −0.05; 0.75−0.667 > 0.05
    assert li["综合完成率"] == 0.625
    zhao = person(month, "赵六")
    assert (zhao["完成率"], zhao["进度"]) == ({"理财": 0.566}, {"理财": "低于进度"})
    assert person(month, "王五")["完成率"] == {"信用卡": 0.1667}  # 1 / 6


def test_ranking_and_stars(month: dict) -> None:
    ranks = {p["姓名"]: p["排名"] for p in month["人员"]}
    # 排名得分 leaves out 转介数: 李四 0.75 (转介成功数 only), 赵六 0.566, 王五 0.1667; 周敏 no target.
    assert ranks == {"李四": 1, "赵六": 2, "王五": 3, "周敏": None}
    scores = {p["姓名"]: p["排名得分"] for p in month["人员"]}
    assert scores == {"李四": 0.75, "赵六": 0.566, "王五": 0.1667, "周敏": None}
    # Week 11-16..11-20 (targets × 5/30): only 赵六 (5.6 of 16.67) and 王五 (0 of 1 张, but a
    # credit of 2.4 理财) have results; 赵六 leads. Day 11-20: nobody closed anything, so no star.
    assert month["之星"] == {"每日之星": [], "每周之星": ["赵六"], "每月之星": ["李四"]}


def test_reconciliation(month: dict) -> None:
    assert month["未跟进"] == [
        {"转介编号": "R-4", "推荐人": "李四", "接收人": "赵六", "日期": "2026-11-16"}
    ]
    assert month["无卡转介"] == [{"表": "追踪表", "行": 7, "推荐人": "王五", "接收人": "赵六"}]


def test_follow_ups_due_by_next_work_day(month: dict) -> None:
    # 营业日 每天 (the default): the next day the branch opens after Friday 11-20 is Saturday
    # 11-21, so 郑一's 11-23 is not due yet, nor row 11 (11-30).
    assert month["跟进提醒"] == [
        {"接收人": "赵六", "客户": "张*", "建议下次联系时间": "2026-11-18", "逾期": True},
    ]
    # Open Monday to Friday: the next opening day is Monday 11-23, and 郑一's call is due.
    raw = {**_raw(), "设置": [*SETTINGS, ["营业日", "周一至周五"]]}
    weekdays = figures_json(compute(load_book(raw, "测试支行-2026-11.xlsx"), D), "month")
    assert weekdays["跟进提醒"] == [
        {"接收人": "赵六", "客户": "张*", "建议下次联系时间": "2026-11-18", "逾期": True},
        {"接收人": "赵六", "客户": "郑*", "建议下次联系时间": "2026-11-23", "逾期": False},
    ]


def test_ledger_and_tomorrow_and_quality() -> None:
    figures = compute(load_book(_raw(), "测试支行-2026-11.xlsx"), D)
    ledger = figures.month.ledger
    assert [s.row for s in ledger] == [2, 3, 4, 5, 6, 7]  # row 9 is after D
    assert [s.kind for s in ledger] == [REFERRED, REFERRED, REFERRED, REFERRED, OWN, UNVERIFIED]
    # 万元: 20 + 10 + 5 + 30 + 8 = 73 sold, 73 credited (split 0.3 / 0.7); 张: the one card sold,
    # credited whole to both 李四 and 王五. Units are never added together.
    assert figures.month.totals_by_unit() == {Unit.WAN_YUAN: (73.0, 73.0), Unit.CARD: (1.0, 2.0)}
    # 时间进度 is counted in calendar days here, so are the days left after 11-20: 21–30 = 10.
    # Counts are whole and rounded up: 转介数 5 left → 0.5 → 1; 转介成功数 1 → 1; 信用卡 5 → 1.
    tomorrow = {(t.subject, t.indicator): round(t.tomorrow, 4) for t in figures.tomorrow}
    assert tomorrow == {
        ("网点", "理财"): 7.7,  # (150 − 73) / 10
        ("李四", "转介数"): 1,
        ("李四", "转介成功数"): 1,
        ("王五", "信用卡"): 1,
        ("赵六", "理财"): 4.34,  # (100 − 56.6) / 10
    }
    assert {t.days_left for t in figures.tomorrow} == {10}
    assert figures.month.collaboration_share == pytest.approx(43 / 73)  # 20 + 10 + 5 + 8 of 73 万元
    receivers = {r.name: r for r in figures.month.receivers}
    zhao = receivers["赵六"]
    assert (zhao.received, zhao.followed, zhao.closed, zhao.conversion) == (5, 3, 2, 0.4)
    # This 追踪表 has no 首次联系日期 column: the average is left blank, never a fake 0.
    assert zhao.first_contact_days is None
    quality = {r.name: r for r in figures.month.referrers}
    assert quality["李四"].on_site_rate == 0.8 and quality["李四"].closed_on_site_rate == 0.4
    assert quality["李四"].amount == 35.0  # cards 2, 3, 4 (the 5 万元 row; the card is 张)


def test_both_credited_in_double_mode() -> None:
    data = figures_json(compute(load_book(_raw("双计"), "测试支行-2026-11.xlsx"), D), "month")
    assert person(data, "李四")["业绩"] == {"理财": 35.0, "信用卡": 1.0}
    assert person(data, "赵六")["业绩"] == {"理财": 68.0}  # 20 + 10 + 30 + 8


def test_week_and_day_targets_are_prorated() -> None:
    book = load_book(_raw(), "测试支行-2026-11.xlsx")
    week = figures_json(compute(book, D), "week")
    assert week["期间"] == "周" and week["时间进度"] == 1.0
    assert person(week, "赵六")["完成率"] == {"理财": 0.336}  # 5.6 / (100 × 5/30)
    day = figures_json(compute(book, D), "day")
    assert person(day, "李四")["完成率"] == {
        "转介数": 3.0,
        "转介成功数": 0.0,
    }  # 1 / (10/30), 0 / (4/30)


def test_a_self_sourced_sale_stays_self_sourced_when_it_carries_a_card_number() -> None:
    """The receiver's own sale (no referrer) that happens to carry a card's 转介编号 is 自主:
    the card match does not make it a referral, and nobody else is credited."""
    raw = _raw()
    own_sale = ["R-6", "郑一", "13800000006", "2026-11-20", None, "赵六", "否", "日鑫月溢", 2]
    raw["追踪表"] = [*TRACKING, own_sale + [None] * (len(TRACKING[0]) - len(own_sale))]
    ledger = compute(load_book(raw, "测试支行-2026-11.xlsx"), D).month.ledger
    row = len(TRACKING) + 1
    sale = next(s for s in ledger if s.row == row)
    assert (sale.kind, sale.referrer, sale.receiver) == (OWN, "", "赵六")
    assert sale.receiver_credit == 2 and sale.referrer_credit is None  # no referrer credit


def test_average_days_to_first_contact_come_from_the_first_contact_column() -> None:
    """docs/口径.md#转介数量与质量: per receiver, the average days from the card to 首次联系日期,
    over the cards whose rows have that date; a card whose row has none is left out, never
    counted as 0."""
    raw = _raw()
    header = [*TRACKING[0], "首次联系日期"]
    first_contact = {2: "2026-11-03", 3: "2026-11-08", 8: None}  # rows 2 and 3 of 赵六's cards
    raw["追踪表"] = [header] + [
        [*row, first_contact.get(n)] for n, row in enumerate(TRACKING[1:], start=2)
    ]
    figures = compute(load_book(raw, "测试支行-2026-11.xlsx"), D)
    zhao = next(r for r in figures.month.receivers if r.name == "赵六")
    # Card row 2 (11-02) first reached 11-03: 1 day; card row 3 (11-05) on 11-08: 3 days.
    assert zhao.first_contact_days == 2.0
