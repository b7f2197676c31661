"""SheetSpec -> an XlsxWriter worksheet. Used for the transplanted tabs and the weekly workbook.

Every value goes through a typed write: text from input (a customer called '=HYPERLINK(...)')
stays text, never a formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..package import rewrite_entries
from .grid import Grid, Placed, layout
from .spec import Chart, SheetSpec

NUM_FORMATS = {
    "int": "0",
    "amount": "#,##0.00",
    "number": "0.00",
    "pct": "0.0%",
    "pct_bar": "0.0%",
    "date": "yyyy-mm-dd",
    "rank": "0",
}
STATUS_COLORS = {
    "超出进度": ("#C6EFCE", "#006100"),
    "正常进度": ("#DDEBF7", "#1F4E79"),
    "低于进度": ("#FFC7CE", "#9C0006"),
}
FONT = "等线"  # Excel's default CJK UI font; LibreOffice falls back to a CJK font it has


class Formats:
    """The handful of cell formats the tabs use, created once per workbook."""

    def __init__(self, wb: Any) -> None:
        base = {"font_name": FONT, "font_size": 10, "valign": "vcenter"}
        self.wb = wb
        self.title = wb.add_format({**base, "bold": True, "font_size": 15, "font_color": "#1F4E79"})
        self.subtitle = wb.add_format({**base, "font_color": "#7F7F7F", "italic": True})
        self.caption = wb.add_format(
            {**base, "bold": True, "font_size": 11, "font_color": "#1F4E79"}
        )
        self.header = wb.add_format(
            {
                **base,
                "bold": True,
                "font_color": "white",
                "bg_color": "#1F4E79",
                "border": 1,
                "border_color": "#BFBFBF",
                "text_wrap": True,
                "align": "center",
            }
        )
        self.cell = {
            name: wb.add_format(
                {
                    **base,
                    "border": 1,
                    "border_color": "#D9D9D9",
                    "num_format": NUM_FORMATS.get(name, "@" if name == "text" else "General"),
                    **({"align": "center"} if name in ("status", "rank", "date") else {}),
                }
            )
            for name in (
                "text",
                "int",
                "amount",
                "number",
                "pct",
                "pct_bar",
                "date",
                "status",
                "rank",
            )
        }
        self.styles = {
            "h1": wb.add_format(
                {
                    **base,
                    "bold": True,
                    "font_size": 12,
                    "font_color": "white",
                    "bg_color": "#1F4E79",
                }
            ),
            "h2": wb.add_format(
                {
                    **base,
                    "bold": True,
                    "font_size": 10,
                    "font_color": "#1F4E79",
                    "bottom": 1,
                    "bottom_color": "#9BC2E6",
                }
            ),
            "body": wb.add_format({**base, "text_wrap": True, "valign": "top"}),
            "strong": wb.add_format({**base, "bold": True, "text_wrap": True, "valign": "top"}),
            "note": wb.add_format(
                {**base, "font_color": "#7F7F7F", "italic": True, "text_wrap": True}
            ),
        }
        self.status = {
            k: wb.add_format({"bg_color": bg, "font_color": fg})
            for k, (bg, fg) in STATUS_COLORS.items()
        }

    def by_style(self) -> dict[str, Any]:
        """Grid cell style -> Format."""
        named = {
            "title": self.title,
            "subtitle": self.subtitle,
            "caption": self.caption,
            "header": self.header,
        }
        return named | self.styles | {f"cell:{k}": v for k, v in self.cell.items()}

    def xf_indexes(self) -> dict[str, int]:
        """Registers every cell format with the workbook and returns its xf index, so cells written
        outside XlsxWriter (sheetxml) can point at it."""
        return {style: fmt._get_xf_index() for style, fmt in self.by_style().items()}


def _conditional_formats(ws: Any, f: Formats, placed: Placed) -> None:
    if placed.last_row < placed.first_row:
        return
    first, last = placed.first_row, placed.last_row
    for c, col in enumerate(placed.columns):
        if col.fmt == "status":
            for state, fmt in f.status.items():
                ws.conditional_format(
                    first,
                    c,
                    last,
                    c,
                    {"type": "cell", "criteria": "==", "value": f'"{state}"', "format": fmt},
                )
        elif col.fmt == "pct_bar":
            ws.conditional_format(
                first,
                c,
                last,
                c,
                {
                    "type": "data_bar",
                    "bar_color": "#5B9BD5",
                    "bar_solid": True,
                    "min_type": "num",
                    "min_value": 0,
                    "max_type": "num",
                    "max_value": 1,
                },
            )


def add_sheet(wb: Any, f: Formats, spec: SheetSpec) -> Grid:
    """Everything of the sheet but its cells (widths, merges, conditional formats, charts, print
    setup); `build` writes the cells themselves as <sheetData>."""
    grid = layout(spec)
    ws = wb.add_worksheet(spec.name)
    ws.hide_gridlines(2)
    for c, width in grid.widths.items():
        ws.set_column(c, c, width)
    for cell in grid.cells:
        if cell.span > 1:
            ws.merge_range(
                cell.row, cell.col, cell.row, cell.col + cell.span - 1, "", f.by_style()[cell.style]
            )
    for placed in grid.tables:
        _conditional_formats(ws, f, placed)
    if grid.freeze_row is not None:
        ws.freeze_panes(grid.freeze_row, 0)
    ws.repeat_rows(0, grid.repeat_through)
    anchor_row = None
    for chart in spec.charts:
        placed = grid.tables[chart.table]
        if placed.table.rows:
            anchor_row = _chart(wb, ws, spec, chart, placed, len(grid.widths), anchor_row)
    ws.set_paper(9)  # A4
    if spec.landscape:
        ws.set_landscape()
    ws.fit_to_pages(1, 1 if spec.one_page else 0)
    ws.set_margins(left=0.4, right=0.4, top=0.5, bottom=0.5)
    ws.set_footer("&C第 &P 页 / 共 &N 页")
    return grid


def _chart(
    wb: Any,
    ws: Any,
    spec: SheetSpec,
    chart_spec: Chart,
    placed: Placed,
    ncols: int,
    below: int | None,
) -> int:
    """Draws a chart right of the tables (stacked under the previous one); returns its last row."""
    first, last = placed.first_row, placed.last_row
    chart = wb.add_chart({"type": chart_spec.kind})
    sheet = spec.name.replace("'", "''")
    palette = (
        "#5B9BD5",
        "#ED7D31",
        "#A5A5A5",
        "#FFC000",
        "#4472C4",
        "#70AD47",
        "#264478",
        "#9E480E",
    )
    for i, col in enumerate(chart_spec.value_cols):
        color = palette[i % len(palette)]
        series: dict[str, Any] = {
            "name": [sheet, placed.header_row, col],
            "categories": [sheet, first, chart_spec.label_col, last, chart_spec.label_col],
            "values": [sheet, first, col, last, col],
        }
        if chart_spec.kind == "line":
            series |= {
                "line": {"color": color, "width": 2},
                "marker": {"type": "circle", "size": 5},
            }
        else:
            series["fill"] = {"color": color}
        if len(chart_spec.value_cols) == 1 and chart_spec.kind == "bar":
            series["data_labels"] = {
                "value": True,
                "num_format": NUM_FORMATS.get(chart_spec.value_fmt, "General"),
            }
        chart.add_series(series)
    chart.set_title({"name": chart_spec.title, "name_font": {"size": 11, "name": FONT}})
    if len(chart_spec.value_cols) == 1:
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom", "font": {"name": FONT}})
    number_format = NUM_FORMATS.get(chart_spec.value_fmt, "General")
    if chart_spec.kind == "bar":
        chart.set_y_axis(
            {"reverse": True, "num_font": {"name": FONT}}
        )  # bar charts list bottom-up otherwise
        chart.set_x_axis({"num_format": number_format, "min": 0})
    else:
        chart.set_x_axis({"num_font": {"name": FONT}})
        chart.set_y_axis({"num_format": number_format, "min": 0})
    height = max(280, 22 * (last - first + 1) + 80) if chart_spec.kind == "bar" else 300
    chart.set_size({"width": 520, "height": height})
    row = placed.header_row if below is None else below + 1
    ws.insert_chart(row, ncols + 1, chart, {"x_offset": 10})
    return row + int(height / 20) + 1


_SHEET_DATA = re.compile(r"<sheetData/>|<sheetData>.*?</sheetData>", re.S)
_DIMENSION = re.compile(r'<dimension ref="[^"]*"/>')


@dataclass
class Built:
    """The generated sheets as a package whose <sheetData> is still empty, and what fills it.

    Cells are written last, by `cells(name, xf_map)`, once the style indexes they will point at
    are known: for a standalone workbook its own, for a transplant the staff workbook's."""

    package: bytes
    grids: dict[str, Grid]
    xf_of: dict[str, int]

    def cells(self, name: str, xf_map: Mapping[int, int] | None = None) -> bytes:
        from .sheetxml import sheet_data

        xf_of = (
            self.xf_of if xf_map is None else {k: xf_map.get(v, 0) for k, v in self.xf_of.items()}
        )
        return sheet_data(self.grids[name], xf_of)


