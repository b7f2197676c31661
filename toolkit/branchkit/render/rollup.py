"""Rollup -> the parent branch's workbook (docs/口径.md#分行汇总) and its `--json`. Pure: records
in, specs out.

The workbook is internal to the parent branch: staff names are shown in full; customer data never
reaches it (the summaries carry none, and data-problem lines have their digits masked). Each
table is declared as (header, format, width, field) beside the record it shows, as the branch's
own tabs are (`tabs.record_table`). What would print empty — a role group nobody in it is ranked
in, a star nobody earned, a trend with one point — is left out, and the sheet says once why.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple

from ..rollup.league import LeagueRow, NetworkPerson, Rollup, group_title
from ..rollup.summary import BranchSummary, IndicatorFigure
from ..rollup.trends import Change, Trends
from ..schema import GENERATED_MARK
from ..settings import Settings
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
from .records import Field, record_table
from .spec import Chart, SheetSpec, Style, Table, Text
from .tabs import quantity

DIGITS = 4
# The pace fields of the records shown, turned into their words.
PACE: dict[str, Callable[[Any], Any]] = dict.fromkeys(
    ("figures.status", "person.status", "figure.status"), pace_label
)


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


def score_lines(rollup: Rollup) -> list[tuple[Style, str]]:
    """How branches and people are ranked, at the 完成率上限 the branches' 设置 give (a warning
    when they differ: a score capped at 120% and one capped at 150% do not compare evenly)."""
    caps = Counter(s.rank_cap for s in rollup.branches) or Counter([Settings().rank_cap])
    shown = "、".join(f"{c:.0%}" for c in sorted(caps))
    lines: list[tuple[Style, str]] = [
        (
            "note",
            "网点和人员都按综合得分排名：各项有目标的指标完成率的平均，每项最多按完成率上限"
            f"（{shown}）计，不含转介数和清单计量（只有这些时才计）；“进度”是综合得分对时间进度的进度。"
            "人员在全分行同岗位组内排名（1、2、2、4）；分行之星同分时比不封顶的得分。",
        )
    ]
    if len(caps) > 1:
        counts = "、".join(f"{c:.0%} 的 {n} 个" for c, n in sorted(caps.items()))
        lines.append(
            ("strong", f"注意：各网点设置的完成率上限不同（{counts}），每个网点按自己的上限计分。")
        )
    return lines


# ---------------------------------------------------------------- 网点排行

LEAGUE_FIELDS: tuple[Field, ...] = (
    ("排名", "rank", 6, "rank"),
    ("网点", "text", 12, "branch"),
    ("综合得分", "pct_bar", 11, "figures.score"),
    ("进度", "status", 10, "figures.status"),
    ("转介数", "int", 8, "figures.referrals"),
    ("转介成功率", "pct", 10, "figures.success_rate"),
    ("协作营销占比", "pct", 11, "figures.collaboration_share"),
)
LEAGUE_CHECKLIST: Field = ("清单完成率", "pct", 10, "figures.checklist_rate")
LEAGUE_MARKS: tuple[Field, ...] = (("错误数", "int", 7, "errors"), ("标记", "flag", 34, "mark"))


def league_table(rollup: Rollup, kind: PeriodKind = MONTH, caption: str = "") -> Table:
    rows = rollup.leagues[kind]
    checklist = any(r.figures.checklist_rate is not None for r in rows)
    fields = (*LEAGUE_FIELDS, *((LEAGUE_CHECKLIST,) if checklist else ()), *LEAGUE_MARKS)
    return record_table(
        fields,
        rows,
        caption or f"{PERIOD_TITLES[kind]} · 网点排行（按综合得分；有数据错误的网点标出）",
        "（没有可排名的网点）",
        PACE,
    )


@dataclass(frozen=True)
class BranchIndicator:
    """One branch's progress on one indicator, as 各网点指标进度 lists it: counts whole."""

    branch: str
    figure: IndicatorFigure

    @property
    def target(self) -> int | float:
        return quantity(self.figure.target, self.figure.whole)

    @property
    def actual(self) -> int | float:
        return quantity(self.figure.actual, self.figure.whole)


INDICATOR_FIELDS: tuple[Field, ...] = (
    ("网点", "text", 12, "branch"),
    ("指标", "text", 10, "figure.indicator"),
    ("单位", "text", 6, "figure.unit"),
    ("月目标", "qty", 10, "target"),
    ("已完成", "qty", 10, "actual"),
    ("完成率", "pct_bar", 12, "figure.completion"),
    ("进度", "status", 10, "figure.status"),
)


