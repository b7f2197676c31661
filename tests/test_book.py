"""`Book` declares one typed attribute per input sheet, like openpyxl declares its objects'
attributes: a misspelt sheet is refused where it is written, by mypy and at run time."""

from __future__ import annotations

from dataclasses import fields
from pathlib import Path

import pytest
from branchkit import schema
from branchkit.read import TABLE_KEYS, Book, read_book
from branchkit.table import Table

from .conftest import SAMPLE

TOOLKIT = Path(__file__).resolve().parents[1] / "toolkit"


def test_every_input_sheet_but_settings_is_a_declared_table() -> None:
    declared = [f.name for f in fields(Book) if f.type in (Table, "Table")]
    assert declared == [s.key for s in schema.INPUT_SHEETS if s.key != "settings"]
    assert list(TABLE_KEYS) == declared


def test_the_tables_by_key_are_the_attributes() -> None:
    book = read_book(SAMPLE)
    assert book.tables["daily"] is book.daily
    assert list(book.tables) == list(TABLE_KEYS)
    assert len(book.tracking) > 0


def test_a_misspelt_sheet_fails_at_run_time() -> None:
    book = read_book(SAMPLE)
    with pytest.raises(AttributeError):
        book.dialy  # type: ignore[attr-defined]  # noqa: B018


def test_a_misspelt_sheet_fails_mypy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from mypy import api

    program = (
        "from branchkit.read import Book\n\ndef f(b: Book) -> None:\n    b.dialy\n    b.daily\n"
    )
    monkeypatch.setenv("MYPYPATH", str(TOOLKIT))
    monkeypatch.chdir(tmp_path)  # away from the project's own mypy settings
    out, _, status = api.run(
        ["--no-incremental", "--ignore-missing-imports", "--follow-imports=silent", "-c", program]
    )
    assert status == 1
    assert '<string>:4: error: "Book" has no attribute "dialy"' in out
    assert "<string>:5" not in out
