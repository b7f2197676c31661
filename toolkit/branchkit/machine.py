"""What `doctor` and the button set-up read from the computer they run on, in one object.

Every fact that differs between a bank's Windows PC and the machine the tests run on goes through
`Machine`: the system, this Python, the PATH Excel is started with (not the PATH of the shell
doctor runs in: an activated virtualenv or conda prompt puts a Python first that Excel never
sees), files, the Windows registry and a file's mark of the web. The tests put a Windows PC's
facts in its place (a subclass), so every check runs on Linux.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
import sys
from pathlib import Path

# Windows registry roots, as the key paths below name them.
HKCU, HKLM = "HKEY_CURRENT_USER", "HKEY_LOCAL_MACHINE"
SYSTEM_ENVIRONMENT = (HKLM, r"SYSTEM\CurrentControlSet\Control\Session Manager\Environment")
USER_ENVIRONMENT = (HKCU, "Environment")


class Machine:
    """The computer branchkit runs on; each method one fact, read when asked."""

    @property
    def system(self) -> str:
        """Windows, Darwin or Linux."""
        return platform.system()

    @property
    def executable(self) -> str:
        """The Python branchkit runs under."""
        return sys.executable

    def env(self, name: str) -> str:
        return os.environ.get(name, "")

    def exists(self, path: str) -> bool:
        return bool(path) and Path(path).is_file()

    def read_text(self, path: str) -> str | None:
        """A small text file (a config file), or None when it is not there or unreadable."""
        try:
            return Path(path).read_bytes().decode("utf-8", errors="replace")
        except OSError:
            return None

    def run(self, argv: list[str]) -> tuple[int, str]:
        """Exit code and output (stdout, else stderr) of a short command; 127 when it cannot
        start."""
        try:
            done = subprocess.run(argv, capture_output=True, text=True, timeout=60)
        except (OSError, subprocess.TimeoutExpired) as exc:
            return 127, str(exc)
        return done.returncode, (done.stdout or done.stderr).strip()

    def excel_path(self) -> list[str]:
        """The folders of the PATH a program started from the desktop gets — the system PATH,
        then the user's, as the registry holds them — which is Excel's."""
        if self.system != "Windows":
            return [p for p in self.env("PATH").split(os.pathsep) if p]
        parts: list[str] = []
        for root, key in (SYSTEM_ENVIRONMENT, USER_ENVIRONMENT):
            value = self.registry(root, key, "Path")
            if isinstance(value, str):
                parts += [self.expand(p.strip()) for p in value.split(";") if p.strip()]
        return parts

    def expand(self, text: str) -> str:
        """%NAME% replaced by the variable's value, as Windows (and xlwings' VBA) expand them."""
        out, rest = "", text
        while "%" in rest:
            before, _, after = rest.partition("%")
            name, found, tail = after.partition("%")
            if not found:
                return out + rest
            value = self.env(name)
            out += before + (value if value else f"%{name}%")
            rest = tail
        return out + rest

    def registry(self, root: str, key: str, name: str) -> str | int | None:
        """One registry value (name "" is the key's default value), or None."""
        if sys.platform == "win32":
            import winreg

            try:
                with winreg.OpenKey(getattr(winreg, root), key) as handle:
                    value, _ = winreg.QueryValueEx(handle, name)
            except OSError:
                return None
            return value if isinstance(value, (str, int)) else None
        return None

    def registry_subkeys(self, root: str, key: str) -> list[str]:
        if sys.platform == "win32":
            import winreg

            names = []
            try:
                with winreg.OpenKey(getattr(winreg, root), key) as handle:
                    index = 0
                    while True:
                        try:
                            names.append(winreg.EnumKey(handle, index))
                        except OSError:
                            break
                        index += 1
            except OSError:
                return []
            return names
        return []

    def zone_identifier(self, path: Path) -> str | None:
        """The mark of the web: the Zone.Identifier stream Windows keeps beside a file that came
        from a browser or a mail program (NTFS alternate data stream), or None."""
        if self.system != "Windows":
            return None
        try:
            with open(f"{path}:Zone.Identifier", encoding="utf-8", errors="replace") as stream:
                return stream.read()
        except OSError:
            return None

    def full_path(self, path: Path) -> str:
        """The file's absolute path, as Excel would show it."""
        return str(path.resolve())

    def is_dir(self, path: str) -> bool:
        return Path(path).is_dir()

    def which(self, name: str) -> str | None:
        return shutil.which(name)


def this_machine() -> Machine:
    """The computer we are on (tests replace this function)."""
    return Machine()
