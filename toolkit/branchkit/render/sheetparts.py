"""The generated tabs' package written directly, the bytes XlsxWriter writes for them.

A click imported XlsxWriter and ran it only for what is around the cells (widths, merges,
conditional formats, frozen panes, print setup, the bar charts): about a sixth of a refresh,
more than the figures. For what the tabs ask this writes the same bytes itself — every part
transplant copies into a workbook, compared with XlsxWriter's by tests/test_sheetparts.py — and
styles.xml from stylesheet.py, which XlsxWriter made from xlsx.Formats. A sheet asking for more
(another kind of chart, a name a reference must quote) is left to XlsxWriter whole, as is a
standalone workbook (xlsx.build).
"""

from __future__ import annotations

import datetime as dt
import io
import itertools
import math
import re
import zipfile
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..a1 import column_letter
from . import page
from .grid import Grid, Placed
from .marks import DATA_BAR, OVERDUE

XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELATIONSHIPS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_X14 = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/main"
_X14AC = "http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac"
_XM = "http://schemas.microsoft.com/office/excel/2006/main"
MAX_DIGIT_WIDTH, CELL_PADDING = 7, 5  # XlsxWriter's column width units (Calibri 11)
ROW_PX = int(page.DEFAULT_ROW * 4.0 / 3.0 + 0.5)  # the tabs' default row, as XlsxWriter rounds it


def _rgb(color: str) -> str:
    """#9DC3E6 -> FF9DC3E6, a colour as XlsxWriter writes it."""
    return f"FF{color.lstrip('#').upper()}"


def cell(row: int, col: int) -> str:
    return f"{column_letter(col + 1)}{row + 1}"


def cell_range(first_row: int, first_col: int, last_row: int, last_col: int) -> str:
    start, end = cell(first_row, first_col), cell(last_row, last_col)
    return start if start == end else f"{start}:{end}"


_LITERAL_ESCAPE = re.compile("(_x[0-9a-fA-F]{4}_)")
_CONTROL = re.compile(r"([\x00-\x08\x0b-\x1f])")


def escape(text: str) -> str:
    """Element text as XlsxWriter escapes it: &, < and >, then a control character as _xHHHH_
    (and a literal _xHHHH_ given its own escape), U+FFFE and U+FFFF likewise."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = _LITERAL_ESCAPE.sub(r"_x005F\1", text)
    text = _CONTROL.sub(lambda m: f"_x{ord(m.group(1)):04X}_", text)
    return text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")


def escape_attribute(text: str) -> str:
    """An attribute's value as XlsxWriter escapes it."""
    text = text.replace("&", "&amp;").replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\n", "&#xA;")


@dataclass
class Rule:
    """One conditional format: its kind, the dxf it shows (a key of the workbook's dxfs) and
    its priority in the sheet."""

    kind: str  # cellIs, notContainsBlanks, beginsWith, dataBar
    first_cell: str
    priority: int
    dxf: tuple[str, str] | None = None  # (background, text)
    value: str = ""


@dataclass
class Dxfs:
    """The differential formats in the order the workbook first uses them (XlsxWriter numbers
    them so, and styles.xml lists them so)."""

    order: list[tuple[str, str]] = field(default_factory=list)

    def index(self, key: tuple[str, str]) -> int:
        if key not in self.order:
            self.order.append(key)
        return self.order.index(key)


def _pixels(width: float) -> int:
    if width < 1.0:
        return int(width * (MAX_DIGIT_WIDTH + CELL_PADDING) + 0.5)
    return int(width * MAX_DIGIT_WIDTH + 0.5) + CELL_PADDING


def column_width(width: float) -> str:
    """A width in characters as XlsxWriter writes it: to pixels, then to Excel's units."""
    return f"{(_pixels(width) * 256 // MAX_DIGIT_WIDTH) / 256.0:.16g}"


