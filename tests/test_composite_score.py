"""One composite, weighted, with its own pace (docs/口径.md#综合得分, docs/口径.md#之星): worked out
by hand on the small branch of test_figures_golden (D = Friday 2026-11-20, calendar time
progress 20/30 = 66.7%, 进度容差 5%, 完成率上限 150%).

From the golden rows: 赵六 is credited 理财 56.6, 王五 理财 5.9 and 信用卡 1, 李四 理财 10.5 and
信用卡 1; 李四 made 5 cards, 3 of them closed.
"""

from __future__ import annotations

import json

import pytest
from branchkit.agenda import build
from branchkit.cli import main
from branchkit.figures import compute, status_of
from branchkit.problems import Code
from branchkit.read import load_book
from branchkit.render.agenda import agenda_blocks, agenda_lines
from branchkit.render.report import figures_json
from branchkit.render.spec import Table
from branchkit.render.tabs import rankings_sheet
from branchkit.render.weekly import weekly_sheets
from branchkit.vocab import pace_label
from branchkit.weekly import build as weekly
from click.testing import CliRunner

from . import test_figures_golden as golden

D = golden.D
PROGRESS = 20 / 30


def _book(**changes: list[list[object]]):  # type: ignore[no-untyped-def]
    raw = golden._raw()
    raw.update(changes)
    return load_book(raw, "测试支行-2026-11.xlsx")


def _person(figures, name: str):  # type: ignore[no-untyped-def]
    return next(p for p in figures.month.people if p.name == name)


# ---------------------------------------------------------------- an open list of indicators

PENSION = [*golden.PRODUCTS, ["养老金A", "个人养老金", "万元"]]
# 赵六 sells 4 万元 of 养老金A to a customer of his own on 11-12.
PENSION_SALE = [*golden.TRACKING]
PENSION_SALE.append(
    [None, "褚五", "13900000009", "2026-11-12", None, "赵六", "是", "养老金A", 4, None, None]
)


def test_a_branch_names_its_own_indicator_and_it_counts() -> None:
    targets = [*golden.TARGETS, ["赵六", "个人养老金", 10]]
    book = _book(产品=PENSION, 目标=targets, 追踪表=PENSION_SALE)
    # 个人养老金 is not one of the suggested indicators, and is no problem in 产品 or 目标.
    assert [p for p in book.problems if p.code is Code.NOT_A_CHOICE] == []
    zhao = _person(compute(book, D), "赵六")
    assert zhao.credited["个人养老金"] == 4.0
    assert zhao.completion["个人养老金"] == pytest.approx(0.4)  # 4 of 10


def test_an_indicator_nothing_counts_toward_is_a_warning_not_a_refusal() -> None:
    book = _book(目标=[*golden.TARGETS, ["赵六", "个人养老金", 10]])  # no product names it
    found = [(p.sheet, p.cell, p.code) for p in book.problems if p.sheet == "目标"]
    assert found == [("目标", "B7", Code.INDICATOR_WITHOUT_PRODUCT)]
    assert _person(compute(book, D), "赵六").completion["个人养老金"] == 0.0


def test_the_template_offers_the_indicators_and_takes_any() -> None:
    from openpyxl import load_workbook

    from .conftest import ROOT

    wb = load_workbook(ROOT / "templates" / "xlsx" / "网点营销管理.xlsx")
    for sheet, column in (("产品", "B"), ("目标", "B")):
        (offered,) = [
            dv for dv in wb[sheet].data_validations.dataValidation if column in str(dv.sqref)
        ]
        assert "理财" in offered.formula1 and offered.showErrorMessage is False


# ---------------------------------------------------------------- weights: the 考核积分 scheme


WEIGHTED = [
    ["对象", "指标", "目标值", "权重"],
    ["赵六", "理财", 100, 3],
    ["赵六", "个人养老金", 10, None],
    ["王五", "信用卡", 6, None],
    ["网点", "理财", 150, 3],
]


def test_weights_make_the_score_a_weighted_mean() -> None:
    book = _book(产品=PENSION, 目标=WEIGHTED, 追踪表=PENSION_SALE)
    figures = compute(book, D)
    zhao = _person(figures, "赵六")
    # 理财 56.6% weighs 3, 个人养老金 40% weighs 1: (3 × 0.566 + 0.4) / 4 = 0.5245.
    assert zhao.score == pytest.approx((3 * 0.566 + 0.4) / 4)
    # The plain mean stays for --json: (0.566 + 0.4) / 2 = 0.483.
    assert zhao.overall == pytest.approx(0.483)
    data = figures_json(figures)
    row = next(p for p in data["人员"] if p["姓名"] == "赵六")
    assert row["排名得分"] == pytest.approx(0.5245, abs=1e-4)
    assert row["综合完成率"] == pytest.approx(0.483, abs=1e-4)
    # The rule line states the weights: 理财 3 in every row that names it, the rest 1.
    rule = rankings_sheet(figures).blocks[1].lines[0][1]
    assert "加权平均（权重 理财 3，其余 1）" in rule


def test_rows_that_weigh_an_indicator_differently_are_pointed_to() -> None:
    rows = [*WEIGHTED, ["李四", "理财", 20, None]]  # 理财 weighs 3 for 赵六, 1 for 李四
    figures = compute(_book(产品=PENSION, 目标=rows, 追踪表=PENSION_SALE), D)
    assert "加权平均（权重按“目标”表各行）" in rankings_sheet(figures).blocks[1].lines[0][1]


