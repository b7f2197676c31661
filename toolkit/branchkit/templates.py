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
from .render.lines import print_width
from .schema import Column, Kind, Sheet
from .settings import SETTING_ITEMS

VALIDATED_ROWS = 2000  # dropdowns and formats reach this far below the header
INPUT_SIZE = 11.0  # points: the input sheets' type (the workbook's default font)
GUIDE_WIDTHS = (14, 20, 8, 56)  # 说明: sheet, column, required, description — a portrait page
TEMPLATE_NAME = "网点营销管理.xlsx"
HEADER_COLOR = "#1F4E79"
REQUIRED_COLOR = "#C00000"

# XlsxWriter stamps the creation time into docProps/core.xml; fix it so a rebuild is byte-identical.
FIXED_CREATED = dt.datetime(2026, 1, 1)


def _settings_rows(branch: str, month: str, overrides: Mapping[str, str]) -> list[list[Any]]:
    values = {"branch": branch, "month": month, **overrides}
    return [[item.label, values.get(item.key, item.shown), item.help] for item in SETTING_ITEMS]


def _validation(col: Column) -> dict[str, Any] | None:
    if col.choices_from:
        sheet_key, col_key = col.choices_from.split(".")
        sheet = schema.SHEETS_BY_KEY[sheet_key]
        letter = column_letter(sheet.columns.index(sheet.column(col_key)) + 1)
        source = f"='{sheet.name}'!${letter}$2:${letter}${VALIDATED_ROWS}"
        return {"validate": "list", "source": source, "error_type": "warning"}
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


def _write_value(ws: Any, row: int, col: int, value: Any, fmt: Any, date_fmt: Any) -> None:
    """Typed writes only: text from anywhere is never turned into a formula."""
    if value is None or value == "":
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
    for samples whose columns are reordered or spelled another way; `rows` follow that order."""
    ws = wb.add_worksheet(name)
    ws.freeze_panes(1, 0)
    last_row = max(VALIDATED_ROWS, len(rows) + 1)
    columns = (
        [(sheet.column(key), text) for key, text in headers]
        if headers
        else [(col, col.header) for col in sheet.columns]
    )
    widths = [col.width for col, _ in columns]
    ws.set_row(0, _header_height(list(zip(widths, (text for _, text in columns), strict=True))))
    print_setup(ws, widths, repeat_header=True)
    for i, (col, text) in enumerate(columns):
        ws.write_string(0, i, text, formats["required" if col.required else "header"])
        col_format = {
            Kind.DATE: formats["date"],
            Kind.PHONE: formats["text"],
            Kind.ID_NUMBER: formats["text"],
        }
        ws.set_column(i, i, col.width, col_format.get(col.kind))
        if col.help:
            ws.write_comment(0, i, col.help, {"author": "branchkit", "x_scale": 1.5})
        rule = _validation(col)
        if rule:
            ws.data_validation(1, i, last_row - 1, i, rule)
    date_cols = {i for i, (c, _) in enumerate(columns) if c.kind is Kind.DATE}
    for r, values in enumerate(rows, start=1):
        for c, value in enumerate(values):
            fmt = (
                formats["date"]
                if c in date_cols
                else formats["text"]
                if isinstance(value, str)
                else None
            )
            _write_value(ws, r, c, value, fmt, formats["date"])
    ws.autofilter(0, 0, max(len(rows), 1), len(columns) - 1)


def _add_guide(wb: Any, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet("说明")
    top = wb.add_format({"valign": "top"})
    bold_top = wb.add_format({"bold": True, "valign": "top"})
    for c, width in enumerate(GUIDE_WIDTHS):
        ws.set_column(c, c, width, top)
    print_setup(ws, GUIDE_WIDTHS, repeat_header=False)
    ws.repeat_rows(4)  # the 工作表 / 列名 / 必填 / 说明 header
    ws.write_string(0, 0, "branchkit 网点营销管理工作簿", formats["title"])
    ws.set_row(0, 21)
    intro = (
        f"员工在各输入表里填写；{'、'.join(schema.GENERATED_SHEETS)}由 branchkit 自动生成，请勿手改。",
        "红色列名为必填项。日期写成 2026-11-20、2026.11.20 或 11月20日 都可以；金额写 20、20万、5000元 都可以。",
    )
    for row, text in enumerate(intro, start=1):  # merged across the page, so it wraps there
        ws.merge_range(row, 0, row, len(GUIDE_WIDTHS) - 1, text, formats["wrap"])
        ws.set_row(row, _wrapped_height(text, page.columns_px(GUIDE_WIDTHS)))
    row = 4
    described_px = page.column_px(GUIDE_WIDTHS[3])
    ws.write_row(row, 0, ["工作表", "列名", "必填", "说明"], formats["header"])
    row += 1
    # A wrapped cell's row is sized here: not every program grows it when opening the file.
    for sheet in schema.INPUT_SHEETS:
        if sheet.help:
            ws.write_string(row, 0, sheet.name, bold_top)
            ws.write_string(row, 3, sheet.help, formats["wrap"])
            ws.set_row(row, _wrapped_height(sheet.help, described_px))
            row += 1
        for col in sheet.columns:
            ws.write_string(row, 0, sheet.name, top)
            ws.write_string(row, 1, col.header, top)
            ws.write_string(row, 2, "是" if col.required else "", top)
            ws.write_string(row, 3, describe_column(col), formats["wrap"])
            ws.set_row(row, _wrapped_height(describe_column(col), described_px))
            row += 1
    row += 1
    ws.write_string(row, 0, "口径说明（各项数字怎么算）", formats["bold"])
    row += 1
    notes_px = page.columns_px(GUIDE_WIDTHS[1:])
    for name, note in FIGURE_NOTES:
        ws.write_string(row, 0, name, bold_top)
        ws.merge_range(row, 1, row, 3, note, formats["wrap"])
        ws.set_row(row, _wrapped_height(note, notes_px))
        row += 1
    ws.freeze_panes(5, 0)


def print_setup(ws: Any, widths: Sequence[float], repeat_header: bool) -> None:
    """An input sheet on paper: A4, portrait unless that would print it smaller than 90 %, one
    page wide, the header row on every page, gridlines printed (the rows have no borders), the
    sheet's name and the page in the footer."""
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


