"""How the `branchkit` program ends (batch.end_process): without Python's teardown, but with
everything a normal exit gives — its status, its whole output, its exit handlers, and a thread
still working waited for."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from branchkit.batch import _exit_status
from branchkit.cli import main
from click.testing import CliRunner

SAMPLES = Path(__file__).parent.parent / "samples"


def _program(
    *args: str, before: str = "", cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """`python -m branchkit ARGS` as a launcher starts it, after `before` (Python run first in
    the same process, to register an exit handler or start a thread)."""
    code = f"{before}\nimport runpy, sys\nsys.argv = ['branchkit', *{list(args)!r}]\n"
    code += "runpy.run_module('branchkit', run_name='__main__')\n"
    return subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=cwd, check=False
    )


def test_the_program_exits_with_the_commands_status_and_its_whole_output() -> None:
    """The messy sample has errors (exit 1) and prints a long table: all of it, as the same
    command run in the test process prints it."""
    book = str(SAMPLES / "messy-branch.xlsx")
    ended = _program("validate", book, "--date", "2026-11-20")
    within = CliRunner().invoke(main, ["validate", book, "--date", "2026-11-20"])
    assert (ended.returncode, within.exit_code) == (1, 1)
    assert ended.stdout == within.stdout and ended.stdout.count("\n") > 10


def test_a_refusal_keeps_its_status_and_its_line(tmp_path: Path) -> None:
    ended = _program("refresh", str(tmp_path / "没有这个.xlsx"), "--date", "2026-11-20")
    assert ended.returncode == 2
    assert "没有这个.xlsx" in ended.stderr and "Traceback" not in ended.stderr


def test_exit_handlers_run_before_the_process_ends(tmp_path: Path) -> None:
    flag = tmp_path / "ran"
    before = (
        f"import atexit, pathlib\natexit.register(pathlib.Path({str(flag)!r}).write_text, 'ran')"
    )
    ended = _program("--version", before=before)
    assert ended.returncode == 0 and "branchkit" in ended.stdout
    assert flag.read_text() == "ran"


def test_a_thread_still_working_is_waited_for(tmp_path: Path) -> None:
    flag = tmp_path / "done"
    before = (
        "import pathlib, threading, time\n"
        "def work():\n"
        "    time.sleep(0.5)\n"
        f"    pathlib.Path({str(flag)!r}).write_text('done')\n"
        "threading.Thread(target=work).start()"
    )
    ended = _program("--version", before=before)
    assert ended.returncode == 0
    assert flag.read_text() == "done"


@pytest.mark.parametrize(("code", "status"), [(None, 0), (0, 0), (2, 2), (3, 3), ("说明", 1)])
def test_a_system_exit_gives_the_status_python_would(
    code: object, status: int, capsys: pytest.CaptureFixture[str]
) -> None:
    assert _exit_status(code) == status
    assert capsys.readouterr().err == ("说明\n" if isinstance(code, str) else "")


def test_a_profiler_gets_the_usual_exit_and_writes_its_profile(tmp_path: Path) -> None:
    """cProfile (like trace, pdb and python -i) needs Python's own exit to report."""
    profile = tmp_path / "refresh.prof"
    ended = subprocess.run(
        [sys.executable, "-m", "cProfile", "-o", str(profile), "-m", "branchkit", "--version"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert ended.returncode == 0, ended.stderr
    assert profile.stat().st_size > 0


def test_importing_the_program_runs_nothing() -> None:
    """pydoc or a doctest sweep imports branchkit.__main__: it must not end their process."""
    code = "import branchkit.__main__\nprint('still here')"
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ended.returncode == 0 and ended.stdout.strip() == "still here", ended.stderr


def test_main_called_from_python_returns_as_click_does() -> None:
    """A script calling `main` keeps its process: SystemExit comes back to it."""
    code = (
        "from branchkit.cli import main\n"
        "try:\n    main(['--version'])\nexcept SystemExit as exc:\n    print('back', exc.code)"
    )
    ended = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert ended.stdout.strip().splitlines()[-1] == "back 0", ended.stderr
