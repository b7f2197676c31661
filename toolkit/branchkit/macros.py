"""The macro workbook: every input sheet plus a 控制台 sheet with buttons wired to branchkit.

Built on any OS: our VBA (vba/branchkit.bas) and xlwings' standalone module (xlwings.bas, taken
from the installed xlwings so the two versions always match) are compiled into vbaProject.bin
with ms-ovba, and XlsxWriter assembles the .xlsm with the buttons. No xlwings add-in is needed
on Windows: the xlwings.conf sheet holds the settings RunPython looks up.
`python -m branchkit.macros DIR` rebuilds the committed template.
"""

from __future__ import annotations

import contextlib
import os
import random
import sys
import tempfile
import uuid
from pathlib import Path

from . import schema
from .templates import write_branch_workbook
from .vocab import MEETING_NAMES

VBA_DIR = Path(__file__).resolve().parent / "vba"
MACRO_TEMPLATE = "网点营销管理.xlsm"
BUTTONS = (
    ("BranchkitRefresh", "刷新排行"),
    ("BranchkitAgenda", "生成夕会议程"),
    ("BranchkitWeekly", "发送周报"),
)
# Keys the xlwings standalone module reads from the xlwings.conf sheet.
XLWINGS_CONF = (
    (
        "Interpreter_Win",
        "",
        "Windows：python.exe 的完整路径；留空则用 PATH 里的 python（branchkit doctor 会检查）",
    ),
    ("Interpreter_Mac", "", "macOS：python 的完整路径"),
    ("PYTHONPATH", "", "一般留空（branchkit 已用 pip 安装）"),
    ("Show Console", "False", ""),
)
PROJECT_ID = "{5B3C2A61-2C8E-4D0B-9E7A-3F1B6C2D4E58}"
EXCEL_WORKBOOK_GUID = "0002081900000000C000000000000046"
EXCEL_SHEET_GUID = "0002082000000000C000000000000046"


def xlwings_bas() -> Path:
    import xlwings

    return Path(xlwings.__file__).resolve().parent / "xlwings.bas"


def xlwings_version() -> str:
    import xlwings

    return str(xlwings.__version__)


def compile_vba(target: Path) -> Path:
    """vbaProject.bin with ThisWorkbook, Sheet1 (the control sheet) and the two standard modules.

    Only the control sheet gets a document module: ms-ovba 0.0.1 misplaces streams once the VBA
    storage holds more than about eight, and the other sheets need no code. ms-ovba draws its
    protection bytes from `random`; a fixed seed makes the build reproducible (the caller's
    random state is restored)."""
    from ms_ovba_compression.ms_ovba import MsOvba

    from . import ovba

    state = random.getstate()
    random.seed(PROJECT_ID)
    original = MsOvba.compress
    MsOvba.compress = lambda self, data: ovba.compress(data)  # type: ignore[method-assign]
    try:
        return _compile_vba(target)
    finally:
        MsOvba.compress = original  # type: ignore[method-assign]
        random.setstate(state)


