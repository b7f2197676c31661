"""What `fill` writes for a day (docs/工作簿.md#填写): 每日数据 转介数量 as a count that stays true
as cards come in (a formula over 转介登记, its value cached), never reported against the cards it
counts; and nothing at all for a day the branch is closed. Worked out by hand on the golden
branch (D = Friday 2026-11-20): 李四 logged card 7 on D, nobody else logged one that day.
"""

from __future__ import annotations

import datetime as dt
import re
import zipfile
from pathlib import Path
from typing import Any

import xlsxwriter
from branchkit import excel, jobs
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.problems import Code
from branchkit.read import load_book, read_book
from click.testing import CliRunner

from . import test_figures_golden as golden
from .xlwings_standin import Book as OpenBook

D = golden.D
ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
COUNT = "COUNTIFS('转介登记'!$E:$E,\"{name}\",'转介登记'!$A:$A,DATE(2026,11,20))"


# 每日数据 with its 转介数量 in column C: 王五 typed his (no card on either day).
DAILY = [
    ["日期", "姓名", "转介数量", "自主销售"],
    ["2026-11-19", "王五", 0, 1],
    ["2026-11-20", "王五", 0, 2],
]


def _raw(**changes: list[list[Any]]) -> dict[str, list[list[Any]]]:
    raw = golden._raw()
    raw["设置"] = [*golden.SETTINGS, ["营业日", "周一至周五"]]  # closed at the weekend
    raw["每日数据"] = DAILY
    raw.update(changes)
    return raw


def write_workbook(
    raw: dict[str, list[list[Any]]], path: Path, formulas: dict[str, Any] | None = None
) -> Path:
    """The sheets as a workbook file, an ISO date ("2026-11-20") as a date cell the way Excel
    stores a date typed in; `formulas`: sheet!cell -> (formula, cached value)."""
    workbook = xlsxwriter.Workbook(str(path))
    date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
    for name, rows in raw.items():
        sheet = workbook.add_worksheet(name)
        for r, row in enumerate(rows):
            for c, value in enumerate(row):
                if isinstance(value, str) and ISO_DATE.fullmatch(value):
                    sheet.write_datetime(r, c, dt.date.fromisoformat(value), date_format)
                elif value is not None:
                    sheet.write(r, c, value)
    for where, (formula, cached) in (formulas or {}).items():
        name, cell = where.split("!")
        workbook.get_worksheet_by_name(name).write_formula(cell, formula, None, cached)
    workbook.close()
    return path


def _dated(raw: dict[str, list[list[Any]]]) -> dict[str, list[list[Any]]]:
    """The sheets with each ISO date a date, as Excel hands a typed date to the button's reader."""
    return {
        name: [
            [
                dt.date.fromisoformat(v) if isinstance(v, str) and ISO_DATE.fullmatch(v) else v
                for v in row
            ]
            for row in rows
        ]
        for name, rows in raw.items()
    }


def _cell_xml(path: Path, sheet: str, ref: str) -> str:
    """The <c> element of one cell, as the file holds it."""
    with zipfile.ZipFile(path) as zf:
        names = re.findall(
            r'<sheet [^>]*name="([^"]+)"[^>]*r:id="(rId\d+)"', zf.read("xl/workbook.xml").decode()
        )
        rels = zf.read("xl/_rels/workbook.xml.rels").decode()
        rid = dict(names)[sheet]
        target = re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"', rels) or re.search(
            rf'Target="([^"]+)"[^>]*Id="{rid}"', rels
        )
        assert target
        xml = zf.read("xl/" + target.group(1).lstrip("/").removeprefix("xl/")).decode()
    found = re.search(rf'<c r="{ref}"[^>]*>.*?</c>', xml, re.S)
    assert found, ref
    return found.group()


# ---------------------------------------------------------------- 转介数量: a count that stays true


