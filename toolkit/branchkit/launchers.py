"""Double-click scripts beside a workbook: the four buttons without macros.

xlwings drives Microsoft Excel only, and many branches run WPS (or LibreOffice on a Linux
desktop). For them the same four actions are files beside the workbook — 填写, 刷新, 夕会, 周报 —
each running the command line on that workbook with the Python branchkit is installed in. A
workbook open in WPS or Excel cannot be written (the command line refuses it in one line), so each
script first asks the user to close it.

`.cmd` for Windows: UTF-8 with `chcp 65001` as its second line (cmd.exe reads each line in the
console's code page, so everything before it is ASCII), CRLF line ends, no byte-order mark (cmd
would run it as part of the first command). `.sh` for Linux desktops: POSIX sh, LF, executable.
Both take the workbook's path from the script's own folder, so the folder can be moved whole.
"""

from __future__ import annotations

import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .interpreter import interpreter_to_write
from .machine import Machine, this_machine

MARK = "branchkit launcher"  # in each script's comment: a file without it is someone else's


@dataclass(frozen=True)
class Launcher:
    name: str  # the file's name without extension, and the button's caption
    command: tuple[str, ...]
    does: str


LAUNCHERS = (
    Launcher("填写", ("fill",), "填写转介编号、追踪表新行、结果反馈和当天的行"),
    Launcher("刷新", ("refresh",), "刷新排行榜、跟进提醒、管理清单和数据问题"),
    Launcher("夕会", ("build-agenda",), "生成今天的夕会议程（写入“夕会议程”表）"),
    Launcher("周报", ("weekly",), "生成本周的周报工作簿（放在工作簿旁边）"),
)
CLOSE_FIRST = "请先在 WPS / Excel / LibreOffice 里保存并关闭这个工作簿"


@dataclass(frozen=True)
class Written:
    written: list[Path]
    skipped: list[Path]  # files of these names that branchkit did not make: left alone
    # Scripts made for another workbook of the folder, by its name: left alone (without force).
    others: dict[str, list[Path]] = field(default_factory=dict)
    moved_from: str = ""  # the workbook the replaced scripts ran before (`previous`)


def write_launchers(
    book: Path,
    machine: Machine | None = None,
    previous: Path | None = None,
    force: bool = False,
) -> Written:
    """The eight scripts beside `book`. A script of ours for this workbook is replaced; one for
    another workbook of the folder is left alone — one folder keeps one set of scripts, and the
    set it has may be what a colleague double-clicks every day — unless `force`, or unless that
    workbook is `previous`, the one `book` is made from (last month's, the .xlsx before its
    buttons): then the scripts move on to `book`, as the branch moves on. Anything else of the
    same name is not ours and is left as it is. Both are reported."""
    from .writeback import write_bytes

    machine = machine or this_machine()
    python = _console_python(machine)
    before = _beside(book, previous)
    written: list[Path] = []
    skipped: list[Path] = []
    others: dict[str, list[Path]] = {}
    moved_from = ""
    for launcher in LAUNCHERS:
        for suffix, script in (
            (".cmd", cmd_script(book.name, python["Windows"], launcher)),
            (".sh", sh_script(book.name, python["Linux"], launcher)),
        ):
            path = book.parent / f"{launcher.name}{suffix}"
            if path.exists():
                old = path.read_bytes()
                if MARK.encode() not in old[:400]:
                    skipped.append(path)
                    continue
                named = runs_on(old)
                if named and named != book.name:
                    if named == before:
                        moved_from = named
                    elif not force:
                        others.setdefault(named, []).append(path)
                        continue
            write_bytes(path, script)
            if suffix == ".sh":
                path.chmod(path.stat().st_mode | stat.S_IXUSR | stat.S_IXGRP | stat.S_IXOTH)
            written.append(path)
    return Written(written, skipped, others, moved_from)


def _beside(book: Path, previous: Path | None) -> str:
    """`previous`'s name when it is in `book`'s folder (where the scripts find workbooks)."""
    if previous is None:
        return ""
    same = previous.resolve().parent == book.resolve().parent
    return previous.name if same else ""


