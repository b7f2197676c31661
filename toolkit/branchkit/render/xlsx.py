"""SheetSpec -> a worksheet: the cells by sheetxml, what is around them by XlsxWriter (the
weekly workbook, the rollup's) or by sheetparts with XlsxWriter's bytes (the transplanted tabs).

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
from typing import Any, get_args

from ..outputs import PROPERTY
from ..package import rewrite_entries
from . import page
from .grid import (
    BASE_SIZE,
    TEXT_SIZES,
    Grid,
    Placed,
    PlacedChart,
    cell_style,
    layout,
    styled,
    text_size,
)
from .marks import DATA_BAR, FLAG_COLORS, OVERDUE_COLORS, status_colors
from .sheetparts import Colors, chart_label, chart_number, conditional_rules, dimension
from .spec import Fmt, SheetSpec

NUM_FORMATS = {
    "int": "0",
    "amount": "#,##0.00",
    "number": "0.00",
    "pct": "0.0%",
    "pct_bar": "0.0%",
    "date": "yyyy-mm-dd",
    "rank": "0",
}
FONT = "等线"  # Excel's default CJK UI font; LibreOffice falls back to a CJK font it has


# Every kind of table cell but "qty" (a column of mixed counts and amounts, styled per value)
CELL_KINDS = tuple(kind for kind in get_args(Fmt) if kind != "qty")
SIZED_CELLS = ("text", "wrap", "status", "figure")  # an agenda's tables, in its smaller type


def _cell_props(name: str) -> dict[str, Any]:
    return {
        "font_name": FONT,
        "font_size": BASE_SIZE,
        "valign": "vcenter",
        "border": 1,
        "border_color": "#D9D9D9",
        "num_format": NUM_FORMATS.get(
            name, "@" if name in ("text", "wrap", "figure", "flag") else "General"
        ),
        **({"align": "center"} if name in ("status", "rank", "date") else {}),
        **({"align": "right"} if name == "figure" else {}),
        **({"text_wrap": True} if name == "wrap" else {}),
    }


HEADER = {
    "font_name": FONT,
    "font_size": BASE_SIZE,
    "valign": "vcenter",
    "bold": True,
    "font_color": "white",
    "bg_color": "#1F4E79",
    "border": 1,
    "border_color": "#BFBFBF",
    "text_wrap": True,
    "align": "center",
}


def tab_colors() -> Colors:
    """The colours of the tabs' conditional formats (render/marks.py)."""
    return Colors(dict(status_colors()), FLAG_COLORS, OVERDUE_COLORS)


class Formats:
    """The handful of cell formats the tabs use, created once per workbook."""

    def __init__(self, wb: Any) -> None:
        base = {"font_name": FONT, "font_size": BASE_SIZE, "valign": "vcenter"}
        self.wb = wb
        self.title = wb.add_format({**base, "bold": True, "font_size": 15, "font_color": "#1F4E79"})
        self.caption = wb.add_format(
            {**base, "bold": True, "font_size": 11, "font_color": "#1F4E79"}
        )
        self.header = wb.add_format(HEADER)
        self.cell = {name: wb.add_format(_cell_props(name)) for name in CELL_KINDS}
        # A one-page sheet's tables in its smaller type (grid.cell_style): their headers and the
        # kinds of cell an agenda's tables hold.
        small = [size for size in TEXT_SIZES if size < BASE_SIZE]
        for size in small:
            for name in SIZED_CELLS:
                self.cell[f"{name}@{size:g}"] = wb.add_format(
                    {**_cell_props(name), "font_size": size}
                )
        self.sized_headers = {
            styled("header", size): wb.add_format({**HEADER, "font_size": size}) for size in small
        }
        # Text lines are broken into rows by the grid, one line each: no wrapping here.
        self.styles = {
            styled(style, size): wb.add_format(_text_format(style, size))
            for size in (None, *TEXT_SIZES)
            for style in TEXT_STYLES
        }
        # The conditional formats' colours, one format each (XlsxWriter numbers them by colour)
        self.colors = tab_colors()
        shown = [*self.colors.status.values(), self.colors.flag, self.colors.overdue]
        self.dxfs = {
            pair: wb.add_format({"bg_color": pair[0], "font_color": pair[1]})
            for pair in dict.fromkeys(shown)
        }

    def by_style(self) -> dict[str, Any]:
        """Grid cell style -> Format."""
        named = {"title": self.title, "caption": self.caption, "header": self.header}
        cells = {f"cell:{k}": v for k, v in self.cell.items()}
        return named | self.sized_headers | self.styles | cells

    def xf_indexes(self) -> dict[str, int]:
        """Registers every cell format with the workbook and returns its xf index, so cells written
        outside XlsxWriter (sheetxml) can point at it."""
        return {style: fmt._get_xf_index() for style, fmt in self.by_style().items()}


