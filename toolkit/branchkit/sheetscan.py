"""What a worksheet part holds, learnt from its XML bytes before the cell reader sees them.

calamine builds a sheet as one dense block spanning every cell that has a value, so a single
stray value in XFD1048576 asks for 17 billion cells and the process aborts; and a huge negative
number in a date-formatted cell makes it panic. Both are settled here: `scan` measures the used
range and looks for such numbers with vectorised byte comparisons while the part is inflated to
check its CRC (about 0.2 s of CPU for the 41 MB tracking sheet of a 100,000-row parent month,
against calamine's 1.1 s for reading it), and `clean` — used only for the rare sheet `scan`
flags — rewrites the XML so the reader gets the table without the far-away cells and with those
numbers as plain numbers. Nothing here changes the workbook file.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from .usedrange import HUGE, ROW_DIGITS, SheetScan, odd_number

CHUNK = 1 << 22  # bytes of inflated XML looked at in one go
# Parts at least this large are scanned with numpy (vectorised: 0.2 s for a 41 MB sheet); smaller
# ones with a few regular expressions, which cost nothing to load — a click in Excel starts Python
# afresh, and importing numpy alone would take longer than scanning a month's workbook. Once a
# workbook has such a part (numpy is loaded for it anyway), its parts from VECTOR_ALSO_BYTES up
# are scanned with numpy too: the regular expressions take about 35 ms a MB, numpy under 10.
VECTOR_SCAN_BYTES = 4_000_000
VECTOR_ALSO_BYTES = 256_000
# A process that reads many workbooks (a rollup's worker) pays numpy's import once for all of
# them, and from about this size numpy's scan of a part costs less than the expressions'.
VECTOR_MANY_BYTES = 16_000


_ROOT = re.compile(rb"<(?:([\w.-]+):)?(?:worksheet|dialogsheet|macrosheet|chartsheet)[\s>/]")


def scan(stream: IO[bytes], size: int = 0, vectorised: bool | None = None) -> SheetScan:
    """Reads the part to its end (so the zip's CRC check runs) and measures it. `size` is the
    part's inflated size when known: it picks the vectorised scan for large parts, unless
    `vectorised` says which to use (both find the same)."""
    if size >= VECTOR_SCAN_BYTES if vectorised is None else vectorised:
        from .vectorscan import scan_block
    else:
        scan_block = _scan_block_plain
    result = SheetScan()
    # The root element says whether the document writes its tags with a prefix (<x:c>, as
    # .NET exports do); it comes first, within a few hundred bytes.
    pending = bytearray()
    root = None
    while root is None and len(pending) < 65536:
        chunk = stream.read(CHUNK)
        if not chunk:
            break
        pending += chunk
        root = _ROOT.search(pending)
    prefix = root.group(1) + b":" if root and root.group(1) else b""
    chunk = b"-"  # what is read so far still has to be looked at
    while chunk:
        chunk = stream.read(CHUNK)
        fresh = max(0, len(pending) - 1)  # what is kept from before holds '<' only first
        pending += chunk
        if chunk:
            # Attribute values cannot hold '<', so a stretch that ends before a '<' holds whole
            # tags, each with the text after it (a value is looked at with its <v>).
            cut = pending.rfind(b"<", fresh)
            if cut <= 0:
                if len(pending) < 2 * CHUNK:
                    continue
                cut = len(pending) - 64  # an enormous text or tag: looked at in pieces
            block = bytes(pending[:cut])
            del pending[:cut]
        else:
            block = bytes(pending)
            pending.clear()
        if block:
            scan_block(block, prefix, result)
    return result


# r="A1" right after white space: its letters and the digits after them. The pattern starts with
# the literal 'r' (the white space is looked behind at), so the regex engine skips to each 'r'
# instead of trying every byte. A reference is whole with one to four letters and some digits.
_PLAIN_REF = re.compile(rb"r(?<=[\x00-\x20]r)=[\"']([A-Z]+)([0-9]*)")
_PLAIN_VALUE = re.compile(rb"<v>([-+nNiI][^<]*)")
_PLAIN_CELL = re.compile(rb"<c[\x00-\x20>/]")


def _scan_block_plain(block: bytes, prefix: bytes, result: SheetScan) -> None:
    """`vectorscan.scan_block` with regular expressions (the same results, property-tested): references
    r="A1" right after white space, cell tags, and values that start like an odd number."""
    found = _PLAIN_REF.findall(block)
    result.references += len(found)
    if found:
        # Only the extremes matter: the distinct letter runs (a sheet has few columns) and row
        # numbers (one per row, not per cell) are measured, not every reference.
        letter_runs, digit_runs = map(set, zip(*found, strict=True))
        if max(map(len, letter_runs)) > 4 or b"" in digit_runs:
            # Not whole ('A' alone, letters running on): the reader refuses those itself, and
            # they do not count for the range.
            whole = [(a, d) for a, d in found if len(a) <= 4 and d]
            letter_runs, digit_runs = {a for a, _ in whole}, {d for _, d in whole}
        if digit_runs:
            short = [int(d) for d in digit_runs if len(d) < ROW_DIGITS]
            top = min(short) if short else HUGE
            bottom = HUGE if max(map(len, digit_runs)) >= ROW_DIGITS else max(short)
            columns = [
                HUGE if len(letters) > 3 else _letters_to_column(letters) for letters in letter_runs
            ]
            result.widen(top, bottom, min(columns), max(columns))
    if prefix:
        tag = re.escape(b"<" + prefix)
        cells = re.compile(tag + rb"c[\x00-\x20>/]")
        values = re.compile(tag + rb"v>([-+nNiI][^<]*)")
    else:
        tag, cells, values = b"<", _PLAIN_CELL, _PLAIN_VALUE
    result.cell_tags += len(cells.findall(block))
    row_starts = [m.start() for m in re.finditer(tag + rb"row[\x00-\x20>/]", block)]
    value_tags = [m.start() for m in re.finditer(tag + rb"(?:v>|is[\x00-\x20>/])", block)]
    carried = bisect.bisect_left(value_tags, row_starts[0]) if row_starts else len(value_tags)
    begun = {bisect.bisect_right(row_starts, v) for v in value_tags[carried:]}
    last = len(row_starts) in begun if row_starts else None
    result.add_value_rows(carried > 0, len(begun), last)
    if any(odd_number(text) for text in values.findall(block)):
        result.odd_numbers = True


def _letters_to_column(letters: bytes) -> int:
    value = 0
    for byte in letters:
        value = value * 26 + byte - 64
    return value


# ---------------------------------------------------------------- the careful path

_TAG = re.compile(rb"<((?:[\w.-]+:)?)(row|c)\b([^>]*?)(/?)>")
_ATTR = re.compile(rb"""([\w:.-]+)\s*=\s*(?:"([^"]*)"|'([^']*)')""")
_REF = re.compile(rb"^([A-Za-z]{1,4})(\d{1,9})$")
_VALUE = re.compile(rb"<(?:[\w.-]+:)?v>([^<]*)</(?:[\w.-]+:)?v>")
_INLINE = re.compile(rb"<(?:[\w.-]+:)?is\b")
_STYLE = re.compile(rb"""\ss\s*=\s*(?:"[^"]*"|'[^']*')""")


