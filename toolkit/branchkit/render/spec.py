"""What a generated sheet holds, independent of who writes it (XlsxWriter for files, xlwings for
the open workbook). Pure data: the core fills it, the adapters draw it."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Literal

# "qty": a quantity of mixed units in one column — whole counts (int values) without decimals,
# amounts (float values) with two. "status": a pace or a checklist mark, coloured by what it
# means; "due": a follow-up's state, an overdue one coloured; "flag": text that marks its row (a
# branch ranked with data errors), coloured whenever it is not empty (render/marks.py). "wrap":
# text that wraps in its column, its row as tall as its lines (an agenda's targets); "figure": a
# figure already written out as text (an agenda's 29, 62.5%), aligned right.
Fmt = Literal[
    "text",
    "int",
    "amount",
    "number",
    "pct",
    "pct_bar",
    "date",
    "status",
    "due",
    "rank",
    "qty",
    "flag",
    "wrap",
    "figure",
]
Style = Literal["h1", "h2", "body", "note", "strong"]


@dataclass(frozen=True)
class Col:
    header: str
    fmt: Fmt = "text"
    width: float = 10


@dataclass
class Table:
    columns: list[Col]
    rows: list[list[Any]]
    caption: str = ""
    empty_note: str = "（无）"


@dataclass
class Text:
    """Free lines (the agenda): each line is (style, text), optionally with a right-hand cell."""

    lines: list[tuple[Style, str]]


@dataclass(frozen=True)
class Chart:
    """A native Excel chart of one table: one series per value column, labels from label_col.
    It is drawn right under its table (several charts of one table side by side when they fit),
    so the sheet prints no wider than its tables."""

    table: int
    label_col: int
    value_cols: tuple[int, ...]
    title: str
    value_fmt: Fmt = "pct"
    kind: Literal["bar", "column", "line"] = "bar"
    axis_title: str = ""  # the value axis: its unit (万元, 张) when the values have one


@dataclass
class SheetSpec:
    name: str
    title: str
    subtitle: str
    blocks: list[Table | Text] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    landscape: bool | None = None  # None: portrait unless the sheet is too wide for it
    one_page: bool = False  # one printed page (the agenda), in the largest type that fits
    text_width: int = 8  # columns a Text block spans
