"""Figures -> the generated tabs (docs/工作簿.md#生成的表: 排行榜, 转介质量, 分润明细, 跟进提醒,
数据问题; 管理清单 in render/checklist.py).

Pure: figures in, SheetSpecs out. Every table is declared as fields beside the record it shows
(render/records.py); a table whose rows are worked out here has a small row record of its own.
Phones are masked unless 脱敏 = 否; ID numbers never appear. The weekly workbook reuses the
tables marked shared.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import NamedTuple

from .. import problem_text
from ..figures import Figures, PeriodFigures, PersonFigures
from ..privacy import mask_name, mask_phone
from ..problems import Level, count_levels
from ..schema import WEEKDAY_NAMES
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
    Pace,
    PeriodKind,
    RoleGroup,
    pace_label,
    unit_word,
)
from .checklist import checklist_sheet
from .heads import subtitle, tab_title
from .marks import OVERDUE
from .numbers import number
from .records import Field, record_table
from .spec import Chart, SheetSpec, Table, Text


def phone_shown(figures: Figures) -> Callable[[str], str]:
    """Phones as the branch's own tabs show them: masked unless 脱敏 = 否 (docs/工作簿.md#脱敏)."""
    return mask_phone if figures.settings.mask else str


# ---------------------------------------------------------------- 排行榜

OVERALL_FIELDS: tuple[Field, ...] = (
    ("排名", "rank", 6, "rank"),
    ("姓名", "text", 10, "name"),
    ("岗位", "text", 10, "role"),
    ("综合得分", "pct_bar", 11, "score"),
    ("进度", "status", 10, lambda p: pace_label(p.overall_status)),
    ("转介数", "int", 8, "referrals"),
    ("转介成功数", "int", 10, "successes"),
    ("转介成功率", "pct", 10, "success_rate"),
    ("记分业绩(万元)", "amount", 13, "money"),
)


def score_rule(figures: Figures) -> str:
    """The one line that says how the overall ranking and the stars are decided, with the
    weights 目标 gives (docs/口径.md#综合得分)."""
    cap = figures.settings.rank_cap
    return (
        f"综合得分＝各项指标完成率的{weights_phrase(figures)}（每项最多按 {cap:.0%} 计；"
        "不含转介数和清单计量，除非只有这些）；“进度”是综合得分对时间进度的进度。"
        "之星取综合得分最高、且本期有成交或转介成功的人，同分时比不封顶的得分。"
    )


def weights_phrase(figures: Figures) -> str:
    """平均, or the weighted mean with the weights 目标 gives: one weight per indicator when the
    rows agree ("理财 3、信用卡 2，其余 1"), else a pointer to 目标."""
    month = figures.month
    given: dict[str, set[float]] = {}
    for p in [month.branch, *month.people]:
        for indicator in p.targets:
            given.setdefault(indicator, set()).add(p.weights.get(indicator, 1.0))
    if all(w == {1.0} for w in given.values()):
        return "平均"
    if any(len(w) > 1 for w in given.values()):
        return "加权平均（权重按“目标”表各行）"
    named = "、".join(f"{i} {number(w.pop())}" for i, w in given.items() if w != {1.0})
    rest = "，其余 1" if any(w == {1.0} for w in given.values()) else ""
    return f"加权平均（权重 {named}{rest}）"


def overall_table(figures: PeriodFigures, caption: str) -> Table:
    """Ranking by 排名得分 (shared by 排行榜 and the weekly workbook)."""
    ranked = sorted(
        (p for p in figures.people if p.rank is not None), key=lambda p: (p.rank, p.name)
    )
    return record_table(OVERALL_FIELDS, ranked, caption, "（没有设定目标的人员，无法排名）")


def group_fields(group: RoleGroup) -> tuple[Field, ...]:
    """A role group's ranking: by the group's own measure (docs/口径.md#排名)."""
    return (
        ("排名", "rank", 6, "group_rank"),
        ("姓名", "text", 10, "name"),
        ("岗位", "text", 10, "role"),
        (ROLE_GROUP_MEASURES[group], "amount" if group == WEALTH else "int", 12, "primary"),
    )