def indicator_table(rollup: Rollup) -> Table:
    return record_table(
        INDICATOR_FIELDS,
        (BranchIndicator(r.branch, i) for r in rollup.league for i in r.figures.indicators),
        "各网点指标进度（网点目标，本月至今）",
        shown=PACE,
    )


def league_sheet(rollup: Rollup) -> SheetSpec:
    marked = [r.branch for r in rollup.league if r.errors]
    lines = score_lines(rollup)
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
        charts=[Chart(0, 1, (2,), "网点综合得分")],
        text_width=10,
    )


# ---------------------------------------------------------------- 同岗位排名

PEOPLE_FIELDS: tuple[Field, ...] = (
    ("岗位排名", "rank", 8, "rank"),
    ("姓名", "text", 9, "person.name"),
    ("网点", "text", 12, "branch"),
    ("岗位", "text", 9, "person.role"),
    ("综合得分", "pct_bar", 11, "person.score"),
    ("进度", "status", 10, "person.status"),
    ("转介数", "int", 7, "person.referrals"),
    ("转介成功数", "int", 9, "person.successes"),
    ("记分业绩(万元)", "amount", 14, "person.money"),
    ("网点内排名", "rank", 9, "person.branch_rank"),
)


def _groups(rollup: Rollup, kind: PeriodKind) -> dict[str, list[NetworkPerson]]:
    groups: dict[str, list[NetworkPerson]] = {}
    for person in rollup.people[kind]:
        groups.setdefault(person.group, []).append(person)
    return groups


def people_tables(rollup: Rollup, kind: PeriodKind = MONTH) -> list[Table]:
    """One table per role group in which anyone is ranked."""
    return [
        record_table(
            PEOPLE_FIELDS,
            members,
            f"{group_title(group)} · {PERIOD_TITLES[kind]}（全分行 {members[0].size} 人参加排名；"
            "没有目标的人不排名）",
            shown=PACE,
        )
        for group, members in _groups(rollup, kind).items()
        if members[0].size
    ]


def unranked_line(rollup: Rollup, kind: PeriodKind = MONTH) -> list[tuple[Style, str]]:
    """Once, the groups left off the sheet: nobody in them has a target (厅堂主管, 网点负责人…)."""
    left = {g: len(m) for g, m in _groups(rollup, kind).items() if not m[0].size}
    if not left:
        return []
    names = "、".join(f"{group_title(g)}（{n} 人）" for g, n in left.items())
    return [("note", f"{names} 没有个人目标，不参加同岗位排名，未列出。")]


def people_sheet(rollup: Rollup, kind: PeriodKind = MONTH) -> SheetSpec:
    return SheetSpec(
        "同岗位排名",
        _title(rollup, "同岗位排名"),
        subtitle(rollup, kind),
        [Text([*score_lines(rollup), *unranked_line(rollup, kind)]), *people_tables(rollup, kind)],
        text_width=11,
    )


# ---------------------------------------------------------------- 分行之星


class Star(NamedTuple):
    title: str
    star: NetworkPerson


STAR_FIELDS: tuple[Field, ...] = (
    ("称号", "text", 16, "title"),
    ("姓名", "text", 10, "star.person.name"),
    ("网点", "text", 12, "star.branch"),
    ("岗位", "text", 10, "star.person.role"),
    ("综合得分", "pct", 10, "star.person.score"),
)
NO_STAR = "没有人同时有综合得分和当期的成交或转介成功"


def stars_sheet(rollup: Rollup, kinds: Sequence[PeriodKind] = PERIOD_KINDS) -> SheetSpec:
    """The network's stars and each role group's: a title nobody earned is named once, not
    printed as a row of （暂无）."""
    titled = [(f"分行{STAR_TITLES[k]}", rollup.stars[k]) for k in kinds]
    titled += [
        (f"{group_title(g)}之星", stars)
        for g, stars in rollup.group_stars.items()
        if any(p.group == g and p.size for p in rollup.people[MONTH])
    ]
    network, groups = titled[: len(kinds)], titled[len(kinds) :]
    blocks: list[Table | Text] = []
    none = [title for title, stars in titled if not stars]
    if none:
        blocks.append(Text([("note", f"暂无{'、'.join(none)}：{NO_STAR}。")]))
    if WEEK in kinds and (began_before := week_before_the_month(rollup)):
        blocks.append(Text([("note", f"每周之星：{began_before}")]))
    for part, caption in (
        (network, "分行之星（全分行综合得分最高、且当期有成交或转介成功的人）"),
        (groups, f"岗位之星（{PERIOD_TITLES[MONTH]}，各岗位组内）"),
    ):
        rows = [Star(title, s) for title, stars in part for s in stars]
        if rows:
            blocks.append(record_table(STAR_FIELDS, rows, caption))
    return SheetSpec(
        "分行之星", _title(rollup, "分行之星"), subtitle(rollup), blocks, landscape=False
    )


