"""A bank's PC as doctor sees it, put in the place of the machine the tests run on.

Every fact doctor reads goes through branchkit.machine.Machine; here they come from dicts, so a
test states the PC it means: which files exist, the registry's values, what a Python prints when
asked for its branchkit, a file's mark of the web."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import branchkit
import xlwings
from branchkit.machine import HKCU, HKLM, SYSTEM_ENVIRONMENT, USER_ENVIRONMENT, Machine

USER = r"C:\Users\zhangsan"
LOCAL = USER + r"\AppData\Local"
PY311 = LOCAL + r"\Programs\Python\Python311"
EXCEL = r"C:\Program Files\Microsoft Office\root\Office16\EXCEL.EXE"
APP_PATHS = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths"
SECURITY = r"Software\Microsoft\Office\16.0\Excel\Security"
POLICY = r"Software\Policies\Microsoft\Office\16.0\Excel\Security"
# What a Python with this branchkit and xlwings prints when doctor asks for their versions.
ANSWER = f"{branchkit.__version__} {xlwings.__version__}"


@dataclass
class PC(Machine):
    os: str = "Windows"
    python: str = PY311 + r"\python.exe"
    files: set[str] = field(default_factory=set)
    texts: dict[str, str] = field(default_factory=dict)
    environ: dict[str, str] = field(
        default_factory=lambda: {"USERPROFILE": USER, "LOCALAPPDATA": LOCAL, "PATH": ""}
    )
    values: dict[tuple[str, str, str], str | int] = field(default_factory=dict)
    answers: dict[str, tuple[int, str]] = field(default_factory=dict)
    zones: dict[str, str] = field(default_factory=dict)
    where: str = r"C:\网点\火车站支行-2026-11.xlsm"
    ran: list[list[str]] = field(default_factory=list)

    @property
    def system(self) -> str:
        return self.os

    @property
    def executable(self) -> str:
        return self.python

    def env(self, name: str) -> str:
        return self.environ.get(name, "")

    def exists(self, path: str) -> bool:
        return path in self.files or path in self.texts

    def read_text(self, path: str) -> str | None:
        return self.texts.get(path)

    def run(self, argv: list[str]) -> tuple[int, str]:
        self.ran.append(argv)
        return self.answers.get(argv[0], (127, f"'{argv[0]}' 不是内部或外部命令"))

    def registry(self, root: str, key: str, name: str) -> str | int | None:
        return self.values.get((root, key, name))

    def registry_subkeys(self, root: str, key: str) -> list[str]:
        prefix = key + "\\"
        return sorted(
            {
                k[len(prefix) :].split("\\")[0]
                for r, k, _ in self.values
                if r == root and k.startswith(prefix)
            }
        )

    def zone_identifier(self, path: Path) -> str | None:
        return self.zones.get(path.name)

    def full_path(self, path: Path) -> str:
        return self.where

    def is_dir(self, path: str) -> bool:
        return path in self.files


def with_excel(pc: PC) -> PC:
    """The PC with Microsoft Excel installed (its App Paths entry and the program)."""
    pc.values[(HKLM, APP_PATHS + r"\excel.exe", "")] = EXCEL
    pc.files.add(EXCEL)
    return pc


def with_python(pc: PC, folder: str = PY311, answer: str = ANSWER) -> PC:
    """A python.org Python in `folder` (python.exe and pythonw.exe) that has branchkit."""
    for name in ("python.exe", "pythonw.exe"):
        pc.files.add(folder + "\\" + name)
    pc.answers[folder + r"\python.exe"] = (0, answer)
    return pc


def excel_path(pc: PC, system: str = "", user: str = "") -> PC:
    """The PATH Excel gets: the system's and the user's, as the registry holds them."""
    pc.values[(*SYSTEM_ENVIRONMENT, "Path")] = system
    pc.values[(*USER_ENVIRONMENT, "Path")] = user
    return pc


def trusted(pc: PC, folder: str, subfolders: bool = True, root: str = HKCU) -> PC:
    key = SECURITY if root == HKCU else POLICY
    pc.values[(root, key + r"\Trusted Locations\Location9", "Path")] = folder
    pc.values[(root, key + r"\Trusted Locations\Location9", "AllowSubfolders")] = int(subfolders)
    return pc


def ready_pc(**changes: object) -> PC:
    """A PC where everything is in order but what the test changes."""
    pc = with_python(with_excel(PC()))
    for name, value in changes.items():
        setattr(pc, name, value)
    return pc
