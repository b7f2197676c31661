"""branchkit's own notions and the Chinese words for them, in one place (SPEC §3, §4, §7).

The core speaks English keys ("month", "behind", "weekly"); the tabs, `--json` and the templates
turn them into the workbook's words through these maps. Words that are the *workbook's* data
(sheet and column names, indicators, roles) live in `schema.py` instead.
"""

from __future__ import annotations

# ---------------------------------------------------------------- periods

DAY, WEEK, MONTH = "day", "week", "month"
PERIOD_KINDS = (DAY, WEEK, MONTH)
PERIOD_LETTERS = {DAY: "日", WEEK: "周", MONTH: "月"}  # `--json` 期间
PERIOD_TITLES = {DAY: "当日", WEEK: "本周至今", MONTH: "本月至今"}  # tab captions
STAR_TITLES = {DAY: "每日之星", WEEK: "每周之星", MONTH: "每月之星"}


def period_kind(text: str) -> str:
    """'month', '月' -> 'month'; ValueError for anything else."""
    for kind, letter in PERIOD_LETTERS.items():
        if text in (kind, letter):
            return kind
    raise ValueError(text)


# ---------------------------------------------------------------- meetings

DAILY, WEEKLY, MONTHLY = "daily", "weekly", "monthly"
MORNING = "morning"  # 晨会: 10 minutes before opening (SPEC §4)
MEETING_NAMES = {DAILY: "日例会", WEEKLY: "周例会", MONTHLY: "月例会", MORNING: "晨会"}
MEETING_PERIODS = {DAILY: DAY, WEEKLY: WEEK, MONTHLY: MONTH, MORNING: DAY}
EVENING_MEETINGS = (DAILY, WEEKLY, MONTHLY)  # the kinds of 夕会
AGENDA_SHEETS = {MORNING: "晨会议程"}  # the tab an agenda is written to; 夕会议程 for the rest
EVENING_AGENDA_SHEET = "夕会议程"


def agenda_sheet_name(meeting: str) -> str:
    return AGENDA_SHEETS.get(meeting, EVENING_AGENDA_SHEET)


# 夕会 is what the branch calls its evening meeting; on a plain day that is the 日例会.
MEETING_ALIASES = {"夕会": DAILY}


def meeting_kind(text: str) -> str | None:
    """'weekly', '周例会' -> 'weekly', '晨会' -> 'morning', '夕会' -> 'daily'; None otherwise."""
    text = text.strip()
    if text in MEETING_ALIASES:
        return MEETING_ALIASES[text]
    for kind, name in MEETING_NAMES.items():
        if text in (kind, name):
            return kind
    return None


# ---------------------------------------------------------------- pace (SPEC §3 Status)

# ---------------------------------------------------------------- the checklist (SPEC §3)

FIX_STATES = {"no_fix": "未定整改措施", "overdue": "已过整改期限", "in_progress": "整改中"}

AHEAD, ON_PACE, BEHIND = "ahead", "on_pace", "behind"
PACE_LABELS = {AHEAD: "超出进度", ON_PACE: "正常进度", BEHIND: "低于进度"}


def pace_label(pace: str | None) -> str:
    return PACE_LABELS.get(pace or "", "")


# ---------------------------------------------------------------- roles

SUPERVISOR = "厅堂主管"
# Roles ranked together, and the figure they are ranked by (SPEC §3 Rankings).
ASSISTANTS, SERVICE, WEALTH = "assistants", "service", "wealth"
ROLE_GROUPS: dict[str, tuple[str, ...]] = {
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


def role_group(role: str) -> str:
    """The ranking group of a role, or '' for roles ranked only overall."""
    return next((group for group, roles in ROLE_GROUPS.items() if role in roles), "")


# ---------------------------------------------------------------- sales

REFERRED, UNVERIFIED, OWN = "referred", "unverified", "own"  # how a sale reached its receiver
SALE_KINDS = {REFERRED: "转介", UNVERIFIED: "无卡转介", OWN: "自主"}
