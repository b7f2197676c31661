"""`branchkit doctor`: checks what the Excel buttons need on this computer, in plain Chinese.

xlwings users' most common failure is RunPython's set-up: Excel starts a Python that does not
have the package, or the workbook's VBA module is from another xlwings version. Then come the
ways a bank's PC stops a first click: no Excel at all (WPS), macros blocked for a file from the
internet, a PC that runs signed macros only. Each check says what is wrong and what to do; the
Python is the one Excel will start (interpreter.py), never the one doctor itself runs in.
`doctor --fix` writes branchkit's own Python into the workbook (fix_interpreter).
"""

from __future__ import annotations

import ntpath
import platform
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from . import __version__, schema
from .interpreter import (
    ExcelPython,
    Layer,
    Probe,
    excel_python,
    interpreter_to_write,
    layers_for,
    probe,
)
from .machine import Machine, this_machine
from .macros import BUTTONS
from .office import BLOCKED_ZONES, DISABLE_ALL, SIGNED_ONLY, MacroTrust, macro_trust, programs


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


LAUNCHER_HINT = (
    "在 WPS 或 LibreOffice 里请用工作簿旁的 填写.cmd、刷新.cmd、夕会.cmd、周报.cmd"
    "（运行 branchkit init {name} --launchers 生成），先关闭工作簿再双击"
)


def checks(book: Path | None = None, machine: Machine | None = None) -> list[Check]:
    machine = machine or this_machine()
    system = machine.system
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
    name = book.name if book is not None else "工作簿.xlsx"
    if system not in ("Windows", "Darwin"):
        found.append(
            Check(
                True,
                f"本机是 {system}：按钮只在装有 Excel 的 Windows 或 macOS 电脑上可用，命令行功能都可用；"
                + LAUNCHER_HINT.format(name=name).replace(".cmd", ".sh"),
            )
        )
    else:
        found.append(_excel_check(machine, name))
    if book is None:
        return found
    found += _book_checks(book, xlwings_version, machine)
    return found


def _excel_check(machine: Machine, name: str) -> Check:
    """xlwings drives Microsoft Excel only: its maintainers say WPS is not supported."""
    found = programs(machine)
    if found.excel:
        return Check(True, f"Microsoft Excel：{found.excel}")
    wps = "本机装有 WPS，" if found.wps else ""
    return Check(
        False,
        f"没有找到 Microsoft Excel：{wps}按钮只能在 Microsoft Excel 里用（xlwings 不支持 WPS）",
        LAUNCHER_HINT.format(name=name),
    )


