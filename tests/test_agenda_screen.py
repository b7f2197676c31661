"""The HTML agenda on the meeting-room screen, in a real browser: headless Chromium lays it out
at 1920×1080 (a TV), 1366×768 (a common projector) and 390×844 (a phone), and a probe script
reports where every line of text landed. Every line is inside the window, on a screen of its
own height; a screen that is not the last says 下一屏 at its foot and Page Down goes there; a
column never starts without a heading; 低于进度 is coloured. A daily meeting takes one screen on
the TV and the projector, in type large enough for the back of the room.

Skipped where Chromium is absent (make test does not install a browser).
"""

from __future__ import annotations

from pathlib import Path

import pytest
from branchkit import jobs
from branchkit.render.agenda import agenda_blocks, agenda_lines
from branchkit.render.text import environment

from . import rendering

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(rendering.chromium() is None, reason="Chromium is not installed"),
]

READABLE_PX = 20  # body type on a 1080-line screen: about 2 % of its height
# the daily meeting's four sections (docs/口径.md#夕会议程)
MINUTES = ["3 分钟", "7 分钟", "7 分钟", "3 分钟"]
PINK = "rgb(255, 199, 206)"  # 低于进度's background on the tabs (render/marks.py)


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> rendering.Outputs:
    return rendering.build_outputs(tmp_path_factory.mktemp("screen"))


def readable(viewport: tuple[int, int]) -> float:
    """The smallest body type for a screen this tall (a phone: 16 px)."""
    return min(READABLE_PX, round(viewport[1] / 54))


def assert_every_line_shows(seen: dict, viewport: tuple[int, int]) -> None:
    """Every text box inside the window and on its screen; screens as tall as the window, one
    under the other; each one but the last cued, and Page Down reaching the next."""
    assert (seen["width"], seen["height"]) == viewport
    assert seen["textBoxes"] > 10 and seen["outside"] == [], seen["outside"]
    assert seen["scrollWidth"] <= seen["width"]  # nothing off the right edge
    screens = seen["screens"]
    assert screens and all(s["height"] == viewport[1] for s in screens)
    assert seen["scrollHeight"] == viewport[1] * len(screens)
    for n, screen in enumerate(screens):
        assert screen["top"] == pytest.approx(n * viewport[1], abs=1)
        last = n == len(screens) - 1
        assert screen["cue"] == ("" if last else "下一屏 ▼") and screen["cueVisible"] != last
    if len(screens) > 1:
        assert seen["pageDownTo"] == pytest.approx(screens[1]["top"], abs=1)
    assert seen["bareColumns"] == 0  # a column goes on under its section's heading (续)
    # a table wider than its column even in the smallest type (a phone) scrolls sideways
    assert seen["clippedRows"] == 0
    assert sum(s["sections"] for s in screens) == 4  # each section's own heading, once
    assert seen["fontPx"] >= readable(viewport)


@pytest.mark.parametrize("meeting", ["daily", "weekly", "monthly"])
@pytest.mark.parametrize("viewport", rendering.VIEWPORTS, ids=lambda v: f"{v[0]}x{v[1]}")
def test_every_line_of_the_agenda_shows_on_some_screen(
    outputs: rendering.Outputs, meeting: str, viewport: tuple[int, int]
) -> None:
    seen = rendering.measure(getattr(outputs, f"{meeting}_html"), viewport)
    assert_every_line_shows(seen, viewport)
    assert seen["behindBackground"] == PINK  # the sample is behind on some indicator


@pytest.mark.parametrize("viewport", [rendering.SCREEN, rendering.PROJECTOR])
def test_a_daily_agenda_takes_one_screen_of_columns(
    outputs: rendering.Outputs, viewport: tuple[int, int]
) -> None:
    seen = rendering.measure(outputs.daily_html, viewport)
    (screen,) = seen["screens"]
    assert screen["columns"] == 3 and screen["sections"] == 4
    assert seen["scrollHeight"] <= seen["height"]
    assert seen["minutes"] == MINUTES


def test_a_section_too_long_for_a_screen_goes_on_to_the_next_under_its_heading(
    tmp_path: Path,
) -> None:
    """The agenda is not tuned to today's content: section 1 with a row for each of sixty
    people on duty (the whole branch of a big month) pages on, each column under its heading
    again and the table under its header again."""
    lines = agenda_lines(jobs.build_agenda(rendering.SAMPLE, rendering.DAY, "daily"))
    head = next(n for n, (style, _) in enumerate(lines) if style == "thead")
    row = next(text for style, text in lines if style == "row").split("\t")
    people = [("row", "\t".join([f"员工{n}", *row[1:]])) for n in range(60)]
    long = [*lines[: head + 1], *people, *lines[head + 1 :]]
    html = tmp_path / "长议程.html"
    html.write_text(
        environment()
        .get_template("agenda.html.j2")
        .render(lines=long, blocks=agenda_blocks(long), lang="zh-CN"),
        encoding="utf-8",
    )
    for viewport in rendering.VIEWPORTS:
        seen = rendering.measure(html, viewport)
        assert_every_line_shows(seen, viewport)
        assert len(seen["screens"]) > 1 and sum(s["continued"] for s in seen["screens"]) > 0
        assert seen["headlessTables"] == 0


def test_the_screenshot_is_the_full_screen(outputs: rendering.Outputs, tmp_path: Path) -> None:
    shot = rendering.screenshot(outputs.daily_html, tmp_path / "agenda.png")
    assert rendering.png_size(shot) == rendering.SCREEN
