"""The sheet writer builds cell XML column by column from format templates; whatever a table
holds must read back as the same value in the same cell."""

from __future__ import annotations

import datetime as dt
import io
import math
import zipfile
from xml.etree import ElementTree

import numpy as np
import openpyxl
from branchkit.render.spec import Col, SheetSpec, Table
from branchkit.render.xlsx import build
from hypothesis import given, settings
from hypothesis import strategies as st

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
PRESERVE = "{http://www.w3.org/XML/1998/namespace}space"
TEXT = st.one_of(
    st.text(st.characters(blacklist_categories=("Cs", "Cc")), max_size=12),
    st.sampled_from(
        ["a&b", "<t>", " 前导空格", "结尾空格 ", "两\n行", "{0}", "{1!r}", "", "张三", "\u3000"]
    ),
)
VALUE = st.one_of(
    st.none(),
    TEXT,
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(-(10**6), 10**6),
    st.integers(2**53 + 1, 2**60).filter(lambda n: float(n) != n),  # beyond a float
    st.floats(allow_nan=False, allow_infinity=False).map(np.float64),  # pandas hands these out
    st.booleans(),
    st.dates(dt.date(1990, 1, 1), dt.date(2100, 12, 31)),
)
# Columns drawn by kind too, so whole-column fast paths (all text, all finite numbers) are hit.
COLUMN = st.one_of(
    st.lists(TEXT, min_size=1, max_size=6),
    st.lists(st.floats(allow_nan=False, allow_infinity=False), min_size=1, max_size=6),
    st.lists(st.floats(), min_size=1, max_size=6),
    st.lists(VALUE, min_size=1, max_size=6),
)


def _expected(value: object) -> object:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, dt.date):
        return float((value - dt.date(1899, 12, 30)).days)
    return value


@settings(max_examples=200, deadline=None)
@given(st.lists(COLUMN, min_size=1, max_size=4), st.integers(0, 2))
def test_every_table_value_reads_back_in_its_cell(columns: list[list[object]], short: int) -> None:
    height = min(map(len, columns))
    rows = [[column[r] for column in columns] for r in range(height)]
    if short and rows:
        rows[-1] = rows[-1][: len(columns) - 1]  # a short row is padded with empty cells
    table = Table([Col(f"列{i}", "amount") for i in range(len(columns))], rows)
    data = build([SheetSpec("表", "标题", "副标题", [table])])
    _check_whitespace_is_kept(data)
    book = openpyxl.load_workbook(io.BytesIO(data))
    sheet = book["表"]
    header_row = 4  # title, subtitle, a blank row, then the header
    assert [sheet.cell(header_row, c + 1).value for c in range(len(columns))] == [
        f"列{i}" for i in range(len(columns))
    ]
    for r, row in enumerate(rows):
        padded = row + [None] * (len(columns) - len(row))
        got = [sheet.cell(header_row + 1 + r, c + 1).value for c in range(len(columns))]
        assert got == [_expected(v) for v in padded]


def _check_whitespace_is_kept(data: bytes) -> None:
    """Excel trims text at its edges unless the element says xml:space="preserve"."""
    with zipfile.ZipFile(io.BytesIO(data)) as package:
        root = ElementTree.fromstring(package.read("xl/worksheets/sheet1.xml"))
    for element in root.iter(f"{{{MAIN}}}t"):
        text = element.text or ""
        if text[:1].isspace() or text[-1:].isspace() or "\n" in text:
            assert element.get(PRESERVE) == "preserve", text
