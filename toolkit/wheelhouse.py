"""An offline installer for a bank's PC: a folder with every wheel branchkit needs on 64-bit
Windows with Python 3.10, 3.11 or 3.12, and `安装.cmd`, which installs from it with no network
(`pip install --no-index --find-links`). Bank PCs reach no package index; IT copies the folder.

`python toolkit/wheelhouse.py DIR` (`make wheelhouse`), from a checkout of the repository (it is
no part of the installed package, which never runs it), builds it on any machine that reaches
PyPI: branchkit's own wheel, then `pip download` of its requirements for each Python. pip
resolves with the markers of the machine it runs on, not of `--platform` — on Linux it leaves out
`pywin32` (xlwings on Windows), `colorama` (click, tqdm) and `win_unicode_console` (pcodedmp)
— so the folder is then walked as Windows would walk it (`missing`): every requirement of every
wheel, its marker evaluated for Windows and that Python, must have a wheel of a fitting version
and tag; what is missing is downloaded (or, published as source only, built into a wheel here),
until nothing is. The build ends by checking the folder twice: pip's own dry run
(`pip install --dry-run --no-index --find-links DIR --platform win_amd64 --python-version 3.11
--only-binary=:all: branchkit`, with no configuration or index of this machine) and `missing`.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import zipfile
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from email.parser import Parser
from pathlib import Path

PYTHONS = ("3.10", "3.11", "3.12")
PLATFORM = "win_amd64"
INSTALLER = "安装.cmd"
PROJECT = Path(__file__).resolve().parents[1]  # the repository (setup.cfg)


def windows(python: str) -> dict[str, str]:
    """The values of the environment markers on 64-bit Windows with CPython `python`."""
    return {
        "os_name": "nt",
        "sys_platform": "win32",
        "platform_system": "Windows",
        "platform_machine": "AMD64",
        "platform_release": "10",
        "platform_version": "10.0.19045",
        "platform_python_implementation": "CPython",
        "implementation_name": "cpython",
        "implementation_version": f"{python}.0",
        "python_version": python,
        "python_full_version": f"{python}.0",
        "extra": "",
    }


@dataclass(frozen=True)
class Wheel:
    path: Path
    name: str  # canonical
    version: str
    requires: tuple[str, ...]

    def fits(self, python: str) -> bool:
        """Installable on 64-bit Windows with CPython `python`."""
        from packaging.tags import compatible_tags, cpython_tags
        from packaging.utils import parse_wheel_filename

        wanted = tuple(int(p) for p in python.split("."))
        supported = {
            *cpython_tags(python_version=wanted, platforms=[PLATFORM]),
            *compatible_tags(
                python_version=wanted,
                interpreter=f"cp{python.replace('.', '')}",
                platforms=[PLATFORM],
            ),
        }
        return bool(set(parse_wheel_filename(self.path.name)[3]) & supported)


def wheels(folder: Path) -> list[Wheel]:
    from packaging.utils import canonicalize_name, parse_wheel_filename

    found = []
    for path in sorted(folder.glob("*.whl")):
        name, version, _, _ = parse_wheel_filename(path.name)
        with zipfile.ZipFile(path) as zf:
            meta = next(n for n in zf.namelist() if n.endswith(".dist-info/METADATA"))
            headers = Parser().parsestr(zf.read(meta).decode("utf-8", errors="replace"))
        found.append(
            Wheel(
                path,
                canonicalize_name(name),
                str(version),
                tuple(headers.get_all("Requires-Dist") or ()),
            )
        )
    return found


def missing(folder: Path, python: str, root: str = "branchkit") -> list[str]:
    """Requirements, from `root` down, that no wheel in `folder` satisfies on 64-bit Windows
    with `python` (the newest fitting version of each name is taken, as pip prefers it)."""
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    from packaging.version import Version

    fitting: dict[str, list[Wheel]] = {}
    for wheel in wheels(folder):
        if wheel.fits(python):
            fitting.setdefault(wheel.name, []).append(wheel)
    pending = [Requirement(root)]
    taken: set[tuple[str, frozenset[str]]] = set()
    problems = []
    while pending:
        requirement = pending.pop()
        name = canonicalize_name(requirement.name)
        candidates = sorted(
            (
                w
                for w in fitting.get(name, [])
                if requirement.specifier.contains(w.version, prereleases=True)
            ),
            key=lambda w: Version(w.version),
        )
        if not candidates:
            problems.append(f"{requirement.name}{requirement.specifier}")
            continue
        extras = frozenset(requirement.extras)
        if (name, extras) in taken:
            continue
        taken.add((name, extras))
        for text in candidates[-1].requires:
            needed = Requirement(text)
            if needed.marker is None or any(
                needed.marker.evaluate({**windows(python), "extra": extra})
                for extra in ("", *sorted(extras))
            ):
                pending.append(needed)
    return sorted(set(problems))


def _pip(args: Sequence[str], isolated: bool = False) -> subprocess.CompletedProcess[str]:
    """pip of this Python; `isolated`: none of this machine's pip configuration (its indexes,
    find-links folders and constraints), so only what the command names counts."""
    env = dict(os.environ)
    if isolated:
        env = {k: v for k, v in env.items() if not k.startswith("PIP_")}
        env["PIP_CONFIG_FILE"] = os.devnull
    return subprocess.run(
        [sys.executable, "-m", "pip", *args, "--disable-pip-version-check"],
        capture_output=True,
        text=True,
        env=env,
    )


def _target(python: str) -> list[str]:
    return [
        "--only-binary=:all:",
        "--platform",
        PLATFORM,
        "--python-version",
        python,
        "--implementation",
        "cp",
    ]


def dry_run(folder: Path, python: str) -> tuple[list[str], str]:
    """pip's resolution of `branchkit` from `folder` alone for 64-bit Windows and `python`: the
    names and versions it would install, or the error it stops with."""
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = _pip(
            [
                "install",
                "--dry-run",
                "--ignore-installed",
                "--no-index",
                "--find-links",
                str(folder),
                *_target(python),
                "--target",
                str(Path(tmp) / "target"),
                "--report",
                str(report),
                "branchkit",
            ],
            isolated=True,
        )
        if done.returncode != 0:
            return [], (done.stderr.strip().splitlines() or ["pip failed"])[-1]
        plan = json.loads(report.read_text(encoding="utf-8"))
    return sorted(
        f"{item['metadata']['name']}=={item['metadata']['version']}" for item in plan["install"]
    ), ""


def installer_script(pythons: Iterable[str] = PYTHONS) -> bytes:
    """安装.cmd: finds a Python of the versions the folder has wheels for (the py launcher
    first, then `python` on PATH), installs branchkit from the folder with no index, and runs
    doctor. UTF-8 with chcp 65001 first, CRLF, no byte-order mark (see launchers.py)."""
    versions = sorted(pythons, reverse=True)
    low, high = versions[-1], versions[0]
    low_t, high_t = (", ".join(v.split(".")) for v in (low, high))
    in_range = f"import sys; sys.exit(not ({low_t}) <= sys.version_info[:2] <= ({high_t}))"
    lines = [
        "@echo off",
        "chcp 65001 >nul",
        "rem branchkit 离线安装：把这个文件夹整个复制到电脑上，双击本文件。不需要联网。",
        "setlocal",
        'cd /d "%~dp0"',
        'set "PY="',
        f"for %%V in ({' '.join(versions)}) do if not defined PY "
        '(py -%%V -c "pass" >nul 2>nul && set "PY=py -%%V")',
        f'if not defined PY (python -c "{in_range}" >nul 2>nul && set "PY=python")',
        "if not defined PY (",
        f"  echo 没有找到 Python {'、'.join(sorted(versions))}：请先安装 python.org 的 Windows 64 位安装包，"
        "再双击本文件。",
        "  pause",
        "  exit /b 1",
        ")",
        "echo 用 %PY% 安装 branchkit（不需要联网）……",
        '%PY% -m pip install --no-index --find-links "%~dp0." --upgrade branchkit',
        "if errorlevel 1 (",
        "  echo 安装没有完成：请把上面的信息发给 IT。",
        "  pause",
        "  exit /b 1",
        ")",
        "%PY% -m branchkit --version",
        "%PY% -m branchkit doctor",
        "echo.",
        "echo 安装完成。在 Excel 里用按钮之前，请对工作簿运行 branchkit doctor。按任意键关闭窗口。",
        "pause >nul",
    ]
    return ("\r\n".join(lines) + "\r\n").encode("utf-8")


def build(folder: Path, source: Path = PROJECT, pythons: Sequence[str] = PYTHONS) -> list[str]:
    """Makes the folder (its old wheels go first) and returns what is still wrong with it:
    empty when it installs completely for every Python in `pythons`."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.whl"):
        old.unlink()
    _check(_pip(["wheel", "--no-deps", "--wheel-dir", str(folder), str(source)]))
    own = next(folder.glob("branchkit-*.whl"))
    for python in pythons:
        _check(_pip(["download", "--dest", str(folder), *_target(python), str(own)]))
        for _ in range(5):  # each round brings the requirements of what the last one brought
            needed = missing(folder, python)
            if not needed:
                break
            for requirement in needed:
                _fetch(folder, requirement, python)
    (folder / INSTALLER).write_bytes(installer_script(pythons))
    return check(folder, pythons)


