"""Week on week and month on month: which earlier rollup is "the same point", and the store's
trend queries on rows written here by hand (the figures worked out in the comments)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from branchkit.rollup.trends import history_dates, month_before, week_before
from branchkit.rollupjob import store

D = dt.date(2026, 11, 20)  # a Friday


def d(text: str) -> dt.date:
    return dt.date.fromisoformat(text)


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (["2026-11-12", "2026-11-13", "2026-11-14"], "2026-11-13"),  # last Friday itself
        (["2026-11-09", "2026-11-11"], "2026-11-11"),  # the latest of last week up to Friday
        (["2026-11-14", "2026-11-15", "2026-11-16"], None),  # after last Friday, or this week
        (["2026-11-08"], None),  # the week before last
    ],
)
def test_week_before_is_last_week_up_to_the_same_weekday(
    dates: list[str], expected: str | None
) -> None:
    assert week_before(map(d, dates), D) == (d(expected) if expected else None)


@pytest.mark.parametrize(
    ("day", "dates", "expected"),
    [
        ("2026-11-20", ["2026-10-15", "2026-10-20", "2026-10-25"], "2026-10-20"),
        # none by the 20th: no same point (10-31 is a whole month, found by a new user)
        ("2026-12-04", ["2026-11-20", "2026-11-30"], None),
        ("2026-11-20", ["2026-10-25", "2026-10-31"], None),
        # the month's last day against last month's last, however long (found in review)
        ("2026-11-30", ["2026-09-30", "2026-10-31"], "2026-10-31"),
        ("2027-02-28", ["2027-01-28", "2027-01-31"], "2027-01-31"),
        ("2026-11-20", ["2026-09-20", "2026-11-01"], None),  # nothing in October
        ("2027-03-31", ["2027-02-27", "2027-02-28"], "2027-02-28"),  # a short month
        ("2027-01-05", ["2026-12-05", "2026-12-06"], "2026-12-05"),  # across the year
    ],
)
def test_month_before_is_last_month_up_to_the_same_day(
    day: str, dates: list[str], expected: str | None
) -> None:
    assert month_before(map(d, dates), d(day)) == (d(expected) if expected else None)


def test_history_shows_this_month_daily_and_earlier_months_by_their_last_rollup() -> None:
    dates = ["2025-10-31", "2025-11-30", "2026-09-30", "2026-10-15", "2026-10-31"]
    dates += ["2026-11-01", "2026-11-13", "2026-11-20", "2026-11-21"]
    # 2025-10 is thirteen months back: beyond the twelve shown; the 21st is after D.
    assert history_dates(map(d, dates), D) == [
        d(x)
        for x in (
            "2025-11-30",
            "2026-09-30",
            "2026-10-31",
            "2026-11-01",
            "2026-11-13",
            D.isoformat(),
        )
    ]


# (date, period, branch, score) of the branch table; the person table holds 张三 of 甲 alike.
ROWS = [
    ("2026-10-15", "month", "甲", 0.70),
    ("2026-10-25", "month", "甲", 0.95),  # after the 20th: not "the same day" of October
    ("2026-10-15", "month", "丙", 0.40),
    ("2026-11-13", "week", "甲", 0.60),
    ("2026-11-13", "month", "甲", 0.65),
    ("2026-11-13", "week", "丙", 0.30),
    ("2026-11-13", "month", "丙", 0.35),
    ("2026-11-20", "week", "甲", 0.80),
    ("2026-11-20", "month", "甲", 0.90),
    ("2026-11-20", "week", "乙", 0.55),  # a branch new this week: nothing to compare with
    ("2026-11-20", "month", "乙", 0.50),
]


def _store(tmp_path: Path) -> Path:
    db = tmp_path / "history.duckdb"
    with store.connect(db) as con:
        for day, period, branch, score in ROWS:
            con.execute(
                "INSERT INTO branch_figures (rollup_date, period, branch, score, overall, "
                "referrals, successes) VALUES (?, ?, ?, ?, ?, 10, 4)",
                [d(day), period, branch, score, score + 0.1],
            )
            con.execute(
                "INSERT INTO person_figures (rollup_date, period, branch, name, role, score) "
                "VALUES (?, ?, ?, '张三', '柜员', ?)",
                [d(day), period, branch, score / 2],
            )
    return db


def test_store_trends_compare_branches_and_people_with_the_same_points(tmp_path: Path) -> None:
    trends = store.trends(_store(tmp_path), D)
    assert (trends.week_before, trends.month_before) == (d("2026-11-13"), d("2026-10-15"))
    assert not trends.first
    branches = {c.branch: c for c in trends.branches}
    assert sorted(branches) == ["乙", "甲"]  # 丙 has no rollup of the 20th
    jia = branches["甲"]
    assert (jia.week, jia.week_before, jia.month, jia.month_before) == (0.80, 0.60, 0.90, 0.70)
    assert jia.week_change == pytest.approx(0.20) and jia.month_change == pytest.approx(0.20)
    yi = branches["乙"]
    assert (yi.week_before, yi.month_before, yi.week_change, yi.month_change) == (None,) * 4
    people = {(c.branch, c.name): c for c in trends.people}
    assert sorted(people) == [("乙", "张三"), ("甲", "张三")]
    assert people[("甲", "张三")].role == "柜员"
    assert people[("甲", "张三")].week_change == pytest.approx(0.10)  # (0.80 - 0.60) / 2
    assert people[("甲", "张三")].month_change == pytest.approx(0.10)  # (0.90 - 0.70) / 2
    # The network: October by its last rollup (甲 alone), then each rollup of November.
    history = [(p.day, p.branches, p.score, p.referrals) for p in trends.history]
    assert history == [
        (d("2026-10-25"), 1, pytest.approx(0.95), 10),
        (d("2026-11-13"), 2, pytest.approx(0.50), 20),  # (0.65 + 0.35) / 2
        (D, 2, pytest.approx(0.70), 20),  # (0.90 + 0.50) / 2
    ]
    assert trends.history[-1].success_rate == pytest.approx(0.4)


def test_store_trends_of_a_first_rollup_and_of_no_store(tmp_path: Path) -> None:
    assert store.trends(tmp_path / "none.duckdb", D).first
    db = _store(tmp_path)
    first = store.trends(db, d("2026-10-15"))
    assert first.first and first.week_before is None and first.month_before is None
