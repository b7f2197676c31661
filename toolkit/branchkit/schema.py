"""The branch workbook's input sheets, declared once (docs/工作簿.md#输入表).

Everything that needs to know a sheet or a column — the reader, the blank template, the 说明
sheet, the README's column table — reads it from here, so a column added here appears everywhere.
Chinese strings live here (and in the templates), not in the logic.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from enum import Enum
from typing import Any

from .vocab import (
    ACTION_STATE_WORDS,
    CASE_CATEGORY_WORDS,
    CASE_NATURE_WORDS,
    CHECKLIST_STATE_WORDS,
    SLOT_WORDS,
    TYPED_CHECKLIST_STATES,
    UNIT_WORDS,
    Key,
)


class Kind(str, Enum):
    """How a cell's hand-typed value is parsed (see parse.py)."""

    TEXT = "text"
    NAME = "name"  # a person's name: inner spaces removed
    DATE = "date"
    AMOUNT = "amount"  # 20万, 1.5万, 3,000, 5千 — converted to the product's unit
    NUMBER = "number"  # a plain number (targets, ratios)
    COUNT = "count"  # a whole number ≥ 0
    YESNO = "yesno"
    CHOICE = "choice"
    PHONE = "phone"
    ID_NUMBER = "id_number"
    NAMES = "names"  # several names in one cell, separated by 、，, or spaces


@dataclass(frozen=True)
class Column:
    key: str  # English identifier used in code
    header: str  # the Simplified-Chinese header written in templates
    kind: Kind = Kind.TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    aliases: tuple[
        str, ...
    ] = ()  # English and other Chinese spellings (Traditional comes from OpenCC)
    help: str = ""  # one plain-Chinese line for the 说明 sheet
    width: float = 12
    choices_from: str = ""  # "sheet.column" whose values feed a dropdown (e.g. products)
    # Prose a person types (notes, case descriptions): a phone or ID number in it is masked
    # when read, so it leaves the input sheets masked wherever it is shown (docs/工作簿.md#脱敏).
    free_text: bool = False
    strict: bool = False  # a choice outside the list is an 错误 (the row's figure cannot count)
    # The choices are suggestions (the dropdown offers them) and any other word is as good: a
    # branch names its own indicators (个人养老金), so 指标 is an open list, never refused.
    open_choices: bool = False
    # A closed set of branchkit's (vocab): each member and the word the sheet writes for it. The
    # reader turns the word — Simplified, Traditional or the member's English key — into the
    # member; `choices` are the words.
    words: tuple[tuple[Key, str], ...] = ()


@dataclass(frozen=True)
class Sheet:
    key: str
    name: str
    columns: tuple[Column, ...]
    aliases: tuple[str, ...] = ()
    required: bool = True
    help: str = ""
    # Names this sheet had in workbooks made before it existed: a sheet of that name whose
    # headers fit this sheet better than the one that now owns the name is read as this one.
    formerly: tuple[str, ...] = ()

    def column(self, key: str) -> Column:
        for col in self.columns:
            if col.key == key:
                return col
        raise KeyError(key)