TEXT_STYLES = ("subtitle", "h1", "h2", "body", "strong", "note")


def _text_format(style: str, size: float | None) -> dict[str, Any]:
    """A text style at a body size (None: the tabs' own, with 12-point h1 headings)."""
    points = text_size(style, size) if size else (12.0 if style == "h1" else BASE_SIZE)
    base: dict[str, Any] = {"font_name": FONT, "font_size": points, "valign": "vcenter"}
    looks: dict[str, dict[str, Any]] = {
        # CJK has no italic: a slanted 汉字 is a distortion, so notes are set apart by colour.
        "subtitle": {"font_color": "#7F7F7F"},
        "h1": {"bold": True, "font_color": "white", "bg_color": "#1F4E79"},
        "h2": {"bold": True, "font_color": "#1F4E79", "bottom": 1, "bottom_color": "#9BC2E6"},
        "body": {},
        "strong": {"bold": True},
        "note": {"font_color": "#7F7F7F"},
    }
    return base | looks[style]


def _conditional_formats(ws: Any, f: Formats, placed: Placed) -> None:
    if placed.last_row < placed.first_row:
        return
    first, last = placed.first_row, placed.last_row
    for c, kind, value, shown in conditional_rules(placed, f.colors):
        if kind == "cellIs":
            options = {"type": "cell", "criteria": "==", "value": value, "format": f.dxfs[shown]}
        elif kind == "notContainsBlanks":
            options = {"type": "no_blanks", "format": f.dxfs[shown]}
        elif kind == "beginsWith":
            options = {
                "type": "text",
                "criteria": "begins with",
                "value": value,
                "format": f.dxfs[shown],
            }
        else:
            options = {
                "type": "data_bar",
                "bar_color": DATA_BAR,
                "bar_solid": True,
                "min_type": "num",
                "min_value": 0,
                "max_type": "num",
                "max_value": 1,
            }
        ws.conditional_format(first, c, last, c, options)


def add_sheet(wb: Any, f: Formats, grid: Grid) -> Grid:
    """Everything of the sheet but its cells (widths, merges, conditional formats, charts, print
    setup); `build` writes the cells themselves as <sheetData>."""
    spec = grid.spec
    ws = wb.add_worksheet(spec.name)
    _plain_formulas(ws)
    ws.hide_gridlines(2)
    ws.set_default_row(page.DEFAULT_ROW)
    for c, width in grid.widths.items():
        ws.set_column(c, c, width)
    # Merged ranges in row order: XlsxWriter's constant-memory mode drops a row behind it.
    styles = f.by_style()
    merges = [(c.row, c.col, c.span, styles[c.style]) for c in grid.cells if c.span > 1]
    for placed in grid.tables:  # a column merged over several of the sheet's columns
        for c, span in placed.spans.items():
            fmt = styles.get(cell_style(placed.columns[c].fmt, grid.size), f.cell["text"])
            at = placed.col(c)
            merges += [(r, at, span, fmt) for r in range(placed.first_row, placed.last_row + 1)]
    for row, col, span, fmt in sorted(merges, key=lambda m: (m[0], m[1])):
        ws.merge_range(row, col, row, col + span - 1, "", fmt)
    for placed in grid.tables:
        _conditional_formats(ws, f, placed)
    if grid.freeze_row is not None:
        ws.freeze_panes(grid.freeze_row, 0)
    for placed_chart in grid.charts:
        _chart(wb, ws, spec.name, placed_chart)
    print_setup(ws, grid)
    return grid


def _plain_formulas(ws: Any) -> None:
    """Conditional formats compare with quoted text ('"超出进度"'), which XlsxWriter still runs
    through its function-name expansion: some 150 regular expressions, each compiled on first
    use (about 10 ms of a click). Every name it expands is followed by '(', so a formula without
    one comes out of it only trimmed of its braces and '=', which is what this does for it."""
    prepare = ws._prepare_formula

    def without_functions(formula: str, expand_future_functions: bool = False) -> str:
        if "(" in formula:
            return prepare(formula, expand_future_functions)  # type: ignore[no-any-return]
        if formula.startswith("{"):
            formula = formula[1:]
        if formula.startswith("="):
            formula = formula[1:]
        if formula.endswith("}"):
            formula = formula[:-1]
        return formula

    ws._prepare_formula = without_functions


