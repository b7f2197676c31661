"""The weekly workbook for the branch head and the parent branch (a new file; the branch
workbook is only read). It leaves the branch, so customer names show as 张*, phones are masked,
ID numbers never appear, and every value is written typed (no formulas from input text).
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .agenda import open_actions
from .figures import Figures, compute_all
from .privacy import mask_name, mask_phone
from .problems import BookError, count_levels
from .read import Book
from .render.spec import Chart, Col, SheetSpec, Table, Text
from .render.tabs import PERIOD_NAMES, overall_table, receiver_table, referrer_table

WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.I)
WEEKLY_MARK = "branchkit 周报 — 客户信息已脱敏"


def parse_week(text: str) -> tuple[dt.date, dt.date]:
    """'2026-W47' -> (Monday, Sunday) of that ISO week."""
    match = WEEK.match(text.strip())
    if not match:
        raise BookError(text, "周次应写成 2026-W47 这样的格式")
    try:
        monday = dt.date.fromisocalendar(int(match.group(1)), int(match.group(2)), 1)
    except ValueError as exc:
        raise BookError(text, "没有这一周") from exc
    return monday, monday + dt.timedelta(days=6)


def week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass
class Weekly:
    """What the weekly workbook and the e-mail say, computed once."""

    branch: str
    parent: str
    week: str
    monday: dt.date
    day: dt.date  # the week's last day (figures are as of this day)
    week_figures: Figures
    month_figures: Figures
    headlines: list[tuple[str, str]]
    pace: list[tuple[str, str, str]]  # indicator, month completion, status
    problem_count: tuple[int, int]  # errors, warnings


def build(book: Book, week: str) -> Weekly:
    monday, sunday = parse_week(week)
    every_period = compute_all(book, sunday)
    week_figures, month_figures = every_period["week"], every_period["month"]
    branch = week_figures.branch_figures
    ledger = week_figures.ledger
    money = (
        float(ledger.loc[ledger["单位"] == "万元", "金额或数量"].sum()) if not ledger.empty else 0.0
    )
    rate = f"{branch.successes / branch.referrals:.0%}" if branch.referrals else "—"
    headlines = [
        ("本周销售", f"{len(ledger)} 笔，{money:,.2f} 万元"),
        ("本周转介", f"{branch.referrals} 张，成功 {branch.successes} 张（{rate}）"),
        ("本月时间进度", f"{month_figures.month_progress:.0%}"),
        ("本周之星", "、".join(week_figures.stars["每周之星"]) or "暂无"),
    ]
    month_branch = month_figures.branch_figures
    pace = [
        (i, f"{month_branch.completion[i]:.0%}", month_branch.status.get(i, ""))
        for i in month_branch.targets
        if i in month_branch.completion
    ]
    return Weekly(
        book.settings.branch,
        book.settings.parent,
        week_label(monday),
        monday,
        sunday,
        week_figures,
        month_figures,
        headlines,
        pace,
        count_levels(book.problems),
    )


# ---------------------------------------------------------------- the workbook's sheets


def _subtitle(weekly: Weekly) -> str:
    return f"{weekly.week}（{weekly.monday:%m-%d} 至 {weekly.day:%m-%d}） · {WEEKLY_MARK}"


def _cover(weekly: Weekly) -> SheetSpec:
    lines: list[tuple[Any, str]] = [("h1", "本周要点")]
    lines += [("strong", f"{label}：{value}") for label, value in weekly.headlines]
    lines.append(("h1", "本月进度（截至本周末）"))
    lines += [
        ("body", f"{indicator}：完成 {pct}，{state}") for indicator, pct, state in weekly.pace
    ] or [("note", "网点未设目标")]
    errors, warnings = weekly.problem_count
    lines.append(("h1", "数据质量"))
    lines.append(
        (
            "body",
            f"工作簿中有 {errors} 个数据错误、{warnings} 个警告（详见网点工作簿的“数据问题”表）",
        )
    )
    title = f"{weekly.branch or '网点'} 周报 {weekly.week}"
    if weekly.parent:
        title += f"（{weekly.parent}）"
    return SheetSpec(
        "封面",
        title,
        _subtitle(weekly),
        [Text(lines)],
        landscape=False,
        one_page=True,
        text_width=8,
    )


def _rankings(weekly: Weekly) -> SheetSpec:
    stars = Table(
        [Col("称号", "text", 10), Col("姓名", "text", 10)],
        [
            ["本周之星", "、".join(weekly.week_figures.stars["每周之星"]) or "暂无"],
            ["本月之星（至今）", "、".join(weekly.month_figures.stars["每月之星"]) or "暂无"],
        ],
    )
    return SheetSpec(
        "排行榜",
        f"{weekly.branch} 排行榜 {weekly.week}",
        _subtitle(weekly),
        [
            stars,
            overall_table(weekly.week_figures, "本周 · 综合排名（目标按天数折算）"),
            overall_table(weekly.month_figures, f"{PERIOD_NAMES['月']} · 综合排名"),
        ],
        charts=[Chart(1, 1, (3,), "本周综合完成率")],
    )


def _trend(weekly: Weekly, book: Book) -> SheetSpec:
    """Day by day: sales per indicator and referral cards, with native Excel charts."""
    days = [weekly.monday + dt.timedelta(days=i) for i in range(7)]
    ledger = weekly.week_figures.ledger
    indicators = sorted({i for i in ledger["指标"] if i}) if not ledger.empty else []
    units = dict(zip(book.products["indicator"], book.products["unit"], strict=True))
    sales_rows = []
    for day in days:
        row: list[Any] = [f"{day:%m-%d} {'一二三四五六日'[day.weekday()]}"]
        for indicator in indicators:
            picked = (
                ledger[(ledger["日期"] == day) & (ledger["指标"] == indicator)]
                if not ledger.empty
                else ledger
            )
            row.append(round(float(picked["金额或数量"].sum()), 4) if not ledger.empty else 0.0)
        sales_rows.append(row)
    cards = book.referrals
    referral_rows = []
    for day in days:
        made = [s for d, s in zip(cards["date"], cards["row"], strict=True) if d == day]
        referral_rows.append([f"{day:%m-%d}", len(made)])
    sales = Table(
        [
            Col("日期", "text", 10),
            *(Col(f"{i}({units.get(i, '')})", "number", 11) for i in indicators),
        ],
        sales_rows,
        caption="每日销售（按指标）",
    )
    referrals = Table(
        [Col("日期", "text", 10), Col("转介卡", "int", 8)], referral_rows, caption="每日转介"
    )
    charts = [Chart(1, 0, (1,), "每日转介", "int", "column")]
    if indicators:
        charts.insert(
            0, Chart(0, 0, tuple(range(1, len(indicators) + 1)), "每日销售", "number", "line")
        )
    return SheetSpec(
        "趋势",
        f"{weekly.branch} 每日趋势 {weekly.week}",
        _subtitle(weekly),
        [sales, referrals],
        charts=charts,
    )


def _quality(weekly: Weekly) -> SheetSpec:
    figures = weekly.week_figures
    referrers = referrer_table(figures, "推荐人（本周登记的推荐卡）")
    receivers = receiver_table(figures)
    return SheetSpec(
        "转介质量",
        f"{weekly.branch} 转介质量 {weekly.week}",
        _subtitle(weekly),
        [referrers, receivers],
    )


def _open_items(weekly: Weekly, book: Book) -> SheetSpec:
    follow = Table(
        [
            Col("接收人", "text", 10),
            Col("客户", "text", 8),
            Col("联系方式", "text", 13),
            Col("建议联系日期", "date", 12),
            Col("逾期天数", "int", 9),
            Col("产品", "text", 16),
        ],
        [
            [
                f["接收人"],
                mask_name(f["客户"]),
                mask_phone(f["联系方式"]),
                f["建议下次联系时间"],
                f["逾期天数"],
                f["产品"],
            ]
            for f in weekly.week_figures.follow_ups
        ],
        caption="未完成的客户跟进（按接收人）",
    )
    stale = Table(
        [
            Col("转介编号", "text", 10),
            Col("推荐人", "text", 10),
            Col("接收人", "text", 10),
            Col("登记日期", "date", 12),
            Col("已过天数", "int", 9),
        ],
        [
            [n["转介编号"], n["推荐人"], n["接收人"], n["日期"], n["已过天数"]]
            for n in weekly.week_figures.not_followed
        ],
        caption="未跟进的推荐卡",
    )
    actions = Table(
        [
            Col("提出日期", "date", 11),
            Col("事项", "text", 34),
            Col("责任人", "text", 10),
            Col("截止日期", "date", 11),
            Col("状态", "text", 8),
        ],
        [
            [a["raised_on"], a["item"], a["owner"] or "", a["due"], a["state"] or "未完成"]
            for a in open_actions(book, weekly.day)
        ],
        caption="未完成的行动计划",
    )
    return SheetSpec(
        "跟进与行动",
        f"{weekly.branch} 跟进与行动计划 {weekly.week}",
        _subtitle(weekly),
        [follow, stale, actions],
    )


def weekly_sheets(weekly: Weekly, book: Book) -> list[SheetSpec]:
    return [
        _cover(weekly),
        _rankings(weekly),
        _trend(weekly, book),
        _quality(weekly),
        _open_items(weekly, book),
    ]


def default_output(book_path: Path, weekly: Weekly) -> Path:
    return book_path.with_name(f"{weekly.branch or book_path.stem}-{weekly.week}-周报.xlsx")


def write_workbook(weekly: Weekly, book: Book, out: Path) -> Path:
    from .render.xlsx import build as build_xlsx
    from .writeback import verify_workbook, write_bytes

    specs = weekly_sheets(weekly, book)
    return write_bytes(out, build_xlsx(specs), verify_workbook([s.name for s in specs]))


def send_from_book(book: Book, day: dt.date) -> str:
    """The 「发送周报」 button: this week's workbook beside the branch workbook, sent to 设置's
    recipients. Returns the one line the button shows."""
    from . import mail

    weekly = build(book, week_label(day))
    out = write_workbook(weekly, book, default_output(Path(book.source), weekly))
    recipients = list(book.settings.mail_to)
    if not recipients:
        return f"周报已保存：{out.name}；设置中没有“邮件收件人”，未发送"
    message = mail.weekly_message(weekly, out, recipients, mail.sender(book.settings))
    mail.send(message, mail.smtp_config(book.settings))
    return f"周报已保存并发送给 {len(recipients)} 位收件人：{out.name}"
