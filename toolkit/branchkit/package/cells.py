"""The cell writer: values put into a staff's own sheet without disturbing anything else.

For one worksheet at a time it (a) writes values into cells that are empty and (b) appends rows
under the last row of a table, as a person typing at the end of it would: the new row copies the
style and height of the row above, and the table (ListObject), data validations, conditional
formats and the autofilter that cover the table grow to cover it. What it never does: overwrite a
cell that has something in it, touch a formula, write into a merged range or a protected sheet
(those are reported, with the reason), or write text as anything but text (a name starting with
'=' stays a string). Rows it does not write into keep their bytes; every other part is left alone
except styles.xml (when a date needs a date format) and a table's part when the table grows.

This is pure over a `Package`: it records the edits in the package's change set and returns what
it wrote and skipped; the caller saves atomically (writeback.atomic_write) or, for a dry run,
just reports. What it refuses and when a cell already holds a value are the rules it shares with
the xlwings writer (`writerules`), as are the requests and the report.
"""

from __future__ import annotations

import datetime as dt
import numbers as numeric
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html import escape

from ..a1 import cell_ref, range_ref, split_range
from ..writerules import (
    FORMULA,
    MAX_COL,
    MAX_ROW,
    MERGED,
    NOT_EMPTY,
    OUT_OF_SHEET,
    PROTECTED,
    TOTALS_ROW,
    Filled,
    Formula,
    NewRows,
    Refused,
    SheetFill,
    Skipped,
    Value,
    Written,
    on_sheet,
    row_key,
    same_value,
    stored,
)
from .container import Package
from .errors import PackageError
from .namespaces import root_tag
from .relationships import parse_rels, rels_path, resolve
from .sharedstrings import item_text, shared_string_texts
from .sheetdata import Cell, Row, SheetData
from .styles import CellStyles, ensure_styles_part
from .workbook import SheetEntry, defined_names, sheet_entries, workbook_part
from .xmltext import attrs, check_xml

# A sheet that does not say: Excel's column of 8.43 digits and row of 15 points (Calibri 11).
DEFAULT_COL_WIDTH = 8.43
DEFAULT_ROW_HEIGHT = 15.0

# ---------------------------------------------------------------- values


@dataclass(frozen=True)
class _Encoded:
    kind: str  # "" number, "b" boolean, "inlineStr" text
    inner: str  # the XML inside <c>, without prefixes
    compare: str | float | bool  # the value as read back, to see it is already there
    date: bool = False
    time: bool = False


_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")
_LOOKS_ESCAPED = re.compile(r"_(x[0-9A-Fa-f]{4}_)")


def text_xml(text: str) -> str:
    """The <t> of an inline string. Characters XML cannot carry become Excel's _xHHHH_ escapes,
    and text that only looks like one is escaped itself, so the cell reads back as given."""
    text = _LOOKS_ESCAPED.sub(r"_x005F_\1", text)
    text = _ILLEGAL.sub(lambda m: f"_x{ord(m.group()):04X}_", text)
    body = escape(text, quote=False).replace("\r", "&#13;")
    space = ' xml:space="preserve"' if re.search(r"^\s|\s$|[\n\t\r]|  ", text) else ""
    return f"<t{space}>{body}</t>"


def _encode(value: Value, date1904: bool) -> _Encoded | Refused | None:
    """The cell content for a value; why not when no cell can hold it; None for nothing to
    write."""
    kept = stored(value, date1904)
    if kept is None or isinstance(kept, Refused):
        return kept
    if isinstance(value, Formula) and isinstance(kept, float):
        formula = escape(value.text, quote=False)
        return _Encoded("", f"<f>{formula}</f><v>{_number(kept)}</v>", kept)
    if isinstance(kept, bool):
        return _Encoded("b", f"<v>{int(kept)}</v>", kept)
    if isinstance(kept, str):
        return _Encoded("inlineStr", f"<is>{text_xml(kept)}</is>", kept)
    if isinstance(value, dt.date):
        with_time = isinstance(value, dt.datetime) and value.time() != dt.time()
        return _Encoded("", f"<v>{_number(kept)}</v>", kept, date=True, time=with_time)
    inner = str(int(value)) if isinstance(value, numeric.Integral) else _number(kept)
    return _Encoded("", f"<v>{inner}</v>", kept)


