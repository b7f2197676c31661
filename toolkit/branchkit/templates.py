"""Blank branch workbooks, built from the schema (so the template cannot drift from the reader).

`write_branch_workbook` is also how the samples are made: the same sheets with rows in them.
Run as `python -m branchkit.templates DIR` to rebuild the committed templates.
"""

from __future__ import annotations

import datetime as dt
import math
import sys
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from . import schema
from .a1 import column_letter
from .phrases import FIGURE_NOTES
from .render import page
from .render.lines import BOLD, break_lines, print_width, wrapped_lines
from .schema import Column, Kind, Sheet
from .settings import SETTING_ITEMS

VALIDATED_ROWS = 2000  # dropdowns and formats reach this far below the header
INPUT_SIZE = 11.0  # points: the input sheets' type (the workbook's default font)
INPUT_ROW = 15.0  # points: a row of one line of it
GUIDE_WIDTHS = (14, 20, 8, 56)  # 说明: sheet, column, required, description — a portrait page
TEMPLATE_NAME = "网点营销管理.xlsx"
HEADER_COLOR = "#1F4E79"
REQUIRED_COLOR = "#C00000"
CELL_BORDER = "#BFBFBF"
# Prose wraps in its column, and a row branchkit writes is as tall as its lines: what people
# write freely (备注, 描述, 结果反馈, 事项 …), lists of names (当班人员), and these; codes, numbers
# and dates never wrap (HCZ-20261120-03 stays on one line).
ALSO_WRAPPED = {
    ("settings", "value"),
    ("settings", "note"),
    ("checklist_items", "item"),
    ("checklist_items", "standard"),
    ("checklist_items", "roles"),
    ("checklist", "item"),
}
# Headers too long for one line of their column, broken where the words break (是否 / 现场推荐,
# never 是否现场推 / 荐); any other header that does not fit widens its column. A test checks
# each line fits and the lines are the header.
HEADER_LINES: dict[tuple[str, str], tuple[str, ...]] = {
    ("referrals", "on_site"): ("是否", "现场推荐"),
    ("tracking", "on_site"): ("是否", "现场推荐"),
    ("tracking", "first_contact"): ("首次", "联系日期"),
    ("tracking", "closed_on_site"): ("是否", "现场达成"),
    ("tracking", "amount"): ("达成金额", "或数量"),
    ("tracking", "next_contact"): ("建议下次", "联系时间"),
    ("overview", "peak_waiting"): ("高峰", "等候人数"),
    ("overview", "longest_wait"): ("最长", "等候分钟"),
}
# A blank sheet prints as a paper form for a day without the PC: the header and a page of ruled
# rows. Not 设置 (branchkit fills it).
NO_FORM = ("settings",)

# XlsxWriter stamps the creation time into docProps/core.xml; fix it so a rebuild is byte-identical.
FIXED_CREATED = dt.datetime(2026, 1, 1)


def settings_rows(branch: str, month: str, overrides: Mapping[str, Any]) -> list[list[Any]]:
    """设置's rows: every declared item with its help line; `overrides` (by item key) in place of
    the defaults, written as they come (a value a person typed stays as typed)."""
    values = {"branch": branch, "month": month, **overrides}
    width = page.column_px(schema.SETTINGS.column("note").width)
    return [
        [item.label, values.get(item.key, item.shown), broken(item.help, width)]
        for item in SETTING_ITEMS
    ]


def _validation(col: Column) -> dict[str, Any] | None:
    if col.choices_from:
        sheet_key, col_key = col.choices_from.split(".")
        sheet = schema.SHEETS_BY_KEY[sheet_key]
        letter = column_letter(sheet.columns.index(sheet.column(col_key)) + 1)
        where = f"'{sheet.name}'!"
        # The list is the filled part of that column, so it grows with the table and shows no
        # blank entries; a name not on it (网点·姓名 of another branch) is only warned about.
        source = f"=OFFSET({where}${letter}$2,0,0,MAX(1,COUNTA({where}${letter}:${letter})-1),1)"
        return {
            "validate": "list",
            "source": source,
            "error_type": "warning",
            "error_message": f"不在“{sheet.name}”表里；仍要填写请点“是”",
        }
    if col.choices:
        return {
            "validate": "list",
            "source": list(col.choices),
            "error_type": "warning" if col.kind is Kind.CHOICE and not col.strict else "stop",
            "error_message": "请从下拉列表选择：" + "、".join(col.choices),
        }
    if col.kind is Kind.DATE:
        return {
            "validate": "date",
            "criteria": "between",
            "minimum": dt.date(2000, 1, 1),
            "maximum": dt.date(2099, 12, 31),
            "error_type": "warning",
            "error_message": "请输入日期，例如 2026-11-20",
        }
    return None


