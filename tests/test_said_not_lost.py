"""Typing slips that used to take people, sales or cards out of the figures without a word
(found by trying the product as a new user): each is now a problem at the cell to fix, and
`validate` no longer says 没有发现数据问题 (docs/口径.md#数据错误, docs/口径.md#入职和离岗).

The workbook: 李四 refers, 赵六 receives; November 2026, every day open."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

from branchkit import schema
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.problems import Code, Level, Problem
from branchkit.read import read_book
from branchkit.schema import CARRIED_MARK
from branchkit.templates import write_branch_workbook
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .test_year_across_months import _card, _row, _sold, _tracking

NOV = dt.date(2026, 11, 1)
DAY = dt.date(2026, 11, 20)


def _person(
    name: str, role: str, active: str = "是", joined: Any = None, left: Any = None
) -> list[Any]:
    return _row(schema.ROSTER, name=name, role=role, active=active, joined_on=joined, left_on=left)


ROSTER = [_person("李四", "客户助理"), _person("赵六", "理财经理")]


def _book(tmp_path: Path, **data: list[list[Any]]) -> Path:
    rows: dict[str, list[list[Any]]] = {
        "roster": ROSTER,
        "products": [["日鑫月溢", "理财", "万元"]],
        "targets": [["赵六", "理财", 300], ["李四", "转介数", 30]],
        "referrals": [_card(dt.date(2026, 11, 3), "R-1", "李雷", "13800000011")],
        "tracking": [_sold(dt.date(2026, 11, 3), "李雷", "13800000011", 20, referrer="李四")],
    }
    rows.update(data)
    return write_branch_workbook(
        tmp_path / "测试支行-2026-11.xlsx", "测试支行", "2026-11", data=rows
    )


def _problems(path: Path) -> list[Problem]:
    return [p for p in compute(read_book(path), DAY).problems if p.code is not Code.NO_DAILY_ROW]


def _said(path: Path) -> list[tuple[Code, str, Level, str]]:
    return [(p.code, p.where, p.level, p.value) for p in _problems(path)]


def test_a_clean_month_says_nothing(tmp_path: Path) -> None:
    assert _said(_book(tmp_path)) == []


def test_an_amount_without_a_product_is_an_error_at_the_product_cell(tmp_path: Path) -> None:
    sale = _sold(dt.date(2026, 11, 3), "李雷", "13800000011", 13, referrer="李四")
    sale[[c.key for c in schema.TRACKING.columns].index("product")] = None
    path = _book(tmp_path, tracking=[sale])
    column = schema.TRACKING.columns.index(schema.TRACKING.column("product"))
    cell = f"{chr(ord('A') + column)}2"
    assert _said(path) == [(Code.SALE_WITHOUT_PRODUCT, f"追踪表!{cell}", Level.ERROR, "13")]
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert result.exit_code == 1
    assert f"追踪表!{cell}" in result.stdout and "有达成金额，但没有达成产品" in result.stdout


def test_a_card_dated_outside_the_month_is_said_unless_carried(tmp_path: Path) -> None:
    typed = _card(dt.date(2025, 11, 3), "R-2", "韩梅", "13800000012")  # a slip of the year
    later = _card(dt.date(2026, 12, 1), "R-3", "张三", "13800000013")
    carried = _card(dt.date(2026, 10, 30), "R-4", "王五", "13800000014")
    carried[[c.key for c in schema.REFERRALS.columns].index("reason")] = "理财" + CARRIED_MARK
    first = _card(dt.date(2026, 11, 3), "R-1", "李雷", "13800000011")
    path = _book(tmp_path, referrals=[first, typed, later, carried])
    problems = _problems(path)
    assert [(p.code, p.where, p.level) for p in problems] == [
        (Code.CARD_OUTSIDE_MONTH, "转介登记!A3", Level.WARNING),
        (Code.CARD_OUTSIDE_MONTH, "转介登记!A4", Level.WARNING),
    ]
    assert problems[0].args["date"] == dt.date(2025, 11, 3)
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "推荐日期 2025-11-03 不在本月" in result.stdout and "2026-10-30" not in result.stdout


def test_a_name_typed_twice_in_the_roster_is_said_at_the_second(tmp_path: Path) -> None:
    path = _book(tmp_path, roster=[*ROSTER, _person("李四", "柜员")])
    assert _said(path) == [(Code.SAME_NAME_TWICE, "人员!A4", Level.WARNING, "李四")]
    assert _problems(path)[0].args == {"first": 2}


def test_leaving_before_joining_is_said(tmp_path: Path) -> None:
    odd = _person("周敏", "厅堂主管", joined=dt.date(2026, 11, 25), left=dt.date(2026, 11, 10))
    path = _book(tmp_path, roster=[*ROSTER, odd])
    column = "ABCDEFGH"[schema.ROSTER.columns.index(schema.ROSTER.column("left_on"))]
    assert _said(path) == [
        (Code.LEFT_BEFORE_JOINING, f"人员!{column}4", Level.WARNING, "2026-11-10")
    ]


def test_records_on_days_away_are_said_at_the_roster_cell_that_keeps_them_out(
    tmp_path: Path,
) -> None:
    roster = [
        _person("李四", "客户助理", left=dt.date(2026, 10, 31)),  # left last month, still refers
        _person("赵六", "理财经理", active="否"),  # marked gone, still sells
        _person("周敏", "厅堂主管", joined=dt.date(2026, 11, 25)),  # on duty before joining
    ]
    overview = _row(schema.OVERVIEW, date=dt.date(2026, 11, 5), on_duty="周敏", traffic=80)
    path = _book(tmp_path, roster=roster, overview=[overview])
    keys = [c.key for c in schema.ROSTER.columns]
    letter = {key: "ABCDEFGH"[keys.index(key)] for key in ("active", "joined_on", "left_on")}
    problems = _problems(path)
    assert {(p.code, p.where, p.value) for p in problems} == {
        # the cell's value, as for every problem (a helper read 刘洋 as the 离岗日期 typed)
        (Code.RECORDED_AFTER_LEAVING, f"人员!{letter['left_on']}2", "2026-10-31"),
        (Code.RECORDED_WHILE_INACTIVE, f"人员!{letter['active']}3", "否"),
        (Code.RECORDED_BEFORE_JOINING, f"人员!{letter['joined_on']}4", "2026-11-25"),
    }
    assert len(problems) == 3
    by_code = {p.code: p.args for p in problems}
    assert by_code[Code.RECORDED_AFTER_LEAVING]["day"] == dt.date(2026, 11, 3)
    assert by_code[Code.RECORDED_AFTER_LEAVING]["where"] == "转介登记"
    assert by_code[Code.RECORDED_WHILE_INACTIVE]["where"] == "追踪表"
    assert by_code[Code.RECORDED_BEFORE_JOINING] == {
        "day": dt.date(2026, 11, 5),
        "where": "每日概况",
        "name": "周敏",
        "joined": dt.date(2026, 11, 25),
    }
    result = CliRunner().invoke(main, ["validate", str(path)])
    assert "离岗日期是 2026-10-31，但“转介登记”里 11-03 还有李四" in result.stdout
    assert "没有发现数据问题" not in result.stdout


def test_a_leaver_whose_records_stop_when_they_left_is_not_flagged(tmp_path: Path) -> None:
    roster = [_person("李四", "客户助理", left=dt.date(2026, 11, 10)), ROSTER[1]]
    assert _said(_book(tmp_path, roster=roster)) == []  # their one card is of 11-03


# ---------------------------------------------------------------- a number typed into a name

MOBILE, ID = "13800138020", "110101199003071234"


def test_a_phone_or_id_typed_into_a_name_leaves_no_output_whole(tmp_path: Path) -> None:
    """Found by an attack: 联系方式 stands right before 推荐人, and a number typed one column too
    far went out whole on the agenda, in --json and in the weekly workbook the mail carries."""
    follow_up = dict(next_contact=dt.date(2026, 11, 21))
    rows = [
        _sold(DAY, "李雷", "13800000011", 20, referrer=MOBILE, **follow_up),
        _sold(DAY, f"韩梅{ID}", "13800000012", 10, **follow_up),
    ]
    overview = _row(schema.OVERVIEW, date=DAY, on_duty=f"赵六、{MOBILE}", traffic=50)
    path = _book(tmp_path, tracking=rows, overview=[overview])
    runner = CliRunner()
    outputs = [
        runner.invoke(main, ["rankings", str(path), "--date", "2026-11-20", "--json"]).stdout,
        runner.invoke(main, ["validate", str(path), "--json"]).stdout,
    ]
    for form in ("md", "txt", "html"):
        out = tmp_path / f"agenda.{form}"
        runner.invoke(
            main,
            [
                "build-agenda",
                str(path),
                "--date",
                "2026-11-20",
                "--format",
                form,
                "--out",
                str(out),
            ],
        )
        outputs.append(out.read_text(encoding="utf-8"))
    weekly = tmp_path / "周报.xlsx"
    runner.invoke(main, ["weekly", str(path), "--week", "2026-W47", "--out", str(weekly)])
    book = CalamineWorkbook.from_path(str(weekly))
    outputs += [str(book.get_sheet_by_name(n).to_python()) for n in book.sheet_names]
    assert all(outputs)
    for text in outputs:
        assert MOBILE not in text and ID not in text
    assert any("138****8020" in text for text in outputs)  # there, masked


def test_a_customers_name_in_a_problems_value_is_masked_wherever_it_goes(tmp_path: Path) -> None:
    """Found by an attack: 叶丽超 周五再联系 typed into a date cell went whole into validate's
    output and the 数据问题 of the rollup sent to the parent branch."""
    from branchkit.rollup.summary import BranchSummary
    from branchkit.rollupjob.engine import summarize

    row = _sold(dt.date(2026, 11, 3), "李雷", "13800000011", 20, referrer="李四")
    row[[c.key for c in schema.TRACKING.columns].index("next_contact")] = "李雷 周五再联系"
    path = _book(tmp_path, tracking=[row])
    (problem,) = [p for p in _problems(path) if p.code is Code.NOT_A_DATE]
    assert problem.value == "李* 周五再联系"
    out = CliRunner().invoke(main, ["validate", str(path), "--json"]).stdout
    assert "李* 周五再联系" in out and "李雷" not in out
    summary = summarize(str(path), DAY)
    assert isinstance(summary, BranchSummary)
    lines = " ".join(text for _, text in summary.error_lines)
    assert "李* 周五再联系" in lines and "李雷" not in lines


def test_a_workbook_without_its_branch_name_is_called_by_its_file_name(tmp_path: Path) -> None:
    """Found by a new user: with 设置 gone (or 网点名称 empty) the agenda's title was
    " 夕会议程". A name branchkit gives (网点-年-月) still says the branch; another says nothing."""
    named = write_branch_workbook(tmp_path / "人民路支行-2026-11.xlsx", "", "2026-11")
    assert read_book(named).settings.branch == "人民路支行"
    out = tmp_path / "议程.txt"
    args = [
        "build-agenda",
        str(named),
        "--date",
        "2026-11-20",
        "--format",
        "txt",
        "--out",
        str(out),
    ]
    assert CliRunner().invoke(main, args).exit_code in (0, 1)
    assert out.read_text(encoding="utf-8").lstrip().startswith("人民路支行 夕会议程")
    other = write_branch_workbook(tmp_path / "新建工作表.xlsx", "", "2026-11")
    assert read_book(other).settings.branch == ""


def test_fill_copies_a_name_as_typed_though_outputs_mask_its_number(tmp_path: Path) -> None:
    """Found by a review: masking numbers in names when read made fill copy 韩梅138****0012 into
    the new 追踪表 row, losing the digits from the workbook itself. fill copies what was typed."""
    card = _card(dt.date(2026, 11, 3), "R-2", f"韩梅{MOBILE}", "13800000012")
    card[[c.key for c in schema.REFERRALS.columns].index("receiver")] = f"赵六{ID}"
    path = _book(tmp_path, referrals=[card], tracking=[])
    assert CliRunner().invoke(main, ["fill", str(path), "--date", "2026-11-20"]).exit_code in (0, 1)
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("追踪表").to_python()
    header = [str(h).replace("\n", "") for h in rows[0]]
    new = rows[1]
    assert new[header.index("客户姓名")] == f"韩梅{MOBILE}"
    assert new[header.index("接收人")] == f"赵六{ID}"
    book = read_book(path)  # read again: the table masks, the book keeps what was typed
    assert book.tracking["customer"] == ["韩梅138****8020"]
    assert book.as_typed("tracking", "customer", 2, "") == f"韩梅{MOBILE}"


def test_an_earlier_stint_and_an_open_follow_up_handed_on_are_not_flagged(tmp_path: Path) -> None:
    """Found by a review: 人员 with an old stint of 李四 (在岗 否) above the row that counts, and
    an open follow-up of 11-05 handed to 周敏, who joined on 11-11, were both warned about —
    though the figures count 李四 by the row that counts, and an open row is no sale."""
    roster = [
        _person("李四", "客户助理", active="否"),  # an earlier stint
        _person("赵六", "理财经理"),
        _person("李四", "客户助理"),  # counted
        _person("周敏", "理财经理", joined=dt.date(2026, 11, 11)),
    ]
    handed_on = _tracking(dt.date(2026, 11, 5), "韩梅", "13800000012")
    handed_on[[c.key for c in schema.TRACKING.columns].index("receiver")] = "周敏"
    path = _book(
        tmp_path,
        roster=roster,
        tracking=[
            _sold(dt.date(2026, 11, 3), "李雷", "13800000011", 20, referrer="李四"),
            handed_on,
        ],
    )
    assert _said(path) == []


def _finding(problem: str, fix: str, **cells: Any) -> list[Any]:
    """A 每日清单 row of D's morning round that found `problem`, with its 整改 `fix`."""
    return _row(
        schema.CHECKLIST,
        date=DAY,
        period="晨会",
        item="设备开机检查",
        owner="赵六",
        state="已完成",
        problem=problem,
        fix=fix,
        **cells,
    )