def conditional_rules(
    placed: Placed, colors: Colors
) -> Iterator[tuple[int, str, str, tuple[str, str]]]:
    """(column, kind, value, colours) of a table's conditional formats, in order: a status
    column's states each in its colours (the value its quoted word), a flag column when not
    blank, a follow-up's state beginning with 逾期, a percentage's data bar. Both writers
    (this one, xlsx.py's XlsxWriter calls) take them from here."""
    for n, col in enumerate(placed.columns):
        c = placed.col(n)
        if col.fmt == "status":
            for state, shown in colors.status.items():
                yield c, "cellIs", f'"{state}"', shown
        elif col.fmt == "flag":
            yield c, "notContainsBlanks", "", colors.flag
        elif col.fmt == "due":
            yield c, "beginsWith", OVERDUE, colors.overdue
        elif col.fmt == "pct_bar":
            yield c, "dataBar", "", ("", "")


@dataclass(frozen=True)
class Colors:
    """The conditional formats' colours (render/marks.py): (background, text)."""

    status: Mapping[str, tuple[str, str]]
    flag: tuple[str, str]
    overdue: tuple[str, str]


def sheet_xml(grid: Grid, index: int, colors: Colors, dxfs: Dxfs, used_range: str) -> str:
    """The worksheet part of `grid`, sheet `index` of the workbook (0: the selected one), with an
    empty <sheetData/>, as XlsxWriter writes what xlsx.add_sheet asks of it. A dxf is numbered
    when a rule first uses it, as XlsxWriter numbers them (by their colours)."""
    rules: dict[str, list[Rule]] = {}
    priority = 1
    for placed in grid.tables:
        if placed.last_row < placed.first_row:
            continue
        for col, kind, value, shown in conditional_rules(placed, colors):
            where = cell_range(placed.first_row, col, placed.last_row, col)
            dxf = shown if kind != "dataBar" else None
            if dxf:
                dxfs.index(dxf)
            rule = Rule(kind, cell(placed.first_row, col), priority, dxf, value)
            rules.setdefault(where, []).append(rule)
            priority += 1
    has_bars = any(r.kind == "dataBar" for group in rules.values() for r in group)
    out = [XML_DECLARATION, f'<worksheet xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}"']
    if has_bars:
        out.append(
            ' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
            f' xmlns:x14ac="{_X14AC}" mc:Ignorable="x14ac"'
        )
    out.append('><sheetPr><pageSetUpPr fitToPage="1"/></sheetPr>')
    out.append(f'<dimension ref="{used_range}"/>')
    selected = ' tabSelected="1"' if index == 0 else ""
    freeze = grid.freeze_row
    if freeze is not None:
        out.append(
            f'<sheetViews><sheetView showGridLines="0"{selected} workbookViewId="0">'
            f'<pane ySplit="{freeze}" topLeftCell="{cell(freeze, 0)}" activePane="bottomLeft"'
            ' state="frozen"/><selection pane="bottomLeft"/></sheetView></sheetViews>'
        )
    else:
        out.append(
            f'<sheetViews><sheetView showGridLines="0"{selected} workbookViewId="0"/></sheetViews>'
        )
    dy = ' x14ac:dyDescent="0.25"' if has_bars else ""
    custom = ' customHeight="1"' if ROW_PX != 20 else ""  # 20: Excel's own default
    out.append(f'<sheetFormatPr defaultRowHeight="{ROW_PX * 0.75:.16g}"{custom}{dy}/>')
    out.append(_cols(grid.widths))
    out.append("<sheetData/>")
    merges = _merges(grid)
    if merges:
        out.append(f'<mergeCells count="{len(merges)}">')
        out.extend(f'<mergeCell ref="{m}"/>' for m in merges)
        out.append("</mergeCells>")
    bar_guids: list[tuple[str, str]] = []
    for where, group in rules.items():
        out.append(f'<conditionalFormatting sqref="{where}">')
        for rule in group:
            out.append(_rule_xml(rule, dxfs, index, len(bar_guids) + 1))
            if rule.kind == "dataBar":
                bar_guids.append((where, _guid(index, len(bar_guids) + 1)))
        out.append("</conditionalFormatting>")
    one_page = grid.spec.one_page
    end = page.ONE_PAGE_END_MARGIN if one_page else page.END_MARGIN
    out.append('<printOptions horizontalCentered="1"/>')
    out.append(
        f'<pageMargins left="{page.SIDE_MARGIN}" right="{page.SIDE_MARGIN}" top="{end}"'
        f' bottom="{end}" header="0.3" footer="{page.FOOTER_MARGIN}"/>'
    )
    fit_height = 1 if grid.one_page else 0
    orientation = "landscape" if grid.landscape else "portrait"
    fit = "" if fit_height == 1 else f' fitToHeight="{fit_height}"'
    out.append(
        f'<pageSetup paperSize="9"{fit} orientation="{orientation}" useFirstPageNumber="1"/>'
    )
    out.append(f"<headerFooter><oddFooter>{escape(page.FOOTER)}</oddFooter></headerFooter>")
    breaks = sorted(set(grid.breaks) - {0})[:1023]
    if breaks:
        out.append(f'<rowBreaks count="{len(breaks)}" manualBreakCount="{len(breaks)}">')
        out.extend(f'<brk id="{b}" max="16383" man="1"/>' for b in breaks)
        out.append("</rowBreaks>")
    if grid.charts:  # its drawing, the sheet's first relationship
        out.append('<drawing r:id="rId1"/>')
    if bar_guids:
        out.append(
            f'<extLst><ext xmlns:x14="{_X14}" uri="{{78C0D931-6437-407d-A8EE-F0AAD7539E65}}">'
            "<x14:conditionalFormattings>"
        )
        for where, guid in bar_guids:
            out.append(
                f'<x14:conditionalFormatting xmlns:xm="{_XM}"><x14:cfRule type="dataBar"'
                f' id="{guid}"><x14:dataBar minLength="0" maxLength="100" border="1"'
                ' gradient="0" negativeBarBorderColorSameAsPositive="0"><x14:cfvo type="num">'
                '<xm:f>0</xm:f></x14:cfvo><x14:cfvo type="num"><xm:f>1</xm:f></x14:cfvo>'
                f'<x14:borderColor rgb="{_BAR_RGB}"/><x14:negativeFillColor rgb="FFFF0000"/>'
                '<x14:negativeBorderColor rgb="FFFF0000"/><x14:axisColor rgb="FF000000"/>'
                f"</x14:dataBar></x14:cfRule><xm:sqref>{where}</xm:sqref>"
                "</x14:conditionalFormatting>"
            )
        out.append("</x14:conditionalFormattings></ext></extLst>")
    out.append("</worksheet>")
    return "".join(out)


