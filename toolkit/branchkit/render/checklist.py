"""Figures -> the 管理清单 tab and the checklist tables of the weekly workbook
(docs/工作簿.md#生成的表, docs/口径.md#管理清单).

管理清单 is what a supervisor keeps on paper: one row per item, one column per day of the month,
✓ done, ✗ not done, — not applicable; then the problems still open and the quantities against
their targets. The grid's day columns are narrow, so everything below it is lines of text (a
table there would widen them).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from operator import itemgetter
from typing import Any, NamedTuple

from ..checklist import MEETING_ITEMS, ChecklistFigures, OpenFix, Tally, slot_rank
from ..figures import Figures
from ..schema import BRANCH_TARGET
from ..vocab import DAY, FIX_STATES, MONTH, PERIOD_TITLES, SLOT_WORDS, WEEK, Slot, pace_label, word
from .heads import subtitle
from .marks import CHECK_MARKS
from .numbers import month_day, number, percent
from .records import Field, record_table
from .spec import SheetSpec, Table, Text

SHEET = "管理清单"


def _tally_words(tally: Tally) -> str:
    if not tally.due:
        return "没有记录"
    return f"应完成 {tally.due} 项，已完成 {tally.done} 项（{percent(tally.rate)}）"


def _groups(tallies: dict[str, Tally] | dict[Slot | str, Tally]) -> str:
    return "；".join(
        f"{word(SLOT_WORDS, name) or '（未填）'} {percent(t.rate)}（{t.done}/{t.due}）"
        for name, t in tallies.items()
    )


def _grid_items(figures: Figures, month: ChecklistFigures) -> list[tuple[str, Slot | str]]:
    """(item, 时段): the catalogue's items by 时段, then items only the records name."""
    items: list[tuple[str, Slot | str]] = [
        (i.name, i.period)
        for i in sorted(figures.checklist_items, key=lambda i: slot_rank(i.period))
    ]
    named = {name for name, _ in items}
    periods = {m.item: m.period for m in month.missed}
    for name, _ in month.marks:
        if name not in named:
            named.add(name)
            items.append((name, periods.get(name, "")))
    return items


class GridRow(NamedTuple):
    item: str
    period: Slot | str  # 时段: one of vocab's slots, or as typed
    marks: tuple[str, ...]  # one per day of the month so far: ✓ ✗ — or blank
    rate: float | None


def grid_fields(days: list[dt.date]) -> tuple[Field, ...]:
    """事项, 时段, a narrow column per day (headed by its day of the month), 完成率."""
    return (
        ("事项", "text", 21, "item"),
        ("时段", "text", 7, lambda row: word(SLOT_WORDS, row.period)),
        *((str(d.day), "status", 3.6, _day_mark(n)) for n, d in enumerate(days)),
        ("完成率", "pct", 8, "rate"),
    )


def _day_mark(n: int) -> Callable[[GridRow], str]:
    marks = itemgetter(n)
    return lambda row: marks(row.marks)


def grid_table(figures: Figures) -> Table:
    """This month's items by day: ✓ / ✗ / — , and each item's completion."""
    month = figures.month.checklist
    first = figures.date.replace(day=1)
    days = [first + dt.timedelta(n) for n in range(figures.date.day)]
    rows = [
        GridRow(
            name,
            period,
            tuple(
                CHECK_MARKS.get(month.marks[(name, d)], "") if (name, d) in month.marks else ""
                for d in days
            ),
            month.by_item.get(name, Tally()).rate,
        )
        for name, period in _grid_items(figures, month)
    ]
    return record_table(
        grid_fields(days),
        rows,
        f"本月逐日完成情况（{first:%m-%d} 至 {figures.date:%m-%d}；✓ 已完成 ✗ 未完成 — 不适用，"
        "待 夕会后的事项、明早计入，空白为当天没有这一项）",
        "“清单项目”和“每日清单”都还没有内容",
    )


def fix_line(fix: OpenFix) -> str:
    found = fix.found
    measure = f"整改：{found.fix}" if found.fix else "还没有整改措施"
    due = f"，期限 {month_day(found.due)}" if found.due else ""
    return (
        f"· {found.problem}（{found.item}，{month_day(fix.first_found)} 发现）：{measure}{due}；"
        f"责任人 {found.owner or '未指定'}；{FIX_STATES[fix.state]}"
    )


def measure_lines(figures: Figures) -> list[str]:
    """Each quantity of the month against its targets: the branch's, then each person's."""
    catalogue = figures.catalogue
    month = figures.month
    lines = []
    for measure in catalogue.measures:
        unit = catalogue.unit_of(measure)
        branch = month.branch
        done = branch.actual(measure)
        text = f"{measure}：本月 {number(done)}{unit}"
        if measure in branch.targets:
            text += (
                f"，{BRANCH_TARGET}目标 {number(branch.targets[measure])}{unit}，"
                f"完成 {percent(branch.completion.get(measure))}"
                f"（{pace_label(branch.status.get(measure))}）"
            )
        people = [
            f"{p.name} {number(p.actual(measure))}/{number(p.targets[measure])}{unit}"
            f"（{percent(p.completion.get(measure))}）"
            for p in month.people
            if measure in p.targets
        ]
        if people:
            text += "；" + "，".join(people)
        lines.append(text)
    return lines


