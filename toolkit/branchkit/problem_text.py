"""The Chinese words of every problem, in one catalogue: a template per `Code`, filled from the
problem's `args` only where a person reads it (the 数据问题 tab, the command line, `--json`, the
rollup's error lines). Nothing decides on these sentences; they can be reworded freely.

A template names the problem's args: `{column}`, `{found:%m-%d}` (a date), `{columns:、}` (a
tuple, joined by what follows the colon), `{cap}` (a number, whole ones without ".0"). A detail
can offer alternatives: the first whose fields the problem has (and are not empty) is used, the
last one always.
"""

from __future__ import annotations

import string
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from .problems import Code, Level, Problem
from .schema import Kind
from .vocab import Unit, unit_word

LEVELS = {Level.ERROR: "错误", Level.WARNING: "警告"}


@dataclass(frozen=True)
class Message:
    statement: str  # 问题: short, e.g. 不是金额
    detail: tuple[str, ...] = ("",)  # 说明: what was expected or what to do


def _value(statement: str) -> Message:
    """A cell whose value is not of its column's kind: the detail says what the column takes."""
    return Message(statement, ("“{column}”{expects}", "“{column}”"))


def _setting(statement: str) -> Message:
    """A 设置 value that does not parse: the default holds."""
    return Message(statement, ("“{item}”已按默认值 {default} 处理", "“{item}”已按默认值 空 处理"))


_LEFT_OUT = (
    "单位是{unit}，{unit_example}；这一笔暂不计入业绩，改好后再刷新",
    "单位是{unit}，按{unit}填写；这一笔暂不计入业绩，改好后再刷新",
    "产品表里“{product}”没写单位，请补上；这一笔暂不计入业绩，改好后再刷新",
    "产品表中没有这个产品，单位不明；这一笔暂不计入业绩，改好后再刷新",
)

# A person's records on days 人员 says they are not of the branch.
_AWAY = (
    "这些记录照常记在他名下，但他的时间进度和目标只按在网点的日子算：多半是日期写错了，请核对入职日期和离岗日期",
)