_BAR_RGB = _rgb(DATA_BAR)


def _guid(sheet: int, bar: int) -> str:
    return f"{{DA7ABA51-AAAA-BBBB-{sheet + 1:04X}-{bar:012X}}}"


def _rule_xml(rule: Rule, dxfs: Dxfs, sheet: int, bar: int) -> str:
    dxf = f' dxfId="{dxfs.index(rule.dxf)}"' if rule.dxf else ""
    head = f'<cfRule type="{rule.kind}"{dxf} priority="{rule.priority}"'
    if rule.kind == "cellIs":
        return f'{head} operator="equal"><formula>{escape(rule.value)}</formula></cfRule>'
    if rule.kind == "notContainsBlanks":
        return f"{head}><formula>LEN(TRIM({rule.first_cell}))&gt;0</formula></cfRule>"
    if rule.kind == "beginsWith":
        length = len(rule.value.encode("utf-16-le")) // 2
        text = rule.value.replace('"', '""')
        formula = escape(f'LEFT({rule.first_cell},{length})="{text}"')
        return (
            f'{head} operator="beginsWith" text="{escape_attribute(rule.value)}">'
            f"<formula>{formula}</formula></cfRule>"
        )
    return (
        f'{head}><dataBar><cfvo type="num" val="0"/><cfvo type="num" val="1"/>'
        f'<color rgb="{_BAR_RGB}"/></dataBar><extLst><ext xmlns:x14="{_X14}"'
        ' uri="{B025F937-C7B1-47D3-B67F-A62EFF666E3E}">'
        f"<x14:id>{_guid(sheet, bar)}</x14:id></ext></extLst></cfRule>"
    )