def _group_tables(figures: PeriodFigures) -> list[Table]:
    tables = []
    for group in ROLE_GROUPS:
        members = sorted(
            (p for p in figures.people if p.group == group),
            key=lambda p: (p.group_rank or 999, p.name),
        )
        if members:
            caption = f"岗位排名 · {ROLE_GROUP_TITLES[group]}（{ROLE_GROUP_MEASURES[group]}）"
            tables.append(record_table(group_fields(group), members, caption))
    return tables


def quantity(value: float, is_count: bool) -> int | float:
    """A figure as its cell holds it: counts whole, amounts to 4 decimals of their unit."""
    return round(value) if is_count else round(value, 4)


class ProgressRow(NamedTuple):
    """One indicator of one person (or the branch): the month so far, and what tomorrow needs."""

    subject: str
    indicator: str
    unit: str
    target: int | float
    done: int | float
    completion: float | None
    pace: Pace | None
    gap: int | float | None  # None once the target is reached
    tomorrow: int | float | None


PROGRESS_FIELDS: tuple[Field, ...] = (
    ("对象", "text", 10, "subject"),
    ("指标", "text", 10, "indicator"),
    ("单位", "text", 6, "unit"),
    ("月目标", "qty", 10, "target"),
    ("已完成", "qty", 10, "done"),
    ("完成率", "pct_bar", 12, "completion"),
    ("进度", "status", 10, lambda r: pace_label(r.pace)),
    ("本月还差", "qty", 10, "gap"),
    ("明日目标", "qty", 10, "tomorrow"),
)


def progress_table(figures: Figures) -> Table:
    """Each indicator of the branch and of every person with a target, in one row: the month so
    far and tomorrow's target (docs/口径.md#明日目标), the branch first, then people by their month rank. The
    agendas name some people's 明日目标 and point here for everyone (docs/口径.md#夕会议程)."""
    month, catalogue = figures.month, figures.catalogue
    due = {(t.subject, t.indicator): t for t in figures.tomorrow if t.gap > 0}
    people: list[PersonFigures] = [
        month.branch,
        *sorted(month.people, key=lambda p: (p.rank or 999, p.name)),
    ]
    rows = []
    for p in people:
        for indicator, target in p.targets.items():
            whole = catalogue.is_count(indicator)
            ahead = due.get((p.name, indicator))
            rows.append(
                ProgressRow(
                    p.name,
                    indicator,
                    catalogue.unit_of(indicator),
                    quantity(target, whole),
                    quantity(p.actual(indicator), whole),
                    p.completion.get(indicator),
                    p.status.get(indicator),
                    quantity(ahead.gap, whole) if ahead else None,
                    quantity(ahead.tomorrow, whole) if ahead and ahead.tomorrow > 0 else None,
                )
            )
    day = figures.next_workday
    left = next(iter(due.values())).days_left if due else 0
    if figures.last_opening_day:  # docs/口径.md#明日目标: nothing for next month's first day
        tomorrow = "今天是本月最后一个营业日：“本月还差”的今天完成，没有明日目标"
    elif due:
        weekday = WEEKDAY_NAMES[day.weekday()]
        tomorrow = f"明日目标（{day:%m-%d} 周{weekday}）＝本月还差 ÷ 剩余 {left} 个营业日"
    else:
        tomorrow = "目标都已完成，没有明日目标"
    return record_table(
        PROGRESS_FIELDS,
        rows,
        f"{PERIOD_TITLES[month.kind]} 指标进度与明日目标（时间进度 {month.time_progress:.1%}；"
        f"{tomorrow}）",
        "（未设目标）",
    )