YES, NO = "是", "否"
YES_NO = (YES, NO)
ROLES = (
    "厅堂主管",
    "网点负责人",
    "网点主任",
    "支行行长",
    "零售副行长",
    "内勤行长",
    "客户助理",
    "柜员",
    "大堂经理",
    "服务经理",
    "理财经理",
    "客户经理",
)
INDICATORS = ("理财", "基金", "保险", "存款", "信用卡", "手机银行", "贵金属", "贷款", "其他")
REFERRAL_INDICATORS = ("转介数", "转介成功数")
UNITS = tuple(UNIT_WORDS.values())
NEEDS = INDICATORS
CASE_CATEGORIES = tuple(CASE_CATEGORY_WORDS.values())
CASE_NATURES = tuple(CASE_NATURE_WORDS.values())
ACTION_STATES = tuple(ACTION_STATE_WORDS.values())
# The daily management checklist (docs/工作簿.md#输入表, docs/工作簿.md#默认清单).
CHECKLIST_PERIODS = tuple(SLOT_WORDS.values())  # 时段
CHECKLIST_CATEGORIES = ("会议", "环境", "设备", "服务", "营销", "运营", "培训")
CHECKLIST_STATES = tuple(CHECKLIST_STATE_WORDS[s] for s in TYPED_CHECKLIST_STATES)  # 完成情况
WEEKDAY_NAMES = "一二三四五六日"
EVERY_DAY, MONTH_END = "每日", "每月末"
WEEKDAY_FREQUENCIES = {f"每周{d}": n for n, d in enumerate(WEEKDAY_NAMES)}  # 每周五 -> 4
FREQUENCIES = (EVERY_DAY, *WEEKDAY_FREQUENCIES, MONTH_END)  # 频次
# The quantities the default checklist records (计量); 目标 accepts them as indicators, and any
# other 计量 a branch adds to 清单项目.
DEFAULT_MEASURES = ("外呼户数", "沙龙场次", "外拓户数")
BRANCH_TARGET = "网点"  # the 对象 value that means "the whole branch"
# A row `init --from` carried over from last month's workbook ends its text with this mark:
# 追踪表 备注, 转介登记 推荐原因, 行动计划 事项 (CARRIED_MARK_COLUMNS). Its dates are last month's.
CARRIED_MARK = "〔上月结转〕"
# A row a person keeps under a table for its totals (合计 in one cell, sums beside it): no record.
# Only these exact spellings, and only in a row with no other text (a note saying 合计 is data).
TOTAL_LABELS = frozenset(
    {
        "合计",
        "总计",
        "小计",
        "合 计",
        "总 计",
        "合计：",
        "合计:",
        "总计：",
        "Total",
        "TOTAL",
        "total",
    }
)
# A column the reader adds to 转介登记: per row, whether a spreadsheet's comparison (COUNTIFS in
# the 转介数量 fill writes) sees the cells as branchkit read them — a date typed as text does not.
FORMULA_EXACT = "formula_exact"
CARRIED_MARK_COLUMNS = {"tracking": "note", "referrals": "reason", "actions": "item"}
ROSTER_NAMES = "roster.name"  # a dropdown of the names on 人员


def _c(key: str, header: str, kind: Kind = Kind.TEXT, **kw: object) -> Column:
    return Column(key, header, kind, **kw)  # type: ignore[arg-type]


def _closed(words: Mapping[Any, str], typed: Collection[Key] | None = None) -> dict[str, Any]:
    """A choice column of one of vocab's closed sets: its words are the dropdown's choices, and
    the reader gives back members. `typed`: the members a person may type, when not all."""
    pairs = tuple((m, w) for m, w in words.items() if typed is None or m in typed)
    return {"choices": tuple(w for _, w in pairs), "words": pairs}


SETTINGS = Sheet(
    "settings",
    "设置",
    (
        _c("key", "项目", required=True, aliases=("key", "setting", "参数"), width=16),
        _c("value", "值", aliases=("value", "数值", "内容"), width=30),
        _c("note", "说明", aliases=("note", "备注"), width=50),
    ),
    aliases=("settings", "参数设置", "设定"),
    help="网点的各项设置，一行一项；“值”一列可以修改，其余请勿改动。",
)

ROSTER = Sheet(
    "roster",
    "人员",
    (
        _c(
            "name", "姓名", Kind.NAME, required=True, aliases=("name", "员工姓名", "员工"), width=10
        ),
        _c("staff_id", "工号", aliases=("staff id", "id", "员工号", "柜员号"), width=10),
        _c(
            "role",
            "岗位",
            Kind.CHOICE,
            required=True,
            choices=ROLES,
            aliases=("role", "职位", "岗位名称"),
            help="从下拉列表选择",
            width=12,
        ),
        _c(
            "active",
            "在岗",
            Kind.YESNO,
            choices=YES_NO,
            aliases=("active", "是否在岗", "在职"),
            help="离岗的人写离岗日期，在岗仍写“是”：离岗前的业绩照常计入；写“否”的人不参与排行",
            width=8,
        ),
        _c(
            "joined_on",
            "入职日期",
            Kind.DATE,
            aliases=("joined", "start date", "到岗日期", "入职时间"),
            help="可不填；月中来本网点的，写第一天在岗的日期",
            width=11,
        ),
        _c(
            "left_on",
            "离岗日期",
            Kind.DATE,
            aliases=("left", "end date", "离职日期", "调离日期"),
            help="可不填；月中离开本网点的，写最后一天在岗的日期",
            width=11,
        ),
    ),
    aliases=("roster", "staff", "员工", "人员名单", "花名册"),
)