def _cols(widths: Mapping[int, float]) -> str:
    """<cols>, adjacent columns of one width in one <col> (XlsxWriter's grouping)."""
    if not widths:
        return ""
    out = ["<cols>"]
    columns = sorted(widths)
    start = prev = columns[0]
    for col in [*columns[1:], None]:
        if col is not None and col == prev + 1 and _pixels(widths[col]) == _pixels(widths[prev]):
            prev = col
            continue
        custom = "" if _pixels(widths[start]) == DEFAULT_COLUMN_PX else ' customWidth="1"'
        out.append(
            f'<col min="{start + 1}" max="{prev + 1}" width="{column_width(widths[start])}"'
            f"{custom}/>"
        )
        if col is not None:
            start = prev = col
    out.append("</cols>")
    return "".join(out)


def _merge_spans(grid: Grid) -> list[tuple[int, int, int]]:
    """(row, column, columns) of each merged range, in the order xlsx.add_sheet merges them (by
    row, then column); every one lies in one row."""
    merges = [(c.row, c.col, c.span) for c in grid.cells if c.span > 1]
    for placed in grid.tables:
        for c, span in placed.spans.items():
            at = placed.col(c)
            merges += [(r, at, span) for r in range(placed.first_row, placed.last_row + 1)]
    merges.sort(key=lambda m: (m[0], m[1]))
    return merges


def _merges(grid: Grid) -> list[str]:
    return [cell_range(r, c, r, c + span - 1) for r, c, span in _merge_spans(grid)]


def _overlapping(merges: list[tuple[int, int, int]]) -> bool:
    """Two ranges sharing a cell, which XlsxWriter refuses (Excel would repair the file)."""
    return any(
        row == before[0] and col < before[1] + before[2]
        for before, (row, col, _) in itertools.pairwise(merges)
    )


# ---------------------------------------------------------------- charts and their drawings

_DRAWING = "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing"
_DRAWINGML = "http://schemas.openxmlformats.org/drawingml/2006/main"
_CHART = "http://schemas.openxmlformats.org/drawingml/2006/chart"
DEFAULT_COLUMN_PX = 64  # XlsxWriter's width of a column it was given none for
EMU_PER_PIXEL = 9525


def _column_px(widths: Mapping[int, float], col: int) -> int:
    return _pixels(widths[col]) if col in widths else DEFAULT_COLUMN_PX


def anchor(
    widths: Mapping[int, float], row: int, x: int, width: int, height: int
) -> tuple[int, int, int, int, int, int, int, int]:
    """A chart of `width` × `height` pixels at `x` pixels into row `row`'s first column, as
    XlsxWriter anchors it over the columns' pixel widths and the default row height: (from
    column, row, x and y offsets in EMU, to column, row, x and y offsets in EMU)."""
    col, x1, y1 = 0, max(0, x), 0
    while x1 >= _column_px(widths, col):
        x1 -= _column_px(widths, col)
        col += 1
    col_end, row_end = col, row
    if _column_px(widths, col) > 0:
        width += x1
    height += y1
    while width >= _column_px(widths, col_end):
        width -= _column_px(widths, col_end)
        col_end += 1
    while height >= ROW_PX:
        height -= ROW_PX
        row_end += 1
    emu = [int(0.5 + EMU_PER_PIXEL * v) for v in (x1, y1, width, height)]
    return col, row, emu[0], emu[1], col_end, row_end, emu[2], emu[3]