def build_parts(specs: list[SheetSpec]) -> Built:
    """XlsxWriter writes the package, formats, merges, conditional formats and charts; the cells
    are left to `Built.cells` (20 times faster than XlsxWriter on large tabs). It works in
    memory: with no cells of its own to hold, it has nothing to spill to temporary files, and
    writing and re-reading them cost a click more than the rest of building the tabs."""
    import xlsxwriter

    target = io.BytesIO()
    wb = xlsxwriter.Workbook(
        target,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    formats = Formats(wb)
    xf_of = formats.xf_indexes()
    grids = [add_sheet(wb, formats, spec) for spec in specs]
    wb.close()

    def empty_cells(name: str, data: bytes) -> bytes:
        index = _sheet_index(name)
        if index is None:
            return data
        grid = grids[index]
        xml = _DIMENSION.sub(
            f'<dimension ref="{grid_dimension(grid)}"/>', data.decode("utf-8"), count=1
        )
        found = _SHEET_DATA.search(xml)
        if found:
            xml = xml[: found.start()] + "<sheetData/>" + xml[found.end() :]
        return xml.encode("utf-8")

    package = rewrite_entries(target.getvalue(), empty_cells, zipfile.ZIP_STORED)
    return Built(package, {g.spec.name: g for g in grids}, xf_of)


def grid_dimension(grid: Grid) -> str:
    from ..a1 import column_letter

    last = f"{column_letter(max(grid.n_cols, 1))}{max(grid.n_rows, 1)}"
    return "A1" if last == "A1" else f"A1:{last}"


def build(specs: list[SheetSpec]) -> bytes:
    """A standalone workbook of these sheets (the weekly workbook, pictures, tests)."""
    built = build_parts(specs)
    names = list(built.grids)

    def fill_cells(name: str, data: bytes) -> bytes:
        index = _sheet_index(name)
        if index is None:
            return data
        return data.replace(b"<sheetData/>", built.cells(names[index]), 1)

    return rewrite_entries(built.package, fill_cells)


def _sheet_index(part: str) -> int | None:
    """XlsxWriter names the n-th sheet's part sheetn.xml."""
    match = re.fullmatch(r"xl/worksheets/sheet(\d+)\.xml", part)
    return int(match.group(1)) - 1 if match else None
