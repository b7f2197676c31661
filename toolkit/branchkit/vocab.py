"""branchkit's own notions — every closed set the code decides on — and the Chinese words for them.

Each closed set is an Enum whose values are English keys ("month", "behind", "daily"); the core
compares and branches on members only. Each has one table of Chinese words here: `schema` and
`settings` read a workbook's words (Simplified, Traditional or the English key) into members
through those tables, and the tabs, `--json`, the templates and click's text turn members back into
words through the same tables. Words that are the *workbook's* data (sheet and column names,
indicators, roles, products) live in `schema.py` instead.
"""

from __future__ import annotations

from collections.abc import Mapping
from enum import Enum
from typing import TypeVar


class Key(str, Enum):
    """A member of one of branchkit's closed sets. It *is* its English key (`Pace.BEHIND ==
    "behind"`, same hash), so `--json`, a DuckDB column and a template's `pace == "behind"` carry it
    as text, and it prints as that key in every Python version (never as a Chinese word: those
    come from the word tables below)."""

    def __str__(self) -> str:
        return str(self.value)


K = TypeVar("K", bound=Key)


def word(words: Mapping[K, str], value: K | str | None) -> str:
    """How a value reads in the workbook: a member's word; text that is no member (a choice typed
    outside the list, kept as the person wrote it) as it is; '' for None."""
    if value is None:
        return ""
    return words.get(value, value)  # type: ignore[call-overload, no-any-return]


def members_by_word(words: Mapping[K, str]) -> dict[str, K]:
    """A word table read backwards: the exact Simplified word -> its member."""
    return {text: member for member, text in words.items()}


# ---------------------------------------------------------------- periods


class PeriodKind(Key):
    """The three periods every figure is computed for: the day D, the ISO week to D, the month
    to D (docs/口径.md#期间)."""

    DAY = "day"
    WEEK = "week"
    MONTH = "month"


DAY, WEEK, MONTH = PeriodKind.DAY, PeriodKind.WEEK, PeriodKind.MONTH
PERIOD_KINDS = tuple(PeriodKind)
PERIOD_LETTERS = {DAY: "日", WEEK: "周", MONTH: "月"}  # `--json` 期间
PERIOD_TITLES = {DAY: "当日", WEEK: "本周至今", MONTH: "本月至今"}  # tab captions
STAR_TITLES = {DAY: "每日之星", WEEK: "每周之星", MONTH: "每月之星"}


# ---------------------------------------------------------------- meetings


class Meeting(Key):
    """The meetings an agenda is made for: the three kinds of 夕会, and the 晨会."""

    DAILY = "daily"
    WEEKLY = "weekly"
    MONTHLY = "monthly"
    MORNING = "morning"  # 晨会: 10 minutes before opening


DAILY, WEEKLY, MONTHLY, MORNING = Meeting.DAILY, Meeting.WEEKLY, Meeting.MONTHLY, Meeting.MORNING
MEETING_NAMES = {DAILY: "日例会", WEEKLY: "周例会", MONTHLY: "月例会", MORNING: "晨会"}
MEETING_PERIODS = {DAILY: DAY, WEEKLY: WEEK, MONTHLY: MONTH, MORNING: DAY}
EVENING_MEETINGS = (DAILY, WEEKLY, MONTHLY)  # the kinds of 夕会
AGENDA_SHEETS = {MORNING: "晨会议程"}  # the tab an agenda is written to; 夕会议程 for the rest
EVENING_AGENDA_SHEET = "夕会议程"
# 夕会 is what the branch calls its evening meeting; on a plain day that is the 日例会.
MEETING_ALIASES = {"夕会": DAILY}


def agenda_sheet_name(meeting: Meeting) -> str:
    return AGENDA_SHEETS.get(meeting, EVENING_AGENDA_SHEET)


def meeting_kind(text: str) -> Meeting | None:
    """'weekly', '周例会' -> WEEKLY, '晨会' -> MORNING, '夕会' -> DAILY; None otherwise."""
    text = text.strip()
    if text in MEETING_ALIASES:
        return MEETING_ALIASES[text]
    return next((m for m, name in MEETING_NAMES.items() if text in (m.value, name)), None)


class Focus(Key):
    """What a 夕会's second section is about (docs/口径.md#夕会重点). 设置 / 控制台 夕会重点 may
    choose MARKETING, SERVICE or OPERATIONS; AUTO leaves it to the pace, which gives MARKETING or
    SERVICE_OPERATIONS, or NONE when there are no targets to judge by."""

    AUTO = "auto"
    MARKETING = "marketing"
    SERVICE = "service"
    OPERATIONS = "operations"
    SERVICE_OPERATIONS = "service_operations"
    NONE = "none"