@dataclass
class Cell:
    row: int  # 1-based, as calamine would place it
    col: int
    start: int  # the cell element's span in the XML
    end: int
    valued: bool
    odd: bool


@dataclass
class Cleaned:
    """A sheet's XML made safe to read, and the cells set aside to be placed back sparsely."""

    xml: bytes
    far: list[Cell] = field(default_factory=list)
    far_xml: bytes = b""  # the far cells alone, one per row in column A, in `far`'s order
    rows: int = 0  # the table's size after the far cells are set aside
    cols: int = 0


def _column_number(letters: bytes) -> int:
    number = 0
    for byte in letters.upper():
        number = number * 26 + byte - 64
    return number


def cells(xml: bytes) -> list[Cell]:
    """Every cell with the position the reader gives it (r="..." or the running position)."""
    found: list[Cell] = []
    row = 0
    col = 0
    for match in _TAG.finditer(xml):
        prefix, name, attributes, empty = match.groups()
        values = {m.group(1): m.group(2) or m.group(3) or b"" for m in _ATTR.finditer(attributes)}
        ref = values.get(b"r")
        if name == b"row":
            row = int(ref) if ref and ref.isdigit() else row + 1
            col = 0
            continue
        parsed = _REF.match(ref.strip()) if ref else None
        if parsed:
            col = _column_number(parsed.group(1))
            row = int(parsed.group(2))
        else:
            col += 1
        end = match.end()
        content = b""
        if not empty:
            closing = b"</" + prefix + b"c>"
            close = xml.find(closing, end)
            if close >= 0:
                content = xml[end:close]
                end = close + len(closing)
        value = _VALUE.search(content)
        kind = values.get(b"t", b"n")
        valued = bool(value and value.group(1).strip()) or bool(_INLINE.search(content))
        odd = bool(value) and kind == b"n" and odd_number(value.group(1).strip())  # type: ignore[union-attr]
        found.append(Cell(row, col, match.start(), end, valued, odd))
    return found


