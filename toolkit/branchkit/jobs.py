"""The jobs a user asks for, one entry each for the CLI and the Excel buttons: read, compute,
render, write.

A job reads and writes through a `Workbook`: a file (`WorkbookFile`, the command line) or the
workbook open in Excel (`excel.OpenWorkbook`, the buttons), so the CLI and a button run the same
steps and differ only in where the values come from and go. Figures are computed here, once per
job, and handed to the agenda, the tabs and the weekly workbook, which only arrange them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from stat import S_ISREG
from typing import TYPE_CHECKING, Protocol, TypeVar

from .problems import BookError, OutsideMonth, count_levels
from .read import Book, read_book

if TYPE_CHECKING:
    from email.message import EmailMessage

    from .agenda import Agenda
    from .figures import Figures
    from .morning import MorningAgenda
    from .privacy import Names
    from .render.spec import SheetSpec
    from .settings import Settings
    from .vocab import Focus
    from .weekly import Weekly
    from .writerules import Filled as Report
    from .writerules import SheetFill


class Workbook(Protocol):
    """Where a job reads its input and writes its result. A job reads once, then writes."""

    def read(self) -> Book: ...

    def write_sheets(self, specs: list[SheetSpec]) -> Path:
        """The generated tabs, in place of the ones of the same names; where they went."""
        ...

    def fill(self, requests: list[SheetFill], dry_run: bool) -> tuple[Report, Path | None]:
        """Fill's cells and rows by the writer rules (`writerules`); what was written and
        skipped, and where (None: a dry run, or nothing written)."""
        ...


OUT_IS_THE_BOOK = (
    "--out 指向的就是这个工作簿：要写回工作簿本身请去掉 --out，要保留原样请换一个文件名"
)


class WorkbookFile:
    """A workbook file: read with calamine; written at the zip-part level, atomically and with a
    backup, over the file or into a copy at `out`."""

    def __init__(self, path: str | Path, out: str | Path | None = None) -> None:
        from .outputs import same_file

        self.path = Path(path)
        self.out = Path(out) if out else None
        self.book: Book | None = None
        if self.out is not None and same_file(self.path, self.out):
            # --out promises the workbook stays as it is: never quietly written in place
            raise BookError(self.out, OUT_IS_THE_BOOK)

    def read(self) -> Book:
        self.book = read_book(self.path)
        return self.book

    def _backups(self) -> int:
        return self.book.settings.backups if self.book else 5

    def write_sheets(self, specs: list[SheetSpec]) -> Path:
        return write_specs(self.path, specs, self.out, self._backups())

    def fill(self, requests: list[SheetFill], dry_run: bool) -> tuple[Report, Path | None]:
        from .package import Package
        from .package.cells import fill_cells
        from .writeback import save_package

        reports = []

        def edit(pkg: Package) -> Package:
            reports.append(fill_cells(pkg, requests))
            return pkg

        if dry_run:  # the writer runs in memory and nothing is saved
            edit(Package.read(self.path))
            return reports[-1], None
        names = self.book.sheet_names.values() if self.book else ()
        written = save_package(self.path, edit, names, self.out, self._backups())
        return reports[-1], written


def _workbook(workbook: Workbook | str | Path, out: str | Path | None = None) -> Workbook:
    """A path is a workbook file (written into `out` when given)."""
    return WorkbookFile(workbook, out) if isinstance(workbook, (str, Path)) else workbook


T = TypeVar("T")


def _one_step(target: Workbook, job: Callable[[], T], dry_run: bool = False) -> T:
    """A workbook file is read, planned and replaced as one transaction (writeback.transaction):
    the plan is made from the bytes it replaces, and made again when a colleague saved the file
    meanwhile. Excel's open workbook (a button) is written through Excel itself, and a dry run
    replaces nothing: `job` simply runs."""
    if dry_run or not isinstance(target, WorkbookFile):
        return job()
    from .writeback import transaction

    return transaction(target.path, target.out, lambda _: job())


@dataclass
class Refreshed:
    path: Path
    sheets: list[str]
    errors: int
    warnings: int


def figures(book: Book, day: dt.date, previous: Book | None = None) -> Figures:
    """The figures for D; a D outside the workbook's month is refused with one line, naming
    that month's workbook when it lies beside this one (the 晨会 of the 1st reads the new
    month's workbook). `previous`: last month's workbook, for a week that began in it."""
    from .figures import compute

    try:
        book.check_day(day)
    except BookError:
        beside = month_book(book, day)
        if beside is None or book.month is None:
            raise
        raise OutsideMonth(
            book.source,
            f"统计日期 {day} 不在本工作簿的统计月份 {book.month:%Y-%m} 内："
            f"{day:%Y-%m} 的工作簿是同一文件夹里的 {beside.name}，请用它",
            book.month,
        ) from None
    return compute(book, day, previous)


def month_book(book: Book, day: dt.date) -> Path | None:
    """The same branch's workbook of `day`'s month beside BOOK (see `month_books`), or None."""
    found = month_books(book, day)
    return found[0] if found else None


def month_books(book: Book, day: dt.date, own: dt.date | None = None) -> list[Path]:
    """The same branch's workbooks of `day`'s month beside BOOK, by their name (火车站支行-2026-11
    beside 火车站支行-2026-12, .xlsx or .xlsm), the one saved last first: add-buttons leaves the
    .xlsx it copied beside the .xlsm the branch goes on in. `own`: the month BOOK is of when it
    does not say (the rollup's)."""
    from .filenames import month_sibling

    month = book.month or own
    if not book.source or month is None:
        return []
    named = month_sibling(Path(book.source), month, day.replace(day=1))
    if named is None:
        return []
    from .writeback import stat_of

    found = [
        (stat.st_mtime, candidate)
        for candidate in {named.with_suffix(s) for s in (named.suffix, ".xlsx", ".xlsm")}
        if (stat := stat_of(candidate)) is not None and S_ISREG(stat.st_mode)
    ]
    return [candidate for _, candidate in sorted(found, reverse=True)]


def last_months_book(book: Book, first: dt.date) -> tuple[Book | None, str]:
    """Last month's workbook of the same branch beside BOOK (docs/口径.md#周报日期), read — None
    when there is none, or it is another branch's or month's, or cannot be read (the week's
    days of last month are then named as missing) — and the name it is looked for by."""
    from .filenames import month_sibling

    before = (first - dt.timedelta(days=1)).replace(day=1)
    named = month_sibling(Path(book.source), book.month or first, before)
    wanted = named.name if named else ""
    for path in month_books(book, before, first):  # the one saved last, else the other
        try:
            previous = read_book(path)
        except BookError:
            continue
        if (previous.month is None or previous.month == before) and (
            previous.settings.branch == book.settings.branch
        ):
            return previous, wanted
    return None, wanted


def refresh_specs(book: Book, day: dt.date) -> list[SheetSpec]:
    from .render.tabs import refresh_sheets

    return refresh_sheets(figures(book, day))


def write_specs(path: Path, specs: list[SheetSpec], out: Path | None, keep_backups: int) -> Path:
    from .render.xlsx import build_parts
    from .writeback import write_generated

    built = build_parts(specs)
    names = [s.name for s in specs]
    return write_generated(path, built.package, names, out, keep_backups, cells=built.cells)


def refresh(
    workbook: Workbook | str | Path, day: dt.date, out: str | Path | None = None
) -> Refreshed:
    """`branchkit refresh` and the 「刷新」 button: the generated tabs for D."""
    target = _workbook(workbook, out)

    def job() -> Refreshed:
        from .render.tabs import refresh_sheets

        found = figures(target.read(), day)
        specs = refresh_sheets(found)
        written = target.write_sheets(specs)
        # the 数据问题 tab's count: the workbook's problems and D's (as validate counts them)
        return Refreshed(written, [s.name for s in specs], *count_levels(found.problems))

    return _one_step(target, job)


def build_agenda(
    book: Book | str | Path, day: dt.date, meeting: str = "daily", focus: Focus | None = None
) -> Agenda | MorningAgenda:
    """The agenda data for D (Python API; the CLI and the Excel button render it). `meeting` is
    a vocab meeting key or its Chinese name (日例会, 晨会…); `focus` is 控制台's 夕会重点, None
    leaves it to 设置 and the pace (the 晨会 has no focus)."""
    from .agenda import build
    from .vocab import MORNING, meeting_kind

    book = book if isinstance(book, Book) else read_book(book)
    kind = meeting_kind(meeting)
    if kind is None:
        raise ValueError(meeting)
    now = figures(book, day)
    if kind == MORNING:
        from . import morning
        from .figures import compute

        before = morning.yesterday_of(now)
        return morning.build(book, now, compute(book, before) if before else None)
    return build(book, now, kind, focus)


def write_agenda(
    workbook: Workbook | str | Path,
    day: dt.date,
    meeting: str = "daily",
    out: str | Path | None = None,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    focus: Focus | None = None,
) -> tuple[Path, Agenda | MorningAgenda]:
    """`branchkit build-agenda` and the 「生成夕会议程」 button: the 夕会议程 tab (晨会议程 for
    the 晨会) written into the workbook (or a copy), like refresh does."""
    from .render.agenda import agenda_sheet

    target = _workbook(workbook, out)

    def job() -> tuple[Path, Agenda | MorningAgenda]:
        book = target.read()
        agenda = build_agenda(book, day, meeting, focus)
        sheet = agenda_sheet(agenda, lang, template_dir, mask=book.settings.mask)
        return target.write_sheets([sheet]), agenda

    return _one_step(target, job)


def weekly(
    book: Book, week: str, out: Path | None = None, today: dt.date | None = None
) -> tuple[Weekly, Path]:
    """The weekly workbook of `week` as of `today` (see weekly.as_of), written to `out` (default:
    beside the branch workbook)."""
    from . import weekly as weekly_data
    from .outputs import WEEKLY
    from .render.weekly import weekly_sheets
    from .render.xlsx import build as build_xlsx
    from .writeback import verify_workbook, write_bytes

    monday, sunday = weekly_data.parse_week(week)
    book.check_week(monday, sunday, week)
    day = weekly_data.as_of(week, today or dt.date.today(), book.month)
    until = weekly_data.as_of(week, today or dt.date.today())  # where the week is reported to
    first = day.replace(day=1)
    previous, wanted = last_months_book(book, first) if monday < first else (None, "")
    data = weekly_data.build(book, figures(book, day, previous), week, previous, wanted, until)
    specs = weekly_sheets(data)
    path = out or weekly_data.default_output(Path(book.source), data)
    written = write_bytes(
        path,
        build_xlsx(specs, WEEKLY.tag),
        verify_workbook([s.name for s in specs]),
        made_for=WEEKLY,
        made_from=[book.source],
    )
    return data, written


def weekly_mail(
    data: Weekly,
    attachment: Path,
    settings: Settings,
    recipients: Iterable[str] = (),
    template_dir: str | Path | None = None,
    sending: bool = True,
) -> tuple[EmailMessage, list[str]]:
    """The weekly's message and its recipients: those given, else 设置's 邮件收件人. A message
    for sending must have them (checked before anything connects); an .eml alone may go
    without, for Outlook to fill in."""
    from . import mail

    to = list(recipients) or list(settings.mail_to)
    if sending:
        to = mail.check_addresses(to)
    message = mail.weekly_message(data, attachment, to, mail.sender(settings), template_dir)
    return message, to


def send_mail(
    message: EmailMessage,
    settings: Settings,
    smtp: tuple[str | None, int | None, str | None, str | None] = (None, None, None, None),
) -> str:
    """Sends through the server 设置 and the environment name (`smtp`: the command line's
    host, port, user and security, when given); returns where it went."""
    from . import mail

    config = mail.smtp_config(settings, *smtp)
    mail.send(message, config)
    return config.where


@dataclass
class Filled:
    """What `fill` wrote (or, in a dry run, would write) and what it could not."""

    path: Path | None  # None: a dry run, or nothing to write in place
    written: list[tuple[str, str, object]]  # (sheet, cell, value)
    skipped: list[tuple[str, str, str]]  # (sheet, cell, reason)
    rows_added: dict[str, int]  # sheet -> new rows
    cells_filled: dict[str, int]  # sheet -> cells written in rows that were there
    errors: int
    notes: list[str] = field(default_factory=list)  # what fill says once (a closed day)


def fill_requests(
    book: Book, day: dt.date
) -> tuple[list[SheetFill], list[tuple[str, str, str]], list[str]]:
    """What fill writes for D, sheet by sheet in the workbook's own terms, as both writers take
    it; what cannot be placed, as (sheet, cell, reason); and what fill says once (a closed
    day)."""
    from . import fill as planner
    from .templates import input_row_height
    from .writerules import NewRows, SheetFill

    plan = planner.plan(book, figures(book, day))
    edits, skipped = planner.resolve(plan, book)
    requests = [
        SheetFill(
            e.name,
            e.cells,
            [NewRows(e.header_row, e.rows, e.key)] if e.rows else (),
            e.replace,
            input_row_height,
        )
        for e in edits
    ]
    return requests, skipped, plan.notes


def fill(
    workbook: Workbook | str | Path,
    day: dt.date,
    out: str | Path | None = None,
    dry_run: bool = False,
) -> Filled:
    """`branchkit fill` and the 「填写」 button (docs/工作簿.md#填写): the plan for D written into the staff's
    own sheets — empty cells and new rows only; a file atomically, with a backup, planned from
    the bytes it replaces (a row a colleague inserted meanwhile never gets another customer's
    number)."""
    target = _workbook(workbook, out)

    def job() -> Filled:
        from .privacy import workbook_names

        book = target.read()
        requests, skipped, notes = fill_requests(book, day)
        report, written_to = target.fill(requests, dry_run)
        names = workbook_names(book)
        return Filled(
            written_to,
            [
                (w.sheet, w.cell, _shown(book, names, w.sheet, w.cell, w.value))
                for w in report.written
            ],
            [*skipped, *((s.sheet, s.cell, s.reason) for s in report.skipped)],
            report.rows_added(),
            _count_by_sheet(w.sheet for w in report.written if not w.appended),
            count_levels(book.problems)[0],
            notes,
        )

    return _one_step(target, job, dry_run)


def _shown(book: Book, names: Names, sheet: str, cell: str, value: object) -> object:
    """A written value as it may be shown outside the workbook (the command line, --json):
    customers as 张* — also where a text names one (`names`, the workbook's) — and phone and ID
    digits masked (docs/工作簿.md#脱敏)."""
    from .a1 import split_ref
    from .privacy import mask_digits, mask_name

    if not isinstance(value, str):
        return value
    key = next((k for k, name in book.sheet_names.items() if name == sheet), "")
    where = split_ref(cell)
    column = next(
        (c for c, pos in book.positions.get(key, {}).items() if where and pos == where[1]), ""
    )
    return mask_name(value) if column == "customer" else names.mask(mask_digits(value))


def _count_by_sheet(sheets: Iterable[str]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for sheet in sheets:
        counts[sheet] = counts.get(sheet, 0) + 1
    return counts
