"""The words of the problems: one test per family of messages checks the whole sentence a person
reads (the command line's `sheet!cell: "value" 问题（说明）`), from problems the reader really makes,
so a template and the args its makers give cannot drift apart. Every other test matches codes.

The expected lines are written out by hand from the wording the branch has used all along.
"""

from __future__ import annotations

import datetime as dt

import pytest
from branchkit import problem_text
from branchkit.figures import compute
from branchkit.problem_text import LEVELS, MESSAGES, as_json, line
from branchkit.problems import Code, Level, Problem
from branchkit.read import load_book, read_book

from . import test_figures_golden as golden
from .conftest import MESSY

D = golden.D


def _lines(raw: dict[str, list[list[object]]]) -> set[str]:
    return {line(p) for p in load_book(raw, "测试支行-2026-11.xlsx").problems}


def _golden(**changes: list[list[object]]) -> dict[str, list[list[object]]]:
    raw = golden._raw()
    raw.update(changes)
    return raw


@pytest.fixture(scope="module")
def messy() -> dict[tuple[str, str], str]:
    return {(p.sheet, p.cell): line(p) for p in read_book(MESSY).problems}


def test_every_code_has_its_words() -> None:
    assert set(MESSAGES) == set(Code)
    assert set(LEVELS) == set(Level)


def test_sheets_and_header_rows() -> None:
    raw = {
        "人员": golden.ROSTER,
        "产品": golden.PRODUCTS,
        "追踪表": [["客户姓名", "推荐日", "接收人"], ["张三", "2026-11-02", "赵六"]],
        "转介登记": [["随便"]],
        "每日数据2": [["x"]],
    }
    found = _lines(raw)
    assert "目标: 缺少工作表（请从模板复制该工作表）" in found
    assert "每日数据: 缺少工作表（是不是“每日数据2”？请改名为“每日数据”）" in found
    assert "追踪表!A1: 缺少必填列“推荐时间”（是不是“推荐日”？请改为“推荐时间”）" in found
    assert (
        "转介登记!A1: 找不到表头（第一行应是列名：日期、转介编号、客户姓名、联系方式、推荐人、"
        "是否现场推荐、客户需求、接收人、身份证号、推荐原因、结果反馈）"
    ) in found
    no_name = _lines({**raw, "人员": [["岗位", "在岗"], ["客户助理", "是"]]})
    assert "人员!A1: 缺少必填列“姓名”（请补上这一列）" in no_name


def test_a_renamed_sheet(messy: dict[tuple[str, str], str]) -> None:
    assert messy["跟踪记录", ""] == (
        '跟踪记录: "跟踪记录" 工作表名不是标准名称，已按“追踪表”读取（建议改名为“追踪表”）'
    )


def test_rows(messy: dict[tuple[str, str], str]) -> None:
    assert messy["转介登记", "E5"] == "转介登记!E5: 缺少必填项（“推荐人”不能为空）"
    assert messy["转介登记", "A6"] == "转介登记!A6: 重复（与第 2 行完全相同，只计一次）"


def test_values_of_the_wrong_kind(messy: dict[tuple[str, str], str]) -> None:
    expected = {
        ("目标", "C4"): '目标!C4: "很多" 不是金额（“目标值”应为金额或数量，如 20、20万、5000元）',
        ("转介登记", "D4"): '转介登记!D4: "138***4567" 手机号格式不对（“联系方式”应为11位手机号）',
        ("转介登记", "I4"): '转介登记!I4: "110***********0021" 身份证号校验位不对（“身份证号”）',
        ("转介登记", "A5"): '转介登记!A5: "上周五" 不是日期（“日期”应为日期，如 2026-11-20）',
        ("转介登记", "F7"): '转介登记!F7: "可能" 应为 是/否（“是否现场推荐”应为 是 或 否）',
        ("跟踪记录", "E7"): '跟踪记录!E7: "110***********0000" 身份证号被存成了数字，末几位可能'
        "已丢失，请把单元格设为文本后重填（“身份证号码”）",
        ("每日数据", "I3"): '每日数据!I3: "-1" 不是非负整数（“客户跟进数”应为整数）',
        ("行动计划", "E2"): '行动计划!E2: "进行中" 不在可选范围内（“状态”可选：未完成、已完成）',
    }
    assert {at: messy[at] for at in expected} == expected


def test_settings_keep_their_default(messy: dict[tuple[str, str], str]) -> None:
    assert messy["设置", "B7"] == (
        '设置!B7: "三成" 应为 0 到 1 之间的比例（“分润比例”已按默认值 0.3 处理）'
    )
    found = _lines(_golden(设置=[*golden.SETTINGS, ["业绩口径", "三七开"], ["统计月份", "十一月"]]))
    assert '设置!B8: "三七开" 应为 分润 或 双计（“业绩口径”已按默认值 分润 处理）' in found
    assert '设置!B9: "十一月" 应为年月，如 2026-11（“统计月份”已按默认值 空 处理）' in found


def test_across_sheets(messy: dict[tuple[str, str], str]) -> None:
    expected = {
        (
            "转介登记",
            "E7",
        ): '转介登记!E7: "小明" 人员表中没有此人（请在“人员”表添加，或核对推荐人）',
        ("跟踪记录", "K4"): '跟踪记录!K4: "外汇宝" 产品表中没有此产品（这笔不计入任何指标；请在'
        "“产品”表添加）",
        ("每日清单", "C3"): '每日清单!C3: "擦玻璃" 清单项目中没有此事项（仍按这个事项计入；请核对'
        "名称，或在“清单项目”添加）",
        ("每日清单", "J5"): '每日清单!J5: "2026-11-01" 整改期限早于发现问题的日期（11-02）'
        "（请核对整改期限）",
    }
    assert {at: messy[at] for at in expected} == expected


