"""`make bench-network`, part two: a year of a province's history — the DuckDB store holding 365
daily rollups of 5,000 branches of 20 people (simulated rows: day, week and month to date for
every branch, indicator and person, about 190 million rows) — its size on disk, the time to
append a day and to run a day again, the trend queries the rollup workbook runs, and the Parquet
export partitioned by month.

The store is made once with SQL straight into the rollup's own tables (benchmarks/data/history/,
never committed); the day appended goes through the rollup's own code (`rollupjob.store.save` of
a simulated `Rollup`), and is taken out again afterwards. Results go to stdout and the history
section of benchmarks/RESULTS.md.

    python benchmarks/history.py                          # 5,000 branches × 20 people × 365 days
    python benchmarks/history.py --size 50,4,40           # a smoke run
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from rollup import busy_note, write_results  # noqa: E402
from run import DATA, machine, median_seconds  # noqa: E402

BRANCHES, PEOPLE, DAYS = 5000, 20, 365
LAST = dt.date(2026, 11, 20)  # the year's last rollup: the trends are asked for this day
QUERY_TARGET = 1.0  # seconds, each trend query
START, END = "<!-- history:start -->", "<!-- history:end -->"
ROLES = ("柜员", "柜员", "柜员", "客户助理", "大堂经理", "服务经理", "理财经理", "客户经理")
GROUPS = ("assistants",) * 4 + ("service",) * 2 + ("wealth",) * 2
INDICATORS = (
    ("理财", "万元"), ("基金", "万元"), ("保险", "万元"), ("存款", "万元"), ("信用卡", "张"),
    ("手机银行", "户"), ("贵金属", "万元"), ("转介数", "张"), ("转介成功数", "个"),
    ("外呼户数", "户"), ("沙龙场次", "场"), ("外拓户数", "户"), ("代发工资", "户"),
)  # fmt: skip
PACES = ("ahead", "on_track", "behind")


def _list(values: tuple[str, ...]) -> str:
    return "[" + ", ".join(f"'{v}'" for v in values) + "]"


# One chunk of days of each table, from numbers: `hash` spreads them; the first day is $first.
_GRID = """(
    SELECT ($first::DATE + d::INTEGER) AS day, period, b{extra}, hash(d, p, b{extra}) AS h
    FROM range($days) t(d), (VALUES ('day', 1), ('week', 2), ('month', 3)) per(period, p),
        range($branches) br(b){joins}
    ORDER BY day, p, b{extra})"""
BRANCH = "printf('第%04d支行', b)"
PACE = f"{_list(PACES)}[(h % 3 + 1)::INTEGER]"
SIMULATED = {
    "branch_figures": f"""
        SELECT day, period, {BRANCH}, '某省分行', {BRANCH} || '.xlsx', day, day, 0.6,
            h % 1500 / 1000.0, h % 1500 / 1000.0 * 0.9, {PACE}, (h >> 12) % $branches + 1,
            $branches, CASE WHEN (h >> 20) % 50 = 0 THEN 1 ELSE 0 END, (h >> 24) % 5,
            (h >> 28) % 400, (h >> 28) % 300, (h >> 36) % 120, 0.3, 0.4, 0.9
        FROM {_GRID.format(extra="", joins="")}""",
    "indicator_figures": f"""
        SELECT day, period, {BRANCH}, {_list(tuple(i for i, _ in INDICATORS))}[(k + 1)::INTEGER],
            {_list(tuple(u for _, u in INDICATORS))}[(k + 1)::INTEGER], 100 + h % 900,
            h % 1000 * 1.0, h % 1500 / 1000.0, {PACE}
        FROM {_GRID.format(extra=", k", joins=f", range({len(INDICATORS)}) ind(k)")}""",
    "person_figures": f"""
        SELECT day, period, {BRANCH}, printf('员工%02d', n),
            {_list(ROLES)}[(n % {len(ROLES)} + 1)::INTEGER],
            {_list(GROUPS)}[(n % {len(GROUPS)} + 1)::INTEGER], h % 2000 / 1000.0,
            h % 1500 / 1000.0, {PACE}, (h >> 12) % 60, (h >> 20) % 25, (h >> 28) % 5000 / 10.0,
            n + 1, (h >> 36) % ($branches * 5) + 1, $branches * 5
        FROM {_GRID.format(extra=", n", joins=", range($people) pe(n)")}""",
}


def year_store(branches: int, people: int, days: int, root: Path = DATA) -> Path:
    """The simulated year, made once: each table filled a month of days at a time, in date order
    as daily rollups would have written it."""
    from branchkit.rollupjob import store

    folder = root / "history"
    path = folder / f"year-{branches}x{people}x{days}.duckdb"
    if path.exists():
        return path
    folder.mkdir(parents=True, exist_ok=True)
    temp = path.with_suffix(".part")
    temp.unlink(missing_ok=True)
    first = LAST - dt.timedelta(days=days - 1)
    print(f"simulating {days} daily rollups of {branches} branches × {people} people into {path}")
    started = time.perf_counter()
    with store.connect(temp) as con:
        for offset in range(0, days, 30):
            for table, select in SIMULATED.items():
                con.execute(
                    f"INSERT INTO {table} {select}",
                    {
                        "first": first + dt.timedelta(days=offset),
                        "days": min(30, days - offset),
                        "branches": branches,
                        **({"people": people} if table == "person_figures" else {}),
                    },
                )
            print(
                f"  {min(offset + 30, days)} / {days} days, {time.perf_counter() - started:.0f} s",
                flush=True,
            )
        con.execute("CHECKPOINT")
    temp.replace(path)
    return path


def simulated_rollup(day: dt.date, branches: int, people: int) -> Any:
    """A rollup of `branches` simulated branch summaries, as `league.build` makes it from the
    workers' summaries: what `store.save` is given every day."""
    from branchkit.rollup import league
    from branchkit.rollup.summary import (
        BranchSummary,
        IndicatorFigure,
        PeriodSummary,
        PersonSummary,
    )
    from branchkit.workdays import Period

    summaries = []
    for b in range(branches):
        periods = {}
        for p, kind in enumerate(("day", "week", "month")):
            span = Period.of(kind, day)
            crew = tuple(
                PersonSummary(
                    f"员工{n:02d}",
                    ROLES[n % len(ROLES)],
                    GROUPS[n % len(GROUPS)],
                    (h := hash((b, n, p)) % 2000) / 1000,
                    h % 1500 / 1000,
                    PACES[h % 3],
                    h % 60,
                    h % 25,
                    h % 5000 / 10,
                    n + 1,
                    True,
                )
                for n in range(people)
            )
            figures = tuple(
                IndicatorFigure(name, unit, 100.0, 80.0, 0.8, "on_track")
                for name, unit in INDICATORS
            )
            periods[kind] = PeriodSummary(
                kind, span.start, span.end, 0.6, 0.8, 0.8 - b / branches / 2, "on_track",
                300, 260, 90, 200, 150.0, 0.4, 0.9, figures, crew,
            )  # fmt: skip
        summaries.append(
            BranchSummary(
                f"第{b:04d}支行-{day:%Y-%m}.xlsx",
                0.0,
                f"第{b:04d}支行",
                "某省分行",
                day.replace(day=1),
                day,
                0,
                0,
                (),
                True,
                1.5,
                periods,
            )
        )
    return league.build(day, summaries)