def _star_note(figures: Figures, kind: PeriodKind) -> str:
    """What a star stands on: their 综合得分 and place in the period's ranking on this tab; where
    others shared that score, that the uncapped mean told them apart; where the #1 there is not
    the star, why (docs/口径.md#之星); where there is no star, why not."""
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
    tied = figures.star_ties.get(kind, [])
    place = f"{'并列' if len(stars) > 1 or tied else ''}第{star.rank}名"
    score = "—" if star.score is None else f"{star.score:.1%}"
    stands = f"综合得分 {score}，{PERIOD_TITLES[kind]}综合排名{place}"
    if tied:
        uncapped = "—" if star.uncapped is None else f"{star.uncapped:.1%}"
        stands += f"；与{'、'.join(tied)}同分，按不封顶的得分（{uncapped}）评出"
    return f"{stands}；{why_not}" if why_not else stands


class StarRow(NamedTuple):
    title: str  # 每日之星 ...
    names: str  # 张丽、李四, or （暂无）
    note: str  # what the star stands on, or why there is none


STAR_FIELDS: tuple[Field, ...] = (
    ("称号", "text", 10, "title"),
    ("姓名", "text", 10, "names"),
    ("说明", "text", 40, "note"),
)


def star_rows(figures: Figures, kinds: Iterable[PeriodKind]) -> list[StarRow]:
    return [
        StarRow(STAR_TITLES[k], "、".join(figures.stars[k]) or "（暂无）", _star_note(figures, k))
        for k in kinds
    ]


def stars_table(figures: Figures, kinds: Iterable[PeriodKind], caption: str = "") -> Table:
    return record_table(STAR_FIELDS, star_rows(figures, kinds), caption)


@dataclass(frozen=True)
class NetworkRanks:
    """Where a branch's people stand across the parent branch, from a rollup
    (docs/口径.md#分行汇总)."""

    places: Mapping[str, tuple[str, int, int]]  # name -> (role group, rank, people ranked)
    branch_place: tuple[int, int] | None  # the branch's place in the league, of how many
    parent: str
    day: dt.date


class NetworkRow(NamedTuple):
    name: str
    role: str
    score: float | None
    group: str
    rank: int
    ranked: int


NETWORK_FIELDS: tuple[Field, ...] = (
    ("姓名", "text", 10, "name"),
    ("岗位", "text", 10, "role"),
    ("综合得分", "pct", 11, "score"),
    ("分行同岗位排名", "text", 18, lambda r: f"分行同岗位 {r.rank} / {r.ranked}"),
    ("岗位组", "text", 18, "group"),
)


def network_table(figures: PeriodFigures, network: NetworkRanks) -> Table:
    """The optional 排行榜 block a rollup's --write-back adds: "分行同岗位 3 / 58" per person."""
    rows = sorted(
        (
            NetworkRow(p.name, p.role, p.score, *network.places[p.name])
            for p in figures.people
            if p.name in network.places
        ),
        key=lambda r: (r.group, r.rank, r.name),
    )
    where = network.parent or "分行"
    league = (
        f"；本网点在网点排行第 {network.branch_place[0]} / {network.branch_place[1]} 名"
        if network.branch_place
        else ""
    )
    return record_table(
        NETWORK_FIELDS,
        rows,
        f"{where}同岗位排名（{network.day.isoformat()} 分行汇总，本月至今{league}；"
        "网点自己刷新时这一块会去掉，分行下次汇总写回时再写上）",
    )


def rankings_sheet(figures: Figures, network: NetworkRanks | None = None) -> SheetSpec:
    month = figures.month
    overall = overall_table(month, "本月至今 · 综合排名（按综合得分）")
    blocks: list[Table | Text] = [
        stars_table(figures, STAR_TITLES, "之星（按完成质量评选：完成率与转化，不看转介张数）"),
        Text([("note", score_rule(figures))]),
        overall,
        *([network_table(month, network)] if network else []),
        progress_table(figures),
        *_group_tables(month),
        # the days it holds: a week that began last month counts from the 1st in this workbook
        overall_table(
            figures.week,
            f"本周至今（{figures.week.period.start:%m-%d} 至 {figures.date:%m-%d}）"
            " · 综合排名（目标按天数折算）",
        ),
        overall_table(figures.today, "当日 · 综合排名（目标按天数折算）"),
    ]
    return SheetSpec(
        "排行榜",
        tab_title(figures, "排行榜"),
        subtitle(figures),
        blocks,
        charts=[plotted(overall, 1, 1, 3, "本月")],
    )