def _book_checks(book: Path, xlwings_version: str | None, machine: Machine) -> list[Check]:
    from .problems import BookError, Code
    from .read import load_book
    from .source import read_raw

    try:
        raw = read_raw(book)
    except BookError as exc:
        return [Check(False, f"打开 {book.name}", exc.message)]
    result = []
    loaded = load_book(raw, str(book))
    missing = [p for p in loaded.problems if p.code is Code.MISSING_SHEET]
    result.append(
        Check(
            not missing,
            "输入工作表齐全"
            if not missing
            else "缺少工作表：" + "、".join(p.sheet for p in missing),
            "从模板复制缺少的工作表，或用 branchkit init 新建",
        )
    )
    from .newmonth import next_month_command

    result.append(
        Check(
            True,
            f"下个月的工作簿：月底运行 {next_month_command(book, loaded.month)}"
            "（带入设置、人员、产品、目标和没办完的跟进、行动计划；本工作簿不改动）",
        )
    )
    has_control = schema.CONTROL_SHEET in raw
    if book.suffix.lower() != ".xlsm":
        # one line, one fix: an .xlsx holds no macros, so it has no buttons whatever its sheets
        what = "没有按钮" if not has_control else "有“控制台”表，但 .xlsx 存不了宏，按钮不能用"
        result.append(Check(False, f"工作簿是 {book.suffix}，{what}", add_buttons_fix(book)))
        return result
    result.append(
        Check(
            has_control,
            f"“{schema.CONTROL_SHEET}”工作表（按钮和日期）",
            add_buttons_fix(book),
        )
    )
    system = machine.system
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
    sheet = raw.get(schema.XLWINGS_CONF_SHEET)
    python = excel = None
    layers = layers_for(machine, sheet, _folder(machine, book))
    if system in ("Windows", "Darwin"):
        excel = excel_python(layers, machine)
        python = probe(machine, excel.path) if excel.path else None
    # What Excel's Python has is what must match the workbook's module; doctor's own xlwings
    # stands in where there is no Excel to start one.
    python_xlwings = python.xlwings if python and python.ok else xlwings_version
    result.append(
        Check(
            vba_version is not None and vba_version == python_xlwings,
            f"工作簿里的 xlwings 模块 {vba_version or '缺失'}，"
            f"{'Excel 将使用的 Python 里' if python and python.ok else '本机'}"
            f" xlwings {python_xlwings or '未安装'}",
            f"版本要一致：python -m pip install xlwings=={vba_version}"
            if vba_version
            else add_buttons_fix(book),
        )
    )
    if excel is not None:
        result += _interpreter_checks(book, excel, python, machine)
        result += _duplicate_key_checks(layers)
    else:
        conf = _conf_values(sheet)
        key = "Interpreter_Win"
        interpreter = conf.get(key.upper(), "")
        result.append(
            Check(True, f"xlwings.conf 的 {key}：{interpreter or '留空（使用 PATH 里的 python）'}")
        )
    conf = _conf_values(sheet)
    result += _udf_server_checks(conf, machine, excel.path or "" if excel else "", vba_version)
    if system == "Windows":
        result += trust_checks(macro_trust(machine, book), book, _folder(machine, book))
    return result


def _folder(machine: Machine, book: Path) -> str:
    """The workbook's folder as that PC names it (C:\\网点 on Windows)."""
    full = machine.full_path(book)
    return ntpath.dirname(full) if machine.system == "Windows" else str(Path(full).parent)


def _conf_values(rows: list[list[object]] | None) -> dict[str, str]:
    # xlwings upper-cases the keys of its settings sheet, so a key counts however it is spelt.
    return {
        str(r[0]).strip().upper(): str(r[1] if len(r) > 1 and r[1] is not None else "").strip()
        for r in rows or []
        if r and r[0]
    }


def _interpreter_checks(
    book: Path, excel: ExcelPython, python: Probe | None, machine: Machine
) -> list[Check]:
    """The Python a click starts, found as xlwings finds it, and whether it has branchkit."""
    fix = interpreter_fix(book, machine)
    where = f"（{excel.how}）"
    if excel.path is None:
        looked = "" if excel.command == "python" else f"：{excel.command} 不存在"
        checks = [Check(False, f"Excel 将使用的 Python：找不到{where}{looked}", fix)]
    elif excel.store_alias and not (python and python.ok):
        checks = [
            Check(
                False,
                f"Excel 将使用的 Python：{excel.path}{where}是 Microsoft Store 的占位程序，"
                "不是真正的 Python",
                fix,
            )
        ]
    elif python is None or not python.ok:
        said = f"：{python.said}" if python and python.said else ""
        checks = [
            Check(False, f"Excel 将使用的 Python：{excel.path}{where}里没有 branchkit{said}", fix)
        ]
    else:
        checks = [
            Check(
                True,
                f"Excel 将使用的 Python：{excel.path}{where}，"
                f"branchkit {python.branchkit}，xlwings {python.xlwings}",
            )
        ]
    works = bool(python and python.ok)
    for layer, value in excel.hidden:
        checks.append(
            Check(
                works,
                f"xlwings.conf 表的 {excel.key.title()} 留空，挡住了 {layer.where} 里的设置"
                f"“{value}”：xlwings 读到表里的空值就不再往下找，不会用它",
                f"把这个路径填进 xlwings.conf 表的 {excel.key.title()}，或者" + fix,
            )
        )
    return checks


