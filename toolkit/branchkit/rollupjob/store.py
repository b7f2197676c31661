"""The rollup's history: an embedded DuckDB file beside the rollup workbook (docs/口径.md#分行汇总).

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
from pathlib import Path
from typing import Any

from ..problems import BookError
from ..rollup import trends as trend_rules
from ..rollup.league import Rollup
from ..rollup.trends import Change, NetworkPoint, Trends

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
        # No progress bar: a long query on a terminal would draw DuckDB's over the rollup's.
        con.execute("SET enable_progress_bar = false")
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


@contextlib.contextmanager
def _private_files() -> Iterator[None]:
    """Files created meanwhile (a new store, its write-ahead log, a Parquet file's temporary
    name) are readable by their owner only, until `_no_wider` gives them their mode. POSIX only:
    elsewhere the folder's permissions decide."""
    if os.name != "posix":
        yield
        return
    mask = os.umask(0o077)
    try:
        yield
    finally:
        os.umask(mask)


def _no_wider(path: Path, before: os.stat_result | None, sources: Sequence[Path]) -> None:
    """The store and its exports hold every person's figures from the branches' workbooks: no
    more people may read them than may read every one of those (writeback.keep_permissions); a
    store kept from earlier rollups only ever narrows."""
    from ..writeback import carry_access, stat_of

    bounds = [s for s in map(stat_of, sources) if s is not None]
    carry_access(path, before, made_from=sources, bounds=bounds)


def save(path: Path, rollup: Rollup) -> dict[str, int]:
    """Replace the rollup date's rows with this rollup's, in one transaction, in a store no more
    readable than the branches' workbooks. Returns the rows written per table."""
    from ..writeback import stat_of

    before = stat_of(path)
    with _private_files():
        written = _save(path, rollup)
    _no_wider(path, before, [Path(b.file) for b in rollup.branches])
    return written


def _save(path: Path, rollup: Rollup) -> dict[str, int]:
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


def dates(con: Any, until: dt.date) -> list[dt.date]:
    """Every rollup date in the store up to `until`."""
    found = con.execute(
        "SELECT DISTINCT rollup_date FROM branch_figures WHERE rollup_date <= ? ORDER BY 1",
        [until],
    ).fetchall()
    return [row[0] for row in found]


def network_history(con: Any, shown: Sequence[dt.date]) -> list[NetworkPoint]:
    """The network as each of the rollups `shown` saw it, month to date."""
    if not shown:
        return []
    found = con.execute(
        "SELECT rollup_date, count(*), avg(score), avg(overall), sum(referrals), sum(successes) "
        "FROM branch_figures WHERE period = 'month' AND rollup_date IN "
        f"({', '.join('?' * len(shown))}) GROUP BY rollup_date ORDER BY rollup_date",
        list(shown),
    ).fetchall()
    return [
        NetworkPoint(d, n, score, overall, int(refs), int(wins))
        for d, n, score, overall, refs, wins in found
    ]


# One row a branch or a person of D: the week's and the month's score at D, and at the same
# points of the previous week and month. A date with no rollup (NULL) joins nothing.
_CHANGES = """
SELECT {keys}, m.score, pm.score, w.score, pw.score
FROM {table} m
LEFT JOIN {table} w ON w.rollup_date = $day AND w.period = 'week' AND {same_w}
LEFT JOIN {table} pw ON pw.rollup_date = $week_before AND pw.period = 'week' AND {same_pw}
LEFT JOIN {table} pm ON pm.rollup_date = $month_before AND pm.period = 'month' AND {same_pm}
WHERE m.rollup_date = $day AND m.period = 'month'
ORDER BY {order}
"""


def changes(
    con: Any,
    table: str,
    day: dt.date,
    week_before: dt.date | None,
    month_before: dt.date | None,
) -> list[Change]:
    """Each branch (table branch_figures) or person (person_figures) of D's rollup, week on
    week and month on month."""
    people = table == "person_figures"
    key = ("branch", "name") if people else ("branch",)

    def same(alias: str) -> str:
        return " AND ".join(f"{alias}.{k} = m.{k}" for k in key)

    sql = _CHANGES.format(
        table=table,
        keys=", ".join(f"m.{k}" for k in key) + (", m.role" if people else ""),
        same_w=same("w"),
        same_pw=same("pw"),
        same_pm=same("pm"),
        order=", ".join(f"m.{k}" for k in key),
    )
    found = con.execute(
        sql, {"day": day, "week_before": week_before, "month_before": month_before}
    ).fetchall()
    if people:
        return [
            Change(branch, name, role, week, week_then, month, month_then)
            for branch, name, role, month, month_then, week, week_then in found
        ]
    return [
        Change(branch, "", "", week, week_then, month, month_then)
        for branch, month, month_then, week, week_then in found
    ]


def trends(path: Path, day: dt.date) -> Trends:
    """The rollup of D against the earlier ones in the store: the queries the rollup workbook's
    趋势 sheet runs (the benchmarks time each on a year of a province's rollups)."""
    if not path.exists():
        return Trends(day, [], None, None)
    with connect(path, read_only=True) as con:
        known = dates(con, day)
        week, month = trend_rules.week_before(known, day), trend_rules.month_before(known, day)
        return Trends(
            day,
            network_history(con, trend_rules.history_dates(known, day)),
            week,
            month,
            changes(con, "branch_figures", day, week, month),
            changes(con, "person_figures", day, week, month),
        )


def check_export_folder(folder: Path) -> None:
    """Refuses, before the rollup writes anything, a Parquet folder that cannot take files."""
    from ..writeback import check_writable

    check_writable(_first_file(folder))


def _first_file(folder: Path) -> Path:
    return folder / next(iter(TABLES)) / "month=0000-00" / "part.parquet"


def month_of(day: dt.date) -> str:
    """A partition's name: month=2026-11."""
    return f"month={day:%Y-%m}"


def export_parquet(
    path: Path,
    folder: Path,
    months: Sequence[dt.date] | None = None,
    tables: Sequence[str] = tuple(TABLES),
) -> list[Path]:
    """Each table as Parquet partitioned by month, as data platforms read them (Hive style:
    folder/<table>/month=YYYY-MM/<table>.parquet; the month is in the path, the rows keep their
    rollup_date). A year of a province's rollups is large, and a rollup changes one month only:
    with `months` (the rollup's own) only those months and any the folder lacks are written;
    None writes every month. Each file goes to a temporary name, renamed into place. Returns
    the files written."""
    import duckdb

    from ..writeback import make_folder, stat_of, unwritable

    check_export_folder(folder)
    wanted = None if months is None else {month_of(m) for m in months}
    written = []
    with connect(path) as con:
        for name in tables:
            order = "rollup_date, period, " + ("file" if name == "left_out" else "branch")
            firsts = con.execute(
                f"SELECT DISTINCT date_trunc('month', rollup_date) FROM {name} ORDER BY 1"
            ).fetchall()
            for (first,) in firsts:
                part = folder / name / month_of(first)
                target = part / f"{name}.parquet"
                if wanted is not None and part.name not in wanted and target.exists():
                    continue
                make_folder(target)
                temp = part / f".~{name}.{os.getpid()}.tmp"
                try:
                    before = stat_of(target)
                    with _private_files():
                        con.execute(
                            f"COPY (SELECT * FROM {name} WHERE rollup_date >= ? "
                            f"AND rollup_date < ? + INTERVAL 1 MONTH ORDER BY {order}) "
                            f"TO '{_quoted(temp)}' (FORMAT PARQUET)",
                            [first, first],
                        )
                    _no_wider(temp, before, [path])  # as readable as the store, no more
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
