"""Masking personal data (docs/工作簿.md#脱敏): customer names, phones and ID numbers are personal
financial information. Everything that leaves the input sheets goes through here."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache, cached_property
from typing import Protocol

from .table import Table


class _Sheets(Protocol):
    """What of a workbook names its people (read.Book has it); privacy sits below the reader."""

    @property
    def referrals(self) -> Table: ...
    @property
    def tracking(self) -> Table: ...
    @property
    def roster(self) -> Table: ...


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
# What, besides spaces and dashes, people set a number's groups apart with: a dot, an underscore,
# a middle dot, as typed or in full width (138.1234.6241). 联系方式 takes the same (parse).
DOT_GAPS = "._\u00b7\u30fb\uff0e\uff3f"
# Between the groups of a number: nothing, spaces, a dash, or one of DOT_GAPS, with spaces
# around it. Not a slash or 、: they part lists of amounts (150、2000、3000 万) far more often
# than a phone's groups.
_GAP = f"[ \u00a0\u3000\\-\u2010-\u2015\u2212\uff0d{DOT_GAPS}]{{0,3}}"
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


def _masked(number: str, first: int = _KEEP_FIRST, last: int = _KEEP_LAST) -> str:
    """The digits of `number` but its first 3 and last 4 (or `first` and `last`) become '*';
    separators stay."""
    places = _digit_places(number)
    hidden = set(places[first : len(places) - last])
    return "".join("*" if i in hidden else ch for i, ch in enumerate(number))


def _digit_places(text: str) -> list[int]:
    return [i for i, ch in enumerate(text) if ch.isdigit() or ch in "Xx\uff38\uff58"]


# A value this many digits long shows its first 3 and last 4 (a mobile one digit short: 138***4567,
# its missing digit still visible); a shorter one only its last 2.
_KEEP_ENDS_FROM, _KEEP_SHORT = 10, 2


def mask_personal(text: str) -> str:
    """A value typed where a phone or ID number belongs, masked whatever its shape: a number
    one digit short (1381234567) is still nearly someone's phone, though no pattern of
    `mask_text` takes it for one. A name typed beside the number (蒋娜 1381234567) shows as a
    name column does: its first character (蒋*)."""
    long = len(_digit_places(text)) >= _KEEP_ENDS_FROM
    shown = _masked(text) if long else _masked(text, 0, _KEEP_SHORT)
    return _HAN_RUN.sub(lambda m: mask_name(m.group()) if len(m.group()) > 1 else m.group(), shown)


_CHINESE = "[\u4e00-\u9fff]"
_HAN_RUN = re.compile(f"{_CHINESE}+")


def _mask_match(match: re.Match[str]) -> str:
    country = match.group("country") or ""
    number = match.group("run") or match.group("id") or match.group("mobile")
    number = number or match.group("landline")
    return country + _masked(number)


# An e-mail address typed into a note: its name before the @ is the person's.
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])([A-Za-z0-9._%+-])([A-Za-z0-9._%+-]*)"
    r"([@\uff20][A-Za-z0-9-]+(?:[.\uff0e][A-Za-z0-9-]+)+)"
)


def _mask_email(match: re.Match[str]) -> str:
    return match.group(1) + "*" * len(match.group(2)) + match.group(3)


def mask_text(text: str) -> str:
    """Free text with every phone, ID or other long number in it masked (docs/工作簿.md#脱敏),
    however it was typed, and every e-mail address (z********@example.com); everything else —
    dates like 2026-11-20, amounts like 20万 — left as it is."""
    if not text:
        return text
    if _ANY_DIGIT.search(text):
        text = _numbers().sub(_mask_match, text)
    return _EMAIL.sub(_mask_email, text) if "@" in text or "\uff20" in text else text


def mask_digits(text: str) -> str:
    """A value shown outside its input sheet (a problem's value): numbers masked as in notes."""
    return mask_text(text)


# ---------------------------------------------------------------- names in free text

# A customer's name typed into free text (a 案例 描述, a 客户意见, a 备注) is masked where the text
# leaves the workbook, as 张* like the 客户 columns (docs/工作簿.md#脱敏). The names the workbook
# lists as customers are found wherever they stand; a name it does not list only right after
# 客户 (or 客户：) and before a delimiter (客户孙立（…, 客户刘美丽139****5679), and only when it
# begins with a common family name and is not one of the words that follow 客户 in ordinary notes.

_SURNAMES = (
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程苏魏"
    "吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵"
    "万钱严覃武戴莫孔汤常温康施文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹欧耿关兰焦俞左柳"
    "甘祝包宁尚舒阮纪梅童凌毕单季裴霍涂成苗谷盛翁冉骆蓝路游辛靳柴蒙鲍华喻祁房滕屈饶艾"
)
_COMPOUND_SURNAMES = "欧阳|司马|诸葛|上官|东方|皇甫|慕容|令狐|司徒|夏侯"
# Words that follow 客户 in ordinary notes and begin with a family name: never taken for a name.
_NOT_NAMES = (
    "高兴|高端|高龄|方便|方面|满意|关系|关注|关心|安全|安排|安心|金额|"
    "余额|于是|经理|成功|成交|常来|常用|任务|文件|单位|付款|付费|房贷|"
    "房产|马上|周一|周二|周三|周四|周五|周六|周日|周末|谢谢|焦虑|严重|"
    "黄金|钱款|万元|温馨|曾经|宁愿|程序|陆续|毕业|包括|尚未|许多|齐全|"
    "何时|章程|路过|范围|顾虑|龙卡|白天|左右|苏州|江苏|关怀|关闭|关联|"
    "关爱|陈述|陈列|华为|成为|成本|单独|单笔|房租|温度|谢绝|万一|余下|"
    "钱包|金卡|金条|曾致|曾多"
)
# Characters that end a name in a note: a verb or a particle that follows it (客户王说，…).
_NOT_IN_NAME = "的了说在是和与及等称要想来去到已未不也都就还又被把对向给让很较太再均"
_GIVEN = f"(?:(?![{_NOT_IN_NAME}]){_CHINESE})"
_FAMILY = f"{_COMPOUND_SURNAMES}|[{_SURNAMES}]"
# What may follow the name: a number (masked or not), a bracket, punctuation, a space, the end,
# or the word for the number that follows (客户刘美丽手机…).
_AFTER = (
    "(?=[0-9\uff10-\uff19*\uff0a(\uff08)\uff09\uff0c,\u3002.\uff1b;\uff1a:\u3001\\s!\uff01?\uff1f"
    '\u201d"\u300b\u300d\u300f/\\-\u2014]|手机|电话|身份证|证件|卡号|账号|$)'
)
_CUSTOMER = "客户"  # the word in a note that an unlisted name comes right after
_NAME_LABEL = "(?:姓名|名字)"  # 客户姓名：王小明
_AFTER_CUSTOMER = (
    f"{_CUSTOMER}{_NAME_LABEL}?[\uff1a:\\s]?(?!{_NOT_NAMES})"
    f"(?P<unlisted>(?:{_FAMILY}){_GIVEN}{{1,2}}){_AFTER}"
)
# How a note speaks of a customer right after the full name: 王小明先生, 张三丰女士.
_HONORIFICS = "先生|女士|小姐"
# A full name (a family name and two more characters, or a compound one and one or two) with
# an honorific after it, where it starts the note or follows a mark, a space or a number: 王小明
# 先生投诉. Not after another 汉字 (一位高龄女士, 安排王先生, 感谢王先生 are no names), and
# never a family name alone (王先生 names no one).
_HONORED = (
    f"(?<!{_CHINESE})(?!{_NOT_NAMES})"
    f"(?P<honored>(?:{_COMPOUND_SURNAMES}){_GIVEN}{{1,2}}|[{_SURNAMES}]{_GIVEN}{{2}})"
    f"(?={_HONORIFICS})"
)
_HONORIFIC = re.compile(_HONORIFICS)


@cache
def _unlisted() -> re.Pattern[str]:
    """Compiled on first use (milliseconds, for the surnames): only text with 客户 or an
    honorific needs it."""
    return re.compile(f"{_AFTER_CUSTOMER}|{_HONORED}")


_LATIN = re.compile("[A-Za-z]")
_NAME_LIST = re.compile(r"[、，,;；/\s]+")


@dataclass(frozen=True)
class Names:
    """The names a workbook knows: its customers' (客户姓名 of 转介登记 and 追踪表) and its
    staff's (人员). A staff name is never masked, even where a customer has it too: the agenda
    is read aloud to the staff, and "刘洋跟王*学习" names nobody; a customer who shares a
    colleague's name is the one name free text cannot tell apart."""

    customers: frozenset[str] = frozenset()
    staff: frozenset[str] = frozenset()

    @cached_property
    def _listed(self) -> tuple[frozenset[str], tuple[int, ...]]:
        """Every listed name of two characters or more, and their lengths, longest first: looked
        up by position (a set, not one pattern of 100,000 alternatives, which took seconds to
        compile for a province-sized workbook)."""
        names = frozenset(n for n in self.customers | self.staff if len(n) >= 2)
        return names, tuple(sorted({len(n) for n in names}, reverse=True))

    def _mask_listed(self, text: str) -> str:
        """Each listed name in `text`, longest first at each place (刘美丽 before 刘美): a
        customer's masked, a staff member's kept whole (王五一 of 人员 is not 王五* when 王五
        is a customer). A name in Latin letters only as a whole word (Ann is not in Annual)."""
        names, lengths = self._listed
        if not names:
            return text
        out: list[str] = []
        i, end, kept = 0, len(text), 0
        while i < end:
            for length in lengths:
                name = text[i : i + length]
                if len(name) == length and name in names and _whole(text, i, name):
                    if name in self.customers and name not in self.staff:
                        out.append(text[kept:i])
                        out.append(mask_name(name))
                        kept = i + length
                    i += length
                    break
            else:
                i += 1
        return text if not out else "".join(out) + text[kept:]

    def _mask_unlisted(self, match: re.Match[str]) -> str:
        """After 客户, or before an honorific: a name the workbook does not list (a staff
        member's stays)."""
        group = "unlisted" if match.group("unlisted") else "honored"
        name = match.group(group)
        if name in self.staff:
            return match.group()
        return match.group()[: match.start(group) - match.start()] + mask_name(name)

    def mask(self, text: str) -> str:
        """`text` with every customer's name in it as 张* / 刘** (the same length: a table's
        layout does not move). Text that only names staff (a 责任人, 张三、李四) is left whole."""
        if not text:
            return text
        if self.staff and all(n in self.staff for n in _NAME_LIST.split(text.strip()) if n):
            return text
        masked = self._mask_listed(text)
        if _CUSTOMER in masked or _HONORIFIC.search(masked):
            return _unlisted().sub(self._mask_unlisted, masked)
        return masked


def _whole(text: str, at: int, name: str) -> bool:
    """A Chinese name stands anywhere; a Latin one only between non-letters."""
    if not _LATIN.search(name):
        return True
    before = text[at - 1] if at else ""
    after = text[at + len(name)] if at + len(name) < len(text) else ""
    return not (before.isascii() and before.isalpha()) and not (after.isascii() and after.isalpha())


def workbook_names(*books: _Sheets | None) -> Names:
    """The customers and staff of these workbooks (a weekly's month and the one before it)."""
    customers: set[str] = set()
    staff: set[str] = set()
    for book in books:
        if book is None:
            continue
        for table in (book.referrals, book.tracking):
            if "customer" in table:
                customers.update(_each_name(table["customer"]))
        if "name" in book.roster:
            staff.update(_each_name(book.roster["name"]))
    return Names(frozenset(customers), frozenset(staff))


def _each_name(cells: list[object]) -> Iterator[str]:
    """The names in a column (a cell may hold two: 张三、李四), each of two characters or more:
    a single character would mask that character everywhere."""
    for cell in cells:
        if isinstance(cell, str):
            yield from (n for n in _NAME_LIST.split(cell) if len(n) >= 2 and "*" not in n)
