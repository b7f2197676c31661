"""Figures -> the generated tabs (docs/工作簿.md#生成的表: 排行榜, 转介质量, 分润明细, 跟进提醒,
数据问题; 管理清单 in render/checklist.py).

Pure: figures in, SheetSpecs out. Each table is declared as (header, format, width, field): the
Chinese header and the record field it shows sit side by side, so a column cannot drift from its
value. Phones are masked unless 脱敏 = 否; ID numbers never appear. The weekly workbook reuses the
tables marked shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import repeat
from operator import attrgetter
from typing import Any

from .. import problem_text
from ..catalogue import Catalogue
from ..figures import Figures, PeriodFigures, PersonFigures
from ..privacy import mask_name, mask_phone
from ..problems import Level, count_levels
from ..schema import BRANCH_TARGET, GENERATED_MARK, WEEKDAY_NAMES
from ..settings import Settings
from ..vocab import (
    CREDIT_MODE_WORDS,
    MONTH,
    PERIOD_TITLES,
    ROLE_GROUP_MEASURES,
    ROLE_GROUP_TITLES,
    ROLE_GROUPS,
    SALE_KINDS,
    STAR_TITLES,
    WEALTH,
    CountCredit,
    CreditMode,
    PeriodKind,
    pace_label,
    unit_word,
)
from .numbers import number
from .spec import Chart, Col, Fmt, SheetSpec, Table, Text

Field = tuple[str, Fmt, float, str]  # header, format, width, record attribute


def record_table(
    fields: Sequence[Field],
    records: Iterable[Any],
    caption: str = "",
    empty_note: str = "（无）",
    shown: dict[str, Callable[[Any], Any]] | None = None,
) -> Table:
    """A table of records: one row per record, one column per field. `shown` turns a field's
    value into what the cell holds (a pace key into its words, a phone into its mask)."""
    get = attrgetter(*(f[3] for f in fields))
    values = list(map(get, records))
    if not values:
        rows: list[list[Any]] = []
    else:  # column by column (a parent branch's 分润明细 has 70,000 rows), then back to rows
        columns = list(zip(*values, strict=True)) if len(fields) > 1 else [tuple(values)]
        for c, (_, fmt, _, name) in enumerate(fields):
            convert = (shown or {}).get(name) or (_amount if fmt in ("amount", "number") else None)
            if convert is _amount:
                columns[c] = _amounts(columns[c])
            elif convert is not None:
                columns[c] = tuple(map(convert, columns[c]))
        rows = list(map(list, zip(*columns, strict=True)))
    return Table([Col(h, fmt, w) for h, fmt, w, _ in fields], rows, caption, empty_note)


def _amount(value: Any) -> Any:
    """Amounts as the cell keeps them: 4 decimals of their unit (0.7 × 20 is 14, not
    14.000000000000002); the number format decides what is shown."""
    return round(value, 4) if isinstance(value, float) else value


def _amounts(column: Sequence[Any]) -> tuple[Any, ...]:
    """`_amount` of each value; a column of plain floats is rounded in one C-level pass."""
    if set(map(type, column)) == {float}:
        return tuple(map(round, column, repeat(4)))
    return tuple(map(_amount, column))


def subtitle(figures: Figures, extra: str = "", warn_errors: bool = True) -> str:
    """The line under every tab's title: the date, time progress and, while the workbook has
    错误, that their figures are not counted yet — a printed page must say so too."""
    day = figures.date
    week = day.isocalendar()[1]
    parts = [
        f"统计日期 {day.isoformat()}（第{week}周）",
        f"本月时间进度 {figures.month_progress:.1%}",
    ]
    if extra:
        parts.append(extra)
    errors = count_levels(figures.problems)[0] if warn_errors else 0
    if errors:
        parts.append(f"注意：有 {errors} 个数据错误，相关数字未计入（见“数据问题”表）")
    parts.append(GENERATED_MARK)
    return " · ".join(parts)


def _title(figures: Figures, name: str) -> str:
    return f"{figures.branch or '网点'} {name}"


def phone_shown(figures: Figures) -> Callable[[str], str]:
    """Phones as the branch's own tabs show them: masked unless 脱敏 = 否 (docs/工作簿.md#脱敏)."""
    return mask_phone if figures.settings.mask else str


# ---------------------------------------------------------------- 排行榜

