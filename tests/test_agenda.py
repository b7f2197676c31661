"""The 夕会 agenda (docs/口径.md#夕会议程): focus by pace, host fallback, quiet days, periods,
templates and privacy."""

from __future__ import annotations

import datetime as dt
import re
import shutil
from pathlib import Path

import pytest
from branchkit.agenda import Agenda, Host
from branchkit.agenda import build as build_from_figures
from branchkit.cli import main
from branchkit.figures import compute
from branchkit.jobs import build_agenda
from branchkit.read import Book, load_book, read_book
from branchkit.render.agenda import PACKAGE_TEMPLATES, agenda_sheet, render_agenda
from branchkit.render.numbers import number
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from . import test_figures_golden as golden
from .conftest import SAMPLE

D = golden.D


def build(book: Book, day: dt.date, meeting: str = "daily") -> Agenda:
    return build_from_figures(book, compute(book, day), meeting)


def _raw(**changes: list[list[object]]) -> dict[str, list[list[object]]]:
    raw = golden._raw()
    raw.update(changes)
    return raw


def test_a_coach_behind_pace_too_is_never_chosen() -> None:
    # 王五 5.9 of a 理财 target of 10 is 59%: behind pace (67% − 5%) like 赵六's 57%, so
    # neither can coach the other.
    targets = [*golden.TARGETS, ["王五", "理财", 10]]
    agenda = build(load_book(_raw(目标=targets), "t-2026-11.xlsx"), D)
    assert agenda.plan.focus == "marketing" and agenda.plan.pairings == []


def test_branch_behind_pace_gets_the_marketing_focus_with_a_coaching_pair() -> None:
    # 网点 理财 is 73 of 150 (49%) at 67% of the month: behind. 王五 gets a 理财 target of 8 so
    # there are two people to pair: 王五 5.9/8 = 74% (ahead of 67% + 5%) coaches 赵六 56.6/100
    # = 57% (behind).
    targets = [*golden.TARGETS, ["王五", "理财", 8]]
    agenda = build(load_book(_raw(目标=targets), "t-2026-11.xlsx"), D)
    assert agenda.plan.focus == "marketing"
    assert [(i.indicator, round(i.completion, 2)) for i in agenda.plan.behind_indicators] == [
        ("理财", 0.49)
    ]
    assert [(p.indicator, p.coach, p.learner) for p in agenda.plan.pairings] == [
        ("理财", "王五", "赵六")
    ]
    behind = {
        n: [(i.indicator, round(i.completion, 2)) for i in v] for n, v in agenda.plan.behind_people
    }
    assert behind["赵六"] == [("理财", 0.57)]
    text = render_agenda(agenda, "txt")
    assert "营销类夕会" in text and "沟通技巧" in text and "王五 辅导 赵六" in text


def test_branch_on_pace_gets_the_service_focus_with_cases_and_rules() -> None:
    targets = [
        ["对象", "指标", "目标值"],
        ["网点", "理财", 100],
        ["赵六", "理财", 60],
    ]  # 73% and 94%: ahead
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        [
            "2026-11-20",
            "运营",
            "风险",
            "王五",
            "大额取现未二次核实",
            "业务繁忙",
            "5万元以上二次核实",
            "何平",
        ],
        ["2026-11-19", "服务", "投诉", "李四", "昨天的投诉", "", "", ""],
    ]
    agenda = build(load_book(_raw(目标=targets, 案例=cases), "t-2026-11.xlsx"), D)
    assert agenda.plan.focus == "service_operations"
    cases = agenda.plan.cases
    assert [c.description for c in cases] == ["大额取现未二次核实"]  # only the day's cases
    assert cases[0].remedy == "5万元以上二次核实" and cases[0].owner == "何平"
    # the day's risk case is the lesson
    assert (agenda.training.source, agenda.training.topic) == ("risk_case", "大额取现未二次核实")
    text = render_agenda(agenda, "md")
    assert "服务和运营类夕会" in text and "运营规范：大额取现未二次核实" in text


def test_a_day_with_no_cases_says_so() -> None:
    targets = [["对象", "指标", "目标值"], ["网点", "理财", 100]]
    agenda = build(load_book(_raw(目标=targets), "t-2026-11.xlsx"), D)
    assert agenda.plan.focus == "service_operations" and agenda.plan.cases == []
    assert "本期没有登记服务、运营案例" in render_agenda(agenda, "txt")


