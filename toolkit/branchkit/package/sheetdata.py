"""A worksheet's <sheetData> edited row by row, as text.

Only the rows that gain a value are rebuilt, and in them only the cells that gain one; every other
row keeps the exact bytes the other program wrote. Rows and cells may omit their `r` address
(then each is the one after the previous), and may carry a prefix (`<x:row>`).

A tracking sheet can have a hundred thousand rows: rows are found with plain string search and
their cells are only parsed when a row is read or written.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from html import unescape

from ..a1 import column_index, column_letter, split_ref
from .errors import PackageError
from .sharedstrings import item_text
from .xmltext import attrs

_SHEET_DATA = re.compile(r"<((?:\w+:)?)sheetData\b[^>]*?(/?)>")
_CELL = re.compile(r"<(?:\w+:)?c\b[^>]*?(?:/>|>.*?</(?:\w+:)?c>)", re.S)
_START = re.compile(r"<(?:\w+:)?\w+\b[^>]*?/?>")
_ROW_NUMBER = re.compile(r'\sr\s*=\s*"(\d+)"')
_CELL_WITHOUT_REF = re.compile(r"<(?:\w+:)?c(?=[\s/>])(?![^>]*\sr\s*=)")
_CHILD = r"<(?:\w+:)?{0}\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?{0}>)"
_FORMULA = re.compile(_CHILD.format("f"), re.S)
# A range of this sheet: one qualified by a sheet's name (产品!$A$2:$C$50) is another's.
_RANGE = re.compile(r"(?<![!\w$])\$?([A-Z]{1,3})\$?(\d+):\$?([A-Z]{1,3})\$?(\d+)")
# Any cell reference's row number (a formula that reads its own row is that row's, not a total)
_OWN_ROW = re.compile(r"(?<![\w$])\$?[A-Z]{1,3}\$?(\d+)(?![\w(])")
_VALUE = re.compile(_CHILD.format("v"), re.S)
_INLINE = re.compile(_CHILD.format("is"), re.S)
_TYPE = re.compile(r'\st\s*=\s*"([^"]*)"')
_SPACE = " \t\r\n"
# A cell's address as Excel writes it (r="C12", its only attribute ending in r): its column's
# letters, read without parsing every attribute of every cell of a row (fill reads hundreds).
_PLAIN_ADDRESS = re.compile(r'\sr="([A-Z]{1,3})[0-9]+"')


@lru_cache(maxsize=256)
def _column_number(letters: str) -> int:
    return column_index(letters)


@dataclass
class Cell:
    """One existing <c> element of a row."""

    col: int
    text: str
    start: int  # in the row's text
    end: int
    prefix: str = ""

    @cached_property
    def attrs(self) -> dict[str, str]:
        return attrs(_START.match(self.text).group())  # type: ignore[union-attr]

    @property
    def kind(self) -> str:
        """The t attribute: s (shared string), inlineStr, str, b, e, d, or n (a number)."""
        text = self.text
        tag_end = text.find(">")
        at = text.find(' t="', 0, tag_end)
        if at >= 0:
            return text[at + 4 : text.find('"', at + 4)]
        found = _TYPE.search(text, 0, tag_end) if "t" in text[:tag_end] else None
        return found.group(1) if found else "n"

    @property
    def style(self) -> int:
        value = self.attrs.get("s", "0")
        return int(value) if value.isdigit() else 0

    @cached_property
    def _content(self) -> tuple[bool, str | None, str | None]:
        """(has a formula, the text of <v>, the XML inside <is>), found with plain string search."""
        text, p = self.text, self.prefix
        if text.endswith("/>"):
            return False, None, None
        formula = f"<{p}f" in text and _FORMULA.search(text) is not None
        value = inline = None
        start = text.find(f"<{p}v>")
        if start >= 0:
            end = text.find(f"</{p}v>", start)
            value = unescape(text[start + len(p) + 3 : end]) if end > start else None
        elif f"<{p}v" in text:
            found = _VALUE.search(text)
            value = unescape(found.group(1)) if found and found.group(1) else None
        start = text.find(f"<{p}is>")
        if start >= 0:
            end = text.find(f"</{p}is>", start)
            inline = text[start + len(p) + 4 : end] if end > start else None
        elif f"<{p}is" in text:
            found = _INLINE.search(text)
            inline = found.group(1) if found and found.group(1) else None
        return formula, value or None, inline

    @property
    def has_formula(self) -> bool:
        return self._content[0]

    def totals_above(self, row: int) -> bool:
        """A formula over this cell's own column in rows above it (=SUM(M2:M295) in M297): a
        totals row a person keeps below a table, not a row waiting to be filled."""
        if not self.has_formula:
            return False
        found = _FORMULA.search(self.text)
        formula = found.group(1) if found else None
        if not formula or any(int(n) == row for n in _OWN_ROW.findall(formula)):
            # =IF(C296="","",MAX(A$1:A295)+1): a numbering prepared for the row, not a total
            return False
        for first_col, first_row, last_col, last_row in _RANGE.findall(formula):
            top, bottom = int(first_row), int(last_row)
            left, right = sorted((column_index(first_col), column_index(last_col)))
            if left <= self.col <= right and top < bottom < row:
                return True
        return False

    @property
    def value_text(self) -> str | None:
        """The text of <v>, or None when there is no value."""
        return self._content[1]

    @property
    def inline_inner(self) -> str | None:
        return self._content[2]

    @property
    def is_empty(self) -> bool:
        """No formula, no value, no inline text: a blank cell that only carries a style."""
        formula, value, inline = self._content
        if formula or value is not None:
            return False
        return inline is None or item_text(inline) == ""


@dataclass
class Row:
    """A <row>: an original one (kept as written until a cell changes) or one we add."""

    number: int
    source: str  # the sheet XML it is in (or its own text, for a new row)
    span: tuple[int, int] | None  # where it is in `source`; None for a new row
    prefix: str
    changes: dict[int, str] = field(default_factory=dict)  # column -> new <c> element
    height: float | None = None  # a new height (points) for a row that holds new text

    @cached_property
    def text(self) -> str:
        return self.source if self.span is None else self.source[self.span[0] : self.span[1]]

    @cached_property
    def start_tag(self) -> str:
        return _START.match(self.text).group()  # type: ignore[union-attr]

    @cached_property
    def attrs(self) -> dict[str, str]:
        return attrs(self.start_tag)

    @cached_property
    def cells(self) -> dict[int, Cell]:
        """Every cell of the row by column (parsed on first use)."""
        if self.start_tag.endswith("/>"):
            return {}
        found: dict[int, Cell] = {}
        col = 0
        for match in _CELL.finditer(self.text, len(self.start_tag)):
            text = match.group()
            head = text[: text.find(">")]
            plain = _PLAIN_ADDRESS.search(head)
            if plain is not None and head.count('r="') == 1:  # as Excel writes it: r="C12"
                col = _column_number(plain.group(1))
            else:
                tag = attrs(_START.match(text).group())  # type: ignore[union-attr]
                ref = split_ref(tag["r"]) if "r" in tag else None
                col = ref[1] if ref else col + 1
            found[col] = Cell(col, text, match.start(), match.end(), self.prefix)
        return found

    def cell(self, col: int) -> Cell | None:
        """One cell, found by its address without parsing the others when the row allows."""
        if "cells" in self.__dict__ or self.start_tag.endswith("/>"):
            return self.cells.get(col)
        text, p = self.text, self.prefix
        at = text.find(f'r="{column_letter(col)}{self.number}"', len(self.start_tag))
        if at < 0:
            return None if _CELL_WITHOUT_REF.search(text) is None else self.cells.get(col)
        start = text.rfind("<", 0, at)
        opening = f"<{p}c"
        if not (
            text.startswith(opening, start)
            and text[start + len(opening)] in _SPACE
            and ">" not in text[start:at]
        ):
            return self.cells.get(col)  # the text was in a value, not an address
        tag_end = text.find(">", at)
        if text[tag_end - 1] == "/":
            end = tag_end + 1
        else:
            close = text.find(f"</{p}c>", tag_end)
            if close < 0:
                return self.cells.get(col)
            end = close + len(p) + 4
        return Cell(col, text[start:end], start, end, p)

    def style_of(self, col: int) -> int | None:
        """The style a cell of this row shows: its own, else the row's when the row is formatted;
        None when neither says (the column's style then applies)."""
        cell = self.cell(col)
        if cell is not None:
            return cell.style
        if self.attrs.get("customFormat") in ("1", "true") and self.attrs.get("s", "").isdigit():
            return int(self.attrs["s"])
        return None

    def render(self) -> str:
        if not self.changes:
            return self.text
        start = self.start_tag
        if self.height is not None:  # ht and customHeight replaced, or added after r=
            start = re.sub(r'\s(?:ht|customHeight)="[^"]*"', "", start)
            start = re.sub(
                r'(\br="\d+")', rf'\1 ht="{self.height:g}" customHeight="1"', start, count=1
            )
        columns = [*self.cells, *self.changes]
        spans = self.attrs.get("spans")
        if spans and re.fullmatch(r"[\d: ]+", spans):
            bounds = [int(n) for n in re.findall(r"\d+", spans)] + columns
            start = start.replace(f'spans="{spans}"', f'spans="{min(bounds)}:{max(bounds)}"', 1)
        if start.endswith("/>"):
            start = start[:-2].rstrip() + ">"
            inner_start = inner_end = len(self.start_tag)
            tail = f"</{self.prefix}row>"
        else:
            inner_start = len(self.start_tag)
            inner_end = self.text.rindex("</")
            tail = self.text[inner_end:]
        pieces = [start]
        position = inner_start
        inserts = sorted(c for c in self.changes if c not in self.cells)
        for cell in sorted(self.cells.values(), key=lambda c: c.start):
            pieces.append(self.text[position : cell.start])
            while inserts and inserts[0] < cell.col:
                pieces.append(self.changes[inserts.pop(0)])
            pieces.append(self.changes.get(cell.col, cell.text))
            position = cell.end
        pieces.extend(self.changes[c] for c in inserts)  # after the last cell, before any extLst
        pieces.append(self.text[position:inner_end])
        pieces.append(tail)
        return "".join(pieces)


# Markup among the cells that is valid XML but that Excel never writes: a comment, a CDATA
# section or a processing instruction holding '<', an attribute in single quotes. This editor
# finds rows and cells by their text, so inside such markup it could write a cell into a person's
# text or beside the row it meant (and a comment full of "<c" made finding cells take minutes):
# a sheet holding any of it is refused, with a message, before anything is planned. A CDATA
# section of plain text (<t><![CDATA[张三]]></t>, as some exporters write) is no such risk.
_UNEXPECTED = (("<!--", "-->", "注释"), ("<![CDATA[", "]]>", "CDATA 段"), ("<?", "?>", "处理指令"))
_SINGLE_QUOTED = re.compile(r"<[^<>]*?\s[\w:.-]+\s*=\s*'")


def _refuse_unexpected_markup(xml: str, start: int, end: int) -> None:
    """Comments, CDATA and processing instructions anywhere in the part (one holding a
    '<sheetData>' ahead of the real one would take the cells' place); single quotes among the
    cells, `start` to `end`."""
    found = [
        what for mark, close, what in _UNEXPECTED if _holds_markup(xml, 0, len(xml), mark, close)
    ]
    if ("='" in xml or "= '" in xml) and _SINGLE_QUOTED.search(xml, start, end):
        found.append("单引号写的属性")
    if found:
        raise PackageError(
            f"工作表里有{'、'.join(found)}（Excel 不会这样写），branchkit 不改写这样的工作表："
            "请在 Excel 或 WPS 中打开后另存为 .xlsx，再运行"
        )


def _holds_markup(xml: str, start: int, end: int, mark: str, close: str) -> bool:
    """Some `mark`...`close` section between `start` and `end` holds '<' (or is not closed)."""
    at = xml.find(mark, start, end)
    while at >= 0:
        inner = at + len(mark)
        stop = xml.find(close, inner, end)
        if stop < 0 or xml.find("<", inner, stop) >= 0:
            return True
        at = xml.find(mark, stop + len(close), end)
    return False


class SheetData:
    """The rows of one worksheet's XML, editable; `render()` gives the whole part back."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        found = _SHEET_DATA.search(xml)
        if not found:
            raise PackageError("工作表缺少 <sheetData>")
        self.prefix = found.group(1)
        self.open_tag = found
        if found.group(2):
            self.body_start = self.body_end = found.end()
        else:
            self.body_start = found.end()
            close = xml.find(f"</{self.prefix}sheetData>", self.body_start)
            if close < 0:
                raise PackageError("工作表的 <sheetData> 不完整")
            self.body_end = close
        _refuse_unexpected_markup(xml, self.body_start, self.body_end)
        self.rows: dict[int, Row] = {}
        self.order: list[Row] = []
        self._addressed_rows = 0
        self._find_rows()
        self._cells_without_address: bool | None = None

    def _find_rows(self) -> None:
        xml, p = self.xml, self.prefix
        opening, closing = f"<{p}row", f"</{p}row>"
        position, number = self.body_start, 0
        while True:
            start = xml.find(opening, position, self.body_end)
            if start < 0:
                return
            if xml[start + len(opening)] not in _SPACE + ">/":
                position = start + 1
                continue
            tag_end = xml.find(">", start)
            if xml[tag_end - 1] == "/":
                end = tag_end + 1
            else:
                close = xml.find(closing, tag_end, self.body_end)
                if close < 0:
                    raise PackageError("工作表中有不完整的 <row>")
                end = close + len(closing)
            at = xml.find(' r="', start, tag_end)
            if at >= 0 and xml[at + 4 : xml.find('"', at + 4)].isdigit():
                number = int(xml[at + 4 : xml.find('"', at + 4)])
                self._addressed_rows += 1
            else:
                found = _ROW_NUMBER.search(xml, start, tag_end)
                number = int(found.group(1)) if found else number + 1
                self._addressed_rows += found is not None
            row = Row(number, xml, (start, end), p)
            self.rows.setdefault(number, row)
            self.order.append(row)
            position = end

    def column(self, col: int) -> dict[int, Cell]:
        """The original cells of one column by row number, in one pass over the sheet (a key
        column of a long table is read without parsing every row)."""
        if not self._every_cell_addressed():
            return {n: c for n, row in self.rows.items() if (c := row.cell(col)) is not None}
        xml, p = self.xml, self.prefix
        needle, opening, closing = f'r="{column_letter(col)}', f"<{p}c", f"</{p}c>"
        found: dict[int, Cell] = {}
        position = self.body_start
        while True:
            at = xml.find(needle, position, self.body_end)
            if at < 0:
                return found
            digits = at + len(needle)
            position = digits
            if not xml[digits].isdigit() or xml[at - 1] not in _SPACE:
                continue
            start = xml.rfind("<", self.body_start, at)
            if not (
                xml.startswith(opening, start)
                and xml[start + len(opening)] in _SPACE
                and ">" not in xml[start:at]
            ):
                continue
            number_end = xml.find('"', digits)
            tag_end = xml.find(">", number_end)
            end = tag_end + 1 if xml[tag_end - 1] == "/" else xml.find(closing, tag_end)
            if end < 0:
                continue
            end = end if xml[tag_end - 1] == "/" else end + len(closing)
            found[int(xml[digits:number_end])] = Cell(col, xml[start:end], -1, -1, p)
            position = end

    def _every_cell_addressed(self) -> bool:
        """Excel gives every cell its address; some writers leave it out. Counting both in the
        sheet tells which (text that merely contains ' r="' only makes this say no)."""
        if self._cells_without_address is None:
            xml, p, start, end = self.xml, self.prefix, self.body_start, self.body_end
            cells = xml.count(f"<{p}c ", start, end) + xml.count(f"<{p}c>", start, end)
            cells += xml.count(f"<{p}c/", start, end) + xml.count(f"<{p}c\n", start, end)
            addresses = xml.count(' r="', start, end) - self._addressed_rows
            self._cells_without_address = addresses != cells
        return not self._cells_without_address

    def add_row(self, number: int, row_attrs: str) -> Row:
        """A new, empty row (its cells are added as changes)."""
        if number in self.rows:
            raise ValueError(f"row {number} exists")
        row = Row(number, f'<{self.prefix}row r="{number}"{row_attrs}/>', None, self.prefix)
        self.rows[number] = row
        return row

    def render(self) -> tuple[str, str, str]:
        """The sheet XML as (before <sheetData>, <sheetData> with changed rows rebuilt and new
        rows in their place by number, after it)."""
        xml = self.xml
        head = xml[: self.open_tag.start()]
        new = sorted((r for r in self.rows.values() if r.span is None), key=lambda r: r.number)
        if self.open_tag.group(2):  # <sheetData/>
            tag = self.open_tag.group()
            middle = (
                tag
                if not new
                else "".join(
                    [
                        tag[:-2].rstrip() + ">",
                        *(r.render() for r in new),
                        f"</{self.prefix}sheetData>",
                    ]
                )
            )
            return head, middle, xml[self.open_tag.end() :]
        close = self.body_end + len(f"</{self.prefix}sheetData>")
        pieces = [xml[self.open_tag.start() : self.body_start]]
        position = self.body_start
        waiting = list(new)
        for row in self.order:
            assert row.span is not None
            if row.changes or (waiting and waiting[0].number < row.number):
                pieces.append(xml[position : row.span[0]])
                while waiting and waiting[0].number < row.number:
                    pieces.append(waiting.pop(0).render())
                pieces.append(row.render())
                position = row.span[1]
        pieces.append(xml[position : self.body_end])
        pieces.extend(r.render() for r in waiting)
        pieces.append(xml[self.body_end : close])
        return head, "".join(pieces), xml[close:]