PRODUCTS = Sheet(
    "products",
    "产品",
    (
        _c("product", "产品名称", required=True, aliases=("product", "产品", "名称"), width=22),
        _c(
            "indicator",
            "指标",
            Kind.CHOICE,
            required=True,
            choices=INDICATORS,
            open_choices=True,
            aliases=("indicator", "指标类别", "类别"),
            help="这个产品计入哪项指标；也可写网点自己的指标，如 个人养老金",
            width=10,
        ),
        _c(
            "unit",
            "单位",
            Kind.CHOICE,
            required=True,
            **_closed(UNIT_WORDS),
            aliases=("unit", "计量单位"),
            help="达成金额或数量的单位：万元 / 张 / 户 / 笔",
            width=8,
        ),
        _c(
            "cap",
            "单笔上限",
            Kind.NUMBER,
            aliases=("cap", "limit", "单笔最高", "上限"),
            help="可不填；一笔最多能有多少（按本产品单位），超过算错误、不计入业绩。"
            "不填时：万元 10000，元 1亿，张、户、笔 1000",
            width=10,
        ),
    ),
    aliases=("products", "产品列表", "产品目录"),
)

TARGETS = Sheet(
    "targets",
    "目标",
    (
        _c(
            "subject",
            "对象",
            Kind.NAME,
            required=True,
            aliases=("subject", "target of", "姓名", "人员"),
            help="员工姓名；整个网点的目标写“网点”",
            width=10,
        ),
        _c(
            "indicator",
            "指标",
            Kind.CHOICE,
            required=True,
            choices=INDICATORS + REFERRAL_INDICATORS + DEFAULT_MEASURES,
            open_choices=True,
            aliases=("indicator",),
            help="理财、基金……或 转介数、转介成功数，或清单项目的计量（如 外呼户数），"
            "或“产品”表里网点自己的指标",
            width=12,
        ),
        _c(
            "target",
            "目标值",
            Kind.AMOUNT,
            required=True,
            aliases=("target", "月目标", "目标"),
            help="本月目标，单位与产品相同（万元 / 张 / 户 / 笔）",
            width=10,
        ),
        _c(
            "weight",
            "权重",
            Kind.NUMBER,
            aliases=("weight", "积分权重", "考核权重", "分值"),
            help="可不填（按 1）；这项指标在综合得分里的权重，即网点的考核积分，如 理财 3、信用卡 1",
            width=8,
        ),
    ),
    aliases=("targets", "目标任务", "任务"),
)

REFERRALS = Sheet(
    "referrals",
    "转介登记",
    (
        _c(
            "date",
            "日期",
            Kind.DATE,
            required=True,
            aliases=("date", "推荐日期", "登记日期"),
            width=11,
        ),
        _c(
            "referral_id",
            "转介编号",
            aliases=("referral id", "编号", "卡号"),
            help="可不填，点“填写”（branchkit fill）时自动编号",
            width=16,  # HCZ-20261120-03
        ),
        _c(
            "customer",
            "客户姓名",
            Kind.NAME,
            required=True,
            aliases=("customer", "客户", "姓名"),
            width=10,
        ),
        _c(
            "phone",
            "联系方式",
            Kind.PHONE,
            required=True,
            aliases=("phone", "电话", "手机", "手机号"),
            width=14,
        ),
        _c(
            "referrer",
            "推荐人",
            Kind.NAME,
            required=True,
            aliases=("referrer", "推荐员工"),
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "on_site",
            "是否现场推荐",
            Kind.YESNO,
            required=True,
            choices=YES_NO,
            aliases=("on site", "现场推荐"),
            width=8,
        ),
        _c(
            "need",
            "客户需求",
            Kind.CHOICE,
            required=True,
            choices=NEEDS,
            aliases=("need", "需求"),
            width=10,
        ),
        _c(
            "receiver",
            "接收人",
            Kind.NAME,
            aliases=("receiver", "接收员工"),
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "id_number",
            "身份证号",
            Kind.ID_NUMBER,
            aliases=("id number", "身份证", "身份证号码"),
            help="可不填；生成的表格里不会出现",
            width=20,
        ),
        _c("reason", "推荐原因", aliases=("reason",), width=20, free_text=True),
        # fill writes here, one line for a card's one sale: 〔自动〕11-18 已达成 贵金属 1.5万元
        _c("feedback", "结果反馈", aliases=("feedback", "反馈"), width=38, free_text=True),
    ),
    aliases=("referral log", "referrals", "转介卡", "客户推荐卡", "转介登记表", "推荐登记"),
    help="客户推荐卡的登记：四个填写（客户姓名、联系方式、推荐人、是否现场推荐），一个挑选（客户需求）。",
)

