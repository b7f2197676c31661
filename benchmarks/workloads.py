"""Deterministic benchmark workbooks (never committed): W2, a parent branch's month.

50 branches' staff (about 600 people), 50,000 referral cards and 100,000 tracking rows by
default, plus daily activity — the same sheets and columns as a branch workbook, written
through branchkit's own template writer. Rows are made by column key and laid out in the
schema's order, so a column added to a sheet leaves them right (empty in the new column); the
file name carries a fingerprint of the layout, so a changed schema makes a fresh workbook.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import random
from pathlib import Path
from typing import Any

from branchkit import schema
from branchkit.parse import id_check_digit
from branchkit.templates import write_branch_workbook

from tests.samples import PRODUCTS

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
    cards: list[dict[str, Any]] = []
    tracking: list[dict[str, Any]] = []
    for n in range(cards_wanted):
        day = rng.choice(days)
        need = rng.choice(NEEDS)
        customer = f"客户{n:06d}"
        phone = f"1{rng.choice('3589')}{rng.randrange(10**9):09d}"
        referrer, receiver = rng.choice(referrers), rng.choice(receivers)
        first17 = f"110105{1960 + n % 40}0101{n % 1000:03d}"
        card = {
            "date": day,
            "referral_id": f"C{n:06d}" if rng.random() < 0.7 else None,
            "customer": customer,
            "phone": phone,
            "referrer": referrer,
            "on_site": "是" if rng.random() < 0.7 else "否",
            "need": need,
            "receiver": receiver,
            "id_number": first17 + id_check_digit(first17) if rng.random() < 0.2 else None,
            "reason": "到期理财",
        }
        cards.append(card)
        if rng.random() < 0.85:
            sold = rng.random() < 0.35
            product = rng.choice(BY_NEED[need])
            tracking.append(
                {
                    "referral_id": card["referral_id"],
                    "customer": customer,
                    "phone": phone,
                    "referred_on": day,
                    "on_site": card["on_site"],
                    "referrer": referrer,
                    "receiver": receiver,
                    "first_contact": day,
                    "closed_on_site": "是" if sold else "否",
                    "product": product if sold else None,
                    "amount": round(rng.uniform(1, 50), 1) if sold else None,
                    "closed_on": day if sold else None,
                    "next_contact": None
                    if sold or rng.random() < 0.7
                    else day + dt.timedelta(days=rng.randint(1, 9)),
                }
            )
    while len(tracking) < tracking_rows:  # own sales by wealth and account managers
        n = len(tracking)
        day = rng.choice(days)
        product = rng.choice(PRODUCTS)[0]
        tracking.append(
            {
                "customer": f"存量客户{n:06d}",
                "phone": f"1{rng.choice('3589')}{rng.randrange(10**9):09d}",
                "referred_on": day,
                "on_site": "否",
                "receiver": rng.choice(receivers),
                "first_contact": day,
                "closed_on_site": "是",
                "product": product,
                "amount": round(rng.uniform(1, 80), 1),
                "closed_on": day,
            }
        )
    for i, row in enumerate(tracking, start=1):
        row["seq"] = i
    daily = [
        {
            "date": day,
            "name": name,
            "served": rng.randint(5, 40),
            "transactions": rng.randint(10, 60),
            "business_types": "存取款",
            "referrals": rng.randint(0, 4),
            "own_sales": rng.randint(0, 3),
            "phone_invitations": rng.randint(0, 15),
            "follow_ups": rng.randint(0, 10),
        }
        for day in days
        for name, _ in people
    ]
    targets: list[dict[str, Any]] = []
    for name, role in people:
        goals: tuple[tuple[str, int], ...] = ()
        if role in ("柜员", "客户助理"):
            goals = (("转介数", 40), ("转介成功数", 12))
        elif role in ("理财经理", "客户经理"):
            goals = (("理财", 900), ("存款", 600))
        elif role in ("大堂经理", "服务经理"):
            goals = (("转介数", 35), ("信用卡", 20))
        targets += [{"subject": name, "indicator": i, "target": t} for i, t in goals]
    keyed = {
        "roster": [
            {"name": name, "staff_id": f"{i:05d}", "role": role, "active": "是"}
            for i, (name, role) in enumerate(people)
        ],
        "products": [{"product": p[0], "indicator": p[1], "unit": p[2]} for p in PRODUCTS],
        "targets": targets,
        "referrals": cards,
        "tracking": tracking,
        "daily": daily,
        "overview": [{"date": day, "traffic": 5000} for day in days],
    }
    return {key: _laid_out(key, rows) for key, rows in keyed.items()}


def _laid_out(key: str, rows: list[dict[str, Any]]) -> list[list[Any]]:
    """Rows by column key -> cell rows in the sheet's column order (absent keys: empty)."""
    columns = [c.key for c in schema.SHEETS_BY_KEY[key].columns]
    unknown = {k for row in rows for k in row} - set(columns)
    if unknown:
        raise KeyError(f"{key}: no such columns {sorted(unknown)}")
    return [[row.get(c) for c in columns] for row in rows]


def _layout_fingerprint() -> str:
    """Changes when a sheet's columns or this generator change (a new workbook is then made)."""
    text = repr([(s.key, [c.key for c in s.columns]) for s in schema.INPUT_SHEETS])
    text += Path(__file__).read_text(encoding="utf-8")
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:8]


def write_parent_branch(folder: Path, tracking_rows: int = 100_000) -> Path:
    path = folder / f"分行-2026-11-{tracking_rows // 1000}k-{_layout_fingerprint()}.xlsx"
    if not path.exists():
        for stale in folder.glob(f"分行-2026-11-{tracking_rows // 1000}k*.xlsx"):
            stale.unlink()
        write_branch_workbook(path, "城东分行汇总", "2026-11", parent_branch_month(tracking_rows))
    return path
