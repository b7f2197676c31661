"""A parent branch's week across the month end (docs/口径.md#周报日期): W49 runs 11-30 to 12-06, so
the rollup of any day of it reads each branch's November workbook beside its December one for
11-30 — as the branch's own weekly does — or names the branches whose November is missing. A
folder holding both months reports the week in December. The two months are those of
test_year_across_months (测试支行: 20 + 10 万 sold on 11-30, 5 + 30 in December's days)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from branchkit import jobs
from branchkit.buttons import add_buttons
from branchkit.cli import main
from branchkit.read import read_book
from branchkit.render.rollup import (
    headline_pairs,
    stars_sheet,
    week_before_the_month,
    weekly_sheets,
)
from branchkit.rollupjob.job import compute
from branchkit.source import read_raw
from branchkit.templates import write_branch_workbook
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from . import test_year_across_months as months
from .test_year_across_months import _december, _november

SUNDAY = dt.date(2026, 12, 6)


def _money(period: Any, name: str) -> float:
    return next(p.money for p in period.people if p.name == name)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """November's and December's workbooks of 测试支行, side by side as a parent keeps them,
    with a 网点 target (900 万 of 理财) so the branch is ranked in the league."""
    people = months._targets
    monkeypatch.setattr(months, "_targets", lambda *a: [*people(*a), ["网点", "理财", 900]])
    network = tmp_path / "网点"
    network.mkdir()
    _december(network, _november(network))
    return network


def test_the_week_reads_last_months_workbook_beside_this_one(folder: Path) -> None:
    rollup = compute([folder], SUNDAY)
    (branch,) = rollup.branches
    assert Path(branch.last_month).name == "测试支行-2026-11.xlsx"
    # November's workbook counted, for 11-30: it is not listed as left out.
    assert rollup.left_out == []
    # The week as the branch's own weekly counts it, 11-30 included; the month is December's.
    book = read_book(folder / "测试支行-2026-12.xlsx")
    previous, _ = jobs.last_months_book(book, dt.date(2026, 12, 1))
    own = jobs.figures(book, SUNDAY, previous)
    week = branch.periods["week"]
    assert (week.start, week.end) == (dt.date(2026, 11, 30), SUNDAY)
    assert (week.referrals, week.successes) == (own.week.branch.referrals, 1)
    assert week.referred_amount == pytest.approx(own.week.branch.referred_amount)
    assert week.referred_amount == pytest.approx(20)  # card A on 11-30
    assert _money(week, "赵六") == pytest.approx(24 + 5 + 21)  # 11-30, 12-01 and 12-05
    month = branch.periods["month"]
    assert month.start == dt.date(2026, 12, 1)
    assert month.referred_amount == pytest.approx(
        jobs.figures(book, SUNDAY).month.branch.referred_amount
    )
    said = week_before_the_month(rollup)
    assert said == "本周的 11-30 是上月的日子；1 个网点的这几天读自旁边的上月（2026-11）工作簿。"
    assert ("本周起止", said) in headline_pairs(rollup)
    out = folder.parent / "汇总.xlsx"
    args = ["rollup", str(folder), "--date", "2026-12-06", "--out", str(out)]
    result = CliRunner().invoke(main, args)
    assert result.exit_code == 0, result.stderr
    assert said in result.stdout  # the command line says it too (found by a new user)
    cover = weekly_sheets(rollup, "2026-W49", dt.date(2026, 11, 30))[0]
    assert cover.subtitle.startswith("2026-W49（11-30 至 12-06）")


def test_a_branch_without_last_months_workbook_is_named_and_counts_from_the_1st(
    folder: Path, tmp_path: Path
) -> None:
    shutil.move(folder / "测试支行-2026-11.xlsx", tmp_path / "别处.xlsx")
    rollup = compute([folder], SUNDAY)
    (branch,) = rollup.branches
    assert branch.last_month == ""
    week = branch.periods["week"]
    assert week.start == dt.date(2026, 12, 1)
    assert week.referred_amount == 0  # card A's 11-30 is not in it
    assert _money(week, "赵六") == pytest.approx(5 + 21)  # 12-01 and 12-05 only
    said = week_before_the_month(rollup)
    assert "测试支行 的工作簿旁没有上月的工作簿" in said and "本周只从 12-01 算起" in said
    lines = [
        text for block in stars_sheet(rollup).blocks for _, text in getattr(block, "lines", [])
    ]
    assert f"每周之星：{said}" in lines
    # No branch's November was read: the weekly's title starts on the 1st, never "11-30 至"
    # (found by a new user).
    cover = weekly_sheets(rollup, "2026-W49", dt.date(2026, 11, 30))[0]
    assert cover.subtitle.startswith("2026-W49（12-01 至 12-06）")


def test_a_week_that_began_this_month_reads_one_workbook(folder: Path) -> None:
    rollup = compute([folder], dt.date(2026, 12, 9))  # W50 begins on 12-07
    (branch,) = rollup.branches
    assert branch.last_month == "" and week_before_the_month(rollup) == ""
    assert branch.periods["week"].start == dt.date(2026, 12, 7)
    # November's workbook was not needed, and its branch counts with December's: not listed as
    # left out, or a daily job would report it every day (found by a new user).
    assert rollup.left_out == []
    # A workbook of another month whose branch has none of this month's still is.
    write_branch_workbook(folder / "别的支行-2026-11.xlsx", "别的支行", "2026-11")
    listed = compute([folder], dt.date(2026, 12, 9)).left_out
    assert [(Path(s.file).name, s.reason) for s in listed] == [
        ("别的支行-2026-11.xlsx", "统计月份是 2026-11，不是 2026-12")
    ]


def test_the_parent_weekly_of_a_folder_of_both_months_reports_the_week_in_its_later_month(
    folder: Path, tmp_path: Path
) -> None:
    """Before, the first workbook that read (November's, by name) set the month, and W49 came
    out as November's 11-30 with December's workbook left out."""
    out = tmp_path / "分行周报.xlsx"
    result = CliRunner().invoke(
        main, ["weekly", "--rollup", str(folder), "--week", "2026-W49", "--out", str(out)]
    )
    assert result.exit_code == 0, result.stderr
    assert "2026-12-06" in result.stdout and "本周的 11-30 是上月的日子" in result.stdout
    cover = CalamineWorkbook.from_path(str(out)).get_sheet_by_name("封面").to_python()
    text = "".join(str(cell) for row in cover for cell in row if cell)  # lines wrap
    assert "2026-W49（11-30 至 12-06）" in text
    assert (
        "本周起止：本周的 11-30 是上月的日子；1 个网点的这几天读自旁边的上月（2026-11）工作簿。"
        in text
    )
    assert "1 个计入" in text


def _november_with_buttons(folder: Path) -> tuple[Path, Path]:
    """November's .xlsx and the .xlsm add-buttons makes of it beside it."""
    november = folder / "测试支行-2026-11.xlsx"
    return november, add_buttons(november)


def test_of_an_xlsx_and_an_xlsm_of_last_month_the_one_saved_last_is_read(folder: Path) -> None:
    """add-buttons leaves the .xlsx it copied beside the .xlsm the branch goes on in: the rollup
    read the stale .xlsx, as it came first by name (found by a review)."""
    november, macro = _november_with_buttons(folder)
    for newer, older in ((macro, november), (november, macro)):
        os.utime(older, (1_700_000_000, 1_700_000_000))
        os.utime(newer, (1_800_000_000, 1_800_000_000))
        (branch,) = compute([folder], SUNDAY).branches
        assert Path(branch.last_month) == newer


def test_a_workbook_that_does_not_say_its_month_finds_last_months_by_the_week(
    folder: Path,
) -> None:
    """A December workbook with 统计月份 left empty is of the rollup's month: its November sibling
    is still found (found by a review)."""
    from branchkit.read import read_book

    book = read_book(folder / "测试支行-2026-12.xlsx")
    blank = replace(book, month=None)
    previous, wanted = jobs.last_months_book(blank, dt.date(2026, 12, 1))
    assert previous is not None and wanted == "测试支行-2026-11.xlsx"


def test_a_newer_copy_that_does_not_read_gives_way_to_the_one_that_does(folder: Path) -> None:
    """An empty .xlsx saved after the good .xlsm of last month made the week lose 11-30 (found
    by a review): the next candidate is read."""
    november, macro = _november_with_buttons(folder)
    november.write_bytes(b"")  # newer, and no workbook
    os.utime(macro, (1_700_000_000, 1_700_000_000))
    (branch,) = compute([folder], SUNDAY).branches
    assert Path(branch.last_month) == macro


def test_a_cross_branch_card_of_last_month_is_paired_with_this_months_sale(
    tmp_path: Path,
) -> None:
    """李四 of 测试支行 referred 冯七 to 人民路支行·周建 on 11-28; 冯七 bought 30 万 there on 12-02.
    December's rollup holds no November workbook: `init --from` carries the card (it is within
    匹配天数 of December), so the rollup pairs it with 人民路's row and credits 李四 his share,
    as a card of the same month is (found by a helper: he was credited nothing)."""
    network = tmp_path / "网点"
    network.mkdir()
    card = months._card(dt.date(2026, 11, 28), "R-X", "冯七", "13800000051")
    card[[c.key for c in months.schema.REFERRALS.columns].index("receiver")] = "人民路支行·周建"
    november = months._branch_book(tmp_path, "2026-11", referrals=[card])
    carried = months.carry(read_raw(november), read_book(november), months.DEC, months.NOV)
    assert carried.cross_branch_cards == 1
    months._branch_book(
        network,
        "2026-12",
        targets=months._targets(300, 30),
        **{k: v for k, v in carried.rows.items() if k != "targets"},
    )
    sold = months._sold(dt.date(2026, 12, 2), "冯七", "13800000051", 30, referrer="测试支行·李四")
    sold[[c.key for c in months.schema.TRACKING.columns].index("receiver")] = "周建"
    write_branch_workbook(
        network / "人民路支行-2026-12.xlsx",
        "人民路支行",
        "2026-12",
        data={
            "roster": [["周建", "", "理财经理", "是"]],
            "products": [["日鑫月溢", "理财", "万元"]],
            "targets": [["周建", "理财", 300]],
            "tracking": [sold],
        },
    )
    rollup = compute([network], dt.date(2026, 12, 4))
    (ours,) = [b for b in rollup.branches if b.branch == "测试支行"]
    assert _money(ours.periods["month"], "李四") > 0
    # the card is November's: no 转介 or 转介成功 of December for it
    assert next(p for p in ours.periods["month"].people if p.name == "李四").referrals == 0
