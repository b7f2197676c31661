"""The 设置 sheet, declared once (docs/工作簿.md#设置): each item is a field of `Settings` whose
metadata holds its Chinese label, help line, aliases and parser. The reader, the blank template's
设置 rows and the figures all read this one declaration, so an item added here appears everywhere.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field, fields
from typing import Any

from . import parse
from .a1 import cell_ref
from .headers import find_header, labels, normalize_label, normalize_word, word_index
from .parse import Bad
from .problems import Code, Level, Problem
from .schema import SETTINGS
from .vocab import (
    COUNT_CREDIT_WORDS,
    CREDIT_MODE_WORDS,
    DAY_BASIS_WORDS,
    FOCUS_WORDS,
    CountCredit,
    CreditMode,
    DayBasis,
    Focus,
    K,
)

Parser = Callable[[Any], Any]  # a cell's value -> the setting's value, or Bad


def _ratio(value: Any) -> float | Bad:
    number = parse.parse_number(value)
    if isinstance(number, float) and 0 <= number <= 1:
        return number
    return Bad(Code.SETTING_NOT_A_RATIO)


def _positive(value: Any) -> float | Bad:
    number = parse.parse_number(value)
    if isinstance(number, float) and number > 0:
        return number
    return Bad(Code.SETTING_NOT_POSITIVE)


def _count(value: Any) -> int | Bad:
    count = parse.parse_count(value)
    return count if isinstance(count, int) else Bad(Code.SETTING_NOT_A_COUNT)


def _yes_no(value: Any) -> bool | Bad:
    flag = parse.parse_yesno(value)
    return flag if isinstance(flag, bool) else Bad(Code.SETTING_NOT_YES_NO)


def _text(value: Any) -> str:
    return parse.clean_text(value)


def _name(value: Any) -> str:
    return parse.clean_name(value)


def _addresses(value: Any) -> tuple[str, ...]:
    return tuple(a for a in re.split(r"[,;，；\s]+", parse.clean_text(value)) if a)


def _month(value: Any) -> dt.date | Bad:
    if isinstance(value, (dt.date, int, float)):
        day = parse.parse_date(value)
    else:
        match = re.match(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$", parse.clean_text(value))
        day = _month_start(int(match.group(1)), int(match.group(2))) if match else None
    return day.replace(day=1) if isinstance(day, dt.date) else Bad(Code.SETTING_NOT_A_MONTH)


def _month_start(year: int, month: int) -> dt.date | None:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        return None


def _one_of(words: Mapping[K, str]) -> Parser:
    """One of vocab's closed sets, as its member: the word, in Simplified or Traditional
    characters, or the member's English key."""
    index = word_index(words.items())
    expected = Bad(Code.SETTING_NOT_A_CHOICE, {"choices": tuple(words.values())})

    def pick(value: Any) -> K | Bad:
        return index.get(normalize_word(parse.clean_text(value)), expected)

    return pick


def _choice(
    label: str, default: K, words: Mapping[K, str], help: str, aliases: tuple[str, ...]
) -> Any:
    """A 设置 row whose value is one of vocab's closed sets, shown in the template by its word."""
    return _item(label, default, help, aliases, _one_of(words), words[default], words)


def _item(
    label: str,
    default: Any,
    help: str = "",
    aliases: tuple[str, ...] = (),
    parser: Parser = _text,
    shown: str | None = None,
    words: Mapping[Any, str] | None = None,
) -> Any:
    """One 设置 row: `shown` is the text the blank template puts in 值 (the default, written the
    way a person would type it)."""
    if shown is None:
        shown = "" if default is None or isinstance(default, tuple) else str(default)
    return field(
        default=default,
        metadata={
            "label": label,
            "help": help,
            "aliases": aliases,
            "parse": parser,
            "shown": shown,
            "words": words,
        },
    )