OVERALL_FIELDS: tuple[Field, ...] = (
    ("排名", "rank", 6, "rank"),
    ("姓名", "text", 10, "name"),
    ("岗位", "text", 10, "role"),
    ("排名得分", "pct_bar", 11, "score"),
    ("综合完成率", "pct", 11, "overall"),
    ("进度", "status", 10, "overall_status"),
    ("转介数", "int", 8, "referrals"),
    ("转介成功数", "int", 10, "successes"),
    ("转介成功率", "pct", 10, "success_rate"),
    ("记分业绩(万元)", "amount", 13, "money"),
)


def score_rule(cap: float) -> str:
    """The one line that says how the overall ranking and the stars are decided
    (docs/口径.md#排名得分)."""
    return (
        f"排名得分＝各项指标完成率的平均（每项最多按 {cap:.0%} 计；不含转介数和清单计量，除非只有这些）；"
        "“进度”比较排名得分与时间进度。综合完成率是全部指标（含转介数）不封顶的平均，仅供参考，"
        "所以转介多而业绩少的人综合完成率高、排名靠后。之星取排名得分最高、且本期有成交或转介成功的人。"
    )


def overall_table(figures: PeriodFigures, caption: str) -> Table:
    """Ranking by 排名得分 (shared by 排行榜 and the weekly workbook)."""
    ranked = sorted(
        (p for p in figures.people if p.rank is not None), key=lambda p: (p.rank, p.name)
    )
    return record_table(
        OVERALL_FIELDS,
        ranked,
        caption,
        "（没有设定目标的人员，无法排名）",
        {"overall_status": pace_label},
    )


def _group_tables(figures: PeriodFigures) -> list[Table]:
    tables = []
    for group in ROLE_GROUPS:
        members = sorted(
            (p for p in figures.people if p.group == group),
            key=lambda p: (p.group_rank or 999, p.name),
        )
        if not members:
            continue
        measure = ROLE_GROUP_MEASURES[group]
        fields: tuple[Field, ...] = (
            ("排名", "rank", 6, "group_rank"),
            ("姓名", "text", 10, "name"),
            ("岗位", "text", 10, "role"),
            (measure, "amount" if group == WEALTH else "int", 12, "primary"),
        )
        tables.append(
            record_table(fields, members, f"岗位排名 · {ROLE_GROUP_TITLES[group]}（{measure}）")
        )
    return tables


def quantity(value: float, is_count: bool) -> int | float:
    """A figure as its cell holds it: counts whole, amounts to 4 decimals of their unit."""
    return round(value) if is_count else round(value, 4)


def _progress_table(figures: PeriodFigures, catalogue: Catalogue) -> Table:
    rows: list[list[Any]] = []
    people: list[PersonFigures] = [
        figures.branch,
        *sorted(figures.people, key=lambda p: (p.rank or 999, p.name)),
    ]
    for p in people:
        for indicator, target in p.targets.items():
            whole = catalogue.is_count(indicator)
            rows.append(
                [
                    p.name,
                    indicator,
                    catalogue.unit_of(indicator),
                    quantity(target, whole),
                    quantity(p.actual(indicator), whole),
                    p.completion.get(indicator),
                    pace_label(p.status.get(indicator)),
                ]
            )
    return Table(
        [
            Col("对象", "text", 10),
            Col("指标", "text", 10),
            Col("单位", "text", 6),
            Col("月目标", "qty", 10),
            Col("已完成", "qty", 10),
            Col("完成率", "pct_bar", 12),
            Col("进度", "status", 10),
        ],
        rows,
        caption=f"{PERIOD_TITLES[figures.kind]} 指标进度（时间进度 {figures.time_progress:.1%}）",
    )