# ---------------------------------------------------------------- 转介质量

QUALITY_FIELDS: tuple[Field, ...] = (
    ("网点", "text", 12, "branch"),
    ("转介数", "int", 8, "figures.referrals"),
    ("跟进数", "int", 8, "figures.followed"),
    ("跟进率", "pct", 9, "figures.follow_rate"),
    ("转介成功数", "int", 10, "figures.successes"),
    ("转介成功率", "pct_bar", 12, "figures.success_rate"),
    ("现场推荐率", "pct", 10, "figures.on_site_rate"),
    ("达成金额(万元)", "amount", 13, "figures.referred_amount"),
    ("协作营销占比", "pct", 11, "figures.collaboration_share"),
)


def quality_table(rollup: Rollup, kind: PeriodKind = MONTH) -> Table:
    rows = sorted(rollup.leagues[kind], key=lambda r: (-(r.figures.success_rate or 0), r.branch))
    return record_table(
        QUALITY_FIELDS, rows, f"各网点转介质量（{PERIOD_TITLES[kind]}登记的推荐卡及其结果）"
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


@dataclass(frozen=True)
class BranchChecklist:
    summary: BranchSummary

    @property
    def branch(self) -> str:
        return self.summary.branch

    def rate(self, kind: PeriodKind) -> float | None:
        return self.summary.periods[kind].checklist_rate

    @property
    def month(self) -> float | None:
        return self.rate(MONTH)

    @property
    def week(self) -> float | None:
        return self.rate(WEEK)

    @property
    def day(self) -> float | None:
        return self.rate(DAY)


CHECKLIST_FIELDS: tuple[Field, ...] = (
    ("网点", "text", 12, "branch"),
    ("本月清单完成率", "pct_bar", 14, "month"),
    ("本周", "pct", 9, "week"),
    ("当日", "pct", 9, "day"),
)


def checklist_sheet(rollup: Rollup) -> SheetSpec:
    """Checklist completion by branch; added only when the branches' figures carry it."""
    rows = sorted(map(BranchChecklist, rollup.branches), key=lambda r: (-(r.month or 0), r.branch))
    table = record_table(
        CHECKLIST_FIELDS, rows, "每日管理清单完成率（到期事项中已完成的比例，不适用的不计）"
    )
    return SheetSpec(
        "清单完成",
        _title(rollup, "清单完成"),
        subtitle(rollup),
        [table],
        charts=[Chart(0, 0, (1,), "本月清单完成率")],
    )


# ---------------------------------------------------------------- 数据问题


class ErrorLine(NamedTuple):
    branch: str
    line: str


LEFT_OUT_FIELDS: tuple[Field, ...] = (("文件", "text", 30, "file"), ("原因", "text", 72, "reason"))
ERROR_FIELDS: tuple[Field, ...] = (
    ("网点", "text", 30, "branch"),
    ("错误（每个网点最多列 20 条）", "text", 72, "line"),
)


def problems_sheet(rollup: Rollup) -> SheetSpec:
    """Which workbooks were left out and why, and each branch's 错误 (their counts are on
    网点排行 beside the rank). The first line counts both; a table with nothing in it is left
    out."""
    errors = sum(s.errors for s in rollup.branches)
    warnings = sum(s.warnings for s in rollup.branches)
    blocks: list[Table | Text] = [
        Text(
            [
                (
                    "strong",
                    f"{len(rollup.left_out)} 个工作簿未计入或未排名；计入的 {len(rollup.branches)} "
                    f"个网点共有 {errors} 个数据错误、{warnings} 个警告。",
                )
            ]
        )
    ]
    if rollup.left_out:
        blocks.append(
            record_table(
                LEFT_OUT_FIELDS,
                rollup.left_out,
                "未计入或未排名的工作簿",
                shown={"file": lambda f: Path(f).name},
            )
        )
    lines = [
        ErrorLine(s.branch, f"{where}：{what}")
        for s in sorted(rollup.branches, key=lambda s: (-s.errors, s.branch))
        for where, what in s.error_lines
    ]
    if lines:
        blocks.append(
            record_table(
                ERROR_FIELDS,
                lines,
                "各网点的数据错误（出错的行不计入相关数字；全部问题见该网点工作簿的“数据问题”表）",
            )
        )
    # With a table, the first line spans its two wide columns; alone, a text sheet's page width
    # (over two narrow columns it broke every few words).
    width = 2 if len(blocks) > 1 else SheetSpec.text_width
    return SheetSpec(
        "数据问题", _title(rollup, "数据问题"), subtitle(rollup), blocks, text_width=width
    )


# ---------------------------------------------------------------- 趋势

HISTORY_FIELDS: tuple[Field, ...] = (
    ("汇总日期", "text", 11, "day"),
    ("网点数", "int", 7, "branches"),
    ("平均综合得分", "pct", 12, "score"),
    ("转介数", "int", 8, "referrals"),
    ("转介成功率", "pct", 10, "success_rate"),
)
WHO_FIELDS: dict[bool, tuple[Field, ...]] = {
    False: (("网点", "text", 12, "branch"),),
    True: (
        ("网点", "text", 12, "branch"),
        ("姓名", "text", 9, "name"),
        ("岗位", "text", 9, "role"),
    ),
}
WEEK_FIELDS: tuple[Field, ...] = (
    ("本周综合得分", "pct", 12, "week"),
    ("上周同期", "pct", 10, "week_before"),
    ("较上周", "pct", 9, "week_change"),
)
MONTH_FIELDS: tuple[Field, ...] = (
    ("本月综合得分", "pct", 12, "month"),
    ("上月同期", "pct", 10, "month_before"),
    ("较上月同期", "pct", 11, "month_change"),
)
TREND_SOURCE = (
    "趋势取自每次汇总时存下的数字（汇总工作簿旁的 分行汇总.duckdb）；同一天重新汇总会替换当天的数字。"
    "本周、本月都是至今的数字，与上周、上月的同一时点比较（综合得分之差）。"
)


def history_table(trends: Trends) -> Table:
    return record_table(
        HISTORY_FIELDS,
        trends.history,
        "历次汇总（本月每次汇总，和此前各月最后一次；都是当时的本月至今）",
        shown={"day": dt.date.isoformat},
    )


def change_table(trends: Trends, people: bool) -> Table | None:
    """Branches' or people's 排名得分 week on week and month on month; None when there is no
    earlier rollup to compare with. Whoever has no score then or now (no targets) is left out,
    as on 同岗位排名."""
    fields = (
        *WHO_FIELDS[people],
        *(WEEK_FIELDS if trends.week_before else ()),
        *(MONTH_FIELDS if trends.month_before else ()),
    )
    if len(fields) == len(WHO_FIELDS[people]):
        return None
    compared = "、".join(
        f"{label} {when.isoformat()}"
        for label, when in (("上周同期", trends.week_before), ("上月同期", trends.month_before))
        if when
    )
    rows: Sequence[Change] = [
        c
        for c in (trends.people if people else trends.branches)
        if any(v is not None for v in (c.week, c.week_before, c.month, c.month_before))
    ]
    return record_table(
        fields,
        rows,
        f"{'人员' if people else '各网点'}：本次（{trends.day.isoformat()}）与{compared}",
    )


def _missing_comparisons(trends: Trends) -> str:
    missing = [
        what
        for what, when in (("上周同期", trends.week_before), ("上月同期", trends.month_before))
        if when is None
    ]
    return f"历史里没有{'和'.join(missing)}的汇总，不作这项比较。" if missing else ""


def trend_sheet(rollup: Rollup, trends: Trends | None) -> SheetSpec:
    lines: list[tuple[Style, str]] = [("note", TREND_SOURCE)]
    blocks: list[Table | Text] = []
    charts = []
    if trends is None or trends.first:
        # Said of D, not of the store: it may hold later rollups (a past day run again).
        lines.append(
            ("strong", f"历史里还没有 {rollup.day:%m-%d} 之前的汇总，没有可以比较的趋势。")
        )
    else:
        if missing := _missing_comparisons(trends):
            lines.append(("strong", missing))
        blocks.append(history_table(trends))
        if len(trends.history) > 1:
            charts.append(Chart(0, 0, (2,), "平均综合得分", "pct", "line"))
        blocks += filter(None, (change_table(trends, False), change_table(trends, True)))
    return SheetSpec(
        "趋势",
        _title(rollup, "趋势"),
        subtitle(rollup),
        [Text(lines), *blocks],
        charts=charts,
        text_width=6,
    )


def rollup_sheets(rollup: Rollup, trends: Trends | None = None) -> list[SheetSpec]:
    sheets = [
        league_sheet(rollup),
        people_sheet(rollup),
        stars_sheet(rollup),
        quality_sheet(rollup),
    ]
    if has_checklist(rollup):
        sheets.append(checklist_sheet(rollup))
    return [*sheets, problems_sheet(rollup), trend_sheet(rollup, trends)]


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


# Branches named in one line before the rest are counted (a province has thousands).
NAMED_BRANCHES = 10


def week_before_the_month(rollup: Rollup) -> str:
    """Where the days of a week begun last month come from (docs/口径.md#周报日期), in one line;
    "" when the week began this month. A branch whose last month's workbook was not beside its
    workbook counts the week from the 1st, and is named."""
    day = rollup.day
    monday, first = day - dt.timedelta(days=day.weekday()), day.replace(day=1)
    if monday >= first or not rollup.branches:
        return ""
    before = first - dt.timedelta(days=1)
    days = f"{monday:%m-%d}" if monday == before else f"{monday:%m-%d} 至 {before:%m-%d}"
    lacking = [b.branch for b in rollup.branches if not b.last_month]
    read = len(rollup.branches) - len(lacking)
    said = [f"本周的 {days} 是上月的日子"]
    if read:
        said.append(f"{read} 个网点的这几天读自旁边的上月（{before:%Y-%m}）工作簿")
    if lacking:
        named = "、".join(lacking[:NAMED_BRANCHES])
        if len(lacking) > NAMED_BRANCHES:
            named += f" 等 {len(lacking)} 个"
        said.append(
            f"{named} 的工作簿旁没有上月的工作簿（同一网点，文件名里的年-月为 {before:%Y-%m}），"
            f"本周只从 {first:%m-%d} 算起"
        )
    return "；".join(said) + "。"


def headline_pairs(rollup: Rollup) -> list[tuple[str, str]]:
    """The parent branch's week in a few lines (the weekly cover and its e-mail say the same)."""
    week = rollup.leagues[WEEK]
    referrals = sum(r.figures.referrals for r in week)
    successes = sum(r.figures.successes for r in week)
    top = [r for r in rollup.league if r.rank == 1]
    behind = [r.branch for r in rollup.league if r.figures.status == "behind"]
    stars = rollup.stars[WEEK]
    began_before = week_before_the_month(rollup)
    return [
        *([("本周起止", began_before)] if began_before else []),
        (
            "网点",
            f"{len(rollup.branches)} 个计入，{len(rollup.left_out)} 个未计入或未排名"
            + ("（见“数据问题”表）" if rollup.left_out else ""),
        ),
        (
            "本周转介",
            f"{referrals} 张，成功 {successes} 张（{percent(successes / referrals if referrals else None)}）",
        ),
        ("本月网点排行第一", "、".join(r.branch for r in top) or "暂无"),
        ("本月低于进度的网点", "、".join(behind) or "无"),
        ("分行每周之星", "、".join(f"{s.branch} {s.person.name}" for s in stars) or "暂无"),
    ]


# ---------------------------------------------------------------- the parent branch's weekly


def week_shown_from(rollup: Rollup, monday: dt.date) -> dt.date:
    """The first day the parent's weekly can say it holds: Monday, unless the week began last
    month and no branch's workbook of that month was read (then the 1st: never "11-30 至" for
    days no figure holds, docs/口径.md#周报日期)."""
    first = rollup.day.replace(day=1)
    return monday if monday >= first or any(b.last_month for b in rollup.branches) else first


def weekly_sheets(rollup: Rollup, week: str, monday: dt.date) -> list[SheetSpec]:
    """The parent branch's weekly workbook: the week in a few lines, the month's league, the
    week's network ranks and stars, referral quality by branch, and the workbooks left out."""
    start = week_shown_from(rollup, monday)
    marked = f"{week}（{start:%m-%d} 至 {rollup.day:%m-%d}） · {GENERATED_MARK}"
    lines: list[tuple[Any, str]] = [("h1", "本周要点")]
    lines += [("strong", f"{label}：{value}") for label, value in headline_pairs(rollup)]
    lines += [("h1", "说明"), *score_lines(rollup)]
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
        charts=[Chart(0, 1, (2,), "网点综合得分（本月至今）")],
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
    sheets = [cover, league, people, stars, quality]
    if rollup.left_out:  # which workbooks and why, as the rollup workbook says (found by a user)
        left_out = problems_sheet(rollup)
        left_out.subtitle = marked
        sheets.append(left_out)
    return sheets
