"""The rollup's history: an embedded DuckDB file beside the rollup workbook (SPEC §9 History).

Each rollup puts its figures in — branches, their indicators and people, for the day, the week
and the month to date — under its date; running the same date again replaces that date's rows,
so a re-run after a correction never counts twice. Trends then need no old workbooks, and the
same tables leave as Parquet for the bank's data platform (`export_parquet`).

DuckDB rather than SQLite: one file as well, but columnar, with Parquet written natively (no
pyarrow), and the trend queries are scans and aggregations over dates, its home ground.
Column names are English snake_case, as data platforms expect; the rollup workbook shows them
in Chinese.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import errno
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..problems import BookError
from .league import Rollup

STORE_NAME = "分行汇总.duckdb"

# table -> (column, type); rollup_date and period first in every table: the replaced key.
TABLES: dict[str, tuple[tuple[str, str], ...]] = {
    "branch_figures": (
        ("rollup_date", "DATE"),
        ("period", "VARCHAR"),
        ("branch", "VARCHAR"),
        ("parent", "VARCHAR"),
        ("file", "VARCHAR"),
        ("period_start", "DATE"),
        ("period_end", "DATE"),
        ("time_progress", "DOUBLE"),
        ("overall", "DOUBLE"),
        ("score", "DOUBLE"),
        ("status", "VARCHAR"),
        ("league_rank", "INTEGER"),
        ("league_size", "INTEGER"),
        ("errors", "INTEGER"),
        ("warnings", "INTEGER"),
        ("referrals", "INTEGER"),
        ("followed", "INTEGER"),
        ("successes", "INTEGER"),
        ("success_rate", "DOUBLE"),
        ("collaboration_share", "DOUBLE"),
        ("checklist_rate", "DOUBLE"),
    ),
    "indicator_figures": (
        ("rollup_date", "DATE"),
        ("period", "VARCHAR"),
        ("branch", "VARCHAR"),
        ("indicator", "VARCHAR"),
        ("unit", "VARCHAR"),
        ("target", "DOUBLE"),
        ("actual", "DOUBLE"),
        ("completion", "DOUBLE"),
        ("status", "VARCHAR"),
    ),
    "person_figures": (
        ("rollup_date", "DATE"),
        ("period", "VARCHAR"),
        ("branch", "VARCHAR"),
        ("name", "VARCHAR"),
        ("role", "VARCHAR"),
        ("role_group", "VARCHAR"),
        ("overall", "DOUBLE"),
        ("score", "DOUBLE"),
        ("status", "VARCHAR"),
        ("referrals", "INTEGER"),
        ("successes", "INTEGER"),
        ("money", "DOUBLE"),
        ("branch_rank", "INTEGER"),
        ("network_rank", "INTEGER"),
        ("network_size", "INTEGER"),
    ),
    "left_out": (
        ("rollup_date", "DATE"),
        ("period", "VARCHAR"),
        ("file", "VARCHAR"),
        ("reason", "VARCHAR"),
    ),
}


def rows_of(rollup: Rollup) -> dict[str, list[tuple[Any, ...]]]:
    """The rollup as table rows (pure), in the column order of TABLES."""
    day = rollup.day
    rows: dict[str, list[tuple[Any, ...]]] = {name: [] for name in TABLES}
    for kind, league in rollup.leagues.items():
        ranked = sum(r.rank is not None for r in league)
        for row in league:
            s, f = row.summary, row.figures
            rows["branch_figures"].append(
                (
                    day,
                    kind,
                    s.branch,
                    s.parent,
                    Path(s.file).name,
                    f.start,
                    f.end,
                    f.time_progress,
                    f.overall,
                    f.score,
                    f.status,
                    row.rank,
                    ranked,
                    s.errors,
                    s.warnings,
                    f.referrals,
                    f.followed,
                    f.successes,
                    f.success_rate,
                    f.collaboration_share,
                    f.checklist_rate,
                )
            )
            rows["indicator_figures"] += [
                (
                    day,
                    kind,
                    s.branch,
                    i.indicator,
                    i.unit,
                    i.target,
                    i.actual,
                    i.completion,
                    i.status,
                )
                for i in f.indicators
            ]
    for kind, people in rollup.people.items():
        for n in people:
            p = n.person
            rows["person_figures"].append(
                (
                    day,
                    kind,
                    n.branch,
                    p.name,
                    p.role,
                    n.group,
                    p.overall,
                    p.score,
                    p.status,
                    p.referrals,
                    p.successes,
                    p.money,
                    p.branch_rank,
                    n.rank,
                    n.size,
                )
            )
    rows["left_out"] = [(day, "", Path(s.file).name, s.reason) for s in rollup.left_out]
    return rows


# What DuckDB says (its errors carry no errno) -> the errno writeback words the line from.
_IO_REASONS = (
    ("read-only file system", errno.EROFS),
    ("permission denied", errno.EACCES),
    ("no space left", errno.ENOSPC),
)


def store_error(path: Path, exc: Exception) -> BookError:
    """One line for a store DuckDB cannot open or write: a folder that cannot take it is said
    as every other write says it; a store in use or damaged, with what to do."""
    from ..writeback import unwritable

    text = str(exc)
    for words, code in _IO_REASONS:
        if words in text.lower():
            return unwritable(path, OSError(code, os.strerror(code)))
    if "lock" in text.lower():
        return BookError(path, "汇总历史库正在被另一个程序使用：请等它用完（或关闭它）后再汇总")
    if "not a valid duckdb" in text.lower():
        return BookError(
            path, "这不是 branchkit 的汇总历史库（文件已损坏或不是 DuckDB）：请把它移走后再汇总"
        )
    return BookError(path, f"无法使用汇总历史库（{text}）")


@contextlib.contextmanager
def connect(path: Path, read_only: bool = False) -> Iterator[Any]:
    """The store, open; a file it cannot be opened or written as is one line (store_error)."""
    import duckdb

    try:
        con = duckdb.connect(str(path), read_only=read_only)
    except duckdb.Error as exc:
        raise store_error(path, exc) from exc
    try:
        if not read_only:
            for name, columns in TABLES.items():
                spec = ", ".join(f"{c} {t}" for c, t in columns)
                con.execute(f"CREATE TABLE IF NOT EXISTS {name} ({spec})")
        yield con
    except duckdb.IOException as exc:  # the disk refused a write midway
        raise store_error(path, exc) from exc
    finally:
        con.close()


def save(path: Path, rollup: Rollup) -> dict[str, int]:
    """Replace the rollup date's rows with this rollup's, in one transaction. Returns the rows
    written per table."""
    import pandas as pd

    tables = rows_of(rollup)
    with connect(path) as con:
        con.execute("BEGIN TRANSACTION")
        try:
            for name, rows in tables.items():
                con.execute(f"DELETE FROM {name} WHERE rollup_date = ?", [rollup.day])
                if rows:
                    columns = [c for c, _ in TABLES[name]]
                    frame = pd.DataFrame.from_records(rows, columns=columns)
                    con.register("incoming", frame)
                    casts = ", ".join(f"CAST({c} AS {t}) AS {c}" for c, t in TABLES[name])
                    con.execute(f"INSERT INTO {name} SELECT {casts} FROM incoming")
                    con.unregister("incoming")
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    return {name: len(rows) for name, rows in tables.items()}


@dataclass(frozen=True)
class BranchPoint:
    """One branch's month-to-date figures as one earlier (or this) rollup recorded them."""

    day: dt.date
    branch: str
    overall: float | None
    score: float | None
    rank: int | None
    referrals: int
    successes: int


