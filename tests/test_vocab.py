"""The workbook's words in, the same words out: every closed set branchkit decides on is read
into its Enum from the Simplified word, its Traditional spelling or its English key, and shown
again through the one word table in vocab."""

from __future__ import annotations

from typing import Any

import pytest
from branchkit.problems import Problem
from branchkit.settings import Settings, read_settings
from branchkit.vocab import (
    COUNT_CREDIT_WORDS,
    CREDIT_MODE_WORDS,
    DAY_BASIS_WORDS,
    FOCUS_WORDS,
    CountCredit,
    CreditMode,
    DayBasis,
    Focus,
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
    assert [(p.cell, p.problem) for p in problems] == [("B2", "应为 分润 或 双计")]
    assert problems[0].detail == "“业绩口径”已按默认值 分润 处理"


def test_the_settings_default_to_the_rules_defaults() -> None:
    d = Settings()
    assert (
        CREDIT_MODE_WORDS[d.credit_mode],
        COUNT_CREDIT_WORDS[d.count_credit],
        DAY_BASIS_WORDS[d.progress_basis],
        FOCUS_WORDS[d.meeting_focus],
    ) == ("分润", "双计", "自然日", "自动")
