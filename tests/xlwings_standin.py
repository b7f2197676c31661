"""A stand-in for the open Excel workbook, implementing only the xlwings surface that
branchkit.excel declares (XLWINGS_SURFACE). Using anything else raises AttributeError, so the
adapter cannot quietly start depending on more of xlwings than the drift test checks."""

from __future__ import annotations

import datetime as dt
from typing import Any


class Font:
    __slots__ = ("bold", "color", "size")

    def __init__(self) -> None:
        self.bold = False
        self.color: Any = None
        self.size = 11


class Range:
    __slots__ = (
        "_bottom",
        "_left",
        "_ndim",
        "_right",
        "_sheet",
        "_top",
        "address_text",
        "color",
        "column_width",
        "font",
        "number_format",
        "row_height",
        "wrap_text",
    )

    def __init__(
        self, sheet: Sheet, top: int, left: int, bottom: int, right: int, ndim: int | None = None
    ):
        self._sheet, self._top, self._left, self._bottom, self._right = (
            sheet,
            top,
            left,
            bottom,
            right,
        )
        self._ndim = ndim
        self.font = Font()
        self.color = self.column_width = self.row_height = self.number_format = None
        self.wrap_text = False
        self.address_text = ""

    @property
    def top(self) -> float:  # points, as if every row were 15 high and every column 48 wide
        return (self._top - 1) * 15.0

    @property
    def left(self) -> float:
        return (self._left - 1) * 48.0

    @property
    def row(self) -> int:
        return self._top

    @property
    def column(self) -> int:
        return self._left

    @property
    def shape(self) -> tuple[int, int]:
        return self._bottom - self._top + 1, self._right - self._left + 1

    @property
    def last_cell(self) -> Range:
        return Range(self._sheet, self._bottom, self._right, self._bottom, self._right)

    def options(self, ndim: int | None = None) -> Range:
        return Range(self._sheet, self._top, self._left, self._bottom, self._right, ndim)

    @property
    def formula(self) -> Any:
        """As Excel reports it: the formula of a formula cell, else the constant; a range of
        several cells gives rows of them."""

        def one(row: int, col: int) -> Any:
            value = self._sheet.formulas.get((row, col), self._sheet.cells.get((row, col)))
            return "" if value is None else value

        if (self._top, self._left) == (self._bottom, self._right):
            return one(self._top, self._left)
        return tuple(
            tuple(one(r, c) for c in range(self._left, self._right + 1))
            for r in range(self._top, self._bottom + 1)
        )

    @formula.setter
    def formula(self, text: str) -> None:
        """Excel stores the formula and shows what it computes; the stand-in computes nothing,
        so the cell shows the formula's text (a test reads the formula back from `formulas`)."""
        self._sheet.formulas[(self._top, self._left)] = text
        self._sheet.cells[(self._top, self._left)] = text

    def copy(self, destination: Range) -> None:
        """Excel copies values and formats; formats are not modelled here."""
        for r in range(self._top, self._bottom + 1):
            for c in range(self._left, self._right + 1):
                value = self._sheet.cells.get((r, c))
                row, col = destination._top + r - self._top, destination._left + c - self._left
                destination._sheet.set(row, col, value)

    def clear_contents(self) -> None:
        for r in range(self._top, self._bottom + 1):
            for c in range(self._left, self._right + 1):
                self._sheet.cells.pop((r, c), None)
                self._sheet.formulas.pop((r, c), None)

    def merge(self) -> None:
        self._sheet.merged.append((self._top, self._left, self._bottom, self._right))

    @property
    def value(self) -> Any:
        rows = [
            [self._sheet.cells.get((r, c)) for c in range(self._left, self._right + 1)]
            for r in range(self._top, self._bottom + 1)
        ]
        if self._ndim == 2:
            return rows
        if len(rows) == 1 and len(rows[0]) == 1:
            return rows[0][0]
        return rows

    @value.setter
    def value(self, data: Any) -> None:
        block = data if isinstance(data, list) and data and isinstance(data[0], list) else [[data]]
        for i, row in enumerate(block):
            for j, v in enumerate(row):
                self._sheet.set(self._top + i, self._left + j, v)


class Chart:
    __slots__ = ("_charts", "chart_type", "position", "source")

    def __init__(self, charts: Charts, position: tuple[float, float, float, float]) -> None:
        self._charts, self.position = charts, position
        self.chart_type: str | None = None
        self.source: str | None = None

    def set_source_data(self, source: Range) -> None:
        self.source = source.address_text

    def delete(self) -> None:
        self._charts.items.remove(self)


