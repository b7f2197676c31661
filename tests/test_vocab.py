"""The workbook's words in, the same words out: every closed set branchkit decides on is read
into its Enum from the Simplified word, its Traditional spelling or its English key, and shown
again through the one word table in vocab."""

from __future__ import annotations

from typing import Any

import pytest
from branchkit.problem_text import detail, statement
from branchkit.problems import Code, Level, Problem
from branchkit.read import load_book
from branchkit.schema import CHECKLIST_STATES, INPUT_SHEETS
from branchkit.settings import Settings, read_settings
from branchkit.vocab import (
    CHECKLIST_STATE_WORDS,
    COUNT_CREDIT_WORDS,
    CREDIT_MODE_WORDS,
    DAY_BASIS_WORDS,
    FOCUS_WORDS,
    PACE_LABELS,
    SLOT_WORDS,
    UNIT_WORDS,
    ActionState,
    CaseCategory,
    CaseNature,
    ChecklistState,
    CountCredit,
    CreditMode,
    DayBasis,
    Focus,
    Key,
    Meeting,
    Pace,
    PeriodKind,
    Slot,
    Unit,
    word,
)


def _settings(*rows: list[Any]) -> tuple[Settings, list[Problem]]:
    problems: list[Problem] = []
    return read_settings("设置", [["项目", "值"], *map(list, rows)], problems), problems


@pytest.mark.parametrize(
    ("label", "typed", "field", "expected"),
    [
        ("业绩口径", "双计", "credit_mode", CreditMode.DOUBLE),
        ("業績口徑", "雙計", "credit_mode", CreditMode.DOUBLE),  # Traditional
        ("credit mode", "double", "credit_mode", CreditMode.DOUBLE),  # English
        ("业绩口径", " 分润 ", "credit_mode", CreditMode.SPLIT),
        ("计数归属", "接收人", "count_credit", CountCredit.RECEIVER),
        ("計數歸屬", "推薦人", "count_credit", CountCredit.REFERRER),
        ("时间进度口径", "工作日", "progress_basis", DayBasis.WORK),
        ("時間進度口徑", "自然日", "progress_basis", DayBasis.CALENDAR),
        ("夕会重点", "运营", "meeting_focus", Focus.OPERATIONS),
        ("夕會重點", "營銷", "meeting_focus", Focus.MARKETING),
        ("meeting focus", "Service", "meeting_focus", Focus.SERVICE),
    ],
)
def test_a_setting_of_a_closed_set_is_read_in_any_of_its_spellings(
    label: str, typed: str, field: str, expected: object
) -> None:
    settings, problems = _settings([label, typed])
    assert getattr(settings, field) is expected
    assert problems == []


def test_a_setting_outside_its_set_is_a_warning_and_the_default_holds() -> None:
    settings, problems = _settings(["业绩口径", "平分"])
    assert settings.credit_mode is CreditMode.SPLIT
    assert [(p.cell, p.code, p.level) for p in problems] == [
        ("B2", Code.SETTING_NOT_A_CHOICE, Level.WARNING)
    ]
    assert problems[0].args["choices"] == ("分润", "双计")
    assert statement(problems[0]) == "应为 分润 或 双计"
    assert detail(problems[0]) == "“业绩口径”已按默认值 分润 处理"


def test_the_settings_default_to_the_rules_defaults() -> None:
    d = Settings()
    assert (
        CREDIT_MODE_WORDS[d.credit_mode],
        COUNT_CREDIT_WORDS[d.count_credit],
        DAY_BASIS_WORDS[d.progress_basis],
        FOCUS_WORDS[d.meeting_focus],
    ) == ("分润", "双计", "自然日", "自动")


# ---------------------------------------------------------------- closed sets in the input sheets


def _column(sheet: str, header: list[str], *rows: list[Any]) -> tuple[Any, list[Problem]]:
    """One input sheet read by itself (with the 设置 every book has)."""
    book = load_book({"设置": [["项目", "值"]], sheet: [header, *map(list, rows)]}, "x.xlsx")
    key = next(s.key for s in INPUT_SHEETS if s.name == sheet)
    return book.tables[key], [p for p in book.problems if p.sheet == sheet]