def test_host_falls_back_when_the_supervisor_is_not_on_duty() -> None:
    checklist = [["日期", "客流量", "当班人员"], ["2026-11-20", 120, "李四、王五、赵六"]]
    settings = [*golden.SETTINGS, ["夕会主持人", "王五"]]
    agenda = build(load_book(_raw(每日清单=checklist, 设置=settings), "t-2026-11.xlsx"), D)
    assert (agenda.host.name, agenda.attendees) == ("王五", ["李四", "王五", "赵六"])
    nobody = build(load_book(_raw(每日清单=checklist), "t-2026-11.xlsx"), D)
    assert (nobody.host.name, nobody.host.kind) == ("", "missing")
    assert (
        "主持人：（待指定）（厅堂主管不在岗：请支行行长或零售副行长指定主持人）"
        in render_agenda(nobody, "txt")
    )
    present = build(
        load_book(
            _raw(每日清单=[["日期", "当班人员"], ["2026-11-20", "周敏 李四"]]), "t-2026-11.xlsx"
        ),
        D,
    )
    assert present.host == Host("周敏", "supervisor")


def test_a_holiday_with_no_activity_still_gives_an_agenda() -> None:
    sunday = dt.date(2026, 11, 22)
    agenda = build(load_book(golden._raw(), "t-2026-11.xlsx"), sunday)
    assert agenda.summary.no_activity
    text = render_agenda(agenda, "txt")
    assert "今日没有业务数据" in text
    assert "四、次日工作目标及任务布置" in text


def _trends(agenda: Agenda) -> dict[str, list[tuple[str, str]]]:
    """Each trend line as the agenda prints it: 理财（万元） -> [(11-16, 0), ...]."""
    return {
        f"{t.indicator}（{t.unit}）": [(label, number(value)) for label, value in t.points]
        for t in agenda.summary.trends
    }


def test_weekly_and_monthly_meetings_cover_their_period_with_trends_and_stars() -> None:
    book = load_book(golden._raw(), "t-2026-11.xlsx")
    weekly = build(book, D, "weekly")
    assert (weekly.meeting_name, weekly.minutes, weekly.period.start) == (
        "周例会",
        (5, 10, 10, 5),
        dt.date(2026, 11, 16),
    )
    assert "11-16 至 11-20" in render_agenda(weekly, "txt")
    assert set(weekly.summary.stars) == {"day", "week", "month"}
    trend = _trends(weekly)
    # 理财 sales in the week: only row 7 (8 万元 on 11-18). Cards: 11-16, 11-19, 11-20.
    assert trend["理财（万元）"] == [
        ("11-16", "0"),
        ("11-17", "0"),
        ("11-18", "8"),
        ("11-19", "0"),
        ("11-20", "0"),
    ]
    assert trend["转介数（张）"] == [
        ("11-16", "1"),
        ("11-17", "0"),
        ("11-18", "0"),
        ("11-19", "1"),
        ("11-20", "1"),
    ]
    monthly = build(book, D, "monthly")
    assert monthly.meeting_name == "月例会" and "一、本月工作总结" in render_agenda(monthly, "txt")
    # Month buckets are ISO weeks: 11-01 (a Sunday) alone, then Monday to Sunday.
    assert [label for label, _ in _trends(monthly)["理财（万元）"]][:2] == [
        "11-01~11-01",
        "11-02~11-08",
    ]
    assert _trends(monthly)["理财（万元）"][1] == (
        "11-02~11-08",
        "30",
    )  # 20 on 11-02, 10 on 11-08
    assert set(monthly.attendees) == {"李四", "王五", "赵六", "周敏"}  # all active staff


