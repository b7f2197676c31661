"""The sample generator (tests/samples.py) under any seed: the benchmarks make hundreds or
thousands of branch workbooks with it, one seed per branch, so no seed may crash it or make a
workbook the reader finds fault with. Seed 1308 once drew a weekend with nobody on duty and
stopped `make bench-rollup` at its 309th branch."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from branchkit import schema
from branchkit.figures import compute
from branchkit.read import read_book
from branchkit.templates import write_branch_workbook
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from .samples import LAST_DAY, MONTH, PARENT, STAFF, build_month, network_month

SEEDS = st.integers(min_value=0, max_value=2**32 - 1)


def _column(sheet: str, key: str) -> int:
    return [c.key for c in schema.SHEETS_BY_KEY[sheet].columns].index(key)


@settings(max_examples=300, deadline=None)
@given(SEEDS)
@example(1308)
def test_any_seed_simulates_a_whole_month_with_someone_on_duty_every_day(seed: int) -> None:
    data = build_month(seed)
    on_duty = {
        row[_column("overview", "date")]: row[_column("overview", "on_duty")].split("、")
        for row in data["overview"]
    }
    days = (LAST_DAY - MONTH).days + 1
    assert sorted(on_duty) == [MONTH + dt.timedelta(days=i) for i in range(days)]
    active = {p.name for p in STAFF if p.active}
    for day, names in on_duty.items():
        assert names and set(names) <= active, day
    # Whoever a checklist item or a card names did their part on a day they were there.
    for row in data["checklist"]:
        assert row[_column("checklist", "owner")] in on_duty[row[_column("checklist", "date")]]
    for row in data["referrals"]:
        day = row[_column("referrals", "date")]
        assert row[_column("referrals", "referrer")] in on_duty[day]
    for sheet, rows in data.items():
        width = len(schema.SHEETS_BY_KEY[sheet].columns)
        assert all(len(row) <= width for row in rows), sheet


@settings(
    max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(SEEDS)
@example(1308)
def test_any_seed_makes_a_branch_workbook_that_reads_clean(tmp_path: Path, seed: int) -> None:
    """The benchmarks' branch: the simulation under the seed, another branch's card numbers."""
    data = network_month(f"第{seed}支行", "B", seed, 1.0, {})
    path = write_branch_workbook(
        tmp_path / f"第{seed}支行-2026-11.xlsx",
        f"第{seed}支行",
        "2026-11",
        data,
        {"parent": PARENT},
    )
    book = read_book(path)
    assert book.problems == []
    figures = compute(book, LAST_DAY)
    assert figures.month.branch.targets  # the league can rank it
    assert figures.month.branch.referrals == len(data["referrals"])