def test_fill_writes_the_count_as_a_formula_over_the_cards_with_its_value(tmp_path: Path) -> None:
    book = write_workbook(_raw(), tmp_path / "测试支行-2026-11.xlsx")
    result = CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    # 每日数据 had rows 2 and 3 (王五); 李四 and 赵六 get rows 4 and 5: 日期, 姓名, 转介数量.
    li = _cell_xml(book, "每日数据", "C4")
    assert f"<f>{COUNT.format(name='李四')}</f><v>1</v>" in li  # card 7, cached for every reader
    zhao = _cell_xml(book, "每日数据", "C5")
    assert f"<f>{COUNT.format(name='赵六')}</f><v>0</v>" in zhao
    # Read back: the cached counts, and no data problem against them.
    loaded = read_book(book)
    counts = {r["name"]: r["referrals"] for r in loaded.daily.records() if r["date"] == D}
    assert counts == {"王五": 0, "李四": 1, "赵六": 0}
    assert loaded.is_formula("daily", "referrals", 4) and not loaded.is_formula(
        "daily", "referrals", 3
    )
    problems = compute(loaded, D).problems
    assert not [p for p in problems if p.code is Code.DAILY_REFERRALS_DIFFER]


def test_a_count_fill_wrote_is_never_reported_against_the_cards_it_counts(tmp_path: Path) -> None:
    # A card logged after the fill: Excel recounts the formula; a file not yet recalculated
    # still caches 0 for 李四, who now has 1 card on D. It is fill's own count: no problem. The
    # same 0 typed by a person is theirs, and is checked.
    daily = [["日期", "姓名", "转介数量"], ["2026-11-20", "李四", None]]
    formula = COUNT.format(name="李四")
    by_fill = write_workbook(
        _raw(每日数据=daily), tmp_path / "a-2026-11.xlsx", {"每日数据!C2": (formula, 0)}
    )
    found = [p.code for p in compute(read_book(by_fill), D).problems]
    assert Code.DAILY_REFERRALS_DIFFER not in found
    typed = [["日期", "姓名", "转介数量"], ["2026-11-20", "李四", 0]]
    by_hand = write_workbook(_raw(每日数据=typed), tmp_path / "b-2026-11.xlsx")
    problems = compute(read_book(by_hand), D).problems
    assert [(p.cell, p.args) for p in problems if p.code is Code.DAILY_REFERRALS_DIFFER] == [
        ("C2", {"day": D, "cards": 1})
    ]


def test_a_card_typed_after_the_fill_that_the_formula_cannot_see_is_said(tmp_path: Path) -> None:
    """Found by a new user: after fill wrote 李四's count as a formula, cards typed later with a
    text date, a time of day or spaces round the name were counted by branchkit but not by
    COUNTIFS, and the sheet showed fewer with nothing said. Said at the formula's cell."""
    cards = [list(r) for r in golden.CARDS]
    cards[6][0] = "2026.11.20"  # 李四's card of D, typed as text
    cards.append(["2026-11-20", "R-9", "卫七", "13800000007", " 李四 ", "是", "理财", "王五"])
    daily = [["日期", "姓名", "转介数量"], ["2026-11-20", "李四", None]]
    formula = COUNT.format(name="李四")
    book = write_workbook(
        _raw(转介登记=cards, 每日数据=daily),
        tmp_path / "a-2026-11.xlsx",
        {"每日数据!C2": (formula, 0)},
    )
    problems = compute(read_book(book), D).problems
    said = [(p.cell, p.args) for p in problems if p.code is Code.FORMULA_MISSES_CARDS]
    rows = f"7、{len(cards)}"  # CARDS[6] under the header row, and the card added last
    assert said == [("C2", {"missed": 2, "cards": 2, "sheet": "转介登记", "rows": rows})]
    assert Code.DAILY_REFERRALS_DIFFER not in [p.code for p in problems]


def test_the_button_writes_the_same_formula_in_the_same_cell(tmp_path: Path) -> None:
    raw = _raw()
    by_file = write_workbook(raw, tmp_path / "测试支行-2026-11.xlsx")
    jobs.fill(by_file, D)
    open_book = OpenBook.from_rows("测试支行-2026-11.xlsx", _dated(raw))
    jobs.fill(excel.OpenWorkbook(open_book), D)
    formulas = open_book.sheets["每日数据"].formulas
    assert formulas == {
        (4, 3): "=" + COUNT.format(name="李四"),
        (5, 3): "=" + COUNT.format(name="赵六"),
    }
    for (row, _col), text in formulas.items():
        cell = _cell_xml(by_file, "每日数据", f"C{row}").replace("&quot;", '"')
        assert f"<f>{text[1:]}</f>" in cell
    # and the button's reader knows it for a formula too: no problem against it
    reread = excel.OpenWorkbook(open_book).read()
    assert reread.is_formula("daily", "referrals", 4)


