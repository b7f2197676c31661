"""`make bench-rollup` (also part of `make bench`): a parent branch's rollup of 100 / 250 / 500
branch workbooks against its floor — python-calamine reading the same workbooks' input sheets
into lists, in as many processes as the rollup uses — and against a single-process loop, all
measured in the same run, taking turns round after round.

The workbooks are the sample month's simulation (tests/samples.py) under one seed per branch
(about 300 cards and 300 tracking rows each), generated once into benchmarks/data/rollup/all/
(never committed; `network.py` adds up to 5,000 there). Every figure is a whole process; its
CPU seconds (the process and the workers it waited for) are given beside the wall-clock ones,
as they hold better on a machine other work shares. The results go to stdout and to the rollup
section of benchmarks/RESULTS.md (between its markers, the rest of the file left as it is).

    python benchmarks/rollup.py            # what make bench-rollup runs
    python benchmarks/rollup.py --quick    # 100 workbooks, one round: a smoke run
"""

from __future__ import annotations

import datetime as dt
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import BRANCHKIT, DATA, INPUT_SHEETS, PY, Run, machine, run_once  # noqa: E402

SIZES = (100, 250, 500)
DAY = "2026-11-20"
MONTH = "2026-11"
FLOOR_TARGET = 2.0  # the 500-workbook rollup at most this many times its floor
START, END = "<!-- rollup:start -->", "<!-- rollup:end -->"

# The floor: every workbook's input sheets read into Python lists by python-calamine, nothing
# else, spread over as many processes as the rollup's pool has.
FLOOR = f"""
import os, sys
from concurrent.futures import ProcessPoolExecutor
from python_calamine import CalamineWorkbook

def read(path):
    wb = CalamineWorkbook.from_path(path)
    return sum(len(wb.get_sheet_by_name(n).to_python()) for n in {INPUT_SHEETS!r} if n in wb.sheet_names)

if __name__ == "__main__":
    folder = sys.argv[1]
    paths = sorted(os.path.join(folder, name) for name in os.listdir(folder))
    with ProcessPoolExecutor(os.cpu_count()) as pool:
        print(sum(pool.map(read, paths, chunksize=8)))
"""


# ---------------------------------------------------------------- the branch workbooks


def book_name(n: int) -> str:
    return f"第{n + 1:03d}支行-{MONTH}.xlsx"


def _write_book(folder: Path, n: int) -> None:
    """Branch n: the simulation under seed 1000 + n, targets scaled by n, written to a temporary
    name first so that a generation cut short leaves no half workbook behind."""
    from branchkit.templates import write_branch_workbook

    from tests.samples import PARENT, network_month

    branch = book_name(n).split("-")[0]
    data = network_month(branch, f"B{n:03d}", 1000 + n, 0.8 + (n % 9) * 0.05, {})
    temp = folder / f".part-{n}.xlsx"
    write_branch_workbook(temp, branch, MONTH, data, {"parent": PARENT})
    temp.replace(folder / book_name(n))


def branch_books(count: int, root: Path = DATA) -> Path:
    """A folder of `count` branch workbooks: links into one set generated once (in parallel on
    every core) and kept between runs."""
    every = root / "rollup" / "all"
    every.mkdir(parents=True, exist_ok=True)
    missing = [n for n in range(count) if not (every / book_name(n)).exists()]
    if missing:
        print(f"generating {len(missing)} branch workbooks into {every} (once)", flush=True)
        with ProcessPoolExecutor(os.cpu_count()) as pool:
            for done, _ in enumerate(pool.map(_write_book, [every] * len(missing), missing), 1):
                if done % 500 == 0:
                    print(f"  {done} / {len(missing)}", flush=True)
    folder = root / "rollup" / str(count)
    folder.mkdir(exist_ok=True)
    for n in range(count):
        link = folder / book_name(n)
        if not link.exists():
            link.symlink_to(every / book_name(n))
    return folder


# ---------------------------------------------------------------- whole processes


def rollup_command(
    folder: Path, out: Path, jobs: int | None = None, scheduler: str = ""
) -> list[str]:
    return [
        *BRANCHKIT,
        "rollup",
        str(folder),
        "--date",
        DAY,
        "--out",
        str(out),
        *(["--jobs", str(jobs)] if jobs else []),
        *(["--scheduler", scheduler] if scheduler else []),
    ]


