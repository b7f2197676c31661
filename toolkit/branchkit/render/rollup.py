"""Rollup -> the parent branch's workbook (docs/口径.md#分行汇总) and its `--json`. Pure: records
in, specs out.

The workbook is internal to the parent branch: staff names are shown in full; customer data never
reaches it (the summaries carry none, and data-problem lines have their digits masked).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ..rollup.league import LeagueRow, NetworkPerson, Rollup, group_title
from ..rollup.store import BranchPoint
from ..rollup.summary import IndicatorFigure
from ..schema import GENERATED_MARK, REFERRAL_INDICATORS
from ..vocab import (
    DAY,
    MONTH,
    PERIOD_KINDS,
    PERIOD_LETTERS,
    PERIOD_TITLES,
    STAR_TITLES,
    WEEK,
    PeriodKind,
    pace_label,
)
from .numbers import percent
from .spec import Chart, Col, SheetSpec, Table, Text

COUNT_UNITS = ("张", "户", "笔")
DIGITS = 4


def _title(rollup: Rollup, name: str) -> str:
    return f"{rollup.parent or '分行'} {name}"


def subtitle(rollup: Rollup, kind: PeriodKind = MONTH) -> str:
    day = rollup.day
    people = sum(p.rank is not None for p in rollup.people[kind])
    parts = [
        f"统计日期 {day.isoformat()}（第{day.isocalendar()[1]}周）",
        PERIOD_TITLES[kind],
        f"{len(rollup.branches)} 个网点、{people} 人参加排名",
    ]
    progress = time_progress(rollup)
    if progress is not None and kind == MONTH:
        parts.insert(1, f"本月时间进度 {progress:.1%}")
    return " · ".join([*parts, GENERATED_MARK])


def time_progress(rollup: Rollup) -> float | None:
    return rollup.branches[0].month_figures.time_progress if rollup.branches else None


def _is_count(figure: IndicatorFigure) -> bool:
    return figure.whole or figure.unit in COUNT_UNITS or figure.indicator in REFERRAL_INDICATORS


def _qty(value: float, whole: bool) -> int | float:
    return round(value) if whole else round(value, DIGITS)


SCORE_RULE = (
    "网点和人员都按排名得分排名：各项有目标的指标完成率的平均，每项最多按完成率上限（默认 150%）计，"
    "不含转介数和清单计量（只有这些时才计）；综合完成率为不封顶的平均。人员在全分行同岗位组内排名（1、2、2、4）。"
)


# ---------------------------------------------------------------- 网点排行


def league_table(rollup: Rollup, kind: PeriodKind = MONTH, caption: str = "") -> Table:
    rows_of: Sequence[LeagueRow] = rollup.leagues[kind]
    checklist = any(r.figures.checklist_rate is not None for r in rows_of)
    columns = [
        Col("排名", "rank", 6),
        Col("网点", "text", 12),
        Col("排名得分", "pct_bar", 11),
        Col("综合完成率", "pct", 10),
        Col("进度", "status", 10),
        Col("转介数", "int", 8),
        Col("转介成功率", "pct", 10),
        Col("协作营销占比", "pct", 11),
        *([Col("清单完成率", "pct", 10)] if checklist else []),
        Col("错误数", "int", 7),
        Col("标记", "text", 34),
    ]
    rows = []
    for r in rows_of:
        f = r.figures
        rows.append(
            [
                r.rank,
                r.branch,
                f.score,
                f.overall,
                pace_label(f.status),
                f.referrals,
                f.success_rate,
                f.collaboration_share,
                *([f.checklist_rate] if checklist else []),
                r.errors,
                r.mark,
            ]
        )
    return Table(
        columns,
        rows,
        caption or f"{PERIOD_TITLES[kind]} · 网点排行（按排名得分；有数据错误的网点标出）",
        "（没有可排名的网点）",
    )


def indicator_table(rollup: Rollup) -> Table:
    rows = []
    for r in rollup.league:
        for i in r.figures.indicators:
            whole = _is_count(i)
            rows.append(
                [
                    r.branch,
                    i.indicator,
                    i.unit,
                    _qty(i.target, whole),
                    _qty(i.actual, whole),
                    i.completion,
                    pace_label(i.status),
                ]
            )
    return Table(
        [
            Col("网点", "text", 12),
            Col("指标", "text", 10),
            Col("单位", "text", 6),
            Col("月目标", "qty", 10),
            Col("已完成", "qty", 10),
            Col("完成率", "pct_bar", 12),
            Col("进度", "status", 10),
        ],
        rows,
        "各网点指标进度（网点目标，本月至今）",
    )


def league_sheet(rollup: Rollup) -> SheetSpec:
    marked = [r.branch for r in rollup.league if r.errors]
    lines: list[tuple[Any, str]] = [("note", SCORE_RULE)]
    if marked:
        lines.append(
            (
                "strong",
                f"注意：{'、'.join(marked)} 的工作簿有数据错误，出错的行未计入，排名仅供参考；"
                "见“数据问题”表。",
            )
        )
    return SheetSpec(
        "网点排行",
        _title(rollup, "网点排行"),
        subtitle(rollup),
        [Text(lines), league_table(rollup), indicator_table(rollup)],
        charts=[Chart(0, 1, (2,), "网点排名得分")],
        text_width=10,
    )


# ---------------------------------------------------------------- 同岗位排名


def people_tables(rollup: Rollup, kind: PeriodKind = MONTH) -> list[Table]:
    tables = []
    people = rollup.people[kind]
    for group in dict.fromkeys(p.group for p in people):
        members = [p for p in people if p.group == group]
        size = members[0].size if members else 0
        tables.append(
            Table(
                [
                    Col("岗位排名", "rank", 8),
                    Col("姓名", "text", 9),
                    Col("网点", "text", 12),
                    Col("岗位", "text", 9),
                    Col("排名得分", "pct_bar", 11),
                    Col("综合完成率", "pct", 10),
                    Col("进度", "status", 10),
                    Col("转介数", "int", 7),
                    Col("转介成功数", "int", 9),
                    Col("记分业绩(万元)", "amount", 14),
                    Col("网点内排名", "rank", 9),
                ],
                [
                    [
                        n.rank,
                        n.person.name,
                        n.branch,
                        n.person.role,
                        n.person.score,
                        n.person.overall,
                        pace_label(n.person.status),
                        n.person.referrals,
                        n.person.successes,
                        round(n.person.money, DIGITS),
                        n.person.branch_rank,
                    ]
                    for n in members
                ],
                f"{group_title(group)} · {PERIOD_TITLES[kind]}（全分行 {size} 人参加排名；没有目标的人不排名）",
            )
        )
    return tables


def people_sheet(rollup: Rollup, kind: PeriodKind = MONTH) -> SheetSpec:
    return SheetSpec(
        "同岗位排名",
        _title(rollup, "同岗位排名"),
        subtitle(rollup, kind),
        [Text([("note", SCORE_RULE)]), *people_tables(rollup, kind)],
        text_width=11,
    )


# ---------------------------------------------------------------- 分行之星


def _star_rows(stars: Sequence[NetworkPerson], label: str) -> list[list[Any]]:
    if not stars:
        return [[label, "（暂无）", "", "", None]]
    return [[label, s.person.name, s.branch, s.person.role, s.person.score] for s in stars]


def stars_sheet(rollup: Rollup, kinds: Sequence[PeriodKind] = PERIOD_KINDS) -> SheetSpec:
    columns = [
        Col("称号", "text", 16),
        Col("姓名", "text", 10),
        Col("网点", "text", 12),
        Col("岗位", "text", 10),
        Col("排名得分", "pct", 10),
    ]
    network = Table(
        columns,
        [row for k in kinds for row in _star_rows(rollup.stars[k], f"分行{STAR_TITLES[k]}")],
        "分行之星（全分行排名得分最高、且当期有成交或转介成功的人）",
    )
    groups = Table(
        columns,
        [
            row
            for group, stars in rollup.group_stars.items()
            for row in _star_rows(stars, f"{group_title(group)}之星")
        ],
        f"岗位之星（{PERIOD_TITLES[MONTH]}，各岗位组内）",
    )
    return SheetSpec(
        "分行之星", _title(rollup, "分行之星"), subtitle(rollup), [network, groups], landscape=False
    )


# ---------------------------------------------------------------- 转介质量


def quality_table(rollup: Rollup, kind: PeriodKind = MONTH) -> Table:
    rows_of = sorted(rollup.leagues[kind], key=lambda r: (-(r.figures.success_rate or 0), r.branch))
    return Table(
        [
            Col("网点", "text", 12),
            Col("转介数", "int", 8),
            Col("跟进数", "int", 8),
            Col("跟进率", "pct", 9),
            Col("转介成功数", "int", 10),
            Col("转介成功率", "pct_bar", 12),
            Col("现场推荐率", "pct", 10),
            Col("达成金额(万元)", "amount", 13),
            Col("协作营销占比", "pct", 11),
        ],
        [
            [
                r.branch,
                f.referrals,
                f.followed,
                f.follow_rate,
                f.successes,
                f.success_rate,
                f.on_site_rate,
                round(f.referred_amount, DIGITS),
                f.collaboration_share,
            ]
            for r in rows_of
            for f in [r.figures]
        ],
        f"各网点转介质量（{PERIOD_TITLES[kind]}登记的推荐卡及其结果）",
    )


def quality_sheet(rollup: Rollup, kind: PeriodKind = MONTH) -> SheetSpec:
    return SheetSpec(
        "转介质量",
        _title(rollup, "转介质量"),
        subtitle(rollup, kind),
        [quality_table(rollup, kind)],
        charts=[Chart(0, 0, (5,), "转介成功率")],
    )


# ---------------------------------------------------------------- 清单完成


def has_checklist(rollup: Rollup) -> bool:
    return any(p.checklist_rate is not None for s in rollup.branches for p in s.periods.values())


def checklist_sheet(rollup: Rollup) -> SheetSpec:
    """Checklist completion by branch; added only when the branches' figures carry it."""
    rows = [
        [s.branch, *(s.periods[k].checklist_rate for k in (MONTH, WEEK, DAY))]
        for s in sorted(
            rollup.branches, key=lambda s: (-(s.month_figures.checklist_rate or 0), s.branch)
        )
    ]
    table = Table(
        [
            Col("网点", "text", 12),
            Col("本月清单完成率", "pct_bar", 14),
            Col("本周", "pct", 9),
            Col("当日", "pct", 9),
        ],
        rows,
        "每日管理清单完成率（到期事项中已完成的比例，不适用的不计）",
    )
    return SheetSpec(
        "清单完成",
        _title(rollup, "清单完成"),
        subtitle(rollup),
        [table],
        charts=[Chart(0, 0, (1,), "本月清单完成率")],
    )