def drawing_xml(anchors: list[tuple[int, int, int, int, int, int, int, int]]) -> str:
    """A sheet's drawing part: one anchored chart per entry, charts rId1, rId2… of its rels."""
    out = [XML_DECLARATION, f'<xdr:wsDr xmlns:xdr="{_DRAWING}" xmlns:a="{_DRAWINGML}">']
    for n, (c1, r1, x1, y1, c2, r2, x2, y2) in enumerate(anchors, start=1):
        out.append(
            f"<xdr:twoCellAnchor><xdr:from><xdr:col>{c1}</xdr:col><xdr:colOff>{x1}</xdr:colOff>"
            f"<xdr:row>{r1}</xdr:row><xdr:rowOff>{y1}</xdr:rowOff></xdr:from><xdr:to>"
            f"<xdr:col>{c2}</xdr:col><xdr:colOff>{x2}</xdr:colOff><xdr:row>{r2}</xdr:row>"
            f'<xdr:rowOff>{y2}</xdr:rowOff></xdr:to><xdr:graphicFrame macro="">'
            f'<xdr:nvGraphicFramePr><xdr:cNvPr id="{n + 1}" name="Chart {n}"/>'
            "<xdr:cNvGraphicFramePr/></xdr:nvGraphicFramePr><xdr:xfrm>"
            '<a:off x="0" y="0"/><a:ext cx="0" cy="0"/></xdr:xfrm><a:graphic>'
            f'<a:graphicData uri="{_CHART}"><c:chart xmlns:c="{_CHART}"'
            f' xmlns:r="{RELATIONSHIPS}" r:id="rId{n}"/></a:graphicData></a:graphic>'
            "</xdr:graphicFrame><xdr:clientData/></xdr:twoCellAnchor>"
        )
    out.append("</xdr:wsDr>")
    return "".join(out)


def _font(points: int, typeface: str) -> str:
    return f'<a:defRPr sz="{points * 100}" baseline="0"><a:latin typeface="{typeface}"/></a:defRPr>'


def _text_properties(points: int, typeface: str) -> str:
    return (
        f"<c:txPr><a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(points, typeface)}</a:pPr>"
        '<a:endParaRPr lang="en-US"/></a:p></c:txPr>'
    )


def absolute(sheet: str, first_row: int, col: int, last_row: int | None = None) -> str:
    """排行榜!$D$15:$D$24 (a range of one column), or 排行榜!$D$14."""
    letter = column_letter(col + 1)
    ref = f"{sheet}!${letter}${first_row + 1}"
    return ref if last_row is None or last_row == first_row else f"{ref}:${letter}${last_row + 1}"


@dataclass(frozen=True)
class BarChart:
    """What xlsx._chart gives XlsxWriter for a chart of one series of bars, written as it writes
    it: the ranges, the cached header, labels and values, the title and the number format."""

    sheet: str
    title: str
    header_ref: str
    header: str
    label_ref: str
    labels: list[str]
    value_ref: str
    values: list[float | None]
    number_format: str
    axis_format: str
    color: str
    typeface: str