TRACKING = Sheet(
    "tracking",
    "追踪表",
    (
        _c("seq", "序号", Kind.COUNT, aliases=("no", "no.", "编号"), width=6),
        _c("referral_id", "转介编号", aliases=("referral id",), width=16),
        _c(
            "customer", "客户姓名", Kind.NAME, required=True, aliases=("customer", "客户"), width=10
        ),
        _c("phone", "联系方式", Kind.PHONE, aliases=("phone", "电话", "手机"), width=14),
        _c(
            "id_number",
            "身份证号码",
            Kind.ID_NUMBER,
            aliases=("id number", "身份证号", "身份证"),
            width=20,
        ),
        _c(
            "referred_on",
            "推荐时间",
            Kind.DATE,
            required=True,
            aliases=("referral date", "推荐日期"),
            width=11,
        ),
        _c(
            "on_site",
            "是否现场推荐",
            Kind.YESNO,
            choices=YES_NO,
            aliases=("on site", "现场推荐"),
            width=8,
        ),
        _c(
            "referrer",
            "推荐人",
            Kind.NAME,
            aliases=("referrer",),
            help="自己开发的客户留空",
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "receiver",
            "接收人",
            Kind.NAME,
            required=True,
            aliases=("receiver",),
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "first_contact",
            "首次联系日期",
            Kind.DATE,
            aliases=("first contact", "首次联系", "首次联系时间"),
            help="接收人第一次联系上客户的日期",
            width=11,
        ),
        _c(
            "closed_on_site",
            "是否现场达成",
            Kind.YESNO,
            choices=YES_NO,
            aliases=("closed on site", "现场达成"),
            width=8,
        ),
        _c(
            "product",
            "达成产品",
            Kind.CHOICE,
            aliases=("product", "产品"),
            choices_from="products.product",
            help="未成交留空",
            width=20,
        ),
        _c(
            "amount",
            "达成金额或数量",
            Kind.AMOUNT,
            aliases=("amount", "金额", "数量", "达成金额"),
            help="按产品单位填写：20万元的理财填 20；5000元填 0.5",
            width=10,
        ),
        _c(
            "closed_on",
            "达成日期",
            Kind.DATE,
            aliases=("close date", "成交日期"),
            help="可不填，不填按推荐时间计",
            width=11,
        ),
        _c(
            "next_contact",
            "建议下次联系时间",
            Kind.DATE,
            aliases=("next contact", "下次联系时间"),
            help="联系后改成新日期或清空，提醒即消除",
            width=12,
        ),
        _c("note", "备注", aliases=("note", "notes"), width=18, free_text=True),
    ),
    aliases=("tracking", "tracking sheet", "岗位联动推荐客户追踪表", "客户追踪表", "追踪"),
    help="接收人填写：每接待一位被推荐客户记一行，无论是否成功；买两个产品记两行。",
)

