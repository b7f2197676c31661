"""What LibreOffice sees in a workbook: its sheets and their cells, via a csv export per sheet.

One headless LibreOffice run converts many books (starting it costs seconds), with a profile of
its own so that it does not meet another LibreOffice started by another test.
"""

from __future__ import annotations

import csv
import shutil
import subprocess
from pathlib import Path

import pytest

# Filter options: comma, double quote, UTF-8, from line 1, ..., the last -1 = every sheet to its
# own file named <book>-<sheet>.csv.
CSV_EVERY_SHEET = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1"

needs_libreoffice = pytest.mark.skipif(
    shutil.which("soffice") is None, reason="LibreOffice is not installed"
)


def sheets_seen(books: list[Path], work: Path) -> dict[Path, dict[str, list[list[str]]]]:
    """For each book, the sheets LibreOffice shows (by name) with their cells as text."""
    out = work / "csv"
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            "soffice",
            f"-env:UserInstallation=file://{work / 'profile'}",
            "--headless",
            "--norestore",
            "--convert-to",
            CSV_EVERY_SHEET,
            "--outdir",
            str(out),
            *map(str, books),
        ],
        capture_output=True,
        timeout=600,
        check=False,
    )
    seen: dict[Path, dict[str, list[list[str]]]] = {}
    for book in books:
        sheets = {}
        for path in out.glob(f"{book.stem}-*.csv"):
            with path.open(encoding="utf-8", newline="") as handle:
                sheets[path.stem[len(book.stem) + 1 :]] = list(csv.reader(handle))
        seen[book] = sheets
    return seen
