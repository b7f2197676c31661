"""Drives a real Microsoft Excel through xlwings where one exists (Windows or macOS with Excel);
skipped elsewhere. The stand-in tests cover the same path on every machine."""

from __future__ import annotations

import datetime as dt
import platform
import shutil
from pathlib import Path

import pytest

from .conftest import SAMPLE


def _excel_app():  # type: ignore[no-untyped-def]
    if platform.system() not in ("Windows", "Darwin"):
        pytest.skip("Excel runs only on Windows and macOS")
    try:
        import xlwings as xw

        return xw.App(visible=False, add_book=False)
    except Exception as exc:  # no Excel installed, or it cannot be started
        pytest.skip(f"Excel is not available: {exc}")


@pytest.mark.excel
def test_refresh_inside_real_excel_writes_the_tabs(tmp_path: Path) -> None:
    from branchkit import excel, jobs
    from branchkit.read import load_book

    app = _excel_app()
    try:
        copy = tmp_path / SAMPLE.name
        shutil.copy(SAMPLE, copy)
        book = app.books.open(str(copy))
        loaded = load_book(excel.raw_book(book), str(copy))
        specs = jobs.refresh_specs(loaded, dt.date(2026, 11, 20))
        excel.write_specs(book, specs)
        names = [s.name for s in book.sheets]
        assert all(spec.name in names for spec in specs)
        assert book.sheets["排行榜"].range("A1").value == specs[0].title
        book.close()
    finally:
        app.quit()