def test_fill_json_masks_a_customer_named_in_the_text_it_wrote(tmp_path: Path) -> None:
    """Found by an attack: fill --json showed 整改：客户潘刚兰反映ATM吞卡… whole, which the agenda
    shows as 潘**. The workbook gets the text as written; --json shows it masked."""
    path = _book(tmp_path, checklist=[_finding("客户李雷反映ATM吞卡", "联系李雷")])
    result = CliRunner().invoke(main, ["fill", str(path), "--date", "2026-11-20", "--json"])
    written = [cell["值"] for cell in json.loads(result.stdout)["已填写"]]
    plan = [v for v in written if isinstance(v, str) and v.startswith("整改：")]
    assert plan == ["整改：客户李*反映ATM吞卡（设备开机检查）：联系李*"]
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("行动计划").to_python()
    assert any("客户李雷反映ATM吞卡" in str(cell) for row in rows for cell in row)


def test_an_owner_typed_with_a_number_goes_into_the_action_plan_as_typed(tmp_path: Path) -> None:
    """Found by a review: fill (and init --from) wrote 整改责任人 周敏136****1234 into 行动计划."""
    owner = f"周敏{MOBILE}"
    path = _book(tmp_path, checklist=[_finding("地面湿滑", "放警示牌", fix_owner=owner)])
    december = tmp_path / "测试支行-2026-12.xlsx"
    init = ["init", str(december), "--from", str(path), "--month", "2026-12"]
    assert CliRunner().invoke(main, init).exit_code in (0, 1)
    assert CliRunner().invoke(main, ["fill", str(path), "--date", "2026-11-20"]).exit_code in (0, 1)
    for book in (path, december):
        rows = CalamineWorkbook.from_path(str(book)).get_sheet_by_name("行动计划").to_python()
        assert any(owner in row for row in rows), book.name


