"""Hand-typed cell values -> Python values (docs/工作簿.md#手填的写法).

Staff type dates as 2013.7.1 or 7月1日, amounts as 20万 or 5千, yes as √. Each parser takes whatever
a cell held (str, number, date, None) and returns the value or a `Bad` saying why not. Parsers never
raise: a bad cell is a problem to list, not a crash.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .controls import visible
from .privacy import DOT_GAPS
from .problems import Code
from .vocab import YUAN_PER_UNIT, Unit

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials Excel would show as 1954-10-03 .. 2119-01-06: a plain number outside is not a date.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000


@dataclass(frozen=True)
class Bad:
    """A value that could not be parsed, and why not: the problem's code, and the facts its
    message needs (see problem_text)."""

    code: Code
    args: Mapping[str, object] = field(default_factory=dict)


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def clean_text(value: Any) -> str:
    """Cell -> trimmed text; numbers lose a spurious '.0' (工号 1001.0 -> '1001'). Control
    characters typed into the cell are shown, never acted on (`visible`): every text read from
    a workbook passes here, so no output — terminal, agendas, mail, --json — carries them raw."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return visible(str(value).replace("\u3000", " ").strip())


_SPACES = re.compile(r"\s+")


def clean_name(value: Any) -> str:
    """Names carry stray spaces: '李 四 ' and '李四' are one person."""
    return _SPACES.sub("", clean_text(value))


# How a branch's name ends (火车站支行, 城东分行, 人民路网点, 营业部 …): what tells 人民路支行·周建,
# a person of another branch, from a name of two parts such as 阿依古丽·买买提.
BRANCH_SUFFIXES = ("支行", "分行", "网点", "营业部", "营业厅", "储蓄所", "分理处")
_BRANCH_DOT = re.compile(r"[·•・‧･.．]")


@lru_cache(maxsize=4096)
def other_branch(name: str | None) -> tuple[str, str] | None:
    """(branch, person) for a name written 网点·姓名 — 人民路支行·周建, a cross-branch referral
    (docs/口径.md#跨网点转介); None for anyone else. The dot may be typed as ·, •, ・ or a full
    stop; the part before it must end like a branch's name."""
    if not name:
        return None
    parts = _BRANCH_DOT.split(name, maxsplit=1)
    if len(parts) != 2 or not parts[1]:
        return None
    branch, person = parts
    if any(branch.endswith(s) and len(branch) > len(s) for s in BRANCH_SUFFIXES):
        return branch, _BRANCH_DOT.sub("", person)
    return None


_NAME_SPLIT = re.compile(r"[、，,;；/\s]+")


def parse_names(value: Any) -> list[str]:
    return [n for n in _NAME_SPLIT.split(clean_text(value)) if n]


# ---------------------------------------------------------------- dates

_FULLWIDTH = str.maketrans("０１２３４５６７８９．／－：，", "0123456789./-:,")
_YMD = re.compile(r"^(\d{4})\s*[./\-年]\s*(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?(?:[\sT].*)?$")
_MD = re.compile(r"^(\d{1,2})\s*[./\-月]\s*(\d{1,2})\s*日?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})$")


def _make_date(year: int, month: int, day: int) -> dt.date | Bad:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return Bad(Code.INVALID_DATE)