# ---------------------------------------------------------------- 数据问题


def problems_sheet(rollup: Rollup) -> SheetSpec:
    """Which workbooks were left out and why, and each branch's 错误 (their counts are on
    网点排行 beside the rank)."""
    left_out = Table(
        [Col("文件", "text", 30), Col("原因", "text", 72)],
        [[Path(s.file).name, s.reason] for s in rollup.left_out],
        "未计入或未排名的工作簿",
        "所有工作簿都已计入",
    )
    details = Table(
        [Col("网点", "text", 30), Col("错误（每个网点最多列 20 条）", "text", 72)],
        [
            [s.branch, f"{where}：{what}"]
            for s in sorted(rollup.branches, key=lambda s: (-s.errors, s.branch))
            for where, what in s.error_lines
        ],
        "各网点的数据错误（出错的行不计入相关数字；全部问题见该网点工作簿的“数据问题”表）",
        "没有数据错误",
    )
    errors = sum(s.errors for s in rollup.branches)
    warnings = sum(s.warnings for s in rollup.branches)
    summary = Text(
        [
            (
                "strong",
                f"{len(rollup.left_out)} 个工作簿未计入或未排名；计入的 {len(rollup.branches)} "
                f"个网点共有 {errors} 个数据错误、{warnings} 个警告。",
            )
        ]
    )
    return SheetSpec(
        "数据问题",
        _title(rollup, "数据问题"),
        subtitle(rollup),
        [summary, left_out, details],
        text_width=2,
    )


