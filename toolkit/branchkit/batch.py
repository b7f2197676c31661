"""How a job runs: the one setting shared by the CLI and the Excel buttons; and how the
command-line process ends."""

from __future__ import annotations

import atexit
import contextlib
import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import NoReturn


@contextmanager
def batch_mode() -> Iterator[None]:
    """Pauses Python's cyclic garbage collector for one job.

    A refresh makes millions of small objects (cells, tuples, rows) and keeps nearly all of them
    to the end. The collector would walk them again and again as they pile up — about half a
    second at a parent branch's size — and none of them form cycles that only it could free."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def end_process(code: object) -> NoReturn:
    """Ends the command-line process with `code` (a SystemExit's: None, a number, or a message
    for stderr) once its exit handlers have run and its output is flushed — without Python's
    teardown of every module and object, which has nothing left to do for the user and takes
    about 20 ms of a 0.25 s click.

    Everything branchkit writes is closed before a command returns (files through `with`, saves
    renamed into place), so no buffer waits for the teardown. A thread still working (not a
    daemon) gets the usual exit instead, which waits for it first."""
    status = _exit_status(code)
    threading = sys.modules.get("threading")
    if (
        threading is not None
        and any(
            thread.is_alive() and not thread.daemon and thread is not threading.main_thread()
            for thread in threading.enumerate()
        )
    ) or _watched():
        sys.exit(status)
    atexit._run_exitfuncs()  # what Python runs at exit: the kept code, temporary folders
    for stream in (sys.stdout, sys.stderr):
        try:
            if stream is not None:
                stream.flush()
        except (BrokenPipeError, ValueError):  # a reader gone (| head), a stream closed
            pass
        except OSError:  # a full disk: Python's own exit says 120
            status = 120
    os._exit(status)


def _watched() -> bool:
    """Python asked to stay or to report after the program: `python -i`, a profiler or a
    tracer (cProfile, trace, pdb), which need the usual exit."""
    return bool(sys.flags.inspect) or sys.gettrace() is not None or sys.getprofile() is not None


def _exit_status(code: object) -> int:
    """The status Python gives SystemExit(code): None is 0, a number itself, anything else is
    printed to stderr and is 1."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    with contextlib.suppress(Exception):
        print(code, file=sys.stderr)
    return 1