def timed(job: Callable[[], object], runs: int) -> float:
    """The median of `runs`, after one untimed run (the store's pages into memory)."""
    job()
    return median_seconds(job, runs)


def measure(branches: int, people: int, days: int, root: Path = DATA) -> dict[str, Any]:
    from branchkit.rollup.trends import history_dates, month_before, week_before
    from branchkit.rollupjob import store

    path = year_store(branches, people, days, root)
    results: dict[str, Any] = {"size": path.stat().st_size}
    with store.connect(path, read_only=True) as con:
        results["rows"] = {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]  # type: ignore[index]
            for t in store.TABLES
        }
        known = store.dates(con, LAST)
        week, month = week_before(known, LAST), month_before(known, LAST)
        shown = history_dates(known, LAST)
        queries: dict[str, Callable[[], object]] = {
            "rollup dates in the store": lambda: store.dates(con, LAST),
            f"the network over time ({len(shown)} rollups)": lambda: store.network_history(
                con, shown
            ),
            "branches, week on week": lambda: store.changes(
                con, "branch_figures", LAST, week, None
            ),
            "branches, month on month": lambda: store.changes(
                con, "branch_figures", LAST, None, month
            ),
            "people, week on week": lambda: store.changes(con, "person_figures", LAST, week, None),
            "people, month on month": lambda: store.changes(
                con, "person_figures", LAST, None, month
            ),
            "branches, both (as the workbook asks)": lambda: store.changes(
                con, "branch_figures", LAST, week, month
            ),
            "people, both (as the workbook asks)": lambda: store.changes(
                con, "person_figures", LAST, week, month
            ),
        }
        results["queries"] = {name: timed(job, 5) for name, job in queries.items()}
        found = store.changes(con, "person_figures", LAST, week, month)
        results["people"] = len(found)
    results["trends"] = timed(lambda: store.trends(path, LAST), 3)
    # A day appended through the rollup's own code, then run again, then taken out.
    appended = []
    for n in range(1, 4):
        rollup = simulated_rollup(LAST + dt.timedelta(days=n), branches, people)
        started = time.perf_counter()
        store.save(path, rollup)
        appended.append(time.perf_counter() - started)
    started = time.perf_counter()
    store.save(path, rollup)
    results["rerun"] = time.perf_counter() - started
    results["append"] = statistics.median(appended)
    with store.connect(path) as con:
        for table in store.TABLES:
            con.execute(f"DELETE FROM {table} WHERE rollup_date > ?", [LAST])
        con.execute("CHECKPOINT")
    # Parquet, partitioned by month: every month once, then a day's export (its month again).
    parquet = root / "history" / f"parquet-{branches}x{people}x{days}"
    shutil.rmtree(parquet, ignore_errors=True)
    started = time.perf_counter()
    files = store.export_parquet(path, parquet)
    results["export_all"] = time.perf_counter() - started
    started = time.perf_counter()
    again = store.export_parquet(path, parquet, [LAST])
    results["export_month"] = time.perf_counter() - started
    results["parquet_files"] = (len(files), len(again))
    results["parquet_size"] = sum(f.stat().st_size for f in parquet.rglob("*.parquet"))
    return results


