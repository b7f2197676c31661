"""The Excel buttons draw the same charts as the file path: on the rows the grid keeps free for
them, from the same cells, once however often the button is clicked."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path
from unittest import mock

from branchkit import excel, jobs

from .conftest import SAMPLE
from .test_excel_buttons import DAY, _open_book
from .xlwings_standin import Book


def _click_refresh(book: Book) -> None:
    with mock.patch("xlwings.Book.caller", return_value=book):
        excel.refresh()


def _file_chart_ranges(path: Path, sheet: str) -> list[list[str]]:
    """Per chart of `sheet` in the refreshed file: its category and value ranges, header row
    included, as the buttons pass them to Excel ($B$11:$B$21)."""
    with zipfile.ZipFile(path) as zf:
        workbook = zf.read("xl/workbook.xml").decode()
        rid = re.search(rf'<sheet [^>]*name="{sheet}"[^>]*r:id="([^"]+)"', workbook)
        assert rid, sheet
        targets = zf.read("xl/_rels/workbook.xml.rels").decode()
        part = re.search(rf'Id="{rid.group(1)}"[^>]*Target="([^"]+)"', targets) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid.group(1)}"', targets
        )
        assert part, sheet
        name = part.group(1).lstrip("/").removeprefix("xl/")
        rels = zf.read(f"xl/{name.replace('worksheets/', 'worksheets/_rels/')}.rels").decode()
        drawing = re.search(r'Target="[^"]*drawings/([^"]+)"', rels)
        assert drawing, sheet
        drawing_rels = zf.read(f"xl/drawings/_rels/{drawing.group(1)}.rels").decode()
        found = []
        for chart in re.findall(r'Target="[^"]*charts/([^"]+)"', drawing_rels):
            xml = zf.read(f"xl/charts/{chart}").decode()
            cat = re.search(r"<c:cat>.*?<c:f>[^!]*!([^<]+)</c:f>", xml, re.S)
            values = re.findall(r"<c:val>.*?<c:f>[^!]*!([^<]+)</c:f>", xml, re.S)
            assert cat and values
            found.append([_with_header(cat.group(1)), *map(_with_header, values)])
    return found


def _with_header(cells: str) -> str:
    found = re.fullmatch(r"\$([A-Z]+)\$(\d+):\$[A-Z]+\$(\d+)", cells)
    assert found, cells
    col, first, last = found.groups()
    return f"${col}${int(first) - 1}:${col}${last}"


def test_the_buttons_draw_the_charts_of_the_file_from_the_same_cells(sample_copy: Path) -> None:
    jobs.refresh(sample_copy, DAY)
    book = _open_book(SAMPLE)
    _click_refresh(book)
    for name in ("排行榜", "转介质量"):
        drawn = book.sheets[name].charts.items
        assert [c.source.split(",") for c in drawn] == _file_chart_ranges(sample_copy, name)
        assert all(c.chart_type == "bar_clustered" for c in drawn)
        tops = [c.position[1] for c in drawn]
        assert tops == sorted(tops) and all(t > 0 for t in tops)


def test_a_second_click_leaves_one_chart_each() -> None:
    book = _open_book(SAMPLE)
    _click_refresh(book)
    first = [(c.source, c.position) for c in book.sheets["排行榜"].charts.items]
    _click_refresh(book)
    assert [(c.source, c.position) for c in book.sheets["排行榜"].charts.items] == first
