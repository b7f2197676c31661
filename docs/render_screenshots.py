"""Renders the README pictures: each tab of the sample, as LibreOffice prints it.

Needs LibreOffice (soffice) and poppler (pdftoppm) on PATH:
    .venv/bin/python docs/render_screenshots.py
"""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from branchkit.jobs import build_agenda, refresh_specs
from branchkit.read import read_book
from branchkit.render.agenda import agenda_sheet
from branchkit.render.xlsx import build

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "samples" / "火车站支行-2026-11.xlsx"
DAY = dt.date(2026, 11, 20)


def render(sheets: list, name: str, resolution: int = 70) -> Path:
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / f"{name}.xlsx"
        book.write_bytes(build(sheets))
        return _first_page_png(book, name, resolution)


def _first_page_png(
    book: Path, name: str, resolution: int, size: tuple[int, int] | None = None
) -> Path:
    """LibreOffice prints the workbook to PDF; its first page becomes docs/<name>.png."""
    folder = book.parent
    subprocess.run(
        ["soffice", "--headless", "--convert-to", "pdf", "--outdir", str(folder), str(book)],
        check=True,
        capture_output=True,
    )
    first_page = ["-f", "1", "-l", "1", "-singlefile"]
    crop = ["-W", str(size[0]), "-H", str(size[1])] if size else []
    pdf, png = folder / f"{book.stem}.pdf", folder / name
    subprocess.run(
        ["pdftoppm", "-png", "-r", str(resolution), *first_page, *crop, str(pdf), str(png)],
        check=True,
    )
    target = ROOT / "docs" / f"{name}.png"
    shutil.copy(folder / f"{name}.png", target)
    return target


def render_control_sheet(resolution: int = 80) -> Path:
    """The macro template's 控制台. Excel marks buttons as non-printing; a throwaway copy marks
    them printable so the picture shows them."""
    import zipfile

    template = ROOT / "templates" / "xlsx" / "网点营销管理.xlsm"
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "控制台.xlsm"
        with (
            zipfile.ZipFile(template) as src,
            zipfile.ZipFile(copy, "w", zipfile.ZIP_DEFLATED) as dst,
        ):
            for info in src.infolist():
                data = src.read(info)
                if info.filename.endswith(".vml"):
                    data = data.replace(b"<x:PrintObject>False</x:PrintObject>", b"")
                dst.writestr(info, data)
        return _first_page_png(copy, "控制台", resolution, (760, 300))


def render_rollup() -> Path:
    """网点排行 of the three sample branches of samples/城东分行 (`branchkit rollup`)."""
    from branchkit.render.rollup import league_sheet
    from branchkit.rollup.job import compute

    rollup = compute([ROOT / "samples" / "城东分行"], DAY, jobs=1)
    with tempfile.TemporaryDirectory() as tmp:
        book = Path(tmp) / "网点排行.xlsx"
        book.write_bytes(build([league_sheet(rollup)]))
        return _first_page_png(book, "网点排行", 80, (935, 490))  # the page without its blank foot


def main() -> None:
    book = read_book(SAMPLE)
    specs = {s.name: s for s in refresh_specs(book, DAY)}
    print(render([specs["排行榜"]], "排行榜"))
    print(render([agenda_sheet(build_agenda(book, DAY, "daily"))], "夕会议程"))
    print(render_control_sheet())
    print(render_rollup())


if __name__ == "__main__":
    sys.exit(main())