FOCUS_WORDS = {  # 设置 and 控制台 夕会重点, in the order the dropdown offers them
    Focus.AUTO: "自动",
    Focus.MARKETING: "营销",
    Focus.SERVICE: "服务",
    Focus.OPERATIONS: "运营",
}
CHOSEN_FOCUSES = (Focus.MARKETING, Focus.SERVICE, Focus.OPERATIONS)


class HostKind(Key):
    """Who hosts: the lobby supervisor, the stand-in 设置 names, or nobody known yet."""

    SUPERVISOR = "supervisor"
    NAMED = "named"
    MISSING = "missing"


class TrainingSource(Key):
    """Where section 3's topic comes from: 设置 培训主题, the period's risk case, the weakest
    indicator's script, or the phone-invitation script."""

    SETTING = "setting"
    RISK_CASE = "risk_case"
    WEAKEST = "weakest"
    DEFAULT = "default"


# ---------------------------------------------------------------- pace


class Pace(Key):
    """Completion against time progress, within 进度容差 (docs/口径.md#进度)."""

    AHEAD = "ahead"
    ON_PACE = "on_pace"
    BEHIND = "behind"


AHEAD, ON_PACE, BEHIND = Pace.AHEAD, Pace.ON_PACE, Pace.BEHIND
PACE_LABELS = {AHEAD: "超出进度", ON_PACE: "正常进度", BEHIND: "低于进度"}


def pace_label(pace: Pace | None) -> str:
    return PACE_LABELS.get(pace, "") if pace else ""


# ---------------------------------------------------------------- the settings' choices


class CreditMode(Key):
    """设置 业绩口径: how a referred sale of money is credited (docs/口径.md#业绩记分)."""

    SPLIT = "split"  # 分润: the referrer r × A, the receiver (1 − r) × A
    DOUBLE = "double"  # 双计: both the whole amount


CREDIT_MODE_WORDS = {CreditMode.SPLIT: "分润", CreditMode.DOUBLE: "双计"}


class CountCredit(Key):
    """设置 计数归属: who is credited a count (a card, a sign-up), never split
    (docs/口径.md#计数类指标)."""

    BOTH = "both"
    RECEIVER = "receiver"
    REFERRER = "referrer"


COUNT_CREDIT_WORDS = {
    CountCredit.BOTH: "双计",
    CountCredit.RECEIVER: "接收人",
    CountCredit.REFERRER: "推荐人",
}


class DayBasis(Key):
    """设置 时间进度口径: which days time progress counts (docs/口径.md#时间进度)."""

    CALENDAR = "calendar"
    WORK = "work"


DAY_BASIS_WORDS = {DayBasis.CALENDAR: "自然日", DayBasis.WORK: "工作日"}


# ---------------------------------------------------------------- units


class Unit(Key):
    """产品 单位: what a product's amounts are typed in. Money is split by 分润 and parsed by its
    scale ('20万' of a 万元 product is 20); a count is one thing, never split into fractions
    (docs/口径.md#计数类指标)."""

    WAN_YUAN = "wan_yuan"  # 万元
    YUAN = "yuan"
    CARD = "card"  # 张: a credit card
    ACCOUNT = "account"  # 户: a mobile-banking sign-up
    DEAL = "deal"  # 笔

    @property
    def is_money(self) -> bool:
        return self in YUAN_PER_UNIT

    @property
    def is_count(self) -> bool:
        return not self.is_money

    @property
    def cap(self) -> float:
        """The largest believable amount of one sale in this unit, unless 产品 单笔上限 says
        (docs/口径.md#数据错误)."""
        return DEFAULT_CAPS.get(self, COUNT_CAP)


UNIT_WORDS = {
    Unit.WAN_YUAN: "万元",
    Unit.YUAN: "元",
    Unit.CARD: "张",
    Unit.ACCOUNT: "户",
    Unit.DEAL: "笔",
}
YUAN_PER_UNIT = {Unit.WAN_YUAN: 1e4, Unit.YUAN: 1.0}
DEFAULT_CAPS = {Unit.WAN_YUAN: 10_000.0, Unit.YUAN: 100_000_000.0}
COUNT_CAP = 1_000.0  # a count, or a unit branchkit does not know


def unit_word(unit: Unit | str | None) -> str:
    """A unit as the workbook writes it ('万元'); a unit typed outside the list as typed."""
    return word(UNIT_WORDS, unit)


def measure_unit(measure: str) -> str:
    """The unit a checklist quantity (清单项目 计量) counts in, from its name: 外呼户数 -> 户,
    沙龙场次 -> 场, 上门次数 -> 次; '' when the name does not say."""
    if measure.endswith("场次"):
        return "场"
    if measure.endswith("数") and len(measure) > 1:
        return measure[-2]
    return ""


# ---------------------------------------------------------------- the checklist (docs/口径.md#管理清单)


class Slot(Key):
    """清单项目 / 每日清单 时段: when in the day an item is done."""

    BEFORE_OPENING = "before_opening"  # 营业前
    OPEN = "open"  # 营业中
    AFTER_CLOSING = "after_closing"  # 营业后


