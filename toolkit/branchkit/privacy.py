"""Masking personal data (docs/工作簿.md#脱敏): customer names, phones and ID numbers are personal
financial information. Everything that leaves the input sheets goes through here."""

from __future__ import annotations

import re
from functools import cache


def mask_phone(phone: str | None) -> str:
    """138****6241 (docs/工作簿.md#脱敏)."""
    if not phone:
        return ""
    if len(phone) >= 11 and phone[0] == "1":
        return phone[:3] + "****" + phone[-4:]
    return phone[:-4].translate(str.maketrans("0123456789", "**********")) + phone[-4:]


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***: the emailed workbook shows only the family name."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


# ---------------------------------------------------------------- numbers in free text

# Staff type numbers into notes the way they read them out: 13812346241, 138-1234-6241,
# 138 1234 6241, +86 138 1234 6241, full-width １３８１２３４６２４１, an ID 11010519600101001X.
_DIGIT = "[0-9\uff10-\uff19]"
_CHECK = "[0-9\uff10-\uff19Xx\uff38\uff58]"  # an ID's last character may be X
_NOT_DIGIT_BEFORE = "(?<![0-9\uff10-\uff19])"
_NOT_DIGIT_AFTER = "(?![0-9\uff10-\uff19])"
# Between the groups of a number: nothing, spaces, or a dash with spaces around it.
_GAP = "[ \u00a0\u3000\\-\u2010-\u2015\u2212\uff0d]{0,3}"
_COUNTRY = f"(?:(?:[+\uff0b]|00|\uff10\uff10){_GAP})?(?:86|\uff18\uff16){_GAP}"
_NUMBERS = (
    # a run of 11 or more digits (phone, ID, bank card), taken whole
    f"{_NOT_DIGIT_BEFORE}(?P<run>{_DIGIT}{{11,}}[Xx\uff38\uff58]?){_NOT_DIGIT_AFTER}"
    # an ID in groups: 6-8-4 or 6-4-4-4
    f"|(?P<id>{_DIGIT}{{6}}{_GAP}{_DIGIT}{{4}}{_GAP}{_DIGIT}{{4}}{_GAP}{_DIGIT}{{3}}{_CHECK})"
    # a mobile number in groups (3-4-4), maybe after +86
    f"|(?P<country>{_COUNTRY})?(?P<mobile>[1\uff11][3-9\uff13-\uff19]{_DIGIT}{_GAP}{_DIGIT}{{4}}{_GAP}{_DIGIT}{{4}})"
    # a landline with its area code: 010-12345678, 0755 1234567
    f"|{_NOT_DIGIT_BEFORE}(?P<landline>[0\uff10]{_DIGIT}{{2,3}}{_GAP}{_DIGIT}{{7,8}}){_NOT_DIGIT_AFTER}"
)
# Every kind of number above holds a digit: text without one is left as it is, and the pattern
# (milliseconds to compile, for a click that may never meet a number) is compiled on first use.
_ANY_DIGIT = re.compile(_DIGIT)


@cache
def _numbers() -> re.Pattern[str]:
    return re.compile(_NUMBERS)


_KEEP_FIRST, _KEEP_LAST = 3, 4  # 138****6241: what docs/工作簿.md#脱敏 lets a phone show


def _masked(number: str) -> str:
    """The digits of `number` but its first 3 and last 4 become '*'; separators stay."""
    places = [i for i, ch in enumerate(number) if ch.isdigit() or ch in "Xx\uff38\uff58"]
    hidden = set(places[_KEEP_FIRST : len(places) - _KEEP_LAST])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(number))


def _mask_match(match: re.Match[str]) -> str:
    country = match.group("country") or ""
    number = match.group("run") or match.group("id") or match.group("mobile")
    number = number or match.group("landline")
    return country + _masked(number)


def mask_text(text: str) -> str:
    """Free text with every phone, ID or other long number in it masked (docs/工作簿.md#脱敏),
    however it was typed; everything else — dates like 2026-11-20, amounts like 20万 — left
    as it is."""
    if not text or not _ANY_DIGIT.search(text):
        return text
    return _numbers().sub(_mask_match, text)


def mask_digits(text: str) -> str:
    """A value shown outside its input sheet (a problem's value): numbers masked as in notes."""
    return mask_text(text)
