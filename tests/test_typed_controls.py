"""Control characters typed into cells — ESC, BEL, NUL, a right-to-left override, the one-byte
CSI — never reach a terminal, a text, Markdown or HTML agenda, or a mail raw (issue 23): they
are shown as their pictures (␛ ␇ ␀) or, for bidi overrides, left out. `cat 夕会.txt` must not run
an escape sequence; 网点名称 with a line break must not break the mail's headers."""

from __future__ import annotations

import email
import email.policy
import re
from pathlib import Path

import pytest
from branchkit.controls import one_line, visible
from hypothesis import given
from hypothesis import strategies as st

from . import hostile
from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]
# What must never come out: C0 controls but tab and line feed, DEL, C1, bidi controls.
RAW = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


@pytest.fixture(scope="module")
def typed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return hostile.typed_controls(tmp_path_factory.mktemp("controls") / "火车站支行-2026-11.xlsx")


def _clean(text: str) -> None:
    assert not RAW.search(text), repr(RAW.search(text))


@pytest.mark.parametrize("fmt", ["txt", "md", "html"])
def test_agendas_show_typed_control_characters_as_pictures(
    typed: Path, tmp_path: Path, fmt: str
) -> None:
    out = tmp_path / f"夕会.{fmt}"
    assert run("build-agenda", typed, *DAY, "--format", fmt, "--out", out).exit_code in (0, 1)
    text = out.read_text(encoding="utf-8")
    _clean(text)
    # the branch's name, shown as typed (Markdown escapes the brackets that would make a link)
    shown = r"火车站␛\[31m␛\]0;x␇␀" if fmt == "md" else "火车站␛[31m␛]0;x␇␀"
    assert shown in text
    printed = run("build-agenda", typed, *DAY, "--format", fmt)
    _clean(printed.output)


def test_the_morning_agenda_too(typed: Path) -> None:
    printed = run("build-agenda", typed, *DAY, "--format", "txt", "--meeting", "晨会")
    assert printed.exit_code in (0, 1), printed.output
    _clean(printed.output)


@pytest.mark.parametrize(
    "args",
    [
        ["validate"],
        ["validate", "--json"],
        ["rankings", *DAY],
        ["rankings", *DAY, "--json"],
        ["fill", *DAY, "--dry-run"],
    ],
    ids=" ".join,
)
def test_the_terminal_never_gets_them_raw(typed: Path, args: list[str]) -> None:
    result = run(args[0], typed, *args[1:])
    assert result.exit_code in (0, 1), result.output
    _clean(result.output)
    if args[0] == "validate":
        assert "二十万␛[31m" in result.output  # the bad amount, shown as it was typed


def test_the_weekly_mail_never_carries_them(typed: Path, tmp_path: Path) -> None:
    eml = tmp_path / "周报.eml"
    result = run("weekly", typed, "--week", "2026-W47", "--out", tmp_path / "w.xlsx", "--eml", eml)
    assert result.exit_code == 1, result.output  # made and written; 1: the typed amount is a 错误
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    _clean(str(message["Subject"]))
    for part in message.walk():
        if part.get_content_type() in ("text/plain", "text/html"):
            _clean(part.get_content())


def test_a_branch_name_with_a_line_break_makes_a_one_line_subject(tmp_path: Path) -> None:
    book = hostile.with_settings(tmp_path / "网点.xlsx", {"网点名称": "火车站\n支行"})
    eml = tmp_path / "周报.eml"
    week = ["--week", "2026-W47", "--out", tmp_path / "w.xlsx", "--eml", eml]
    result = run("weekly", book, *week, "--to", "a@example.com")
    assert result.exit_code == 0, result.output
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    assert message["Subject"] == "火车站 支行 周报 2026-W47"
    assert message["To"] == "a@example.com" and len(message.keys()) == len(set(message.keys()))


def test_a_refusal_line_quoting_the_workbook_stays_one_plain_line(tmp_path: Path) -> None:
    """A sheet named with a right-to-left override and a BEL, its part missing: the one line
    that says so names the sheet as it reads, without acting on it."""
    part = hostile.part_of(hostile.SAMPLE, "说明")
    book = hostile.rebuild(
        tmp_path / "损坏.xlsx",
        {
            "xl/workbook.xml": lambda xml: xml.replace(
                '<sheet name="说明"'.encode(), '<sheet name="说\u202e明&#x85;"'.encode()
            ),
            part: None,
        },
    )
    line = one_line_exit_2(run("validate", book), "说明", "缺少")
    _clean(line)


@given(st.text())
def test_visible_leaves_nothing_a_screen_acts_on_and_keeps_ordinary_text(text: str) -> None:
    shown = visible(text)
    _clean(shown)
    assert visible(shown) == shown
    if not RAW.search(text):
        assert shown == text
    line = one_line(text)
    _clean(line)
    assert "\n" not in line and "\t" not in line