def wraps(sheet: Sheet, col: Column) -> bool:
    """Prose, or a list of names: it wraps."""
    return col.free_text or col.kind is Kind.NAMES or (sheet.key, col.key) in ALSO_WRAPPED


def header_lines(sheet: Sheet, col: Column, text: str) -> tuple[str, ...]:
    """The header as it prints: on one line, or broken where its words break."""
    if text == col.header:
        return HEADER_LINES.get((sheet.key, col.key), (text,))
    return (text,)


def column_width(lines: Sequence[str], width: float) -> float:
    """The column's width: as declared, or wider where a header line would not fit it."""
    per_unit = INPUT_SIZE / 2 * page.PX_PER_PT * BOLD  # a bold half-width character, pixels
    need = max(print_width(line) for line in lines) * per_unit + 6
    return max(width, math.ceil((need - page.CELL_PADDING) / page.NARROW_DIGIT))


def _write_value(ws: Any, row: int, col: int, value: Any, fmt: Any, date_fmt: Any) -> None:
    """Typed writes only: text from anywhere is never turned into a formula. An empty value
    keeps the cell's format (its rule)."""
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
        return
    if isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, (dt.date, dt.datetime)):
        ws.write_datetime(row, col, value, date_fmt)
    elif isinstance(value, (int, float)):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, str(value), fmt)


def _add_input_sheet(
    wb: Any,
    sheet: Sheet,
    rows: Sequence[Sequence[Any]],
    formats: dict[str, Any],
    name: str,
    headers: Sequence[tuple[str, str]] | None = None,
) -> None:
    """`headers`, when given, is (column key, header text) in the order the columns stand —
    for samples whose columns are reordered or spelled another way; `rows` follow that order.

    Prose columns wrap; every cell is ruled, and a blank sheet prints a page of ruled rows
    under its header, a paper form; each required column's header carries a note saying so."""
    ws = wb.add_worksheet(name)
    ws.freeze_panes(1, 0)
    last_row = max(VALIDATED_ROWS, len(rows) + 1)
    columns = (
        [(sheet.column(key), text) for key, text in headers]
        if headers
        else [(col, col.header) for col in sheet.columns]
    )
    heads = [header_lines(sheet, col, text) for col, text in columns]
    widths = [
        column_width(lines, col.width) for (col, _), lines in zip(columns, heads, strict=True)
    ]
    header_height = max(
        row_height(wrapped_lines("\n".join(lines), page.column_px(w), INPUT_SIZE, bold=True))
        for lines, w in zip(heads, widths, strict=True)
    )
    ws.set_row(0, header_height)
    landscape = print_setup(ws, widths, repeat_header=True)
    kinds = [_cell_kind(sheet, col) for col, _ in columns]
    for i, ((col, _), lines) in enumerate(zip(columns, heads, strict=True)):
        ws.write_string(0, i, "\n".join(lines), formats["required" if col.required else "header"])
        ws.set_column(i, i, widths[i], formats[f"column_{kinds[i]}"])
        note = column_note(col)
        if note:
            ws.write_comment(0, i, note, {"author": "网点营销管理", "x_scale": 1.5})
        rule = _validation(col)
        if rule:
            ws.data_validation(1, i, last_row - 1, i, rule)
    wrapped = [c for c, kind in enumerate(kinds) if kind == "wrap"]
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            _write_value(ws, r, c, value, formats[f"cell_{kinds[c]}"], formats["cell_date"])
        # A row as tall as its wrapped text: LibreOffice (and WPS) keep a row's height as the
        # file gives it, so a row left to grow by itself shows only its first line there.
        n_lines = max(
            (
                wrapped_lines(values[c], page.column_px(widths[c]), INPUT_SIZE)
                for c in wrapped
                if c < len(values) and isinstance(values[c], str) and values[c]
            ),
            default=1,
        )
        if n_lines > 1:
            ws.set_row(r, row_height(n_lines))
    if not rows and sheet.key not in NO_FORM:
        for r in range(1, _form_rows(widths, header_height, landscape) + 1):
            for c, kind in enumerate(kinds):
                ws.write_blank(r, c, None, formats[f"cell_{kind}"])
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _cell_kind(sheet: Sheet, col: Column) -> str:
    """Which of the input cells' formats a column's cells take."""
    if col.kind is Kind.DATE:
        return "date"
    if wraps(sheet, col):
        return "wrap"
    if col.kind in (Kind.TEXT, Kind.NAME, Kind.NAMES, Kind.PHONE, Kind.ID_NUMBER, Kind.CHOICE):
        return "text"
    return "plain"