def plotted(table: Table, index: int, label_col: int, value_col: int, period: str) -> Chart:
    """A chart of one column, titled with what it plots: the period and the column's header
    (本月综合得分 over the 综合得分 bars, never another figure's name)."""
    return Chart(index, label_col, (value_col,), f"{period}{table.columns[value_col].header}")


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
    ("说明", "wrap", 30, "older"),
)


def _older_card(older: tuple[dt.date, str] | None) -> str:
    """Why a card of the same customer and referrer did not count: it is older than 匹配天数."""
    if older is None:
        return ""
    day, rid = older
    number = f"（{rid}）" if rid else ""
    return f"有 {day:%m-%d} 的推荐卡{number}，已超过匹配天数：是同一张卡的话，请在这一行写上它的转介编号"


CROSS_BRANCH_FIELDS: tuple[Field, ...] = (
    ("表", "text", 10, "sheet"),
    ("行", "int", 6, "row"),
    ("日期", "date", 11, "date"),
    ("推荐人", "text", 16, "referrer"),
    ("接收人", "text", 16, "receiver"),
    ("客户", "text", 10, lambda r: mask_name(r.customer)),
    ("对方网点", "text", 12, "branch"),
    ("成交金额或数量", "amount", 13, "amount"),
)


def cross_branch_table(figures: Figures) -> Table:
    """跨网点转介 (docs/口径.md#跨网点转介): cards and tracking rows naming a person of another
    branch. Each side is credited in its own workbook; the rollup matches the two."""
    return record_table(
        CROSS_BRANCH_FIELDS,
        figures.cross_branch,
        "跨网点转介（推荐人或接收人是其他网点的人，写作 网点·姓名；各记本网点的人，"
        "两边由分行汇总对账）",
        "（本月没有跨网点转介）",
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
    referrers = referrer_table(month, f"推荐人 · {PERIOD_TITLES[MONTH]}登记的推荐卡及其结果")
    return SheetSpec(
        "转介质量",
        tab_title(figures, "转介质量"),
        subtitle(figures),
        [
            summary,
            referrers,
            receiver_table(month),
            record_table(
                UNVERIFIED_FIELDS,
                figures.unverified,
                "无卡转介（追踪表写了推荐人，但找不到对应的推荐卡；照常记分，请核实）",
                shown={"older": _older_card},
            ),
            cross_branch_table(figures),
        ],
        charts=[plotted(referrers, 0, 0, 6, "本月")],
    )


# ---------------------------------------------------------------- 分润明细

LEDGER_FIELDS: tuple[Field, ...] = (
    ("日期", "date", 11, "date"),
    ("客户", "text", 9, "customer"),
    ("联系方式", "text", 13, "phone"),
    ("产品", "text", 16, "product"),
    ("指标", "text", 8, "indicator"),
    ("金额或数量", "amount", 11, "amount"),
    ("单位", "text", 6, lambda sale: unit_word(sale.unit)),
    ("类型", "text", 8, lambda sale: SALE_KINDS[sale.kind]),
    ("推荐人", "text", 9, "referrer"),
    ("推荐人记分", "amount", 10, "referrer_credit"),
    ("接收人", "text", 9, "receiver"),
    ("接收人记分", "amount", 10, "receiver_credit"),
    ("来源", "text", 11, lambda sale: f"追踪表!{sale.row}"),
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
        shown={"phone": masked.__getitem__},
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
        "分润明细", tab_title(figures, "分润明细"), subtitle(figures), [note, table], text_width=13
    )


# ---------------------------------------------------------------- 跟进提醒


class DueRow(NamedTuple):
    """A follow-up as 跟进提醒 lists it: its state in words (逾期 3 天 / 今天 / 下个工作日)."""

    receiver: str
    customer: str
    phone: str
    due: dt.date
    state: str
    product: str
    note: str
    row: int


FOLLOW_UP_FIELDS: tuple[Field, ...] = (
    ("接收人", "text", 10, "receiver"),
    ("客户", "text", 10, "customer"),
    ("联系方式", "text", 13, "phone"),
    ("建议联系日期", "date", 12, "due"),
    ("状态", "due", 11, "state"),
    ("产品", "text", 16, "product"),
    ("备注", "text", 20, "note"),
    ("来源", "text", 10, lambda r: f"追踪表!{r.row}"),
)
NOT_FOLLOWED_FIELDS: tuple[Field, ...] = (
    ("转介编号", "text", 10, "referral_id"),
    ("推荐人", "text", 10, "referrer"),
    ("接收人", "text", 10, "receiver"),
    ("登记日期", "date", 12, "date"),
    ("客户", "text", 10, "customer"),
    ("联系方式", "text", 13, "phone"),
    ("客户需求", "text", 10, "need"),
    ("已过天数", "int", 9, "days_waited"),
)


def _due_state(due: dt.date, overdue: bool, days_overdue: int, day: dt.date) -> str:
    if overdue:
        return f"{OVERDUE} {days_overdue} 天"
    return "今天" if due == day else "下个工作日"


def follow_up_table(
    figures: Figures, phone: Callable[[str], str], customer: Callable[[str], str] = str
) -> Table:
    """Follow-ups due and overdue, by receiver (跟进提醒 and the weekly workbook); an overdue
    one's 状态 stands out."""
    rows = [
        DueRow(
            f.receiver,
            f.customer,
            f.phone,
            f.due,
            _due_state(f.due, f.overdue, f.days_overdue, figures.date),
            f.product,
            f.note,
            f.row,
        )
        for f in figures.follow_ups
    ]
    return record_table(
        FOLLOW_UP_FIELDS,
        rows,
        "到期和逾期的客户跟进（联系后在追踪表改日期或清空即可消除）",
        shown={"customer": customer, "phone": phone},
    )


def not_followed_table(
    figures: Figures, phone: Callable[[str], str], customer: Callable[[str], str] = str
) -> Table:
    """Cards nobody followed up (跟进提醒 and the weekly workbook)."""
    return record_table(
        NOT_FOLLOWED_FIELDS,
        figures.not_followed,
        f"未跟进的推荐卡（登记超过 {figures.settings.stale_days} 天，追踪表仍没有联系客户的记录）",
        shown={"customer": customer, "phone": phone},
    )


def follow_up_sheet(figures: Figures) -> SheetSpec:
    phone = phone_shown(figures)
    return SheetSpec(
        "跟进提醒",
        tab_title(figures, "跟进提醒"),
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

PROBLEM_FIELDS: tuple[Field, ...] = (
    ("级别", "text", 6, problem_text.level),
    ("位置", "text", 14, "where"),
    ("值", "text", 18, "shown_value"),
    ("问题", "text", 38, problem_text.statement),
    ("说明", "text", 46, problem_text.detail),
)


def problems_sheet(figures: Figures) -> SheetSpec:
    problems = sorted(figures.problems, key=lambda p: (p.level is not Level.ERROR,))
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
    table = record_table(PROBLEM_FIELDS, problems, "数据问题", "没有发现数据问题")
    return SheetSpec(
        "数据问题",
        tab_title(figures, "数据问题"),
        subtitle(figures, warn_errors=False),
        [summary, table],
        text_width=5,
    )


def refresh_sheets(figures: Figures) -> list[SheetSpec]:
    return [
        rankings_sheet(figures),
        quality_sheet(figures),
        ledger_sheet(figures),
        follow_up_sheet(figures),
        checklist_sheet(figures),
        problems_sheet(figures),
    ]
