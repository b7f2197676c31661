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


def month_day(value: dt.date | None) -> str:
    return "" if value is None else f"{value:%m-%d}"