def tomorrow_table(figures: Figures) -> Table:
    """明日目标 for the branch and every person: what the agendas' 次日目标 lines say for those
    they name, for everyone (the agendas point here for the rest, docs/口径.md#夕会议程)."""
    rank = {p.name: (p.rank or 999, p.name) for p in figures.month.people}
    shown = sorted(
        (t for t in figures.tomorrow if t.tomorrow > 0),
        key=lambda t: (t.subject != BRANCH_TARGET, rank.get(t.subject, (999, t.subject))),
    )  # the branch first, then people by their month rank; indicators in the catalogue's order
    rows = []
    for t in shown:
        whole = figures.catalogue.is_count(t.indicator)
        rows.append(
            [
                t.subject,
                t.indicator,
                figures.catalogue.unit_of(t.indicator),
                quantity(t.tomorrow, whole),
                quantity(t.gap, whole),
            ]
        )
    day = figures.next_workday
    left = shown[0].days_left if shown else 0
    return Table(
        [
            Col("对象", "text", 10),
            Col("指标", "text", 10),
            Col("单位", "text", 6),
            Col("明日目标", "qty", 10),
            Col("本月还差", "qty", 10),
        ],
        rows,
        caption=(
            f"明日目标（{day:%m-%d} 周{WEEKDAY_NAMES[day.weekday()]}）："
            f"本月还差 ÷ 剩余 {left} 天，已完成的指标不列"
        ),
        empty_note="（未设目标，或各项目标都已完成）",
    )


def _star_note(figures: Figures, kind: PeriodKind) -> str:
    """What a star stands on: their 排名得分 and place in the period's ranking on this tab; where
    the #1 there is not the star, why (docs/口径.md#之星); where there is no star, why not."""
    period = figures.periods[kind]
    stars = [p for p in period.people if p.name in figures.stars[kind]]
    passed = figures.leaders_without_result(kind)
    why_not = f"第1名 {'、'.join(passed)} 本期没有成交或转介成功，不评之星" if passed else ""
    if not stars:
        if why_not:
            return why_not
        if all(p.rank is None for p in period.people):
            return "没有设定目标的人员，无法排名"
        return "本期无人有成交或转介成功"
    star = stars[0]
    place = f"{'并列' if len(stars) > 1 else ''}第{star.rank}名"
    score = "—" if star.score is None else f"{star.score:.1%}"
    stands = f"排名得分 {score}，{PERIOD_TITLES[kind]}综合排名{place}"
    return f"{stands}；{why_not}" if why_not else stands


def stars_table(figures: Figures, kinds: Iterable[PeriodKind], caption: str = "") -> Table:
    return Table(
        [Col("称号", "text", 10), Col("姓名", "text", 10), Col("说明", "text", 40)],
        [
            [STAR_TITLES[k], "、".join(figures.stars[k]) or "（暂无）", _star_note(figures, k)]
            for k in kinds
        ],
        caption=caption,
    )


@dataclass(frozen=True)
class NetworkRanks:
    """Where a branch's people stand across the parent branch, from a rollup
    (docs/口径.md#分行汇总)."""

    places: Mapping[str, tuple[str, int, int]]  # name -> (role group, rank, people ranked)
    branch_place: tuple[int, int] | None  # the branch's place in the league, of how many
    parent: str
    day: dt.date


def network_table(figures: PeriodFigures, network: NetworkRanks) -> Table:
    """The optional 排行榜 block a rollup's --write-back adds: "分行同岗位 3 / 58" per person."""
    people = sorted(
        (p for p in figures.people if p.name in network.places),
        key=lambda p: (network.places[p.name][0], network.places[p.name][1], p.name),
    )
    where = network.parent or "分行"
    league = (
        f"；本网点在网点排行第 {network.branch_place[0]} / {network.branch_place[1]} 名"
        if network.branch_place
        else ""
    )
    return Table(
        [
            Col("姓名", "text", 10),
            Col("岗位", "text", 10),
            Col("排名得分", "pct", 11),
            Col("分行同岗位排名", "text", 18),
            Col("岗位组", "text", 18),
        ],
        [
            [
                p.name,
                p.role,
                p.score,
                f"分行同岗位 {network.places[p.name][1]} / {network.places[p.name][2]}",
                network.places[p.name][0],
            ]
            for p in people
        ],
        caption=f"{where}同岗位排名（{network.day.isoformat()} 分行汇总，本月至今{league}）",
    )


def rankings_sheet(figures: Figures, network: NetworkRanks | None = None) -> SheetSpec:
    month = figures.month
    blocks: list[Table | Text] = [
        stars_table(figures, STAR_TITLES, "之星（按完成质量评选：完成率与转化，不看转介张数）"),
        Text([("note", score_rule(figures.settings.rank_cap))]),
        overall_table(month, "本月至今 · 综合排名（按排名得分）"),
        *([network_table(month, network)] if network else []),
        *_group_tables(month),
        _progress_table(month, figures.catalogue),
        tomorrow_table(figures),
        overall_table(figures.week, "本周至今 · 综合排名（目标按天数折算）"),
        overall_table(figures.today, "当日 · 综合排名（目标按天数折算）"),
    ]
    return SheetSpec(
        "排行榜",
        _title(figures, "排行榜"),
        subtitle(figures),
        blocks,
        charts=[Chart(1, 1, (3,), "本月排名得分")],
    )


