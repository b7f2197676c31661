"""The HTML agenda on the meeting-room screen, in a real browser: headless Chromium lays it out
at 1920×1080 and a probe script reports what it did. A daily meeting fits one screen with
nothing to scroll, in type large enough for the back of the room, the four sections each with
their minutes; a weekly meeting may take a second screen, each screen fitting.

Skipped where Chromium is absent (make test does not install a browser).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from . import rendering

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(rendering.chromium() is None, reason="Chromium is not installed"),
]

READABLE_PX = 20  # body type on a 1080-line screen: about 2 % of its height
# the daily meeting's four sections (docs/口径.md#夕会议程)
MINUTES = ["3 分钟", "7 分钟", "7 分钟", "3 分钟"]


@pytest.fixture(scope="module")
def outputs(tmp_path_factory: pytest.TempPathFactory) -> rendering.Outputs:
    return rendering.build_outputs(tmp_path_factory.mktemp("screen"))


def _fits(screen: dict) -> bool:
    return screen["overflow"] <= 1


def test_a_daily_agenda_fits_one_screen_without_scrolling(outputs: rendering.Outputs) -> None:
    seen = rendering.measure(outputs.daily_html)
    assert (seen["width"], seen["height"]) == rendering.SCREEN
    assert seen["scrollHeight"] <= seen["height"] and seen["scrollWidth"] <= seen["width"]
    (screen,) = seen["screens"]
    assert _fits(screen) and screen["sections"] == 4
    assert seen["minutes"] == MINUTES
    assert seen["fontPx"] >= READABLE_PX


@pytest.mark.parametrize("meeting", ["weekly", "monthly"])
def test_a_longer_meeting_may_take_a_second_screen_each_of_which_fits(
    outputs: rendering.Outputs, meeting: str
) -> None:
    seen = rendering.measure(getattr(outputs, f"{meeting}_html"))
    screens = seen["screens"]
    assert 1 <= len(screens) <= 2 and sum(s["sections"] for s in screens) == 4
    assert all(map(_fits, screens)) and seen["fontPx"] >= READABLE_PX
    assert seen["scrollHeight"] <= seen["height"] * len(screens)
    assert all(s["height"] <= seen["height"] for s in screens)


def test_the_screenshot_is_the_full_screen(outputs: rendering.Outputs, tmp_path: Path) -> None:
    shot = rendering.screenshot(outputs.daily_html, tmp_path / "agenda.png")
    assert rendering.png_size(shot) == rendering.SCREEN
