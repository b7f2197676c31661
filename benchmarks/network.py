"""`make bench-network`, part one: a province's network — 1,000 and 5,000 branch workbooks
rolled up on this machine's cores and on a Dask cluster of local worker processes
(`branchkit rollup --scheduler`), with the time, the CPU seconds and the peak memory of the
client, the scheduler and each worker, and a check that both give the same tables.

The workbooks are those of `rollup.py` (generated once into benchmarks/data/rollup/all/, never
committed; 5,000 take about half a gigabyte and a quarter of an hour to make on two cores).
The cluster is started the way a bank would start one, as separate processes: `dask
scheduler` and `dask worker` (one worker process a core, one thread each). Its scheduler and
workers are then asked for their own peak memory and CPU time. Results go to stdout and the
network section of benchmarks/RESULTS.md.

    python benchmarks/network.py              # 1,000 and 5,000
    python benchmarks/network.py --sizes 20   # a smoke run
"""

from __future__ import annotations

import datetime as dt
import os
import resource
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from rollup import branch_books, busy_note, rollup_command, write_results  # noqa: E402
from run import DATA, ENV, PY, ROOT, Run, machine, run_once  # noqa: E402

SIZES = (1000, 5000)
START, END = "<!-- network:start -->", "<!-- network:end -->"
TABLES = ("branch_figures", "indicator_figures", "person_figures", "left_out")


@dataclass
class Usage:
    """A cluster process's own peak memory and CPU time, as it reports them."""

    peak_mib: float
    cpu: float


def _usage(found: resource.struct_rusage) -> Usage:
    return Usage(found.ru_maxrss / 1024, found.ru_utime + found.ru_stime)


class Cluster:
    """`dask scheduler` and `dask worker` as separate local processes."""

    def __init__(self, folder: Path, workers: int) -> None:
        self.file = folder / "scheduler.json"
        self.file.unlink(missing_ok=True)
        quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL, "env": ENV}
        self.scheduler = subprocess.Popen(
            [
                PY,
                "-m",
                "distributed.cli.dask_scheduler",
                "--scheduler-file",
                str(self.file),
                "--port",
                "0",
                "--no-dashboard",
            ],
            cwd=folder,
            **quiet,  # type: ignore[arg-type]
        )
        self.workers = subprocess.Popen(
            [
                PY,
                "-m",
                "distributed.cli.dask_worker",
                "--scheduler-file",
                str(self.file),
                "--nworkers",
                str(workers),
                "--nthreads",
                "1",
                "--memory-limit",
                "0",
                "--no-dashboard",
            ],
            cwd=folder,
            **quiet,  # type: ignore[arg-type]
        )
        from distributed import Client

        deadline = time.monotonic() + 60
        while not self.file.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        with Client(scheduler_file=str(self.file), timeout="60s") as client:
            client.wait_for_workers(workers, timeout=60)
            self.address = client.scheduler.address

    def usage(self) -> tuple[Usage, list[Usage]]:
        """(the scheduler's, each worker's) peak memory and CPU seconds so far."""
        from distributed import Client

        # getrusage itself is sent (each process imports it): the process's own figures.
        with Client(self.address, timeout="30s") as client:
            scheduler = _usage(client.run_on_scheduler(resource.getrusage, resource.RUSAGE_SELF))
            found = client.run(resource.getrusage, resource.RUSAGE_SELF).values()
        return scheduler, [_usage(usage) for usage in found]

    def close(self) -> None:
        for process in (self.workers, self.scheduler):
            process.terminate()
        for process in (self.workers, self.scheduler):
            try:
                process.wait(30)
            except subprocess.TimeoutExpired:
                process.kill()


def same_tables(one: Path, other: Path) -> bool:
    """The two rollups' history stores hold the same rows (the file column aside: it names the
    same workbook either way)."""
    import duckdb

    with (
        duckdb.connect(str(one), read_only=True) as a,
        duckdb.connect(str(other), read_only=True) as b,
    ):
        return all(
            a.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            == b.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall()
            for t in TABLES
        )


@dataclass
class NetworkRun:
    count: int
    machine: Run
    cluster: Run  # the client: the `branchkit rollup --scheduler` process
    scheduler: Usage
    workers: list[Usage]
    same: bool