@dataclass(frozen=True)
class Settings:
    branch: str = _item("网点名称", "", "例如 火车站支行", ("branch", "网点"))
    parent: str = _item("所属分行", "", "", ("parent branch", "分行"))
    short_code: str = _item(
        "简称",
        "",
        "网点简称（字母），用于转介编号，如 HCZ；不填则取网点名称的拼音首字母",
        ("short code", "code", "网点简称"),
    )
    month: dt.date | None = _item(
        "统计月份", None, "例如 2026-11；写日期时用来补全“7月1日”这类写法", ("month",), _month
    )
    host: str = _item(
        "夕会主持人", "", "厅堂主管；不在岗时由行长指定的主持人", ("host", "主持人"), _name
    )
    share: float = _item(
        "分润比例", 0.3, "转介成交后记给推荐人的份额，0 到 1 之间", ("share ratio",), _ratio
    )
    credit_mode: CreditMode = _choice(
        "业绩口径",
        CreditMode.SPLIT,
        CREDIT_MODE_WORDS,
        "分润：推荐人与接收人按比例分；双计：双方都记全额",
        ("credit mode",),
    )
    tolerance: float = _item(
        "进度容差", 0.05, "完成率与时间进度相差不超过此值算正常进度", ("tolerance",), _ratio
    )
    progress_basis: DayBasis = _choice(
        "时间进度口径", DayBasis.CALENDAR, DAY_BASIS_WORDS, "自然日 或 工作日", ("progress basis",)
    )
    count_credit: CountCredit = _choice(
        "计数归属",
        CountCredit.BOTH,
        COUNT_CREDIT_WORDS,
        "张、户、笔类指标（信用卡、手机银行……）不拆分：双计＝推荐人和接收人各记一整件；"
        "接收人或推荐人＝只记给这一方",
        ("count credit",),
    )
    rank_cap: float = _item(
        "完成率上限",
        1.5,
        "综合得分（排名得分）里每项完成率最多按此计，一项超额太多也盖不住其他指标",
        ("rank cap", "completion cap"),
        _positive,
    )
    stale_days: int = _item(
        "未跟进天数",
        2,
        "推荐卡登记后超过这些天，追踪表仍没有联系客户的记录，列为未跟进",
        ("stale days",),
        _count,
    )
    mask: bool = _item(
        "脱敏",
        True,
        "是：生成的表格里客户电话、证件号码打码，议程里写到的客户姓名也打码",
        ("mask", "masking"),
        _yes_no,
        "是",
    )
    meeting_focus: Focus = _choice(
        "夕会重点",
        Focus.AUTO,
        FOCUS_WORDS,
        "自动：网点有指标低于进度时开营销类夕会，否则服务和运营类；也可指定 营销 / 服务 / 运营",
        ("meeting focus", "focus"),
    )
    training: str = _item(
        "培训主题", "", "填写后夕会培训环节使用此主题，否则自动选择", ("training topic",)
    )
    mail_to: tuple[str, ...] = _item(
        "邮件收件人",
        (),
        "周报收件人，多个地址用逗号或分号分开",
        ("mail to", "收件人"),
        _addresses,
    )
    smtp_host: str = _item(
        "邮件服务器", "", "SMTP 服务器地址（密码不要写在工作簿里）", ("smtp host",)
    )
    smtp_port: int = _item(
        "邮件端口", 0, "例如 465（SSL）或 587（STARTTLS）", ("smtp port",), _count, ""
    )
    smtp_user: str = _item("邮件账号", "", "发件邮箱账号", ("smtp user",))
    backups: int = _item("保留备份数", 5, "每次写入前保留的旧版本个数", ("backups",), _count)
    # The branch's year: who owns what nobody else does, the days it opens, how long a card waits
    # for its customer to come back.
    branch_head: str = _item(
        "网点负责人",
        "",
        "网点负责人的姓名；没有别人负责的事项（如清单里当班无人承担的）记在他名下",
        ("branch head", "负责人", "网点主任"),
        _name,
    )
    opening_days: frozenset[int] = _item(
        "营业日",
        parse.EVERY_DAY,
        "网点每周哪几天营业：每天，或 周一至周五、周一至周六 这样写；法定节假日和调休另按"
        "“工作日历”",
        ("opening days", "business days", "open days"),
        parse.parse_weekdays,
        "每天",
    )
    match_days: int = _item(
        "匹配天数",
        30,
        "推荐卡登记后这些天内，追踪表里同一客户、同一推荐人的记录都算这张卡的（客户过些天回来"
        "办理也算）",
        ("match days", "matching days"),
        _count,
    )


@dataclass(frozen=True)
class SettingItem:
    """A 设置 row as the template and the reader see it."""

    key: str
    label: str
    shown: str
    help: str
    aliases: tuple[str, ...]
    parse: Parser
    words: Mapping[Any, str] | None = None  # a closed set of vocab's: its members' words


SETTING_ITEMS: tuple[SettingItem, ...] = tuple(
    SettingItem(
        f.name,
        f.metadata["label"],
        f.metadata["shown"],
        f.metadata["help"],
        f.metadata["aliases"],
        f.metadata["parse"],
        f.metadata["words"],
    )
    for f in fields(Settings)
)


def _display(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def setting_cells(rows: list[list[Any]]) -> Iterator[tuple[SettingItem | None, int, list[Any]]]:
    """Each row under the 设置 header with the item its 项目 names (None for a 项目 the
    declaration does not know), its 0-based index in `rows`, and the row's cells in the order
    项目, 值, 说明 whatever order the sheet has them in."""
    by_label = {label: item for item in SETTING_ITEMS for label in labels(item.label, item.aliases)}
    header_at, found = find_header(SETTINGS, rows)
    position = {c.key: p for p, c in found.items()}
    order = (position.get("key", 0), position.get("value", 1), position.get("note", 2))
    for index in range(header_at + 1, len(rows)):
        row = rows[index]
        cells = [row[p] if p < len(row) else None for p in order]
        key_text = parse.clean_text(cells[0])
        yield (by_label.get(normalize_label(key_text)) if key_text else None), index, cells


def read_settings(name: str, rows: list[list[Any]], problems: list[Problem]) -> Settings:
    """The 设置 sheet's 值 column by 项目; a value that does not parse is a warning and the
    default holds, so a typo in 设置 never stops the day's figures."""
    _, found = find_header(SETTINGS, rows)
    value_pos = next((p for p, c in found.items() if c.key == "value"), 1)
    typed: dict[str, Any] = {}
    for item, index, (_, raw_value, _) in setting_cells(rows):
        if item is None or parse.is_blank(raw_value):
            continue
        value = item.parse(raw_value)
        if isinstance(value, Bad):
            problems.append(
                Problem(
                    value.code,
                    name,
                    cell_ref(index + 1, value_pos + 1),
                    {**value.args, "item": item.label, "default": item.shown},
                    value=_display(raw_value),
                    level=Level.WARNING,
                )
            )
            continue
        typed[item.key] = value
    return Settings(**typed)
