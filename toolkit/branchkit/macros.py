"""The buttons: the 控制台 sheet, the xlwings.conf sheet, and the macro workbook `init --macros` makes.

XlsxWriter draws the sheets (the buttons are form controls in the sheet's VML drawing, each
naming the macro it runs); vbaproject.py then makes the workbook macro-enabled and puts our VBA
into it with pyOpenVBA. No xlwings add-in is needed on Windows: the xlwings.conf sheet holds the
settings RunPython looks up. The same two sheets go into a branch's own workbook through
`branchkit add-buttons` (buttons.py). `python -m branchkit.macros DIR` rebuilds the committed
template.
"""

from __future__ import annotations

import datetime as dt
import functools
import io
import sys
import tempfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from . import schema
from .templates import FIXED_CREATED, workbook_formats, write_branch_workbook
from .vbaproject import make_macro_enabled
from .vocab import FOCUS_WORDS, MEETING_NAMES

MACRO_TEMPLATE = "网点营销管理.xlsm"
BUTTONS = (
    ("BranchkitFill", "填写"),
    ("BranchkitRefresh", "刷新排行"),
    ("BranchkitAgenda", "生成夕会议程"),
    ("BranchkitWeekly", "发送周报"),
)
FOCUS_CHOICES = tuple(FOCUS_WORDS.values())  # 夕会重点 (docs/口径.md#夕会重点)
UDF_SERVER_KEY = "Use UDF Server"
INTERPRETER_KEY = "Interpreter_Win"
# Keys the xlwings standalone module reads from the xlwings.conf sheet (it upper-cases column A
# and stops at the first empty cell, so the keys stand in one unbroken column).
XLWINGS_CONF = (
    (
        INTERPRETER_KEY,
        "",
        "Windows：pythonw.exe 的完整路径（在 Windows 上加按钮时自动填入 branchkit 所用的；"
        "留空则用 PATH 里的 python）。branchkit doctor 会检查，doctor --fix 可以填写",
    ),
    ("Interpreter_Mac", "", "macOS：python 的完整路径"),
    ("PYTHONPATH", "", "一般留空（branchkit 已用 pip 安装）"),
    ("Show Console", "False", ""),
    (
        UDF_SERVER_KEY,
        "False",
        "仅 Windows：改为 True 时按钮共用一个常驻的 Python，第二次起点击更快；"
        "更新 branchkit 后须重启 Excel 才用上新代码（Interpreter_Win 须填完整路径）",
    ),
)


def _control_sheet(wb: Any, formats: dict[str, Any]) -> None:
    ws = wb.add_worksheet(schema.CONTROL_SHEET)
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
            "minimum": dt.date(2000, 1, 1),
            "error_message": "请输入日期，例如 2026-11-20",
        },
    )
    ws.write_string(5, 1, "夕会重点", formats["bold"])
    ws.write_string(5, 2, FOCUS_CHOICES[0], formats["input_text"])
    ws.data_validation(5, 2, 5, 2, {"validate": "list", "source": list(FOCUS_CHOICES)})
    ws.write_string(6, 1, "运行结果", formats["bold"])
    ws.write_string(6, 2, "（点击右侧按钮后在这里显示）", formats["note"])
    for i, (macro, caption) in enumerate(BUTTONS):
        ws.insert_button(
            3 + i * 2, 4, {"macro": macro, "caption": caption, "width": 150, "height": 30}
        )
    ws.write_string(
        12,
        1,
        "使用前：在命令行运行 branchkit doctor 检查 Python 与 xlwings 的设置。",
        formats["note"],
    )
    # A new month from this one (newmonth.py): the command, and where to get it spelt out.
    for row, text in (
        (13, "下个月：运行 branchkit init 新工作簿.xlsm --from 本工作簿.xlsm --macros"),
        (14, "（带入人员、产品、目标和没办完的事；branchkit doctor 本工作簿 写出完整的命令）"),
    ):
        ws.write_string(row, 1, text, formats["note"])
    ws.activate()


def _conf_sheet(wb: Any, formats: dict[str, Any], interpreter: str = "") -> None:
    """The settings xlwings reads; `interpreter` goes into Interpreter_Win (interpreter.py)."""
    ws = wb.add_worksheet(schema.XLWINGS_CONF_SHEET)
    ws.set_column(0, 0, 18)
    ws.set_column(1, 1, 40)
    ws.set_column(2, 2, 70)
    for row, (key, value, note) in enumerate(XLWINGS_CONF):
        ws.write_string(row, 0, key)
        if key == INTERPRETER_KEY and interpreter:
            value = interpreter
        if value:
            ws.write_string(row, 1, value)
        ws.write_string(row, 2, note, formats["note"])


def button_sheets(interpreter: str = "") -> bytes:
    """A workbook of the 控制台 and xlwings.conf sheets alone: what add-buttons puts into a
    branch's workbook (the same drawing code as the template, so the two cannot differ)."""
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(
        buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_urls": False}
    )
    wb.set_properties({"created": FIXED_CREATED})
    formats = workbook_formats(wb)
    _control_sheet(wb, formats)
    _conf_sheet(wb, formats, interpreter)
    wb.close()
    return buffer.getvalue()


def write_macro_workbook(
    path: str | Path,
    branch: str = "",
    month: str = "",
    data: Mapping[str, Sequence[Sequence[Any]]] | None = None,
    notes: Sequence[str] = (),
    keep_backups: int = 0,
    interpreter: str | None = None,
    made_from: Sequence[str | Path] = (),
) -> Path:
    """A new branch workbook with the buttons: 控制台 first, every input sheet, xlwings.conf,
    whose Interpreter_Win is `interpreter` (default: this PC's, see interpreter.py). `data`,
    `notes` and `keep_backups` as for templates.write_branch_workbook."""
    from .writeback import write_bytes

    path = Path(path)
    if interpreter is None:
        interpreter = this_interpreter()
    with tempfile.TemporaryDirectory() as tmp:
        plain = write_branch_workbook(
            Path(tmp) / "book.xlsx",
            branch,
            month,
            data=data,
            first_sheets=_control_sheet,
            last_sheets=functools.partial(_conf_sheet, interpreter=interpreter),
            notes=notes,
        )
        made = make_macro_enabled(plain.read_bytes(), path)
    return write_bytes(path, made, keep_backups=keep_backups, made_from=made_from)


def this_interpreter() -> str:
    """The Interpreter_Win this PC writes: its own pythonw.exe on Windows, else blank."""
    from .interpreter import interpreter_to_write
    from .machine import this_machine

    return interpreter_to_write(this_machine())


def build_macro_template(folder: str | Path) -> Path:
    """The committed template: no PC's path in it, wherever it is rebuilt."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    return write_macro_workbook(folder / MACRO_TEMPLATE, interpreter="")


if __name__ == "__main__":
    print(build_macro_template(sys.argv[1] if len(sys.argv) > 1 else "templates/xlsx"))
