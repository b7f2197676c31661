"""The printed page: A4 geometry, how wide a column prints, orientation, page breaks.

Column widths in a workbook are counted in digits of the workbook's default font, so the same
sheet is 7 pixels a unit wide in a Calibri workbook (what XlsxWriter writes, and LibreOffice's
Carlito) and about 8 in a 等线 or 宋体 workbook (Chinese Excel and WPS). Whatever must fit the
page is sized for the wide font; whatever must fit a column (a line of text) for the narrow one.
Every sheet is also set to fit one page wide, so a wider font only prints a little smaller.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass

A4 = (595.3, 841.9)  # points, portrait
SIDE_MARGIN = 0.4  # inches, left and right, as xlsx.py writes them
END_MARGIN = 0.5  # inches, top and bottom (the footer sits inside the bottom margin)
ONE_PAGE_END_MARGIN = 0.4  # a one-page sheet's (the agenda): a few more lines of the meeting
FOOTER_MARGIN = 0.25  # inches: the footer, inside the bottom margin
# The sheet's name and its own page number on every page: a loose sheet finds its tab. (No "of
# N": LibreOffice counts N over the whole workbook.)
FOOTER = "&C&A　第&P页"
NARROW_DIGIT = 7  # pixels per width unit: Calibri 11
WIDE_DIGIT = 8  # pixels per width unit: 等线 / 宋体 11
CELL_PADDING = 5  # pixels Excel adds to every column
PX_PER_PT = 4 / 3
DEFAULT_ROW = 15.75  # points (21 pixels): every row of a generated tab without its own height
COMFORTABLE_SCALE = 0.9  # a page printed at 90 % or more reads as well as at 100 %
LEGIBLE_SCALE = 0.75  # below this the tabs' 10-point type is too small: turn the page
SAFETY = 0.96  # page and line capacities are used to this share, for fonts a little wider


def column_px(width: float, digit: int = NARROW_DIGIT) -> float:
    return width * digit + CELL_PADDING


def columns_px(widths: Iterable[float], digit: int = NARROW_DIGIT) -> float:
    return sum(column_px(w, digit) for w in widths)


def printable(landscape: bool, one_page: bool = False) -> tuple[float, float]:
    """Width and height (points) inside the margins (a one-page sheet's margins)."""
    short, long = A4
    width, height = (long, short) if landscape else (short, long)
    end = ONE_PAGE_END_MARGIN if one_page else END_MARGIN
    return width - 2 * SIDE_MARGIN * 72, height - 2 * end * 72


def fit_scale(width_px: float, landscape: bool) -> float:
    """The scale that fits `width_px` on one page wide (1 when it fits as it is)."""
    return min(1.0, printable(landscape)[0] * PX_PER_PT / max(width_px, 1.0))


LEADING = 1.4  # a tab's line: its type size and the space between lines
TIGHT_LEADING = 1.3  # a one-page sheet's (the agenda): CJK still reads clearly at this


def line_height(size: float, leading: float = LEADING) -> float:
    """Row height (points, whole pixels) for one line of text in a font of `size` points."""
    return math.ceil(size * leading / 0.75) * 0.75


def line_capacity(width_px: float, size: float) -> int:
    """Half-width characters one line of `width_px` holds in type of `size` points, measured
    with the narrow font's columns so the line fits in every program."""
    return int((width_px - 6) / PX_PER_PT / (size / 2) * SAFETY)


@dataclass(frozen=True)
class Keep:
    """Rows that print on one page when they can: a table from its caption to its last row, a
    chart, a heading with the line under it. `lead` rows never end a page (caption, header and
    the first data rows of a table too long for one page)."""

    first: int
    last: int
    lead: int = 1


def page_breaks(
    n_rows: int,
    height_of: Mapping[int, float] | Callable[[int], float],
    keeps: list[Keep],
    capacity: float,
    repeated: float = 0.0,
    forced: Iterable[int] = (),
) -> tuple[list[int], int]:
    """Rows (0-based) that should start a new page, so no block is split that fits on a page and
    no caption or header is left alone at the bottom, and the number of pages that makes.
    `capacity` is a page's height in sheet points (after scaling), `repeated` the height of the
    print-title rows on later pages; `forced` rows start a page whatever room is left (a table
    continued under its header again)."""
    height = height_of if callable(height_of) else (lambda r: height_of.get(r, DEFAULT_ROW))
    by_first = {k.first: k for k in keeps}
    forced = set(forced)
    breaks: list[int] = []
    pages = 1
    used = 0.0
    for row in range(n_rows):
        keep = by_first.get(row)
        if row in forced and used > repeated:
            breaks.append(row)
            pages += 1
            used = repeated
        elif keep is not None and used > repeated:
            whole = sum(height(r) for r in range(keep.first, keep.last + 1))
            lead = sum(
                height(r) for r in range(keep.first, min(keep.last, keep.first + keep.lead - 1) + 1)
            )
            if used + whole > capacity and (whole <= capacity - repeated or used + lead > capacity):
                breaks.append(row)
                pages += 1
                used = repeated
        used += height(row)
        if used > capacity:  # the program breaks here by itself
            pages += 1
            used = repeated + height(row)
    return breaks, pages


def page_of_rows(
    n_rows: int,
    height_of: Callable[[int], float],
    breaks: Iterable[int],
    capacity: float,
    repeated: float = 0.0,
) -> list[int]:
    """The page (0-based) each row prints on, given the page breaks: where a table ends up, so
    the print titles can follow the table that runs on over a page."""
    breaks = set(breaks)
    pages: list[int] = []
    current, used = 0, 0.0
    for row in range(n_rows):
        if row in breaks or (used > repeated and used + height_of(row) > capacity):
            current, used = current + 1, repeated
        used += height_of(row)
        pages.append(current)
    return pages
