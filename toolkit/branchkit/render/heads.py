"""The lines every generated tab of the branch workbook starts with: its title and the subtitle
that says the date, the month's time progress and — while the workbook has 错误 — that their
figures are not counted yet. They repeat at the top of every printed page."""

from __future__ import annotations

from ..figures import Figures
from ..problems import count_levels
from ..schema import GENERATED_MARK


def tab_title(figures: Figures, name: str) -> str:
    return f"{figures.branch or '网点'} {name}"


def subtitle(figures: Figures, extra: str = "", warn_errors: bool = True) -> str:
    """The line under every tab's title: the date, time progress and, while the workbook has
    错误, that their figures are not counted yet — a printed page must say so too."""
    day = figures.date
    week = day.isocalendar()[1]
    parts = [
        f"统计日期 {day.isoformat()}（第{week}周）",
        f"本月时间进度 {figures.month_progress:.1%}",
    ]
    if extra:
        parts.append(extra)
    errors = count_levels(figures.problems)[0] if warn_errors else 0
    if errors:
        parts.append(f"注意：有 {errors} 个数据错误，相关数字未计入（见“数据问题”表）")
    parts.append(GENERATED_MARK)
    return " · ".join(parts)