def test_the_formula_follows_the_columns_where_the_workbook_has_them(tmp_path: Path) -> None:
    # 推荐人 moved to column B and 日期 to D: the count names those columns.
    cards = [[row[1], row[4], row[2], row[0], row[3], *row[5:]] for row in golden.CARDS]
    book = load_book(_dated(_raw(转介登记=cards)), "测试支行-2026-11.xlsx")
    plan = jobs.fill_requests(book, D)[0]
    (daily,) = [r for r in plan if r.sheet == "每日数据"]
    texts = [row[3].text for block in daily.append for row in block.rows]  # type: ignore[union-attr]
    assert texts[0] == "COUNTIFS('转介登记'!$B:$B,\"李四\",'转介登记'!$D:$D,DATE(2026,11,20))"


# ---------------------------------------------------------------- a day the branch is closed


def test_on_a_closed_day_fill_says_so_and_writes_nothing_for_it(tmp_path: Path) -> None:
    # Sunday 11-22: the branch opens Monday to Friday (设置 营业日), no 工作日历 or 每日概况 row
    # says otherwise — closed.
    book = load_book(_raw(), "测试支行-2026-11.xlsx")
    sunday = dt.date(2026, 11, 22)
    from branchkit import fill

    plan = fill.plan(book, compute(book, sunday))
    assert [r.sheet for r in plan.rows if r.sheet in ("daily", "checklist", "actions")] == []
    assert plan.notes == [
        "2026-11-22（周日）网点不营业：不填写这一天的每日数据、每日清单和行动计划；"
        "下一个营业日是 11-23"
    ]


def test_a_closed_day_after_the_week_is_filled_is_one_line(tmp_path: Path) -> None:
    cards = [[*row, "结果反馈" if n == 0 else None] for n, row in enumerate(golden.CARDS)]
    book = write_workbook(_raw(转介登记=cards), tmp_path / "测试支行-2026-11.xlsx")
    assert CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-20"]).exit_code == 0
    before = book.read_bytes()
    result = CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-22"])
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "2026-11-22（周日）网点不营业：不填写这一天的每日数据、每日清单和行动计划；"
        "下一个营业日是 11-23"
    ]
    assert book.read_bytes() == before


def test_only_a_fill_for_today_by_default_is_told_how_to_fill_another_day(tmp_path: Path) -> None:
    """With --date given the user already chose the day: no hint to add one (found by trying the
    product as a new user: "要填写某一天，请加 --date" after `--date 2026-11-25`)."""
    from branchkit import jobs
    from branchkit.cli import FILL_ANOTHER_DAY, _fill_summary

    book = write_workbook(_raw(), tmp_path / "测试支行-2026-11.xlsx")
    sunday = dt.date(2026, 11, 22)
    result = jobs.fill(book, sunday, dry_run=True)
    dated = _fill_summary(result, True, sunday, dated=True)
    assert dated.endswith(
        "2026-11-22（周日）网点不营业：不填写这一天的每日数据、每日清单和行动计划；下一个营业日是 11-23"
    )
    assert "--date" not in dated
    assert _fill_summary(result, True, sunday, dated=False) == dated + FILL_ANOTHER_DAY