def floor_command(folder: Path) -> list[str]:
    return [PY, "-c", FLOOR, str(folder)]


def median(runs: list[Run]) -> Run:
    return Run(
        statistics.median(r.seconds for r in runs),
        max(r.peak_mib for r in runs),
        statistics.median(r.cpu for r in runs),
    )


def taking_turns(commands: dict[str, Callable[[], Run]], rounds: int) -> dict[str, Run]:
    """Each command once per round, in turn, so a machine whose speed drifts moves them alike."""
    found: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(rounds):
        for name, command in commands.items():
            found[name].append(command())
    return {name: median(runs) for name, runs in found.items()}


def measure(folder: Path, tmp: Path, rounds: int, single: bool = True) -> dict[str, Run]:
    """The rollup on all cores, its floor and (with `single`) the rollup in one process."""
    run_once(floor_command(folder))  # brings the files into the page cache
    commands = {
        "floor": lambda: run_once(floor_command(folder)),
        "rollup": lambda: run_once(rollup_command(folder, tmp / "pooled.xlsx")),
    }
    if single:
        commands["single"] = lambda: run_once(rollup_command(folder, tmp / "single.xlsx", 1))
    return taking_turns(commands, rounds)


# ---------------------------------------------------------------- where the time goes


def phases(folder: Path, tmp: Path) -> list[tuple[str, float]]:
    """Where one process's time goes, step by step, over the folder's workbooks (the step is
    `rollupjob.engine.summarize`, cut into its parts; calamine's own reading of the same input
    sheets is timed apart, so the read's remainder is the safety scan and the layout)."""
    from branchkit.batch import batch_mode
    from branchkit.figures import compute
    from branchkit.read import load_book
    from branchkit.render.rollup import rollup_sheets
    from branchkit.render.xlsx import build
    from branchkit.rollup import league
    from branchkit.rollup.summary import summary_of
    from branchkit.rollupjob import store
    from branchkit.rollupjob.engine import collect
    from branchkit.schema import NOT_INPUT_SHEETS
    from branchkit.source import read_raw
    from python_calamine import CalamineWorkbook

    day = dt.date.fromisoformat(DAY)
    steps = (
        "calamine alone (the floor's work, in one process)",
        "read: sheet scan, layout and calamine",
        "type and check cells",
        "figures (the league's only)",
        "summary record",
    )
    totals = dict.fromkeys(steps, 0.0)
    outcomes = []
    with batch_mode():
        for path in collect([folder])[0]:
            t0 = time.perf_counter()
            wb = CalamineWorkbook.from_path(str(path))
            [wb.get_sheet_by_name(n).to_python() for n in INPUT_SHEETS if n in wb.sheet_names]
            t1 = time.perf_counter()
            raw = dict(read_raw(path, NOT_INPUT_SHEETS, many=True))
            t2 = time.perf_counter()
            book = load_book(raw, str(path))
            t3 = time.perf_counter()
            figures = compute(book, day, league=True)
            t4 = time.perf_counter()
            outcomes.append(summary_of(figures, str(path), path.stat().st_mtime, book.month))
            t5 = time.perf_counter()
            for key, seconds in zip(
                steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4), strict=True
            ):
                totals[key] += seconds
        t0 = time.perf_counter()
        rollup = league.build(day, outcomes)
        t1 = time.perf_counter()
        db = tmp / "phases.duckdb"
        store.save(db, rollup)
        trends = store.trends(db, day)
        t2 = time.perf_counter()
        (tmp / "phases.xlsx").write_bytes(build(rollup_sheets(rollup, trends)))
        t3 = time.perf_counter()
    return [
        *totals.items(),
        ("league and network ranks", t1 - t0),
        ("history store (DuckDB; importing it and pandas included)", t2 - t1),
        ("rollup workbook", t3 - t2),
    ]


# ---------------------------------------------------------------- the report


def busy_note(load: tuple[float, float]) -> str:
    cores = os.cpu_count() or 1
    if load[1] <= cores / 2:
        return ""
    return (
        f" Other work shared the machine during this run (load average {load[0]:.1f}–{load[1]:.1f}"
        f" on {cores} cores): the seconds are upper bounds; the CPU seconds and the ratios hold better."
    )


