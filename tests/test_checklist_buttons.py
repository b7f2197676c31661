"""The buttons inside Excel and the checklist: 「生成夕会议程」 with 晨会 chosen on 控制台 writes the
晨会议程 tab, and 「刷新排行」 the 管理清单 tab, cell for cell as the CLI writes them."""

from __future__ import annotations

import zipfile
from pathlib import Path

from branchkit import excel, jobs
from branchkit.macros import MACRO_TEMPLATE

from .conftest import ROOT, SAMPLE
from .test_excel_buttons import DAY, _click, _file_values, _open_book, _standin_values


def test_the_morning_agenda_from_the_button_matches_the_cli(sample_copy: Path) -> None:
    jobs.write_agenda(sample_copy, DAY, "morning")
    book = _open_book(SAMPLE, meeting="晨会")
    message = _click(book, excel.build_agenda)
    assert message == "晨会议程已生成（2026-11-20），见“晨会议程”表"
    assert _standin_values(book, "晨会议程") == _file_values(sample_copy, "晨会议程")
    assert "夕会议程" not in [s.name for s in book.sheets]


def test_the_checklist_tab_from_the_button_matches_the_cli(sample_copy: Path) -> None:
    jobs.refresh(sample_copy, DAY)
    book = _open_book(SAMPLE)
    _click(book, excel.refresh)
    values = _standin_values(book, "管理清单")
    assert values == _file_values(sample_copy, "管理清单")
    assert "✗" in values.values() and "✓" in values.values()


def test_the_control_sheet_offers_the_morning_meeting() -> None:
    with zipfile.ZipFile(ROOT / "templates" / "xlsx" / MACRO_TEMPLATE) as zf:
        sheets = "".join(
            zf.read(n).decode() for n in zf.namelist() if n.startswith("xl/worksheets/sheet")
        )
    assert '"日例会,周例会,月例会,晨会"' in sheets
