"""What the buttons inside Excel call (xlwings RunPython), on the same core as the CLI.

The open workbook is read through xlwings into the same rows of values the file reader makes,
goes through the same reading, figures and agenda code, and the generated tabs are written back
through xlwings, so Excel itself keeps VBA, buttons, charts and everything else in the workbook.
Nothing here shows a Python traceback: every outcome ends as one line in the 控制台 status cell
and a message box.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Callable
from pathlib import Path
from typing import Any

from . import schema
from .a1 import cell_ref, column_letter
from .batch import batch_mode
from .problems import BookError
from .read import Book, RawBook, RawSheet, load_book
from .render import page
from .render.grid import BASE_SIZE, Grid, Placed, layout, split_style, table_size, text_size
from .render.marks import cell_colors
from .render.spec import SheetSpec
from .render.xlsx import NUM_FORMATS
from .vocab import CHOSEN_FOCUSES, FOCUS_WORDS, Focus, Meeting
from .writerules import (
    FORMULA,
    NOT_EMPTY,
    OUT_OF_SHEET,
    Filled,
    Formula,
    NewRows,
    Refused,
    SheetFill,
    Skipped,
    Value,
    Written,
    holds,
    on_sheet,
    row_key,
    stored,
)

HEADER_FILL = (31, 78, 121)
NOTE_GREY = (127, 127, 127)

# Every xlwings attribute this module touches, by class: a test checks each exists on the
# installed xlwings, and the stand-in book in the tests implements exactly these.
XLWINGS_SURFACE = {
    "Book": ("caller", "sheets", "app", "fullname", "name"),
    "Sheets": ("add", "__iter__", "__getitem__"),
    "Sheet": ("name", "used_range", "range", "clear", "activate", "charts"),
    "Charts": ("add", "__iter__"),
    "Chart": ("chart_type", "set_source_data", "delete"),
    "Range": (
        "value",
        "row",
        "column",
        "options",
        "number_format",
        "font",
        "color",
        "column_width",
        "row_height",
        "merge",
        "wrap_text",
        "last_cell",
        "shape",
        "formula",
        "copy",
        "clear_contents",
        "top",
        "left",
    ),
    "Font": ("bold", "color", "size"),
    "App": ("alert", "screen_updating", "status_bar"),
}


# ---------------------------------------------------------------- reading the open workbook


def raw_book(book: Any) -> RawBook:
    """Every input sheet's used range as rows of values, padded so row 0 is Excel's row 1."""
    skip = set(schema.NOT_INPUT_SHEETS)
    raw: dict[str, RawSheet] = {}
    for sheet in book.sheets:
        if sheet.name in skip:
            continue
        used = sheet.used_range
        values = used.options(ndim=2).value or []
        pad_cols = [None] * (used.column - 1)
        rows: list[list[Any]] = [[] for _ in range(used.row - 1)]
        rows += [pad_cols + list(r) for r in values]
        raw[sheet.name] = rows
    return raw


def formula_cells(book: Any, name: str) -> frozenset[tuple[int, int]]:
    """(row, column) of the cells of sheet `name` that hold a formula, as Excel reports them (one
    call for the sheet's used range; asked only where a check must tell a formula from a value)."""
    used = book.sheets[name].used_range
    found = used.formula
    if not isinstance(found, (list, tuple)):
        found = ((found,),)
    elif found and not isinstance(found[0], (list, tuple)):
        found = (found,)
    return frozenset(
        (used.row + r, used.column + c)
        for r, line in enumerate(found)
        for c, text in enumerate(line)
        if isinstance(text, str) and text.startswith("=")
    )


def _control(book: Any) -> Any | None:
    """The 控制台 sheet, when the workbook has one (the date, meeting kind and status cells)."""
    return next((s for s in book.sheets if s.name == schema.CONTROL_SHEET), None)


def control_date(book: Any, today: dt.date | None = None) -> dt.date:
    """The date in 控制台!C4; blank means today (docs/工作簿.md#控制台)."""
    from .parse import Bad, parse_date

    control = _control(book)
    if control is not None:
        value = control.range(schema.CONTROL_DATE_CELL).value
        parsed = parse_date(value)
        if isinstance(parsed, Bad):
            raise BookError(
                book.name,
                f"{schema.CONTROL_SHEET}!{schema.CONTROL_DATE_CELL} 应为日期，如 2026-11-20",
            )
        if parsed is not None:
            return parsed
    return today or dt.date.today()


def control_focus(book: Any) -> Focus | None:
    """控制台's 夕会重点 (营销 / 服务 / 运营), or None (自动, blank) to let 设置 and the pace
    decide."""
    from .headers import normalize_word, word_index

    control = _control(book)
    if control is None:
        return None
    value = str(control.range(schema.CONTROL_FOCUS_CELL).value or "")
    focus = word_index(FOCUS_WORDS.items()).get(normalize_word(value))
    return focus if focus in CHOSEN_FOCUSES else None


def control_meeting(book: Any) -> Meeting:
    from .vocab import DAILY, meeting_kind

    control = _control(book)
    if control is None:
        return DAILY
    value = control.range(schema.CONTROL_MEETING_CELL).value
    return meeting_kind(str(value or "")) or DAILY


# ---------------------------------------------------------------- writing generated sheets


def _rgb(hex_color: str) -> tuple[int, int, int]:
    hex_color = hex_color.lstrip("#")
    return int(hex_color[0:2], 16), int(hex_color[2:4], 16), int(hex_color[4:6], 16)


def write_grid(book: Any, grid: Grid) -> None:
    """Puts one generated sheet into the open workbook: values in one call, then the few formats
    that matter (number formats, header and section colours, widths). Existing content of that
    sheet is cleared first; other sheets are not touched."""
    names = [s.name for s in book.sheets]
    if grid.spec.name in names:
        sheet = book.sheets[grid.spec.name]
        sheet.clear()
    else:
        sheet = book.sheets.add(grid.spec.name, after=book.sheets[len(names) - 1])
    values = [[_excel_value(v) for v in row] for row in grid.values()]
    if values:
        # Text is written with a leading apostrophe when it could be read as a formula.
        sheet.range((1, 1)).value = values
    for c, width in grid.widths.items():
        sheet.range((1, c + 1)).column_width = width
    for r, height in grid.heights.items():
        sheet.range((r + 1, 1)).row_height = height
    for cell in grid.cells:
        target = sheet.range((cell.row + 1, cell.col + 1), (cell.row + 1, cell.col + cell.span))
        if cell.span > 1:
            target.merge()
            target.wrap_text = True
        style, size = split_style(cell.style)
        if size is not None:
            target.font.size = text_size(style, size)
        if style == "title":
            target.font.bold = True
            target.font.size = 15
        elif style in ("header", "h1"):
            target.font.bold = True
            target.font.color = (255, 255, 255)
            target.color = HEADER_FILL
        elif style in ("caption", "h2", "strong"):
            target.font.bold = True
        elif style in ("subtitle", "note"):  # set apart by colour: CJK has no italic
            target.font.color = NOTE_GREY
    for placed in grid.tables:
        _format_table(sheet, placed)
        size = table_size(grid.size)
        if size is not None and size != BASE_SIZE and placed.last_row >= placed.first_row:
            sheet.range(
                (placed.first_row + 1, 1), (placed.last_row + 1, placed.width)
            ).font.size = size  # a one-page sheet's tables, in its type (grid.cell_style)
    _draw_charts(sheet, grid)


CHART_TYPES = {"bar": "bar_clustered", "column": "column_clustered", "line": "line_markers"}


def _draw_charts(sheet: Any, grid: Grid) -> None:
    """The grid's charts on the rows it keeps free for them, from the same cells as the file
    path's (labels and values with their header); the earlier refresh's charts go first."""
    for old in list(sheet.charts):
        old.delete()
    for placed in grid.charts:
        table = placed.table
        reserved = math.ceil(placed.height / (page.DEFAULT_ROW * page.PX_PER_PT))
        for r in range(placed.row, placed.row + reserved):
            sheet.range((r + 1, 1)).row_height = page.DEFAULT_ROW
        columns = [table.col(c) for c in (placed.chart.label_col, *placed.chart.value_cols)]
        source = ",".join(
            f"${column_letter(c + 1)}${table.header_row + 1}:"
            f"${column_letter(c + 1)}${table.last_row + 1}"
            for c in columns
        )
        anchor = sheet.range((placed.row + 1, 1))
        chart = sheet.charts.add(
            anchor.left + placed.x / page.PX_PER_PT,
            anchor.top,
            placed.width / page.PX_PER_PT,
            placed.height / page.PX_PER_PT,
        )
        chart.chart_type = CHART_TYPES[placed.chart.kind]
        chart.set_source_data(sheet.range(source))


def _format_table(sheet: Any, placed: Placed) -> None:
    """Number formats one column at a time (a COM call per column, not per cell); the progress
    states get their colour cell by cell (there are as many as people)."""
    if placed.last_row < placed.first_row:
        return
    first, last = placed.first_row + 1, placed.last_row + 1
    for c, col in enumerate(placed.columns):
        at = placed.col(c) + 1
        column = sheet.range((first, at), (last, at))
        if col.fmt == "qty":  # counts without decimals, amounts with two: cell by cell
            for offset, row in enumerate(placed.rows()):
                kind = "int" if isinstance(row[c], int) else "amount"
                sheet.range((first + offset, at)).number_format = NUM_FORMATS[kind]
        elif col.fmt in NUM_FORMATS:
            column.number_format = NUM_FORMATS[col.fmt]
        elif col.fmt in ("text", "wrap", "figure", "flag"):
            column.number_format = "@"
            column.wrap_text = col.fmt == "wrap"  # a row the grid made tall shows every line
        if col.fmt in ("status", "due", "flag"):
            for offset, row in enumerate(placed.rows()):
                colors = cell_colors(col.fmt, row[c])
                if colors is not None:
                    sheet.range((first + offset, at)).color = _rgb(colors[0])
    for c, span in placed.spans.items():  # a column merged over several of the sheet's
        at = placed.col(c) + 1
        for r in range(first, last + 1):
            sheet.range((r, at), (r, at + span - 1)).merge()


def _excel_value(value: Any) -> Any:
    """Values as xlwings writes them; text that Excel would take as a formula gets an apostrophe."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return dt.datetime(value.year, value.month, value.day)
    return value


def write_specs(book: Any, specs: list[SheetSpec]) -> None:
    app = book.app
    app.screen_updating = False
    try:
        for spec in specs:
            write_grid(book, layout(spec))
    finally:
        app.screen_updating = True


# ---------------------------------------------------------------- the buttons


def _report(book: Any, message: str) -> None:
    control = _control(book)
    if control is not None:
        control.range(schema.CONTROL_STATUS_CELL).value = message
    book.app.alert(message, title="branchkit")


def _run(job: Callable[[Any], str]) -> str:
    import xlwings as xw

    book = xw.Book.caller()
    try:
        with batch_mode():
            message = job(book)
    except BookError as exc:
        message = f"未完成：{exc.message}"
    except Exception as exc:  # the last resort: one line, never a traceback dialog
        message = f"未完成：出现意外错误（{type(exc).__name__}: {exc}），请联系管理员"
    _report(book, message)
    return message


class OpenWorkbook:
    """The workbook open in Excel as a job's `jobs.Workbook`: read through xlwings into the rows
    of values the file reader makes, written back through xlwings, so Excel itself keeps VBA,
    buttons, charts and everything else in it."""

    def __init__(self, book: Any) -> None:
        self.book = book
        self.raw: RawBook = {}

    def read(self) -> Book:
        self.raw = raw_book(self.book)
        return load_book(self.raw, self.book.fullname, lambda name: formula_cells(self.book, name))

    def write_sheets(self, specs: list[SheetSpec]) -> Path:
        write_specs(self.book, specs)
        return Path(self.book.fullname)

    def fill(self, requests: list[SheetFill], dry_run: bool) -> tuple[Filled, Path | None]:
        if dry_run:
            raise AssertionError("the buttons have no dry run")
        app = self.book.app
        app.screen_updating = False
        try:
            report = fill_open_book(self.book, requests, self.raw)
        finally:
            app.screen_updating = True
        return report, Path(self.book.fullname) if report.written else None


def _refresh_job(book: Any) -> str:
    from . import jobs

    day = control_date(book)
    result = jobs.refresh(OpenWorkbook(book), day)
    problems = f"；数据问题 {result.errors} 个错误、{result.warnings} 个警告"
    tail = problems if result.errors or result.warnings else ""
    return f"已刷新（{day}）：{'、'.join(result.sheets)}{tail}"


def _agenda_job(book: Any) -> str:
    from . import jobs
    from .vocab import agenda_sheet_name

    day = control_date(book)
    meeting = control_meeting(book)
    jobs.write_agenda(OpenWorkbook(book), day, meeting, focus=control_focus(book))
    tab = agenda_sheet_name(meeting)
    return f"{tab}已生成（{day}），见“{tab}”表"


def _weekly_job(book: Any) -> str:
    """This week's workbook beside the branch workbook, sent to 设置's recipients."""
    from . import jobs
    from .render.weekly import notes_for_the_sender
    from .weekly import week_label

    day = control_date(book)
    loaded = OpenWorkbook(book).read()
    data, out = jobs.weekly(loaded, week_label(day), today=day)
    # said on the button too, not only mailed
    note = "".join(f"（注意：{line}）" for line in notes_for_the_sender(data))
    if not loaded.settings.mail_to:
        return f"周报已保存：{out.name}；设置中没有“邮件收件人”，未发送{note}"
    message, to = jobs.weekly_mail(data, out, loaded.settings)
    jobs.send_mail(message, loaded.settings)
    return f"周报已保存并发送给 {len(to)} 位收件人：{out.name}{note}"


class _OpenSheet:
    """One sheet of the open workbook as the fill writer sees it: the values it had when read,
    and writes that follow the file writer's rules (`writerules`)."""

    def __init__(self, sheet: Any, name: str, rows: list[list[Any]], result: Filled) -> None:
        self.sheet, self.name, self.rows, self.result = sheet, name, rows, result

    def current(self, row: int, col: int) -> Any:
        line = self.rows[row - 1] if 0 < row <= len(self.rows) else []
        value = line[col - 1] if 0 < col <= len(line) else None
        return None if value == "" else value

    def _skip(self, row: int, col: int, reason: str) -> bool:
        ref = cell_ref(row, col) if on_sheet(row, col) else f"R{row}C{col}"
        self.result.skipped.append(Skipped(self.name, ref, reason))
        return False

    def _put(self, row: int, col: int, value: Value, appended: bool = False) -> bool:
        """Write into a cell known to be empty (or to hold branchkit's own text). The cells of an
        appended row are not asked for a formula (a COM call each): the row lies below the
        table's last row with data, and took the row above's format as a cleared copy."""
        if not on_sheet(row, col):
            return self._skip(row, col, OUT_OF_SHEET)
        kept = stored(value)
        if kept is None:
            return False
        if isinstance(kept, Refused):
            return self._skip(row, col, kept.reason)
        target = self.sheet.range((row, col))
        if not appended and str(target.formula or "").startswith("="):  # also one showing ""
            return self._skip(row, col, FORMULA)
        if isinstance(value, Formula):  # branchkit's own: Excel computes it at once
            target.formula = f"={value.text}"
        else:
            target.value = _excel_value(value)
        self.result.written.append(Written(self.name, cell_ref(row, col), value, appended))
        return True

    def write_cell(self, row: int, col: int, value: Value, appended: bool = False) -> bool:
        """Write one value if the cell is empty; report why not otherwise."""
        current = self.current(row, col)
        if current is None:
            return self._put(row, col, value, appended)
        if str(self.sheet.range((row, col)).formula or "").startswith("="):
            return self._skip(row, col, FORMULA)
        if not holds(current, value):
            self._skip(row, col, NOT_EMPTY)
        return False

    def replace_cell(self, row: int, col: int, old: str, value: Value) -> bool:
        """Rewrite a cell that still holds exactly the text `old` (branchkit's own)."""
        current = self.current(row, col)
        if current is None:
            return self._put(row, col, value)
        if holds(current, value):
            return False
        if current != old:
            return self.write_cell(row, col, value)  # a person's: reported, not touched
        return self._put(row, col, value)

    def append(self, block: NewRows) -> None:
        """New rows under the table's last row with data, formatted like that row (its format
        copied, its contents cleared); a row whose key is already in the table is not added."""
        header = self.rows[block.header_row - 1] if block.header_row <= len(self.rows) else []
        header_cols = [c for c, v in enumerate(header, start=1) if v not in (None, "")]
        value_cols = [c for values in block.rows for c in values]
        if not value_cols:
            return
        first, end = min(header_cols + value_cols), max(header_cols + value_cols)
        last = next(
            (
                n
                for n in range(len(self.rows), block.header_row, -1)
                if any(self.current(n, c) is not None for c in range(first, end + 1))
            ),
            block.header_row,
        )
        present: dict[tuple[int, ...], set[tuple[object, ...]]] = {}
        number = last
        for values in block.rows:
            columns = tuple(block.key) if block.key is not None else tuple(sorted(values))
            if columns not in present:
                present[columns] = {
                    tuple(row_key(stored(self.current(n, c))) for c in columns)
                    for n in range(block.header_row + 1, last + 1)
                }
            key = tuple(row_key(stored(values.get(c))) for c in columns)
            if key in present[columns]:
                continue
            present[columns].add(key)
            number += 1
            if last > block.header_row:
                self.sheet.range((last, first), (last, end)).copy(
                    self.sheet.range((number, first), (number, end))
                )
                self.sheet.range((number, first), (number, end)).clear_contents()
            for col, value in sorted(values.items()):
                self._put(number, col, value, appended=True)


def fill_open_book(book: Any, requests: list[SheetFill], raw: RawBook) -> Filled:
    """Writes fill's requests into the open workbook through xlwings by the file writer's rules
    (`writerules`): only empty cells (or branchkit's own 〔自动〕 text), never a formula, new rows
    under the last row of each table with the formats of the row above, a row already there not
    added again. Returns what it wrote and what it refused, as the file writer does."""
    result = Filled()
    for request in requests:
        sheet = _OpenSheet(
            book.sheets[request.sheet], request.sheet, raw.get(request.sheet, []), result
        )
        for (row, col), value in request.cells.items():
            sheet.write_cell(row, col, value)
        for (row, col), (old, value) in request.replace.items():
            sheet.replace_cell(row, col, old, value)
        for block in request.append:
            sheet.append(block)
    return result


def _fill_job(book: Any) -> str:
    from . import jobs

    day = control_date(book)
    result = jobs.fill(OpenWorkbook(book), day)
    added, written = sum(result.rows_added.values()), sum(result.cells_filled.values())
    parts = [f"新增 {added} 行"] if added else []
    if written:
        parts.append(f"写入 {written} 格")
    lines = len(result.skipped)
    tail = f"；{lines} 处未填写（如已有内容）" if lines else ""
    if result.notes and not parts:
        return "；".join(result.notes)  # a day the branch is closed: said, nothing written
    notes = "".join(f"；{note}" for note in result.notes)
    return f"已填写（{day}）：{'，'.join(parts) or '没有需要填写的内容'}{tail}{notes}"


def fill() -> str:
    """Button 「填写」."""
    return _run(_fill_job)


def refresh() -> str:
    """Button 「刷新排行」."""
    return _run(_refresh_job)


def build_agenda() -> str:
    """Button 「生成夕会议程」."""
    return _run(_agenda_job)


def send_weekly() -> str:
    """Button 「发送周报」."""
    return _run(_weekly_job)