def _duplicate_key_checks(layers: list[Layer]) -> list[Check]:
    sheet = layers[0]
    return [
        Check(
            False,
            f"xlwings.conf 表的 A 列里 {key} 出现了两次：xlwings 读表时会出错，按钮无法运行",
            "删除重复的那一行",
        )
        for key in sheet.duplicates
    ]


def interpreter_fix(book: Path, machine: Machine) -> str:
    value = interpreter_to_write(machine)
    if not value:
        return "在 xlwings.conf 表的 Interpreter_Win 填入装有 branchkit 的 pythonw.exe 完整路径"
    return (
        f"运行 branchkit doctor {book.name} --fix"
        f"（把本机 branchkit 所用的 {value} 写入 xlwings.conf 表的 Interpreter_Win）"
    )


def trust_checks(trust: MacroTrust, book: Path, where: str) -> list[Check]:
    """Will Excel run the macros of `book` (in the folder `where`): in the order Excel decides
    it (office.py)."""
    folder = f"把工作簿所在的文件夹 {where} 设为受信任位置"
    if trust.trusted_location:
        return [Check(True, f"工作簿在 Excel 的受信任位置（{trust.trusted_location}）：宏直接可用")]
    if trust.signed and trust.setting != DISABLE_ALL:
        return [
            Check(
                True,
                "宏工程有数字签名：签名证书在本机“受信任的发布者”里时宏直接可用，"
                "否则打开时 Excel 会询问是否信任该发布者",
            )
        ]
    if trust.setting == DISABLE_ALL:
        return [
            Check(
                False,
                "本机的 Excel 设置为禁用所有宏（且不通知）：受信任位置以外的宏都不会运行",
                f"请 IT {folder}（见 README“宏安全”）",
            )
        ]
    if trust.setting == SIGNED_ONLY:
        return [
            Check(
                False,
                "本机的 Excel 只运行有数字签名的宏，而这个工作簿的宏工程没有签名",
                f"请 IT 用本行的代码签名证书给宏工程签名，或{folder}（见 README“宏安全”）",
            )
        ]
    if trust.zone in BLOCKED_ZONES:
        origin = "互联网" if trust.zone == 3 else "受限站点"
        return [
            Check(
                False,
                f"文件带有“来自{origin}”的网络标记（ZoneId={trust.zone}）："
                "Excel 会阻止其中的宏，而且不给“启用内容”按钮",
                f"关闭工作簿，在资源管理器里右键 {book.name} → 属性 → 勾选“解除锁定” → 确定；"
                f"或在 PowerShell 运行 Unblock-File -LiteralPath '{book.name}'；或{folder}",
            )
        ]
    return [
        Check(
            True,
            f"宏的安全设置：第一次打开时点黄色提示条上的“启用内容”即可（{folder}后不再提示）",
        )
    ]


def add_buttons_fix(book: Path) -> str:
    """What a branch runs to get the buttons into the workbook it has (no copying of data)."""
    if book.suffix.lower() == ".xlsm":
        return f"运行 branchkit add-buttons {book.name} --force（原有内容不变，旧版本留在“备份”文件夹）"
    return f"运行 branchkit add-buttons {book.name}：生成带按钮的 {book.stem}.xlsm，原有内容不变"