def test_amounts_say_the_unit_they_are_typed_in(messy: dict[tuple[str, str], str]) -> None:
    left_out = "这一笔暂不计入业绩，改好后再刷新"
    assert messy["跟踪记录", "L5"] == (
        f'跟踪记录!L5: "200000" 超过单笔上限 10000（单位是万元，20万元应填 20；{left_out}）'
    )
    assert messy["跟踪记录", "L7"] == (
        f'跟踪记录!L7: "5000" 超过单笔上限 1000（单位是张，按张填写；{left_out}）'
    )
    header, *rows = golden.TRACKING
    sale = dict(zip(header, rows[0], strict=True))

    def row(product: str, amount: float, customer: str = "张三") -> list[object]:
        return [
            *{**sale, "客户姓名": customer, "达成产品": product, "达成金额或数量": amount}.values()
        ]

    cards = [row("龙卡", 1, f"客户{n}") for n in range(5)]  # the usual card: one 张
    n = len(golden.TRACKING)
    tracking = [*golden.TRACKING, row("日鑫月溢", -5), row("外汇", 2000), *cards, row("龙卡", 30)]
    found = _lines(_golden(追踪表=tracking))
    assert f'追踪表!I{n + 1}: "-5" 不能为负数（单位是万元，20万元应填 20；{left_out}）' in found
    # A product 产品 does not list has no unit: its warning only, never a cap in no unit.
    assert (
        f'追踪表!H{n + 2}: "外汇" 产品表中没有此产品（这笔不计入任何指标；请在“产品”表添加）'
        in found
    )
    assert not [line for line in found if line.startswith(f"追踪表!I{n + 2}")]
    assert f'追踪表!I{n + 8}: "30" 金额比本网点平时大得多（单位是张，请核对：按张填写）' in found


def test_a_listed_product_without_a_unit_is_asked_for_its_unit() -> None:
    # 鑫存 is in 产品 with its 单位 left blank: the amount's message asks for the unit there, and
    # never says the product is not listed.
    products = [*golden.PRODUCTS, ["鑫存", "存款", None]]
    header, *rows = golden.TRACKING
    sale = dict(zip(header, rows[0], strict=True))
    tracking = [*golden.TRACKING, [*{**sale, "达成产品": "鑫存", "达成金额或数量": -3}.values()]]
    found = _lines(_golden(产品=products, 追踪表=tracking))
    (amount,) = [x for x in found if x.startswith(f"追踪表!I{len(tracking)}")]
    assert "产品表里“鑫存”没写单位，请补上" in amount and "没有这个产品" not in amount


def test_the_day() -> None:
    overview = [["日期", "客流量", "当班人员"], ["2026-11-20", 100, "李四、赵六"]]
    daily = [["日期", "姓名", "转介数量"], ["2026-11-20", "李四", 3]]
    book = load_book(_golden(每日清单=overview, 每日数据=daily), "测试支行-2026-11.xlsx")
    found = {line(p) for p in compute(book, D).problems}
    assert (
        '每日清单!C2: "赵六" 当班但“每日数据”没有 11-20 的记录（这一天会按 0 计算；请在“每日数据”'
        "补上这一行）"
    ) in found
    assert (
        '每日数据!C2: "3" 与转介登记不符（11-20 登记了 1 张推荐卡）（排名按转介登记计算；请核对两处）'
    ) in found


def test_json_carries_the_sentence_and_the_level_word() -> None:
    problem = Problem(
        Code.NOT_AN_AMOUNT,
        "追踪表",
        "J14",
        {"column": "达成金额或数量"},
        value="二十万元",
        level=Level.ERROR,
    )
    assert as_json(problem) == {
        "表": "追踪表",
        "单元格": "J14",
        "值": "二十万元",
        "问题": "不是金额",
        "级别": "错误",
    }
    assert problem_text.level(Problem(Code.DUPLICATE_ROW, "案例", "A3", level=Level.WARNING)) == (
        "警告"
    )
    assert problem_text.detail(problem) == "“达成金额或数量”"  # no kind given: the column alone
    late = Problem(Code.FIX_DUE_BEFORE_FOUND, "每日清单", "J5", {"found": dt.date(2026, 11, 2)})
    assert problem_text.statement(late) == "整改期限早于发现问题的日期（11-02）"


def test_a_sale_dated_before_the_month_is_said_at_its_closing_date_with_the_whole_date() -> None:
    """messy-branch 跟踪记录 row 2: a 20万 sale with no 达成日期 whose 推荐时间 was typed 2013.7.1
    counts on a day no period of the November workbook holds — said at M2 (达成日期), with the
    year, so the typo shows, never lost silently."""
    import datetime as dt

    from branchkit.figures import compute
    from branchkit.read import read_book

    from .conftest import MESSY

    figures = compute(read_book(MESSY), dt.date(2026, 11, 20))
    (found,) = [p for p in figures.problems if p.code is Code.SALE_DATED_LAST_MONTH]
    assert (found.sheet, found.cell, found.level) == ("跟踪记录", "M2", Level.WARNING)
    assert found.args["referred"] == dt.date(2013, 7, 1)
    assert problem_text.statement(found) == "成交没有达成日期，推荐时间 2013-07-01 早于本月"
    assert "请填写达成日期" in problem_text.detail(found)
