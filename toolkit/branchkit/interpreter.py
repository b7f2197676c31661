"""Which Python Excel starts when a button is clicked, found the way xlwings' VBA finds it, and
which one branchkit writes into a workbook so that the answer is branchkit's own Python.

xlwings' standalone module (xlwings.bas, `GetConfig`) looks a setting up in three places and
takes the first that has the key — even with an empty value:

1. the workbook's `xlwings.conf` sheet: column A from A1 down to the first empty cell, keys
   upper-cased, the value in column B;
2. a file `xlwings.conf` beside the workbook;
3. the user's `%USERPROFILE%\\.xlwings\\xlwings.conf` (`xlwings config create` writes it);

each file line being `"KEY","VALUE"`, keys compared without case. `RunPython` asks for
INTERPRETER_WIN (INTERPRETER_MAC on a Mac); when that comes back empty, for the older key
INTERPRETER, defaulting to `python`. `python` or `pythonw` means: the conda environment of
CONDA PATH and CONDA ENV when both are set, else whatever `python` cmd.exe finds on Excel's PATH.
Anything else is a path, expanded (%LOCALAPPDATA%…), that must exist ("Could not find
Interpreter!"). So an empty Interpreter_Win on the sheet hides the user's own setting.
"""

from __future__ import annotations

import ntpath
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from .machine import Machine

SHEET_NAME = "xlwings.conf"
KEY_WIN, KEY_MAC, KEY_LEGACY = "INTERPRETER_WIN", "INTERPRETER_MAC", "INTERPRETER"
ON_PATH = ("python", "pythonw")  # compared as VBA compares strings: case and all
PATH_EXTENSIONS = (".com", ".exe", ".bat", ".cmd")  # cmd.exe's PATHEXT, in its order
STORE_ALIASES = "\\microsoft\\windowsapps\\"
# Where the user's settings file lives on Windows (xlwings.bas GetConfigFilePath).
USER_CONF = "%USERPROFILE%\\.xlwings\\xlwings.conf"
# Folders a path is written relative to, most specific first, so a workbook moved to a colleague's
# PC with the same Python set-up finds that colleague's Python.
PORTABLE_ROOTS = ("LOCALAPPDATA", "APPDATA", "USERPROFILE")
PROBE = "import branchkit, xlwings; print(branchkit.__version__, xlwings.__version__)"


@dataclass(frozen=True)
class Layer:
    """One place xlwings reads settings from: `values` is None when the place is absent."""

    where: str  # as shown to the user: 工作簿的 xlwings.conf 表, or a file's path
    values: Mapping[str, str] | None
    duplicates: tuple[str, ...] = ()


@dataclass(frozen=True)
class Found:
    """A setting as xlwings finds it, and the values further down it keeps from being seen."""

    value: str
    layer: Layer | None  # None: xlwings' default
    hidden: tuple[tuple[Layer, str], ...] = ()


def sheet_layer(rows: Sequence[Sequence[object]] | None) -> Layer:
    """The workbook's xlwings.conf sheet as xlwings reads it (GetConfigFromSheet): only A1 when
    A2 is empty, else down to the last cell before the first empty one in column A."""
    where = f"工作簿的 {SHEET_NAME} 表"
    if rows is None:
        return Layer(where, None)
    values: dict[str, str] = {}
    duplicates = []
    for row in rows:
        key = _text(row[0] if row else None).upper()
        if not key:
            break
        if key in values:
            duplicates.append(key)  # Scripting.Dictionary.Add fails on a second one
        values.setdefault(key, _text(row[1] if len(row) > 1 else None))
    return Layer(where, values, tuple(duplicates))


def file_layer(where: str, text: str | None) -> Layer:
    """A settings file as xlwings reads it (GetConfigFromFile): the first line of each key."""
    if text is None:
        return Layer(where, None)
    values: dict[str, str] = {}
    for line in text.splitlines():
        fields = re.findall(r'"([^"]*)"|([^,]+)', line)
        cells = [(quoted or bare).strip() for quoted, bare in fields]
        if cells and cells[0]:
            values.setdefault(cells[0].upper(), cells[1] if len(cells) > 1 else "")
    return Layer(where, values)


def _text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "True" if value else "False"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def lookup(layers: Sequence[Layer], key: str, default: str = "") -> Found:
    """xlwings' GetConfig: the first layer holding the key wins, whatever its value."""
    for at, layer in enumerate(layers):
        if layer.values is not None and key in layer.values:
            hidden = tuple(
                (below, below.values[key])
                for below in layers[at + 1 :]
                if below.values is not None and below.values.get(key)
            )
            return Found(layer.values[key], layer, hidden)
    return Found(default, None)


def layers_for(
    machine: Machine, sheet_rows: Sequence[Sequence[object]] | None, book_folder: str
) -> list[Layer]:
    """The three places, in xlwings' order, for a workbook in `book_folder`."""
    join = ntpath.join if machine.system == "Windows" else _posix_join
    beside = join(book_folder, SHEET_NAME)
    user = machine.expand(USER_CONF) if machine.system == "Windows" else ""
    return [
        sheet_layer(sheet_rows),
        file_layer(beside, machine.read_text(beside)),
        file_layer(user, machine.read_text(user) if user else None),
    ]