def _unkept_days(figures: Figures) -> list[dt.date]:
    """Open days of the month, from the first day with a record to D, that have none."""
    month = figures.month.checklist
    if not month.days:
        return []
    day, gaps = month.days[0], []
    kept = set(month.days)
    while day <= figures.date:
        if day not in kept and figures.is_open(day):
            gaps.append(day)
        day += dt.timedelta(days=1)
    return gaps


def checklist_sheet(figures: Figures) -> SheetSpec:
    tallies = {kind: figures.period(kind).checklist for kind in (MONTH, WEEK, DAY)}
    month = tallies[MONTH]
    summary: list[tuple[Any, str]] = [
        (
            "strong",
            "；".join(f"{PERIOD_TITLES[k]}：{_tally_words(t.total)}" for k, t in tallies.items()),
        ),
    ]
    if month.by_period:
        summary.append(("body", "按时段（本月）：" + _groups(month.by_period)))
    if month.by_owner:
        summary.append(("body", "按责任人（本月）：" + _groups(month.by_owner)))
    gaps = _unkept_days(figures)
    if gaps:
        summary.append(("note", "这些营业日没有记录：" + "、".join(month_day(d) for d in gaps)))
    grid = grid_table(figures)
    below: list[tuple[Any, str]] = [("h1", "未整改的问题（没有整改措施，或已过整改期限）")]
    below += [("body", fix_line(f)) for f in figures.still_open] or [("note", "没有")]
    in_progress = [f for f in figures.open_fixes if not f.still_open]
    if in_progress:
        below.append(("h2", "整改中"))
        below += [("body", fix_line(f)) for f in in_progress]
    below.append(("note", "整改完成后，把“行动计划”里对应的“整改：……”一行改为已完成。"))
    below.append(("h1", "计量与目标（本月至今）"))
    below += [("body", line) for line in measure_lines(figures)] or [("note", "清单项目没有计量")]
    return SheetSpec(
        SHEET,
        f"{figures.branch or '网点'} 管理清单",
        subtitle(figures),
        [Text(summary), grid, Text(below)],
        text_width=len(grid.columns),
    )


# ---------------------------------------------------------------- the weekly workbook

ITEM_FIELDS: tuple[Field, ...] = (  # (事项, Tally)
    ("事项", "text", 20, itemgetter(0)),
    ("应完成", "int", 8, lambda item: item[1].due),
    ("已完成", "int", 8, lambda item: item[1].done),
    ("未完成", "int", 8, lambda item: item[1].not_done),
    ("完成率", "pct_bar", 12, lambda item: item[1].rate),
)
MEETING_FIELDS: tuple[Field, ...] = (  # (meeting, Tally of its checklist item)
    ("会议与培训", "text", 20, itemgetter(0)),
    ("应开", "int", 8, lambda held: held[1].due),
    ("已开", "int", 8, lambda held: held[1].done),
)
FIX_FIELDS: tuple[Field, ...] = (
    ("发现日期", "date", 11, "first_found"),
    ("事项", "text", 18, lambda f: f.found.item),
    ("发现问题", "text", 26, lambda f: f.found.problem),
    ("整改措施", "text", 24, lambda f: f.found.fix),
    ("整改责任人", "text", 10, lambda f: f.found.owner),
    ("整改期限", "date", 11, lambda f: f.found.due),
    ("状态", "text", 12, lambda f: FIX_STATES[f.state]),
)


def item_table(tally: ChecklistFigures, caption: str) -> Table:
    return item_table_of(list(tally.by_item.items()), caption, "本期没有清单记录")


def item_table_of(items: list[tuple[str, Tally]], caption: str, empty: str) -> Table:
    return record_table(ITEM_FIELDS, items, caption, empty)


def meetings_table(tally: ChecklistFigures) -> Table:
    """晨会 / 夕会 / 晚课: how many were due and held."""
    held = [(name, tally.held(name)) for name in MEETING_ITEMS]
    return record_table(MEETING_FIELDS, held, "晨会、夕会、晚课")


def fixes_table(fixes: list[OpenFix], caption: str) -> Table:
    return record_table(FIX_FIELDS, fixes, caption, "没有")


class MeasureRow(NamedTuple):
    """A checklist quantity of the branch: this week, the month to date, its target and pace."""

    measure: str
    unit: str
    week: int
    month: int
    target: int | None
    completion: float | None
    pace: str | None


MEASURE_FIELDS: tuple[Field, ...] = (
    ("计量", "text", 12, "measure"),
    ("单位", "text", 6, "unit"),
    ("本周", "int", 8, "week"),
    ("本月至今", "int", 10, "month"),
    ("月目标", "int", 8, "target"),
    ("完成率", "pct_bar", 12, "completion"),
    ("进度", "status", 10, lambda m: pace_label(m.pace)),
)


def measures_table(figures: Figures) -> Table:
    """The checklist quantities: this week, the month to date, the branch's target and pace."""
    catalogue = figures.catalogue
    branch, week = figures.month.branch, figures.week.branch
    rows = [
        MeasureRow(
            m,
            catalogue.unit_of(m),
            round(week.actual(m)),
            round(branch.actual(m)),
            round(branch.targets[m]) if m in branch.targets else None,
            branch.completion.get(m),
            branch.status.get(m),
        )
        for m in catalogue.measures
    ]
    return record_table(MEASURE_FIELDS, rows, "计量与目标（网点）", "清单项目没有计量")
