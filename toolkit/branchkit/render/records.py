"""Tables of records, declared one way: a table is a tuple of fields — (header, format, width,
value) — beside the record it shows, and `record_table` turns records into its rows.

`value` is the record's attribute, or a function of the record where a cell is worked out (a
pace key into its words, a source row into "追踪表!12"). The Chinese header and the value it
heads sit on one line, so a column cannot drift from its value, and every generated table —
the branch's tabs, the weekly workbook — is built the same way.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import repeat
from operator import attrgetter
from typing import Any

from .spec import Col, Fmt, Table

Field = tuple[str, Fmt, float, str | Callable[[Any], Any]]  # header, format, width, value


def record_table(
    fields: Sequence[Field],
    records: Iterable[Any],
    caption: str = "",
    empty_note: str = "（无）",
    shown: dict[str, Callable[[Any], Any]] | None = None,
) -> Table:
    """A table of records: one row per record, one column per field. `shown` turns an
    attribute's value into what the cell holds for this table only (a phone into its mask)."""
    records = list(records)
    named = [f[3] for f in fields]
    if not records:
        rows: list[list[Any]] = []
    else:  # column by column (a parent branch's 分润明细 has 70,000 rows), then back to rows
        columns = [_column(value, records) for value in named]
        for c, (_, fmt, _, value) in enumerate(fields):
            convert = (shown or {}).get(value) if isinstance(value, str) else None
            if convert is not None:
                columns[c] = tuple(map(convert, columns[c]))
            elif fmt in ("amount", "number"):
                columns[c] = _amounts(columns[c])
        rows = list(map(list, zip(*columns, strict=True)))
    return Table([Col(h, fmt, w) for h, fmt, w, _ in fields], rows, caption, empty_note)


def _column(value: str | Callable[[Any], Any], records: list[Any]) -> tuple[Any, ...]:
    get = attrgetter(value) if isinstance(value, str) else value
    return tuple(map(get, records))


def amount(value: Any) -> Any:
    """Amounts as the cell keeps them: 4 decimals of their unit (0.7 × 20 is 14, not
    14.000000000000002); the number format decides what is shown."""
    return round(value, 4) if isinstance(value, float) else value


def _amounts(column: Sequence[Any]) -> tuple[Any, ...]:
    """`amount` of each value; a column of plain floats is rounded in one C-level pass."""
    if set(map(type, column)) == {float}:
        return tuple(map(round, column, repeat(4)))
    return tuple(map(amount, column))
