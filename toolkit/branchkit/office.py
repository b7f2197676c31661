"""The office programs of this PC, as far as the buttons care: is Microsoft Excel there (xlwings
drives Excel only; WPS and LibreOffice cannot run the buttons), and will Excel run the
workbook's macros.

Excel decides the second in this order: a workbook in a trusted location runs its macros; else
one signed by a trusted publisher does; else the macro setting applies — all disabled, only
signed ones, or (the default) disabled until the user clicks 启用内容 — except that a file
carrying the mark of the web (Zone.Identifier with ZoneId 3, the internet, or 4, restricted
sites) gets no 启用内容 button at all since Office 2203. Here are the facts, read from the
registry and the file through `Machine`; doctor says what they mean.
"""

from __future__ import annotations

import ntpath
import re
from dataclasses import dataclass
from pathlib import Path

from .machine import HKCU, HKLM, Machine

OFFICE_VERSIONS = ("16.0", "15.0", "14.0")  # 2016 and later, 2013, 2010
APP_PATHS = r"SOFTWARE\Microsoft\Windows\CurrentVersion\App Paths"
BLOCKED_ZONES = (3, 4)  # the internet, restricted sites
# Excel's macro setting (Trust Center → 宏设置), VBAWarnings in the registry.
ENABLE_ALL, NOTIFY, SIGNED_ONLY, DISABLE_ALL = 1, 2, 3, 4
MAC_EXCEL = "/Applications/Microsoft Excel.app"


@dataclass(frozen=True)
class Programs:
    excel: str | None  # where Excel is, or None
    wps: bool


def programs(machine: Machine) -> Programs:
    """Excel from the App Paths entry its installer writes (WPS registers et.exe there)."""
    if machine.system == "Darwin":
        return Programs(MAC_EXCEL if machine.is_dir(MAC_EXCEL) else None, False)
    if machine.system != "Windows":
        return Programs(None, False)
    excel = None
    for root in (HKLM, HKCU):
        path = machine.registry(root, APP_PATHS + r"\excel.exe", "")
        if isinstance(path, str):
            path = machine.expand(path.strip('"'))
            if ntpath.basename(path).lower() == "excel.exe" and machine.exists(path):
                excel = path
                break
    wps = any(
        machine.registry(root, APP_PATHS + r"\et.exe", "") is not None for root in (HKLM, HKCU)
    ) or bool(machine.registry_subkeys(HKCU, r"Software\Kingsoft\Office"))
    return Programs(excel, wps)


def zone_id(identifier: str | None) -> int | None:
    """ZoneId of a Zone.Identifier stream ([ZoneTransfer] / ZoneId=3 / HostUrl=…)."""
    found = re.search(r"^\s*ZoneId\s*=\s*(\d+)", identifier or "", re.MULTILINE)
    return int(found.group(1)) if found else None


@dataclass(frozen=True)
class MacroTrust:
    zone: int | None  # the file's mark of the web
    trusted_location: str | None  # the trusted folder the workbook is in
    setting: int  # VBAWarnings: ENABLE_ALL … DISABLE_ALL
    signed: bool  # the VBA project carries a digital signature


def macro_trust(machine: Machine, book: Path) -> MacroTrust:
    return MacroTrust(
        zone_id(machine.zone_identifier(book)),
        trusted_location(machine, machine.full_path(book)),
        macro_setting(machine),
        project_signed(book),
    )


def _security_keys(version: str) -> list[tuple[str, str]]:
    """Policy first (set by the bank's IT, it wins), then the user's own Trust Center."""
    tail = rf"Microsoft\Office\{version}\Excel\Security"
    return [
        (HKCU, rf"Software\Policies\{tail}"),
        (HKLM, rf"Software\Policies\{tail}"),
        (HKCU, rf"Software\{tail}"),
    ]


def macro_setting(machine: Machine) -> int:
    for version in OFFICE_VERSIONS:
        for root, key in _security_keys(version):
            value = machine.registry(root, key, "VBAWarnings")
            if isinstance(value, int) and ENABLE_ALL <= value <= DISABLE_ALL:
                return value
    return NOTIFY


def trusted_location(machine: Machine, book_path: str) -> str | None:
    """The Trust Center location (Trusted Locations\\LocationN: Path, AllowSubfolders) that holds
    the workbook; a network folder counts only where network locations are allowed."""
    folder = _folder_key(ntpath.dirname(book_path))
    network = book_path.startswith("\\\\")
    for version in OFFICE_VERSIONS:
        for root, security in _security_keys(version):
            locations = security + r"\Trusted Locations"
            if machine.registry(root, locations, "AllLocationsDisabled") == 1:
                return None
            if network and machine.registry(root, locations, "AllowNetworkLocations") != 1:
                continue
            for name in machine.registry_subkeys(root, locations):
                path = machine.registry(root, rf"{locations}\{name}", "Path")
                if not isinstance(path, str) or not path:
                    continue
                trusted = _folder_key(machine.expand(path))
                subfolders = machine.registry(root, rf"{locations}\{name}", "AllowSubfolders") == 1
                if folder == trusted or (subfolders and folder.startswith(trusted)):
                    return machine.expand(path)
    return None


def _folder_key(path: str) -> str:
    return path.replace("/", "\\").rstrip("\\").lower() + "\\"


def project_signed(book: Path) -> bool:
    from pyopenvba import ExcelFile
    from pyopenvba.exceptions import PyOpenVBAError

    try:
        with ExcelFile(book) as wb:
            return bool(wb.has_vba_project() and wb.vba_signature().present)
    except (PyOpenVBAError, OSError, ValueError):
        return False
