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
from typing import Any

from . import schema
from .a1 import cell_ref, column_letter
from .batch import batch_mode
from .problems import BookError, count_levels
from .read import RawBook, RawSheet, load_book
from .render import page
from .render.grid import Grid, Placed, layout, split_style, text_size
from .render.spec import SheetSpec
from .render.xlsx import FLAG_STATUS, NUM_FORMATS, STATUS_COLORS

HEADER_FILL = (31, 78, 121)

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
    "Font": ("bold", "color", "size", "italic"),
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


def _control(book: Any) -> Any | None:
    """The 控制台 sheet, when the workbook has one (the date, meeting kind and status cells)."""
    return next((s for s in book.sheets if s.name == schema.CONTROL_SHEET), None)


def control_date(book: Any, today: dt.date | None = None) -> dt.date:
    """The date in 控制台!C4; blank means today (SPEC: the date comes from a cell)."""
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


def control_focus(book: Any) -> str | None:
    """控制台's 夕会重点 (营销 / 服务 / 运营), or None to let 设置 and the pace decide."""
    control = _control(book)
    if control is None:
        return None
    value = str(control.range(schema.CONTROL_FOCUS_CELL).value or "").strip()
    return value if value in ("营销", "服务", "运营") else None


def control_meeting(book: Any) -> str:
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
        elif style in ("subtitle", "note"):
            target.font.italic = True
    for placed in grid.tables:
        _format_table(sheet, placed)
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
        columns = [placed.chart.label_col, *placed.chart.value_cols]
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
        column = sheet.range((first, c + 1), (last, c + 1))
        if col.fmt == "qty":  # counts without decimals, amounts with two: cell by cell
            for offset, row in enumerate(placed.rows()):
                kind = "int" if isinstance(row[c], int) else "amount"
                sheet.range((first + offset, c + 1)).number_format = NUM_FORMATS[kind]
        elif col.fmt in NUM_FORMATS:
            column.number_format = NUM_FORMATS[col.fmt]
        elif col.fmt in ("text", "flag"):
            column.number_format = "@"
        if col.fmt in ("status", "flag"):
            for offset, row in enumerate(placed.rows()):
                state = FLAG_STATUS if col.fmt == "flag" and row[c] else row[c]
                if state in STATUS_COLORS:
                    sheet.range((first + offset, c + 1)).color = _rgb(STATUS_COLORS[state][0])
    for c, span in placed.spans.items():  # a last column stretched over the columns right
        for r in range(first, last + 1):
            sheet.range((r, c + 1), (r, c + span)).merge()


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


def _refresh_job(book: Any) -> str:
    from .jobs import refresh_specs

    loaded = load_book(raw_book(book), book.fullname)
    day = control_date(book)
    specs = refresh_specs(loaded, day)
    write_specs(book, specs)
    errors, warnings = count_levels(loaded.problems)
    tail = f"；数据问题 {errors} 个错误、{warnings} 个警告" if loaded.problems else ""
    return f"已刷新（{day}）：{'、'.join(s.name for s in specs)}{tail}"


def _agenda_job(book: Any) -> str:
    from .jobs import build_agenda as agenda_data
    from .render.agenda import agenda_sheet

    loaded = load_book(raw_book(book), book.fullname)
    day = control_date(book)
    sheet = agenda_sheet(agenda_data(loaded, day, control_meeting(book), control_focus(book)))
    write_specs(book, [sheet])
    return f"{sheet.name}已生成（{day}），见“{sheet.name}”表"


def _weekly_job(book: Any) -> str:
    """This week's workbook beside the branch workbook, sent to 设置's recipients."""
    from . import mail
    from .jobs import weekly
    from .weekly import week_label

    loaded = load_book(raw_book(book), book.fullname)
    day = control_date(book)
    data, out = weekly(loaded, week_label(day), today=day)
    recipients = list(loaded.settings.mail_to)
    if not recipients:
        return f"周报已保存：{out.name}；设置中没有“邮件收件人”，未发送"
    message = mail.weekly_message(data, out, recipients, mail.sender(loaded.settings))
    mail.send(message, mail.smtp_config(loaded.settings))
    return f"周报已保存并发送给 {len(recipients)} 位收件人：{out.name}"