def _table_extent(positions: Iterable[int], gap: int) -> int:
    """The last position before the first run of more than `gap` empty ones."""
    last = 0
    for position in sorted(set(positions)):
        if last and position - last > gap:
            break
        last = position
    return last


def clean(xml: bytes, limit: int, row_gap: int, col_gap: int) -> Cleaned:
    """The XML with odd numbers unstyled (read as the numbers they are), and — when the used range
    is over `limit` cells — the cells separated from the table by more than `row_gap` empty rows or
    `col_gap` empty columns moved into `far` (placed back by the caller, without a dense block)."""
    found = cells(xml)
    valued = [c for c in found if c.valued]
    rows = max((c.row for c in valued), default=0)
    cols = max((c.col for c in valued), default=0)
    far: list[Cell] = []
    if rows * cols > limit:
        last_row = _table_extent((c.row for c in valued), row_gap)
        last_col = _table_extent((c.col for c in valued), col_gap)
        far = [c for c in valued if c.row > last_row or c.col > last_col]
        rows, cols = last_row, last_col
    moved = {id(c) for c in far}
    out: list[bytes] = []
    far_parts: list[bytes] = []
    at = 0
    for cell in found:
        if id(cell) in moved:
            out.append(xml[at : cell.start])
            at = cell.end
            far_parts.append(_relocated(xml[cell.start : cell.end], len(far_parts) + 1))
            continue
        if cell.odd:
            out.append(xml[at : cell.start])
            out.append(_unstyled(xml[cell.start : cell.end]))
            at = cell.end
    out.append(xml[at:])
    far_xml = b"".join(
        b'<row r="%d">%s</row>' % (n, part) for n, part in enumerate(far_parts, start=1)
    )
    return Cleaned(b"".join(out), far, far_xml, rows, cols)


def _unstyled(element: bytes) -> bytes:
    head, sep, rest = element.partition(b">")
    return _STYLE.sub(b"", head) + sep + rest


def _relocated(element: bytes, row: int) -> bytes:
    """The same cell (value, type, style) moved to A{row}, so it can be read on its own."""
    head, sep, rest = element.partition(b">")
    head = re.sub(rb"""\sr\s*=\s*(?:"[^"]*"|'[^']*')""", b"", head)
    name_end = re.match(rb"<[\w.:-]+", head)
    assert name_end is not None
    head = head[: name_end.end()] + b' r="A%d"' % row + head[name_end.end() :]
    return head + sep + rest


def sheet_xml(original: bytes, sheet_data: bytes) -> bytes:
    """`original` with its <sheetData> content replaced (for reading set-aside cells)."""
    match = re.search(rb"<((?:[\w.-]+:)?)sheetData\b[^>]*?(/?)>", original)
    if not match:
        return original
    prefix = match.group(1)
    if sheet_data and prefix:
        sheet_data = re.sub(rb"<(/?)(row|c|v|is|t|f)\b", rb"<\1" + prefix + rb"\2", sheet_data)
    start = match.end()
    if match.group(2):  # <sheetData/>
        return (
            original[: match.start()]
            + b"<"
            + prefix
            + b"sheetData>"
            + sheet_data
            + b"</"
            + prefix
            + b"sheetData>"
            + original[start:]
        )
    close = original.find(b"</" + prefix + b"sheetData>", start)
    return original[:start] + sheet_data + original[close:]