def test_a_name_again_below_the_row_that_counts_is_said_even_if_marked_gone(
    tmp_path: Path,
) -> None:
    """Only an earlier stint above the counted row is history (found by a review)."""
    path = _book(tmp_path, roster=[*ROSTER, _person("李四", "客户助理", active="否")])
    assert _said(path) == [(Code.SAME_NAME_TWICE, "人员!A4", Level.WARNING, "李四")]


def test_an_email_typed_into_a_name_is_read_masked(tmp_path: Path) -> None:
    card = _card(dt.date(2026, 11, 3), "R-2", "韩梅", "13800000012")
    card[[c.key for c in schema.REFERRALS.columns].index("referrer")] = "hanmei@example.com"
    book = read_book(_book(tmp_path, referrals=[card]))
    assert book.referrals["referrer"] == ["h*****@example.com"]


def test_a_returner_on_a_second_row_is_told_how_to_record_a_return(tmp_path: Path) -> None:
    """Found by a new user: 李四 left on 11-05 and came back on 11-12, on a second row with his
    工号; the warning told them to rename one of the two (李四A), splitting one person."""
    from branchkit.problem_text import detail

    first = _person("李四", "客户助理", left=dt.date(2026, 11, 5))
    first[[c.key for c in schema.ROSTER.columns].index("staff_id")] = "1003"
    again = _person("李四", "客户助理", joined=dt.date(2026, 11, 12))
    again[[c.key for c in schema.ROSTER.columns].index("staff_id")] = "1003"
    back = _card(dt.date(2026, 11, 14), "R-2", "韩梅", "13800000012")  # 李四's, once back
    cards = [_card(dt.date(2026, 11, 3), "R-1", "李雷", "13800000011"), back]
    path = _book(tmp_path, roster=[first, ROSTER[1], again], referrals=cards)
    twice = next(p for p in _problems(path) if p.code is Code.SAME_NAME_TWICE)
    assert "工号同为 1003" in detail(twice) and "清空第 2 行的离岗日期" in detail(twice)
    away = next(p for p in _problems(path) if p.code is Code.RECORDED_AFTER_LEAVING)
    assert "照常记在他名下" in detail(away)