def _number(value: float) -> str:
    """A float as Excel writes it: whole numbers without '.0', others with every digit."""
    return str(int(value)) if value.is_integer() and abs(value) < 1e15 else repr(value)


def _prefixed(inner: str, prefix: str) -> str:
    if not prefix:
        return inner
    return re.sub(r"<(/?)(?!\w+:)(\w+)", rf"<\1{prefix}\2", inner)


# ---------------------------------------------------------------- ranges that follow the table


def _grow(ref: str, header: int, old_last: int, new_last: int, cols: tuple[int, int]) -> str:
    """A range that reaches the table's last row (and not further than the new one) reaches the
    new last row; any other range stays as it is."""
    bounds = split_range(ref)
    if bounds is None:
        return ref
    r1, c1, r2, c2 = bounds
    if r1 is None or r2 is None or c1 is None or c2 is None:
        return ref  # whole columns already cover new rows; whole rows are not the table's
    if c2 < cols[0] or c1 > cols[1]:
        return ref
    if r1 <= old_last + 1 and old_last <= r2 < new_last and r2 > header:
        return range_ref(r1, c1, new_last, c2)
    return ref


def _grow_sqref(sqref: str, *args: object) -> str:
    return " ".join(_grow(part, *args) for part in sqref.split())  # type: ignore[arg-type]


_RULE_BLOCK = re.compile(
    r"<(?:\w+:)?(conditionalFormatting|dataValidation)\b[^>]*?(?:/>|>.*?</(?:\w+:)?\1>)", re.S
)


def grow_sheet_ranges(
    xml: str, header: int, old_last: int, new_last: int, cols: tuple[int, int]
) -> tuple[str, tuple[str, str] | None]:
    """Conditional formats, data validations (also Excel 2010's, in extLst) and the autofilter of
    a worksheet grown with its table. Returns the XML and the autofilter's (old, new) ref if it
    grew. Sparklines' and selections' ranges are left alone."""
    args = (header, old_last, new_last, cols)

    def block(match: re.Match[str]) -> str:
        text = re.sub(
            r'(\bsqref=")([^"]*)(")',
            lambda m: m.group(1) + _grow_sqref(m.group(2), *args) + m.group(3),
            match.group(),
            count=1,
        )
        return re.sub(
            r"(<(?:\w+:)?sqref>)([^<]*)(</(?:\w+:)?sqref>)",
            lambda m: m.group(1) + _grow_sqref(m.group(2), *args) + m.group(3),
            text,
        )

    xml = _RULE_BLOCK.sub(block, xml)
    grown = None
    found = re.search(r'(<(?:\w+:)?autoFilter\b[^>]*?\bref=")([^"]*)(")', xml)
    if found:
        new_ref = _grow(found.group(2), *args)
        if new_ref != found.group(2):
            grown = (found.group(2), new_ref)
            xml = xml[: found.start(2)] + new_ref + xml[found.end(2) :]
    return xml, grown


def grow_table(xml: str, header: int, old_last: int, new_last: int, cols: tuple[int, int]) -> str:
    """A ListObject (xl/tables/tableN.xml) whose header is the table's: its ref and autoFilter
    grow with the rows."""
    table = re.search(r'(<(?:\w+:)?table\b[^>]*?\bref=")([^"]*)(")', xml)
    if not table:
        return xml
    old = table.group(2)
    bounds = split_range(old)
    if bounds is None or bounds[0] != header:
        return xml
    new = _grow(old, header, old_last, new_last, cols)
    if new == old:
        return xml
    xml = xml[: table.start(2)] + new + xml[table.end(2) :]
    return re.sub(
        rf'(<(?:\w+:)?autoFilter\b[^>]*?\bref="){re.escape(old)}(")', rf"\g<1>{new}\2", xml, count=1
    )