MESSAGES: dict[Code, Message] = {
    Code.MISSING_SHEET: Message(
        "缺少工作表", ("是不是“{close}”？请改名为“{standard}”", "请从模板复制该工作表")
    ),
    Code.RENAMED_SHEET: Message(
        "工作表名不是标准名称，已按“{standard}”读取", ("建议改名为“{standard}”",)
    ),
    Code.NO_HEADER: Message("找不到表头", ("第一行应是列名：{columns:、}",)),
    Code.MISSING_COLUMN: Message(
        "缺少必填列“{column}”", ("是不是“{close}”？请改为“{column}”", "请补上这一列")
    ),
    Code.MISSING_VALUE: Message("缺少必填项", ("“{column}”不能为空",)),
    Code.DUPLICATE_ROW: Message("重复", ("与第 {first} 行完全相同，只计一次",)),
    Code.NOT_A_DATE: _value("不是日期"),
    Code.INVALID_DATE: _value("不是有效日期"),
    Code.DATE_WITHOUT_YEAR: _value("缺少年份"),
    Code.NOT_AN_AMOUNT: _value("不是金额"),
    Code.NOT_A_NUMBER: _value("不是数字"),
    Code.NOT_A_COUNT: _value("不是非负整数"),
    Code.COUNT_TOO_LARGE: _value("数量大得不合常理（超过 100 万）"),
    Code.NOT_YES_NO: _value("应为 是/否"),
    Code.BAD_PHONE: _value("手机号格式不对"),
    Code.ID_STORED_AS_NUMBER: _value(
        "身份证号被存成了数字，末几位可能已丢失，请把单元格设为文本后重填"
    ),
    Code.ID_WRONG_LENGTH: _value("身份证号应为18位"),
    Code.ID_CHECK_DIGIT: _value("身份证号校验位不对"),
    Code.ID_BIRTH_DATE: _value("身份证号中的出生日期无效"),
    Code.NOT_A_CHOICE: _value("不在可选范围内"),
    Code.SETTING_NOT_A_RATIO: _setting("应为 0 到 1 之间的比例"),
    Code.SETTING_NOT_POSITIVE: _setting("应为大于 0 的数"),
    Code.SETTING_NOT_A_COUNT: _setting("应为整数"),
    Code.SETTING_NOT_YES_NO: _setting("应为 是 或 否"),
    Code.SETTING_NOT_A_MONTH: _setting("应为年月，如 2026-11"),
    Code.SETTING_NOT_A_CHOICE: _setting("应为 {choices: 或 }"),
    Code.SETTING_NOT_WEEKDAYS: _setting("应为 每天，或 周一至周五 这样的星期几"),
    Code.SAME_NAME_TWICE: Message(
        "和第 {first} 行同名",
        (
            "工号同为 {staff_id}：是同一个人回到网点的话，现在只按第 {first} 行算（它的离岗日期以后不算他在网点），请清空第 {first} 行的离岗日期、删去这一行",
            "各表只按第 {first} 行的那位计，两人的记录分不开：请在姓名上加以区分（如 李四A），并改好各表里的记录",
        ),
    ),
    Code.LEFT_BEFORE_JOINING: Message(
        "离岗日期早于入职日期 {joined:%Y-%m-%d}", ("这个人哪天都不算在岗：请核对两个日期",)
    ),
    Code.RECORDED_WHILE_INACTIVE: Message(
        "在岗为“否”，但“{where}”里 {day:%m-%d} 有{name}",
        (
            "在岗为“否”的人不参加排名，他的这些记录也就不在个人排名里：还在网点的话，请把“在岗”改为“是”；"
            "本月离开的，请写离岗日期、在岗仍写“是”，离岗前的记录照常计入",
        ),
    ),
    Code.RECORDED_AFTER_LEAVING: Message(
        "离岗日期是 {left:%Y-%m-%d}，但“{where}”里 {day:%m-%d} 还有{name}", _AWAY
    ),
    Code.RECORDED_BEFORE_JOINING: Message(
        "入职日期是 {joined:%Y-%m-%d}，但“{where}”里 {day:%m-%d} 已有{name}", _AWAY
    ),
    Code.UNKNOWN_PERSON: Message("人员表中没有此人", ("请在“人员”表添加，或核对{column}",)),
    Code.UNKNOWN_PRODUCT: Message("产品表中没有此产品", ("这笔不计入任何指标；请在“产品”表添加",)),
    Code.UNKNOWN_CHECKLIST_ITEM: Message(
        "清单项目中没有此事项", ("仍按这个事项计入；请核对名称，或在“清单项目”添加",)
    ),
    Code.FIX_DUE_BEFORE_FOUND: Message(
        "整改期限早于发现问题的日期（{found:%m-%d}）", ("请核对整改期限",)
    ),
    Code.SALE_WITHOUT_PRODUCT: Message(
        "有达成金额，但没有达成产品",
        ("不知道算哪项指标：这一笔暂不计入业绩，也不算转介成功；请填写达成产品后再刷新",),
    ),
    Code.NEGATIVE_AMOUNT: Message("不能为负数", _LEFT_OUT),
    Code.OVER_SALE_CAP: Message("超过单笔上限 {cap}", _LEFT_OUT),
    Code.UNUSUALLY_LARGE: Message(
        "金额比本网点平时大得多",
        (
            "单位是{unit}，请核对：{unit_example}",
            "单位是{unit}，请核对：按{unit}填写",
            "产品表里“{product}”没写单位，请补上后核对",
            "产品表中没有这个产品，单位不明，请核对",
        ),
    ),
    Code.WEIGHT_NOT_POSITIVE: Message("权重应为大于 0 的数", ("这一行按权重 1 计入综合得分",)),
    Code.INDICATOR_WITHOUT_PRODUCT: Message(
        "没有产品计入这项指标",
        ("请在“产品”表写上计入“{indicator}”的产品，否则它的完成一直是 0",),
    ),
    Code.NO_DAILY_ROW: Message(
        "当班但“每日数据”没有 {day:%m-%d} 的记录",
        ("这一天会按 0 计算；请在“每日数据”补上这一行",),
    ),
    Code.DAILY_REFERRALS_DIFFER: Message(
        "与转介登记不符（{day:%m-%d} 登记了 {cards} 张推荐卡）", ("排名按转介登记计算；请核对两处",)
    ),
    Code.FORMULA_MISSES_CARDS: Message(
        "这个公式数不到当天的 {missed} 张推荐卡（共 {cards} 张）",
        (
            "这些卡（“{sheet}”第 {rows} 行）的日期或推荐人写法公式认不出（文字日期、带时间、名字前后有空格），"
            "表里的转介数量会少算，排名按 {cards} 张计：请把它们改成日期格式、和人员表一样的名字",
        ),
    ),
    Code.HOLIDAYS_UNKNOWN: Message(
        "还不知道 {year} 年的法定节假日和调休",
        ("现只按“设置”的营业日算营业日；请在“工作日历”填写本月的放假日和调休上班日",),
    ),
    Code.CARD_TYPED_AGAIN: Message(
        "和第 {first} 行是同一张卡（转介编号、客户相同）",
        ("这张卡按两张计入转介数；是登记了两遍的话，请删去多余的一行",),
    ),
    Code.REFERRAL_ID_TAKEN: Message(
        "转介编号已是第 {first} 行另一位客户的",
        ("请改正其中一张卡的编号；改好前这张卡不转入追踪表，也不写结果反馈",),
    ),
    Code.CARRIED_SALE_UNDATED: Message(
        "上月结转的行有成交，没有达成日期",
        (
            "本月的成交请写本月的达成日期，否则按推荐时间 {referred:%Y-%m-%d} 算在上月，不计入本月；"
            "只有旧版 init 带来的上月成交（上月已计入）才写上月那天",
        ),
    ),
    Code.SALE_DATED_LAST_MONTH: Message(
        "成交没有达成日期，推荐时间 {referred:%Y-%m-%d} 早于本月",
        (
            "本工作簿只算 {first:%m-%d} 起的日子，这一笔暂不计入业绩；请填写达成日期，或核对推荐时间",
        ),
    ),
    Code.SALE_CLOSED_AFTER_MONTH: Message(
        "达成日期 {closed:%Y-%m-%d} 晚于本月",
        ("本工作簿只算到 {last:%m-%d}：这一笔不计入任何业绩；请核对达成日期的年份和月份",),
    ),
    Code.CARD_OUTSIDE_MONTH: Message(
        "推荐日期 {date:%Y-%m-%d} 不在本月",
        ("本工作簿只算 {first:%m-%d} 至 {last:%m-%d}：这张卡不计入转介数；请核对年份和月份",),
    ),
    Code.SALE_CLOSED_BEFORE_MONTH: Message(
        "达成日期 {closed:%Y-%m-%d} 早于本月",
        (
            "本工作簿只算 {first:%m-%d} 起的日子：推荐卡仍算转介成功，金额暂不计入业绩；"
            "请核对达成日期的年份和月份",
        ),
    ),
}

