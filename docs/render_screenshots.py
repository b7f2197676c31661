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
        subprocess.run(["soffice", "--headless", "--convert-to", "pdf", "--outdir", tmp, str(book)], check=True,
                       capture_output=True)
        subprocess.run(["pdftoppm", "-png", "-r", str(resolution), "-f", "1", "-l", "1", "-singlefile",
                        str(Path(tmp) / f"{name}.pdf"), str(Path(tmp) / name)], check=True)
        target = ROOT / "docs" / f"{name}.png"
        shutil.copy(Path(tmp) / f"{name}.png", target)
        return target


def main() -> None:
    book = read_book(SAMPLE)
    specs = {s.name: s for s in refresh_specs(book, DAY)}
    print(render([specs["排行榜"]], "排行榜"))
    print(render([agenda_sheet(build_agenda(book, DAY, "daily"))], "夕会议程"))


if __name__ == "__main__":
    sys.exit(main())
