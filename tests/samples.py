"""The bundled samples: a realistic month for a demo branch, and a workbook full of typing mess.

The month is simulated, not planted: each person has a referral habit and a skill, every card
goes through follow-up and maybe a sale by chance, and the figures fall out of that. A fixed
seed makes it reproducible. `python -m tests.samples samples` (`make samples`) rebuilds the
files of samples/; the benchmarks make their branch workbooks with it under other seeds.

Test data, not part of the installed package: it lives beside the tests that check the committed
samples are exactly what it builds.
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from branchkit import schema
from branchkit.checklist import default_items, due_items, fix_key, owners_on_duty
from branchkit.parse import id_check_digit
from branchkit.templates import write_branch_workbook
from branchkit.vocab import SLOT_WORDS, word

BRANCH = "火车站支行"
PARENT = "城东分行"
MONTH = dt.date(2026, 11, 1)
LAST_DAY = dt.date(2026, 11, 20)  # the workbook as it stands on the evening of the 20th
SAMPLE_NAME = f"{BRANCH}-2026-11.xlsx"
MESSY_NAME = "messy-branch.xlsx"


@dataclass(frozen=True)
class Person:
    name: str
    role: str
    refer_rate: float = 0.0  # cards per working day
    refer_quality: float = 0.0  # chance a referred customer buys
    sell_skill: float = 1.0  # receiver's multiplier on the chance of a sale
    active: bool = True


SUPERVISOR = "周敏"  # 厅堂主管: hosts the meetings, keeps the checklist
STAFF = (
    Person(SUPERVISOR, "厅堂主管"),
    Person("陈建国", "网点负责人"),
    Person("李四", "客户助理", 2.4, 0.35),
    Person("王芳", "客户助理", 1.8, 0.45),
    Person("刘洋", "柜员", 4.0, 0.12),  # many cards, few sales: must not become a star
    Person("张丽", "柜员", 1.2, 0.50),
    Person("杨帆", "柜员", 1.5, 0.30),
    Person("王五", "大堂经理", 2.0, 0.40),
    Person("孙悦", "服务经理", 1.5, 0.35),
    Person("赵六", "理财经理", 0.2, 0.5, 1.2),
    Person("吴静", "理财经理", 0.2, 0.5, 0.9),
    Person("郑强", "客户经理", 0.3, 0.4, 1.0),
    Person("何平", "内勤行长"),
    Person("林晓", "柜员", active=False),
)

PRODUCTS = (
    ("乾元—日鑫月溢", "理财", "万元", (5, 50)),
    ("乾元—季季富", "理财", "万元", (10, 100)),
    ("嘉实稳健混合", "基金", "万元", (1, 10)),
    ("安享终身寿险", "保险", "万元", (2, 20)),
    ("大额存单三年期", "存款", "万元", (20, 100)),
    ("龙卡信用卡", "信用卡", "张", (1, 1)),
    ("手机银行", "手机银行", "户", (1, 1)),
    ("积存金", "贵金属", "万元", (0.5, 5)),
)
NEED_TO_PRODUCTS = {
    "理财": ("乾元—日鑫月溢", "乾元—季季富"),
    "基金": ("嘉实稳健混合",),
    "保险": ("安享终身寿险",),
    "存款": ("大额存单三年期",),
    "信用卡": ("龙卡信用卡",),
    "手机银行": ("手机银行",),
    "贵金属": ("积存金",),
}
NEED_WEIGHTS = {
    "理财": 30,
    "基金": 12,
    "保险": 8,
    "存款": 18,
    "信用卡": 14,
    "手机银行": 12,
    "贵金属": 6,
}
RECEIVER_BY_NEED = {
    "理财": ("赵六", "吴静"),
    "基金": ("赵六", "吴静"),
    "保险": ("吴静", "赵六"),
    "贵金属": ("赵六",),
    "存款": ("郑强", "赵六"),
    "信用卡": ("王五", "孙悦"),
    "手机银行": ("孙悦", "王五"),
}
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程"
GIVEN = "伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华建国志红玉梅春燕晓东海波宁鹏飞"
REASONS = (
    "有理财将到期",
    "咨询定期利率",
    "大额取现",
    "办理转账时提到投资",
    "询问信用卡额度",
    "代发工资客户",
)
TARGETS = {
    "客户助理": {"转介数": 45, "转介成功数": 16},
    "柜员": {"转介数": 45, "转介成功数": 16},
    "大堂经理": {"转介数": 50, "转介成功数": 20, "信用卡": 8, "手机银行": 10},
    "服务经理": {"转介数": 45, "转介成功数": 18, "信用卡": 8, "手机银行": 12},
    "理财经理": {"理财": 700, "基金": 60, "保险": 60, "贵金属": 25},
    "客户经理": {"存款": 800, "理财": 300},
}
BRANCH_TARGETS = {
    "理财": 1600,
    "基金": 110,
    "保险": 120,
    "存款": 1200,
    "信用卡": 20,
    "手机银行": 25,
    "贵金属": 40,
    "转介数": 350,
    "转介成功数": 110,
    # The checklist's quantities are indicators too (docs/口径.md#清单计量).
    "外呼户数": 600,
    "沙龙场次": 4,
    "外拓户数": 40,
}
PERSON_MEASURE_TARGETS = {"赵六": {"外呼户数": 300}, "吴静": {"外呼户数": 300}}


def _days() -> list[dt.date]:
    return [MONTH + dt.timedelta(days=i) for i in range((LAST_DAY - MONTH).days + 1)]


def _customer(rng: random.Random) -> tuple[str, str]:
    name = rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2))))
    phone = rng.choice(("13", "15", "18", "17", "19")) + "".join(
        rng.choice("0123456789") for _ in range(9)
    )
    return name, phone


def _id_number(rng: random.Random) -> str:
    born = dt.date(1950, 1, 1) + dt.timedelta(days=rng.randrange(365 * 55))
    first17 = f"110105{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_digit(first17)


def _amount(rng: random.Random, product: str) -> float:
    low, high = next(p[3] for p in PRODUCTS if p[0] == product)
    if low == high:
        return low
    return round(rng.uniform(low, high) * 2) / 2  # hand-typed amounts are round-ish


def build_month(seed: int = 20261120) -> dict[str, list[list[Any]]]:
    """Simulate the branch's month up to LAST_DAY; returns rows per schema sheet key."""
    rng = random.Random(seed)
    people = {p.name: p for p in STAFF}
    days = _days()
    cards: list[list[Any]] = []
    tracking: list[list[Any]] = []
    daily: list[list[Any]] = []
    overview: list[list[Any]] = []
    duty: dict[dt.date, list[str]] = {}
    floor = random.Random(seed + 1)  # the queue columns: their own draws, the month unchanged
    referrers = [p for p in STAFF if p.active and p.refer_rate]
    for day in days:
        weekend = day.weekday() >= 5
        traffic = rng.randint(60, 90) if weekend else rng.randint(110, 180)
        on_duty = [p.name for p in STAFF if p.active and (not weekend or rng.random() < 0.5)]
        if not on_duty:
            # The branch opens every day of the month: on a weekend whose draw left everyone at
            # home (one seed in a few thousand), the lobby supervisor opens it alone.
            on_duty = [SUPERVISOR]
        duty[day] = on_duty
        overview.append([day, traffic, "、".join(on_duty), *_floor(floor, day, traffic)])
        referred_today: dict[str, int] = {}
        for person in referrers:
            if person.name not in on_duty:
                continue
            draws = 2 if weekend else 4  # a quieter day on weekends
            count = sum(rng.random() < min(1.0, person.refer_rate / 3) for _ in range(draws))
            referred_today[person.name] = count
            for _ in range(count):
                need = rng.choices(list(NEED_WEIGHTS), weights=list(NEED_WEIGHTS.values()))[0]
                receivers = [r for r in RECEIVER_BY_NEED[need] if r != person.name and r in on_duty]
                receiver = rng.choice(receivers or list(RECEIVER_BY_NEED[need]))
                name, phone = _customer(rng)
                on_site = rng.random() < 0.7
                ref_id = f"HCZ-{day:%Y%m%d}-{sum(c[0] == day for c in cards) + 1:02d}"
                cards.append(
                    [
                        day,
                        ref_id if rng.random() < 0.8 else None,
                        name,
                        phone,
                        person.name,
                        "是" if on_site else "否",
                        need,
                        receiver,
                        _id_number(rng) if rng.random() < 0.3 else None,
                        rng.choice(REASONS),
                        None,
                    ]
                )
                followed = rng.random() < 0.88
                contact_day = day + dt.timedelta(days=0 if on_site else rng.randint(0, 4))
                if not followed or contact_day > LAST_DAY:
                    continue
                chance = (
                    person.refer_quality * people[receiver].sell_skill * (1.2 if on_site else 0.8)
                )
                sold = rng.random() < chance
                products = [rng.choice(NEED_TO_PRODUCTS[need])]
                if sold and need == "理财" and rng.random() < 0.2:
                    products.append("嘉实稳健混合")  # a customer who buys two products: two rows
                linked = cards[-1][1]
                for product in products:
                    closed_on = contact_day if sold else None
                    next_contact = None
                    if not sold or rng.random() < 0.3:
                        next_contact = contact_day + dt.timedelta(days=rng.randint(1, 12))
                        # Most receivers call back and clear the date; some calls slip.
                        if next_contact < LAST_DAY - dt.timedelta(days=1) and rng.random() < 0.8:
                            next_contact = None
                    tracking.append(
                        [
                            None,
                            linked,
                            name,
                            phone,
                            cards[-1][8],
                            day,
                            "是" if on_site else "否",
                            person.name,
                            receiver,
                            contact_day,
                            "是" if (sold and contact_day == day) else "否",
                            product if sold else None,
                            _amount(rng, product) if sold else None,
                            closed_on,
                            next_contact,
                            rng.choice(("有理财将到期", "考虑中", "已购买", "资金未到账", ""))
                            if rng.random() < 0.5
                            else None,
                        ]
                    )
        # Wealth and account managers also sell to customers they found themselves.
        for name in ("赵六", "吴静", "郑强"):
            if name in on_duty and rng.random() < 0.45:
                product = rng.choice(
                    ("乾元—季季富", "大额存单三年期")
                    if name == "郑强"
                    else ("乾元—日鑫月溢", "安享终身寿险", "积存金")
                )
                cust, phone = _customer(rng)
                tracking.append(
                    [
                        None,
                        None,
                        cust,
                        phone,
                        None,
                        day,
                        "否",
                        None,
                        name,
                        day,
                        "是",
                        product,
                        _amount(rng, product),
                        day,
                        None,
                        "存量客户电话邀约",
                    ]
                )
        for person in STAFF:
            if person.name not in on_duty or person.role in ("网点负责人", "内勤行长"):
                continue
            served = (
                rng.randint(15, 45) if person.role in ("客户助理", "柜员") else rng.randint(8, 25)
            )
            daily.append(
                [
                    day,
                    person.name,
                    served,
                    rng.randint(20, 60) if person.role in ("客户助理", "柜员") else None,
                    rng.choice(("对公对私开户、转账", "存取款、挂失", "代缴费、换卡", "理财签约"))
                    if person.role in ("客户助理", "柜员")
                    else None,
                    referred_today.get(person.name, 0),
                    rng.randint(0, 3) if person.role in ("大堂经理", "服务经理") else None,
                    rng.randint(5, 20) if person.role in ("理财经理", "客户经理") else None,
                    rng.randint(2, 10) if person.role in ("理财经理", "客户经理") else None,
                ]
            )
    # Two sales where the receiver names a referrer but no card was filled (无卡转介).
    for i, (referrer, receiver) in enumerate((("张丽", "赵六"), ("杨帆", "吴静"))):
        cust, phone = _customer(rng)
        when = dt.date(2026, 11, 17 + i)
        tracking.append(
            [
                None,
                None,
                cust,
                phone,
                None,
                when,
                "是",
                referrer,
                receiver,
                when,
                "是",
                "乾元—日鑫月溢",
                20.0,
                when,
                None,
                "推荐人说忘了填卡",
            ]
        )
    tracking.sort(key=lambda r: (r[13] or r[5], r[8]))  # by 达成日期 (else 推荐时间), 接收人
    for i, row in enumerate(tracking, start=1):
        row[0] = i
    return {
        "roster": [
            [p.name, f"{1001 + i}", p.role, "是" if p.active else "否"] for i, p in enumerate(STAFF)
        ],
        "products": [[name, ind, unit] for name, ind, unit, _ in PRODUCTS],
        "targets": _targets(),
        "referrals": cards,
        "tracking": tracking,
        "daily": daily,
        "overview": overview,
        "checklist": _checklist(duty, seed),
        "cases": _cases(),
        "actions": _actions() + _fix_actions(),
    }


