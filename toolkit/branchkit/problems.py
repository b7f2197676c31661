"""Problems found in the input, kept as values until the edge decides how to show them.

A problem is identified by its `Code` and carries the facts of the case (`args`: the column, the
limit, the date...), never a sentence: code and tests decide on the code, and the Chinese words
are made from `problem_text`'s catalogue only where a person reads them (the 数据问题 tab, the
command line, `--json`). To add a problem, add a `Code` here and its message in
`problem_text.MESSAGES` (a test fails while one is missing). How problems are listed:
docs/工作簿.md#数据问题的列法
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import Enum

from .controls import has_controls, visible
from .privacy import mask_digits, mask_personal


class Level(Enum):
    """An error leaves the row out of the figures that need the bad field; a warning leaves the
    row in (the agenda counts the open errors)."""

    ERROR = "error"
    WARNING = "warning"


class Code(Enum):
    """What is wrong, one member per message of the catalogue."""

    # a sheet or its header row
    MISSING_SHEET = "missing-sheet"
    RENAMED_SHEET = "renamed-sheet"
    NO_HEADER = "no-header"
    MISSING_COLUMN = "missing-column"
    # a row
    MISSING_VALUE = "missing-value"
    DUPLICATE_ROW = "duplicate-row"
    # a cell whose value is not of its column's kind
    NOT_A_DATE = "not-a-date"
    INVALID_DATE = "invalid-date"
    DATE_WITHOUT_YEAR = "date-without-year"
    NOT_AN_AMOUNT = "not-an-amount"
    NOT_A_NUMBER = "not-a-number"
    NOT_A_COUNT = "not-a-count"
    COUNT_TOO_LARGE = "count-too-large"
    NOT_YES_NO = "not-yes-no"
    BAD_PHONE = "bad-phone"
    ID_STORED_AS_NUMBER = "id-stored-as-number"
    ID_WRONG_LENGTH = "id-wrong-length"
    ID_CHECK_DIGIT = "id-check-digit"
    ID_BIRTH_DATE = "id-birth-date"
    NOT_A_CHOICE = "not-a-choice"
    # a 设置 value (the default holds)
    SETTING_NOT_A_RATIO = "setting-not-a-ratio"
    SETTING_NOT_POSITIVE = "setting-not-positive"
    SETTING_NOT_A_COUNT = "setting-not-a-count"
    SETTING_NOT_YES_NO = "setting-not-yes-no"
    SETTING_NOT_A_MONTH = "setting-not-a-month"
    SETTING_NOT_A_CHOICE = "setting-not-a-choice"
    SETTING_NOT_WEEKDAYS = "setting-not-weekdays"
    # across sheets
    SAME_NAME_TWICE = "same-name-twice"
    LEFT_BEFORE_JOINING = "left-before-joining"
    RECORDED_WHILE_INACTIVE = "recorded-while-inactive"
    RECORDED_AFTER_LEAVING = "recorded-after-leaving"
    RECORDED_BEFORE_JOINING = "recorded-before-joining"
    UNKNOWN_PERSON = "unknown-person"
    CARD_TYPED_AGAIN = "card-typed-again"
    REFERRAL_ID_TAKEN = "referral-id-taken"
    UNKNOWN_PRODUCT = "unknown-product"
    UNKNOWN_CHECKLIST_ITEM = "unknown-checklist-item"
    FIX_DUE_BEFORE_FOUND = "fix-due-before-found"
    SALE_WITHOUT_PRODUCT = "sale-without-product"
    NEGATIVE_AMOUNT = "negative-amount"
    OVER_SALE_CAP = "over-sale-cap"
    UNUSUALLY_LARGE = "unusually-large"
    WEIGHT_NOT_POSITIVE = "weight-not-positive"
    INDICATOR_WITHOUT_PRODUCT = "indicator-without-product"
    # the day D
    NO_DAILY_ROW = "no-daily-row"
    DAILY_REFERRALS_DIFFER = "daily-referrals-differ"
    FORMULA_MISSES_CARDS = "formula-misses-cards"
    # the branch's year: a calendar the holiday library does not know, a sale before the month
    HOLIDAYS_UNKNOWN = "holidays-unknown"
    SALE_DATED_LAST_MONTH = "sale-dated-last-month"
    CARRIED_SALE_UNDATED = "carried-sale-undated"
    SALE_CLOSED_BEFORE_MONTH = "sale-closed-before-month"
    SALE_CLOSED_AFTER_MONTH = "sale-closed-after-month"
    CARD_OUTSIDE_MONTH = "card-outside-month"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place a person can go and fix.

    `args` are the facts the message needs, by the names its template uses (see
    `problem_text.MESSAGES`); `value` is the cell as typed, shown masked."""

    code: Code
    sheet: str
    cell: str
    args: Mapping[str, object] = field(default_factory=dict)
    value: str = ""
    level: Level = Level.ERROR
    # The value was typed where a phone or ID number belongs: masked as one whatever its shape.
    personal: bool = False

    def __post_init__(self) -> None:
        # The sheet's name, the value and the facts quoted from the workbook (a header, a name)
        # are what a person typed: shown, never acted on by a terminal or a browser.
        for name in ("sheet", "value"):
            text = getattr(self, name)
            if has_controls(text):
                object.__setattr__(self, name, visible(text))
        if any(isinstance(v, str) and has_controls(v) for v in self.args.values()):
            shown = {k: visible(v) if isinstance(v, str) else v for k, v in self.args.items()}
            object.__setattr__(self, "args", shown)

    @property
    def shown_value(self) -> str:
        """The value as shown anywhere outside the input sheet: phone and ID digits masked."""
        return mask_personal(self.value) if self.personal else mask_digits(self.value)

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet


