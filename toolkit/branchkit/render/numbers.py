"""How numbers and dates read in text: the agenda, notes on tabs, the e-mail. One place, so a
figure is written the same way wherever it appears (and without loading Jinja2 for a refresh)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from itertools import pairwise
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


def percents_apart(values: Sequence[float | None], most: int = 2) -> list[str]:
    """Percentages of a ranked list, with as many decimals (up to `most`) as it takes for two
    different values never to read the same: "2. 80%" above "3. 80%" reads as a tie ranked
    wrong, when the scores were 80.5 % and 79.7 %."""
    for places in range(most + 1):
        shown = ["—" if v is None else f"{v:.{places}%}" for v in values]
        clash = any(  # a tie is decided as the ranks decide it (figures.competition_ranks)
            a is not None and b is not None and round(a, 9) != round(b, 9) and sa == sb
            for (a, sa), (b, sb) in pairwise(zip(values, shown, strict=True))
        )
        if not clash:
            break
    return shown


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
