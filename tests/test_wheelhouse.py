"""Issue 27: the offline installer's folder — how it is checked, and its 安装.cmd.

These run offline on small wheels made here: the real folder (about 140 MB from PyPI for three
Pythons) is built and checked by `make wheelhouse`, which fails when it does not install
completely, rather than by every test run."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from toolkit.wheelhouse import INSTALLER, PYTHONS, dry_run, installer_script, missing

ANY = "py3-none-any"


def wheel(
    folder: Path, name: str, version: str, requires: tuple[str, ...] = (), tag: str = ANY
) -> Path:
    """A minimal wheel: its metadata, WHEEL and RECORD, enough for pip to resolve it."""
    path = folder / f"{name}-{version}-{tag}.whl"
    info = f"{name}-{version}.dist-info"
    metadata = "Metadata-Version: 2.1\nName: {}\nVersion: {}\n{}".format(
        name, version, "".join(f"Requires-Dist: {r}\n" for r in requires)
    )
    python, abi, platform = tag.split("-")
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr(f"{info}/METADATA", metadata)
        zf.writestr(
            f"{info}/WHEEL",
            f"Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: {python}-{abi}-{platform}\n",
        )
        zf.writestr(f"{info}/RECORD", "")
    return path


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    where = tmp_path / "wheelhouse"
    where.mkdir()
    wheel(where, "branchkit", "0.1.0", ("tabula>=1.0", "winonly>=2; platform_system == 'Windows'"))
    wheel(where, "tabula", "1.2", tag="cp311-cp311-win_amd64")
    return where


def test_a_windows_only_requirement_is_missing_though_pip_here_resolves(folder: Path) -> None:
    """pip decides markers for the machine it runs on, so on Linux it does not ask for a
    Windows-only requirement; the folder walk asks as Windows would."""
    planned, error = dry_run(folder, "3.11")
    assert error == "" and planned == ["branchkit==0.1.0", "tabula==1.2"]
    assert missing(folder, "3.11") == ["winonly>=2"]
    wheel(folder, "winonly", "2.0")
    assert missing(folder, "3.11") == []


def test_a_wheel_built_for_another_python_does_not_count(folder: Path) -> None:
    wheel(folder, "winonly", "2.0")
    assert missing(folder, "3.12") == ["tabula>=1.0"]
    planned, error = dry_run(folder, "3.12")
    assert planned == [] and "tabula" in error
    wheel(folder, "tabula", "1.2", tag="cp312-cp312-win_amd64")
    assert missing(folder, "3.12") == [] and dry_run(folder, "3.12")[1] == ""


def test_a_wheel_for_linux_does_not_count(tmp_path: Path) -> None:
    wheel(tmp_path, "branchkit", "0.1.0", ("tabula",))
    wheel(tmp_path, "tabula", "1.2", tag="cp311-cp311-manylinux_2_17_x86_64")
    assert missing(tmp_path, "3.11") == ["tabula"]


def test_a_version_outside_the_requirement_does_not_count(folder: Path) -> None:
    wheel(folder, "winonly", "1.9")
    assert missing(folder, "3.11") == ["winonly>=2"]


def test_requirements_are_followed_down_with_the_extras_asked_for(tmp_path: Path) -> None:
    wheel(tmp_path, "branchkit", "0.1.0", ("engine[fast]",))
    wheel(tmp_path, "engine", "1.0", ("turbo; extra == 'fast'", "docs; extra == 'docs'", "core"))
    wheel(tmp_path, "core", "1.0", ("leaf<2",))
    assert missing(tmp_path, "3.11") == ["leaf<2", "turbo"]


def test_the_installer_installs_from_its_folder_with_no_index() -> None:
    data = installer_script()
    assert not data.startswith(b"\xef\xbb\xbf")
    text = data.decode("utf-8")
    lines = text.split("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert lines[:2] == ["@echo off", "chcp 65001 >nul"]
    assert '%PY% -m pip install --no-index --find-links "%~dp0." --upgrade branchkit' in lines
    assert "for %%V in (3.12 3.11 3.10) do" in text  # the newest Python the folder serves first
    assert "(3, 10) <= sys.version_info[:2] <= (3, 12)" in text
    assert "%PY% -m branchkit doctor" in lines
    assert any(line.startswith("  echo 没有找到 Python") for line in lines)
    assert INSTALLER == "安装.cmd" and PYTHONS == ("3.10", "3.11", "3.12")