def chart_xml(chart: BarChart, number: int) -> str:
    """The chart part of the workbook's chart `number` (1, 2…; its axis ids follow it)."""
    ids = (f"{5000 + number:04d}0001", f"{5000 + number:04d}0002")
    linked = 1 if chart.axis_format == "General" else 0  # an axis in its default format
    font = chart.typeface
    labels = "".join(
        f'<c:pt idx="{i}"><c:v>{escape(text)}</c:v></c:pt>' for i, text in enumerate(chart.labels)
    )
    values = "".join(
        f'<c:pt idx="{i}"><c:v>{value}</c:v></c:pt>'
        for i, value in enumerate(chart.values)
        if value is not None
    )
    shown = "".join(
        f'<c:{tag} val="{on}"/>'
        for tag, on in (
            ("showLegendKey", 0),
            ("showVal", 1),
            ("showCatName", 0),
            ("showSerName", 0),
            ("showPercent", 0),
            ("showBubbleSize", 0),
        )
    )
    return (
        f'{XML_DECLARATION}<c:chartSpace xmlns:c="{_CHART}" xmlns:a="{_DRAWINGML}"'
        f' xmlns:r="{RELATIONSHIPS}"><c:lang val="en-US"/><c:chart><c:title><c:tx><c:rich>'
        f"<a:bodyPr/><a:lstStyle/><a:p><a:pPr>{_font(11, font)}</a:pPr><a:r>"
        f'<a:rPr lang="en-US" sz="1100" baseline="0"><a:latin typeface="{font}"/></a:rPr>'
        f"<a:t>{escape(chart.title)}</a:t></a:r></a:p></c:rich></c:tx><c:layout/></c:title>"
        '<c:plotArea><c:layout/><c:barChart><c:barDir val="bar"/><c:grouping val="clustered"/>'
        '<c:ser><c:idx val="0"/><c:order val="0"/><c:tx><c:strRef>'
        f'<c:f>{chart.header_ref}</c:f><c:strCache><c:ptCount val="1"/><c:pt idx="0">'
        f"<c:v>{escape(chart.header)}</c:v></c:pt></c:strCache></c:strRef></c:tx>"
        f'<c:spPr><a:solidFill><a:srgbClr val="{chart.color}"/></a:solidFill></c:spPr>'
        f'<c:dLbls><c:numFmt formatCode="{escape_attribute(chart.number_format)}"'
        f' sourceLinked="0"/>{_text_properties(9, font)}{shown}</c:dLbls>'
        f"<c:cat><c:strRef><c:f>{chart.label_ref}</c:f><c:strCache>"
        f'<c:ptCount val="{len(chart.labels)}"/>{labels}</c:strCache></c:strRef></c:cat>'
        f"<c:val><c:numRef><c:f>{chart.value_ref}</c:f><c:numCache>"
        f'<c:formatCode>General</c:formatCode><c:ptCount val="{len(chart.values)}"/>'
        f"{values}</c:numCache></c:numRef></c:val></c:ser>"
        f'<c:axId val="{ids[0]}"/><c:axId val="{ids[1]}"/></c:barChart>'
        f'<c:catAx><c:axId val="{ids[0]}"/><c:scaling><c:orientation val="maxMin"/>'
        f'</c:scaling><c:axPos val="l"/><c:tickLblPos val="nextTo"/>{_text_properties(9, font)}'
        f'<c:crossAx val="{ids[1]}"/><c:crosses val="autoZero"/><c:auto val="1"/>'
        '<c:lblAlgn val="ctr"/><c:lblOffset val="100"/></c:catAx>'
        f'<c:valAx><c:axId val="{ids[1]}"/><c:scaling><c:orientation val="minMax"/>'
        '<c:min val="0"/></c:scaling><c:axPos val="t"/><c:majorGridlines><c:spPr><a:ln>'
        '<a:solidFill><a:srgbClr val="D9D9D9"/></a:solidFill></a:ln></c:spPr>'
        f'</c:majorGridlines><c:numFmt formatCode="{escape_attribute(chart.axis_format)}"'
        f' sourceLinked="{linked}"/><c:tickLblPos val="nextTo"/>{_text_properties(9, font)}'
        f'<c:crossAx val="{ids[0]}"/><c:crosses val="autoZero"/>'
        '<c:crossBetween val="between"/></c:valAx></c:plotArea><c:plotVisOnly val="1"/>'
        "</c:chart><c:printSettings><c:headerFooter/>"
        '<c:pageMargins b="0.75" l="0.7" r="0.7" t="0.75" header="0.3" footer="0.3"/>'
        "<c:pageSetup/></c:printSettings></c:chartSpace>"
    )


# ---------------------------------------------------------------- the package


def _dxf(colors: tuple[str, str]) -> str:
    """A conditional format's differential style: its text and background colours."""
    background, text = map(_rgb, colors)
    return (
        f'<dxf><font><color rgb="{text}"/></font><fill><patternFill>'
        f'<bgColor rgb="{background}"/></patternFill></fill></dxf>'
    )