# ---------------------------------------------------------------- 趋势


def _mean(values: Sequence[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None


def _before(points: Sequence[BranchPoint], day: dt.date) -> dt.date | None:
    earlier = sorted({p.day for p in points if p.day < day})
    return earlier[-1] if earlier else None


def _same_day_last_month(points: Sequence[BranchPoint], day: dt.date) -> dt.date | None:
    """The last rollup of the previous month on or before D's day of the month, else its last."""
    first = day.replace(day=1)
    last_month = (first - dt.timedelta(days=1)).replace(day=1)
    dates = sorted({p.day for p in points if last_month <= p.day < first})
    within = [d for d in dates if d.day <= day.day]
    chosen = within or dates
    return chosen[-1] if chosen else None


def trend_tables(points: Sequence[BranchPoint], day: dt.date) -> tuple[Table, Table]:
    """The network over the rollups in the store, and each branch against the previous rollup
    and the same day last month (week-on-week, month-on-month)."""
    dates = sorted({p.day for p in points})
    overview = Table(
        [
            Col("汇总日期", "text", 11),
            Col("网点数", "int", 7),
            Col("平均排名得分", "pct", 12),
            Col("平均综合完成率", "pct", 13),
            Col("转介数", "int", 8),
            Col("转介成功率", "pct", 10),
        ],
        [
            [
                d.isoformat(),
                len(at),
                _mean([p.score for p in at]),
                _mean([p.overall for p in at]),
                sum(p.referrals for p in at),
                (sum(p.successes for p in at) / refs)
                if (refs := sum(p.referrals for p in at))
                else None,
            ]
            for d in dates
            for at in [[p for p in points if p.day == d]]
        ],
        "历次汇总（每次都是当时的本月至今）",
    )
    previous, last_month = _before(points, day), _same_day_last_month(points, day)
    by = {(p.day, p.branch): p for p in points}

    def score(when: dt.date | None, branch: str) -> float | None:
        point = by.get((when, branch)) if when else None
        return point.score if point else None

    def change(now: float | None, then: float | None) -> float | None:
        return None if now is None or then is None else now - then

    rows = []
    for branch in sorted({p.branch for p in points if p.day == day}):
        now = score(day, branch)
        before, month_ago = score(previous, branch), score(last_month, branch)
        rows.append([branch, now, before, change(now, before), month_ago, change(now, month_ago)])
    label = lambda d: d.isoformat() if d else "无"  # noqa: E731
    compare = Table(
        [
            Col("网点", "text", 12),
            Col("本次排名得分", "pct", 12),
            Col("上次", "pct", 10),
            Col("较上次", "pct", 10),
            Col("上月同期", "pct", 10),
            Col("较上月同期", "pct", 11),
        ],
        rows,
        f"各网点：本次（{day.isoformat()}）与上次（{label(previous)}）、上月同期（{label(last_month)}）",
    )
    return overview, compare


def trend_sheet(rollup: Rollup, points: Sequence[BranchPoint]) -> SheetSpec:
    overview, compare = trend_tables(points, rollup.day)
    lines: list[tuple[Any, str]] = [
        (
            "note",
            "趋势取自每次汇总时存下的数字（汇总工作簿旁的 分行汇总.duckdb）；同一天重新汇总会替换当天的数字。",
        )
    ]
    if len(overview.rows) < 2:
        lines.append(("strong", "这是第一次汇总：之后每次汇总都会记入历史，从第二次起可以比较。"))
    return SheetSpec(
        "趋势",
        _title(rollup, "趋势"),
        subtitle(rollup),
        [Text(lines), overview, compare],
        charts=[Chart(0, 0, (2, 3), "平均排名得分与综合完成率", "pct", "line")],
        text_width=6,
    )


def rollup_sheets(rollup: Rollup, points: Sequence[BranchPoint]) -> list[SheetSpec]:
    sheets = [
        league_sheet(rollup),
        people_sheet(rollup),
        stars_sheet(rollup),
        quality_sheet(rollup),
    ]
    if has_checklist(rollup):
        sheets.append(checklist_sheet(rollup))
    return [*sheets, problems_sheet(rollup), trend_sheet(rollup, points)]


# ---------------------------------------------------------------- --json (docs/工作簿.md#json输出)


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def _branch_json(row: LeagueRow) -> dict[str, Any]:
    f = row.figures
    return {
        "网点": row.branch,
        "文件": Path(row.summary.file).name,
        "综合完成率": _r(f.overall),
        "排名得分": _r(f.score),
        "排名": row.rank,
        "进度": pace_label(f.status),
        "错误数": row.errors,
        "警告数": row.summary.warnings,
        "标记": row.mark,
        "转介数": f.referrals,
        "转介成功数": f.successes,
        "转介成功率": _r(f.success_rate),
        "协作营销占比": _r(f.collaboration_share),
        "清单完成率": _r(f.checklist_rate),
        "完成率": {i.indicator: _r(i.completion) for i in f.indicators},
        "指标进度": {i.indicator: pace_label(i.status) for i in f.indicators},
    }


def _person_json(n: NetworkPerson) -> dict[str, Any]:
    return {
        "网点": n.branch,
        "姓名": n.person.name,
        "岗位": n.person.role,
        "岗位组": n.group_title,
        "综合完成率": _r(n.person.overall),
        "排名得分": _r(n.person.score),
        "岗位排名": n.rank,
        "岗位人数": n.size,
        "网点内排名": n.person.branch_rank,
    }


def rollup_json(rollup: Rollup, kind: PeriodKind = MONTH) -> dict[str, Any]:
    return {
        "日期": rollup.day.isoformat(),
        "期间": PERIOD_LETTERS[kind],
        "分行": rollup.parent,
        "网点": [_branch_json(r) for r in rollup.leagues[kind]],
        "人员": [_person_json(n) for n in rollup.people[kind]],
        "之星": {
            f"分行{STAR_TITLES[k]}": [f"{s.branch} {s.person.name}" for s in rollup.stars[k]]
            for k in PERIOD_KINDS
        },
        "无法读取": [{"文件": s.file, "原因": s.reason} for s in rollup.left_out],
    }


def summary_line(rollup: Rollup, seconds: float, out: Path | None) -> str:
    """The one line a run ends with."""
    people = sum(p.rank is not None for p in rollup.people[MONTH])
    parts = [f"汇总 {len(rollup.branches)} 个网点、{people} 人"]
    if rollup.left_out:
        parts.append(f"{len(rollup.left_out)} 个工作簿未计入或未排名（见“数据问题”表）")
    errors = sum(s.errors for s in rollup.branches)
    if errors:
        parts.append(f"数据错误 {errors} 个")
    parts.append(f"用时 {seconds:.1f} 秒")
    line = "，".join(parts)
    return f"{line} → {out}" if out else line


def headline_pairs(rollup: Rollup) -> list[tuple[str, str]]:
    """The parent branch's week in a few lines (the weekly cover and its e-mail say the same)."""
    week = rollup.leagues[WEEK]
    referrals = sum(r.figures.referrals for r in week)
    successes = sum(r.figures.successes for r in week)
    top = [r for r in rollup.league if r.rank == 1]
    behind = [r.branch for r in rollup.league if r.figures.status == "behind"]
    stars = rollup.stars[WEEK]
    return [
        ("网点", f"{len(rollup.branches)} 个计入，{len(rollup.left_out)} 个未计入或未排名"),
        (
            "本周转介",
            f"{referrals} 张，成功 {successes} 张（{percent(successes / referrals if referrals else None)}）",
        ),
        ("本月网点排行第一", "、".join(r.branch for r in top) or "暂无"),
        ("本月低于进度的网点", "、".join(behind) or "无"),
        ("分行每周之星", "、".join(f"{s.branch} {s.person.name}" for s in stars) or "暂无"),
    ]


# ---------------------------------------------------------------- the parent branch's weekly


def weekly_sheets(rollup: Rollup, week: str, monday: dt.date) -> list[SheetSpec]:
    """The parent branch's weekly workbook: the week in a few lines, the month's league, the
    week's network ranks and stars, referral quality by branch."""
    marked = f"{week}（{monday:%m-%d} 至 {rollup.day:%m-%d}） · {GENERATED_MARK}"
    lines: list[tuple[Any, str]] = [("h1", "本周要点")]
    lines += [("strong", f"{label}：{value}") for label, value in headline_pairs(rollup)]
    lines += [("h1", "说明"), ("note", SCORE_RULE)]
    cover = SheetSpec(
        "封面",
        f"{rollup.parent or '分行'} 周报 {week}",
        marked,
        [Text(lines)],
        landscape=False,
        one_page=True,
    )
    league = SheetSpec(
        "网点排行",
        _title(rollup, f"网点排行 {week}"),
        marked,
        [league_table(rollup, MONTH)],
        charts=[Chart(0, 1, (2,), "网点排名得分（本月至今）")],
    )
    people = SheetSpec(
        "同岗位排名",
        _title(rollup, f"同岗位排名 {week}"),
        marked,
        [*people_tables(rollup, WEEK)],
    )
    stars = stars_sheet(rollup, (WEEK, MONTH))
    stars.subtitle = marked
    quality = quality_sheet(rollup, WEEK)
    quality.subtitle = marked
    return [cover, league, people, stars, quality]