def column_note(col: Column) -> str:
    """The note on a column's header: what goes in it, and that it must be filled."""
    described = describe_column(col)
    if col.required:
        return f"必填。{described}" if described else "必填。"
    return col.help


def _form_rows(widths: Sequence[float], header_height: float, landscape: bool) -> int:
    """Rows of one line that fill the first printed page under the header."""
    scale = page.fit_scale(page.columns_px(widths), landscape)
    room = page.printable(landscape)[1] / scale * page.SAFETY - header_height
    return max(1, int(room // INPUT_ROW))


def _add_guide(wb: Any, formats: dict[str, Any], notes: Sequence[str] = ()) -> None:
    """The 说明 sheet; `notes` go under its title, in red, for what this workbook's reader must
    look at first (a new month's targets still to be confirmed)."""
    ws = wb.add_worksheet("说明")
    top = wb.add_format({"valign": "top"})
    bold_top = wb.add_format({"bold": True, "valign": "top"})
    for c, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(c, c, width, top)
    print_setup(ws, GUIDE_WIDTHS, repeat_header=False)
    ws.write_string(0, 0, "branchkit 网点营销管理工作簿", formats["title"])
    ws.set_row(0, 21)
    intro = (
        f"员工在各输入表里填写；{'、'.join(schema.GENERATED_SHEETS)}由 branchkit 自动生成，请勿手改。",
        "红色列名为必填项。日期写成 2026-11-20、2026.11.20 或 11月20日 都可以；金额写 20、20万、5000元 都可以。",
    )
    # Made only when used: a workbook without notes keeps the styles it always had.
    note_format = (
        wb.add_format(
            {"text_wrap": True, "valign": "top", "bold": True, "font_color": REQUIRED_COLOR}
        )
        if notes
        else None
    )
    lines = [(text, formats["wrap"]) for text in intro] + [(text, note_format) for text in notes]
    page_px = page.columns_px(GUIDE_WIDTHS)
    for row, (text, fmt) in enumerate(lines, start=1):  # merged across the page
        _write_text(ws, row, 0, broken(text, page_px), fmt, span=len(GUIDE_WIDTHS))
    row = len(lines) + 2
    header_row = row
    described_px = page.column_px(GUIDE_WIDTHS[3])
    ws.write_row(row, 0, ["工作表", "列名", "必填", "说明"], formats["header"])
    row += 1
    for sheet in schema.INPUT_SHEETS:
        if sheet.help:
            ws.write_string(row, 0, sheet.name, bold_top)
            _write_text(ws, row, 3, broken(sheet.help, described_px), formats["wrap"])
            row += 1
        for col in sheet.columns:
            ws.write_string(row, 0, sheet.name, top)
            ws.write_string(row, 1, col.header, top)
            ws.write_string(row, 2, "是" if col.required else "", top)
            _write_text(ws, row, 3, broken(describe_column(col), described_px), formats["wrap"])
            row += 1
    row += 1
    ws.write_string(row, 0, "口径说明（各项数字怎么算）", formats["bold"])
    row += 1
    notes_px = page.columns_px(GUIDE_WIDTHS[1:])
    for name, note in FIGURE_NOTES:
        ws.write_string(row, 0, name, bold_top)
        _write_text(ws, row, 1, broken(note, notes_px), formats["wrap"], span=3)
        row += 1
    ws.repeat_rows(header_row)  # the 工作表 / 列名 / 必填 / 说明 header
    ws.freeze_panes(header_row + 1, 0)


def _write_text(ws: Any, row: int, col: int, text: str, fmt: Any, span: int = 1) -> None:
    """Text already broken into lines, in a cell (or merged cells) of a row as tall as its
    lines: not every program grows a row when opening the file, and none grows merged cells."""
    if span > 1:
        ws.merge_range(row, col, row, col + span - 1, text, fmt)
    else:
        ws.write_string(row, col, text, fmt)
    ws.set_row(row, row_height(text.count("\n") + 1))


def print_setup(ws: Any, widths: Sequence[float], repeat_header: bool) -> bool:
    """An input sheet on paper: A4, portrait unless that would print it smaller than 90 %, one
    page wide, the header row on every page, gridlines printed (the rows have no borders), the
    sheet's name and the page in the footer. Returns whether the page is turned."""
    width_px = page.columns_px(widths)
    landscape = page.fit_scale(width_px, landscape=False) < page.COMFORTABLE_SCALE
    ws.set_paper(9)
    if landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 0)
    ws.set_margins(
        left=page.SIDE_MARGIN, right=page.SIDE_MARGIN, top=page.END_MARGIN, bottom=page.END_MARGIN
    )
    ws.hide_gridlines(0)
    if repeat_header:
        ws.repeat_rows(0)
    ws.set_start_page(1)
    ws.set_footer(page.FOOTER, {"margin": page.FOOTER_MARGIN})
    return landscape


def input_row_height(text: str, width: float) -> float:
    """Points a row of an input sheet needs to show `text` wrapped in a column `width` wide as
    the file stores it, padding included (what fill writes: a 〔自动〕 feedback, an 整改 item)."""
    return row_height(wrapped_lines(text, width * page.NARROW_DIGIT, INPUT_SIZE))


def row_height(lines: int) -> float:
    """Points for a row of `lines` lines of the input sheets' type."""
    return max(INPUT_ROW, lines * page.line_height(INPUT_SIZE) + 1.5)


def broken(text: str, width_px: float) -> str:
    """`text` broken into the lines a cell `width_px` wide holds, by branchkit itself: a
    program wrapping Chinese on its own may start a line with "，" or "）"."""
    return "\n".join(break_lines(text, page.line_capacity(width_px, INPUT_SIZE)))


def default_checklist() -> list[list[Any]]:
    """清单项目 of a new workbook: the default list (docs/工作簿.md#默认清单) in the
    schema's column order."""
    from .checklist import DEFAULT_ITEMS

    return [list(row) for row in DEFAULT_ITEMS]


def describe_column(col: Column) -> str:
    """One plain-Chinese line per column: shared by the 说明 sheet and the README table."""
    kinds = {
        Kind.DATE: "日期",
        Kind.AMOUNT: "金额或数量",
        Kind.NUMBER: "数字",
        Kind.COUNT: "整数",
        Kind.YESNO: "是 / 否",
        Kind.PHONE: "手机号",
        Kind.ID_NUMBER: "18位身份证号",
        Kind.NAMES: "多个姓名",
        Kind.NAME: "姓名",
    }
    parts = [kinds[col.kind]] if col.kind in kinds else []
    if col.choices and col.kind is Kind.CHOICE:
        parts.append("可选：" + "、".join(col.choices))
    if col.choices_from:
        sheet_key, col_key = col.choices_from.split(".")
        source = schema.SHEETS_BY_KEY[sheet_key]
        parts.append(f"可从下拉列表选（“{source.name}”表的{source.column(col_key).header}）")
    if col.help:
        parts.append(col.help)
    return "；".join(parts)


def workbook_formats(wb: Any) -> dict[str, Any]:
    """The cell formats every branchkit-made sheet draws from, registered on an XlsxWriter book."""
    # Header texts wrap, centred, in rows as tall as their lines.
    header = {
        "bold": True,
        "font_color": "white",
        "border": 1,
        "text_wrap": True,
        "valign": "vcenter",
        "align": "center",
    }
    return {
        "header": wb.add_format({**header, "bg_color": HEADER_COLOR}),
        "required": wb.add_format({**header, "bg_color": REQUIRED_COLOR}),
        "date": wb.add_format({"num_format": "yyyy-mm-dd"}),
        "text": wb.add_format({"num_format": "@"}),
        "title": wb.add_format({"bold": True, "font_size": 14}),
        "bold": wb.add_format({"bold": True}),
        "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        "note": wb.add_format({"font_color": "#7F7F7F"}),  # no italic: CJK has none
        "input": wb.add_format({"num_format": "yyyy-mm-dd", "bg_color": "#FFF2CC", "border": 1}),
        "input_text": wb.add_format({"bg_color": "#FFF2CC", "border": 1}),
        **_input_cell_formats(wb),
    }


def _input_cell_formats(wb: Any) -> dict[str, Any]:
    """The input sheets' cells: top-aligned (a wrapped neighbour makes a row tall), ruled, dates
    centred (a date never runs into the 转介编号 beside it), prose wrapped; `column_*` the same
    without the rule, for the whole column (a rule on every row of it would print them all)."""
    looks: dict[str, dict[str, Any]] = {
        "date": {"num_format": "yyyy-mm-dd", "align": "center"},
        "text": {"num_format": "@"},
        "wrap": {"num_format": "@", "text_wrap": True},
        "plain": {},
    }
    formats = {}
    for kind, look in looks.items():
        formats[f"column_{kind}"] = wb.add_format({"valign": "top", **look})
        formats[f"cell_{kind}"] = wb.add_format(
            {"valign": "top", "border": 1, "border_color": CELL_BORDER, **look}
        )
    return formats


def write_branch_workbook(
    path: str | Path,
    branch: str = "",
    month: str = "",
    data: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    settings: Mapping[str, str] | None = None,
    rename: Mapping[str, str] | None = None,
    headers: Mapping[str, Sequence[tuple[str, str]]] | None = None,
    first_sheets: Callable[[Any, dict[str, Any]], None] | None = None,
    last_sheets: Callable[[Any, dict[str, Any]], None] | None = None,
    sheets: Sequence[Sheet] = schema.INPUT_SHEETS,
    keep_backups: int = 0,
    notes: Sequence[str] = (),
    made_from: Sequence[str | Path] = (),
) -> Path:
    """A branch workbook: 说明 (with `notes` at its top) + every input sheet (or those in
    `sheets`), with `data` rows (by schema key) filled in; 清单项目 starts with the default
    checklist (docs/工作簿.md#默认清单). `made_from`: last month's workbook, whose permissions
    bound the new one's.

    Built in memory and saved like every other write (writeback): the folders it names are made,
    a folder that cannot take it is one line, and a file it replaces is never left half-written
    (nor lost, with `keep_backups`)."""
    import io

    import xlsxwriter

    from .writeback import write_bytes

    buffer = io.BytesIO()  # not in_memory: that mode stamps other zip dates than a file gets
    wb = xlsxwriter.Workbook(buffer, {"strings_to_formulas": False, "strings_to_urls": False})
    wb.set_properties({"title": f"{branch} 网点营销管理 {month}".strip(), "created": FIXED_CREATED})
    formats = workbook_formats(wb)
    data = dict(data or {})
    data.setdefault("settings", settings_rows(branch, month, settings or {}))
    data.setdefault("checklist_items", default_checklist())
    if first_sheets:
        first_sheets(wb, formats)
    _add_guide(wb, formats, notes)
    for sheet in sheets:
        name = (rename or {}).get(sheet.key, sheet.name)
        _add_input_sheet(
            wb, sheet, data.get(sheet.key, []), formats, name, (headers or {}).get(sheet.key)
        )
    if last_sheets:
        last_sheets(wb, formats)
    if not first_sheets:
        wb.worksheets()[1].activate()
    wb.close()
    return write_bytes(
        Path(path), buffer.getvalue(), keep_backups=keep_backups, made_from=made_from
    )


def input_sheets(sheets: Sequence[tuple[Sheet, str]]) -> bytes:
    """Just these input sheets, each under the name given, as a workbook of their own (what
    `init --upgrade` transplants into an older workbook): headers, notes, dropdowns, and the
    rows a new workbook starts with (设置's items, the default checklist)."""
    import io

    import xlsxwriter

    buffer = io.BytesIO()
    options = {"strings_to_formulas": False, "strings_to_urls": False, "in_memory": True}
    wb = xlsxwriter.Workbook(buffer, options)
    wb.set_properties({"created": FIXED_CREATED})
    formats = workbook_formats(wb)
    data = {"settings": settings_rows("", "", {}), "checklist_items": default_checklist()}
    for sheet, name in sheets:
        _add_input_sheet(wb, sheet, data.get(sheet.key, []), formats, name)
    wb.close()
    return buffer.getvalue()


def build_templates(folder: str | Path) -> list[Path]:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return [write_branch_workbook(folder / TEMPLATE_NAME)]


if __name__ == "__main__":
    for built in build_templates(sys.argv[1] if len(sys.argv) > 1 else "templates/xlsx"):
        print(built)
