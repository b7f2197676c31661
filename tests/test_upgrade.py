"""A workbook made before the checklist (docs/工作簿.md#表名和列名): it reads as before, and `init
--upgrade` adds the new input sheets at the zip-part level without touching anything else."""

from __future__ import annotations

import datetime as dt
import io
import zipfile
from pathlib import Path

import pytest
from branchkit import schema
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.read import read_book
from branchkit.render.report import figures_json
from branchkit.templates import write_branch_workbook
from branchkit.upgrade import upgrade_bytes
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .conftest import CORPUS, SAMPLE
from .samples import BRANCH, PARENT, build_month
from .test_package import _check_preserved

D = dt.date(2026, 11, 20)
NEW_SHEETS = ("checklist_items", "checklist")
OLD_OVERVIEW = [("date", "日期"), ("traffic", "客流量"), ("on_duty", "当班人员")]


def write_old_workbook(path: Path) -> Path:
    """The sample month as a workbook made before the checklist: no 清单项目 or records, and the
    day overview is a 每日清单 of three columns."""
    data = build_month()
    data["overview"] = [row[:3] for row in data["overview"]]
    return write_branch_workbook(
        path,
        BRANCH,
        "2026-11",
        data,
        {"parent": PARENT, "host": "周敏"},
        rename={"overview": "每日清单"},
        headers={"overview": OLD_OVERVIEW},
        sheets=[s for s in schema.INPUT_SHEETS if s.key not in NEW_SHEETS],
    )


@pytest.fixture
def old_book(tmp_path: Path) -> Path:
    return write_old_workbook(tmp_path / f"{BRANCH}-2026-11.xlsx")


def test_an_old_workbook_reads_as_before(old_book: Path) -> None:
    old, new = read_book(old_book), read_book(SAMPLE)
    assert old.problems == []
    assert old.sheet_names["overview"] == "每日清单" and "checklist" not in old.sheet_names
    assert old.overview["on_duty"] == new.overview["on_duty"]
    assert old.overview["traffic"] == new.overview["traffic"]
    # The sales figures are the sample's; only the checklist (and its targets) is missing.
    before, after = figures_json(compute(old, D)), figures_json(compute(new, D))
    assert before["之星"] == after["之星"] and before["跟进提醒"] == after["跟进提醒"]
    assert before["清单"] == {
        "应完成": 0,
        "已完成": 0,
        "未完成": [],
        "完成率": None,
        "未整改": [],
        "计量": {},
    }


def test_upgrade_adds_the_new_sheets_and_keeps_every_part(old_book: Path) -> None:
    original = old_book.read_bytes()
    result = CliRunner().invoke(main, ["init", "--upgrade", str(old_book)])
    assert result.exit_code == 0, result.output
    # 每日清单 is taken by the old day overview, which stays as it is: the records get the
    # other name the reader knows.
    assert "新增 清单项目、每日管理清单" in result.output
    _check_preserved(original, old_book.read_bytes())
    assert (old_book.parent / "备份").is_dir()
    book = read_book(old_book)
    assert book.problems == []
    assert (book.sheet_names["overview"], book.sheet_names["checklist"]) == (
        "每日清单",
        "每日管理清单",
    )
    assert [i for i in book.checklist_items["item"]][:2] == ["晨会", "现金尾箱及重要空白凭证交接"]
    # The new sheets work: fill plans the day's rows into them.
    from branchkit import fill

    planned = fill.plan(book, compute(book, D)).rows
    assert [r.values["item"] for r in planned if r.sheet == "checklist"][:3] == [
        "晨会",
        "现金尾箱及重要空白凭证交接",
        "厅堂环境6S",
    ]
    again = CliRunner().invoke(main, ["init", "--upgrade", str(old_book)])
    assert again.exit_code == 0 and "无需升级" in again.output


def test_a_current_workbook_is_left_alone(sample_copy: Path) -> None:
    original = sample_copy.read_bytes()
    assert upgrade_bytes(original, sample_copy) == (original, [])
    result = CliRunner().invoke(main, ["init", "--upgrade", str(sample_copy)])
    assert result.exit_code == 0 and sample_copy.read_bytes() == original


def test_upgrading_something_that_is_not_a_workbook_is_one_line(tmp_path: Path) -> None:
    path = tmp_path / "note.xlsx"
    path.write_text("not a workbook", encoding="utf-8")
    result = CliRunner().invoke(main, ["init", "--upgrade", str(path)])
    assert result.exit_code == 2 and result.output.count("\n") == 1


corpus_files = sorted(CORPUS.glob("*.xls[xm]")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.skipif(not corpus_files, reason="../shared/excel-corpus is absent")
def test_every_excel_made_workbook_keeps_every_part_when_upgraded() -> None:
    """Upgrading an Excel-made workbook adds the input sheets it lacks and changes no part but
    the registry parts, like refresh."""
    failures = {}
    for path in corpus_files:
        original = path.read_bytes()
        try:
            written, added = upgrade_bytes(original, path)
            _check_preserved(original, written)
            with zipfile.ZipFile(io.BytesIO(written)) as zf:
                assert zf.testzip() is None
            book = CalamineWorkbook.from_filelike(io.BytesIO(written))
            for name in added:
                assert name in book.sheet_names
            if "清单项目" in added:
                rows = book.get_sheet_by_name("清单项目").to_python()
                assert rows[1][:3] == ["营业前", "会议", "晨会"]
        except Exception as exc:  # collect, so the report names every file that fails
            failures[path.name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}, f"{len(failures)}/{len(corpus_files)} failed"