def test_a_meeting_asked_for_on_a_closed_day_says_so_first() -> None:
    """Sunday 11-22 (设置 营业日 周一至周五): fill writes nothing for it, and a 晨会 or 夕会 built
    for it says the branch is closed before anything else, never counts today among the days
    left (found by trying the product as a new user: "本月还有 6 个营业日，含今天" on a Sunday)."""
    from branchkit.render.agenda import agenda_lines

    book = load_book(_raw(), "测试支行-2026-11.xlsx")
    closed = (
        "2026-11-22（周日）网点不营业：本议程仍按这一天计算，请核对日期；下一个营业日是 11-23。"
    )
    for meeting in ("晨会", "夕会"):
        lines = [
            text
            for _, text in agenda_lines(jobs.build_agenda(book, dt.date(2026, 11, 22), meeting))
        ]
        assert lines[lines.index(closed) - 1].startswith("一、"), meeting  # under the first heading
        assert not any("含今天" in line for line in lines)
        friday = [
            text
            for _, text in agenda_lines(jobs.build_agenda(book, dt.date(2026, 11, 20), meeting))
        ]
        assert not any("网点不营业" in line for line in friday)


def test_a_holiday_is_closed_and_the_months_checklist_is_left_as_it_was() -> None:
    # 2026-10-01, National Day. The October workbook keeps the checklist; fill on 10-01 adds
    # no row, so the month's completion is what it was: 2 of 2.
    items = [["时段", "事项", "责任岗位", "频次"], ["营业前", "晨会", "厅堂主管", "每日"]]
    records = [
        ["日期", "时段", "事项", "责任人", "完成情况"],
        ["2026-09-30", "营业前", "晨会", "周敏", "已完成"],
    ]
    settings = [r if r[0] != "统计月份" else ["统计月份", "2026-10"] for r in golden.SETTINGS]
    raw = {
        "设置": settings,
        "人员": golden.ROSTER,
        "产品": golden.PRODUCTS,
        "目标": golden.TARGETS,
        "转介登记": [golden.CARDS[0]],
        "追踪表": [golden.TRACKING[0]],
        "每日数据": [golden.DAILY[0]],
        "每日概况": [["日期", "客流量"]],
        "清单项目": items,
        "每日清单": records,
    }
    book = load_book(raw, "测试支行-2026-10.xlsx")
    from branchkit import fill

    plan = fill.plan(book, compute(book, dt.date(2026, 10, 1)))
    assert (plan.rows, plan.cells) == ([], [])
    assert plan.notes and plan.notes[0].startswith("2026-10-01（周四）网点不营业")
    assert "下一个营业日是 10-08" in plan.notes[0]  # the holiday runs 10-01 to 10-07


def test_a_saturday_the_branch_opens_is_filled() -> None:
    # The branch opens Monday to Friday, but 每日概况 shows 11-21 staffed (李四、周敏): it opened
    # this Saturday.
    overview = [["日期", "客流量", "当班人员"], ["2026-11-21", 60, "李四、周敏"]]
    book = load_book(_raw(每日清单=overview), "测试支行-2026-11.xlsx")
    from branchkit import fill

    plan = fill.plan(book, compute(book, dt.date(2026, 11, 21)))
    assert plan.notes == []
    assert [(r.sheet, r.values["name"]) for r in plan.rows if r.sheet == "daily"] == [
        ("daily", "李四")
    ]


def test_a_card_the_formula_would_not_count_makes_the_count_a_number(tmp_path: Path) -> None:
    # 李四's card of 11-20 typed as text "2026.11.20" (branchkit reads it as a date, COUNTIFS
    # would not), and 赵六 typed " 赵六 " as the referrer of another: a formula would read 0
    # once the sheet recalculates. Their counts are numbers; 王五's untouched row stays his.
    cards = [list(r) for r in golden.CARDS]
    cards[6][0] = "2026.11.20"
    cards.append(["2026-11-20", "R-9", "卫七", "13800000007", " 赵六 ", "是", "理财", "王五"])
    book = write_workbook(_raw(转介登记=cards), tmp_path / "测试支行-2026-11.xlsx")
    result = CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    for ref, count in (("C4", 1), ("C5", 1)):
        xml = _cell_xml(book, "每日数据", ref)
        assert "<f>" not in xml and f"<v>{count}</v>" in xml, xml
    loaded = read_book(book)
    counts = {r["name"]: r["referrals"] for r in loaded.daily.records() if r["date"] == D}
    assert counts == {"王五": 0, "李四": 1, "赵六": 1}