def parse_date(value: Any, month_hint: dt.date | None = None) -> dt.date | Bad | None:
    """A date typed any of the ways staff type them; '7月1日' takes its year from the month hint."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return Bad(Code.NOT_A_DATE)
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return Bad(Code.NOT_A_DATE)
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        compact = _COMPACT.match(str(int(value))) if float(value).is_integer() else None
        if compact:
            return _make_date(*(int(g) for g in compact.groups()))
        return Bad(Code.NOT_A_DATE)
    text = str(value).translate(_FULLWIDTH).strip()
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _make_date(*(int(g) for g in match.groups()))
    match = _MD.match(text)
    if match:
        if month_hint is None:
            return Bad(Code.DATE_WITHOUT_YEAR)
        return _make_date(month_hint.year, int(match.group(1)), int(match.group(2)))
    return Bad(Code.NOT_A_DATE)


# ---------------------------------------------------------------- amounts

# Multipliers relative to one yuan (or one piece for count units).
_SCALE = {"亿": 1e8, "万": 1e4, "w": 1e4, "W": 1e4, "千": 1e3, "k": 1e3, "K": 1e3, "百": 100.0}
_YUAN = frozenset("元块")  # a money word after the number: the amount is in yuan, not the unit's
_NUMBER_WITH_SCALE = re.compile(
    r"^([+-]?\d+(?:\.\d+)?)\s*(亿|万|千|百|w|W|k|K)?\s*(元|块|张|户|笔|份|个)?$"
)
_CHINESE_NUMERAL = re.compile(r"^[零〇一二两三四五六七八九十百千万亿点]+(元|块|张|户|笔|份|个)?$")


@lru_cache(maxsize=4096)
def _parse_amount_text(text: str) -> tuple[float, bool] | Bad:
    """Text -> (number of base units, whether a 元/万/千 scale was written)."""
    text = text.translate(_FULLWIDTH).replace(",", "").replace(" ", "").strip()
    match = _NUMBER_WITH_SCALE.match(text)  # '20万元': 20, scale 万, money word 元
    if match:
        number = float(match.group(1))
        scale = match.group(2)
        explicit = bool(scale) or match.group(3) in _YUAN
        return number * _SCALE.get(scale or "", 1.0), explicit
    if _CHINESE_NUMERAL.match(text):
        import cn2an  # imported only when a cell actually holds Chinese numerals

        core = text.rstrip("元块张户笔份个")
        try:
            number = float(cn2an.cn2an(core, "smart"))
        except (ValueError, KeyError, IndexError, TypeError):
            return Bad(Code.NOT_AN_AMOUNT)
        return number, True
    return Bad(Code.NOT_AN_AMOUNT)


def parse_amount(value: Any, unit: Unit | str = "") -> float | Bad | None:
    """An amount in the product's unit: for a 万元 product '20万' is 20 and '5000元' is 0.5.

    A bare number is taken to be in the product's unit already (the sheet asks for that).
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad(Code.NOT_AN_AMOUNT)
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return Bad(Code.NOT_AN_AMOUNT)
        return float(value)
    parsed = _parse_amount_text(str(value))
    if isinstance(parsed, Bad):
        return parsed
    number, explicit = parsed
    if explicit and isinstance(unit, Unit) and unit.is_money:
        return number / YUAN_PER_UNIT[unit]
    return number


def parse_number(value: Any) -> float | Bad | None:
    """Targets and settings: plain numbers, also 50万 / 30% / 1,000."""
    if isinstance(value, str) and value.strip().endswith(("%", "％")):
        inner = parse_number(value.strip()[:-1])
        return inner / 100 if isinstance(inner, float) else Bad(Code.NOT_A_NUMBER)
    result = parse_amount(value)
    return Bad(Code.NOT_A_NUMBER) if isinstance(result, Bad) else result


# No count a branch keeps (customers served in a day, calls made, an item's quantity) reaches
# this: a larger one is a slip — 1e308 typed or pasted would print as a number of 309 digits.
MAX_COUNT = 1_000_000


def parse_count(value: Any) -> int | Bad | None:
    number = parse_number(value)
    if number is None or isinstance(number, Bad):
        return number
    if number < 0 or not float(number).is_integer():
        return Bad(Code.NOT_A_COUNT)
    if number > MAX_COUNT:
        return Bad(Code.COUNT_TOO_LARGE)
    return int(number)


# ---------------------------------------------------------------- yes / no

_YES = {"是", "y", "yes", "√", "✓", "✔", "对", "有", "1", "true", "是的", "t", "已"}
_NO = {"否", "n", "no", "×", "✗", "✘", "x", "不", "无", "0", "false", "不是", "f", "未"}


