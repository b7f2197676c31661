"""Problems found in the input, kept as values until the edge decides how to show them
(docs/工作簿.md#数据问题的列法)."""

from __future__ import annotations

from dataclasses import dataclass

from .privacy import mask_digits

ERROR = "错误"
WARNING = "警告"


@dataclass(frozen=True)
class Problem:
    """One thing wrong with the input, at one place a person can go and fix."""

    sheet: str
    cell: str
    value: str
    problem: str  # short Chinese statement, e.g. 不是金额
    level: str = ERROR
    detail: str = ""  # what was expected / what to do

    @property
    def shown_value(self) -> str:
        """The value as shown anywhere outside the input sheet: phone and ID digits masked."""
        return mask_digits(self.value)

    @property
    def where(self) -> str:
        return f"{self.sheet}!{self.cell}" if self.cell else self.sheet

    def line(self) -> str:
        """The one-line message shown on the command line and in 数据问题."""
        shown = f' "{self.shown_value}"' if self.value != "" else ""
        extra = f"（{self.detail}）" if self.detail else ""
        return f"{self.where}:{shown} {self.problem}{extra}"

    def as_json(self) -> dict[str, str]:
        return {
            "表": self.sheet,
            "单元格": self.cell,
            "值": self.shown_value,
            "问题": self.problem,
            "级别": self.level,
        }


def count_levels(problems: list[Problem]) -> tuple[int, int]:
    """(errors, warnings): the counts every summary line shows."""
    errors = sum(p.level == ERROR for p in problems)
    return errors, len(problems) - errors


class BookError(Exception):
    """A workbook that cannot be used at all (not Excel, encrypted, locked...): one clear line."""

    def __init__(self, path: object, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path
        self.message = message