def count_levels(problems: list[Problem]) -> tuple[int, int]:
    """(errors, warnings): the counts every summary line shows."""
    errors = sum(p.level is Level.ERROR for p in problems)
    return errors, len(problems) - errors


class BookError(Exception):
    """A workbook that cannot be used at all (not Excel, encrypted, locked...): one clear line."""

    def __init__(self, path: object, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message


class OutsideMonth(BookError):
    """A date D outside the workbook's month (`month`: its first day), refused: the command line
    says when D was today's by default."""

    def __init__(self, path: object, message: str, month: dt.date) -> None:
        super().__init__(path, message)
        self.month = month


# Why the system refused a file operation, in the user's words. Anything else is said without
# the system's English (`--debug` shows it in the traceback).
_OS_REASONS = {
    "EISDIR": "这是一个文件夹，不是文件",
    "ENOENT": "找不到这个文件或文件夹",
    "ENOTDIR": "路径中有同名的文件，不是文件夹",
    "ENAMETOOLONG": "文件名或路径太长",
    "ELOOP": "符号链接绕成了圈",
    "EBUSY": "文件正被占用",
    "ETXTBSY": "文件正被占用",
    "EIO": "磁盘读写出错",
    "EINVAL": "文件名里有系统不允许的字符",
    "EACCES": "没有权限",
    "EPERM": "没有权限",
    "EROFS": "磁盘或共享文件夹是只读的",
    "ENOSPC": "磁盘空间不足",
    "EDQUOT": "超出了磁盘配额",
    "ECONNRESET": "连接被对方断开",
    "ECONNREFUSED": "连接被拒绝",
    "ECONNABORTED": "连接被中断",
    "ETIMEDOUT": "连接超时",
    "ENETUNREACH": "网络不通",
    "EHOSTUNREACH": "连不上对方的电脑",
}


def os_reason(exc: OSError) -> str:
    """The reason an OSError gives, in Chinese."""
    import errno

    code = errno.errorcode.get(exc.errno or 0, "")
    return _OS_REASONS.get(code, "系统没有完成这个操作，加 --debug 可查看详细信息")
