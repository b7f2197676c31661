"""The rollup as a user asks for it, shared by the CLI and any script: collect the workbooks,
summarize them in parallel, rank, keep the history, write the workbook, write ranks back.

Only this package and the CLI touch files; `rollup` and `render.rollup` stay pure.
"""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from ..filenames import ROLLUP_NAME_START
from ..problems import BookError
from ..rollup import league
from ..rollup.summary import Skipped
from . import store
from .engine import collect, summarize_all


class Progress(Protocol):
    def update(self, n: int = 1) -> Any: ...
    def close(self) -> Any: ...


ProgressFactory = Callable[[str, int], Progress]


class _Silent:
    def update(self, n: int = 1) -> None:
        return None

    def close(self) -> None:
        return None


def _silent(label: str, total: int) -> Progress:
    return _Silent()


@dataclass
class RollupRun:
    rollup: league.Rollup
    out: Path | None  # the rollup workbook
    store: Path | None
    seconds: float
    written_back: list[str] = field(default_factory=list)
    not_written: list[Skipped] = field(default_factory=list)
    parquet: list[Path] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """Nothing left out: every workbook counted, ranked and (with --write-back) written."""
        return not self.rollup.left_out and not self.not_written


def default_out(day: dt.date) -> Path:
    return Path(f"{ROLLUP_NAME_START}-{day:%Y-%m}.xlsx")


def compute(
    inputs: Sequence[Path],
    day: dt.date,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressFactory = _silent,
    exclude: Sequence[Path] = (),
) -> league.Rollup:
    """Every workbook summarized for D and ranked (no file written).

    Refuses, before anything is written, a rollup with nothing in it: a path that does not
    exist (a mistyped folder), a folder without workbooks, or workbooks none of which is of
    D's month (a wrong --date). Written, such a rollup would replace the last good one with
    an empty league."""
    paths, missing = collect(inputs, exclude)
    if missing:
        raise BookError(missing[0].file, f"{missing[0].reason}：请检查路径，汇总未进行")
    where = " ".join(map(str, inputs)) or "."
    if not paths:
        raise BookError(where, "没有找到网点工作簿（.xlsx / .xlsm / .xls）")
    bar = progress("读取网点工作簿", len(paths))
    try:
        outcomes = summarize_all(paths, day, jobs, scheduler, lambda _: bar.update(1))
    finally:
        bar.close()
    rollup = league.build(day, outcomes)
    if not rollup.branches:
        raise BookError(where, nothing_counted(day, rollup.left_out))
    return rollup


def nothing_counted(day: dt.date, left_out: Sequence[Skipped]) -> str:
    """Why a rollup found workbooks but could count none of them, naming the first."""
    first = left_out[0]
    return (
        f"没有可以汇总的 {day:%Y-%m} 网点工作簿：{len(left_out)} 个文件都未计入"
        f"（如 {Path(first.file).name}：{first.reason}），汇总未进行：请检查文件夹和 --date"
    )


def run(
    inputs: Sequence[Path],
    day: dt.date,
    out: Path | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    write_back: bool = False,
    parquet: Path | None = None,
    progress: ProgressFactory = _silent,
) -> RollupRun:
    """The whole rollup of docs/口径.md#分行汇总: the workbook (with the history store beside it),
    and with `write_back` each branch's 排行榜 given its people's network ranks."""
    from ..outputs import ROLLUP, claim
    from ..render.rollup import rollup_sheets
    from ..render.xlsx import build
    from ..settings import Settings
    from ..writeback import check_writable, make_folder, verify_workbook, write_bytes

    started = time.perf_counter()
    # Every destination checked before the first is written, and before the workbooks are
    # read (minutes for a large network): a refusal leaves no store without its workbook, and
    # no workbook without its Parquet files. The rollup replaces only a rollup (or, with
    # --force, a file that is no workbook), never a branch's workbook.
    out = claim(out or default_out(day), ROLLUP)[0]
    check_writable(out)
    if parquet is not None:
        store.check_export_folder(parquet)
    rollup = compute(inputs, day, jobs, scheduler, progress, exclude=[out])
    db = out.parent / store.STORE_NAME
    make_folder(out)
    store.save(db, rollup)
    specs = rollup_sheets(rollup, store.trends(db, day))
    # The workbook replaced is kept in 备份 like any other; a rollup has no 设置, so the default
    # number of versions stays.
    write_bytes(
        out,
        build(specs, ROLLUP.tag),
        verify_workbook([s.name for s in specs]),
        Settings().backups,
        made_for=ROLLUP,
        made_from=[branch.file for branch in rollup.branches],
    )
    result = RollupRun(rollup, out, db, 0.0)
    if write_back:
        from .backfill import write_back as write_ranks

        bar = progress("写回网点排行榜", len(rollup.branches))
        try:
            result.written_back, result.not_written = write_ranks(
                rollup, jobs, scheduler, lambda _: bar.update(1)
            )
        finally:
            bar.close()
    if parquet is not None:
        result.parquet = store.export_parquet(db, parquet, [day])
    result.seconds = time.perf_counter() - started
    return result
