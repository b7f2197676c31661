"""The jobs a user asks for, shared by the CLI and the Excel buttons: read, compute, render, write.

Each job takes already-read input (a `Book`) where it can, so the xlwings path can feed it the
open workbook's values and the CLI a file's. Figures are computed here, once per job, and handed
to the agenda, the tabs and the weekly workbook, which only arrange them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import count_levels
from .read import Book, read_book

if TYPE_CHECKING:
    from .agenda import Agenda
    from .figures import Figures
    from .fill import SheetEdits
    from .morning import MorningAgenda
    from .render.spec import SheetSpec
    from .weekly import Weekly


@dataclass
class Refreshed:
    path: Path
    sheets: list[str]
    errors: int
    warnings: int


def figures(book: Book, day: dt.date) -> Figures:
    """The figures for D; a D outside the workbook's month is refused with one line."""
    from .figures import compute

    book.check_day(day)
    return compute(book, day)


def refresh_specs(book: Book, day: dt.date) -> list[SheetSpec]:
    from .render.tabs import refresh_sheets

    return refresh_sheets(figures(book, day))


def write_specs(path: Path, specs: list[SheetSpec], out: Path | None, keep_backups: int) -> Path:
    from .render.xlsx import build_parts
    from .writeback import write_generated

    built = build_parts(specs)
    names = [s.name for s in specs]
    return write_generated(path, built.package, names, out, keep_backups, cells=built.cells)


def refresh(path: str | Path, day: dt.date, out: str | Path | None = None) -> Refreshed:
    path = Path(path)
    book = read_book(path)
    specs = refresh_specs(book, day)
    written = write_specs(path, specs, Path(out) if out else None, book.settings.backups)
    return Refreshed(written, [s.name for s in specs], *count_levels(book.problems))


def build_agenda(
    book: Book | str | Path, day: dt.date, meeting: str = "daily", focus: str | None = None
) -> Agenda | MorningAgenda:
    """The agenda data for D (Python API; the CLI and the Excel button render it). `meeting` is
    a vocab meeting key or its Chinese name (日例会, 晨会…); `focus` is 控制台's 夕会重点, None
    leaves it to 设置 and the pace (the 晨会 has no focus)."""
    from .agenda import build
    from .vocab import MORNING, meeting_kind

    book = book if isinstance(book, Book) else read_book(book)
    kind = meeting_kind(meeting) or meeting
    now = figures(book, day)
    if kind == MORNING:
        from . import morning
        from .figures import compute

        before = morning.yesterday_of(now)
        return morning.build(book, now, compute(book, before) if before else None)
    return build(book, now, kind, focus)


def write_agenda(
    path: str | Path,
    day: dt.date,
    meeting: str = "daily",
    out: str | Path | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
) -> tuple[Path, Agenda | MorningAgenda]:
    """Writes the 夕会议程 tab (晨会议程 for the 晨会) into the workbook (or a copy), like
    refresh does."""
    from .render.agenda import agenda_sheet

    path = Path(path)
    book = read_book(path)
    agenda = build_agenda(book, day, meeting)
    sheet = agenda_sheet(agenda, lang, template_dir)
    return write_specs(path, [sheet], Path(out) if out else None, book.settings.backups), agenda


def weekly(
    book: Book, week: str, out: Path | None = None, today: dt.date | None = None
) -> tuple[Weekly, Path]:
    """The weekly workbook of `week` as of `today` (see weekly.as_of), written to `out` (default:
    beside the branch workbook)."""
    from . import weekly as weekly_data
    from .render.weekly import weekly_sheets
    from .render.xlsx import build as build_xlsx
    from .writeback import verify_workbook, write_bytes

    book.check_week(*weekly_data.parse_week(week), week)
    day = weekly_data.as_of(week, today or dt.date.today(), book.month)
    data = weekly_data.build(book, figures(book, day), week)
    specs = weekly_sheets(data)
    path = out or weekly_data.default_output(Path(book.source), data)
    written = write_bytes(path, build_xlsx(specs), verify_workbook([s.name for s in specs]))
    return data, written


@dataclass
class Filled:
    """What `fill` wrote (or, in a dry run, would write) and what it could not."""

    path: Path | None  # None: a dry run, or nothing to write in place
    written: list[tuple[str, str, object]]  # (sheet, cell, value)
    skipped: list[tuple[str, str, str]]  # (sheet, cell, reason)
    rows_added: dict[str, int]  # sheet -> new rows
    cells_filled: dict[str, int]  # sheet -> cells written in rows that were there
    errors: int


def fill_edits(book: Book, day: dt.date) -> tuple[list[SheetEdits], list[tuple[str, str, str]]]:
    """What fill writes for D, sheet by sheet in the workbook's own terms (both the file writer
    and the Excel button write exactly these)."""
    from . import fill as planner

    return planner.resolve(planner.plan(book, figures(book, day)), book)


def fill(
    path: str | Path, day: dt.date, out: str | Path | None = None, dry_run: bool = False
) -> Filled:
    """`branchkit fill` (SPEC §2a): the plan for D written into the staff's own sheets at the
    package level — empty cells and new rows only — atomically, with a backup."""
    from .package import Package
    from .package.cells import NewRows, SheetFill, fill_cells
    from .templates import input_row_height
    from .writeback import save_package

    path = Path(path)
    book = read_book(path)
    edits, skipped = fill_edits(book, day)
    requests = [
        SheetFill(
            e.name,
            e.cells,
            [NewRows(e.header_row, e.rows)] if e.rows else (),
            e.replace,
            input_row_height,
        )
        for e in edits
    ]
    reports = []

    def edit(pkg: Package) -> Package:
        reports.append(fill_cells(pkg, requests))
        return pkg

    written_to = None
    if dry_run:  # the writer runs in memory and nothing is saved
        edit(Package.read(path))
    else:
        written_to = save_package(
            path, edit, book.sheet_names.values(), Path(out) if out else None, book.settings.backups
        )
    report = reports[-1]
    return Filled(
        written_to,
        [(w.sheet, w.cell, _shown(book, w.sheet, w.cell, w.value)) for w in report.written],
        [*skipped, *((s.sheet, s.cell, s.reason) for s in report.skipped)],
        report.rows_added(),
        _count_by_sheet(w.sheet for w in report.written if not w.appended),
        count_levels(book.problems)[0],
    )


def _shown(book: Book, sheet: str, cell: str, value: object) -> object:
    """A written value as it may be shown outside the workbook (the command line, --json):
    customers as 张*, phone and ID digits masked (SPEC §5)."""
    from .a1 import split_ref
    from .privacy import mask_digits, mask_name

    if not isinstance(value, str):
        return value
    key = next((k for k, name in book.sheet_names.items() if name == sheet), "")
    where = split_ref(cell)
    column = next(
        (c for c, pos in book.positions.get(key, {}).items() if where and pos == where[1]), ""
    )
    return mask_name(value) if column == "customer" else mask_digits(value)


def _count_by_sheet(sheets: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sheet in sheets:
        counts[sheet] = counts.get(sheet, 0) + 1
    return counts