def _table_header(xml: str) -> tuple[int | None, int, tuple[int, int] | None]:
    """(header row, totals row count, column span) of a ListObject part."""
    tag = re.search(r"<(?:\w+:)?table\b[^>]*>", xml)
    a = attrs(tag.group()) if tag else {}
    bounds = split_range(a.get("ref", ""))
    if bounds is None or None in bounds:
        return None, 0, None
    r1, c1, _, c2 = bounds
    header = r1 if a.get("headerRowCount", "1") != "0" else None
    totals = int(a["totalsRowCount"]) if a.get("totalsRowCount", "").isdigit() else 0
    return header, totals, (c1, c2)  # type: ignore[return-value]


# ---------------------------------------------------------------- one sheet


class _Sheet:
    def __init__(self, book: _Book, entry: SheetEntry) -> None:
        self.book = book
        self.entry = entry
        self.name = entry.name
        pkg = book.pkg
        if not entry.part or pkg.get(entry.part) is None:
            raise PackageError(f"工作表“{entry.name}”的部件缺失")
        check_xml(pkg, [entry.part], "")
        xml = pkg.text(entry.part)
        root = root_tag(xml)
        if not root or root.group(2) != "worksheet":
            raise PackageError(f"“{entry.name}”不是普通工作表，无法填写")
        try:
            self.data = SheetData(xml)
        except PackageError as exc:
            raise PackageError(f"工作表“{entry.name}”：{exc}") from exc
        self.prefix = self.data.prefix
        # Everything but the cells: protection, merges and columns, without scanning the rows.
        outside = xml[: self.data.open_tag.start()] + xml[self.data.body_end :]
        protection = re.search(r"<(?:\w+:)?sheetProtection\b[^>]*>", outside)
        locked = attrs(protection.group()).get("sheet") if protection else None
        self.protected = locked in ("1", "true")
        self.merged = [
            b
            for ref in re.findall(r'<(?:\w+:)?mergeCell\b[^>]*?\bref="([^"]*)"', outside)
            if (b := split_range(ref)) is not None
        ]
        cols = [
            a
            for a in map(attrs, re.findall(r"<(?:\w+:)?col\b[^>]*>", outside))
            if a.get("min", "").isdigit() and a.get("max", "").isdigit()
        ]
        self.col_styles = [
            (int(a["min"]), int(a["max"]), int(a.get("style", "0") or 0)) for a in cols
        ]
        self.col_widths = [
            (int(a["min"]), int(a["max"]), float(a["width"]))
            for a in cols
            if re.fullmatch(r"\d+(\.\d+)?", a.get("width", ""))
        ]
        found = re.search(r"<(?:\w+:)?sheetFormatPr\b[^>]*>", outside)
        sheet_format = attrs(found.group()) if found else {}
        self.default_width = _number_or(sheet_format.get("defaultColWidth"), DEFAULT_COL_WIDTH)
        self.default_height = _number_or(sheet_format.get("defaultRowHeight"), DEFAULT_ROW_HEIGHT)
        self.appended: set[int] = set()
        self.tables = self._tables()
        self.written: list[tuple[int, int]] = []
        self.growth: list[tuple[int, int, int, tuple[int, int]]] = []

    def _tables(self) -> list[str]:
        rels_part = rels_path(self.entry.part)
        if self.book.pkg.get(rels_part) is None:
            return []
        return [
            resolve(self.entry.part, r.target)
            for r in parse_rels(self.book.pkg.text(rels_part))
            if r.type.endswith("/table") and not r.external
        ]

    # ---------------------------------------------------------------- reading

    def _in_merge(self, row: int, col: int) -> bool:
        return any(
            (r1 or 1) <= row <= (r2 or MAX_ROW) and (c1 or 1) <= col <= (c2 or MAX_COL)
            for r1, c1, r2, c2 in self.merged
        )

    def _col_style(self, col: int) -> int:
        return next((s for lo, hi, s in self.col_styles if lo <= col <= hi), 0)

    def _style_at(self, row: int, col: int) -> int:
        found = self.data.rows.get(row)
        own = found.style_of(col) if found else None
        return self._col_style(col) if own is None else own

    def value_of(self, cell: Cell) -> str | float | bool | None:
        kind = cell.kind
        if kind == "inlineStr":
            inner = cell.inline_inner
            return item_text(inner) if inner is not None else None
        raw = cell.value_text
        if raw is None:
            return None
        if kind == "s":
            strings = self.book.strings()
            return strings[int(raw)] if raw.isdigit() and int(raw) < len(strings) else None
        if kind == "b":
            return raw.strip() in ("1", "true")
        if kind in ("str", "e", "d"):
            return raw
        try:
            return float(raw)
        except ValueError:
            return raw

    def _value_at(self, row: int, col: int) -> str | float | bool | None:
        found = self.data.rows.get(row)
        if found is None:
            return None
        if col in found.changes:
            return _read_back(found.changes[col])
        cell = found.cell(col)
        return self.value_of(cell) if cell is not None and not cell.is_empty else None

    def _has_data(self, row: Row, cols: tuple[int, int]) -> bool:
        """A row holds data in these columns: a typed value, or a total of the column above
        (=SUM(M2:M295)); other formulas alone are not data (a row prepared for typing)."""
        if any(cols[0] <= c <= cols[1] for c in row.changes):
            return True
        return any(
            cols[0] <= c <= cols[1]
            and not cell.is_empty
            and (not cell.has_formula or cell.totals_above(row.number))
            for c, cell in row.cells.items()
        )

    # ---------------------------------------------------------------- writing

    def write_cell(
        self,
        row: int,
        col: int,
        value: Value,
        result: Filled,
        appended: bool = False,
        template: int | None = None,
        row_attrs: str = "",
    ) -> bool:
        """Write one value if the cell is empty; report why not otherwise. For an appended row,
        `template` is the row whose styles new cells copy and `row_attrs` its formatting."""
        ref = cell_ref(row, col) if 1 <= col <= MAX_COL and row >= 1 else f"R{row}C{col}"
        if not on_sheet(row, col):
            result.skipped.append(Skipped(self.name, ref, OUT_OF_SHEET))
            return False
        encoded = _encode(value, self.book.date1904)
        if encoded is None:
            return False
        if isinstance(encoded, Refused):
            result.skipped.append(Skipped(self.name, ref, encoded.reason))
            return False
        existing = self.data.rows.get(row)
        cell = existing.cell(col) if existing else None
        if existing is not None and col in existing.changes:
            if not same_value(self._value_at(row, col), encoded.compare):
                result.skipped.append(Skipped(self.name, ref, NOT_EMPTY))
            return False
        if cell is not None and not cell.is_empty:
            if cell.has_formula:
                result.skipped.append(Skipped(self.name, ref, FORMULA))
            elif not same_value(self.value_of(cell), encoded.compare):
                result.skipped.append(Skipped(self.name, ref, NOT_EMPTY))
            return False
        if self.protected:
            result.skipped.append(Skipped(self.name, ref, PROTECTED))
            return False
        if self._in_merge(row, col):
            result.skipped.append(Skipped(self.name, ref, MERGED))
            return False
        style = self._style_for(row, col, existing, cell, template, encoded)
        keep = f' ph="{cell.attrs["ph"]}"' if cell is not None and "ph" in cell.attrs else ""
        s = f' s="{style}"' if style else ""
        t = f' t="{encoded.kind}"' if encoded.kind else ""
        p = self.prefix
        xml = f'<{p}c r="{ref}"{s}{t}{keep}>{_prefixed(encoded.inner, p)}</{p}c>'
        if existing is None:
            existing = self.data.add_row(row, row_attrs)
        existing.changes[col] = xml
        self.written.append((row, col))
        result.written.append(Written(self.name, ref, value, appended))
        return True

    def replace_cell(self, row: int, col: int, old: str, value: Value, result: Filled) -> bool:
        """Rewrite a cell that still holds exactly the text `old` (branchkit's own); any other
        content is a person's and is reported, not touched. Empty: written like any cell."""
        current = self._value_at(row, col)
        if current is None:
            return self.write_cell(row, col, value, result)
        ref = cell_ref(row, col)
        existing = self.data.rows.get(row)
        cell = existing.cell(col) if existing else None
        encoded = _encode(value, self.book.date1904)
        if isinstance(encoded, _Encoded) and same_value(current, encoded.compare):
            return False
        if current != old or cell is None or cell.has_formula or existing is None:
            result.skipped.append(
                Skipped(self.name, ref, FORMULA if cell and cell.has_formula else NOT_EMPTY)
            )
            return False
        if self.protected or self._in_merge(row, col):
            result.skipped.append(Skipped(self.name, ref, PROTECTED if self.protected else MERGED))
            return False
        if isinstance(encoded, Refused):
            result.skipped.append(Skipped(self.name, ref, encoded.reason))
            return False
        if encoded is None:
            return False
        s = f' s="{cell.style}"' if cell.style else ""
        t = f' t="{encoded.kind}"' if encoded.kind else ""
        p = self.prefix
        existing.changes[col] = f'<{p}c r="{ref}"{s}{t}>{_prefixed(encoded.inner, p)}</{p}c>'
        self.written.append((row, col))
        result.written.append(Written(self.name, ref, value))
        return True

    def _style_for(
        self,
        row: int,
        col: int,
        existing: Row | None,
        cell: Cell | None,
        template: int | None,
        encoded: _Encoded,
    ) -> int:
        if cell is not None:
            base = cell.style
        else:
            own = existing.style_of(col) if existing else None
            if own is None and template is not None:
                own = self._style_at(template, col)
            base = self._col_style(col) if own is None else own
        if not encoded.date:
            return base
        styles = self.book.styles()
        if styles.is_date(base):
            return base
        above = self._style_at(row - 1, col) if row > 1 else 0
        if styles.is_date(above):
            return above
        return styles.date_variant(base, encoded.time)

    def append(self, block: NewRows, result: Filled) -> None:
        header = block.header_row
        header_row = self.data.rows.get(header)
        header_cols = [
            c for c, cell in (header_row.cells.items() if header_row else []) if not cell.is_empty
        ]
        value_cols = [c for values in block.rows for c in values]
        if not value_cols:
            return
        cols = (min(header_cols + value_cols), max(header_cols + value_cols))
        last = next(
            (
                n
                for n in sorted(self.data.rows, reverse=True)
                if n > header and self._has_data(self.data.rows[n], cols)
            ),
            header,
        )
        for part in self.tables:
            top, totals, span = _table_header(self.book.pkg.text(part))
            if top == header and totals and span and not (span[1] < cols[0] or span[0] > cols[1]):
                for i, values in enumerate(block.rows):
                    for col in values:
                        result.skipped.append(
                            Skipped(self.name, cell_ref(last + 1 + i, col), TOTALS_ROW)
                        )
                return
        present: dict[tuple[int, ...], set[tuple[object, ...]]] = {}
        template = last if last > header else None
        row_attrs = self._row_attrs(template)
        number = last
        for values in block.rows:
            columns = tuple(block.key) if block.key is not None else tuple(sorted(values))
            if columns not in present:  # the table's keys, read once per set of key columns
                present[columns] = self._keys(columns, header, last)
            key = tuple(row_key(self._new_value(values.get(c))) for c in columns)
            if key in present[columns]:
                continue
            present[columns].add(key)
            number += 1
            self.appended.add(number)
            for col, value in sorted(values.items()):
                self.write_cell(number, col, value, result, True, template, row_attrs)
        if number > last:
            self.growth.append((header, last, number, cols))

    def _keys(self, columns: tuple[int, ...], header: int, last: int) -> set[tuple[object, ...]]:
        """The key of every row of the table (header, last], read a column at a time."""
        by_column = [self.data.column(c) for c in columns]
        numbers = {n for cells in by_column for n in cells if header < n <= last}
        numbers |= {
            n
            for n, row in self.data.rows.items()
            if header < n <= last and any(c in row.changes for c in columns)
        }
        keys = set()
        for n in numbers:
            key = []
            for c, cells in zip(columns, by_column, strict=True):
                row = self.data.rows.get(n)
                if row is not None and c in row.changes:
                    key.append(row_key(_read_back(row.changes[c])))
                    continue
                cell = cells.get(n)
                empty = cell is None or cell.is_empty
                key.append(None if empty else row_key(self.value_of(cell)))  # type: ignore[arg-type]
            keys.add(tuple(key))
        return keys

    def _new_value(self, value: Value | None) -> str | float | bool | None:
        """A value as it would read back once written (dates as day numbers)."""
        encoded = _encode(value, self.book.date1904) if value is not None else None
        return encoded.compare if isinstance(encoded, _Encoded) else None

    def _row_attrs(self, template: int | None) -> str:
        """The new row's formatting and height, copied from the row above."""
        if template is None or template not in self.data.rows:
            return ""
        a = self.data.rows[template].attrs
        kept = [
            f' {k}="{escape(a[k])}"' for k in ("s", "customFormat", "ht", "customHeight") if k in a
        ]
        return "".join(kept)

    def grow_rows(self, row_height: Callable[[str, float], float]) -> None:
        """Rows fill wrote text into a wrapping cell of are as tall as that text needs: a row it
        added, one at the sheet's default height, or one whose height fill itself set; never
        lower, and never a row whose height a person set.

        A height fill set is one that fits a text the row held before this run (the text it
        was set for, say last run's shorter 〔自动〕 feedback): a person's height rarely fits a
        text to the point, and one that does was set for that text to show, as fill's was.
        Any other custom height is a person's."""
        styles = self.book.styles()
        for number in sorted({row for row, _ in self.written}):
            row = self.data.rows[number]
            need = max(
                (
                    row_height(text, self._width(col))
                    for col, xml in row.changes.items()
                    if isinstance(text := _read_back(xml), str) and styles.wraps(_style_attr(xml))
                ),
                default=0.0,
            )
            if need <= self.default_height:
                continue
            height = _number_or(row.attrs.get("ht"), 0.0)
            custom = row.attrs.get("customHeight") in ("1", "true")
            if custom and number not in self.appended and not self._fits(row, height, row_height):
                continue  # a person's height
            if number in self.appended or need > height:
                row.height = need

    def _fits(self, row: Row, height: float, row_height: Callable[[str, float], float]) -> bool:
        """Whether `height` is what one of the row's wrapping texts, as it was before this run,
        needs (the height fill gives a row for its text)."""
        styles = self.book.styles()
        for col, cell in row.cells.items():
            if cell.is_empty or not styles.wraps(cell.style):
                continue
            text = self.value_of(cell)
            if isinstance(text, str) and abs(row_height(text, self._width(col)) - height) < 0.01:
                return True
        return False

    def _width(self, col: int) -> float:
        return next((w for lo, hi, w in self.col_widths if lo <= col <= hi), self.default_width)

    def finish(self) -> str | None:
        """The edited sheet XML, or None when nothing was written."""
        if not self.written:
            return None
        head, sheet_data, tail = self.data.render()
        head = self._grow_dimension(head)
        for header, old_last, new_last, cols in self.growth:
            tail, filter_grown = grow_sheet_ranges(tail, header, old_last, new_last, cols)
            if filter_grown:
                self.book.grow_filter_name(self.entry, *filter_grown)
            for part in self.tables:
                table_xml = self.book.pkg.text(part)
                grown = grow_table(table_xml, header, old_last, new_last, cols)
                if grown != table_xml:
                    check_xml(self.book.pkg, [part], "")
                    self.book.pkg.put(part, grown)
                    self.book.edited.append(part)
        return head + sheet_data + tail

    def _grow_dimension(self, xml: str) -> str:
        found = re.search(r'(<(?:\w+:)?dimension\b[^>]*?\bref=")([^"]*)(")', xml)
        if not found:
            return xml
        rows = [r for r, _ in self.written]
        cols = [c for _, c in self.written]
        bounds = split_range(found.group(2).split()[0]) if found.group(2).strip() else None
        if bounds:
            rows += [n for n in (bounds[0], bounds[2]) if n is not None]
            cols += [n for n in (bounds[1], bounds[3]) if n is not None]
        new = range_ref(min(rows), min(cols), max(rows), max(cols))
        return xml[: found.start(2)] + new + xml[found.end(2) :]