def _udf_server_checks(
    conf: dict[str, str], machine: Machine, interpreter: str, vba_version: str | None
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
    if machine.system != "Windows":
        return [Check(True, label + "——此设置只在 Windows 上有效")]
    found = _udf_dll(interpreter, vba_version, machine)
    return [
        Check(True, label),
        Check(
            found,
            f"xlwings 的 DLL（常驻 Python 需要）：{'已找到' if found else '未找到'}",
            "在 xlwings.conf 的 Interpreter_Win 填入 python.exe 的完整路径（pip 把 xlwings 的 DLL "
            f"装在它旁边），或把 {UDF_SERVER_KEY} 改回 False",
        ),
    ]


def _udf_dll(interpreter: str, version: str | None, machine: Machine) -> bool:
    """xlwings' VBA loads xlwings64-VERSION.dll (32 in 32-bit Excel) from the interpreter's folder
    or the one above it (a virtualenv's Scripts folder)."""
    if not interpreter or not version:
        return False
    folder = ntpath.dirname(interpreter)
    return any(
        machine.exists(ntpath.join(where, f"xlwings{bits}-{version}.dll"))
        for where in (folder, ntpath.dirname(folder))
        for bits in (64, 32)
    )


def report(found: list[Check], machine: Machine | None = None) -> str:
    lines = []
    for check in found:
        lines.append(f"{'✓' if check.ok else '✗'} {check.label}")
        if not check.ok and check.fix:
            lines.append(f"    → {check.fix}")
    bad = sum(not c.ok for c in found)
    if bad:
        lines.append(f"有 {bad} 项需要处理。")
    elif (machine or this_machine()).system in ("Windows", "Darwin"):
        lines.append("一切就绪。")
    else:  # the buttons cannot be checked here: say what is ready, not more
        lines.append("命令行一切就绪；按钮请在装有 Excel 的电脑上再运行 branchkit doctor 检查。")
    return "\n".join(lines)


def fix_interpreter(book: Path, machine: Machine | None = None) -> str:
    """`doctor --fix`: branchkit's own Python into the workbook's Interpreter_Win, when that
    cell is empty (or the key missing: it goes under the last key, where xlwings still reads
    it). A path someone typed there is never replaced: the line says what to change it to.
    Written as fill writes — the one cell, atomically, with a backup — and only on Windows."""
    from .macros import INTERPRETER_KEY
    from .package import Package
    from .package.cells import SheetFill, fill_cells
    from .problems import BookError
    from .source import read_raw
    from .writeback import save_package

    machine = machine or this_machine()
    value = interpreter_to_write(machine)
    if not value:
        return f"本机是 {machine.system}：Interpreter_Win 只在要用按钮的 Windows 电脑上填写"
    rows = read_raw(book).get(schema.XLWINGS_CONF_SHEET)
    if rows is None:
        raise BookError(book, f"没有 {schema.XLWINGS_CONF_SHEET} 表：" + add_buttons_fix(book))
    keys = [str(r[0]).strip() if r and r[0] is not None else "" for r in rows]
    in_use = keys[: keys.index("")] if "" in keys else keys
    at = next((i for i, k in enumerate(in_use) if k.upper() == INTERPRETER_KEY.upper()), None)
    if at is not None:
        current = rows[at][1] if len(rows[at]) > 1 else None
        if current not in (None, ""):
            return (
                f"xlwings.conf 表的 {INTERPRETER_KEY} 已填写“{current}”，未改动；"
                f"要用本机 branchkit 所用的 Python，请把它改成 {value}"
            )
        cells = {(at + 1, 2): value}
    else:
        cells = {(len(in_use) + 1, 1): INTERPRETER_KEY, (len(in_use) + 1, 2): value}
    wrote = []

    def edit(pkg: Package) -> Package:
        wrote.append(fill_cells(pkg, [SheetFill(schema.XLWINGS_CONF_SHEET, cells)]))
        return pkg

    save_package(book, edit, [schema.XLWINGS_CONF_SHEET])
    if wrote and len(wrote[-1].written) == len(cells):
        where = wrote[-1].written[-1].cell
        return f"已把 {value} 写入 {book.name} 的 xlwings.conf!{where}（{INTERPRETER_KEY}）"
    return f"xlwings.conf 表的 {INTERPRETER_KEY} 未能写入：" + "；".join(
        f"{s.cell} {s.reason}" for s in wrote[-1].skipped
    )