def test_a_card_typed_twice_makes_the_count_a_number(tmp_path: Path) -> None:
    # 李四's card of 11-20 typed twice cell for cell: branchkit reads it once (重复), COUNTIFS
    # would count both rows. Her count is written as the number branchkit counts.
    cards = [*golden.CARDS, golden.CARDS[6]]
    book = write_workbook(_raw(转介登记=cards), tmp_path / "测试支行-2026-11.xlsx")
    assert CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-20"]).exit_code == 0
    li = _cell_xml(book, "每日数据", "C4")
    assert "<f>" not in li and "<v>1</v>" in li, li
    assert "<f>" in _cell_xml(book, "每日数据", "C5")  # 赵六's: no card of his is typed twice


def test_a_name_too_long_for_a_formula_gets_the_count_as_a_number() -> None:
    # A formula may quote at most 255 characters: a (hostile) name of 300 gets the plain count.
    long = "甲" * 300
    roster = [*golden.ROSTER, [long, "柜员", "是"]]
    book = load_book(_raw(人员=roster), "测试支行-2026-11.xlsx")
    from branchkit import fill

    rows = [r.values for r in fill.plan(book, compute(book, D)).rows if r.sheet == "daily"]
    assert [r["referrals"] for r in rows if r["name"] == long] == [0]


def test_a_sheets_formulas_are_looked_for_once(tmp_path: Path, monkeypatch: Any) -> None:
    # Each look parses the sheet's XML whole: asked once per 每日数据 row whose count differs
    # from the cards, a 100,000-row workbook took minutes for one agenda.
    from branchkit import source

    daily = [["日期", "姓名", "转介数量"]] + [["2026-11-20", "王五", n] for n in range(1, 40)]
    book = write_workbook(_raw(每日数据=daily), tmp_path / "测试支行-2026-11.xlsx")
    looked: list[str] = []
    real = source.formula_cells
    monkeypatch.setattr(
        source, "formula_cells", lambda p, name: looked.append(name) or real(p, name)
    )
    problems = compute(read_book(book), D).problems
    assert len([p for p in problems if p.code is Code.DAILY_REFERRALS_DIFFER]) == 39
    assert looked == ["每日数据"]


def _parsed_formulas(path: Path, name: str) -> frozenset[tuple[int, int]]:
    """The formula cells as the sheet parser finds them: the slow, sure way."""
    from branchkit.package.sheetdata import SheetData
    from branchkit.source import layout

    found = layout(path)
    part = next(s.part for s in found.sheets if s.name == name)
    data = SheetData(found.package.text(part))
    return frozenset(
        (number, col)
        for number, row in data.rows.items()
        for col, cell in row.cells.items()
        if cell.has_formula
    )


_CORPORA = [
    Path(__file__).resolve().parents[1].parent / "shared" / n
    for n in ("excel-corpus", "realworld-corpus")
]


def test_formula_cells_found_without_parsing_are_the_parsers(tmp_path: Path) -> None:
    # formula_cells names a formula's cell from its r attribute when every formula element opens
    # a cell that has one, and parses the sheet otherwise; both ways must agree. On fill's own
    # counts, and on every sheet with a formula in the corpora of other programs' workbooks.
    from branchkit import source

    book = write_workbook(_raw(), tmp_path / "测试支行-2026-11.xlsx")
    assert CliRunner().invoke(main, ["fill", str(book), "--date", "2026-11-20"]).exit_code == 0
    assert source.formula_cells(book, "每日数据") == _parsed_formulas(book, "每日数据") != set()
    checked = 0
    for folder in _CORPORA:
        for path in sorted(folder.glob("*.xls[xm]"))[:300] if folder.is_dir() else []:
            try:
                sheets = [s.name for s in source.layout(path).sheets if s.kind == "worksheet"]
            except Exception:  # a workbook the reader refuses has nothing to compare
                continue
            for name in sheets:
                try:
                    expected = _parsed_formulas(path, name)
                except Exception:  # nor a sheet the parser refuses
                    continue
                assert source.formula_cells(path, name) == expected, (path.name, name)
                checked += bool(expected)
    assert checked or not any(folder.is_dir() for folder in _CORPORA)
