"""Hand-typed cell values -> Python values (docs/工作簿.md#手填的写法).

Staff type dates as 2013.7.1 or 7月1日, amounts as 20万 or 5千, yes as √. Each parser takes whatever
a cell held (str, number, date, None) and returns the value or a `Bad` saying why not. Parsers never
raise: a bad cell is a problem to list, not a crash.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .vocab import YUAN_PER_UNIT, Unit

EXCEL_EPOCH = dt.date(1899, 12, 30)
# Serials Excel would show as 1954-10-03 .. 2119-01-06: a plain number outside is not a date.
SERIAL_MIN, SERIAL_MAX = 20_000, 80_000


@dataclass(frozen=True)
class Bad:
    """A value that could not be parsed, and the short Chinese reason."""

    reason: str


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, float) and math.isnan(value):
        return True
    return isinstance(value, str) and value.strip() == ""


def clean_text(value: Any) -> str:
    """Cell -> trimmed text; numbers lose a spurious '.0' (工号 1001.0 -> '1001')."""
    if is_blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() == dt.time(0):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value).replace("\u3000", " ").strip()


_SPACES = re.compile(r"\s+")


def clean_name(value: Any) -> str:
    """Names carry stray spaces: '李 四 ' and '李四' are one person."""
    return _SPACES.sub("", clean_text(value))


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
        return Bad("不是有效日期")


def parse_date(value: Any, month_hint: dt.date | None = None) -> dt.date | Bad | None:
    """A date typed any of the ways staff type them; '7月1日' takes its year from the month hint."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, bool):
        return Bad("不是日期")
    if isinstance(value, (int, float)):
        if isinstance(value, float) and not math.isfinite(value):
            return Bad("不是日期")
        if SERIAL_MIN <= value <= SERIAL_MAX:
            return EXCEL_EPOCH + dt.timedelta(days=int(value))
        compact = _COMPACT.match(str(int(value))) if float(value).is_integer() else None
        if compact:
            return _make_date(*(int(g) for g in compact.groups()))
        return Bad("不是日期")
    text = str(value).translate(_FULLWIDTH).strip()
    match = _YMD.match(text) or _COMPACT.match(text)
    if match:
        return _make_date(*(int(g) for g in match.groups()))
    match = _MD.match(text)
    if match:
        if month_hint is None:
            return Bad("缺少年份")
        return _make_date(month_hint.year, int(match.group(1)), int(match.group(2)))
    return Bad("不是日期")


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
            return Bad("不是金额")
        return number, True
    return Bad("不是金额")


def parse_amount(value: Any, unit: Unit | str = "") -> float | Bad | None:
    """An amount in the product's unit: for a 万元 product '20万' is 20 and '5000元' is 0.5.

    A bare number is taken to be in the product's unit already (the sheet asks for that).
    """
    if is_blank(value):
        return None
    if isinstance(value, bool):
        return Bad("不是金额")
    if isinstance(value, (int, float)):
        if not math.isfinite(value):
            return Bad("不是金额")
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
        return inner / 100 if isinstance(inner, float) else Bad("不是数字")
    result = parse_amount(value)
    return Bad("不是数字") if isinstance(result, Bad) else result


def parse_count(value: Any) -> int | Bad | None:
    number = parse_number(value)
    if number is None or isinstance(number, Bad):
        return number
    if number < 0 or not float(number).is_integer():
        return Bad("不是非负整数")
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
    return Bad("应为 是/否")


# ---------------------------------------------------------------- phones and ID numbers

_MOBILE = re.compile(r"^1[3-9]\d{9}$")
_MASKED_MOBILE = re.compile(r"^1[3-9]\d[*xX＊]{4}\d{4}$")
_LANDLINE = re.compile(r"^0\d{2,3}-?\d{7,8}(-\d{1,5})?$")


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
    digits_dashes = text.replace("-", "")
    if _MOBILE.match(digits_dashes):
        return digits_dashes
    if _MASKED_MOBILE.match(digits_dashes):
        return digits_dashes[:3] + "****" + digits_dashes[7:]
    if _LANDLINE.match(text):
        return text
    return Bad("手机号格式不对")


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
        return Bad("身份证号被存成了数字，末几位可能已丢失，请把单元格设为文本后重填")
    text = clean_text(value).replace(" ", "").upper()
    if _ID15.match(text):
        return text
    if not _ID18.match(text):
        return Bad("身份证号应为18位")
    if id_check_digit(text[:17]) != text[17]:
        return Bad("身份证号校验位不对")
    if isinstance(_make_date(int(text[6:10]), int(text[10:12]), int(text[12:14])), Bad):
        return Bad("身份证号中的出生日期无效")
    return text


def parse_choice(value: Any, choices: tuple[str, ...]) -> str | Bad | None:
    text = clean_name(value)
    if not text:
        return None
    if not choices or text in choices:
        return text
    return Bad("不在可选范围内")
