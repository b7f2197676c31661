"""The jobs a user asks for, shared by the CLI and the Excel buttons: read, compute, render, write.

Each job takes already-read input (a `Book`) where it can, so the xlwings path can feed it the
open workbook's values and the CLI a file's. Figures are computed here, once per job, and handed
to the agenda, the tabs and the weekly workbook, which only arrange them.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from .problems import count_levels
from .read import Book, read_book

if TYPE_CHECKING:
    from .agenda import Agenda
    from .figures import Figures
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


def build_agenda(book: Book | str | Path, day: dt.date, meeting: str = "daily") -> Agenda:
    """The agenda data for D (Python API; the CLI and the Excel button render it)."""
    from .agenda import build

    book = book if isinstance(book, Book) else read_book(book)
    return build(book, figures(book, day), meeting)


def write_agenda(
    path: str | Path,
    day: dt.date,
    meeting: str = "daily",
    out: str | Path | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
) -> tuple[Path, Agenda]:
    """Writes the 夕会议程 tab into the workbook (or a copy), like refresh does."""
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

    day = weekly_data.as_of(week, today or dt.date.today(), book.month)
    data = weekly_data.build(book, figures(book, day), week)
    specs = weekly_sheets(data)
    path = out or weekly_data.default_output(Path(book.source), data)
    written = write_bytes(path, build_xlsx(specs), verify_workbook([s.name for s in specs]))
    return data, written
