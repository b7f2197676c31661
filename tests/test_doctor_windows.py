"""Issue 27: doctor on a bank's Windows PC — the Python Excel will start (found as xlwings finds
it), what `doctor --fix`, `init --macros` and `add-buttons` write for it, macro security (the
mark of the web, trusted locations, signed-only PCs) and a PC without Excel (WPS).

The PC is tests/windows_pc.py's: every fact doctor reads is stated by the test."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from branchkit import schema
from branchkit.buttons import add_buttons
from branchkit.cli import main
from branchkit.doctor import Check, checks, fix_interpreter, report
from branchkit.interpreter import (
    Layer,
    excel_python,
    file_layer,
    interpreter_to_write,
    lookup,
    sheet_layer,
)
from branchkit.machine import HKCU, HKLM
from branchkit.office import zone_id
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .windows_pc import (
    APP_PATHS,
    LOCAL,
    PC,
    POLICY,
    PY311,
    SECURITY,
    USER,
    excel_path,
    ready_pc,
    trusted,
    with_excel,
    with_python,
)

USER_CONF = USER + r"\.xlwings\xlwings.conf"
BESIDE = r"C:\网点\xlwings.conf"
VENV = r"D:\branchkit-env\Scripts"


def _conf(path: Path) -> dict[str, object]:
    rows = CalamineWorkbook.from_path(str(path)).get_sheet_by_name("xlwings.conf").to_python()
    return {row[0]: row[1] for row in rows}


@pytest.fixture
def on(monkeypatch: pytest.MonkeyPatch) -> object:
    """Makes `pc` the machine every module asks for (the CLI's path)."""

    def use(pc: PC) -> PC:
        for module in ("branchkit.machine", "branchkit.doctor", "branchkit.launchers"):
            monkeypatch.setattr(f"{module}.this_machine", lambda: pc)
        return pc

    return use


@pytest.fixture
def book(sample_copy: Path) -> Path:
    """The sample month with the buttons, made where no Windows path is known (blank
    Interpreter_Win, as the committed template has it)."""
    return add_buttons(sample_copy, interpreter="")


def _label(found: list[Check], start: str) -> Check:
    return next(c for c in found if c.label.startswith(start))


# ---------------------------------------------------------------- how xlwings finds the interpreter


def _layers(sheet: dict[str, str] | None, beside: str | None = None, user: str | None = None):
    return [
        Layer("表", sheet),
        file_layer(BESIDE, beside),
        file_layer(USER_CONF, user),
    ]


def test_the_first_place_holding_the_key_wins_in_xlwings_order() -> None:
    """Sheet, then the file beside the workbook, then the user's file (xlwings.bas GetConfig)."""
    sheet_path, beside_path, user_path = r"C:\a\pythonw.exe", r"C:\b\pythonw.exe", r"C:\c\p.exe"
    pc = PC(files={sheet_path, beside_path, user_path})
    beside = f'"INTERPRETER_WIN","{beside_path}"\n'
    user = f'"Interpreter_Win","{user_path}"\n'
    cases = [
        ({"INTERPRETER_WIN": sheet_path}, sheet_path),
        ({}, beside_path),
        (None, beside_path),
    ]
    for sheet, expected in cases:
        assert excel_python(_layers(sheet, beside, user), pc).path == expected
    assert excel_python(_layers({}, None, user), pc).path == user_path


def test_an_empty_key_on_the_sheet_hides_the_users_setting() -> None:
    """GetConfig stops at the first place that has the key, even with nothing in it: the empty
    cell sends xlwings to the older key and then to PATH, never to the user's file."""
    user_python = r"C:\Anaconda3\pythonw.exe"
    pc = PC(files={user_python})
    found = excel_python(
        _layers({"INTERPRETER_WIN": ""}, None, f'"INTERPRETER_WIN","{user_python}"'), pc
    )
    assert found.path is None and found.command == "python"
    assert [(layer.where, value) for layer, value in found.hidden] == [(USER_CONF, user_python)]


def test_the_older_interpreter_key_is_asked_when_the_new_one_is_empty() -> None:
    pc = PC(files={r"C:\old\python.exe"})
    found = excel_python(_layers({"INTERPRETER_WIN": "", "INTERPRETER": r"C:\old\python.exe"}), pc)
    assert found.path == r"C:\old\python.exe" and found.key == "INTERPRETER"


def test_python_means_the_conda_environment_when_both_conda_settings_are_there() -> None:
    env = r"C:\Miniconda3\envs\bank\python.exe"
    pc = PC(files={env})
    sheet = {"INTERPRETER_WIN": "", "CONDA PATH": r"C:\Miniconda3", "CONDA ENV": "bank"}
    assert excel_python(_layers(sheet), pc).path == env


def test_a_path_is_expanded_as_xlwings_expands_it() -> None:
    pc = with_python(PC())
    sheet = {"INTERPRETER_WIN": r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"}
    assert excel_python(_layers(sheet), pc).path == PY311 + r"\pythonw.exe"


def test_the_sheet_is_read_down_to_its_first_empty_key() -> None:
    """GetConfigFromSheet reads column A from A1 to the cell before the first empty one."""
    rows = [["Interpreter_Win", ""], ["Show Console", False], [None, None], ["PYTHONPATH", "x"]]
    assert sheet_layer(rows).values == {"INTERPRETER_WIN": "", "SHOW CONSOLE": "False"}
    assert sheet_layer([["a", 1], ["A", 2]]).duplicates == ("A",)
    assert lookup([sheet_layer(rows)], "PYTHONPATH", "default").value == "default"


def test_python_on_path_is_looked_for_on_the_path_excel_gets_not_the_shells() -> None:
    """doctor run from an activated virtualenv sees its Python first; Excel, started from the
    desktop, gets the system and user PATH of the registry and finds none."""
    pc = with_python(excel_path(PC(), system=r"C:\Windows\system32", user=""), folder=VENV)
    pc.environ["PATH"] = VENV + r";C:\Windows\system32"
    found = excel_python(_layers({"INTERPRETER_WIN": ""}), pc)
    assert found.path is None
    with_python(
        excel_path(
            pc, system=r"C:\Windows\system32", user=r"%LOCALAPPDATA%\Programs\Python\Python311"
        )
    )
    assert excel_python(_layers({"INTERPRETER_WIN": ""}), pc).path == PY311 + r"\python.exe"


# ---------------------------------------------------------------- what branchkit writes


def test_the_interpreter_written_is_this_pythons_pythonw_relative_to_localappdata() -> None:
    assert interpreter_to_write(with_python(PC())) == (
        r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"
    )
    venv = with_python(PC(python=VENV + r"\python.exe"), folder=VENV)
    assert interpreter_to_write(venv) == VENV + r"\pythonw.exe"
    assert interpreter_to_write(PC(python=r"C:\Py\python.exe")) == r"C:\Py\python.exe"
    assert interpreter_to_write(PC(os="Linux")) == ""
    assert interpreter_to_write(PC(os="Darwin")) == ""


def test_init_macros_on_windows_writes_its_own_python(tmp_path: Path, on) -> None:
    on(with_python(PC()))
    book = tmp_path / "火车站支行-2026-11.xlsm"
    result = CliRunner().invoke(main, ["init", str(book), "--macros"])
    assert result.exit_code == 0, result.output
    assert _conf(book)["Interpreter_Win"] == r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"


def test_add_buttons_on_windows_writes_its_own_python(sample_copy: Path, on) -> None:
    on(with_python(PC()))
    result = CliRunner().invoke(main, ["add-buttons", str(sample_copy)])
    assert result.exit_code == 0, result.output
    conf = _conf(sample_copy.with_suffix(".xlsm"))
    assert conf["Interpreter_Win"] == r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"


def test_elsewhere_the_key_stays_blank(tmp_path: Path, on) -> None:
    on(PC(os="Linux"))
    book = tmp_path / "b.xlsm"
    assert CliRunner().invoke(main, ["init", str(book), "--macros"]).exit_code == 0
    assert _conf(book)["Interpreter_Win"] == ""


# ---------------------------------------------------------------- doctor's lines


def test_doctor_finds_no_python_where_excel_looks(book: Path) -> None:
    pc = with_excel(PC())
    pc.environ["PATH"] = VENV  # doctor's own shell: not Excel's
    found = checks(book, pc)
    python = _label(found, "Excel 将使用的 Python")
    assert not python.ok and "找不到" in python.label and "Excel 的 PATH" in python.label
    assert f"branchkit doctor {book.name} --fix" in python.fix


def test_doctor_names_the_store_placeholder(book: Path) -> None:
    alias = LOCAL + r"\Microsoft\WindowsApps"
    pc = excel_path(
        with_excel(PC(files={alias + r"\python.exe"})), user=r"%LOCALAPPDATA%\Microsoft\WindowsApps"
    )
    python = _label(checks(book, pc), "Excel 将使用的 Python")
    assert not python.ok and "Microsoft Store 的占位程序" in python.label


def test_doctor_says_when_excels_python_lacks_branchkit(book: Path) -> None:
    pc = excel_path(with_python(ready_pc(), answer=""), system=PY311)
    pc.answers[PY311 + r"\python.exe"] = (1, "ModuleNotFoundError: No module named 'branchkit'")
    python = _label(checks(book, pc), "Excel 将使用的 Python")
    assert (
        not python.ok and "没有 branchkit" in python.label and "ModuleNotFoundError" in python.label
    )


def test_doctor_reports_the_users_setting_an_empty_cell_hides(book: Path) -> None:
    pc = ready_pc()
    pc.texts[USER_CONF] = '"INTERPRETER_WIN","C:\\Anaconda3\\pythonw.exe"\n'
    hidden = _label(checks(book, pc), "xlwings.conf 表的 Interpreter_Win 留空")
    assert (
        not hidden.ok and USER_CONF in hidden.label and r"C:\Anaconda3\pythonw.exe" in hidden.label
    )


def test_the_xlwings_version_compared_is_the_one_excels_python_has(book: Path) -> None:
    pc = excel_path(ready_pc(), system=PY311)
    pc.answers[PY311 + r"\python.exe"] = (0, "0.1.0 0.30.0")
    version = _label(checks(book, pc), "工作簿里的 xlwings 模块")
    assert not version.ok and "Excel 将使用的 Python 里 xlwings 0.30.0" in version.label


def test_doctor_fix_writes_its_python_into_the_empty_cell_and_nothing_else(book: Path, on) -> None:
    on(ready_pc())
    before = zipfile.ZipFile(io.BytesIO(book.read_bytes()))
    result = CliRunner().invoke(main, ["doctor", str(book), "--fix"])
    written = r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"
    assert f"已把 {written} 写入" in result.output and "xlwings.conf!B1" in result.output
    assert _conf(book)["Interpreter_Win"] == written
    assert "✓ Excel 将使用的 Python" in result.output
    after = zipfile.ZipFile(io.BytesIO(book.read_bytes()))
    changed = {n for n in before.namelist() if before.read(n) != after.read(n)}
    conf_part = next(n for n in changed if n.startswith("xl/worksheets/"))
    assert changed <= {conf_part, "xl/sharedStrings.xml"}
    assert list((book.parent / "备份").glob(f"{book.stem}.*.xlsm"))  # the old one kept


def test_doctor_fix_never_replaces_a_path_someone_typed(book: Path) -> None:
    pc = ready_pc()
    first = fix_interpreter(book, pc)
    assert "已把" in first
    data = book.read_bytes()
    pc.python = r"E:\other\python.exe"
    again = fix_interpreter(book, pc)
    assert "未改动" in again and r"E:\other\python.exe" in again
    assert book.read_bytes() == data


def test_doctor_fix_adds_the_key_under_the_last_one_when_it_is_missing(tmp_path: Path) -> None:
    from branchkit.templates import write_branch_workbook

    def conf_sheet(wb, formats) -> None:
        ws = wb.add_worksheet(schema.XLWINGS_CONF_SHEET)
        ws.write_string(0, 0, "Show Console")
        ws.write_string(0, 1, "False")

    book = write_branch_workbook(tmp_path / "旧.xlsx", last_sheets=conf_sheet)
    assert "xlwings.conf!B2" in fix_interpreter(book, ready_pc())
    assert _conf(book)["Show Console"] == "False"
    assert _conf(book)["Interpreter_Win"] == r"%LOCALAPPDATA%\Programs\Python\Python311\pythonw.exe"


def test_doctor_fix_off_windows_says_so(book: Path) -> None:
    data = book.read_bytes()
    assert "只在要用按钮的 Windows 电脑上填写" in fix_interpreter(book, PC(os="Linux"))
    assert book.read_bytes() == data


# ---------------------------------------------------------------- macro security


def _trust(found: list[Check]) -> Check:
    return found[-1]  # the last line: will Excel run the macros


def test_zone_id_is_read_from_the_zone_identifier_stream() -> None:
    text = "[ZoneTransfer]\r\nZoneId=3\r\nReferrerUrl=https://mail.example/\r\nHostUrl=about:internet\r\n"
    assert zone_id(text) == 3
    assert zone_id("[ZoneTransfer]\nZoneId=2\n") == 2
    assert zone_id(None) is None and zone_id("garbage") is None


def test_a_file_from_the_internet_is_named_with_the_way_to_unblock_it(book: Path) -> None:
    pc = ready_pc(zones={book.name: "[ZoneTransfer]\r\nZoneId=3\r\n"})
    trust = _trust(checks(book, pc))
    assert not trust.ok and "网络标记" in trust.label and "ZoneId=3" in trust.label
    assert "解除锁定" in trust.fix and f"Unblock-File -LiteralPath '{book.name}'" in trust.fix


def test_an_intranet_mark_does_not_block(book: Path) -> None:
    pc = ready_pc(zones={book.name: "[ZoneTransfer]\r\nZoneId=1\r\n"})
    trust = _trust(checks(book, pc))
    assert trust.ok and "启用内容" in trust.label


def test_a_trusted_location_runs_the_macros_whatever_the_mark(book: Path) -> None:
    pc = trusted(ready_pc(zones={book.name: "[ZoneTransfer]\nZoneId=3\n"}), "C:\\网点\\")
    trust = _trust(checks(book, pc))
    assert trust.ok and "受信任位置" in trust.label
    shallow = trusted(ready_pc(where=r"C:\网点\十一月\x.xlsm"), r"C:\网点", subfolders=False)
    assert "受信任位置（" not in _trust(checks(book, shallow)).label


def test_a_network_folder_counts_only_where_network_locations_are_allowed(book: Path) -> None:
    pc = trusted(ready_pc(where=r"\\fs01\网点\x.xlsm"), r"\\fs01\网点")
    assert "受信任位置（" not in _trust(checks(book, pc)).label
    pc.values[(HKCU, SECURITY + r"\Trusted Locations", "AllowNetworkLocations")] = 1
    assert "受信任位置（" in _trust(checks(book, pc)).label


def test_a_signed_only_pc_refuses_the_unsigned_project(book: Path) -> None:
    pc = ready_pc()
    pc.values[(HKCU, POLICY, "VBAWarnings")] = 3  # set by the bank's group policy
    trust = _trust(checks(book, pc))
    assert not trust.ok and "只运行有数字签名的宏" in trust.label and "签名" in trust.fix


def test_a_pc_with_every_macro_disabled_needs_a_trusted_location(book: Path) -> None:
    pc = ready_pc()
    pc.values[(HKLM, POLICY, "VBAWarnings")] = 4
    trust = _trust(checks(book, pc))
    assert not trust.ok and "禁用所有宏" in trust.label and "受信任位置" in trust.fix


def test_a_signed_project_is_said_to_be_signed(book: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("branchkit.office.project_signed", lambda _: True)
    pc = ready_pc()
    pc.values[(HKCU, SECURITY, "VBAWarnings")] = 3
    trust = _trust(checks(book, pc))
    assert trust.ok and "数字签名" in trust.label and "受信任的发布者" in trust.label


# ---------------------------------------------------------------- no Excel: WPS


def test_a_pc_with_wps_and_no_excel_is_told_plainly(book: Path) -> None:
    pc = PC()
    pc.values[(HKLM, APP_PATHS + r"\et.exe", "")] = r"C:\WPS Office\office6\et.exe"
    excel = _label(checks(book, pc), "没有找到 Microsoft Excel")
    assert not excel.ok and "本机装有 WPS" in excel.label and "xlwings 不支持 WPS" in excel.label
    assert "填写.cmd" in excel.fix and f"branchkit init {book.name} --launchers" in excel.fix


def test_a_pc_with_excel_says_where(book: Path) -> None:
    excel = _label(checks(book, ready_pc()), "Microsoft Excel")
    assert excel.ok and "EXCEL.EXE" in excel.label


def test_on_linux_doctor_points_at_the_sh_scripts(book: Path) -> None:
    line = checks(book, PC(os="Linux"))[3]
    assert line.ok and "填写.sh" in line.label


def test_everything_in_order_reads_ready(book: Path) -> None:
    pc = excel_path(ready_pc(), system=PY311)
    found = checks(book, pc)
    assert [c.label for c in found if not c.ok] == []
    assert report(found, pc).endswith("一切就绪。")


def test_readme_shows_doctors_real_lines() -> None:
    from .conftest import ROOT
    from .doctor_readme import render

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python -m tests.doctor_readme"


def test_a_workbook_without_buttons_is_one_thing_to_do_with_one_fix(sample_copy: Path) -> None:
    """An .xlsx was two ✗ lines (no 控制台, not .xlsm) with the same fix (found by trying the
    product as a new user): it is one."""
    failed = [c for c in checks(sample_copy) if not c.ok]
    assert [c.label for c in failed] == ["工作簿是 .xlsx，没有按钮"]
    assert failed[0].fix.startswith(f"运行 branchkit add-buttons {sample_copy.name}")
