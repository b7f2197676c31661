"""The per-workbook step of a rollup and running it over a parent branch's folder: on all
cores, or on Dask.

Only each workbook's summary travels back from a worker (a few kilobytes), never its rows, so
memory stays bounded by the number of workers, not of branches. The step itself (`summarize`)
is the same function on one core, in the process pool and on a cluster.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Callable, Iterable, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from pathlib import Path
from typing import Any, TypeVar

from ..filenames import branch_workbooks, not_utf8, readable_name
from ..problems import BookError
from ..rollup.summary import Outcome, Skipped, summary_of

T = TypeVar("T")

NOT_UTF8_REASON = "文件名不是 UTF-8 编码（多见于从 Windows 拷来或解压的文件）：请改名后再汇总"


def collect(
    inputs: Sequence[Path], exclude: Iterable[Path] = ()
) -> tuple[list[Path], list[Skipped]]:
    """The files to roll up: each Excel file in a folder given (not its subfolders, such as the
    备份 of older versions; not weekly workbooks or the rollup's own output), and every file
    named, whatever it is — a named file that is not a workbook is listed, not dropped."""
    excluded = {p.resolve() for p in exclude}
    found: dict[Path, None] = {}
    missing: list[Skipped] = []
    for item in inputs:
        if item.is_dir():
            for path in branch_workbooks(item):
                if path.resolve() not in excluded:
                    found.setdefault(path)
        elif item.exists():
            found.setdefault(item)
        else:
            missing.append(Skipped(readable_name(item), "找不到这个文件或文件夹"))
    return list(found), missing


def worker_count(jobs: int | None) -> int:
    return max(1, jobs or os.cpu_count() or 1)


def run_each(
    step: Callable[..., T],
    items: Sequence[Any],
    args: tuple[Any, ...],
    jobs: int | None = None,
    scheduler: str | None = None,
    done: Callable[[T], None] | None = None,
) -> list[T]:
    """step(item, *args) for every item, results in the items' order. In this process for one
    worker, in a process pool for several, or on the Dask cluster at `scheduler`."""
    if scheduler:
        return _on_dask(step, items, args, scheduler, done)
    workers = min(worker_count(jobs), len(items))
    results: list[T] = []
    if workers <= 1:
        for item in items:
            results.append(step(item, *args))
            if done:
                done(results[-1])
        return results
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures: dict[Future[T], int] = {
            pool.submit(step, item, *args): i for i, item in enumerate(items)
        }
        slots: list[Any] = [None] * len(items)
        for future in as_completed(futures):
            slots[futures[future]] = future.result()
            if done:
                done(slots[futures[future]])
    return slots


def _on_dask(
    step: Callable[..., T],
    items: Sequence[Any],
    args: tuple[Any, ...],
    scheduler: str,
    done: Callable[[T], None] | None,
) -> list[T]:
    """The same step on a Dask distributed cluster (`pip install branchkit[cluster]`; the workers
    need branchkit installed and the workbooks' folder at the same path)."""
    try:
        from distributed import Client
        from distributed import as_completed as dask_completed
    except ImportError as exc:
        raise BookError(
            "--scheduler", "用 Dask 集群需要先安装：pip install branchkit[cluster]"
        ) from exc
    try:
        client = Client(scheduler, timeout="10s")
    except (OSError, TimeoutError) as exc:
        raise BookError(scheduler, f"无法连接 Dask 调度器（{exc}）：请检查地址和端口") from exc
    with client:
        futures = [client.submit(step, item, *args, pure=False) for item in items]
        if done:
            for future in dask_completed(futures):
                done(future.result())
        return list(client.gather(futures))


def summarize(path: str, day: dt.date) -> Outcome:
    """Read one branch workbook and summarize it for D, or say in one line why it is left out.

    Never raises for a bad file: a parent branch's folder always holds one, and the other
    branches must still count."""
    from ..batch import batch_mode
    from ..figures import compute
    from ..jobs import last_months_book
    from ..read import load_book
    from ..rollup.crossmatch import cross_side
    from ..schema import NOT_INPUT_SHEETS
    from ..source import read_raw

    if not_utf8(path):  # the store and the rollup workbook could not even name it
        return Skipped(readable_name(path), NOT_UTF8_REASON)
    try:
        modified = os.stat(path).st_mtime
        with batch_mode():
            # Only input sheets: 说明 and the other helper sheets are nobody's input.
            book = load_book(read_raw(path, NOT_INPUT_SHEETS, many=True), path)
            if book.month and (book.month.year, book.month.month) != (day.year, day.month):
                reason = f"统计月份是 {book.month:%Y-%m}，不是 {day:%Y-%m}"
                return Skipped(path, reason, book.settings.branch)
            # A week that began last month reads its first days from the branch's workbook of
            # that month beside this one, as the branch's own weekly does.
            first = day.replace(day=1)
            began_before = day - dt.timedelta(days=day.weekday()) < first
            previous = last_months_book(book, first)[0] if began_before else None
            figures = compute(book, day, previous, league=True)
            summary = summary_of(
                figures,
                path,
                modified,
                book.month,
                cross_side(book, day),
                previous.source if previous is not None else "",
            )
    except BookError as exc:
        return Skipped(path, exc.message)
    except Exception as exc:  # a workbook no reader expected: listed, the others still count
        return Skipped(path, f"无法读取（{type(exc).__name__}: {exc}）")
    if not summary.has_targets:
        return Skipped(path, "目标表里没有任何目标，无法计算完成率和排名")
    return summary


def summarize_all(
    paths: Sequence[Path],
    day: dt.date,
    jobs: int | None = None,
    scheduler: str | None = None,
    done: Callable[[Outcome], None] | None = None,
) -> list[Outcome]:
    """Every workbook summarized for D (or listed with its reason), in the order given."""
    return run_each(summarize, [str(p) for p in paths], (day,), jobs, scheduler, done)