def _posix_join(folder: str, name: str) -> str:
    return f"{folder.rstrip('/')}/{name}"


@dataclass(frozen=True)
class ExcelPython:
    """The Python a click starts, and how xlwings came to it."""

    setting: Found  # Interpreter_Win, or the older Interpreter when that was empty
    key: str
    command: str  # what xlwings runs: a path, or `python`
    path: str | None  # the program it finds; None when it finds none
    how: str  # how it was found, in the user's words
    hidden: tuple[tuple[Layer, str], ...] = field(default=())

    @property
    def store_alias(self) -> bool:
        """Windows' "python" that opens the Microsoft Store when no Store Python is installed."""
        return bool(self.path) and STORE_ALIASES in (self.path or "").lower()


def excel_python(layers: Sequence[Layer], machine: Machine) -> ExcelPython:
    key = KEY_MAC if machine.system == "Darwin" else KEY_WIN
    setting = lookup(layers, key)
    hidden = setting.hidden if not setting.value else ()
    chosen_key = key
    if not setting.value:
        legacy = lookup(layers, KEY_LEGACY, "python")
        if legacy.layer is not None:
            setting, chosen_key = legacy, KEY_LEGACY
        else:
            setting = Found("python", setting.layer)
    command = machine.expand(setting.value)
    if command not in ON_PATH:
        found = command if machine.exists(command) else None
        how = _where_set(setting, chosen_key)
        return ExcelPython(setting, chosen_key, command, found, how, hidden)
    conda_path = machine.expand(lookup(layers, "CONDA PATH").value)
    conda_env = machine.expand(lookup(layers, "CONDA ENV").value)
    if conda_path and conda_env:
        python = _conda_python(conda_path, conda_env)
        how = f"Conda 环境 {conda_env}（CONDA PATH / CONDA ENV 设置）"
        found = python if machine.exists(python) else None
        return ExcelPython(setting, chosen_key, "python", found, how, hidden)
    found = _on_path(machine)
    return ExcelPython(setting, chosen_key, "python", found, "Excel 的 PATH 里的 python", hidden)


def _where_set(found: Found, key: str) -> str:
    where = found.layer.where if found.layer else "默认值"
    return f"{where}的 {key.title()}"


def _conda_python(conda_path: str, env: str) -> str:
    """The environment's python.exe as xlwings builds it (XLPyCommand)."""
    if env == "base":
        return ntpath.join(conda_path, "python.exe")
    if ":" in env or env.startswith("\\\\"):
        return ntpath.join(env, "python.exe")
    return ntpath.join(conda_path, "envs", env, "python.exe")


def _on_path(machine: Machine) -> str | None:
    """What cmd.exe runs for `python`: the first folder of Excel's PATH that has python with one
    of PATHEXT's extensions (on macOS and Linux, the first `python` on the PATH)."""
    windows = machine.system == "Windows"
    for folder in machine.excel_path():
        for ext in PATH_EXTENSIONS if windows else ("",):
            candidate = ntpath.join(folder, "python" + ext) if windows else f"{folder}/python"
            if machine.exists(candidate):
                return candidate
    return None


@dataclass(frozen=True)
class Probe:
    """What the Python Excel starts has: the versions of branchkit and xlwings, or why not."""

    ok: bool
    branchkit: str = ""
    xlwings: str = ""
    said: str = ""


def probe(machine: Machine, path: str) -> Probe:
    """Runs the interpreter once: can it import branchkit and xlwings? pythonw.exe has no
    console to answer on, so the python.exe beside it is asked."""
    folder, name = ntpath.split(path) if machine.system == "Windows" else ("", path)
    if name.lower() == "pythonw.exe" and machine.exists(ntpath.join(folder, "python.exe")):
        path = ntpath.join(folder, "python.exe")
    code, said = machine.run([path, "-c", PROBE])
    words = said.split()
    if code == 0 and len(words) == 2:
        return Probe(True, words[0], words[1])
    return Probe(False, said=(said.splitlines() or [""])[-1])


def interpreter_to_write(machine: Machine, windowless: bool = True) -> str:
    """What goes into Interpreter_Win: the pythonw.exe of the Python branchkit runs under (no
    console window flashing up at each click; python.exe with `windowless` False), written
    relative to %LOCALAPPDATA% (or %APPDATA%, %USERPROFILE%) when it lies there. Empty off
    Windows: a workbook made on a Mac or Linux cannot know the path on the PC that opens it."""
    if machine.system != "Windows":
        return ""
    folder = ntpath.dirname(machine.executable)
    wanted = ntpath.join(folder, "pythonw.exe" if windowless else "python.exe")
    chosen = wanted if machine.exists(wanted) else machine.executable
    for name in PORTABLE_ROOTS:
        root = machine.env(name).rstrip("\\")
        if root and chosen.lower().startswith(root.lower() + "\\"):
            return f"%{name}%" + chosen[len(root) :]
    return chosen