def measure(count: int, tmp: Path, workers: int | None = None, root: Path = DATA) -> NetworkRun:
    workers = workers or os.cpu_count() or 1
    folder = branch_books(count, root)
    run_once(rollup_command(folder, tmp / "warm.xlsx"))  # the files into the page cache
    on_machine = run_once(rollup_command(folder, tmp / "machine" / "汇总.xlsx"))
    cluster = Cluster(tmp, workers)
    try:
        on_cluster = run_once(
            rollup_command(folder, tmp / "cluster" / "汇总.xlsx", None, cluster.address)
        )
        scheduler, worker_usage = cluster.usage()
    finally:
        cluster.close()
    same = same_tables(tmp / "machine" / "分行汇总.duckdb", tmp / "cluster" / "分行汇总.duckdb")
    return NetworkRun(count, on_machine, on_cluster, scheduler, worker_usage, same)


def render(runs: list[NetworkRun], load: tuple[float, float]) -> str:
    cores = os.cpu_count() or 1
    workers = len(runs[0].workers)
    lines = [
        START,
        "## A province's network (`make bench-network`)",
        "",
        f"Measured on {dt.date.today()}: {machine()}. One run each: `branchkit rollup` on this",
        f"machine's {cores} cores (its process pool), and the same command with `--scheduler` on a",
        f"Dask cluster of local processes — `dask scheduler` and `dask worker --nworkers {workers}",
        "--nthreads 1` — each process asked for its own peak memory and CPU time after the run."
        + busy_note(load),
        "",
        "| branch workbooks | where | rollup s | ms per workbook | CPU s | peak MiB |",
        "|---|---|---|---|---|---|",
    ]
    for r in runs:
        lines.append(
            f"| {r.count:,} | one machine (process pool) | {r.machine.seconds:.1f} | "
            f"{1000 * r.machine.seconds / r.count:.1f} | {r.machine.cpu:.0f} | "
            f"{r.machine.peak_mib:.0f} (largest process) |"
        )
        worker_cpu = sum(w.cpu for w in r.workers)
        worker_peak = max(w.peak_mib for w in r.workers)
        lines.append(
            f"| {r.count:,} | Dask cluster | {r.cluster.seconds:.1f} | "
            f"{1000 * r.cluster.seconds / r.count:.1f} | client {r.cluster.cpu:.0f}, scheduler "
            f"{r.scheduler.cpu:.0f}, workers {worker_cpu:.0f} | client {r.cluster.peak_mib:.0f}, "
            f"scheduler {r.scheduler.peak_mib:.0f}, each worker ≤ {worker_peak:.0f} |"
        )
    first, last = runs[0], runs[-1]
    scale = last.count / first.count
    lines += [
        "",
        f"From {first.count:,} to {last.count:,} workbooks the time per workbook changes by a factor "
        f"of {last.machine.seconds / first.machine.seconds / scale:.2f} on one machine and "
        f"{last.cluster.seconds / first.cluster.seconds / scale:.2f} on the cluster (1.00 = linear).",
        "Both give the same tables: "
        + ("yes" if all(r.same for r in runs) else "**no**")
        + " (every row of the history store compared).",
        "",
        "Memory stays bounded by the workers, not the branches: a worker holds one workbook at a",
        "time and sends back its summary; the client holds the summaries (a few kilobytes a",
        "branch) and builds the league, the store's rows and the rollup workbook. On one machine",
        "the cluster adds only its scheduling; its gain is more cores — workers on other",
        "machines, each with the workbooks' folder at the same path.",
        END,
    ]
    return "\n".join(lines)


def main() -> None:
    sizes = SIZES
    if "--sizes" in sys.argv:
        sizes = tuple(int(n) for n in sys.argv[sys.argv.index("--sizes") + 1].split(","))
    loads = [os.getloadavg()[0]]
    runs = []
    with tempfile.TemporaryDirectory() as tmp_name:
        for count in sizes:
            print(f"network: {count} branch workbooks, one machine and a Dask cluster", flush=True)
            tmp = Path(tmp_name) / str(count)
            tmp.mkdir()
            runs.append(measure(count, tmp))
            loads.append(os.getloadavg()[0])
    section = render(runs, (min(loads), max(loads)))
    print(section)
    if sizes == SIZES:
        write_results(section, START, END)


if __name__ == "__main__":
    os.chdir(ROOT)
    main()