def parse_yesno(value: Any) -> bool | Bad | None:
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return value
    if isinstance(value, (int, float)) and value in (0, 1):
        return bool(value)
    text = clean_text(value).lower()
    if text in _YES:
        return True
    if text in _NO:
        return False
    return Bad(Code.NOT_YES_NO)


# ---------------------------------------------------------------- phones and ID numbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_MOBILE = re.compile(r"^1[3-9]\d[*xX＊]{4}\d{4}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")
# A mobile's groups set apart as notes set them apart: dashes, and the DOT_GAPS masking reads.
_MOBILE_GAPS = re.compile(f"[-{DOT_GAPS}]")


def parse_phone(value: Any) -> str | Bad | None:
    """Mainland mobile (or landline) -> digits; an already-masked 138XXXX6241 is kept as 138****6241."""
    if is_blank(value):
        return None
    if isinstance(value, float) and value.is_integer():
        value = str(int(value))
    text = clean_text(value).translate(_FULLWIDTH).replace(" ", "").replace("－", "-")
    if text.startswith("+86"):
        text = text[3:].lstrip("-")
    elif text.startswith("86") and len(text) == 13:
        text = text[2:]
    # 138-1234-6241, 138.1234.6241, 138_1234_6241, 138·1234·6241: one mobile
    digits_dashes = _MOBILE_GAPS.sub("", text)
    if _MOBILE.match(digits_dashes):
        return digits_dashes
    if _MASKED_MOBILE.match(digits_dashes):
        return digits_dashes[:3] + "****" + digits_dashes[7:]
    if _LANDLINE.match(text):
        return text
    return Bad(Code.BAD_PHONE)


def phones_agree(one: str, other: str) -> bool:
    """Two `phone_key`s of one customer: equal, or one of them unknown (a phone left blank on
    one side still matches)."""
    return not one or not other or one == other


def phone_key(phone: str | None) -> str:
    """What two spellings of one phone share: first 3 and last 4 digits (works on masked ones too)."""
    if not phone or len(phone) < 7:
        return phone or ""
    return phone[:3] + phone[-4:]


_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_ID18 = re.compile(r"^\d{17}[\dX]$")
_ID15 = re.compile(r"^\d{15}$")