def print_setup(ws: Any, grid: Grid) -> None:
    """A4, the grid's orientation, one page wide (and one tall for the agenda), the titles on
    every page, page breaks that keep tables and charts whole, the tab's name in the footer."""
    ws.set_paper(9)
    if grid.landscape:
        ws.set_landscape()
    else:
        ws.set_portrait()
    ws.fit_to_pages(1, 1 if grid.one_page else 0)
    ws.set_margins(
        left=page.SIDE_MARGIN,
        right=page.SIDE_MARGIN,
        top=page.ONE_PAGE_END_MARGIN if grid.spec.one_page else page.END_MARGIN,
        bottom=page.ONE_PAGE_END_MARGIN if grid.spec.one_page else page.END_MARGIN,
    )
    ws.center_horizontally()
    if grid.repeat_rows is not None:
        ws.repeat_rows(*grid.repeat_rows)
    if grid.breaks:
        ws.set_h_pagebreaks(grid.breaks)
    ws.set_start_page(1)  # each tab counts its own pages, also when the workbook prints whole
    ws.set_footer(page.FOOTER, {"margin": page.FOOTER_MARGIN})


PALETTE = ("#5B9BD5", "#ED7D31", "#A5A5A5", "#FFC000", "#4472C4", "#70AD47", "#264478", "#9E480E")


def _chart(wb: Any, ws: Any, sheet_name: str, placed_chart: PlacedChart) -> None:
    """One native chart over the rows the grid reserved for it.

    The series carry their values as well as their cell ranges (the chart caches), so a mail
    previewer or any viewer that does not recalculate still draws the bars; data labels say
    whether each part is shown, since programs other than Excel fill in what is left unsaid
    (a label reading "郑强；综合完成率；180.1%")."""
    spec, placed = placed_chart.chart, placed_chart.table
    first, last = placed.first_row, placed.last_row
    rows = placed.rows()
    chart = wb.add_chart({"type": spec.kind})
    _labels_say_only_the_value(chart)
    sheet = sheet_name.replace("'", "''")
    number_format = NUM_FORMATS.get(spec.value_fmt, "General")
    single = len(spec.value_cols) == 1
    label = placed.col(spec.label_col)
    for i, col in enumerate(spec.value_cols):
        color = PALETTE[i % len(PALETTE)]
        series: dict[str, Any] = {
            "name": [sheet, placed.header_row, placed.col(col)],
            "name_data": [placed.columns[col].header],
            "categories": [sheet, first, label, last, label],
            "categories_data": [chart_label(r[spec.label_col]) for r in rows],
            "values": [sheet, first, placed.col(col), last, placed.col(col)],
            "values_data": [chart_number(r[col]) for r in rows],
        }
        if spec.kind == "line":
            series |= {
                "line": {"color": color, "width": 2.25},
                "marker": {
                    "type": "circle",
                    "size": 5,
                    "fill": {"color": color},
                    "border": {"color": color},
                },
            }
        else:
            series["fill"] = {"color": color}
        if single:
            series["data_labels"] = {
                "value": True,
                "num_format": number_format,
                "font": {"name": FONT, "size": 9},
            }
        chart.add_series(series)
    chart.set_title({"name": spec.title, "name_font": {"size": 11, "name": FONT}})
    if single:
        chart.set_legend({"none": True})
    else:
        chart.set_legend({"position": "bottom", "font": {"name": FONT, "size": 9}})
    value_axis: dict[str, Any] = {
        # the axis steps are round numbers: "350", not "350.00"
        "num_format": "General" if spec.value_fmt in ("number", "amount") else number_format,
        "min": 0,
        "num_font": {"name": FONT, "size": 9},
        "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}},
    }
    if spec.axis_title:  # level: a turned "万元" reads sideways, and not every program can stack
        value_axis["name"] = spec.axis_title
        value_axis["name_font"] = {"name": FONT, "size": 9, "bold": False, "rotation": 0}
    category_axis: dict[str, Any] = {"num_font": {"name": FONT, "size": 9}}
    if spec.kind == "bar":  # bars list bottom-up otherwise
        chart.set_y_axis(category_axis | {"reverse": True})
        chart.set_x_axis(value_axis)
    else:
        chart.set_x_axis(category_axis)
        chart.set_y_axis(value_axis)
    chart.show_blanks_as("gap")
    chart.set_size({"width": placed_chart.width, "height": placed_chart.height})
    ws.insert_chart(placed_chart.row, 0, chart, {"x_offset": placed_chart.x, "object_position": 1})


