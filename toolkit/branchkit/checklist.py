"""The lobby supervisor's daily management checklist (docs/工作簿.md#输入表 清单项目 / 每日清单,
docs/工作簿.md#默认清单, docs/口径.md#管理清单). Pure.

清单项目 says what must happen before opening, during the day and after closing, how often and
by which role; 每日清单 records each day's items: who, done or not, how many, what was found and
how it is being fixed. From them: which items fall due on a day (fill writes those rows), the
completion of a period by item, 时段 and person, the quantities (外呼户数…) that 目标 can set
targets on, and the problems still open.

The records decide what was due: fill writes one row per item due, and a row a person deletes or
marks 不适用 is not counted against anyone. A problem is closed by its 整改 row in 行动计划 (fill
writes it) being set to 已完成.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from .schema import MONTH_END, WEEKDAY_FREQUENCIES
from .table import Table
from .vocab import SLOT_WORDS, ActionState, ChecklistState, FixState, Slot, members_by_word
from .workdays import Period, month_bounds

DONE, NOT_DONE, NOT_APPLICABLE, PENDING = (
    ChecklistState.DONE,
    ChecklistState.NOT_DONE,
    ChecklistState.NOT_APPLICABLE,
    ChecklistState.PENDING,
)
UNNAMED = "（未填）"  # a row without 责任人, in the per-person figures
# 营业前 first: the order items are listed and filled in; a 时段 typed outside the list last.
SLOT_ORDER = {slot: n for n, slot in enumerate(Slot)}

# The default list (docs/工作簿.md#默认清单), from branch practice: 时段, 类别, 事项, 标准,
# 责任岗位, 频次, 计量. A new workbook starts with it in 清单项目; the branch edits it there.
DEFAULT_ITEMS: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (
        "营业前",
        "会议",
        "晨会",
        "开门前召开，当班人员全部参加；讲清今日重点产品和目标，交接昨日推荐卡",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业前",
        "运营",
        "现金尾箱及重要空白凭证交接",
        "双人交接，当面清点现金、尾箱和重要空白凭证，登记并签字",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业前",
        "环境",
        "厅堂环境6S",
        "低柜、理财室、等候区、安检门整洁有序，物品定置摆放，宣传折页齐全",
        "大堂经理",
        "每日",
        "",
    ),
    (
        "营业前",
        "设备",
        "设备开机检查",
        "超柜、自助机具、叫号机、LED屏开机正常；故障当即报修并登记",
        "大堂经理",
        "每日",
        "",
    ),
    (
        "营业前",
        "服务",
        "公示公告与利率牌",
        "公示公告齐全有效，利率牌与当日挂牌一致",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业前",
        "服务",
        "仪容仪表",
        "统一着装、佩戴工牌，仪容整洁；保安站姿规范",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业前",
        "服务",
        "开门迎客",
        "按时开门，大堂经理在门口迎候、问候第一批客户",
        "大堂经理",
        "每日",
        "",
    ),
    (
        "营业中",
        "服务",
        "厅堂分区巡查",
        "按1、2、3号责任区巡视，每小时至少一次，客户有人接待",
        "大堂经理",
        "每日",
        "",
    ),
    (
        "营业中",
        "服务",
        "分流引导",
        "主动询问来办业务的客户，引导到自助设备或对应窗口",
        "服务经理、大堂经理",
        "每日",
        "",
    ),
    (
        "营业中",
        "运营",
        "高峰弹班补位",
        "等候客户较多时启动补位，开足窗口，低柜人员到厅堂补位",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业中",
        "服务",
        "柜面服务抽查",
        "抽查柜面服务流程至少2人次，问题当场纠正",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业中",
        "运营",
        "内勤行长走动管理",
        "到外厅巡视厅堂和柜面，处理现场问题",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业中",
        "营销",
        "电话外呼",
        "按名单外呼并在追踪表记录结果",
        "理财经理",
        "每日",
        "外呼户数",
    ),
    (
        "营业中",
        "营销",
        "厅堂微沙龙",
        "按计划在厅堂举办微沙龙，记录参加客户",
        "理财经理",
        "每周三",
        "沙龙场次",
    ),
    (
        "营业中",
        "营销",
        "外拓营销",
        "走访周边商户或社区，记录走访户数和意向客户",
        "客户经理",
        "每周五",
        "外拓户数",
    ),
    (
        "营业中",
        "营销",
        "到期及闲置资金客户跟进",
        "当日到期理财、大额流入流出客户逐一联系",
        "理财经理",
        "每日",
        "",
    ),
    (
        "营业中",
        "服务",
        "客户意见簿",
        "查看意见簿，当天的意见当天回复并登记",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业中",
        "服务",
        "投诉及95热线工单",
        "工单当天响应，处理结果登记",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业中",
        "运营",
        "大额取现预约核对",
        "核对预约登记与现金备付，5万元以上二次核实身份",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业中",
        "运营",
        "双录及适当性检查",
        "当日理财、基金、保险销售逐笔核对双录（录音录像）、风险测评和适当性匹配",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业后",
        "营销",
        "每日数据与追踪表",
        "每日数据、追踪表当天录入完整",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业后",
        "营销",
        "推荐卡核对",
        "当天推荐卡与追踪表逐张核对，交接到人",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业后",
        "会议",
        "夕会",
        "按时召开，记录主持人、参加人员和会议类型",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业后",
        "培训",
        "晚课",
        "话术演练或产品学习不少于15分钟",
        "厅堂主管",
        "每日",
        "",
    ),
    (
        "营业后",
        "运营",
        "日终轧账与账实核对",
        "日终轧账平衡；现金、尾箱和重要空白凭证账实相符，双人签字",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业后",
        "运营",
        "营业终了安全检查",
        "安保、消防、门窗、监控逐项检查，电源关闭、尾箱入库，登记签字",
        "内勤行长",
        "每日",
        "",
    ),
    (
        "营业后",
        "会议",
        "周例会",
        "全员参加，回顾本周指标、案例和之星",
        "厅堂主管",
        "每周五",
        "",
    ),
    (
        "营业后",
        "设备",
        "消防及应急设备月检",
        "灭火器、应急灯、报警装置逐一检查并签字",
        "内勤行长",
        "每月末",
        "",
    ),
)
# The meetings and training the weekly workbook counts as held (docs/工作簿.md#默认清单,
# docs/口径.md#夕会议程).
MEETING_ITEMS = ("晨会", "夕会", "晚课")
EVENING_MEETING = MEETING_ITEMS[1]  # the item that marks when the 夕会 looks at the day


def same_item(name: str | None) -> str:
    """How item names are compared: '厅堂环境 6S' and '厅堂环境6S' are one item."""
    return "".join((name or "").split())


# ---------------------------------------------------------------- the catalogue


@dataclass(frozen=True)
class Item:
    """One row of 清单项目."""

    period: Slot | str  # 时段 ('' blank; text typed outside the list as typed)
    category: str
    name: str  # 事项
    standard: str
    roles: tuple[str, ...]  # 责任岗位
    frequency: str  # 频次 as typed ('' = every day)
    measure: str  # 计量, '' when the item records no quantity
    row: int


_ROLE_SPLIT = re.compile(r"[、，,;；/\s]+")


def items(table: Table) -> list[Item]:
    """清单项目 in its order; an item listed twice counts once (the first row)."""
    found: dict[str, Item] = {}
    for period, category, name, standard, roles, frequency, measure, row in table.zip(
        "period", "category", "item", "standard", "roles", "frequency", "measure", "row"
    ):
        if name and same_item(name) not in found:
            found[same_item(name)] = Item(
                period or "",
                category or "",
                name,
                standard or "",
                tuple(r for r in _ROLE_SPLIT.split(roles or "") if r),
                frequency or "",
                measure or "",
                row,
            )
    return list(found.values())


def default_items() -> list[Item]:
    """DEFAULT_ITEMS as 清单项目 reads them (rows 2, 3…)."""
    slots = members_by_word(SLOT_WORDS)
    return [
        Item(slots[slot], category, name, standard, tuple(roles.split("、")), frequency, measure, n)
        for n, (slot, category, name, standard, roles, frequency, measure) in enumerate(
            DEFAULT_ITEMS, start=2
        )
    ]


def is_due(frequency: str, day: dt.date, is_open: Callable[[dt.date], bool]) -> bool:
    """频次 (docs/口径.md#管理清单): 每日 (or blank, or anything not understood) every day; 每周五
    on Fridays; 每月末 on the month's last day the branch opens."""
    if frequency in WEEKDAY_FREQUENCIES:
        return day.weekday() == WEEKDAY_FREQUENCIES[frequency]
    if frequency == MONTH_END:
        _, last = month_bounds(day)
        later = (day + dt.timedelta(n) for n in range(1, (last - day).days + 1))
        return not any(map(is_open, later))
    return True  # EVERY_DAY, blank, or a 频次 not understood (a warning in 数据问题)


def due_items(
    catalogue: list[Item], day: dt.date, is_open: Callable[[dt.date], bool]
) -> list[Item]:
    """The items due on `day`, 营业前 first, in the catalogue's order within each 时段."""
    due = [i for i in catalogue if is_due(i.frequency, day, is_open)]
    return sorted(due, key=lambda i: slot_rank(i.period))


def slot_rank(slot: Slot | str) -> int:
    return SLOT_ORDER[slot] if isinstance(slot, Slot) else len(SLOT_ORDER)


def after_meeting(catalogue: list[Item]) -> frozenset[str]:
    """The items (compared by `same_item`) whose time has not come when the 夕会 looks at the
    day (docs/口径.md#待完成): those of 营业后 from the 夕会 item on, in 清单项目's order — the
    夕会 itself, 晚课, 日终轧账, the security check. Without a 夕会 item, all of 营业后."""
    evening = [i for i in catalogue if i.period is Slot.AFTER_CLOSING]
    start = next(
        (n for n, i in enumerate(evening) if same_item(i.name) == same_item(EVENING_MEETING)), 0
    )
    return frozenset(same_item(i.name) for i in evening[start:])


# ---------------------------------------------------------------- the records


@dataclass(frozen=True)
class Entry:
    """One row of 每日清单, as the figures see it."""

    date: dt.date
    period: Slot | str
    item: str
    owner: str
    # None when blank; text that is no state stays as typed (an error, listed in 数据问题)
    state: ChecklistState | str | None
    quantity: int | None
    problem: str
    fix: str
    fix_owner: str
    fix_due: dt.date | None
    row: int

    @property
    def counted(self) -> bool:
        """Due and counted: 不适用 is left out, and so is a 完成情况 nobody can read (an error,
        listed in 数据问题). A blank one on or before D was not done."""
        return self.state in (DONE, NOT_DONE, None)


def entries(table: Table, catalogue: list[Item], day: dt.date) -> list[Entry]:
    """每日清单's rows dated on or before D; a blank 时段 is the catalogue item's."""
    period_of = {same_item(i.name): i.period for i in catalogue}
    found = []
    for (
        date,
        period,
        item,
        owner,
        state,
        quantity,
        problem,
        fix,
        fix_owner,
        fix_due,
        row,
    ) in table.zip(
        "date",
        "period",
        "item",
        "owner",
        "state",
        "quantity",
        "problem",
        "fix",
        "fix_owner",
        "fix_due",
        "row",
    ):
        if not isinstance(date, dt.date) or date > day or not item:
            continue
        found.append(
            Entry(
                date,
                period or period_of.get(same_item(item), ""),
                item,
                owner or "",
                state,
                quantity if isinstance(quantity, int) else None,
                problem or "",
                fix or "",
                fix_owner or "",
                fix_due if isinstance(fix_due, dt.date) else None,
                row,
            )
        )
    return found


# ---------------------------------------------------------------- figures


@dataclass
class Tally:
    due: int = 0
    done: int = 0

    @property
    def not_done(self) -> int:
        return self.due - self.done

    @property
    def rate(self) -> float | None:
        return self.done / self.due if self.due else None

    def add(self, done: bool) -> None:
        self.due += 1
        self.done += done


@dataclass(frozen=True)
class Missed:
    """An item due and not done."""

    date: dt.date
    item: str
    period: Slot | str
    owner: str


@dataclass(frozen=True)
class Found:
    """A problem found on a round (发现问题), with how it is being fixed."""

    date: dt.date
    item: str
    problem: str
    fix: str
    owner: str  # 整改责任人, else the item's 责任人
    due: dt.date | None  # 整改期限
    row: int

    @property
    def action(self) -> str:
        """Its 行动计划 row's 事项: the key that links the two, then the measure if there is one."""
        return fix_key(self.item, self.problem) + (f"：{self.fix}" if self.fix else "")


@dataclass
class ChecklistFigures:
    """The checklist over one period (docs/口径.md#管理清单): items due, done and not, by item, 时段
    and 责任人; the problems found; the quantities recorded."""

    total: Tally = field(default_factory=Tally)
    by_item: dict[str, Tally] = field(default_factory=dict)  # item name -> tally
    by_period: dict[Slot | str, Tally] = field(default_factory=dict)  # 时段 -> tally
    by_owner: dict[str, Tally] = field(default_factory=dict)
    missed: list[Missed] = field(default_factory=list)
    found: list[Found] = field(default_factory=list)
    quantities: dict[str, float] = field(default_factory=dict)  # 计量 -> the branch's total
    marks: dict[tuple[str, dt.date], ChecklistState] = field(default_factory=dict)  # (item, day)
    days: list[dt.date] = field(default_factory=list)  # the days with a record
    by_day: dict[dt.date, Tally] = field(default_factory=dict)
    # D's items whose time had not come at the 夕会 (待完成): not counted yet, listed as such
    pending: list[Missed] = field(default_factory=list)

    @property
    def due(self) -> int:
        return self.total.due

    @property
    def done(self) -> int:
        return self.total.done

    @property
    def rate(self) -> float | None:
        return self.total.rate

    def held(self, name: str) -> Tally:
        """How often a meeting item (晨会, 夕会, 晚课) was due and done in the period."""
        return self.by_item.get(name, Tally())


_MARK_RANK = {NOT_DONE: 0, PENDING: 1, DONE: 2, NOT_APPLICABLE: 3}


def measure_of(catalogue: list[Item]) -> dict[str, str]:
    """Item (compared by `same_item`) -> its 计量."""
    return {same_item(i.name): i.measure for i in catalogue if i.measure}


def tally(rows: list[Entry], catalogue: list[Item], period: Period) -> ChecklistFigures:
    """The period's checklist as of the evening of its last day D: on D, an item after the 夕会
    with nothing typed yet is 待完成 — not counted, neither done nor missed — until the next
    morning (docs/口径.md#待完成); a state a person typed counts as typed."""
    figures = ChecklistFigures()
    # Items in the catalogue's order (by 时段), then any the catalogue does not have.
    listed = sorted(catalogue, key=lambda i: slot_rank(i.period))
    names = {same_item(i.name): i.name for i in listed}
    measures = measure_of(catalogue)
    later = after_meeting(catalogue)
    days = set()
    for entry in rows:
        if entry.date not in period.days:
            continue
        days.add(entry.date)
        key = same_item(entry.item)
        name = names.setdefault(key, entry.item)
        pending = entry.state is None and entry.date == period.end and key in later
        if pending:
            figures.pending.append(Missed(entry.date, name, entry.period, entry.owner))
            mark: ChecklistState | None = PENDING
        elif entry.counted or entry.state is NOT_APPLICABLE:
            mark = entry.state if isinstance(entry.state, ChecklistState) else NOT_DONE
        else:
            mark = None
        if mark is not None:
            # Two rows for one item and day: the worse one shows.
            before = figures.marks.get((name, entry.date), mark)
            figures.marks[(name, entry.date)] = min(before, mark, key=_MARK_RANK.__getitem__)
        if entry.counted and not pending:
            done = entry.state is DONE
            for tallies, label in (
                (figures.by_item, name),
                (figures.by_period, entry.period),
                (figures.by_owner, entry.owner or UNNAMED),
            ):
                tallies.setdefault(label, Tally()).add(done)
            figures.by_day.setdefault(entry.date, Tally()).add(done)
            figures.total.add(done)
            if not done:
                figures.missed.append(Missed(entry.date, name, entry.period, entry.owner))
        measure = measures.get(key)
        if measure and entry.quantity is not None:
            figures.quantities[measure] = figures.quantities.get(measure, 0.0) + entry.quantity
        if entry.problem:
            figures.found.append(as_found(entry, name))
    rank = {name: n for n, name in enumerate(names.values())}
    figures.by_item = dict(sorted(figures.by_item.items(), key=lambda kv: rank[kv[0]]))
    figures.by_period = dict(sorted(figures.by_period.items(), key=lambda kv: slot_rank(kv[0])))
    figures.by_owner = dict(sorted(figures.by_owner.items()))
    figures.missed.sort(key=lambda m: (m.date, slot_rank(m.period), rank[m.item]))
    figures.pending.sort(key=lambda m: rank[m.item])
    figures.days = sorted(days)
    return figures


def completion(rows: list[Entry], period: Period) -> ChecklistFigures:
    """Only the period's items due and done, counted as `tally` counts them: what a parent
    branch's rollup compares (清单完成率), without the detail by item, 时段 and 责任人."""
    figures = ChecklistFigures()
    for entry in rows:
        if entry.counted and entry.date in period.days:
            figures.total.add(entry.state == DONE)
    return figures


def as_found(entry: Entry, name: str = "") -> Found:
    """A row's 发现问题 with its 整改; `name` is the item as 清单项目 spells it."""
    return Found(
        entry.date,
        name or entry.item,
        entry.problem,
        entry.fix,
        entry.fix_owner or entry.owner,
        entry.fix_due,
        entry.row,
    )


def quantities_by_day(
    rows: list[Entry], catalogue: list[Item]
) -> dict[tuple[dt.date, str, str], float]:
    """(date, 责任人, 计量) -> quantity: what each person's rows add to their indicators."""
    measures = measure_of(catalogue)
    totals: dict[tuple[dt.date, str, str], float] = {}
    for entry in rows:
        measure = measures.get(same_item(entry.item))
        if measure and entry.quantity is not None:
            key = (entry.date, entry.owner, measure)
            totals[key] = totals.get(key, 0.0) + entry.quantity
    return totals


# ---------------------------------------------------------------- problems still open

NO_FIX, OVERDUE, IN_PROGRESS = FixState.NO_FIX, FixState.OVERDUE, FixState.IN_PROGRESS


def fix_key(item: str, problem: str) -> str:
    """The start of a problem's 行动计划 事项: the same problem found again is the same action."""
    return f"整改：{problem}（{item}）"


@dataclass(frozen=True)
class OpenFix:
    """A problem found and not yet closed on D."""

    found: Found  # the latest sighting: its 整改措施, 责任人 and 期限 are the current ones
    first_found: dt.date
    state: FixState  # NO_FIX (no 整改措施 yet) / OVERDUE (整改期限 passed) / IN_PROGRESS

    @property
    def still_open(self) -> bool:
        """docs/口径.md#未整改: still open when there is no 整改措施, or its 整改期限 has passed."""
        return self.state in (NO_FIX, OVERDUE)


def has_action(found: Found, action_items: Iterable[str]) -> bool:
    """Whether 行动计划 has this problem's 整改 row (whatever measure it names)."""
    key = same_item(fix_key(found.item, found.problem))
    return any(same_item(item).startswith(key) for item in action_items)


def open_fixes(rows: list[Entry], actions: Table, day: dt.date) -> list[OpenFix]:
    """Problems found on or before D whose 整改 row in 行动计划 is not 已完成, oldest first. The
    same problem found again on a later round is one problem, as of its latest sighting."""
    closed = [
        item
        for item, state, raised in actions.zip("item", "state", "raised_on")
        if item and state is ActionState.DONE and not (isinstance(raised, dt.date) and raised > day)
    ]
    latest: dict[str, tuple[Found, dt.date]] = {}
    for entry in sorted(rows, key=lambda e: (e.date, e.row)):
        if not entry.problem:
            continue
        key = same_item(fix_key(entry.item, entry.problem))
        first = latest[key][1] if key in latest else entry.date
        latest[key] = (as_found(entry), first)
    result = []
    for found, first in latest.values():
        if has_action(found, closed):
            continue
        if not found.fix:
            state = NO_FIX
        elif found.due is not None and found.due < day:
            state = OVERDUE
        else:
            state = IN_PROGRESS
        result.append(OpenFix(found, first, state))
    return sorted(result, key=lambda f: (f.first_found, f.found.row))


def owners_on_duty(item: Item, present: Iterable[str], roles: dict[str, str]) -> list[str]:
    """The on-duty people holding one of the item's 责任岗位, in the item's role order."""
    present = list(present)
    return [n for role in item.roles for n in present if roles.get(n) == role]


def owner_of(
    item: Item, present: Iterable[str], roles: dict[str, str], head: str, host: str
) -> tuple[str, bool]:
    """Who answers for an item on a day (docs/工作簿.md#填写): the first on-duty holder of its
    责任岗位, else 设置 网点负责人 (who owns what has no other owner), else the meeting's host;
    and whether it fell back — '' when there is nobody to name."""
    holders = owners_on_duty(item, present, roles)
    if holders:
        return holders[0], False
    return head or host, True