def test_custom_template_folder_changes_wording_and_layout(tmp_path: Path) -> None:
    shutil.copy(PACKAGE_TEMPLATES / "zh" / "agenda.lines.j2", tmp_path)
    lines = (tmp_path / "agenda.lines.j2").read_text(encoding="utf-8")
    (tmp_path / "agenda.lines.j2").write_text(
        lines.replace("请逐一讨论原因", "大家说说为什么"), encoding="utf-8"
    )
    (tmp_path / "agenda.txt.j2").write_text(
        "{% for style, text in lines %}[{{ style }}] {{ text }}\n{% endfor %}", encoding="utf-8"
    )
    agenda = build(load_book(golden._raw(), "t-2026-11.xlsx"), D)
    text = render_agenda(agenda, "txt", template_dir=tmp_path)
    assert "[h1] 一、当日工作总结（3 分钟）" in text
    assert "大家说说为什么" in text and "请逐一讨论原因" not in text
    result = CliRunner().invoke(
        main,
        [
            "build-agenda",
            str(SAMPLE),
            "--date",
            "2026-11-20",
            "--format",
            "txt",
            "--template",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0 and result.output.startswith("[title] 火车站支行 夕会议程")


def test_english_templates() -> None:
    text = render_agenda(build(load_book(golden._raw(), "t-2026-11.xlsx"), D), "md", lang="en")
    # "1." escaped as everywhere a line's text could start a list (it reads the same)
    assert r"## 1\. Results (3 min)" in text and r"## 4\. Tomorrow (3 min)" in text


def test_no_id_numbers_or_full_phones_in_any_agenda() -> None:
    book = read_book(SAMPLE)
    for meeting in ("daily", "weekly", "monthly"):
        agenda = build_agenda(book, D, meeting)
        for fmt in ("md", "html", "txt"):
            text = render_agenda(agenda, fmt)
            assert not re.search(r"(?<!\d)1[3-9]\d{9}(?!\d)", text)
            assert not re.search(r"(?<!\d)\d{17}[\dXx](?!\d)", text)
        sheet = agenda_sheet(agenda)
        assert sheet.one_page and not sheet.landscape


def test_html_escapes_text_from_the_workbook() -> None:
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        ["2026-11-20", "服务", "投诉", "王五", "<script>alert(1)</script>", "", "", ""],
    ]
    targets = [["对象", "指标", "目标值"], ["网点", "理财", 100]]
    html = render_agenda(
        build(load_book(_raw(案例=cases, 目标=targets), "t-2026-11.xlsx"), D), "html"
    )
    assert "<script>alert" not in html and "&lt;script&gt;alert" in html


def test_cli_writes_the_agenda_tab_on_one_page(sample_copy: Path) -> None:
    result = CliRunner().invoke(main, ["build-agenda", str(sample_copy), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    assert "夕会议程" in CalamineWorkbook.from_path(str(sample_copy)).sheet_names
    import zipfile

    with zipfile.ZipFile(sample_copy) as zf:
        sheets = [zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")]
    agenda_xml = next(x for x in sheets if "火车站支行 夕会议程" in x)
    assert '<pageSetUpPr fitToPage="1"/>' in agenda_xml and 'orientation="portrait"' in agenda_xml
    assert 'fitToHeight="0"' not in agenda_xml  # 0 would mean "as many pages as needed"


def test_cli_markdown_to_stdout_and_file(sample_copy: Path, tmp_path: Path) -> None:
    shown = CliRunner().invoke(
        main, ["build-agenda", str(sample_copy), "--date", "2026-11-20", "--format", "md"]
    )
    assert shown.exit_code == 0 and shown.output.startswith("# 火车站支行 夕会议程")
    out = tmp_path / "议程.html"
    saved = CliRunner().invoke(
        main,
        [
            "build-agenda",
            str(sample_copy),
            "--date",
            "2026-11-20",
            "--format",
            "html",
            "--meeting",
            "weekly",
            "--out",
            str(out),
        ],
    )
    heading = (
        '<h2><span class="name">一、本周工作总结</span> <span class="minutes">5 分钟</span></h2>'
    )
    assert saved.exit_code == 0 and heading in out.read_text(encoding="utf-8")
    missing = CliRunner().invoke(
        main, ["build-agenda", str(sample_copy), "--template", str(tmp_path / "nope")]
    )
    assert missing.exit_code == 2


def test_no_targets_says_so_instead_of_judging_the_pace() -> None:
    agenda = build(load_book(_raw(目标=[["对象", "指标", "目标值"]]), "t-2026-11.xlsx"), D)
    assert agenda.plan.focus == "none"
    text = render_agenda(agenda, "txt")
    assert "还没有设定目标" in text and "营销进度良好" not in text
    assert "未设目标，没有明日目标" in text


def test_out_dash_is_standard_output(
    sample_copy: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`--out -` wrote a file named "-" (found by trying the product as a new user): it is
    standard output, as without --out."""
    monkeypatch.chdir(tmp_path)
    args = ["build-agenda", str(sample_copy), "--date", "2026-11-20", "--format", "md"]
    result = CliRunner().invoke(main, [*args, "--out", "-"])
    assert result.exit_code == 0, result.output
    assert result.stdout == CliRunner().invoke(main, args).stdout
    assert result.stdout.startswith("# 火车站支行 夕会议程") and not (tmp_path / "-").exists()
