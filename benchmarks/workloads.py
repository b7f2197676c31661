"""Deterministic benchmark workbooks (never committed): W2, a parent branch's month.

50 branches' staff (about 600 people), 50,000 referral cards and 100,000 tracking rows by
default, plus daily activity — the same sheets and columns as a branch workbook, written
through branchkit's own template writer.
"""

from __future__ import annotations

import datetime as dt
import random
from pathlib import Path
from typing import Any

from branchkit.parse import id_check_digit
from branchkit.samples import PRODUCTS
from branchkit.templates import write_branch_workbook

ROLES = (
    "柜员",
    "柜员",
    "客户助理",
    "大堂经理",
    "服务经理",
    "理财经理",
    "理财经理",
    "客户经理",
    "柜员",
    "客户助理",
    "柜员",
    "厅堂主管",
)
NEEDS = ("理财", "基金", "保险", "存款", "信用卡", "手机银行", "贵金属")
BY_NEED = {ind: [p[0] for p in PRODUCTS if p[1] == ind] for ind in NEEDS}


def parent_branch_month(tracking_rows: int = 100_000, seed: int = 47) -> dict[str, list[list[Any]]]:
    rng = random.Random(seed)
    branches = 50
    people = [
        (f"{b:02d}号{role}{i:02d}", role) for b in range(branches) for i, role in enumerate(ROLES)
    ]
    referrers = [p for p, r in people if r in ("柜员", "客户助理", "大堂经理", "服务经理")]
    receivers = [p for p, r in people if r in ("理财经理", "客户经理")]
    days = [dt.date(2026, 11, 1) + dt.timedelta(days=i) for i in range(20)]
    cards_wanted = tracking_rows // 2
    cards: list[list[Any]] = []
    tracking: list[list[Any]] = []
    for n in range(cards_wanted):
        day = rng.choice(days)
        need = rng.choice(NEEDS)
        customer = f"客户{n:06d}"
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        referrer, receiver = rng.choice(referrers), rng.choice(receivers)
        first17 = f"110105{1960 + n % 40}0101{n % 1000:03d}"
        cards.append(
            [
                day,
                f"C{n:06d}" if rng.random() < 0.7 else None,
                customer,
                phone,
                referrer,
                "是" if rng.random() < 0.7 else "否",
                need,
                receiver,
                first17 + id_check_digit(first17) if rng.random() < 0.2 else None,
                "到期理财",
                None,
            ]
        )
        if rng.random() < 0.85:
            sold = rng.random() < 0.35
            product = rng.choice(BY_NEED[need])
            tracking.append(
                [
                    None,
                    cards[-1][1],
                    customer,
                    phone,
                    None,
                    day,
                    cards[-1][5],
                    referrer,
                    receiver,
                    day,  # 首次联系日期: the receiver met them the day they were referred
                    "是" if sold else "否",
                    product if sold else None,
                    round(rng.uniform(1, 50), 1) if sold else None,
                    day if sold else None,
                    None
                    if sold or rng.random() < 0.7
                    else day + dt.timedelta(days=rng.randint(1, 9)),
                    None,
                ]
            )
    while len(tracking) < tracking_rows:  # own sales by wealth and account managers
        n = len(tracking)
        day = rng.choice(days)
        product = rng.choice(PRODUCTS)[0]
        tracking.append(
            [
                None,
                None,
                f"存量客户{n:06d}",
                f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                None,
                day,
                "否",
                None,
                rng.choice(receivers),
                day,
                "是",
                product,
                round(rng.uniform(1, 80), 1),
                day,
                None,
                None,
            ]
        )
    for i, row in enumerate(tracking, start=1):
        row[0] = i
    daily = [
        [
            day,
            name,
            rng.randint(5, 40),
            rng.randint(10, 60),
            "存取款",
            rng.randint(0, 4),
            rng.randint(0, 3),
            rng.randint(0, 15),
            rng.randint(0, 10),
        ]
        for day in days
        for name, _ in people
    ]
    targets: list[list[Any]] = []
    for name, role in people:
        if role in ("柜员", "客户助理"):
            targets += [[name, "转介数", 40], [name, "转介成功数", 12]]
        elif role in ("理财经理", "客户经理"):
            targets += [[name, "理财", 900], [name, "存款", 600]]
        elif role in ("大堂经理", "服务经理"):
            targets += [[name, "转介数", 35], [name, "信用卡", 20]]
    return {
        "roster": [[name, f"{i:05d}", role, "是"] for i, (name, role) in enumerate(people)],
        "products": [[p[0], p[1], p[2]] for p in PRODUCTS],
        "targets": targets,
        "referrals": cards,
        "tracking": tracking,
        "daily": daily,
        "overview": [[day, 5000, ""] for day in days],
    }


def write_parent_branch(folder: Path, tracking_rows: int = 100_000) -> Path:
    """The workbook, generated once and kept; its name carries the layout of the input sheets,
    so a column added to the schema makes a new one instead of reusing a stale file."""
    import hashlib

    from branchkit.schema import INPUT_SHEETS

    layout = "|".join(f"{s.name}:{','.join(c.header for c in s.columns)}" for s in INPUT_SHEETS)
    stamp = hashlib.sha1(layout.encode()).hexdigest()[:8]
    path = folder / f"分行-2026-11-{tracking_rows // 1000}k-{stamp}.xlsx"
    if not path.exists():
        write_branch_workbook(path, "城东分行汇总", "2026-11", parent_branch_month(tracking_rows))
    return path