def render(results: dict[str, Any], size: tuple[int, int, int], load: tuple[float, float]) -> str:
    branches, people, days = size
    mib = 1 << 20
    slowest = max(results["queries"].values())
    lines = [
        START,
        "## A year of history (`make bench-network`)",
        "",
        f"Measured on {dt.date.today()}: {machine()}. The DuckDB store of {days} daily rollups of "
        f"{branches:,} branches × {people} people (simulated rows, the rollup's own tables): "
        + ", ".join(f"{t} {n:,} rows" for t, n in results["rows"].items())
        + f"; **{results['size'] / mib / 1024:.2f} GiB on disk**."
        + busy_note(load),
        "",
        "| what | seconds |",
        "|---|---|",
        f"| append a day ({branches:,} branches, {branches * people:,} people, day/week/month; `store.save`, median of 3) | {results['append']:.2f} |",
        f"| run a day again (its rows replaced) | {results['rerun']:.2f} |",
        *(
            f"| trend query: {name} (median of 5) | {sec:.3f} |"
            for name, sec in results["queries"].items()
        ),
        f"| the 趋势 sheet's queries together, store opened and closed (`store.trends`) | {results['trends']:.2f} |",
        f"| Parquet export, every month ({results['parquet_files'][0]} files, {results['parquet_size'] / mib:,.0f} MiB) | {results['export_all']:.1f} |",
        f"| Parquet export after a rollup: its month again ({results['parquet_files'][1]} files) | {results['export_month']:.1f} |",
        "",
        f"Target: each trend query under {QUERY_TARGET:.0f} s — the slowest {slowest:.3f} s, "
        f"{'met' if slowest < QUERY_TARGET else '**not met**'}. The person queries compare "
        f"{results['people']:,} people. Rows are written in date order, so DuckDB's per-block",
        "minimum and maximum let a query for one date skip nearly the whole year; the workbook",
        "asks for one date and the two it is compared with, never the year's rows.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    size = (BRANCHES, PEOPLE, DAYS)
    if "--size" in sys.argv:
        b, p, d = sys.argv[sys.argv.index("--size") + 1].split(",")
        size = (int(b), int(p), int(d))
    loads = [os.getloadavg()[0]]
    results = measure(*size)
    loads.append(os.getloadavg()[0])
    section = render(results, size, (min(loads), max(loads)))
    print(section)
    if size == (BRANCHES, PEOPLE, DAYS):
        write_results(section, START, END)


if __name__ == "__main__":
    main()
