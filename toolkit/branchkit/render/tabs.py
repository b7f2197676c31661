"""Figures -> the generated tabs of SPEC §2 (排行榜, 转介质量, 分润明细, 跟进提醒, 数据问题).

Pure: figures in, SheetSpecs out. Phones are masked unless 脱敏 = 否; ID numbers never appear.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from ..figures import ROLE_GROUPS, Figures, status_of
from ..privacy import mask_phone
from ..problems import ERROR
from ..schema import GENERATED_MARK
from .spec import Chart, Col, Fmt, SheetSpec, Table, Text

PERIOD_NAMES = {"日": "当日", "周": "本周至今", "月": "本月至今"}


def subtitle(figures: Figures, extra: str = "") -> str:
    day = figures.day
    week = day.isocalendar()[1]
    parts = [
        f"统计日期 {day.isoformat()}（第{week}周）",
        f"本月时间进度 {figures.month_progress:.1%}",
    ]
    if extra:
        parts.append(extra)
    parts.append(GENERATED_MARK)
    return " · ".join(parts)


def _title(figures: Figures, name: str) -> str:
    return f"{figures.branch or '网点'} {name}"


def _phone(figures: Figures, phone: str) -> str:
    mask = getattr(figures.settings, "mask", True)
    return mask_phone(phone) if mask else phone


def overall_table(figures: Figures, caption: str) -> Table:
    """Ranking by mean completion (shared by 排行榜 and the weekly workbook)."""
    ranked = sorted(
        (p for p in figures.people if p.rank is not None), key=lambda p: (p.rank, p.name)
    )
    rows = []
    for p in ranked:
        status = status_of(p.overall, figures.time_progress, figures.settings.tolerance) or ""
        rows.append(
            [
                p.rank,
                p.name,
                p.role,
                p.overall,
                status,
                p.referrals,
                p.successes,
                p.success_rate,
                round(p.money, 4),
            ]
        )
    columns = [
        Col("排名", "rank", 6),
        Col("姓名", "text", 10),
        Col("岗位", "text", 10),
        Col("综合完成率", "pct_bar", 12),
        Col("进度", "status", 10),
        Col("转介数", "int", 8),
        Col("转介成功数", "int", 10),
        Col("转介成功率", "pct", 10),
        Col("记分业绩(万元)", "amount", 13),
    ]
    return Table(columns, rows, caption=caption, empty_note="（没有设定目标的人员，无法排名）")


def _group_tables(figures: Figures) -> list[Table]:
    tables = []
    for group, (_, label) in ROLE_GROUPS.items():
        members = sorted(
            (p for p in figures.people if p.group == group),
            key=lambda p: (p.group_rank or 999, p.name),
        )
        if not members:
            continue
        fmt: Fmt = "amount" if "业绩" in label else "int"
        rows = [[p.group_rank, p.name, p.role, p.primary] for p in members]
        tables.append(
            Table(
                [
                    Col("排名", "rank", 6),
                    Col("姓名", "text", 10),
                    Col("岗位", "text", 10),
                    Col(label, fmt, 12),
                ],
                rows,
                caption=f"岗位排名 · {group}（{label}）",
            )
        )
    return tables


def _progress_table(figures: Figures) -> Table:
    rows: list[list[Any]] = []
    for p in [
        figures.branch_figures,
        *sorted(figures.people, key=lambda p: (p.rank or 999, p.name)),
    ]:
        for indicator, target in p.targets.items():
            rows.append(
                [
                    p.name,
                    indicator,
                    target,
                    round(p.actual(indicator), 4),
                    p.completion.get(indicator),
                    p.status.get(indicator, ""),
                ]
            )
    return Table(
        [
            Col("对象", "text", 10),
            Col("指标", "text", 10),
            Col("月目标", "number", 10),
            Col("已完成", "number", 10),
            Col("完成率", "pct_bar", 12),
            Col("进度", "status", 10),
        ],
        rows,
        caption=f"{PERIOD_NAMES[figures.period.kind]} 指标进度（时间进度 {figures.time_progress:.1%}）",
    )


def rankings_sheet(month: Figures, week: Figures, day: Figures) -> SheetSpec:
    stars = Table(
        [Col("称号", "text", 10), Col("姓名", "text", 10)],
        [[label, "、".join(names) or "（暂无）"] for label, names in month.stars.items()],
        caption="之星（按完成质量评选：完成率与转化，不看转介张数）",
    )
    blocks: list[Table | Text] = [
        stars,
        overall_table(month, "本月至今 · 综合排名（按各指标平均完成率）"),
        *_group_tables(month),
        _progress_table(month),
        overall_table(week, "本周至今 · 综合排名（目标按天数折算）"),
        overall_table(day, "当日 · 综合排名（目标按天数折算）"),
    ]
    return SheetSpec(
        "排行榜",
        _title(month, "排行榜"),
        subtitle(month),
        blocks,
        charts=[Chart(1, 1, (3,), "本月综合完成率")],
    )


def referrer_table(figures: Figures, caption: str) -> Table:
    """Referral quantity and quality per referrer (转介质量 and the weekly workbook)."""
    return Table(
        [
            Col("推荐人", "text", 10),
            Col("岗位", "text", 10),
            Col("转介数", "int", 8),
            Col("跟进数", "int", 8),
            Col("跟进率", "pct", 9),
            Col("转介成功数", "int", 10),
            Col("转介成功率", "pct_bar", 12),
            Col("现场推荐率", "pct", 10),
            Col("现场达成率", "pct", 10),
            Col("达成金额(万元)", "amount", 13),
        ],
        [list(r.values()) for r in figures.referrer_quality],
        caption=caption,
    )


def receiver_table(figures: Figures, caption: str = "接收人") -> Table:
    return Table(
        [
            Col("接收人", "text", 10),
            Col("接收数", "int", 8),
            Col("跟进数", "int", 8),
            Col("成交数", "int", 8),
            Col("转化率", "pct_bar", 12),
            Col("平均首次跟进天数", "number", 14),
        ],
        [list(r.values()) for r in figures.receiver_quality],
        caption=caption,
    )


def quality_sheet(figures: Figures) -> SheetSpec:
    referrers = referrer_table(
        figures, f"推荐人 · {PERIOD_NAMES[figures.period.kind]}登记的推荐卡及其结果"
    )
    receivers = receiver_table(figures)
    share = figures.collaboration_share
    summary = Text(
        [
            (
                "strong",
                f"协作营销占比（经转介达成的金额 ÷ 全部销售金额，万元类产品）：{share:.1%}"
                if share is not None
                else "协作营销占比：本期无销售",
            )
        ]
    )
    unverified = Table(
        [
            Col("表", "text", 10),
            Col("行", "int", 6),
            Col("推荐人", "text", 10),
            Col("接收人", "text", 10),
            Col("客户", "text", 10),
            Col("推荐时间", "date", 11),
        ],
        [list(r.values()) for r in figures.unverified],
        caption="无卡转介（追踪表写了推荐人，但找不到对应的推荐卡；照常记分，请核实）",
    )
    return SheetSpec(
        "转介质量",
        _title(figures, "转介质量"),
        subtitle(figures),
        [summary, referrers, receivers, unverified],
        charts=[Chart(0, 0, (6,), "转介成功率")],
    )


LEDGER_COLUMNS = (
    "日期",
    "客户",
    "联系方式",
    "产品",
    "指标",
    "金额或数量",
    "单位",
    "类型",
    "推荐人",
    "推荐人记",
    "接收人",
    "接收人记",
    "来源",
)


def ledger_sheet(figures: Figures) -> SheetSpec:
    ledger = figures.ledger
    columns = [ledger[c].tolist() for c in LEDGER_COLUMNS] if not ledger.empty else []
    if columns:  # one mask per distinct phone, then rows by zip (a parent branch has 100,000)
        phones = columns[LEDGER_COLUMNS.index("联系方式")]
        shown = {p: _phone(figures, p) for p in set(phones)}
        columns[LEDGER_COLUMNS.index("联系方式")] = list(map(shown.__getitem__, phones))
    rows = list(map(list, zip(*columns, strict=True)))
    total = float(ledger["金额或数量"].sum()) if not ledger.empty else 0.0
    credited = float(ledger[["推荐人记", "接收人记"]].sum().sum()) if not ledger.empty else 0.0
    mode = figures.settings.credit_mode
    note = Text(
        [
            (
                "note",
                f"口径：{mode}（分润比例 {figures.settings.share:.0%}）。本月至 {figures.day} 共 {len(rows)} 笔销售，"
                f"金额或数量合计 {total:,.2f}，记分合计 {credited:,.2f}"
                + ("（分润口径下两者相等）" if mode == "分润" else "")
                + "。",
            )
        ]
    )
    table = Table(
        [
            Col("日期", "date", 11),
            Col("客户", "text", 9),
            Col("联系方式", "text", 13),
            Col("产品", "text", 16),
            Col("指标", "text", 8),
            Col("金额或数量", "amount", 11),
            Col("单位", "text", 6),
            Col("类型", "text", 8),
            Col("推荐人", "text", 9),
            Col("推荐人记分", "amount", 10),
            Col("接收人", "text", 9),
            Col("接收人记分", "amount", 10),
            Col("来源", "text", 11),
        ],
        rows,
        caption="每笔销售的推荐人、接收人及各自记分",
    )
    return SheetSpec(
        "分润明细", _title(figures, "分润明细"), subtitle(figures), [note, table], text_width=13
    )


def _due_label(row: dict[str, Any], day: dt.date) -> str:
    if row["逾期"]:
        return f"逾期 {row['逾期天数']} 天"
    return "今天" if row["建议下次联系时间"] == day else "下个工作日"


def follow_up_sheet(figures: Figures) -> SheetSpec:
    due = Table(
        [
            Col("接收人", "text", 10),
            Col("客户", "text", 10),
            Col("联系方式", "text", 13),
            Col("建议联系日期", "date", 12),
            Col("状态", "text", 11),
            Col("产品", "text", 16),
            Col("备注", "text", 20),
            Col("来源", "text", 10),
        ],
        [
            [
                r["接收人"],
                r["客户"],
                _phone(figures, r["联系方式"]),
                r["建议下次联系时间"],
                _due_label(r, figures.day),
                r["产品"],
                r["备注"],
                f"追踪表!{r['行']}",
            ]
            for r in figures.follow_ups
        ],
        caption="到期和逾期的客户跟进（联系后在追踪表改日期或清空即可消除）",
    )
    stale = Table(
        [
            Col("转介编号", "text", 10),
            Col("推荐人", "text", 10),
            Col("接收人", "text", 10),
            Col("登记日期", "date", 12),
            Col("客户", "text", 10),
            Col("联系方式", "text", 13),
            Col("客户需求", "text", 10),
            Col("已过天数", "int", 9),
        ],
        [
            [
                r["转介编号"],
                r["推荐人"],
                r["接收人"],
                r["日期"],
                r["客户"],
                _phone(figures, r["联系方式"]),
                r["客户需求"],
                r["已过天数"],
            ]
            for r in figures.not_followed
        ],
        caption=f"未跟进的推荐卡（登记超过 {figures.settings.stale_days} 天仍无追踪记录）",
    )
    return SheetSpec("跟进提醒", _title(figures, "跟进提醒"), subtitle(figures), [due, stale])


def problems_sheet(figures: Figures) -> SheetSpec:
    problems = sorted(figures.problems, key=lambda p: (p.level != ERROR,))
    rows = [[p.level, p.where, p.shown_value, p.problem, p.detail] for p in problems]
    errors = sum(p.level == ERROR for p in problems)
    summary = Text(
        [
            (
                "strong",
                f"共 {errors} 个错误、{len(problems) - errors} 个警告。"
                "错误的行不计入相关数字；警告的行照常计算。改好后再刷新即可。",
            )
        ]
    )
    table = Table(
        [
            Col("级别", "text", 6),
            Col("位置", "text", 14),
            Col("值", "text", 18),
            Col("问题", "text", 38),
            Col("说明", "text", 46),
        ],
        rows,
        caption="数据问题",
        empty_note="没有发现数据问题",
    )
    return SheetSpec(
        "数据问题", _title(figures, "数据问题"), subtitle(figures), [summary, table], text_width=5
    )


def refresh_sheets(month: Figures, week: Figures, day: Figures) -> list[SheetSpec]:
    return [
        rankings_sheet(month, week, day),
        quality_sheet(month),
        ledger_sheet(month),
        follow_up_sheet(month),
        problems_sheet(month),
    ]