def _header_height(columns: Sequence[tuple[float, str]]) -> float:
    """Header texts wrap in their column (是否现场推荐 in a column 8 wide takes two lines)."""
    return max(_wrapped_height(text, page.column_px(width)) for width, text in columns)


def _wrapped_height(text: str, width_px: float) -> float:
    """Row height (points) for `text` wrapped in `width_px`, in the input sheets' 11-point type
    (bold headers included), measured as the narrowest program lays it out."""
    per_unit = INPUT_SIZE / 2 * page.PX_PER_PT * 1.05
    lines = max(1, math.ceil(print_width(text) * per_unit / (width_px - 6)))
    return max(15.0, lines * page.line_height(INPUT_SIZE) + 1.5)


def default_checklist() -> list[list[Any]]:
    """清单项目 of a new workbook: the default list of SPEC §2b, in the schema's column order."""
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
    if col.help:
        parts.append(col.help)
    return "；".join(parts)


def workbook_formats(wb: Any) -> dict[str, Any]:
    """The cell formats every branchkit-made sheet draws from, registered on an XlsxWriter book."""
    # Header texts wrap, centred, in rows as tall as they need (_header_height).
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
    }


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
) -> Path:
    """A branch workbook: 说明 + every input sheet (or those in `sheets`), with `data` rows (by
    schema key) filled in; 清单项目 starts with the default checklist (SPEC §2b).

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
    data.setdefault("settings", _settings_rows(branch, month, settings or {}))
    data.setdefault("checklist_items", default_checklist())
    if first_sheets:
        first_sheets(wb, formats)
    _add_guide(wb, formats)
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
    return write_bytes(Path(path), buffer.getvalue(), keep_backups=keep_backups)


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
    data = {"settings": _settings_rows("", "", {}), "checklist_items": default_checklist()}
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
