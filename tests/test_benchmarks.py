"""The benchmarks' code paths on a few workbooks, so `make bench`, `make bench-rollup` and
`make bench-network` keep running for anyone. Nothing here is timed against a target: the
figures themselves come from the benchmarks (benchmarks/RESULTS.md)."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from .conftest import ROOT

sys.path.insert(0, str(ROOT / "benchmarks"))

import history
import network
import rollup

pytestmark = pytest.mark.slow


def test_rollup_bench_measures_the_rollup_its_floor_and_one_process(tmp_path: Path) -> None:
    folder = rollup.branch_books(3, tmp_path)
    assert sorted(p.name for p in folder.iterdir()) == [rollup.book_name(n) for n in range(3)]
    runs = rollup.measure(folder, tmp_path, rounds=1)
    assert set(runs) == {"floor", "rollup", "single"}
    assert all(r.seconds > 0 and r.cpu > 0 and r.peak_mib > 0 for r in runs.values())
    steps = rollup.phases(folder, tmp_path)
    assert len(steps) == 8 and all(seconds >= 0 for _, seconds in steps)
    section = rollup.render([(3, runs)], steps, 3, (0.0, 0.0))
    assert section.startswith(rollup.START) and section.endswith(rollup.END)
    assert "\n| 3 | " in section and "its floor measured in the same run" in section


def test_network_bench_gives_the_same_tables_on_a_cluster_of_processes(tmp_path: Path) -> None:
    pytest.importorskip("distributed")
    found = network.measure(3, tmp_path, workers=1, root=tmp_path / "data")
    assert found.same
    assert found.scheduler.peak_mib > 0 and len(found.workers) == 1
    assert found.workers[0].cpu > 0  # the worker read the workbooks
    section = network.render([found, found], (0.0, 0.0))
    assert "Both give the same tables: yes" in section


def test_history_bench_simulates_a_store_appends_queries_and_exports(tmp_path: Path) -> None:
    found = history.measure(6, 3, 40, tmp_path)
    # 40 days × day/week/month × 6 branches (× 3 people, × the indicators)
    assert found["rows"] == {
        "branch_figures": 40 * 3 * 6,
        "indicator_figures": 40 * 3 * 6 * len(history.INDICATORS),
        "person_figures": 40 * 3 * 6 * 3,
        "left_out": 0,
    }
    assert found["people"] == 18
    assert found["parquet_files"] == (6, 3)  # three tables × two months; the rollup's month again
    # The appended days were taken out again: the simulated year is left as it was.
    from branchkit.rollupjob import store

    with store.connect(history.year_store(6, 3, 40, tmp_path), read_only=True) as con:
        assert store.dates(con, history.LAST + history.dt.timedelta(days=9))[-1] == history.LAST
    section = history.render(found, (6, 3, 40), (0.0, 0.0))
    assert "append a day" in section and "met" in section
