"""`branchkit doctor`: checks what the Excel buttons need on this computer, in plain Chinese.

xlwings users' most common failure is RunPython's set-up: Excel starts a Python that does not
have the package, or the workbook's VBA module is from another xlwings version. Each check says
what is wrong and what to do.
"""

from __future__ import annotations

import platform
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__, schema
from .macros import BUTTONS


def _macros() -> tuple[str, ...]:
    """The VBA subs the buttons call (one list: macros.BUTTONS)."""
    return tuple(macro for macro, _ in BUTTONS)


@dataclass(frozen=True)
class Check:
    ok: bool
    label: str
    fix: str = ""


def _installed_xlwings() -> str | None:
    try:
        import xlwings
    except ImportError:
        return None
    return str(xlwings.__version__)


def vba_modules(path: Path) -> dict[str, str]:
    """Module name -> source code of a workbook's VBA project (empty when it has none)."""
    from oletools.olevba import VBA_Parser

    parser = VBA_Parser(str(path))
    try:
        if not parser.detect_vba_macros():
            return {}
        return {name.rsplit(".", 1)[0]: code for (_, _, name, code) in parser.extract_macros()}
    finally:
        parser.close()


def _python_imports_branchkit(interpreter: str) -> tuple[bool, str]:
    try:
        done = subprocess.run(
            [interpreter, "-c", "import branchkit, xlwings; print(xlwings.__version__)"],
            capture_output=True,
            text=True,
            timeout=60,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        return False, str(exc)
    return done.returncode == 0, (done.stdout or done.stderr).strip().splitlines()[-1:][0] if (
        done.stdout or done.stderr
    ) else ""


def checks(book: Path | None = None) -> list[Check]:
    found = [
        Check(
            sys.version_info >= (3, 10),
            f"Python {platform.python_version()}（需要 3.10 或更新）",
            "请从 python.org 安装新版 Python",
        )
    ]
    found.append(Check(True, f"branchkit {__version__}"))
    xlwings_version = _installed_xlwings()
    found.append(
        Check(
            xlwings_version is not None,
            f"xlwings {xlwings_version or '未安装'}",
            "运行：python -m pip install xlwings",
        )
    )
    system = platform.system()
    if system not in ("Windows", "Darwin"):
        found.append(
            Check(
                True,
                f"本机是 {system}：按钮只在装有 Excel 的 Windows 或 macOS 电脑上可用，命令行功能都可用",
            )
        )
    if book is None:
        return found
    found += _book_checks(book, xlwings_version, system)
    return found


def _book_checks(book: Path, xlwings_version: str | None, system: str) -> list[Check]:
    from .problems import BookError, Code
    from .read import load_book
    from .source import read_raw

    try:
        raw = read_raw(book)
    except BookError as exc:
        return [Check(False, f"打开 {book.name}", exc.message)]
    result = []
    missing = [p for p in load_book(raw, str(book)).problems if p.code is Code.MISSING_SHEET]
    result.append(
        Check(
            not missing,
            "输入工作表齐全"
            if not missing
            else "缺少工作表：" + "、".join(p.sheet for p in missing),
            "从模板复制缺少的工作表，或用 branchkit init 新建",
        )
    )
    has_control = schema.CONTROL_SHEET in raw
    result.append(
        Check(
            has_control,
            f"“{schema.CONTROL_SHEET}”工作表（按钮和日期）",
            add_buttons_fix(book),
        )
    )
    if book.suffix.lower() != ".xlsm":
        result.append(Check(False, "工作簿是 .xlsm（可以带按钮）", add_buttons_fix(book)))
        return result
    modules = vba_modules(book)
    ours = modules.get("branchkit", "")
    result.append(
        Check(
            all(m in ours for m in _macros()),
            f"branchkit 宏（{'、'.join(caption for _, caption in BUTTONS)}）",
            f"删除“{schema.CONTROL_SHEET}”和 {schema.XLWINGS_CONF_SHEET} 两张表后，"
            + add_buttons_fix(book)
            if has_control
            else add_buttons_fix(book),
        )
    )
    match = re.search(r'XLWINGS_VERSION As String = "([^"]+)"', modules.get("xlwings", ""))
    vba_version = match.group(1) if match else None
    result.append(
        Check(
            vba_version is not None and vba_version == xlwings_version,
            f"工作簿里的 xlwings 模块 {vba_version or '缺失'}，本机 xlwings {xlwings_version or '未安装'}",
            f"版本要一致：python -m pip install xlwings=={vba_version}"
            if vba_version
            else add_buttons_fix(book),
        )
    )
    # xlwings upper-cases the keys of its settings sheet, so a key counts however it is spelt.
    conf = {
        str(r[0]).strip().upper(): str(r[1] if len(r) > 1 and r[1] is not None else "").strip()
        for r in raw.get(schema.XLWINGS_CONF_SHEET, [])
        if r and r[0]
    }
    key = "Interpreter_Mac" if system == "Darwin" else "Interpreter_Win"
    interpreter = conf.get(key.upper(), "")
    command = ""
    if system in ("Windows", "Darwin"):
        command = interpreter or shutil.which("pythonw") or shutil.which("python") or ""
        ok, said = _python_imports_branchkit(command) if command else (False, "找不到 python")
        result.append(
            Check(
                ok,
                f"Excel 将使用的 Python：{command or '（无）'}",
                f"在 xlwings.conf 表的 {key} 填入装有 branchkit 的 python.exe 完整路径（{said}）",
            )
        )
    else:
        result.append(
            Check(True, f"xlwings.conf 的 {key}：{interpreter or '留空（使用 PATH 里的 python）'}")
        )
    result += _udf_server_checks(conf, system, command, vba_version)
    return result


def add_buttons_fix(book: Path) -> str:
    """What a branch runs to get the buttons into the workbook it has (no copying of data)."""
    if book.suffix.lower() == ".xlsm":
        return f"运行 branchkit add-buttons {book.name} --force（原有内容不变，旧版本留在“备份”文件夹）"
    return f"运行 branchkit add-buttons {book.name}：生成带按钮的 {book.stem}.xlsm，原有内容不变"


def _udf_server_checks(
    conf: dict[str, str], system: str, interpreter: str, vba_version: str | None
) -> list[Check]:
    """xlwings' "Use UDF Server" (Windows only): one Python stays alive in Excel between clicks,
    so only the first click pays for starting Python and importing branchkit; the price is that
    Excel keeps running the code it loaded until Excel is restarted."""
    from .macros import UDF_SERVER_KEY

    value = conf.get(UDF_SERVER_KEY.upper(), "") or "False"
    if value.lower() != "true":
        return [
            Check(
                True,
                f"xlwings.conf 的 {UDF_SERVER_KEY}：{value}（每次点击都启动一个新的 Python；"
                "在 Windows 上改为 True 可让第二次起的点击更快）",
            )
        ]
    label = (
        f"xlwings.conf 的 {UDF_SERVER_KEY}：True（按钮共用一个常驻的 Python，第二次起点击更快；"
        "更新 branchkit 后须重启 Excel 才用上新代码）"
    )
    if system != "Windows":
        return [Check(True, label + "——此设置只在 Windows 上有效")]
    found = _udf_dll(interpreter, vba_version)
    return [
        Check(True, label),
        Check(
            found,
            f"xlwings 的 DLL（常驻 Python 需要）：{'已找到' if found else '未找到'}",
            "在 xlwings.conf 的 Interpreter_Win 填入 python.exe 的完整路径（pip 把 xlwings 的 DLL "
            f"装在它旁边），或把 {UDF_SERVER_KEY} 改回 False",
        ),
    ]


def _udf_dll(interpreter: str, version: str | None) -> bool:
    """xlwings' VBA loads xlwings64-VERSION.dll (32 in 32-bit Excel) from the interpreter's folder
    or the one above it (a virtualenv's Scripts folder)."""
    if not interpreter or not version:
        return False
    found = interpreter if Path(interpreter).is_absolute() else shutil.which(interpreter)
    if not found:
        return False
    exe = Path(found)
    return any(
        (folder / f"xlwings{bits}-{version}.dll").exists()
        for folder in (exe.parent, exe.parent.parent)
        for bits in (64, 32)
    )


def report(found: list[Check]) -> str:
    lines = []
    for check in found:
        lines.append(f"{'✓' if check.ok else '✗'} {check.label}")
        if not check.ok and check.fix:
            lines.append(f"    → {check.fix}")
    bad = sum(not c.ok for c in found)
    if bad:
        lines.append(f"有 {bad} 项需要处理。")
    elif platform.system() in ("Windows", "Darwin"):
        lines.append("一切就绪。")
    else:  # the buttons cannot be checked here: say what is ready, not more
        lines.append("命令行一切就绪；按钮请在装有 Excel 的电脑上再运行 branchkit doctor 检查。")
    return "\n".join(lines)