# What a column of each kind takes (the `{expects}` of a value's detail).
EXPECTED = {
    Kind.DATE: "应为日期，如 2026-11-20",
    Kind.AMOUNT: "应为金额或数量，如 20、20万、5000元",
    Kind.NUMBER: "应为数字",
    Kind.COUNT: "应为整数",
    Kind.YESNO: "应为 是 或 否",
    Kind.PHONE: "应为11位手机号",
    Kind.CHOICE: "可选：{choices:、}",
}

# How an amount of a unit is typed, where an example helps (the `{unit_example}` of a detail).
UNIT_EXAMPLES = {Unit.WAN_YUAN: "20万元应填 20"}


class _Formatter(string.Formatter):
    def format_field(self, value: Any, format_spec: str) -> str:
        if isinstance(value, (tuple, list)):
            return format_spec.join(map(str, value))
        if isinstance(value, float) and not format_spec:
            return str(int(value)) if value.is_integer() else str(value)
        return str(super().format_field(value, format_spec))


_FORMAT = _Formatter()


def _fields(template: str) -> list[str]:
    return [name for _, name, _, _ in _FORMAT.parse(template) if name]


def _context(problem: Problem) -> dict[str, object]:
    """The problem's args, with the words derived from them."""
    context = dict(problem.args)
    kind = context.get("kind")
    if isinstance(kind, Kind):
        context["expects"] = _fill(EXPECTED.get(kind, ""), context)
    if "unit" in context:  # a product's Unit, or its unit as typed when outside the list
        unit = context["unit"]
        context["unit_example"] = UNIT_EXAMPLES.get(unit, "") if isinstance(unit, Unit) else ""
        context["unit"] = unit_word(unit) if isinstance(unit, (Unit, str)) else ""
    return context


def _fill(template: str, context: Mapping[str, object]) -> str:
    return _FORMAT.vformat(template, (), context)


def _pick(templates: tuple[str, ...], context: Mapping[str, object]) -> str:
    for template in templates[:-1]:
        if all(context.get(name) not in (None, "") for name in _fields(template)):
            return _fill(template, context)
    return _fill(templates[-1], context)


def statement(problem: Problem) -> str:
    """问题: what is wrong, in a few words (不是金额)."""
    return _fill(MESSAGES[problem.code].statement, _context(problem))


def detail(problem: Problem) -> str:
    """说明: what the cell should hold, or what to do."""
    return _pick(MESSAGES[problem.code].detail, _context(problem))


def level(problem: Problem) -> str:
    return LEVELS[problem.level]


def what(problem: Problem) -> str:
    """The value (masked), what is wrong and what to do: '"二十万元" 不是金额（…）'."""
    value = f'"{problem.shown_value}" ' if problem.value != "" else ""
    note = detail(problem)
    return f"{value}{statement(problem)}" + (f"（{note}）" if note else "")


def line(problem: Problem) -> str:
    """The one-line message of the command line: '追踪表!J14: "二十万元" 不是金额（…）'."""
    return f"{problem.where}: {what(problem)}"


def as_json(problem: Problem) -> dict[str, str]:
    """The problem in `--json` (数据问题), with the workbook's Chinese keys."""
    return {
        "表": problem.sheet,
        "单元格": problem.cell,
        "值": problem.shown_value,
        "问题": statement(problem),
        "级别": level(problem),
    }