def history(path: Path, until: dt.date) -> list[BranchPoint]:
    """Every rollup's month-to-date branch figures up to `until`, oldest first."""
    if not path.exists():
        return []
    with connect(path, read_only=True) as con:
        found = con.execute(
            "SELECT rollup_date, branch, overall, score, league_rank, referrals, successes "
            "FROM branch_figures WHERE period = 'month' AND rollup_date <= ? "
            "ORDER BY rollup_date, branch",
            [until],
        ).fetchall()
    return [BranchPoint(*row) for row in found]


def check_export_folder(folder: Path) -> None:
    """Refuses, before the rollup writes anything, a Parquet folder that cannot take files."""
    from ..writeback import check_writable

    check_writable(_first_file(folder))


def _first_file(folder: Path) -> Path:
    return folder / f"{next(iter(TABLES))}.parquet"


def export_parquet(path: Path, folder: Path, tables: Sequence[str] = tuple(TABLES)) -> list[Path]:
    """Each table as folder/<table>.parquet, written to a temporary name and renamed into place."""
    import duckdb

    from ..writeback import make_folder, unwritable

    check_export_folder(folder)
    make_folder(_first_file(folder))
    written = []
    with connect(path) as con:
        for name in tables:
            target = folder / f"{name}.parquet"
            temp = folder / f".~{name}.{os.getpid()}.parquet"
            order = "rollup_date, period" + (", branch" if name != "left_out" else ", file")
            try:
                con.execute(
                    f"COPY (SELECT * FROM {name} ORDER BY {order}) TO '{_quoted(temp)}' "
                    "(FORMAT PARQUET)"
                )
                os.replace(temp, target)
            except OSError as exc:
                raise unwritable(target, exc) from exc
            except duckdb.IOException as exc:
                raise store_error(target, exc) from exc
            finally:
                with contextlib.suppress(OSError):
                    temp.unlink()
            written.append(target)
    return written


def _quoted(path: Path) -> str:
    return str(path).replace("'", "''")
