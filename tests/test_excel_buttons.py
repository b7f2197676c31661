"""The Excel buttons (xlwings) run the same core as the CLI and write the same values."""

from __future__ import annotations

import datetime as dt
import shutil
import subprocess
import zipfile
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from branchkit import excel, jobs, schema
from branchkit.doctor import vba_modules
from branchkit.macros import BUTTONS, MACRO_TEMPLATE, build_macro_template
from branchkit.source import read_raw
from branchkit.vbaproject import xlwings_version
from python_calamine import CalamineWorkbook

from .conftest import MESSY, ROOT, SAMPLE
from .xlwings_standin import STANDIN_CLASSES, Book

DAY = dt.date(2026, 11, 20)
GENERATED = ["排行榜", "转介质量", "分润明细", "跟进提醒", "管理清单", "数据问题"]


def test_every_xlwings_attribute_the_adapter_uses_exists_on_real_xlwings() -> None:
    import xlwings.main

    for cls_name, attributes in excel.XLWINGS_SURFACE.items():
        real = getattr(xlwings.main, cls_name)
        standin = STANDIN_CLASSES[cls_name]
        for attribute in attributes:
            assert hasattr(real, attribute), f"xlwings.{cls_name}.{attribute} is gone"
            assert hasattr(standin, attribute) or attribute in getattr(standin, "__slots__", ()), (
                attribute
            )


def _open_book(path: Path, day: dt.date | None = DAY, meeting: str = "日例会") -> Book:
    sheets = read_raw(path)
    sheets[schema.CONTROL_SHEET] = [
        [None],
        [None, "控制台"],
        [None],
        [None, "统计日期", day],
        [None, "会议类型", meeting],
        [None],
        [None, "运行结果"],
    ]
    return Book.from_rows(str(path), sheets)


def _click(book: Book, button: Any) -> str:
    with mock.patch("xlwings.Book.caller", return_value=book):
        return button()


def _normalize(value: Any) -> Any:
    if value in ("", None):
        return None
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, float):
        return round(value, 10)  # XlsxWriter writes 15-16 significant digits; xlwings keeps all 17
    return value


def _standin_values(book: Book, name: str) -> dict[tuple[int, int], Any]:
    return {
        k: _normalize(v) for k, v in book.sheets[name].cells.items() if _normalize(v) is not None
    }


def _file_values(path: Path, name: str) -> dict[tuple[int, int], Any]:
    rows = (
        CalamineWorkbook.from_path(str(path))
        .get_sheet_by_name(name)
        .to_python(skip_empty_area=False)
    )
    return {
        (r, c): _normalize(v)
        for r, row in enumerate(rows, 1)
        for c, v in enumerate(row, 1)
        if _normalize(v) is not None
    }


def test_refresh_button_writes_the_same_values_as_the_cli(sample_copy: Path) -> None:
    jobs.refresh(sample_copy, DAY)
    book = _open_book(SAMPLE)
    message = _click(book, excel.refresh)
    assert message.startswith("已刷新（2026-11-20）")
    for name in GENERATED:
        assert _standin_values(book, name) == _file_values(sample_copy, name), name
    assert book.sheets[schema.CONTROL_SHEET].range(schema.CONTROL_STATUS_CELL).value == message
    assert book.app.alerts == [message] and book.app.screen_updating is True


def test_agenda_button_matches_the_cli_and_reads_the_meeting_cell(sample_copy: Path) -> None:
    jobs.write_agenda(sample_copy, DAY, "weekly")
    book = _open_book(SAMPLE, meeting="周例会")
    assert _click(book, excel.build_agenda).startswith("夕会议程已生成")
    assert _standin_values(book, "夕会议程") == _file_values(sample_copy, "夕会议程")
    assert "周例会" in book.sheets["夕会议程"].range("A1").value


def test_the_focus_chosen_on_the_control_sheet_reaches_the_agenda() -> None:
    book = _open_book(SAMPLE)  # the sample month is behind pace on 手机银行: marketing by default
    control = book.sheets[schema.CONTROL_SHEET]
    control.range(schema.CONTROL_FOCUS_CELL).value = "运营"
    _click(book, excel.build_agenda)
    text = "\n".join(str(v) for v in _standin_values(book, "夕会议程").values())
    assert "运营类夕会（按设置指定）" in text and "营销类夕会" not in text


