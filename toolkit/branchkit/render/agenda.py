"""Agenda -> text (Markdown, HTML, plain) and the 夕会议程 tab, all through Jinja2 templates.

`agenda.lines.j2` (per language) words the 夕会 agenda's numbers and keys as "style|text" lines,
`morning.lines.j2` the 晨会's; a layout per format decides how each style looks. A table is a
"thead|" line and "row|" lines, its cells separated by tabs (the `cells` filter makes them): each
layout draws it as its own kind of table — a Markdown table, aligned columns, an HTML table
that a screen may continue under its header, and on the tab a table of cells. A branch copies the
templates to a folder, edits wording or order, and passes `--template DIR`: its files are looked
up first, the shipped ones fill the gaps.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, is_dataclass, replace
from itertools import accumulate
from pathlib import Path
from typing import TypeVar

from ..agenda import Agenda
from ..controls import BREAKS as _BREAKS
from ..controls import one_line
from ..morning import MorningAgenda
from ..schema import GENERATED_MARK
from ..vocab import MORNING, PACE_LABELS, agenda_sheet_name
from . import page
from .grid import BASE_SIZE, layout, wanted_widths
from .lines import BOLD, print_width
from .spec import Col, Fmt, SheetSpec, Table, Text
from .text import CELL_SEPARATOR, environment
from .text import PACKAGE_TEMPLATES as PACKAGE_TEMPLATES

FORMATS = ("md", "html", "txt")
FORMAT_ALIASES = {"text": "txt", "markdown": "md"}  # what people also call them
STYLES = ("title", "h1", "h2", "body", "strong", "note", "thead", "row")
TABLE_STYLES = ("thead", "row")


AnyAgenda = Agenda | MorningAgenda


@dataclass(frozen=True)
class AgendaTable:
    """Consecutive "thead|" and "row|" lines of an agenda: one table."""

    header: list[str]
    rows: list[list[str]]

    @property
    def numeric(self) -> frozenset[int]:
        """Columns of figures (12, 61%, —), aligned right in text."""
        return frozenset(
            i
            for i in range(len(self.header))
            if any(r[i] for r in self.rows) and all(_FIGURE.fullmatch(r[i]) for r in self.rows)
        )

    @property
    def paces(self) -> frozenset[int]:
        """Columns holding only pace words (低于进度…): coloured as the tabs colour them."""
        words = set(PACE_LABELS.values())
        return frozenset(
            i
            for i in range(len(self.header))
            if any(r[i] for r in self.rows) and all(not r[i] or r[i] in words for r in self.rows)
        )


_FIGURE = re.compile(r"[-—+]?[\d,]*\.?\d*%?|—|")

Block = tuple[str, str] | AgendaTable
_T = TypeVar("_T")


def agenda_lines(
    agenda: AnyAgenda,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    mask: bool = True,
) -> list[tuple[str, str]]:
    """The agenda worded as "style|text" lines. `mask`: the customers' names in what staff
    typed shown as 张* (`Names.mask`, docs/工作簿.md#脱敏) — always in the text formats, which
    leave the workbook; on the tab unless the branch's 脱敏 is 否."""
    name = "morning.lines.j2" if agenda.meeting == MORNING else "agenda.lines.j2"
    template = environment(lang, template_dir).get_template(name)
    names = agenda.names

    def shown(text: str) -> str:
        return names.mask(_on_one_line(text))

    text = template.render(agenda=_each_text(agenda, shown if mask else _on_one_line))
    lines = []
    for raw in text.splitlines():
        if not raw.strip():
            continue
        style, sep, body = raw.partition("|")
        lines.append((style.strip(), body) if sep and style.strip() in STYLES else ("body", raw))
    return lines


def typed_on_one_line(value: _T) -> _T:
    """`value` with every text that holds a line break or a tab made one line.

    The lines templates give each line its style at its start ("strong|…") and each cell its
    tab: a 描述 typed as "正常\nstrong|全部完成", or a name with a tab in it, would otherwise
    forge a bold line or a cell in every format."""
    return _each_text(value, _on_one_line)


def _on_one_line(text: str) -> str:
    return one_line(text) if _BREAKS.search(text) else text


def _each_text(value: _T, change: Callable[[str], str]) -> _T:
    """`value` with `change` made to every text in it. Text is what staff typed (names, items,
    cases, notes); records are walked whole, each dataclass copied only where something
    changed."""
    if isinstance(value, str):
        return change(value)  # type: ignore[return-value]
    if isinstance(value, list | tuple):
        items = [_each_text(v, change) for v in value]
        if all(a is b for a, b in zip(items, value, strict=True)):
            return value
        if hasattr(value, "_fields"):  # a NamedTuple takes its fields, not one iterable
            return value._make(items)  # type: ignore[union-attr, no-any-return]
        return type(value)(items)  # type: ignore[return-value]
    if isinstance(value, dict):
        pairs = {_each_text(k, change): _each_text(v, change) for k, v in value.items()}
        same = len(pairs) == len(value) and all(k in value and pairs[k] is value[k] for k in pairs)
        return value if same else pairs  # type: ignore[return-value]
    if is_dataclass(value) and not isinstance(value, type):
        changed = {}
        for f in fields(value):
            if f.init:
                old = getattr(value, f.name)
                new = _each_text(old, change)
                if new is not old:
                    changed[f.name] = new
        return replace(value, **changed) if changed else value  # type: ignore[type-var]
    return value


def agenda_blocks(lines: list[tuple[str, str]]) -> list[Block]:
    """The lines with each run of table lines made one `AgendaTable` (its rows padded to the
    header's cells)."""
    blocks: list[Block] = []
    for style, text in lines:
        if style not in TABLE_STYLES:
            blocks.append((style, text))
            continue
        cells = text.split(CELL_SEPARATOR)
        last = blocks[-1] if blocks else None
        if style == "thead" or not isinstance(last, AgendaTable):
            blocks.append(AgendaTable(cells if style == "thead" else [""] * len(cells), []))
            if style == "thead":
                continue
            last = blocks[-1]
        assert isinstance(last, AgendaTable)
        width = len(last.header)
        last.rows.append((cells + [""] * width)[:width])
    return blocks


def render_agenda(
    agenda: AnyAgenda, fmt: str, lang: str = "zh", template_dir: str | Path | None = None
) -> str:
    fmt = FORMAT_ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise ValueError(fmt)
    env = environment(lang, template_dir)
    lines = agenda_lines(agenda, lang, template_dir)
    return env.get_template(f"agenda.{fmt}.j2").render(
        lines=lines, blocks=agenda_blocks(lines), lang="zh-CN" if lang == "zh" else lang
    )


# Every table of an agenda tab is this wide, in column units: the text lines' width too, and a
# portrait A4 page wide even in a 等线 workbook (eight pixels a unit), so nothing scales it down.
AGENDA_UNITS = 78.0
UNITS_PER_CHAR = BASE_SIZE / 2 * page.PX_PER_PT / page.NARROW_DIGIT  # a half-width character
CELL_SPARE = 1.2  # units: the cell's padding, and a little for wider fonts
SNAP_LOSS = 1.0  # units a column may lose to end on another table's edge


def _width(text: str, bold: bool = False) -> float:
    return print_width(text) * UNITS_PER_CHAR * (BOLD if bold else 1.0) + CELL_SPARE


def _table(block: AgendaTable, units: float) -> Table:
    """An agenda table as a tab's table, `units` wide: each column as wide as its widest cell
    (as the sheet measures it) and its header on one line — or, when that is more than the
    page, on two — the room left given to the text columns; when the cells need more than the
    page, the widest text columns wrap ("wrap": their rows grow). A column of pace words is
    coloured as a status."""
    count = len(block.header)
    fmts: list[Fmt] = [
        "status" if i in block.paces else "figure" if i in block.numeric else "text"
        for i in range(count)
    ]
    rows = [list(r) for r in block.rows]

    cells = [max([_width(r[i]) for r in rows] + [3.0]) for i in range(count)]

    def measured(header_lines: int) -> list[float]:
        heads = [_width(h, bold=True) / header_lines + CELL_SPARE / 2 for h in block.header]
        cols = [
            Col(h, f, max(w, c))
            for h, f, w, c in zip(block.header, fmts, heads, cells, strict=True)
        ]
        return wanted_widths(Table(cols, rows))

    natural = measured(1)
    if sum(natural) > units:
        natural = measured(2)
    text = [i for i in range(count) if i not in block.numeric and i not in block.paces]
    widths = list(natural)
    wraps: set[int] = set()
    spare = units - sum(widths)
    if spare >= 0 and text:
        for i in text:  # the room left, shared by the text columns as they are wide
            widths[i] += spare * natural[i] / sum(natural[j] for j in text)
    while spare < 0 and text:
        widest = max(text, key=lambda i: widths[i])
        fixed = sum(widths[j] for j in range(count) if j != widest)
        floor = max(natural[widest] / 3, _width(block.header[widest], bold=True) / 2, 8.0)
        widths[widest] = max(floor, units - fixed)
        wraps.add(widest)
        spare = units - sum(widths)
        text.remove(widest)
    # Widths in quarter units, never below what the sheet measures: their sums are exact, so
    # another table's edges fall on them.
    quarters = [math.ceil(w * 4) / 4 for w in widths]
    columns = [
        Col(head, "wrap" if i in wraps else fmts[i], quarters[i])
        for i, head in enumerate(block.header)
    ]
    return Table(columns, rows, empty_note="")


def agenda_sheet(
    agenda: AnyAgenda,
    lang: str = "zh",
    template_dir: str | Path | None = None,
    mask: bool = True,
) -> SheetSpec:
    """The printable 夕会议程 (or 晨会议程) tab: portrait A4, one page, its tables as wide as the
    page takes even in a 等线 workbook (tables of different columns share the sheet's columns
    by their edges, which can make the sheet a little wider than each: then they are made
    narrower until it fits). `mask` is the branch's 脱敏: customers' names typed into notes
    show whole on its own tab only when that is 否."""
    name = agenda_sheet_name(agenda.meeting)
    lines = agenda_lines(agenda, lang, template_dir, mask)
    title = next((text for style, text in lines if style == "title"), name)
    body = [(style, text) for style, text in lines if style != "title"]
    # The first note (date, host, length) becomes the subtitle beside the generated mark.
    first_note = next((i for i, (style, _) in enumerate(body) if style == "note"), None)
    subtitle = GENERATED_MARK
    if first_note is not None:
        subtitle = f"{body.pop(first_note)[1]} · {GENERATED_MARK}"
    blocks = agenda_blocks(body)
    page_px = page.printable(landscape=False)[0] * page.PX_PER_PT
    units = AGENDA_UNITS
    while True:
        spec = SheetSpec(
            name, title, subtitle, _sheet_blocks(blocks, units), landscape=False, one_page=True
        )
        widths = layout(spec).widths.values()
        if page.columns_px(widths, page.WIDE_DIGIT) <= page_px or units < AGENDA_UNITS / 2:
            return spec
        units -= 2


def _sheet_blocks(blocks: list[Block], units: float) -> list[Table | Text]:
    """Runs of lines as Text blocks, each table a Table `units` wide; the tables' column edges
    fall on those of the table with the most columns, so the sheet has no more columns than it
    (each a few pixels of padding wider in print)."""
    tables = [b for b in blocks if isinstance(b, AgendaTable)]
    made = {id(b): _table(b, units) for b in tables}
    if tables:
        base = made[id(max(tables, key=lambda b: len(b.header)))]
        edges = list(accumulate(c.width for c in base.columns))
        for key, table in made.items():
            if table is not base:
                made[key] = _on_edges(table, edges)
    found: list[Table | Text] = []
    for block in blocks:
        if isinstance(block, AgendaTable):
            found.append(made[id(block)])
        elif found and isinstance(found[-1], Text):
            found[-1].lines.append(block)  # type: ignore[arg-type]
        else:
            found.append(Text([block]))  # type: ignore[list-item]
    return found


def _on_edges(table: Table, edges: list[float]) -> Table:
    """The table with each column's right edge moved to the nearest of `edges` (the last to the
    last), every column at least one of them wide; a text column that lost width wraps."""
    wanted = list(accumulate(c.width for c in table.columns))
    placed: list[float] = []
    for n, edge in enumerate(wanted):
        left = len(table.columns) - 1 - n  # columns still to place after this one
        choices = [e for e in edges if e > (placed[-1] if placed else 0.0)]
        choices = choices[: len(choices) - left] if left else choices[-1:]
        # the first edge at or just short of where the column wants to end
        placed.append(next((e for e in choices if e >= edge - SNAP_LOSS), choices[-1]))
    columns = []
    for c, (col, right) in enumerate(zip(table.columns, placed, strict=True)):
        width = right - (placed[c - 1] if c else 0.0)
        fmt = "wrap" if col.fmt == "text" and width < col.width - 0.01 else col.fmt
        columns.append(Col(col.header, fmt, width))
    return Table(columns, table.rows, table.caption, table.empty_note)
