"""README's "what doctor says" block, made from doctor's real lines on the PCs of
tests/windows_pc.py: `python -m tests.doctor_readme` rewrites it, and a test fails when the block
and the code differ."""

from __future__ import annotations

import re
import shutil
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from branchkit.buttons import add_buttons
from branchkit.doctor import checks, fix_interpreter

from .conftest import ROOT, SAMPLE
from .windows_pc import (
    APP_PATHS,
    LOCAL,
    PC,
    POLICY,
    PY311,
    USER,
    excel_path,
    ready_pc,
    with_excel,
    with_python,
)

MARKER = "doctor"


def _no_excel(book: Path) -> PC:
    pc = excel_path(with_python(PC()), system=PY311)
    pc.values[("HKEY_LOCAL_MACHINE", APP_PATHS + r"\et.exe", "")] = r"C:\WPS Office\office6\et.exe"
    return pc


def _store(book: Path) -> PC:
    alias = LOCAL + r"\Microsoft\WindowsApps"
    return excel_path(with_python(with_excel(PC(files={alias + r"\python.exe"}))), user=alias)


def _no_branchkit(book: Path) -> PC:
    pc = excel_path(ready_pc(), system=PY311)
    pc.answers[PY311 + r"\python.exe"] = (1, "ModuleNotFoundError: No module named 'branchkit'")
    return pc


def _hidden(book: Path) -> PC:
    pc = ready_pc()
    pc.texts[USER + r"\.xlwings\xlwings.conf"] = '"INTERPRETER_WIN","C:\\Anaconda3\\pythonw.exe"\n'
    return pc


def _internet(book: Path) -> PC:
    return excel_path(ready_pc(zones={book.name: "[ZoneTransfer]\r\nZoneId=3\r\n"}), system=PY311)


def _signed_only(book: Path) -> PC:
    pc = excel_path(ready_pc(), system=PY311)
    pc.values[("HKEY_CURRENT_USER", POLICY, "VBAWarnings")] = 3
    return pc


def _all_disabled(book: Path) -> PC:
    pc = excel_path(ready_pc(), system=PY311)
    pc.values[("HKEY_CURRENT_USER", POLICY, "VBAWarnings")] = 4
    return pc


SCENARIOS: list[tuple[str, Callable[[Path], PC]]] = [
    ("没有 Microsoft Excel（装的是 WPS）", _no_excel),
    (
        "Excel 找不到 Python（Python 没加进 PATH，Interpreter_Win 留空）",
        lambda b: with_excel(with_python(PC())),
    ),
    ("PATH 里只有 Microsoft Store 的占位 python", _store),
    ("Excel 找到的 Python 里没有装 branchkit", _no_branchkit),
    ("表里空着的 Interpreter_Win 挡住了用户自己的 xlwings.conf", _hidden),
    ("工作簿是从邮件或网页下载的（网络标记）", _internet),
    ("本行只允许数字签名的宏，工作簿未签名", _signed_only),
    ("本机禁用所有宏", _all_disabled),
]


def block() -> str:
    with tempfile.TemporaryDirectory() as tmp:
        source = Path(tmp) / SAMPLE.name
        shutil.copyfile(SAMPLE, source)
        book = add_buttons(source, interpreter="")
        out = ["```text"]
        for title, make in SCENARIOS:
            out.append(f"# {title}")
            for check in checks(book, make(book)):
                if not check.ok:
                    out.append(f"✗ {check.label}")
                    out.append(f"    → {check.fix}")
            out.append("")
        out.append(f"# branchkit doctor {book.name} --fix")
        out.append(fix_interpreter(book, ready_pc()))
        out.append("")
        out.append("# 一切就绪时（节选）")
        pc = excel_path(ready_pc(), system=PY311)
        found = checks(book, pc)
        for check in found:
            if check.label.startswith(("Microsoft Excel", "Excel 将使用的 Python", "宏的安全")):
                out.append(f"✓ {check.label}")
        out.append("一切就绪。")
        out.append("```")
    return "\n".join(out)


def render(readme: str) -> str:
    pattern = re.compile(rf"(<!-- {MARKER}:start -->\n).*?(<!-- {MARKER}:end -->)", re.S)
    body = block()
    return pattern.sub(lambda m: m.group(1) + body + "\n" + m.group(2), readme)


if __name__ == "__main__":
    path = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "README.md"
    path.write_text(render(path.read_text(encoding="utf-8")), encoding="utf-8")