def _compile_vba(target: Path) -> Path:
    import shutil

    import ms_ovba
    from ms_ovba.Models.Entities.doc_module import DocModule
    from ms_ovba.Models.Entities.reference import Reference
    from ms_ovba.Models.Entities.reference_registered import ReferenceRegistered
    from ms_ovba.Models.Entities.std_module import StdModule
    from ms_ovba.Models.Fields.libid_reference import LibidReference
    from ms_ovba.vbaProject import VbaProject
    from ms_ovba.Views.project_ole_file import ProjectOleFile

    blanks = Path(ms_ovba.__file__).resolve().parent / "blank_files"
    with tempfile.TemporaryDirectory() as tmp:
        # ms-ovba writes scratch files beside each source: give it copies, not installed files.
        work = Path(tmp)
        sources = {}
        for source in (
            blanks / "ThisWorkbook.cls",
            blanks / "Sheet1.cls",
            VBA_DIR / "branchkit.bas",
            xlwings_bas(),
        ):
            sources[source.stem] = shutil.copy(source, work / source.name)
        project = VbaProject()
        project.project_id = PROJECT_ID
        for name, guid in (("ThisWorkbook", EXCEL_WORKBOOK_GUID), ("Sheet1", EXCEL_SHEET_GUID)):
            document = DocModule(name)
            document.add_file(str(sources[name]))
            document.add_guid(uuid.UUID(guid))
            document.normalize_file()
            project.add_module(document)
        for name in ("branchkit", "xlwings"):
            module = StdModule(name)
            module.add_file(str(sources[name]))
            module.normalize_file()
            project.add_module(module)
        stdole = LibidReference(
            uuid.UUID("0002043000000000C000000000000046"),
            "2.0",
            "0",
            "C:\\Windows\\System32\\stdole2.tlb",
            "OLE Automation",
        )
        project.add_reference(Reference(ReferenceRegistered(stdole), "stdole"))
        with _working_directory(work):  # ms-ovba writes ./vbaProject.bin
            ProjectOleFile.write_file(project)
        shutil.move(str(work / "vbaProject.bin"), target)
    return target


@contextlib.contextmanager
def _working_directory(folder: Path):  # type: ignore[no-untyped-def]
    previous = Path.cwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(previous)


def _control_sheet(wb: object, formats: dict[str, object]) -> None:
    ws = wb.add_worksheet(schema.CONTROL_SHEET)  # type: ignore[attr-defined]
    ws.hide_gridlines(2)
    ws.set_column(0, 0, 3)
    ws.set_column(1, 1, 14)
    ws.set_column(2, 2, 26)
    ws.set_column(3, 3, 4)
    ws.set_column(4, 6, 18)
    ws.write_string(1, 1, "branchkit 网点营销管理 · 控制台", formats["title"])
    ws.write_string(3, 1, "统计日期", formats["bold"])
    ws.write_blank(3, 2, None, formats["input"])
    ws.write_string(4, 1, "会议类型", formats["bold"])
    ws.write_string(4, 2, "日例会", formats["input_text"])
    ws.data_validation(4, 2, 4, 2, {"validate": "list", "source": list(MEETING_NAMES.values())})
    ws.data_validation(
        3,
        2,
        3,
        2,
        {
            "validate": "date",
            "criteria": ">",
            "minimum": __import__("datetime").date(2000, 1, 1),
            "error_message": "请输入日期，例如 2026-11-20",
        },
    )
    ws.write_string(6, 1, "运行结果", formats["bold"])
    ws.write_string(6, 2, "（点击右侧按钮后在这里显示）", formats["note"])
    for i, (macro, caption) in enumerate(BUTTONS):
        ws.insert_button(
            3 + i * 2, 4, {"macro": macro, "caption": caption, "width": 150, "height": 30}
        )
    ws.write_string(
        10,
        1,
        "使用前：在命令行运行 branchkit doctor 检查 Python 与 xlwings 的设置。",
        formats["note"],
    )
    ws.activate()


def _conf_sheet(wb: object, formats: dict[str, object]) -> None:
    ws = wb.add_worksheet("xlwings.conf")  # type: ignore[attr-defined]
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 70)
    for row, (key, value, note) in enumerate(XLWINGS_CONF):
        ws.write_string(row, 0, key)
        if value:
            ws.write_string(row, 1, value)
        ws.write_string(row, 2, note, formats["note"])


def write_macro_workbook(path: str | Path, branch: str = "", month: str = "") -> Path:
    path = Path(path)
    with tempfile.TemporaryDirectory() as tmp:
        vba = compile_vba(Path(tmp) / "vbaProject.bin")
        write_branch_workbook(
            path,
            branch,
            month,
            vba_project=vba,
            first_sheets=_control_sheet,
            last_sheets=_conf_sheet,
        )
    return path


def build_macro_template(folder: str | Path) -> Path:
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_macro_workbook(folder / MACRO_TEMPLATE)


if __name__ == "__main__":
    print(build_macro_template(sys.argv[1] if len(sys.argv) > 1 else "templates/xlsx"))
