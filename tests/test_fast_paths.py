"""Where a whole column is settled at once instead of row by row (a parent branch's month has
100,000 rows), the result is what the row-by-row rule gives."""

from __future__ import annotations

import datetime as dt
import math
from typing import NamedTuple

import click
from branchkit.cli import DayType
from branchkit.matching import dated_on_or_before
from branchkit.render.records import amount as _amount
from branchkit.render.records import record_table
from branchkit.table import Table
from hypothesis import example, given
from hypothesis import strategies as st

DAYS = st.dates(min_value=dt.date(2026, 10, 25), max_value=dt.date(2026, 12, 5))
CELLS = st.one_of(DAYS, st.none(), st.just("2026-11-01"), st.just(45000.0))


@given(st.lists(st.one_of(DAYS, DAYS, CELLS), max_size=30), DAYS)
def test_rows_dated_on_or_before_a_day_are_those_the_row_rule_keeps(
    dates: list[object], last: dt.date
) -> None:
    table = Table({"date": dates, "row": list(range(2, len(dates) + 2))})
    kept = [i for i, d in enumerate(dates) if isinstance(d, dt.date) and d <= last]
    found = dated_on_or_before(table, "date", last)
    assert found["date"] == [dates[i] for i in kept]
    assert found["row"] == [i + 2 for i in kept]


class _Record(NamedTuple):
    name: str
    amount: object
    credit: object


VALUES = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.none(),
    st.integers(-5, 5),
    st.booleans(),
    st.just("—"),
)


@example([_Record("张三", math.nan, 2.5), _Record("", None, -0.0)])
@given(
    st.lists(
        st.builds(_Record, st.sampled_from(["张三", "李四", ""]), VALUES, st.floats(-1e6, 1e6)),
        max_size=8,
    )
)
def test_a_record_table_holds_what_each_row_converted_alone_holds(records: list[_Record]) -> None:
    fields = (
        ("姓名", "text", 8, "name"),
        ("金额", "amount", 8, "amount"),
        ("记分", "number", 8, "credit"),
    )
    table = record_table(fields, records, shown={"name": "【{}】".format})
    expected = [[f"【{r.name}】", _amount(r.amount), _amount(r.credit)] for r in records]
    assert repr(table.rows) == repr(expected)  # NaN too
    assert [type(v) for row in table.rows for v in row] == [
        type(v) for row in expected for v in row
    ]  # an int stays an int, a bool a bool


def _converted(kind: click.ParamType, text: str) -> object:
    try:
        return kind.convert(text, None, None)
    except click.BadParameter as exc:
        return ("refused", exc.message)


@example("2026-02-30")
@example("2026-11-20")
@example("２０２６-１１-２０")
@given(
    st.one_of(
        st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
        st.from_regex(r"[0-9]{4}[-./][0-9]{1,2}[-./][0-9]{1,2}", fullmatch=True),
        st.text(max_size=12),
    )
)
def test_the_date_option_reads_what_click_datetime_reads(text: str) -> None:
    formats = ["%Y-%m-%d", "%Y.%m.%d", "%Y/%m/%d"]
    assert _converted(DayType(formats), text) == _converted(click.DateTime(formats), text)
