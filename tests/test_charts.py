"""Native charts that read the same in every program: labels that say only the value, caches that
hold the very values of the cells they point at, amounts and counts never on one axis, and
closed days left out of the weekly trend rather than drawn as zero.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from branchkit import jobs
from branchkit.figures import compute
from branchkit.read import Book, load_book, read_book
from branchkit.render.weekly import weekly_sheets
from branchkit.render.xlsx import build
from branchkit.weekly import build as build_weekly
from branchkit.weekly import open_days
from python_calamine import CalamineWorkbook

from . import test_figures_golden as golden
from .conftest import SAMPLE

C = "{http://schemas.openxmlformats.org/drawingml/2006/chart}"
DAY = dt.date(2026, 11, 20)
LABEL_PARTS = [
    ("showLegendKey", "0"),
    ("showVal", "1"),
    ("showCatName", "0"),
    ("showSerName", "0"),
    ("showPercent", "0"),
    ("showBubbleSize", "0"),
]


def _workbook(specs: list) -> bytes:
    return build(specs)


@pytest.fixture(scope="module")
def books() -> dict[str, bytes]:
    book = read_book(SAMPLE)
    weekly = build_weekly(book, jobs.figures(book, dt.date(2026, 11, 22)), "2026-W47")
    return {
        "tabs": _workbook(jobs.refresh_specs(book, DAY)),
        "weekly": _workbook(weekly_sheets(weekly)),
    }


def _charts(data: bytes) -> list[ElementTree.Element]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = sorted(n for n in zf.namelist() if re.fullmatch(r"xl/charts/chart\d+\.xml", n))
        return [ElementTree.fromstring(zf.read(n)) for n in names]


def _cells(data: bytes, reference: str) -> list:
    """The values of a chart's range (排行榜!$D$12:$D$21) as a reader of the workbook sees them."""
    sheet, cells = reference.rsplit("!", 1)
    sheet = sheet.strip("'").replace("''", "'")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_name(sheet).to_python()
    found = re.fullmatch(r"\$([A-Z]+)\$(\d+)(?::\$([A-Z]+)\$(\d+))?", cells)
    assert found, reference
    col = sum((ord(ch) - 64) * 26**i for i, ch in enumerate(reversed(found.group(1)))) - 1
    first, last = int(found.group(2)), int(found.group(4) or found.group(2))
    return [rows[r - 1][col] if col < len(rows[r - 1]) else "" for r in range(first, last + 1)]


def _cache(ref: ElementTree.Element) -> tuple[int, dict[int, str]]:
    count = ref.find(f".//{C}ptCount")
    assert count is not None, "no cache"
    points = {int(pt.get("idx", "-1")): pt.findtext(f"{C}v", "") for pt in ref.iter(f"{C}pt")}
    return int(count.get("val", "0")), points


@pytest.mark.parametrize("which", ["tabs", "weekly"])
def test_every_cache_holds_the_values_of_its_cells(books: dict[str, bytes], which: str) -> None:
    data = books[which]
    charts = _charts(data)
    assert charts
    for chart in charts:
        for ref in [*chart.iter(f"{C}numRef"), *chart.iter(f"{C}strRef")]:
            formula = ref.findtext(f"{C}f", "")
            values = _cells(data, formula)
            count, points = _cache(ref)
            assert count == len(values), formula
            for idx, value in enumerate(values):
                if value in ("", None):
                    assert idx not in points, formula  # an empty cell is a gap, not a 0
                elif isinstance(value, float):
                    assert float(points[idx]) == pytest.approx(value), formula
                else:
                    assert points[idx] == str(value), formula


@pytest.mark.parametrize("which", ["tabs", "weekly"])
def test_data_labels_say_only_the_value(books: dict[str, bytes], which: str) -> None:
    labelled = 0
    for chart in _charts(books[which]):
        for labels in chart.iter(f"{C}dLbls"):
            parts = [(el.tag.removeprefix(C), el.get("val")) for el in labels]
            assert [p for p in parts if p[0].startswith("show")] == LABEL_PARTS
            labelled += 1
    assert labelled


def test_amounts_and_counts_never_share_an_axis(books: dict[str, bytes]) -> None:
    sales = []
    for chart in _charts(books["weekly"]):
        names = [
            (tx.findtext(f".//{C}v") or "")
            for ser in chart.iter(f"{C}ser")
            for tx in ser.findall(f"{C}tx")
        ]
        units = {found[1] for name in names if (found := re.search(r"\((.+)\)$", name))}
        title = "".join(t.text or "" for t in chart.findall(f"{C}chart/{C}title//{{*}}t"))
        if not title.startswith("每日"):
            continue  # the trend's charts; a ranking's completion rates have no unit
        axis = chart.find(f".//{C}valAx/{C}title")
        assert axis is not None, "a value axis without its unit"
        unit = "".join(t.text or "" for t in axis.findall(".//{*}t"))
        assert unit and all(u in unit for u in units), (unit, units)
        if units:
            sales.append(unit)
            assert units <= {"万元"} or units <= {"元"} or units <= {"张", "户", "笔"}, units
    # the sample sells in 万元 and in 张 / 户 (its small 万元 lines on a chart of their own)
    assert set(sales) == {"万元", "张/户/笔"}


def _golden_book(calendar: list[list[object]]) -> Book:
    raw = golden._raw()
    raw["工作日历"] = [["日期", "是否工作日"], *calendar]
    return load_book(raw, "测试支行-2026-11.xlsx")


def test_the_trend_shows_the_days_the_branch_was_open() -> None:
    """Week 47 of the golden month, as of Sunday: 11-17 closed by the calendar and idle, so left
    out; 11-18 closed too but a sale was made, so shown; Saturday 11-21 opened by the calendar;
    Sunday 11-22 closed and idle."""
    book = _golden_book([["2026-11-17", "否"], ["2026-11-18", "否"], ["2026-11-21", "是"]])
    figures = compute(book, dt.date(2026, 11, 22))
    assert figures.sold_by_day and dt.date(2026, 11, 18) in {d for d, _ in figures.sold_by_day}
    days = open_days(figures)
    assert [d.day for d in days] == [16, 18, 19, 20, 21]
    weekly = build_weekly(book, figures, "2026-W47")
    assert [start.day for start, _ in weekly.daily.spans] == [16, 18, 19, 20, 21]


def test_days_still_to_come_are_not_drawn() -> None:
    book = _golden_book([])
    figures = compute(book, dt.date(2026, 11, 18))  # a Wednesday run
    assert [d.day for d in open_days(figures)] == [16, 17, 18]
