"""Every replace of a workbook is one transaction (issue 23): planned from the exact bytes it
replaces. A colleague who saves the workbook while branchkit plans or writes — here, by
inserting a card above the others on 转介登记 — gets a plan made again from their version, or a
one-line refusal; never a plan made for one version written into another (which would put every
customer's 转介编号 and 〔自动〕 feedback on the row above or below)."""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from branchkit import fill as planner
from branchkit import writeback
from python_calamine import CalamineWorkbook

from . import hostile
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]


def _values(book: Path, sheet: str) -> list[list[Any]]:
    return CalamineWorkbook.from_path(str(book)).get_sheet_by_name(sheet).to_python()


def _once(action: Callable[[], None]) -> Callable[[], None]:
    """`action` the first time it is called, nothing after."""
    done: list[bool] = []

    def run_once() -> None:
        if not done:
            done.append(True)
            action()

    return run_once


def _after_planning(monkeypatch: pytest.MonkeyPatch, then: Callable[[], None]) -> None:
    """`then` runs each time fill has made its plan, before anything is written."""
    plan = planner.plan

    def planned(*args: Any, **kwargs: Any) -> Any:
        made = plan(*args, **kwargs)
        then()
        return made

    monkeypatch.setattr(planner, "plan", planned)


def _while_writing(monkeypatch: pytest.MonkeyPatch, book: Path, then: Callable[[], None]) -> None:
    """`then` runs once a new version of `book` (or of the file made from it) has been written
    beside it, before it takes its place (the moment the old version is backed up)."""
    backup = writeback.backup
    once = _once(then)

    def backed_up(path: Path, *args: Any, **kwargs: Any) -> Any:
        if path.stem == book.stem:
            once()
        return backup(path, *args, **kwargs)

    monkeypatch.setattr(writeback, "backup", backed_up)


def _filled_without_interruption(tmp_path: Path) -> Path:
    """What fill makes of the colleague's version when nobody disturbs it: the reference."""
    folder = tmp_path / "reference"
    folder.mkdir()
    book = folder / hostile.SAMPLE.name
    shutil.copy2(hostile.SAMPLE, book)
    hostile.person_inserts_a_card(book)
    assert run("fill", book, *DAY).exit_code == 0
    return book


def test_a_card_inserted_while_fill_plans_gets_a_plan_made_for_it(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _after_planning(monkeypatch, _once(lambda: hostile.person_inserts_a_card(sample_copy)))
    result = run("fill", sample_copy, *DAY)
    assert result.exit_code == 0, result.output
    reference = _filled_without_interruption(tmp_path)
    for sheet in ("转介登记", "追踪表"):
        assert _values(sample_copy, sheet) == _values(reference, sheet), sheet
    cards = _values(sample_copy, "转介登记")
    header = cards[0]
    inserted = cards[1]
    assert inserted[header.index("客户姓名")] == "插队客户"  # the colleague's card is kept
    assert str(inserted[header.index("转介编号")]).startswith("HCZ-20261120-")
    # Every card's number is its own: one per card, none given twice.
    numbers = [r[header.index("转介编号")] for r in cards[1:] if r[header.index("转介编号")]]
    assert len(numbers) == len(set(numbers)) == len(cards) - 1


def test_a_save_landing_while_fill_writes_is_kept_and_filled(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _while_writing(monkeypatch, sample_copy, lambda: hostile.person_inserts_a_card(sample_copy))
    result = run("fill", sample_copy, *DAY)
    assert result.exit_code == 0, result.output
    reference = _filled_without_interruption(tmp_path)
    for sheet in ("转介登记", "追踪表"):
        assert _values(sample_copy, sheet) == _values(reference, sheet), sheet


def test_a_workbook_saved_again_and_again_is_refused_in_one_line(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    saves: list[int] = []

    def colleague_saves() -> None:
        saves.append(1)
        hostile.person_inserts_a_card(
            sample_copy, values={**hostile.CARD_INSERTED, "客户姓名": f"客户{len(saves)}"}
        )

    _after_planning(monkeypatch, colleague_saves)
    result = run("fill", sample_copy, *DAY)
    one_line_exit_2(result, sample_copy.name, "又被保存过", "没有写入")
    assert len(saves) == writeback.PLAN_ATTEMPTS
    after = sample_copy.read_bytes()
    # The workbook is the colleague's last save, untouched: no number or feedback of ours in it.
    cards = _values(sample_copy, "转介登记")
    assert [r[2] for r in cards[1 : 1 + len(saves)]] == [
        f"客户{n}" for n in range(len(saves), 0, -1)
    ]
    assert all(r[1] == "" for r in cards[1 : 1 + len(saves)])
    assert not [p for p in sample_copy.parent.iterdir() if p.name.startswith(".~branchkit")]
    assert sample_copy.read_bytes() == after


# ---------------------------------------------------------------- every command that replaces a workbook


def _old_layout(book: Path) -> Path:
    from .test_upgrade import write_old_workbook

    book.unlink()
    return write_old_workbook(book)


REPLACING = {
    # command line, the workbook the colleague edits, a sheet the command adds
    "refresh": (lambda book: ["refresh", book, *DAY], lambda book: book, "排行榜"),
    "build-agenda": (lambda book: ["build-agenda", book, *DAY], lambda book: book, "夕会议程"),
    "init --upgrade": (lambda book: ["init", book, "--upgrade"], _old_layout, "清单项目"),
    "add-buttons": (lambda book: ["add-buttons", book], lambda book: book, "控制台"),
}


@pytest.mark.parametrize("command", REPLACING)
def test_a_save_landing_while_a_command_writes_is_never_lost(
    sample_copy: Path, monkeypatch: pytest.MonkeyPatch, command: str
) -> None:
    """The colleague's version is read again and the command's change made to it: their card
    is in the workbook the command leaves, and so is what the command adds."""
    args, prepare, added = REPLACING[command]
    book = prepare(sample_copy)
    _while_writing(monkeypatch, book, lambda: hostile.person_inserts_a_card(book))
    result = run(*args(book))
    assert result.exit_code in (0, 1), result.output
    written = book.with_suffix(".xlsm") if command == "add-buttons" else book
    assert added in CalamineWorkbook.from_path(str(written)).sheet_names
    assert _values(written, "转介登记")[1][2] == "插队客户"


def test_a_save_landing_while_rollup_writes_back_is_never_lost(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from .test_rollup import NETWORK

    network = tmp_path / "城东分行"
    shutil.copytree(NETWORK, network)
    book = network / "滨江支行-2026-11.xlsx"
    _while_writing(monkeypatch, book, lambda: hostile.person_inserts_a_card(book))
    out = tmp_path / "汇总.xlsx"
    result = run("rollup", network, *DAY, "--out", out, "--write-back", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "已写回 3 个网点的排行榜" in result.output
    assert _values(book, "转介登记")[1][2] == "插队客户"
    ranks = _values(book, "排行榜")
    assert any(str(cell).startswith("分行同岗位 ") for row in ranks for cell in row)