def _fetch(folder: Path, requirement: str, python: str) -> None:
    """A wheel of `requirement` for the target, from the index; one published as source only
    (win_unicode_console, which pcodedmp asks for on Windows) is built into a wheel here, which
    for pure Python serves every platform (`missing` then checks its tag)."""
    done = _pip(["download", "--dest", str(folder), *_target(python), requirement])
    if done.returncode != 0:
        _check(_pip(["wheel", "--no-deps", "--wheel-dir", str(folder), requirement]))


def check(folder: Path, pythons: Sequence[str] = PYTHONS) -> list[str]:
    problems = []
    for python in pythons:
        planned, error = dry_run(folder, python)
        if error:
            problems.append(f"Python {python}: pip: {error}")
        problems += [f"Python {python}: no wheel for {r}" for r in missing(folder, python)]
        if planned and not error:
            print(f"Python {python} win_amd64: {len(planned)} packages — {' '.join(planned)}")
    return problems


def _check(done: subprocess.CompletedProcess[str]) -> None:
    if done.returncode != 0:
        raise SystemExit(done.stderr.strip() or done.stdout.strip())


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else "build/wheelhouse")
    wrong = build(target)
    for line in wrong:
        print(line, file=sys.stderr)
    size = sum(p.stat().st_size for p in target.glob("*.whl")) / 1e6
    print(f"{target}: {len(list(target.glob('*.whl')))} wheels, {size:.0f} MB, {INSTALLER}")
    sys.exit(1 if wrong else 0)
