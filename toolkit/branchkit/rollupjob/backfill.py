"""Back into each branch (docs/口径.md#分行汇总): every person's network rank onto their
branch's 排行榜.

The tab is rebuilt through the normal render path with one more block (`render.tabs`
`network_table`) and put in with the same faithful writer as refresh: every other part of the
workbook byte for byte, an atomic save, a backup. A workbook open in another program (Excel,
WPS, LibreOffice) is skipped and listed; the others are written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from pathlib import Path

from ..problems import BookError
from ..render.tabs import NetworkRanks
from ..rollup.league import MONTH, Rollup
from ..rollup.summary import Skipped
from .engine import run_each

OPEN_ELSEWHERE = "正在 {} 中打开，未写入网点排名（关闭后重新汇总即可）"


def network_ranks(rollup: Rollup, file: str) -> NetworkRanks:
    """What one branch's 排行榜 is told about its people's places in the network (pure)."""
    row = rollup.league_row(file)
    ranked = sum(r.rank is not None for r in rollup.league)
    return NetworkRanks(
        places={
            name: (p.group_title, p.rank, p.size)
            for name, p in rollup.ranks_of(file, MONTH).items()
            if p.rank is not None
        },
        branch_place=(row.rank, ranked) if row is not None and row.rank is not None else None,
        parent=rollup.parent,
        day=rollup.day,
    )


def write_ranks(path: str, day: dt.date, ranks: NetworkRanks) -> Skipped | None:
    """Rebuild one branch's 排行榜 with its network ranks; None when written, else why not."""
    from .. import jobs
    from ..batch import batch_mode
    from ..read import read_book
    from ..render.tabs import rankings_sheet
    from ..writeback import open_in, transaction

    target = Path(path)
    found = open_in(target)
    if found is not None:
        return Skipped(path, OPEN_ELSEWHERE.format(found[0]))

    def rewrite(_: object) -> None:  # read, rebuilt and replaced as one transaction
        book = read_book(target)
        sheet = rankings_sheet(jobs.figures(book, day), ranks)
        jobs.write_specs(target, [sheet], None, book.settings.backups)

    try:
        with batch_mode():
            transaction(target, None, rewrite)
    except BookError as exc:
        return Skipped(path, f"未写入网点排名：{exc.message}")
    except Exception as exc:  # one workbook no writer expected: listed, the others still written
        return Skipped(path, f"未写入网点排名（{type(exc).__name__}: {exc}）")
    return None


def write_back(
    rollup: Rollup,
    jobs: int | None = None,
    scheduler: str | None = None,
    done: Callable[[Skipped | None], None] | None = None,
) -> tuple[list[str], list[Skipped]]:
    """Each counted branch's 排行榜 gains its network ranks. Returns (written, skipped)."""
    files: Sequence[str] = [s.file for s in rollup.branches]
    items = [(f, network_ranks(rollup, f)) for f in files]
    results = run_each(_write_item, items, (rollup.day,), jobs, scheduler, done)
    written = [f for f, result in zip(files, results, strict=True) if result is None]
    return written, [r for r in results if r is not None]


def _write_item(item: tuple[str, NetworkRanks], day: dt.date) -> Skipped | None:
    return write_ranks(item[0], day, item[1])