def render(
    rows: list[tuple[int, dict[str, Run]]],
    steps: list[tuple[str, float]],
    step_size: int,
    load: tuple[float, float],
) -> str:
    cores = os.cpu_count() or 1
    lines = [
        START,
        "## Rollup (`make bench-rollup`)",
        "",
        f"Measured on {dt.date.today()}: {machine()}. Each figure is a whole process, the median of",
        "the rounds: `branchkit rollup` on all cores (interpreter start, imports, the process pool,",
        "the DuckDB store and the rollup workbook included); its **floor**, python-calamine reading",
        f"the same workbooks' input sheets into lists in {cores} processes and nothing else; and the",
        "rollup with `--jobs 1`, a single-process loop. They take turns round after round; CPU",
        "seconds count the process and the workers it waited for." + busy_note(load),
        "",
        "| branch workbooks | rollup s | floor s | rollup ÷ floor | rollup CPU s | floor CPU s | CPU ÷ | single process s | single ÷ rollup | peak MiB | ms per workbook |",
        "|---|---|---|---|---|---|---|---|---|---|---|",
    ]
    for count, runs in rows:
        r, f = runs["rollup"], runs["floor"]
        single = runs.get("single")
        lines.append(
            f"| {count} | {r.seconds:.1f} | {f.seconds:.1f} | {r.seconds / f.seconds:.1f} × | "
            f"{r.cpu:.1f} | {f.cpu:.1f} | {r.cpu / f.cpu:.1f} × | "
            + (
                f"{single.seconds:.1f} | {single.seconds / r.seconds:.2f} × | "
                if single
                else "— | — | "
            )
            + f"{r.peak_mib:.0f} | {1000 * r.seconds / count:.0f} |"
        )
    count, runs = rows[-1]
    ratio = runs["rollup"].seconds / runs["floor"].seconds
    first = rows[0]
    growth = (runs["rollup"].seconds / first[1]["rollup"].seconds) / (count / first[0])
    total = sum(s for _, s in steps)
    lines += [
        "",
        f"Target: the {count}-workbook rollup within {FLOOR_TARGET:.0f} × its floor measured in the "
        f"same run — {ratio:.1f} ×, {'met' if ratio <= FLOOR_TARGET else '**not met**'}. Cost per "
        f"workbook from {first[0]} to {count} workbooks grows by a factor of {growth:.2f} "
        "(1.00 = linear).",
        "",
        f"Where one process's time goes ({step_size} workbooks, in-process, one pass):",
        "",
        "| step | seconds | share |",
        "|---|---|---|",
        *(f"| {name} | {sec:.2f} | {sec / total:.0%} |" for name, sec in steps),
        "",
        "The first row is the floor's own work (it is not part of the rollup: the rollup's read",
        "includes the same calamine reading). The per-workbook step reads only the input sheets and",
        "computes only what the league compares; only each branch's summary (a few kilobytes)",
        "comes back from a worker. What the floor does not do is the safety scan of every sheet",
        "part before calamine sees it (a hostile workbook must not crash or exhaust a worker),",
        "typing and checking every cell (the branch's own 错误 count is the rollup's), and the",
        "figures: per-cell work in Python that the core's reader shares with `refresh`.",
        END,
    ]
    return "\n".join(lines)


def write_results(section: str, start: str = START, end: str = END) -> None:
    """Puts the section between its markers in RESULTS.md, the rest of the file as it is."""
    results = HERE / "RESULTS.md"
    text = results.read_text(encoding="utf-8") if results.exists() else "# Benchmark results\n"
    pattern = re.compile(re.escape(start) + ".*?" + re.escape(end), re.S)
    if pattern.search(text):
        text = pattern.sub(lambda _: section, text)
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    results.write_text(text, encoding="utf-8")


def main() -> None:
    quick = "--quick" in sys.argv
    sizes = SIZES[:1] if quick else SIZES
    rows = []
    loads = [os.getloadavg()[0]]
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        for count in sizes:
            print(f"rollup: {count} branch workbooks", flush=True)
            folder = branch_books(count)
            rounds = 1 if quick else (2 if count == max(SIZES) else 3)
            rows.append((count, measure(folder, tmp, rounds)))
            loads.append(os.getloadavg()[0])
        steps = phases(branch_books(sizes[0]), tmp)
    section = render(rows, steps, sizes[0], (min(loads), max(loads)))
    print(section)
    if not quick:
        write_results(section)


if __name__ == "__main__":
    main()