def styles_xml(dxfs: Dxfs) -> str:
    """styles.xml: the tabs' cell formats (stylesheet.py, made by XlsxWriter from xlsx.Formats)
    and the differential formats the sheets use, in the order they first use them."""
    from .stylesheet import HEAD, TAIL

    if not dxfs.order:
        return f'{HEAD}<dxfs count="0"/>{TAIL}'
    items = "".join(_dxf(key) for key in dxfs.order)
    return f'{HEAD}<dxfs count="{len(dxfs.order)}">{items}</dxfs>{TAIL}'


_PLAIN_NAME = re.compile(r"[^\W\d][\w.]*")  # no quotes needed around it in a reference
_TYPES = "application/vnd.openxmlformats-officedocument"


def _plain(name: str) -> bool:
    """A sheet name XlsxWriter writes unquoted in a reference and that cannot read as a cell
    (no ASCII letter, also once upper-cased: 排行榜, not A1, R1C1 or ﬀ1)."""
    return bool(_PLAIN_NAME.fullmatch(name)) and not any(
        c.isascii() and c.isalpha() for c in name + name.upper()
    )


def package(
    grids: list[Grid], colors: Colors, font: str, number_formats: Mapping[str, str], color: str
) -> tuple[bytes, Dxfs] | None:
    """The generated workbook of these sheets as transplant reads it (sheets with an empty
    <sheetData/>, their drawings and charts, print titles, styles), or None when a sheet asks
    for what only XlsxWriter writes here (a chart other than one series of bars, a name that
    needs quoting)."""
    sheet_names = [g.spec.name for g in grids]
    if not all(_plain(n) and len(n) <= 31 for n in sheet_names):
        return None
    if len({n.casefold() for n in sheet_names}) < len(sheet_names):
        return None  # XlsxWriter says what is wrong
    if any(_overlapping(_merge_spans(g)) for g in grids):
        return None  # XlsxWriter says what is wrong
    for grid in grids:
        for placed_chart in grid.charts:
            chart = placed_chart.chart
            rows = placed_chart.table.rows()
            labels = [chart_label(r[chart.label_col]) for r in rows]
            if chart.kind != "bar" or len(chart.value_cols) != 1 or chart.axis_title:
                return None
            if chart.title.startswith("=") or chart.label_col in chart.value_cols:
                return None  # a formula for a title, labels for values: XlsxWriter's own ways
            if not rows or all(_numeric(text) for text in labels):
                return None  # XlsxWriter writes numeric labels as numbers
    dxfs = Dxfs()
    parts: dict[str, str] = {}
    types = [
        ("/xl/workbook.xml", f"{_TYPES}.spreadsheetml.sheet.main+xml"),
        ("/xl/styles.xml", f"{_TYPES}.spreadsheetml.styles+xml"),
    ]
    sheets, titles, charts = [], [], 0
    for index, grid in enumerate(grids):
        name = grid.spec.name
        part = f"xl/worksheets/sheet{index + 1}.xml"
        xml = sheet_xml(grid, index, colors, dxfs, dimension(grid))
        if grid.charts:
            drawing = len([p for p in parts if p.startswith("xl/drawings/drawing")]) + 1
            parts[f"xl/worksheets/_rels/sheet{index + 1}.xml.rels"] = _rels(
                [("drawing", f"../drawings/drawing{drawing}.xml")]
            )
            anchors, targets = [], []
            for placed_chart in grid.charts:
                charts += 1
                chart, placed = placed_chart.chart, placed_chart.table
                rows = placed.rows()
                value_col = chart.value_cols[0]
                number_format = number_formats.get(chart.value_fmt, "General")
                bar = BarChart(
                    name,
                    chart.title,
                    absolute(name, placed.header_row, placed.col(value_col)),
                    placed.columns[value_col].header,
                    absolute(name, placed.first_row, placed.col(chart.label_col), placed.last_row),
                    [chart_label(r[chart.label_col]) for r in rows],
                    absolute(name, placed.first_row, placed.col(value_col), placed.last_row),
                    [chart_number(r[value_col]) for r in rows],
                    number_format,
                    "General" if chart.value_fmt in ("number", "amount") else number_format,
                    color.lstrip("#").upper(),  # a chart's colours have no alpha
                    font,
                )
                parts[f"xl/charts/chart{charts}.xml"] = chart_xml(bar, charts)
                types.append((f"/xl/charts/chart{charts}.xml", f"{_TYPES}.drawingml.chart+xml"))
                anchors.append(
                    anchor(
                        grid.widths,
                        placed_chart.row,
                        placed_chart.x,
                        placed_chart.width,
                        placed_chart.height,
                    )
                )
                targets.append(("chart", f"../charts/chart{charts}.xml"))
            parts[f"xl/drawings/drawing{drawing}.xml"] = drawing_xml(anchors)
            parts[f"xl/drawings/_rels/drawing{drawing}.xml.rels"] = _rels(targets)
            types.append((f"/xl/drawings/drawing{drawing}.xml", f"{_TYPES}.drawing+xml"))
        parts[part] = xml
        types.append((f"/{part}", f"{_TYPES}.spreadsheetml.worksheet+xml"))
        sheets.append(
            f'<sheet name="{escape_attribute(name)}" sheetId="{index + 1}" r:id="rId{index + 1}"/>'
        )
        if grid.repeat_rows is not None:
            first, last = grid.repeat_rows
            titles.append(
                f'<definedName name="_xlnm.Print_Titles" localSheetId="{index}">'
                f"{escape(name)}!${first + 1}:${last + 1}</definedName>"
            )
    parts["xl/styles.xml"] = styles_xml(dxfs)
    defined = f"<definedNames>{''.join(titles)}</definedNames>" if titles else ""
    parts["xl/workbook.xml"] = (
        f'{XML_DECLARATION}<workbook xmlns="{MAIN}" xmlns:r="{RELATIONSHIPS}">'
        f"<sheets>{''.join(sheets)}</sheets>{defined}</workbook>"
    )
    parts["xl/_rels/workbook.xml.rels"] = _rels(
        [
            *(("worksheet", f"worksheets/sheet{i + 1}.xml") for i in range(len(grids))),
            ("styles", "styles.xml"),
        ]
    )
    parts["_rels/.rels"] = _rels([("officeDocument", "xl/workbook.xml")])
    overrides = "".join(f'<Override PartName="{n}" ContentType="{t}"/>' for n, t in types)
    parts["[Content_Types].xml"] = (
        f'{XML_DECLARATION}<Types xmlns="http://schemas.openxmlformats.org/package/2006/'
        'content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
        f"{overrides}</Types>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_STORED) as zipped:
        for name, text in parts.items():
            zipped.writestr(zipfile.ZipInfo(name, (1980, 1, 1, 0, 0, 0)), text.encode("utf-8"))
    return buffer.getvalue(), dxfs


def dimension(grid: Grid) -> str:
    last = f"{column_letter(max(grid.n_cols, 1))}{max(grid.n_rows, 1)}"
    return "A1" if last == "A1" else f"A1:{last}"


def chart_label(value: Any) -> str:
    """A chart's category: a date as 11-20, nothing as ''."""
    if isinstance(value, dt.date):
        return f"{value:%m-%d}"
    return "" if value is None else str(value)


def chart_number(value: Any) -> float | None:
    """A chart point: a number, or a gap (None) for an empty or non-numeric cell."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return float(value) if math.isfinite(value) else None


def _numeric(text: str) -> bool:
    if "_" in text or " " in text:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True


def _rels(targets: list[tuple[str, str]]) -> str:
    items = "".join(
        f'<Relationship Id="rId{n}" Type="{RELATIONSHIPS}/{kind}" Target="{target}"/>'
        for n, (kind, target) in enumerate(targets, start=1)
    )
    return (
        f'{XML_DECLARATION}<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        f'relationships">{items}</Relationships>'
    )
