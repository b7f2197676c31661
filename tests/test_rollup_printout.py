"""The rollup workbook on paper, as `branchkit rollup` writes it: LibreOffice prints a first
rollup and one with two earlier rollups in its history store, and the pages are read as a parent
branch's manager would read them — nothing printed empty (a table of nobody, a row of （暂无）, a
trend of one point), each omission said once, and a branch ranked with data errors coloured.

Skipped where LibreOffice or poppler-utils is absent.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from branchkit.cli import main
from click.testing import CliRunner

from . import rendering
from .conftest import SAMPLES
from .rendering import Page

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(
        rendering.missing_for_pdf() is not None, reason=str(rendering.missing_for_pdf())
    ),
]

PINK = (0xFF, 0xC7, 0xCE)  # a pace behind's fill, which a flag is drawn in


@pytest.fixture(scope="module")
def printed(tmp_path_factory: pytest.TempPathFactory) -> dict[str, tuple[Path, list[Page]]]:
    folder = tmp_path_factory.mktemp("rollup-printout")
    network = folder / "城东分行"
    shutil.copytree(SAMPLES / "城东分行", network)
    books = {}
    for which, days in (
        ("first", ["2026-11-20"]),
        ("later", ["2026-11-06", "2026-11-13", "2026-11-20"]),
    ):
        out = folder / which / f"{which}.xlsx"
        for day in days:
            result = CliRunner().invoke(
                main, ["rollup", str(network), "--date", day, "--out", str(out), "--jobs", "1"]
            )
            assert result.exit_code == 0, result.stderr
        books[which] = out
    pdfs = rendering.to_pdf(list(books.values()), folder / "pdf")
    return {which: (pdf, rendering.pages(pdf)) for which, pdf in zip(books, pdfs, strict=True)}


def _text(printed: dict, which: str, sheet: str) -> str:
    pages = rendering.by_sheet(printed[which][1])[sheet]
    return re.sub(r"\s+", "", "".join(p.text for p in pages))  # lines joined where they broke


def test_nothing_is_printed_empty_and_each_omission_is_said_once(printed: dict) -> None:
    people = _text(printed, "first", "同岗位排名")
    assert "全分行0人" not in people  # no table of a role group nobody in it is ranked in
    assert people.count("不参加同岗位排名") == 1
    assert "（暂无）" not in _text(printed, "first", "分行之星")
    trend = _text(printed, "first", "趋势")
    assert "历史里还没有11-20之前的汇总" in trend
    assert "历次汇总" not in trend and "平均综合得分" not in trend  # no table, no chart
    assert len(rendering.by_sheet(printed["first"][1])["趋势"]) == 1


def test_a_rollup_with_history_prints_its_trend_week_on_week(printed: dict) -> None:
    trend = _text(printed, "later", "趋势")
    assert "历次汇总" in trend and "平均综合得分" in trend  # the table and its chart
    assert "上周同期2026-11-13" in trend and "较上周" in trend
    assert "没有上月同期的汇总" in trend  # said once instead of three empty columns
    assert "较上月同期" not in trend


def _ppm(pdf: Path, page: int, target: Path) -> tuple[int, int, bytes]:
    """The page at 72 dpi (one pixel a point) as width, height and RGB bytes."""
    rendering._run(
        "pdftoppm", "-r", "72", "-f", str(page), "-l", str(page), "-singlefile", str(pdf),
        str(target),
    )  # fmt: skip
    data = target.with_suffix(".ppm").read_bytes()
    magic, width, height, depth, pixels = data.split(maxsplit=4)
    assert magic == b"P6" and depth == b"255"
    return int(width), int(height), pixels


def test_a_branch_ranked_with_data_errors_is_coloured(printed: dict, tmp_path: Path) -> None:
    pdf, pages = printed["first"]
    page = next(p for p in pages if p.sheet == "网点排行")
    bbox = rendering._run(
        "pdftotext", "-bbox", "-f", str(page.number), "-l", str(page.number), str(pdf), "-"
    )
    words = [
        (float(x0), float(y0), float(x1), float(y1), word)
        for x0, y0, x1, y1, word in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">([^<]+)</word>',
            bbox,
        )
    ]
    # 滨江支行's 标记 starts with "有"; 火车站支行, ranked next, has no mark.
    flag = next(w for w in words if w[4].startswith("有") and w[0] > page.width / 2)
    clean = min(
        (w for w in words if w[4] == "火车站支行" and w[1] > flag[1] and w[0] < flag[0]),
        key=lambda w: w[1],
    )
    width, _, pixels = _ppm(pdf, page.number, tmp_path / "league")

    def colour(x: float, y: float) -> tuple[int, ...]:
        at = (int(y) * width + int(x)) * 3
        return tuple(pixels[at : at + 3])

    line_end = max(w[2] for w in words if abs(w[1] - flag[1]) < 1)
    inside = line_end + 4  # in the cell, right of its text
    assert colour(inside, (flag[1] + flag[3]) / 2) == PINK
    assert colour(inside, (clean[1] + clean[3]) / 2) == (255, 255, 255)