# ---------------------------------------------------------------- 转介质量

REFERRER_FIELDS: tuple[Field, ...] = (
    ("推荐人", "text", 10, "name"),
    ("岗位", "text", 10, "role"),
    ("转介数", "int", 8, "referrals"),
    ("跟进数", "int", 8, "followed"),
    ("跟进率", "pct", 9, "follow_rate"),
    ("转介成功数", "int", 10, "successes"),
    ("转介成功率", "pct_bar", 12, "success_rate"),
    ("现场推荐率", "pct", 10, "on_site_rate"),
    ("现场达成率", "pct", 10, "closed_on_site_rate"),
    ("达成金额(万元)", "amount", 13, "amount"),
)
RECEIVER_FIELDS: tuple[Field, ...] = (
    ("接收人", "text", 10, "name"),
    ("接收数", "int", 8, "received"),
    ("跟进数", "int", 8, "followed"),
    ("成交数", "int", 8, "closed"),
    ("转化率", "pct_bar", 12, "conversion"),
    ("平均首次跟进天数", "number", 14, "first_contact_days"),
)
UNVERIFIED_FIELDS: tuple[Field, ...] = (
    ("表", "text", 10, "sheet"),
    ("行", "int", 6, "row"),
    ("推荐人", "text", 10, "referrer"),
    ("接收人", "text", 10, "receiver"),
    ("客户", "text", 10, "customer"),
    ("推荐时间", "date", 11, "referred_on"),
)


def referrer_table(figures: PeriodFigures, caption: str) -> Table:
    """Referral quantity and quality per referrer (转介质量 and the weekly workbook)."""
    return record_table(REFERRER_FIELDS, figures.referrers, caption)


def receiver_table(figures: PeriodFigures, caption: str = "接收人") -> Table:
    return record_table(RECEIVER_FIELDS, figures.receivers, caption)


def quality_sheet(figures: Figures) -> SheetSpec:
    month = figures.month
    share = month.collaboration_share
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
    return SheetSpec(
        "转介质量",
        _title(figures, "转介质量"),
        subtitle(figures),
        [
            summary,
            referrer_table(month, f"推荐人 · {PERIOD_TITLES[MONTH]}登记的推荐卡及其结果"),
            receiver_table(month),
            record_table(
                UNVERIFIED_FIELDS,
                figures.unverified,
                "无卡转介（追踪表写了推荐人，但找不到对应的推荐卡；照常记分，请核实）",
            ),
        ],
        charts=[Chart(0, 0, (6,), "转介成功率")],
    )


# ---------------------------------------------------------------- 分润明细

LEDGER_FIELDS: tuple[Field, ...] = (
    ("日期", "date", 11, "date"),
    ("客户", "text", 9, "customer"),
    ("联系方式", "text", 13, "phone"),
    ("产品", "text", 16, "product"),
    ("指标", "text", 8, "indicator"),
    ("金额或数量", "amount", 11, "amount"),
    ("单位", "text", 6, "unit"),
    ("类型", "text", 8, "kind"),
    ("推荐人", "text", 9, "referrer"),
    ("推荐人记分", "amount", 10, "referrer_credit"),
    ("接收人", "text", 9, "receiver"),
    ("接收人记分", "amount", 10, "receiver_credit"),
    ("来源", "text", 11, "row"),
)


def credit_rule(settings: Settings) -> str:
    """How credit was given, in one line (分润明细 and 说明)."""
    money = (
        f"金额类按分润比例 {settings.share:.0%} 记给推荐人、其余记给接收人（两者之和等于销售额）"
        if settings.credit_mode is CreditMode.SPLIT
        else "金额类推荐人和接收人都记全额"
    )
    counts = {
        CountCredit.BOTH: "推荐人和接收人各记一整件",
        CountCredit.RECEIVER: "只记给接收人",
        CountCredit.REFERRER: "只记给推荐人",
    }[settings.count_credit]
    mode = CREDIT_MODE_WORDS[settings.credit_mode]
    return f"口径：{mode}。{money}；张、户、笔类不拆分，{counts}；自己开发的客户全部记给接收人。"