class Charts:
    __slots__ = ("items",)

    def __init__(self) -> None:
        self.items: list[Chart] = []

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self.items))

    def add(
        self, left: float = 0, top: float = 0, width: float = 355, height: float = 211
    ) -> Chart:
        chart = Chart(self, (left, top, width, height))
        self.items.append(chart)
        return chart


class Sheet:
    __slots__ = ("book", "cells", "charts", "formulas", "merged", "name")

    def __init__(self, book: Book, name: str) -> None:
        self.book, self.name = book, name
        self.cells: dict[tuple[int, int], Any] = {}
        self.formulas: dict[tuple[int, int], str] = {}  # cells holding a formula: its text
        self.merged: list[tuple[int, int, int, int]] = []
        self.charts = Charts()  # Excel keeps charts when a sheet's cells are cleared

    def set(self, row: int, col: int, value: Any) -> None:
        # Excel's own rule: a leading apostrophe marks text and is not part of the value.
        if isinstance(value, str) and value.startswith("'"):
            value = value[1:]
        self.formulas.pop((row, col), None)  # a value typed over a formula replaces it
        if value is None or value == "":
            self.cells.pop((row, col), None)
        else:
            self.cells[(row, col)] = value

    @property
    def used_range(self) -> Range:
        if not self.cells:
            return Range(self, 1, 1, 1, 1)
        rows = [r for r, _ in self.cells]
        cols = [c for _, c in self.cells]
        return Range(self, min(rows), min(cols), max(rows), max(cols))

    def range(self, first: Any, last: Any = None) -> Range:
        if isinstance(first, str) and (":" in first or "," in first):  # "$B$11:$B$21,$D$11:…"
            area = first.split(",")[0].replace("$", "").split(":")
            (top, left), (bottom, right) = _address(area[0]), _address(area[-1])
            found = Range(self, top, left, bottom, right)
            found.address_text = first
            return found
        top, left = _address(first)
        bottom, right = _address(last) if last is not None else (top, left)
        return Range(self, top, left, bottom, right)

    def clear(self) -> None:
        self.cells.clear()
        self.merged.clear()

    def activate(self) -> None:
        self.book.active = self


def _address(ref: Any) -> tuple[int, int]:
    if isinstance(ref, tuple):
        return ref
    letters = "".join(ch for ch in ref if ch.isalpha())
    col = 0
    for ch in letters.upper():
        col = col * 26 + ord(ch) - 64
    return int(ref[len(letters) :]), col


class Sheets:
    __slots__ = ("_book", "_items")

    def __init__(self, book: Book) -> None:
        self._book = book
        self._items: list[Sheet] = []

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(list(self._items))

    def __getitem__(self, key: int | str) -> Sheet:
        if isinstance(key, int):
            return self._items[key]
        return next(s for s in self._items if s.name == key)

    def add(self, name: str, before: Sheet | None = None, after: Sheet | None = None) -> Sheet:
        sheet = Sheet(self._book, name)
        index = self._items.index(after) + 1 if after is not None else len(self._items)
        self._items.insert(index, sheet)
        return sheet


class App:
    __slots__ = ("alerts", "screen_updating", "status_bar")

    def __init__(self) -> None:
        self.alerts: list[str] = []
        self.screen_updating = True
        self.status_bar = None

    def alert(
        self,
        prompt: str,
        title: str | None = None,
        buttons: str = "ok",
        mode: str | None = None,
        callback: Any = None,
    ) -> str:
        self.alerts.append(prompt)
        return "ok"


class Book:
    __slots__ = ("active", "app", "fullname", "name", "sheets")

    def __init__(self, fullname: str) -> None:
        self.fullname = fullname
        self.name = fullname.rsplit("/", 1)[-1]
        self.app = App()
        self.sheets = Sheets(self)
        self.active: Sheet | None = None

    @classmethod
    def caller(cls) -> Book:
        raise RuntimeError("patched in the tests")

    @classmethod
    def from_rows(cls, fullname: str, sheets: dict[str, list[list[Any]]]) -> Book:
        """An 'open workbook' holding these values, as Excel would hand them to xlwings."""
        book = cls(fullname)
        for name, rows in sheets.items():
            sheet = book.sheets.add(name)
            for r, row in enumerate(rows, start=1):
                for c, value in enumerate(row, start=1):
                    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
                        value = dt.datetime(
                            value.year, value.month, value.day
                        )  # xlwings gives datetimes
                    if isinstance(value, int) and not isinstance(value, bool):
                        value = float(value)  # and floats for every number
                    sheet.set(r, c, value)
        return book


STANDIN_CLASSES = {
    "Book": Book,
    "Sheets": Sheets,
    "Sheet": Sheet,
    "Charts": Charts,
    "Chart": Chart,
    "Range": Range,
    "Font": Font,
    "App": App,
}
