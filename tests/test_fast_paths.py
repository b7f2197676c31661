"""Where a whole column is settled at once instead of row by row (a parent branch's month has
100,000 rows), the result is what the row-by-row rule gives."""

from __future__ import annotations

import datetime as dt

from branchkit.matching import dated_on_or_before
from branchkit.table import Table
from hypothesis import given
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