DAILY = Sheet(
    "daily",
    "每日数据",
    (
        _c("date", "日期", Kind.DATE, required=True, aliases=("date",), width=11),
        _c("name", "姓名", Kind.NAME, required=True, aliases=("name", "员工"), width=10),
        _c(
            "served",
            "接待客户数",
            Kind.COUNT,
            aliases=("customers served", "接待客户数量"),
            width=10,
        ),
        _c(
            "transactions",
            "业务笔数",
            Kind.COUNT,
            aliases=("transactions", "办理业务笔数"),
            width=9,
        ),
        _c(
            "business_types",
            "主要业务类型",
            aliases=("business types", "主要办理业务类型"),
            width=16,
            free_text=True,
        ),
        _c(
            "referrals",
            "转介数量",
            Kind.COUNT,
            aliases=("referrals", "转介数", "转介客户数量"),
            width=9,
        ),
        _c(
            "own_sales",
            "自主销售",
            Kind.COUNT,
            aliases=("own sales", "自主销售笔数"),
            help="本人自己完成的销售笔数",
            width=9,
        ),
        _c(
            "phone_invitations",
            "电话邀约量",
            Kind.COUNT,
            aliases=("phone invitations", "电话邀约"),
            width=10,
        ),
        _c("follow_ups", "客户跟进数", Kind.COUNT, aliases=("follow ups", "客户跟进"), width=10),
    ),
    aliases=("daily activity", "daily", "每日业绩", "日报"),
    help="每人每天一行：客户助理填接待、业务笔数、业务类型、转介；服务经理填接待、转介、自主销售；"
    "理财经理填接待、跟进、电话邀约。",
)

OVERVIEW = Sheet(
    "overview",
    "每日概况",
    (
        _c("date", "日期", Kind.DATE, required=True, aliases=("date",), width=11),
        _c(
            "traffic",
            "客流量",
            Kind.COUNT,
            aliases=("foot traffic", "traffic", "当日客流"),
            width=9,
        ),
        _c(
            "on_duty",
            "当班人员",
            Kind.NAMES,
            aliases=("on duty", "当班"),
            help="姓名之间用顿号或空格分开",
            width=40,
        ),
        _c(
            "peak_waiting",
            "高峰等候人数",
            Kind.COUNT,
            aliases=("peak waiting", "最多等候人数", "高峰排队人数"),
            help="可不填；当天排队最多时的等候人数",
            width=10,
        ),
        _c(
            "longest_wait",
            "最长等候分钟",
            Kind.NUMBER,
            aliases=("longest wait", "最长等候时间", "最长等候"),
            help="可不填；客户等得最久的一次，单位分钟",
            width=10,
        ),
        _c(
            "windows",
            "开放窗口数",
            Kind.COUNT,
            aliases=("windows", "窗口数", "开放窗口"),
            help="可不填",
            width=9,
        ),
        _c(
            "comments",
            "客户意见",
            aliases=("comments", "意见簿", "客户意见簿"),
            help="可不填；意见簿上当天的意见",
            width=30,
            free_text=True,
        ),
        _c(
            "complaints",
            "投诉数",
            Kind.COUNT,
            aliases=("complaints", "投诉", "投诉笔数"),
            help="可不填；当天的投诉和95热线工单",
            width=8,
        ),
    ),
    aliases=("day overview", "overview", "当日概况", "每日概况表"),
    formerly=("每日清单",),
    help="每天一行：客流、当班人员，以及排队、窗口、客户意见和投诉。",
)

