"""What a user is told when branchkit refuses: one Chinese line, exit code 2, no traceback.

Shared by the tests of hostile files, hostile writes and awkward places to write."""

from __future__ import annotations

from pathlib import Path

from branchkit.cli import main
from click.testing import CliRunner, Result


def run(*args: str | Path) -> Result:
    """The real command line, as a user types it."""
    return CliRunner().invoke(main, [str(a) for a in args])


def one_line_exit_2(result: Result, *words: str) -> str:
    """The refusal's one line (exit 2, no traceback, not an internal error), holding `words`."""
    assert result.exit_code == 2, result.output
    line = result.output.strip()
    assert "\n" not in line and "Traceback" not in line and "内部错误" not in line, line
    for word in words:
        assert word in line, line
    return line
