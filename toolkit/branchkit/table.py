"""One input sheet as typed columns: plain Python lists, one per column, plus `row`.

A click in Excel starts Python afresh, so what the core imports is the user's wait: plain lists
do everything the figures need (zip over columns, pick rows) without loading pandas, and a column
of 100,000 values is still one C-level pass for `zip`, `map` and `set`.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from typing import Any


class Table:
    """Columns by schema key (English); `row` holds each row's Excel row number. An empty cell is
    None in every column, whatever its kind."""

    __slots__ = ("columns",)

    def __init__(self, columns: dict[str, list[Any]]) -> None:
        self.columns = columns

    @classmethod
    def empty(cls, keys: Iterable[str]) -> Table:
        return cls({key: [] for key in (*keys, "row")})

    def __getitem__(self, key: str) -> list[Any]:
        return self.columns[key]

    def __contains__(self, key: object) -> bool:
        return key in self.columns

    def get(self, key: str) -> list[Any] | None:
        """A column the reader adds only sometimes (formula_exact), or None."""
        return self.columns.get(key)

    def __len__(self) -> int:
        return len(self.columns["row"])

    def __bool__(self) -> bool:
        return len(self) > 0

    def zip(self, *keys: str) -> Iterator[tuple[Any, ...]]:
        """The named columns side by side, one tuple per row."""
        return zip(*(self.columns[k] for k in keys), strict=True)

    def records(self) -> Iterator[dict[str, Any]]:
        """Each row as a dict by column key (for the few places that want every field)."""
        keys = list(self.columns)
        return (dict(zip(keys, values, strict=True)) for values in self.zip(*keys))

    def take(self, indexes: Iterable[int]) -> Table:
        """The rows at these positions (not Excel rows), in that order."""
        picked = list(indexes)
        return Table({k: [v[i] for i in picked] for k, v in self.columns.items()})

    def where(self, keep: Iterable[bool]) -> Table:
        return self.take(i for i, flag in enumerate(keep) if flag)

    def at_row(self, excel_row: int) -> dict[str, Any]:
        """The record typed from this Excel row; KeyError when that row holds no record."""
        try:
            position = self.columns["row"].index(excel_row)
        except ValueError:
            raise KeyError(excel_row) from None
        return {k: v[position] for k, v in self.columns.items()}
