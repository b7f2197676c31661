"""How numbers and dates read in text: the agenda, notes on tabs, the e-mail. One place, so a
figure is written the same way wherever it appears (and without loading Jinja2 for a refresh)."""

from __future__ import annotations

import datetime as dt
from typing import Any


def number(value: Any, decimals: int = 2) -> str:
    """12 -> '12', 1234.5 -> '1,234.5', 0.333 -> '0.33': at most two decimals, none trailing."""
    if value is None:
        return "—"
    value = float(value)
    if value.is_integer():
        return f"{int(value):,}"
    return f"{value:,.{decimals}f}".rstrip("0").rstrip(".")


def percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.0%}"


def percent_beside(value: float | None, progress: float, tolerance: float) -> str:
    """A completion printed beside its pace word (docs/口径.md#进度): the word was decided on the
    exact figures, so the number is shown precisely enough not to contradict it — whole percent,
    or one decimal (two at most) where rounding would put it on a boundary of the pace, level
    with the time progress ± 进度容差 (4.6% and 5.0% are not both "5%" beside different words)."""
    if value is None:
        return "—"
    edges = (progress - tolerance, progress + tolerance)
    for decimals in (0, 1, 2):
        shown = round(value * 100, decimals)
        if all(round(edge * 100, decimals) != shown for edge in edges) and not any(
            min(value * 100, shown) < edge * 100 < max(value * 100, shown) for edge in edges
        ):
            break
    return f"{value:.{decimals}%}"


def month_day(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%m-%d}"