CHECKLIST_ITEMS = Sheet(
    "checklist_items",
    "清单项目",
    (
        _c(
            "period",
            "时段",
            Kind.CHOICE,
            required=True,
            **_closed(SLOT_WORDS),
            aliases=("period", "时间段"),
            width=8,
        ),
        _c(
            "category",
            "类别",
            Kind.CHOICE,
            choices=CHECKLIST_CATEGORIES,
            aliases=("category", "分类"),
            width=8,
        ),
        _c("item", "事项", required=True, aliases=("item", "检查事项", "项目"), width=20),
        _c(
            "standard",
            "标准",
            aliases=("standard", "检查标准", "要求"),
            help="怎样才算完成",
            width=40,
        ),
        _c(
            "roles",
            "责任岗位",
            aliases=("roles", "role", "岗位"),
            help="人员表里的岗位，几个岗位用顿号分开；填写清单时按当班人员的岗位找责任人",
            width=14,
        ),
        _c(
            "frequency",
            "频次",
            Kind.CHOICE,
            choices=FREQUENCIES,
            aliases=("frequency", "检查频次"),
            help="每周几的事项在那一天列出，每月末的在当月最后一个营业日；不填按每日",
            width=8,
        ),
        _c(
            "measure",
            "计量",
            aliases=("measure", "计量项目", "数量名称"),
            help="可不填；要记数量的事项写数量的名称，如 外呼户数、沙龙场次，可在“目标”里设目标",
            width=10,
        ),
    ),
    aliases=("checklist items", "清单事项", "管理清单项目"),
    required=False,
    help="网点的每日管理清单：营业前、营业中、营业后各要做什么、做到什么标准、由哪个岗位负责。"
    "新工作簿带一份常用清单，可按本网点修改。",
)

CHECKLIST = Sheet(
    "checklist",
    "每日清单",
    (
        _c("date", "日期", Kind.DATE, required=True, aliases=("date",), width=11),
        _c(
            "period",
            "时段",
            Kind.CHOICE,
            **_closed(SLOT_WORDS),
            aliases=("period", "时间段"),
            width=8,
        ),
        _c(
            "item",
            "事项",
            required=True,
            aliases=("item", "检查事项", "项目"),
            choices_from="checklist_items.item",
            help="清单项目里的事项；点“填写”（branchkit fill）自动列出当天要做的事项",
            width=20,
        ),
        _c(
            "owner",
            "责任人",
            Kind.NAME,
            aliases=("owner", "负责人"),
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "state",
            "完成情况",
            Kind.CHOICE,
            **_closed(CHECKLIST_STATE_WORDS, TYPED_CHECKLIST_STATES),
            strict=True,
            aliases=("state", "status", "完成状态"),
            help="不适用的不计入完成率；其他写法算错误，这一行不计入",
            width=9,
        ),
        _c(
            "quantity",
            "数量",
            Kind.COUNT,
            aliases=("quantity", "计量数量"),
            help="事项有计量时填写，如外呼了多少户",
            width=7,
        ),
        _c(
            "problem",
            "发现问题",
            aliases=("problem", "存在问题", "问题"),
            width=24,
            free_text=True,
        ),
        _c("fix", "整改措施", aliases=("fix", "整改", "改进措施"), width=24, free_text=True),
        _c(
            "fix_owner",
            "整改责任人",
            Kind.NAME,
            aliases=("fix owner",),
            width=10,
            choices_from=ROSTER_NAMES,
        ),
        _c(
            "fix_due",
            "整改期限",
            Kind.DATE,
            aliases=("fix due", "整改时限", "整改日期"),
            help="整改完成后，把“行动计划”里对应的“整改：……”一行改为已完成",
            width=11,
        ),
        _c("checker", "检查人", Kind.NAME, aliases=("checker", "检查"), width=10),
    ),
    aliases=("daily checklist", "checklist", "每日管理清单", "厅堂主管每日管理清单"),
    required=False,
    help="厅堂主管每天的管理记录：每个事项一行，记完成情况、数量和发现的问题。",
)

CASES = Sheet(
    "cases",
    "案例",
    (
        _c("date", "日期", Kind.DATE, required=True, aliases=("date",), width=11),
        _c(
            "category",
            "类别",
            Kind.CHOICE,
            required=True,
            **_closed(CASE_CATEGORY_WORDS),
            aliases=("category",),
            width=8,
        ),
        _c(
            "nature",
            "性质",
            Kind.CHOICE,
            required=True,
            **_closed(CASE_NATURE_WORDS),
            aliases=("nature",),
            width=8,
        ),
        _c("people", "相关人员", Kind.NAMES, aliases=("people", "相关员工"), width=12),
        _c(
            "description",
            "描述",
            required=True,
            aliases=("description", "案例描述"),
            width=30,
            free_text=True,
        ),
        _c("cause", "原因", aliases=("cause",), width=20, free_text=True),
        _c("remedy", "改进措施", aliases=("remedy", "措施"), width=24, free_text=True),
        _c("owner", "责任人", Kind.NAME, aliases=("owner",), width=10, choices_from=ROSTER_NAMES),
    ),
    aliases=("cases", "案例记录"),
    required=False,
    help="现场观察、客户意见簿、投诉工单里的亮点、问题、风险和投诉。",
)