def test_a_second_click_rebuilds_the_tab_in_place() -> None:
    book = _open_book(SAMPLE)
    _click(book, excel.refresh)
    names = [s.name for s in book.sheets]
    first = _standin_values(book, "排行榜")
    _click(book, excel.refresh)
    assert [s.name for s in book.sheets] == names
    assert _standin_values(book, "排行榜") == first


def test_messy_data_gives_a_message_not_a_traceback() -> None:
    book = _open_book(MESSY)
    message = _click(book, excel.refresh)
    assert "10 个错误" in message
    problems = book.sheets["数据问题"].used_range.options(ndim=2).value
    assert any(row[1] == "跟踪记录!L3" for row in problems)
    # The formula-looking customer name went in as text (Excel drops the protective apostrophe).
    assert all(
        not str(v).startswith("=") or "HYPERLINK" in str(v)
        for v in book.sheets["分润明细"].cells.values()
    )


def test_a_bad_date_cell_is_explained() -> None:
    book = _open_book(SAMPLE, day="下周一")  # type: ignore[arg-type]
    message = _click(book, excel.refresh)
    assert message.startswith("未完成：") and "控制台!C4" in message
    assert "排行榜" not in [s.name for s in book.sheets]


def test_an_unexpected_failure_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    book = _open_book(SAMPLE)
    monkeypatch.setattr(excel, "load_book", mock.Mock(side_effect=KeyError("boom")))
    message = _click(book, excel.refresh)
    assert message.startswith("未完成：出现意外错误（KeyError") and "\n" not in message


def test_blank_date_means_today() -> None:
    book = _open_book(SAMPLE, day=None)
    assert excel.control_date(book, today=dt.date(2026, 11, 23)) == dt.date(2026, 11, 23)


# ---------------------------------------------------------------- the macro workbook


def test_committed_macro_template_equals_the_build(tmp_path: Path) -> None:
    built = build_macro_template(tmp_path)
    assert built.read_bytes() == (ROOT / "templates" / "xlsx" / MACRO_TEMPLATE).read_bytes()


def test_macro_template_vba_reads_back_and_every_button_has_its_macro() -> None:
    template = ROOT / "templates" / "xlsx" / MACRO_TEMPLATE
    modules = vba_modules(template)
    assert {"branchkit", "xlwings", "ThisWorkbook", "Sheet1"} <= set(modules)
    assert f'XLWINGS_VERSION As String = "{xlwings_version()}"' in modules["xlwings"]
    with zipfile.ZipFile(template) as zf:
        vml = "".join(zf.read(n).decode() for n in zf.namelist() if n.endswith(".vml"))
    for macro, caption in BUTTONS:
        assert f"Sub {macro}()" in modules["branchkit"]
        assert f"<x:FmlaMacro>[0]!{macro}</x:FmlaMacro>" in vml
        assert caption in vml
    assert read_raw(template)[schema.CONTROL_SHEET][3][1] == "统计日期"


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice is not installed")
def test_libreoffice_opens_the_macro_template(tmp_path: Path) -> None:
    done = subprocess.run(
        [
            "soffice",
            "--headless",
            "--convert-to",
            "pdf",
            "--outdir",
            str(tmp_path),
            str(ROOT / "templates" / "xlsx" / MACRO_TEMPLATE),
        ],
        capture_output=True,
        timeout=180,
    )
    assert done.returncode == 0 and (tmp_path / "网点营销管理.pdf").stat().st_size > 1000


def test_vba_and_buttons_survive_a_cli_refresh_byte_for_byte(tmp_path: Path) -> None:
    from branchkit.cli import main
    from click.testing import CliRunner

    book = tmp_path / "火车站支行-2026-11.xlsm"
    assert (
        CliRunner()
        .invoke(main, ["init", str(book), "--macros", "--branch", "火车站支行"])
        .exit_code
        == 0
    )
    before = zipfile.ZipFile(book)
    original = {n: before.read(n) for n in before.namelist()}
    result = CliRunner().invoke(main, ["refresh", str(book), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    after = zipfile.ZipFile(book)
    for name in (
        "xl/vbaProject.bin",
        *(n for n in original if n.endswith(".vml") or "worksheets/sheet" in n),
    ):
        assert after.read(name) == original[name], name
    assert "排行榜" in CalamineWorkbook.from_path(str(book)).sheet_names
