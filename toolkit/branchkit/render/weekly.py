"""Weekly -> the sheets of the weekly workbook, and the headline lines its e-mail repeats.

The ranking, quality and follow-up tables are the same ones the branch's own tabs show
(render/tabs.py), with customers masked because this workbook leaves the branch.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import replace
from typing import Any, NamedTuple

from ..catalogue import Catalogue
from ..figures import Figures
from ..privacy import Names
from ..schema import WEEKDAY_NAMES
from ..vocab import MONTH, PERIOD_TITLES, STAR_TITLES, WEEK, pace_label
from ..weekly import WEEKLY_MARK, Weekly
from .checklist import fixes_table, item_table, item_table_of, measures_table, meetings_table
from .numbers import percent
from .records import Field, record_table
from .spec import Chart, Fmt, SheetSpec, Table, Text
from .tabs import (
    StarRow,
    masked_for_mail,
    overall_table,
    plotted,
    receiver_table,
    referrer_table,
)

COUNT_AXIS = "张/户/笔"


def headlines(weekly: Weekly) -> list[tuple[str, str]]:
    """The week in five lines (the cover and the e-mail body say the same)."""
    stars = weekly.figures.stars[WEEK]
    fixes = _fixes_phrase(weekly.figures)
    return [
        ("本周销售", f"{weekly.sales} 笔，{weekly.money:,.2f} 万元"),
        (
            "本周转介",
            f"{weekly.referrals} 张，成功 {weekly.successes} 张（{percent(weekly.success_rate)}）",
        ),
        ("本月时间进度", percent(weekly.figures.month_progress)),
        (STAR_TITLES[WEEK].replace("每周", "本周"), "、".join(stars) or "暂无"),
        ("本周管理清单", checklist_summary(weekly) + (f"；{fixes}" if fixes else "")),
    ]


def _fixes_phrase(figures: Figures) -> str:
    """The 整改 not closed, as 基础管理 lists them, and of those the ones docs/口径.md#未整改 counts
    as 未整改 (no 整改措施 yet, or past its 整改期限: `rankings --json`'s 未整改)."""
    if not figures.open_fixes:
        return ""
    return (
        f"未完成的整改 {len(figures.open_fixes)} 项"
        f"（其中 {len(figures.still_open)} 项还没有措施或已过期限）"
    )


def checklist_summary(weekly: Weekly) -> str:
    """The week's checklist in one phrase, as the e-mail and the 基础管理 sheet say it."""
    week = weekly.figures.week.checklist
    if not week.due:
        return "本周没有清单记录"
    return f"应完成 {week.due} 项，已完成 {week.done} 项（{percent(week.rate)}）"


def pace_lines(weekly: Weekly) -> list[tuple[str, str, str]]:
    """(indicator, month completion, status words) for the cover and the e-mail."""
    return [(p.indicator, percent(p.completion), pace_label(p.pace)) for p in weekly.pace]


def _subtitle(weekly: Weekly) -> str:
    """The week and the days the figures hold — never a day they lack (docs/口径.md#周报日期)."""
    lacking = [*weekly.missing, *weekly.beyond]
    missing = f"；{_days(lacking)} 不在本工作簿" if lacking else ""
    return f"{weekly.week}（{weekly.start:%m-%d} 至 {weekly.day:%m-%d}{missing}） · {WEEKLY_MARK}"


def _days(days: list[dt.date]) -> str:
    if len(days) > 2:
        return f"{days[0]:%m-%d} 至 {days[-1]:%m-%d}"
    return "、".join(f"{d:%m-%d}" for d in days)


def month_boundary_line(weekly: Weekly) -> str:
    """What the cover and the mail say of a week across two months: where last month's days came
    from, or which are missing and why, or that next month's are in next month's workbook
    (docs/口径.md#周报日期). '' for a week inside one month."""
    if weekly.missing:
        wanted = f"（{weekly.wanted}）" if weekly.wanted else "（文件名里写上月的年-月）"
        return (
            f"本周的 {_days(weekly.missing)} 是上月的日子，本工作簿没有；上月的工作簿{wanted}"
            f"不在同一文件夹，这几天没有计入，周报只算 {weekly.start:%m-%d} 起的日子"
        )
    if weekly.previous:
        return f"本周跨月：上月的 {_days(weekly.last_months_days)} 取自 {weekly.previous}"
    if weekly.beyond:
        return (
            f"本周的 {_days(weekly.beyond)} 是下月的日子，在 {weekly.beyond[0]:%Y-%m} 的工作簿里；"
            f"这份周报只算到 {weekly.day:%m-%d}（给出工作簿所在的文件夹，周报会用本周所在月份的工作簿）"
        )
    return ""


def notes_for_the_sender(weekly: Weekly) -> list[str]:
    """What the command line and the button say beside "周报已生成" before it is mailed: a week
    running on into next month (its days in next month's workbook), and a week nobody entered."""
    said = (month_boundary_line(weekly) if weekly.beyond else "", nothing_recorded_line(weekly))
    return [line for line in said if line]


def nothing_recorded_line(weekly: Weekly) -> str:
    """A week nobody has entered anything for yet: its zeros read as a bad week unless said."""
    if not weekly.nothing_recorded:
        return ""
    return (
        f"本周（{weekly.start:%m-%d} 至 {weekly.day:%m-%d}）各表还没有录入任何数据："
        "周报里的 0 是还没录入，不是没有业绩；请录入后再生成周报"
    )


def _cover(weekly: Weekly) -> SheetSpec:
    lines: list[tuple[Any, str]] = [("h1", "本周要点")]
    empty = nothing_recorded_line(weekly)
    if empty:
        lines.append(("strong", empty))
    boundary = month_boundary_line(weekly)
    if boundary:
        lines.append(("note", boundary))
    lines += [("strong", f"{label}：{value}") for label, value in headlines(weekly)]
    lines.append(("h1", f"本月进度（截至 {weekly.day:%m-%d}）"))
    lines += [
        ("body", f"{indicator}：完成 {pct}，{state}")
        for indicator, pct, state in pace_lines(weekly)
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
        "封面", title, _subtitle(weekly), [Text(lines)], landscape=False, one_page=True
    )


WEEKLY_STAR_FIELDS: tuple[Field, ...] = (
    ("称号", "text", 16, "title"),
    ("姓名", "text", 10, "names"),
)


def _rankings(weekly: Weekly) -> SheetSpec:
    figures = weekly.figures
    stars = [
        StarRow(title, "、".join(figures.stars[kind]) or "暂无", "")
        for title, kind in (("本周之星", WEEK), ("本月之星（至今）", MONTH))
    ]
    week = overall_table(figures.week, "本周 · 综合排名（目标按天数折算）")
    return SheetSpec(
        "排行榜",
        f"{weekly.branch} 排行榜 {weekly.week}",
        _subtitle(weekly),
        [
            record_table(WEEKLY_STAR_FIELDS, stars),
            week,
            overall_table(figures.month, f"{PERIOD_TITLES[MONTH]} · 综合排名"),
        ],
        charts=[plotted(week, 1, 1, 3, "本周")],
    )


class TrendDay(NamedTuple):
    label: str  # 11-16 一
    sales: dict[str, float]  # by indicator, in its unit
    cards: int


SMALL_SHARE = 0.2  # a line whose week peaks under this share of its chart's highest is drawn apart


def _trend_fields(indicators: list[str], catalogue: Catalogue) -> tuple[Field, ...]:
    return (
        ("日期", "text", 10, "label"),
        *((f"{i}({catalogue.unit_of(i)})", "number", 11, _sold(i)) for i in indicators),
        ("转介卡", "int", 8, "cards"),
    )


def _sold(indicator: str) -> Callable[[TrendDay], float]:
    return lambda day: round(day.sales[indicator], 4)


def _trend(weekly: Weekly) -> SheetSpec:
    """Day by day, the days the branch was open: sales per indicator and referral cards in one
    table, with native Excel charts under it. Amounts and counts never share an axis: one chart
    per unit (万元, 元), one for the counts (张 / 户 / 笔), each axis titled with its unit; within
    a unit, lines that would lie flat along the bottom of the big ones' axis get a chart of their
    own, and each chart's title names the indicators it draws."""
    daily = weekly.daily
    catalogue = weekly.figures.catalogue
    indicators = list(daily.sales)
    days = [
        TrendDay(
            f"{start:%m-%d} {WEEKDAY_NAMES[start.weekday()]}",
            {i: daily.sales[i][n] for i in indicators},
            cards,
        )
        for n, ((start, _), cards) in enumerate(zip(daily.spans, daily.cards, strict=True))
    ]
    table = record_table(
        _trend_fields(indicators, catalogue),
        days,
        "每日销售与转介（按指标；只列网点营业的日子）",
        "（本周尚无营业日）",
    )
    by_axis: dict[str, list[str]] = {}  # each money unit its own axis, every count one
    for indicator in indicators:
        unit = COUNT_AXIS if catalogue.is_count(indicator) else catalogue.unit_of(indicator)
        by_axis.setdefault(unit or "数量", []).append(indicator)
    charts = []
    for axis, drawn in by_axis.items():
        for group in _by_size(drawn, daily.sales):
            columns = tuple(indicators.index(i) + 1 for i in group)
            title = f"每日销售：{'、'.join(group)}（{axis}）"
            charts.append(Chart(0, 0, columns, title, _axis_format(axis), "line", axis))
    charts.append(Chart(0, 0, (len(indicators) + 1,), "每日转介卡", "int", "column", "张"))
    return SheetSpec(
        "趋势",
        f"{weekly.branch} 每日趋势 {weekly.week}",
        _subtitle(weekly),
        [table],
        charts=charts,
    )


def _by_size(indicators: list[str], sales: dict[str, list[float]]) -> list[list[str]]:
    """The indicators of one axis, the big ones first and those that would lie flat along the
    bottom of their axis (under SMALL_SHARE of its highest point) apart."""
    peak = {i: max(sales[i], default=0.0) for i in indicators}
    top = max(peak.values(), default=0.0)
    big = [i for i in indicators if peak[i] >= SMALL_SHARE * top]
    small = [i for i in indicators if i not in big]
    return [group for group in (big, small) if group]


def _axis_format(axis: str) -> Fmt:
    return "int" if axis == COUNT_AXIS else "number"


def _quality(weekly: Weekly) -> SheetSpec:
    week = weekly.figures.week
    return SheetSpec(
        "转介质量",
        f"{weekly.branch} 转介质量 {weekly.week}",
        _subtitle(weekly),
        [referrer_table(week, "推荐人（本周登记的推荐卡）"), receiver_table(week)],
    )


def _basics(weekly: Weekly) -> SheetSpec:
    """基础管理: the items not done every time this week first, drawn as a chart under them (what
    the branch head acts on — the whole list of some thirty items, mostly at 100%, would be a
    chart taller than its page); then the week's checklist by item, the meetings held, the 整改
    not closed, and the checklist quantities against their targets."""
    figures = weekly.figures
    week = figures.week.checklist
    short = [(name, tally) for name, tally in week.by_item.items() if tally.done < tally.due]
    missed = item_table_of(short, "本周未能每次完成的事项", "本周各事项都已完成")
    return SheetSpec(
        "基础管理",
        f"{weekly.branch} 基础管理 {weekly.week}",
        _subtitle(weekly),
        [
            Text([("strong", f"本周管理清单：{checklist_summary(weekly)}")]),
            missed,
            item_table(week, "本周各事项完成情况"),
            meetings_table(week),
            fixes_table(figures.open_fixes, "未完成的整改（整改完成后在“行动计划”改为已完成）"),
            measures_table(figures),
        ],
        charts=[plotted(missed, 0, 0, 4, "本周未能每次完成的事项")] if short else [],
    )


ACTION_FIELDS: tuple[Field, ...] = (
    ("提出日期", "date", 11, "raised_on"),
    ("事项", "text", 34, "item"),
    ("责任人", "text", 10, "owner"),
    ("截止日期", "date", 11, "due"),
    ("状态", "text", 8, lambda a: "已逾期" if a.overdue else "未完成"),
)


def _open_items(weekly: Weekly) -> SheetSpec:
    follow, stale = masked_for_mail(weekly.figures)
    actions = record_table(ACTION_FIELDS, weekly.actions, "未完成的行动计划")
    return SheetSpec(
        "跟进与行动",
        f"{weekly.branch} 跟进与行动计划 {weekly.week}",
        _subtitle(weekly),
        [follow, stale, actions],
    )


def weekly_sheets(weekly: Weekly) -> list[SheetSpec]:
    """The sheets, every customer's name in them masked: the 客户 columns by mask_name, and a
    name typed into a 备注, a 事项 or a 整改 here (docs/工作簿.md#脱敏)."""
    sheets = [
        _cover(weekly),
        _rankings(weekly),
        _trend(weekly),
        _quality(weekly),
        _basics(weekly),
        _open_items(weekly),
    ]
    return [names_masked(sheet, weekly.names) for sheet in sheets]


def names_masked(sheet: SheetSpec, names: Names) -> SheetSpec:
    """`sheet` with the customers' names in its cells and lines masked (`Names.mask`: a cell
    that only names staff, such as 姓名 or 责任人, stays whole). Titles, captions and headers
    are ours and stay as they are."""
    blocks: list[Table | Text] = []
    for block in sheet.blocks:
        if isinstance(block, Text):
            blocks.append(Text([(style, names.mask(text)) for style, text in block.lines]))
        else:
            rows = [[names.mask(v) if isinstance(v, str) else v for v in r] for r in block.rows]
            blocks.append(replace(block, rows=rows))
    return replace(sheet, blocks=blocks)