ACTIONS = Sheet(
    "actions",
    "行动计划",
    (
        _c("raised_on", "提出日期", Kind.DATE, required=True, aliases=("raised", "日期"), width=11),
        _c("item", "事项", required=True, aliases=("item", "行动事项"), width=34, free_text=True),
        _c("owner", "责任人", Kind.NAME, aliases=("owner",), width=10, choices_from=ROSTER_NAMES),
        _c("due", "截止日期", Kind.DATE, aliases=("due", "完成期限"), width=11),
        _c(
            "state",
            "状态",
            Kind.CHOICE,
            **_closed(ACTION_STATE_WORDS),
            aliases=("state", "status"),
            width=8,
        ),
    ),
    aliases=("action items", "actions", "行动项"),
    required=False,
)

WORK_CALENDAR = Sheet(
    "work_calendar",
    "工作日历",
    (
        _c("date", "日期", Kind.DATE, required=True, aliases=("date",), width=11),
        _c(
            "workday",
            "是否工作日",
            Kind.YESNO,
            required=True,
            choices=YES_NO,
            aliases=("workday", "工作日"),
            width=10,
        ),
        _c("note", "说明", aliases=("note", "备注"), width=20, free_text=True),
    ),
    aliases=("work calendar", "calendar", "日历"),
    required=False,
    help="新建本月工作簿时已列出当月的法定节假日和调休上班日，与网点实际不同的请改；"
    "网点另有安排的日子也写在这里，例如某个周六营业。节假日库还不知道的年份，请在这里填写当年的放假和调休。",
)

INPUT_SHEETS: tuple[Sheet, ...] = (
    SETTINGS,
    ROSTER,
    PRODUCTS,
    TARGETS,
    REFERRALS,
    TRACKING,
    DAILY,
    OVERVIEW,
    CHECKLIST_ITEMS,
    CHECKLIST,
    CASES,
    ACTIONS,
    WORK_CALENDAR,
)
SHEETS_BY_KEY = {s.key: s for s in INPUT_SHEETS}


# Sheets branchkit writes (docs/工作簿.md#生成的表). Rebuilt on every refresh; never typed into.
GENERATED_SHEETS = (
    "排行榜",
    "转介质量",
    "分润明细",
    "跟进提醒",
    "管理清单",
    "夕会议程",
    "晨会议程",
    "数据问题",
)
# On every generated tab's subtitle, so on every printed page: how branchkit knows a tab as its
# own (a sheet of that name without it is a person's, never overwritten). Tabs made before the
# mark was in Chinese carry the earlier one.
GENERATED_MARK = "网点营销管理工具自动生成 — 请勿手工修改"
FORMER_MARKS = ("branchkit 自动生成 — 请勿手工修改",)

# The 控制台 sheet of the macro workbook: where the buttons read the date and report back.
CONTROL_SHEET = "控制台"
CONTROL_DATE_CELL = "C4"  # 统计日期 (blank: today)
CONTROL_MEETING_CELL = "C5"  # 日例会 / 周例会 / 月例会 / 晨会
CONTROL_FOCUS_CELL = "C6"  # 夕会重点: 自动 / 营销 / 服务 / 运营
CONTROL_STATUS_CELL = "C7"  # what the last click did
XLWINGS_CONF_SHEET = "xlwings.conf"  # xlwings' RunPython reads its settings from this sheet

# Sheets that hold no input: the guide, the buttons' control sheet, xlwings' settings, and ours.
HELPER_SHEETS = ("说明", CONTROL_SHEET, XLWINGS_CONF_SHEET)
NOT_INPUT_SHEETS = (*GENERATED_SHEETS, *HELPER_SHEETS)