def _same_value(current: Any, value: Any) -> bool:
    """What Excel holds equals what fill would write (Excel gives dates back as datetimes and
    every number as a float)."""
    if isinstance(current, dt.datetime) and not isinstance(value, dt.datetime):
        current = current.date()
    if isinstance(current, (int, float)) and isinstance(value, (int, float)):
        return float(current) == float(value)
    return bool(current == value)


class _OpenSheet:
    """One sheet of the open workbook as fill sees it: the values it had when read, and a put
    that refuses what the file writer refuses."""

    def __init__(self, sheet: Any, name: str, rows: list[list[Any]], refused: list[str]):
        self.sheet, self.name, self.rows, self.refused = sheet, name, rows, refused

    def current(self, row: int, col: int) -> Any:
        line = self.rows[row - 1] if row - 1 < len(self.rows) else []
        value = line[col - 1] if col - 1 < len(line) else None
        return None if value == "" else value

    def put(self, row: int, col: int, value: Any) -> bool:
        target = self.sheet.range((row, col))
        if str(target.formula or "").startswith("="):  # a formula showing ""
            self.refused.append(f"{self.name}!{cell_ref(row, col)}：是公式单元格，未改动")
            return False
        target.value = _excel_value(value)
        return True

    def refuse(self, row: int, col: int, value: Any) -> None:
        if not _same_value(self.current(row, col), value):
            self.refused.append(f"{self.name}!{cell_ref(row, col)}：已有内容，未覆盖")


def fill_open_book(book: Any, edits: list[Any], raw: RawBook) -> tuple[int, int, list[str]]:
    """Writes fill's edits into the open workbook through xlwings, by the file writer's rules:
    only empty cells (or branchkit's own 〔自动〕 text), never a formula, new rows under the last
    row of each table with the formats of the row above, a row already there not added again.
    Returns (cells written, rows added, what was refused)."""
    written = added = 0
    refused: list[str] = []
    for edit in edits:
        sheet = _OpenSheet(book.sheets[edit.name], edit.name, raw.get(edit.name, []), refused)
        for (row, col), value in edit.cells.items():
            if sheet.current(row, col) is None:
                written += sheet.put(row, col, value)
            else:
                sheet.refuse(row, col, value)
        for (row, col), (old, value) in edit.replace.items():
            if sheet.current(row, col) in (None, old):
                written += sheet.put(row, col, value)
            else:
                sheet.refuse(row, col, value)
        if edit.rows:
            added += _append_rows(sheet.sheet, edit, sheet.rows)
    return written, added, refused


def _append_rows(sheet: Any, edit: Any, rows: list[list[Any]]) -> int:
    """New rows under the table's last row with data in its columns, formatted like that row."""
    columns = sorted({c for values in edit.rows for c in values})
    last = edit.header_row
    for number in range(len(rows), edit.header_row, -1):
        line = rows[number - 1]
        if any(c - 1 < len(line) and line[c - 1] not in (None, "") for c in columns):
            last = number
            break
    existing = {
        tuple(_key(rows[n - 1][c - 1] if c - 1 < len(rows[n - 1]) else None) for c in columns)
        for n in range(edit.header_row + 1, last + 1)
    }
    number = last
    for values in edit.rows:
        key = tuple(_key(values.get(c)) for c in columns)
        if key in existing:
            continue
        existing.add(key)
        number += 1
        if last > edit.header_row:
            first, end = min(columns), max(columns)
            sheet.range((last, first), (last, end)).copy(
                sheet.range((number, first), (number, end))
            )
            sheet.range((number, first), (number, end)).clear_contents()
        for col, value in values.items():
            sheet.range((number, col)).value = _excel_value(value)
    return number - last


def _key(value: Any) -> Any:
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    return None if value == "" else value


def _fill_job(book: Any) -> str:
    from .jobs import fill_edits

    raw = raw_book(book)
    loaded = load_book(raw, book.fullname)
    day = control_date(book)
    edits, skipped = fill_edits(loaded, day)
    app = book.app
    app.screen_updating = False
    try:
        written, added, refused = fill_open_book(book, edits, raw)
    finally:
        app.screen_updating = True
    parts = [f"新增 {added} 行"] if added else []
    if written:
        parts.append(f"写入 {written} 格")
    lines = len(skipped) + len(refused)
    tail = f"；{lines} 处未填写（如已有内容）" if lines else ""
    return f"已填写（{day}）：{'，'.join(parts) or '没有需要填写的内容'}{tail}"


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