def test_a_weight_that_is_not_positive_counts_as_one_with_a_warning() -> None:
    rows = [
        ["对象", "指标", "目标值", "权重"],
        ["赵六", "理财", 100, 0],
        ["赵六", "信用卡", 2, None],
    ]
    book = _book(目标=rows)
    assert [(p.cell, p.code) for p in book.problems if p.sheet == "目标"] == [
        ("D2", Code.WEIGHT_NOT_POSITIVE)
    ]
    # 理财 0.566 and 信用卡 0 of 2, both weighing 1.
    assert _person(compute(book, D), "赵六").score == pytest.approx(0.283)


# ---------------------------------------------------------------- stars: no tie at the cap


def test_stars_at_the_cap_are_told_apart_by_the_uncapped_score() -> None:
    # Three people above 150% on their one counted indicator: 李四 转介成功数 3 of 1 (300%),
    # 王五 理财 5.9 of 2 (295%), 赵六 理财 56.6 of 20 (283%). All score 150%, all ranked #1;
    # the star is the best uncapped, 李四, and the tab says why the others are not.
    targets = [
        ["对象", "指标", "目标值"],
        ["李四", "转介成功数", 1],
        ["王五", "理财", 2],
        ["赵六", "理财", 20],
    ]
    figures = compute(_book(目标=targets), D)
    assert {p.name: p.score for p in figures.month.people if p.score} == {
        "李四": 1.5,
        "王五": 1.5,
        "赵六": 1.5,
    }
    assert {p.name: p.rank for p in figures.month.people if p.rank} == {
        "李四": 1,
        "王五": 1,
        "赵六": 1,
    }
    assert figures.stars["month"] == ["李四"]
    assert figures.star_ties["month"] == ["王五", "赵六"]
    stars = rankings_sheet(figures).blocks[0]
    (month,) = [r for r in stars.rows if r[0] == "每月之星"]
    assert month[2] == (
        "综合得分 150.0%，本月至今综合排名并列第1名；与王五、赵六同分，按不封顶的得分（300.0%）评出"
    )


def test_the_same_uncapped_score_is_still_a_tie() -> None:
    targets = [["对象", "指标", "目标值"], ["李四", "转介成功数", 1], ["赵六", "理财", 56.6 / 3]]
    figures = compute(_book(目标=targets), D)
    assert figures.stars["month"] == ["李四", "赵六"] and figures.star_ties["month"] == []


# ---------------------------------------------------------------- one composite, its own pace


def test_the_tabs_show_one_composite_with_its_own_pace() -> None:
    # 王五 with 理财 2 (295%) and 信用卡 20 (5%): the plain mean 150% would read "ahead", while
    # the composite, (150% + 5%) / 2 = 77.5%, is what is shown — and its pace, ahead (77.5% >
    # 71.7%). Every row's word is its own number's.
    targets = [["对象", "指标", "目标值"], ["王五", "理财", 2], ["王五", "信用卡", 20]]
    figures = compute(_book(目标=targets), D)
    wang = _person(figures, "王五")
    assert wang.score == pytest.approx(0.775) and wang.overall == pytest.approx(1.5)
    sheet = rankings_sheet(figures)
    overall = next(b for b in sheet.blocks if isinstance(b, Table) and "综合排名" in b.caption)
    headers = [c.header for c in overall.columns]
    assert "综合得分" in headers and "综合完成率" not in headers and "排名得分" not in headers
    score, pace = headers.index("综合得分"), headers.index("进度")
    for row in overall.rows:
        assert row[pace] == pace_label(status_of(row[score], PROGRESS, 0.05))
    assert [r[pace] for r in overall.rows if r[1] == "王五"] == ["超出进度"]
    assert sheet.charts[0].title == "本月综合得分"


def test_the_agenda_and_weekly_show_the_same_composite_and_pace() -> None:
    targets = [["对象", "指标", "目标值"], ["王五", "理财", 2], ["王五", "信用卡", 20]]
    book = _book(目标=targets)
    figures = compute(book, D)
    lines = agenda_lines(build(book, figures))
    (table, *_) = [b for b in agenda_blocks(lines) if not isinstance(b, tuple)]
    row = dict(zip(table.header, next(r for r in table.rows if r[0] == "王五"), strict=True))
    assert (row["综合得分"], row["进度"]) == ("78%", "超出进度")  # 77.5%, far from 71.7%
    week = weekly(book, figures, "2026-W47")
    (ranks,) = [s for s in weekly_sheets(week) if s.name == "排行榜"]
    assert ranks.charts[0].title == "本周综合得分"  # what the bars are
    tables = [b for b in ranks.blocks if isinstance(b, Table)]
    assert all("综合完成率" not in [c.header for c in t.columns] for t in tables)


def test_the_terminal_ranking_shows_the_composite_and_its_pace() -> None:
    from .conftest import SAMPLE

    args = ["rankings", str(SAMPLE), "--date", "2026-11-20"]
    text = CliRunner().invoke(main, args).output
    data = json.loads(CliRunner().invoke(main, [*args, "--json"]).output)
    first = next(p for p in data["人员"] if p["排名"] == 1)
    assert first["综合进度"] == pace_label(status_of(first["排名得分"], data["时间进度"], 0.05))
    assert "综合得分" in text.splitlines()[1] and "综合完成率" not in text