def id_check_digit(first17: str) -> str:
    """GB 11643-1999: the check character of an 18-digit citizen ID number."""
    return _ID_CHECK[sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(value: Any) -> str | Bad | None:
    """Returns the ID text when its form and check digit are right, else a `Bad` (a warning)."""
    if is_blank(value):
        return None
    if isinstance(value, (int, float)):
        return Bad(Code.ID_STORED_AS_NUMBER)
    text = clean_text(value).replace(" ", "").upper()
    if _ID15.match(text):
        return text
    if not _ID18.match(text):
        return Bad(Code.ID_WRONG_LENGTH)
    if id_check_digit(text[:17]) != text[17]:
        return Bad(Code.ID_CHECK_DIGIT)
    if isinstance(_make_date(int(text[6:10]), int(text[10:12]), int(text[12:14])), Bad):
        return Bad(Code.ID_BIRTH_DATE)
    return text


def parse_choice(value: Any, choices: tuple[str, ...]) -> str | Bad | None:
    text = clean_name(value)
    if not text:
        return None
    if not choices or text in choices:
        return text
    return Bad(Code.NOT_A_CHOICE)


# ---------------------------------------------------------------- weekdays (设置 营业日)

EVERY_DAY = frozenset(range(7))  # Monday = 0, as datetime.date.weekday() counts
_WEEKDAY_CHARS = "一二三四五六日"  # Monday .. Sunday; 天 and 七 also mean Sunday
_WEEKDAY_WORDS: dict[str, int] = {
    **{c: n for n, c in enumerate(_WEEKDAY_CHARS)},
    "天": 6,
    "七": 6,
    **{
        word: n
        for n, words in enumerate(
            (
                ("mon", "monday"),
                ("tue", "tues", "tuesday"),
                ("wed", "weds", "wednesday"),
                ("thu", "thur", "thurs", "thursday"),
                ("fri", "friday"),
                ("sat", "saturday"),
                ("sun", "sunday"),
            )
        )
        for word in words
    },
}
_WHOLE_WEEK = {"每天", "每日", "天天", "全周", "全天", "全年无休", "every day", "everyday", "daily"}
_WEEKDAY_SETS: dict[str, frozenset[int]] = {
    **dict.fromkeys(_WHOLE_WEEK, EVERY_DAY),
    "周末": frozenset({5, 6}),
    "weekend": frozenset({5, 6}),
    "weekends": frozenset({5, 6}),
    "weekdays": frozenset(range(5)),
    "工作日": frozenset(range(5)),  # the statutory calendar's 调休 then moves days in and out
}
# 週 / 禮拜 (Traditional), 星期 and 礼拜 all say "day of the week" before the number.
_WEEKDAY_PREFIX = re.compile(r"(周|週|星期|礼拜|禮拜)")
_WEEKDAY_RANGE = re.compile(r"\s*(?:至|到|~|～|-|－|—|–|\bto\b|\bthrough\b|\bthru\b)\s*")
_WEEKDAY_LIST = re.compile(r"\s*(?:[、,，;；/+＋&]|\band\b|和|及|与|與)\s*|\s+")


def _weekdays_named(token: str) -> list[int] | None:
    """One day (周一, 星期天, Mon, friday), or several run together (周六日, 周一三五)."""
    bare = _WEEKDAY_PREFIX.sub("", token).strip().rstrip(".")
    if bare in _WEEKDAY_WORDS:
        return [_WEEKDAY_WORDS[bare]]
    if bare and not bare.isascii() and all(c in _WEEKDAY_WORDS for c in bare):
        return [_WEEKDAY_WORDS[c] for c in bare]
    return None


_NOT_WEEKDAYS = Bad(Code.SETTING_NOT_WEEKDAYS)


def parse_weekdays(value: Any) -> frozenset[int] | Bad:
    """The weekdays a branch opens, as typed in 设置 营业日: 每天, 周一至周五, 周一、周三、周五,
    星期一到星期六, 週一至週五, Mon-Fri, weekdays … -> {0 (Monday) … 6 (Sunday)}. A range runs
    on through the week's end (周六至周一 is Saturday, Sunday, Monday)."""
    text = clean_text(value).translate(_FULLWIDTH).lower()
    if text in _WEEKDAY_SETS:
        return _WEEKDAY_SETS[text]
    days: set[int] = set()
    for piece in filter(None, _WEEKDAY_LIST.split(_WEEKDAY_RANGE.sub("至", text))):
        if piece in _WEEKDAY_SETS:
            days |= _WEEKDAY_SETS[piece]
            continue
        ends = [_weekdays_named(end) for end in piece.split("至")]
        if len(ends) == 1 and ends[0] is not None:
            days.update(ends[0])
        elif len(ends) == 2 and ends[0] is not None and ends[1] is not None:
            if len(ends[0]) != 1 or len(ends[1]) != 1:
                return _NOT_WEEKDAYS
            first, last = ends[0][0], ends[1][0]
            days.update((first + n) % 7 for n in range((last - first) % 7 + 1))
        else:
            return _NOT_WEEKDAYS
    return frozenset(days) if days else _NOT_WEEKDAYS


def weekdays_text(days: frozenset[int]) -> str:
    """营业日 written back the way a person types it: 每天, 周一至周五, 周一至周三、周五 (runs of
    three or more days as a range, within Monday..Sunday)."""
    if days >= EVERY_DAY:
        return "每天"
    parts: list[str] = []
    run: list[int] = []
    for day in [*sorted(days), None]:
        if run and (day is None or day != run[-1] + 1):
            names = [f"周{_WEEKDAY_CHARS[d]}" for d in run]
            parts.append(f"{names[0]}至{names[-1]}" if len(run) >= 3 else "、".join(names))
            run = []
        if day is not None:
            run.append(day)
    return "、".join(parts)