@pytest.mark.parametrize(
    ("sheet", "header", "row", "column", "expected"),
    [
        ("产品", ["产品名称", "指标", "单位"], ["龙卡", "信用卡", "张"], "unit", Unit.CARD),
        ("产品", ["产品名称", "指标", "单位"], ["理财A", "理财", "萬元"], "unit", Unit.WAN_YUAN),
        ("产品", ["产品名称", "指标", "单位"], ["理财A", "理财", "yuan"], "unit", Unit.YUAN),
        (
            "每日清单",
            ["日期", "时段", "事项", "完成情况"],
            ["2026-11-20", "營業前", "晨会", "不適用"],
            "state",
            ChecklistState.NOT_APPLICABLE,
        ),
        (
            "每日清单",
            ["日期", "时段", "事项", "完成情况"],
            ["2026-11-20", "营业后", "晨会", "Done"],
            "period",
            Slot.AFTER_CLOSING,
        ),
        (
            "案例",
            ["日期", "类别", "性质", "描述"],
            ["2026-11-20", "運營", "投訴", "等候太久"],
            "nature",
            CaseNature.COMPLAINT,
        ),
        (
            "案例",
            ["日期", "类别", "性质", "描述"],
            ["2026-11-20", "運營", "投訴", "等候太久"],
            "category",
            CaseCategory.OPERATIONS,
        ),
        (
            "行动计划",
            ["提出日期", "事项", "状态"],
            ["2026-11-20", "补张贴利率牌", "已完成"],
            "state",
            ActionState.DONE,
        ),
    ],
)
def test_a_closed_set_column_is_read_into_its_member(
    sheet: str, header: list[str], row: list[Any], column: str, expected: object
) -> None:
    table, problems = _column(sheet, header, row)
    assert table[column] == [expected]
    assert problems == []


def test_a_word_outside_the_list_stays_as_typed_with_a_warning() -> None:
    table, problems = _column("产品", ["产品名称", "指标", "单位"], ["金条", "贵金属", "克"])
    assert table["unit"] == ["克"]
    assert [(p.cell, p.level, p.code) for p in problems] == [
        ("C2", Level.WARNING, Code.NOT_A_CHOICE)
    ]
    assert statement(problems[0]) == "不在可选范围内"


def test_a_checklist_state_outside_the_list_is_an_error_and_counts_nowhere() -> None:
    table, problems = _column(
        "每日清单", ["日期", "事项", "完成情况"], ["2026-11-20", "晨会", "已完成（部分）"]
    )
    assert table["state"] == ["已完成（部分）"]
    assert [(p.cell, p.level, p.code) for p in problems] == [("C2", Level.ERROR, Code.NOT_A_CHOICE)]


def test_every_closed_set_column_offers_exactly_its_words() -> None:
    for sheet in INPUT_SHEETS:
        for col in sheet.columns:
            if col.words:
                assert col.choices == tuple(w for _, w in col.words)
                assert all(isinstance(m, Key) for m, _ in col.words)
    assert CHECKLIST_STATES == ("已完成", "未完成", "不适用")  # 待完成 is never typed


@pytest.mark.parametrize(
    ("words", "value", "shown"),
    [
        (UNIT_WORDS, Unit.WAN_YUAN, "万元"),
        (UNIT_WORDS, "克", "克"),  # typed outside the list: as typed
        (SLOT_WORDS, "", ""),
        (CHECKLIST_STATE_WORDS, None, ""),
        (CHECKLIST_STATE_WORDS, ChecklistState.PENDING, "待完成"),
    ],
)
def test_a_value_reads_as_its_word(words: Any, value: Any, shown: str) -> None:
    assert word(words, value) == shown


def test_a_member_is_its_english_key_in_text_and_json() -> None:
    import json

    assert str(Pace.BEHIND) == f"{Pace.BEHIND}" == "behind" == Pace.BEHIND
    assert json.dumps({PeriodKind.MONTH: Meeting.DAILY}) == '{"month": "daily"}'
    assert PACE_LABELS["behind"] == "低于进度"  # a plain key finds the member's word