# Comments from the customer comment book, and the days a complaint came in (11-03's is also a
# case; 11-12's came through the 95 hotline only).
COMMENTS = {
    dt.date(2026, 11, 3): "中午排队太久，只开了两个窗口",
    dt.date(2026, 11, 9): "大堂经理王五耐心指导使用自助机，表扬",
    dt.date(2026, 11, 17): "等候区座椅不够，老人只能站着",
    dt.date(2026, 11, 19): "希望增加手机银行使用讲解",
}
COMPLAINTS = {dt.date(2026, 11, 3): 1, dt.date(2026, 11, 12): 1}


def _floor(rng: random.Random, day: dt.date, traffic: int) -> list[Any]:
    """高峰等候人数, 最长等候分钟, 开放窗口数, 客户意见, 投诉数 of one day: the queue grows with
    the traffic, and the two complaint days had a long wait."""
    weekend = day.weekday() >= 5
    windows = 2 if weekend else rng.choice((3, 3, 4))
    waiting = max(1, traffic // (12 if weekend else 9) - 2 * windows + rng.randint(-2, 3))
    longest = 8 + 3 * waiting + rng.randint(0, 6)
    if day in COMPLAINTS:
        waiting, longest = waiting + 10, 45
    return [waiting, longest, windows, COMMENTS.get(day), COMPLAINTS.get(day, 0)]


# ---------------------------------------------------------------- the checklist

# Per item, the chance a day's item was not done (the rest: done); 晚课 slips on busy days.
MISS_CHANCE = {"晚课": 0.2, "柜面服务抽查": 0.15, "电话外呼": 0.1, "到期及闲置资金客户跟进": 0.08}
# What one done item records (计量): households called, salons held, households visited.
QUANTITIES = {"外呼户数": (12, 30), "沙龙场次": (1, 1), "外拓户数": (8, 16)}
# Problems found on the rounds, as the supervisor wrote them: (day found, item, problem, fix,
# 整改责任人, 整改期限, the later days it was found again, 整改 done by 11-20).
FOUND: tuple[
    tuple[str, str, str, str | None, str | None, str | None, tuple[str, ...], bool], ...
] = (
    (
        "11-03",
        "设备开机检查",
        "叫号机打印纸卡纸",
        "更换打印纸，通知厂家检修",
        "何平",
        "11-04",
        (),
        True,
    ),
    (
        "11-06",
        "厅堂环境6S",
        "理财室线路裸露",
        "联系物业整改线路",
        "何平",
        "11-10",
        ("11-11", "11-12"),
        True,
    ),
    (
        "11-09",
        "仪容仪表",
        "保安鞋子不符合要求",
        "通知保安公司更换",
        "周敏",
        "11-12",
        ("11-13",),
        True,
    ),
    (
        "11-16",
        "公示公告与利率牌",
        "利率牌未按新挂牌更新",
        "联系分行更新利率牌",
        "何平",
        "11-18",
        ("11-17", "11-18", "11-19", "11-20"),
        False,
    ),
    ("11-19", "客户意见簿", "等候区座椅不够", "增加两把座椅", "周敏", "11-25", (), False),
    ("11-20", "设备开机检查", "LED屏右下角不亮", None, None, None, (), False),
)


def _md(text: str) -> dt.date:
    month, day = text.split("-")
    return dt.date(MONTH.year, int(month), int(day))


def _checklist(duty: dict[dt.date, list[str]], seed: int) -> list[list[Any]]:
    """每日清单 as a supervisor keeps it: every item due each day with its owner, mostly done,
    quantities for the outreach, salons and visits, and the problems of FOUND."""
    rng = random.Random(seed + 2)
    roles = {p.name: p.role for p in STAFF}
    found: dict[tuple[dt.date, str], tuple[Any, ...]] = {}
    for first, name, problem, fix, owner, due, again, _ in FOUND:
        for when in (first, *again):
            found[(_md(when), name)] = (problem, fix, owner, _md(due) if due else None)
    rows: list[list[Any]] = []
    for day, present in duty.items():
        wealth = [n for n in present if roles[n] == "理财经理"]
        # The branch opens every day of the sample month, so 每月末 is the 30th.
        for item in due_items(default_items(), day, lambda _: True):
            holders = owners_on_duty(item, present, roles)
            owner = holders[0] if holders else (SUPERVISOR if SUPERVISOR in present else present[0])
            if item.name == "电话外呼" and wealth:
                owner = wealth[day.day % len(wealth)]  # the two wealth managers take turns
            state = "未完成" if rng.random() < MISS_CHANCE.get(item.name, 0.04) else "已完成"
            if item.name == "厅堂微沙龙" and day == dt.date(2026, 11, 11):
                state = "不适用"  # the room was used for the 11-11 training
            quantity = None
            if item.measure and state == "已完成":
                low, high = QUANTITIES[item.measure]
                quantity = rng.randint(low, high)
            problem, fix, fix_owner, fix_due = found.get((day, item.name), (None, None, None, None))
            checker = SUPERVISOR if SUPERVISOR in present else "何平"
            rows.append(
                [
                    day,
                    word(SLOT_WORDS, item.period),
                    item.name,
                    owner,
                    state,
                    quantity,
                    problem,
                    fix,
                    fix_owner,
                    fix_due,
                    checker,
                ]
            )
    return rows


def _fix_actions() -> list[list[Any]]:
    """The 整改 rows fill wrote in 行动计划 the day each problem was first found; the ones fixed
    are marked 已完成. The problem found on 11-20 has none yet: fill adds it."""
    rows = []
    for first, item, problem, fix, owner, due, _, done in FOUND:
        if due is None:
            continue
        action = fix_key(item, problem) + (f"：{fix}" if fix else "")
        rows.append([_md(first), action, owner, _md(due), "已完成" if done else "未完成"])
    return rows


def _targets() -> list[list[Any]]:
    rows: list[list[Any]] = [["网点", ind, value] for ind, value in BRANCH_TARGETS.items()]
    for person in STAFF:
        for indicator, value in TARGETS.get(person.role, {}).items():
            rows.append([person.name, indicator, value])
        for indicator, value in PERSON_MEASURE_TARGETS.get(person.name, {}).items():
            rows.append([person.name, indicator, value])
    return rows


def _cases() -> list[list[Any]]:
    return [
        [
            dt.date(2026, 11, 3),
            "服务",
            "投诉",
            "杨帆",
            "客户排队超过40分钟后投诉等候时间长",
            "午间只开两个窗口",
            "午间高峰错峰就餐，保证三个窗口",
            "周敏",
        ],
        [
            dt.date(2026, 11, 10),
            "营销",
            "亮点",
            "王芳、赵六",
            "客户取现时识别出理财到期，现场转介赵六，成交30万",
            "王芳主动询问资金用途",
            "在晨会上分享话术",
            "周敏",
        ],
        [
            dt.date(2026, 11, 18),
            "运营",
            "风险",
            "刘洋",
            "大额取现未按规定进行身份核实即办理",
            "业务量大时省略了核实步骤",
            "5万元以上取现必须二次核实身份并登记",
            "何平",
        ],
        [
            dt.date(2026, 11, 20),
            "服务",
            "问题",
            "孙悦",
            "老年客户不会使用手机银行转账，反复来网点",
            "开通时未演示",
            "开通手机银行后当场演示一次转账",
            "孙悦",
        ],
        [
            dt.date(2026, 11, 20),
            "营销",
            "亮点",
            "李四",
            "代发工资客户转介开通信用卡和手机银行",
            "一句话营销",
            "推广“一句话营销”话术",
            "周敏",
        ],
    ]


def _actions() -> list[list[Any]]:
    return [
        [dt.date(2026, 11, 3), "午间高峰保证三个窗口", "周敏", dt.date(2026, 11, 10), "已完成"],
        [
            dt.date(2026, 11, 12),
            "刘洋跟王芳学习转介话术，每天练习一次",
            "刘洋",
            dt.date(2026, 11, 26),
            "未完成",
        ],
        [
            dt.date(2026, 11, 18),
            "全员学习大额取现身份核实规定",
            "何平",
            dt.date(2026, 11, 21),
            "未完成",
        ],
        [
            dt.date(2026, 11, 19),
            "整理到期理财客户名单并电话邀约",
            "赵六",
            dt.date(2026, 11, 20),
            "未完成",
        ],
    ]


def write_month(folder: Path) -> Path:
    return write_branch_workbook(
        folder / SAMPLE_NAME,
        BRANCH,
        "2026-11",
        build_month(),
        {"parent": PARENT, "host": "周敏", "mail_to": "branch-head@example.com"},
    )


# ---------------------------------------------------------------- the messy workbook


def messy_data() -> dict[str, list[list[Any]]]:
    """Rows as staff really type them. tests/test_messy.py lists every planted problem by cell."""
    return {
        "roster": [
            ["李四 ", "1001", "客户助理", "是"],
            ["王五", "1002", "大堂经理", "√"],
            ["赵六", "1003", "理财经理", "Y"],
            ["周敏", "1004", "厅堂主管", "是"],
        ],
        "products": [["乾元—日鑫月溢", "理财", "万元"], ["龙卡信用卡", "信用卡", "张"]],
        "targets": [["李四", "转介数", "20"], ["赵六", "理财", "50万"], ["网点", "理财", "很多"]],
        "referrals": [
            # row 2: clean
            [
                dt.date(2026, 11, 2),
                "R-1",
                "张三",
                "13812346241",
                "李四",
                "是",
                "理财",
                "赵六",
                None,
                None,
                None,
            ],
            # row 3: 2013.7.1-style date, phone with spaces, √ for yes
            [
                "2026.11.3",
                None,
                "钱七",
                "139 1234 5678",
                "李 四",
                "√",
                "理财",
                "赵六",
                None,
                None,
                None,
            ],
            # row 4: 7月1日 style, bad phone (C-D: 10 digits), wrong ID check digit
            [
                "11月4日",
                None,
                "孙八",
                "1381234567",
                "李四",
                "否",
                "信用卡",
                "王五",
                "110105194912310021",
                None,
                None,
            ],
            # row 5: date not a date, missing referrer
            ["上周五", None, "周九", "13712345678", None, "是", "理财", "赵六", None, None, None],
            # row 6: exact duplicate of row 2
            [
                dt.date(2026, 11, 2),
                "R-1",
                "张三",
                "13812346241",
                "李四",
                "是",
                "理财",
                "赵六",
                None,
                None,
                None,
            ],
            # row 7: referrer not on roster; yes/no not understood; formula-looking customer name
            [
                dt.date(2026, 11, 5),
                None,
                '=HYPERLINK("http://x")',
                "13612345678",
                "小明",
                "可能",
                "理财",
                "赵六",
                None,
                None,
                None,
            ],
            # row 8: an empty row in the middle of the data; row 9: a clean card after it
            [None] * 11,
            [
                dt.date(2026, 11, 6),
                "R-9",
                "陈一",
                "13711112222",
                "李四",
                "是",
                "基金",
                "赵六",
                None,
                None,
                None,
            ],
        ],
        "tracking": [
            # row 2: amount "20万" in a 万元 product -> 20
            [
                1,
                "R-1",
                "张三",
                "138XXXX6241",
                None,
                "2013.7.1",
                "是",
                "李四",
                "赵六",
                "是",
                "乾元—日鑫月溢",
                "20万",
                None,
                "2026.11.25",
                "有理财将到期",
            ],
            # row 3: amount not an amount
            [
                2,
                None,
                "钱七",
                "13912345678",
                None,
                "2026/11/3",
                "是",
                "李四",
                "赵六",
                "否",
                "乾元—日鑫月溢",
                "大概二十万左右",
                None,
                None,
                None,
            ],
            # row 4: product not in 产品
            [
                3,
                None,
                "孙八",
                "13812345670",
                None,
                "2026-11-04",
                "否",
                "李四",
                "王五",
                "是",
                "外汇宝",
                "1",
                None,
                None,
                None,
            ],
            # row 5: amount implausible for 万元 (typed in yuan)
            [
                4,
                None,
                "吴十",
                "13512345678",
                None,
                "2026-11-05",
                "否",
                None,
                "赵六",
                "是",
                "乾元—日鑫月溢",
                200000,
                None,
                None,
                None,
            ],
            # row 6: missing receiver; 达成日期 not a date
            [
                5,
                None,
                "郑一",
                "13412345678",
                None,
                "2026-11-06",
                "否",
                "王五",
                None,
                "是",
                "龙卡信用卡",
                "1张",
                "昨天",
                None,
                None,
            ],
            # row 7: Excel serial date for 推荐时间, 5千 in a 张 product (implausible), ID stored as a number
            [
                6,
                None,
                "冯二",
                "13312345678",
                110105194912310000,
                46332,
                "是",
                "李四",
                "赵六",
                "是",
                "龙卡信用卡",
                "5千",
                None,
                None,
                None,
            ],
        ],
        "daily": [
            [dt.date(2026, 11, 2), "李四", 30, 45, "存取款", 2, None, None, None],
            [dt.date(2026, 11, 2), "赵六", "十二", None, None, 0, None, "8", "-1"],
        ],
        # columns reordered: 当班人员, 日期, 客流量 (see MESSY_HEADERS)
        "overview": [["李四、王五 赵六", dt.date(2026, 11, 2), 120]],
        "checklist": [
            # row 2: clean; row 3: an item 清单项目 does not list; row 4: 完成情况 not in the
            # list; row 5: 整改期限 before the day the problem was found
            [dt.date(2026, 11, 2), "营业前", "晨会", "周敏", "已完成"],
            [dt.date(2026, 11, 2), "营业中", "擦玻璃", "王五", "已完成"],
            [dt.date(2026, 11, 2), "营业中", "电话外呼", "赵六", "做了一半", 12],
            [
                dt.date(2026, 11, 2),
                "营业前",
                "设备开机检查",
                "王五",
                "已完成",
                None,
                "叫号机卡纸",
                "报修",
                "王五",
                dt.date(2026, 11, 1),
            ],
        ],
        "cases": [
            [dt.date(2026, 11, 2), "服务", "吐槽", "王五", "客户抱怨排队", None, None, "周敏"]
        ],
        "actions": [["2026-11-02", "整理到期客户名单", "赵六", "11月30日", "进行中"]],
    }


# Headers as staff leave them: 产品 typed in Traditional Chinese, 每日概况's columns moved around.
MESSY_HEADERS = {
    "products": [("product", "產品名稱"), ("indicator", "指標"), ("unit", "單位")],
    "overview": [("on_duty", "当班人员"), ("date", "日期"), ("traffic", "客流量")],
    # A 追踪表 from before 首次联系日期 existed: old workbooks keep reading.
    "tracking": [(c.key, c.header) for c in schema.TRACKING.columns if c.key != "first_contact"],
}


def write_messy(folder: Path) -> Path:
    data = messy_data()
    return write_branch_workbook(
        folder / MESSY_NAME,
        "测试支行",
        "2026-11",
        data,
        {"share": "三成", "tolerance": "0.05"},
        rename={"tracking": "跟踪记录"},
        headers=MESSY_HEADERS,
    )


def write_samples(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_month(folder), write_messy(folder)]


# ---------------------------------------------------------------- a parent branch's three branches

NETWORK_FOLDER = PARENT  # samples/城东分行/: the branches `branchkit rollup` is shown on
# (branch, short code, seed, target scale, the demo staff's names as this branch's people)
NETWORK: tuple[tuple[str, str, int, float, dict[str, str]], ...] = (
    (BRANCH, "HCZ", 20261120, 1.0, {}),
    (
        "人民路支行",
        "RML",
        20261121,
        0.9,
        dict(
            zip(
                [p.name for p in STAFF],
                [
                    "许静",
                    "高峰",
                    "马丽",
                    "罗军",
                    "宋涛",
                    "唐娟",
                    "韩磊",
                    "冯超",
                    "邓艳",
                    "曹明",
                    "彭华",
                    "曾勇",
                    "肖平",
                    "田宁",
                ],
                strict=True,
            )
        ),
    ),
    (
        "滨江支行",
        "BJ",
        20261122,
        1.15,
        dict(
            zip(
                [p.name for p in STAFF],
                [
                    "董梅",
                    "袁建",
                    "潘玉",
                    "蒋洋",
                    "蔡杰",
                    "余霞",
                    "杜波",
                    "叶鹏",
                    "程飞",
                    "钱伟",
                    "胡燕",
                    "郭东",
                    "梁志",
                    "谢春",
                ],
                strict=True,
            )
        ),
    ),
)
# 滨江支行 typed one amount in words: the rollup must mark the branch, not rank it silently.
NETWORK_TYPO = ("滨江支行", "大概二十万")  # on the branch's first sale's 达成金额或数量


def _renamed(value: Any, names: dict[str, str]) -> Any:
    if not isinstance(value, str):
        return value
    for old, new in names.items():
        value = value.replace(old, new)
    return value


def network_month(
    branch: str, code: str, seed: int, scale: float, names: dict[str, str]
) -> dict[str, list[list[Any]]]:
    """The demo simulation under another seed, with this branch's people and targets."""
    names = {**names, "HCZ-": f"{code}-"} if code != "HCZ" else names
    data = {
        key: [[_renamed(v, names) for v in row] for row in rows]
        for key, rows in build_month(seed).items()
    }
    data["targets"] = [
        [subject, indicator, round(value * scale)] for subject, indicator, value in data["targets"]
    ]
    if branch == NETWORK_TYPO[0]:
        keys = [c.key for c in schema.SHEETS_BY_KEY["tracking"].columns]
        first_sale = next(row for row in data["tracking"] if row[keys.index("product")])
        first_sale[keys.index("amount")] = NETWORK_TYPO[1]
    return data


def write_network(folder: str | Path) -> list[Path]:
    """samples/城东分行/: three branches of one parent branch, for `branchkit rollup`."""
    target = Path(folder) / NETWORK_FOLDER
    target.mkdir(parents=True, exist_ok=True)
    written = []
    for branch, code, seed, scale, names in NETWORK:
        written.append(
            write_branch_workbook(
                target / f"{branch}-2026-11.xlsx",
                branch,
                "2026-11",
                network_month(branch, code, seed, scale, names),
                {
                    "parent": PARENT,
                    "short_code": code,
                    "host": names.get("周敏", "周敏"),
                    "mail_to": "branch-head@example.com",
                },
            )
        )
    return written


if __name__ == "__main__":
    folder = sys.argv[1] if len(sys.argv) > 1 else "samples"
    for built in [*write_samples(folder), *write_network(folder)]:
        print(built)