_CMD_BOOK = re.compile(r"^echo 工作簿：(.*?)\r?$", re.M)
_SH_BOOK = re.compile(r"^printf '%s\\n' '工作簿：(.*)'$", re.M)


def runs_on(script: bytes) -> str:
    """The workbook a script of ours runs on, by its name ('' when it does not say)."""
    text = script.decode("utf-8", "replace")
    found = _CMD_BOOK.search(text)
    if found:
        return re.sub(r"\^(.)", r"\1", found.group(1)).replace("%%", "%")
    found = _SH_BOOK.search(text)
    return found.group(1).replace("'\\''", "'") if found else ""


def _console_python(machine: Machine) -> dict[str, str]:
    """The Python each kind of script starts: this one for the system we are on (python.exe
    beside pythonw.exe on Windows, so the window shows what happens), else the one PATH finds."""
    if machine.system == "Windows":
        chosen = interpreter_to_write(machine, windowless=False)
        return {"Windows": chosen, "Linux": "python3"}
    return {"Windows": "python", "Linux": machine.executable}


def _cmd_quoted(text: str) -> str:
    """Inside "…" on a cmd line only % is special (variable expansion); doubled, it is a %."""
    return text.replace("%", "%%")


def _cmd_python(python: str) -> str:
    """The interpreter, quoted; a leading %LOCALAPPDATA% (or the like) is kept to be expanded."""
    found = re.match(r"%[A-Za-z_]+%", python)
    head = found.group(0) if found else ""
    return f'"{head}{_cmd_quoted(python[len(head) :])}"'


def _cmd_echo(text: str) -> str:
    """Text for `echo`: cmd's operators escaped with ^, % doubled."""
    return re.sub(r"([&|<>^()])", r"^\1", text.replace("%", "%%"))


def cmd_script(book_name: str, python: str, launcher: Launcher) -> bytes:
    command = " ".join(launcher.command)
    lines = [
        "@echo off",
        "chcp 65001 >nul",
        f"rem {MARK}: {launcher.name}. branchkit init --launchers 可以重新生成这个文件。",
        f"title {_cmd_echo(launcher.name)} - {_cmd_echo(book_name)}",
        f"echo {_cmd_echo(launcher.name)}：{_cmd_echo(launcher.does)}",
        f"echo 工作簿：{_cmd_echo(book_name)}",
        "echo.",
        f"echo {_cmd_echo(CLOSE_FIRST)}，然后按任意键继续……",
        "pause >nul",
        f'{_cmd_python(python)} -m branchkit {command} "%~dp0{_cmd_quoted(book_name)}" %*',
        'set "CODE=%ERRORLEVEL%"',
        "echo.",
        "echo 完成（如有错误，上面已写明原因）。按任意键关闭窗口。",
        "pause >nul",
        "exit /b %CODE%",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def _sh_quoted(text: str) -> str:
    return "'" + text.replace("'", "'\\''") + "'"


def sh_script(book_name: str, python: str, launcher: Launcher) -> bytes:
    command = " ".join(launcher.command)
    lines = [
        "#!/bin/sh",
        f"# {MARK}: {launcher.name}. branchkit init --launchers 可以重新生成这个文件。",
        'cd "$(dirname "$0")" || exit 1',
        f"printf '%s\\n' {_sh_quoted(f'{launcher.name}：{launcher.does}')}",
        f"printf '%s\\n' {_sh_quoted(f'工作簿：{book_name}')}",
        "echo",
        f"printf '%s' {_sh_quoted(f'{CLOSE_FIRST}，然后按回车键继续……')}",
        "read -r _",
        f'{_sh_quoted(python)} -m branchkit {command} {_sh_quoted("./" + book_name)} "$@"',
        "code=$?",
        "echo",
        "printf '%s' '完成（如有错误，上面已写明原因）。按回车键关闭窗口。'",
        "read -r _",
        'exit "$code"',
    ]
    return ("\n".join(lines) + "\n").encode("utf-8")