SLOT_WORDS = {Slot.BEFORE_OPENING: "营业前", Slot.OPEN: "营业中", Slot.AFTER_CLOSING: "营业后"}


class ChecklistState(Key):
    """每日清单 完成情况 (docs/口径.md#管理清单). PENDING (待完成) names an item of 营业后 that is
    not yet due when a meeting looks at the day; nobody types it, and the figures do not give it
    yet."""

    DONE = "done"
    NOT_DONE = "not_done"
    NOT_APPLICABLE = "not_applicable"
    PENDING = "pending"


CHECKLIST_STATE_WORDS = {  # the first three are what 每日清单 accepts
    ChecklistState.DONE: "已完成",
    ChecklistState.NOT_DONE: "未完成",
    ChecklistState.NOT_APPLICABLE: "不适用",
    ChecklistState.PENDING: "待完成",
}
TYPED_CHECKLIST_STATES = (
    ChecklistState.DONE,
    ChecklistState.NOT_DONE,
    ChecklistState.NOT_APPLICABLE,
)


class ActionState(Key):
    """行动计划 状态: an action item (or a 整改) is open until someone sets it 已完成."""

    OPEN = "open"
    DONE = "done"


ACTION_STATE_WORDS = {ActionState.OPEN: "未完成", ActionState.DONE: "已完成"}


class FixState(Key):
    """A problem found on a round and not closed: no 整改措施 yet, its 整改期限 passed, or being
    fixed (docs/口径.md#未整改)."""

    NO_FIX = "no_fix"
    OVERDUE = "overdue"
    IN_PROGRESS = "in_progress"


FIX_STATES = {
    FixState.NO_FIX: "未定整改措施",
    FixState.OVERDUE: "已过整改期限",
    FixState.IN_PROGRESS: "整改中",
}


# ---------------------------------------------------------------- cases


class CaseCategory(Key):
    """案例 类别: which side of the branch's work a case is about."""

    MARKETING = "marketing"
    SERVICE = "service"
    OPERATIONS = "operations"


CASE_CATEGORY_WORDS = {
    CaseCategory.MARKETING: "营销",
    CaseCategory.SERVICE: "服务",
    CaseCategory.OPERATIONS: "运营",
}


class CaseNature(Key):
    """案例 性质."""

    HIGHLIGHT = "highlight"
    PROBLEM = "problem"
    RISK = "risk"
    COMPLAINT = "complaint"


CASE_NATURE_WORDS = {
    CaseNature.HIGHLIGHT: "亮点",
    CaseNature.PROBLEM: "问题",
    CaseNature.RISK: "风险",
    CaseNature.COMPLAINT: "投诉",
}


# ---------------------------------------------------------------- roles


SUPERVISOR = "厅堂主管"


class RoleGroup(Key):
    """Roles ranked together, and the figure they are ranked by (docs/口径.md#排名)."""

    ASSISTANTS = "assistants"
    SERVICE = "service"
    WEALTH = "wealth"


ASSISTANTS, SERVICE, WEALTH = RoleGroup.ASSISTANTS, RoleGroup.SERVICE, RoleGroup.WEALTH
ROLE_GROUPS: dict[RoleGroup, tuple[str, ...]] = {
    ASSISTANTS: ("客户助理", "柜员"),
    SERVICE: ("大堂经理", "服务经理"),
    WEALTH: ("理财经理", "客户经理"),
}
ROLE_GROUP_TITLES = {
    ASSISTANTS: "客户助理/柜员",
    SERVICE: "大堂经理/服务经理",
    WEALTH: "理财经理/客户经理",
}
ROLE_GROUP_MEASURES = {
    ASSISTANTS: "转介成功数",
    SERVICE: "自主销售+转介数",
    WEALTH: "记分业绩(万元)",
}
_GROUP_OF_ROLE = {role: group for group, roles in ROLE_GROUPS.items() for role in roles}


def role_group(role: str) -> RoleGroup | None:
    """The ranking group of a role, or None for roles ranked only overall."""
    return _GROUP_OF_ROLE.get(role)


# ---------------------------------------------------------------- sales


class SaleKind(Key):
    """How a sale reached its receiver: through a card, through a referrer with no card
    (无卡转介), from a referrer of another branch whose card is in that branch's workbook
    (跨网点转介), or on their own (docs/口径.md#对账与匹配)."""

    REFERRED = "referred"
    UNVERIFIED = "unverified"
    CROSS_BRANCH = "cross_branch"
    OWN = "own"


REFERRED, UNVERIFIED, OWN = SaleKind.REFERRED, SaleKind.UNVERIFIED, SaleKind.OWN
CROSS_BRANCH = SaleKind.CROSS_BRANCH
SALE_KINDS = {REFERRED: "转介", UNVERIFIED: "无卡转介", CROSS_BRANCH: "跨网点转介", OWN: "自主"}