def ledger_sheet(figures: Figures) -> SheetSpec:
    ledger = figures.month.ledger
    phone = phone_shown(figures)
    masked = {p: phone(p) for p in {s.phone for s in ledger}}  # a parent branch has 100,000 rows
    table = record_table(
        LEDGER_FIELDS,
        ledger,
        "每笔销售的推荐人、接收人及各自记分",
        shown={
            "phone": masked.__getitem__,
            "kind": SALE_KINDS.__getitem__,
            "unit": unit_word,
            "row": "追踪表!{}".format,
        },
    )
    settings = figures.settings
    totals = "；".join(
        f"{unit_word(unit) or '未计入指标'} {number(sold)}（记分 {number(credited)}）"
        for unit, (sold, credited) in figures.month.totals_by_unit().items()
    )
    note = Text(
        [
            ("note", credit_rule(settings)),
            (
                "note",
                f"本月至 {figures.date} 共 {len(ledger)} 笔销售，按单位合计：{totals or '无'}。",
            ),
        ]
    )
    return SheetSpec(
        "分润明细", _title(figures, "分润明细"), subtitle(figures), [note, table], text_width=13
    )


# ---------------------------------------------------------------- 跟进提醒


def _due_label(due: dt.date, overdue: bool, days_overdue: int, day: dt.date) -> str:
    if overdue:
        return f"逾期 {days_overdue} 天"
    return "今天" if due == day else "下个工作日"


def follow_up_table(
    figures: Figures, phone: Callable[[str], str], customer: Callable[[str], str] = str
) -> Table:
    """Follow-ups due and overdue, by receiver (跟进提醒 and the weekly workbook)."""
    return Table(
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
                f.receiver,
                customer(f.customer),
                phone(f.phone),
                f.due,
                _due_label(f.due, f.overdue, f.days_overdue, figures.date),
                f.product,
                f.note,
                f"追踪表!{f.row}",
            ]
            for f in figures.follow_ups
        ],
        caption="到期和逾期的客户跟进（联系后在追踪表改日期或清空即可消除）",
    )


def not_followed_table(
    figures: Figures, phone: Callable[[str], str], customer: Callable[[str], str] = str
) -> Table:
    """Cards nobody followed up (跟进提醒 and the weekly workbook)."""
    return Table(
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
                n.referral_id,
                n.referrer,
                n.receiver,
                n.date,
                customer(n.customer),
                phone(n.phone),
                n.need,
                n.days_waited,
            ]
            for n in figures.not_followed
        ],
        caption=f"未跟进的推荐卡（登记超过 {figures.settings.stale_days} 天，追踪表仍没有联系客户的记录）",
    )


def follow_up_sheet(figures: Figures) -> SheetSpec:
    phone = phone_shown(figures)
    return SheetSpec(
        "跟进提醒",
        _title(figures, "跟进提醒"),
        subtitle(figures),
        [follow_up_table(figures, phone), not_followed_table(figures, phone)],
    )


def masked_for_mail(figures: Figures) -> tuple[Table, Table]:
    """The follow-up tables as they may leave the branch: names as 张*, phones masked."""
    return (
        follow_up_table(figures, mask_phone, mask_name),
        not_followed_table(figures, mask_phone, mask_name),
    )


# ---------------------------------------------------------------- 数据问题


def problems_sheet(figures: Figures) -> SheetSpec:
    problems = sorted(figures.problems, key=lambda p: (p.level is not Level.ERROR,))
    rows = [
        [
            problem_text.level(p),
            p.where,
            p.shown_value,
            problem_text.statement(p),
            problem_text.detail(p),
        ]
        for p in problems
    ]
    errors, warnings = count_levels(problems)
    summary = Text(
        [
            (
                "strong",
                f"共 {errors} 个错误、{warnings} 个警告。"
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
        "数据问题",
        _title(figures, "数据问题"),
        subtitle(figures, warn_errors=False),
        [summary, table],
        text_width=5,
    )


def refresh_sheets(figures: Figures) -> list[SheetSpec]:
    from .checklist import checklist_sheet

    return [
        rankings_sheet(figures),
        quality_sheet(figures),
        ledger_sheet(figures),
        follow_up_sheet(figures),
        checklist_sheet(figures),
        problems_sheet(figures),
    ]