def _number_or(text: str | None, default: float) -> float:
    try:
        return float(text) if text else default
    except ValueError:
        return default


def _style_attr(cell_xml: str) -> int:
    found = re.search(r'<(?:\w+:)?c\b[^>]*?\bs="(\d+)"', cell_xml)
    return int(found.group(1)) if found else 0


def _absolute(ref: str) -> str:
    return re.sub(r"([A-Z]+)(\d+)", r"$\1$\2", ref)


def _read_back(cell_xml: str) -> str | float | bool | None:
    """The value of a cell this run wrote (for a second edit of the same cell)."""
    match = re.search(r"<(?:\w+:)?c\b[^>]*>", cell_xml)
    kind = attrs(match.group()).get("t", "n") if match else "n"
    if kind == "inlineStr":
        return item_text(cell_xml)
    value = re.search(r"<(?:\w+:)?v>([^<]*)<", cell_xml)
    if value is None:
        return None
    if kind == "b":
        return value.group(1) == "1"
    return float(value.group(1))


# ---------------------------------------------------------------- the workbook


class _Book:
    def __init__(self, pkg: Package) -> None:
        self.pkg = pkg
        self.wb_part = workbook_part(pkg)
        self.wb_rels_part = rels_path(self.wb_part)
        wb_xml = pkg.text(self.wb_part)
        self.entries = sheet_entries(pkg, self.wb_part)
        self.date1904 = bool(
            re.search(r'<(?:\w+:)?workbookPr\b[^>]*\bdate1904="(?:1|true)"', wb_xml)
        )
        self.edited: list[str] = []
        self._styles: CellStyles | None = None
        self._styles_part: str | None = None
        self._strings: list[str] | None = None

    def sheet(self, name: str) -> _Sheet:
        entry = next((e for e in self.entries if e.name == name), None)
        if entry is None:
            raise PackageError(f"工作簿中没有工作表“{name}”")
        return _Sheet(self, entry)

    def strings(self) -> list[str]:
        if self._strings is None:
            rels = self.pkg.text(self.wb_rels_part)
            part = next(
                (
                    resolve(self.wb_part, r.target)
                    for r in parse_rels(rels)
                    if r.type.endswith("/sharedStrings")
                ),
                None,
            )
            content = self.pkg.get(part) if part else None
            self._strings = shared_string_texts(content.decode("utf-8")) if content else []
        return self._strings

    def styles(self) -> CellStyles:
        if self._styles is None:
            self._styles_part = ensure_styles_part(self.pkg, self.wb_part)
            check_xml(self.pkg, [self._styles_part], "")
            self._styles = CellStyles(self.pkg.text(self._styles_part))
        return self._styles

    def grow_filter_name(self, entry: SheetEntry, old: str, new: str) -> None:
        """The hidden name Excel keeps for a sheet's autofilter follows the autofilter."""
        xml = self.pkg.text(self.wb_part)
        position = self.entries.index(entry)
        for tag in defined_names(xml):
            if (
                "_xlnm._FilterDatabase" in tag
                and f'localSheetId="{position}"' in tag
                and _absolute(old) in tag
            ):
                check_xml(self.pkg, [self.wb_part], "")
                xml = xml.replace(tag, tag.replace(_absolute(old), _absolute(new)), 1)
                self.pkg.put(self.wb_part, xml)
                self.edited.append(self.wb_part)

    def finish(self) -> None:
        if self._styles is not None and self._styles.changed and self._styles_part:
            self.pkg.put(self._styles_part, self._styles.xml)
            self.edited.append(self._styles_part)
        check_xml(self.pkg, self.edited, "修改后")
        self.pkg.keep_unchanged()


# ---------------------------------------------------------------- the entry point


def fill_cells(pkg: Package, edits: Iterable[SheetFill]) -> Filled:
    """Write the edits into the package's sheets (see SheetFill and NewRows); returns every cell
    written and every cell skipped with its reason. Nothing a person typed is changed: a second
    run with the same edits writes nothing and reports the same skips."""
    book = _Book(pkg)
    result = Filled()
    for edit in edits:
        sheet = book.sheet(edit.sheet)
        for (row, col), value in edit.cells.items():
            sheet.write_cell(row, col, value, result)
        for (row, col), (old, value) in edit.replace.items():
            sheet.replace_cell(row, col, old, value, result)
        for block in edit.append:
            sheet.append(block, result)
        if edit.row_height is not None:
            sheet.grow_rows(edit.row_height)
        xml = sheet.finish()
        if xml is not None:
            pkg.put(sheet.entry.part, xml)
            book.edited.append(sheet.entry.part)
    book.finish()
    return result
