"""The 晨会 on the meeting-room screen, in a real browser (as test_agenda_screen does for the
夕会): ten minutes before opening, one screen, nothing to scroll, type for the back of the room.

Skipped where Chromium is absent (make test does not install a browser).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from branchkit import jobs
from branchkit.render.agenda import render_agenda

from . import rendering
from .conftest import SAMPLE
from .test_agenda_screen import READABLE_PX, assert_every_line_shows

pytestmark = [
    pytest.mark.render,
    pytest.mark.skipif(rendering.chromium() is None, reason="Chromium is not installed"),
]


def test_the_morning_agenda_fits_one_screen(tmp_path: Path) -> None:
    html = tmp_path / "晨会议程.html"
    agenda = jobs.build_agenda(SAMPLE, dt.date(2026, 11, 20), "morning")
    html.write_text(render_agenda(agenda, "html"), encoding="utf-8")
    seen = rendering.measure(html)
    assert_every_line_shows(seen, rendering.SCREEN)
    assert seen["scrollHeight"] <= seen["height"]
    (screen,) = seen["screens"]
    assert screen["sections"] == 4
    assert seen["minutes"] == ["2 分钟", "3 分钟", "3 分钟", "2 分钟"]
    assert seen["fontPx"] >= READABLE_PX