def _labels_say_only_the_value(chart: Any) -> None:
    """XlsxWriter writes only the label parts that are on; LibreOffice and WPS take the missing
    ones as on when the workbook was not saved by Excel. Writing showVal also writes the rest,
    off, in the order the schema wants (CT_DLbls: showLegendKey, showVal, showCatName,
    showSerName, showPercent, showBubbleSize)."""
    write = chart._xml_empty_tag

    def show_value_only() -> None:
        for tag, on in (
            ("c:showLegendKey", 0),
            ("c:showVal", 1),
            ("c:showCatName", 0),
            ("c:showSerName", 0),
            ("c:showPercent", 0),
            ("c:showBubbleSize", 0),
        ):
            write(tag, [("val", on)])

    chart._write_show_val = show_value_only


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


def build_parts(specs: list[SheetSpec], made_for: str = "", standalone: bool = False) -> Built:
    """The tabs as a package for transplant (or `build`), their cells left to `Built.cells` (20
    times faster than XlsxWriter on large tabs).

    What is around the cells is written by sheetparts, the same bytes XlsxWriter writes, for
    what the tabs ask (a click then neither imports nor runs XlsxWriter: a sixth of it); a sheet
    asking for more, and a `standalone` workbook (`build`: its properties, theme, views), by
    XlsxWriter. It works in memory: with no cells of its own to hold, it has nothing to spill to
    temporary files, and writing and re-reading them cost a click more than the rest of
    building the tabs."""
    grids = [layout(spec) for spec in specs]
    if not standalone:
        from . import sheetparts
        from .stylesheet import XF_OF

        direct = sheetparts.package(grids, tab_colors(), FONT, NUM_FORMATS, PALETTE[0])
        if direct is not None:
            return Built(direct[0], {g.spec.name: g for g in grids}, dict(XF_OF))
    target = io.BytesIO()
    wb = _prepare_workbook(target)
    wb.set_properties({"created": dt.datetime(2026, 1, 1)})
    if made_for:  # what the workbook is, for the next run to know it may replace it (outputs)
        wb.set_custom_property(PROPERTY, made_for)
    formats = Formats(wb)
    xf_of = formats.xf_indexes()
    for grid in grids:
        add_sheet(wb, formats, grid)
    wb.close()

    def empty_cells(name: str, data: bytes) -> bytes:
        index = _sheet_index(name)
        if index is None:
            return data
        grid = grids[index]
        xml = _DIMENSION.sub(f'<dimension ref="{dimension(grid)}"/>', data.decode("utf-8"), count=1)
        found = _SHEET_DATA.search(xml)
        if found:
            xml = xml[: found.start()] + "<sheetData/>" + xml[found.end() :]
        return xml.encode("utf-8")

    package = rewrite_entries(target.getvalue(), empty_cells, zipfile.ZIP_STORED)
    return Built(package, {g.spec.name: g for g in grids}, xf_of)


def _prepare_workbook(target: io.BytesIO) -> Any:
    """An XlsxWriter workbook in memory that takes text as text (never a formula, a link or a
    number)."""
    import xlsxwriter

    return xlsxwriter.Workbook(
        target,
        {
            "in_memory": True,
            "strings_to_formulas": False,
            "strings_to_urls": False,
            "strings_to_numbers": False,
        },
    )


def build(specs: list[SheetSpec], made_for: str = "") -> bytes:
    """A standalone workbook of these sheets (the weekly workbook, pictures, tests); `made_for`
    names its purpose in a document property (outputs.Output)."""
    built = build_parts(specs, made_for, standalone=True)
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


def make_stylesheet() -> str:
    """render/stylesheet.py's text: styles.xml around its <dxfs>, and each cell style's xf
    index, as XlsxWriter writes them for Formats. `make templates` (python -m
    branchkit.render.xlsx) writes the file again when Formats or XlsxWriter change (a test says
    when)."""
    target = io.BytesIO()
    wb = _prepare_workbook(target)
    xf_of = Formats(wb).xf_indexes()
    wb.add_worksheet("样式")
    wb.close()
    with zipfile.ZipFile(target) as zipped:
        styles = zipped.read("xl/styles.xml").decode("utf-8")
    head, tail = styles.split('<dxfs count="0"/>')
    return (
        '"""styles.xml of the generated tabs around its <dxfs>, and the xf index of each cell\n'
        "style, as XlsxWriter writes them for render/xlsx.py's Formats.\n"
        'Made by `python -m branchkit.render.xlsx`: do not edit."""\n\n'
        f"HEAD = {head!r}\nTAIL = {tail!r}\nXF_OF = {dict(sorted(xf_of.items()))!r}\n"
    )


if __name__ == "__main__":
    from pathlib import Path

    Path(__file__).with_name("stylesheet.py").write_text(make_stylesheet(), encoding="utf-8")
