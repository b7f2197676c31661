"""The methods `dataclasses` writes for branchkit's records, compiled once and kept between runs.

A button or a command starts Python afresh, and every `@dataclass` then has its `__init__`,
`__repr__`, `__eq__`, `__hash__` (and a frozen record's `__setattr__`, `__delattr__`) written as
source text and compiled: about 0.4 ms a class before Python 3.13, some 45 ms of a 0.3 s click for
the records a refresh loads — more than reading the sample month with calamine. Python keeps
compiled modules in __pycache__ but not these, so this keeps them the same way: the text
`dataclasses` hands to `exec` is the key, its compiled code the value, in one marshal file of the
user cache (`usercache`) per Python build. The same text compiled gives the same code, so a kept
entry changes nothing but the time; an entry that is missing, from another Python or unreadable
only means compiling as before. Only the code `dataclasses` itself generates passes through here.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import importlib.util
import marshal
import os
import sys
import types
from pathlib import Path
from typing import Any

MAX_ENTRIES = 4000  # every record of every command is a few hundred; past this, start afresh

_kept: dict[str, types.CodeType] = {}
_used: set[str] = set()
_new = False


def install() -> None:
    """Routes the `exec` of `dataclasses` through the kept code (once per process). With
    BRANCHKIT_CODE_CACHE=0, or where the user cache folder cannot be made, nothing is kept."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec or os.environ.get("BRANCHKIT_CODE_CACHE") == "0":
        return
    path = _path()
    if path is None:
        return
    collecting = gc.isenabled()
    gc.disable()  # hundreds of code objects unmarshalled: nothing for the cycle collector to find
    try:
        _kept.update(_read(path))
    finally:
        if collecting:
            gc.enable()
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin
    atexit.register(_save, path)


def _path() -> Path | None:
    from .usercache import folder

    found = folder()
    tag = f"{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"
    return found / f"dataclass-code.{tag}.marshal" if found else None


def _exec(source: Any, scope: Any = None, into: Any = None) -> None:
    """`exec` as dataclasses calls it, with the text's kept code when there is some. Compiled
    with no inherited flags, as `exec` in the dataclasses module compiles (it has no __future__)."""
    global _new
    if isinstance(source, str):
        code = _kept.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            _kept[source] = code
            _new = True
        _used.add(source)
        source = code
    builtins.exec(source, scope, into)


def _read(path: Path) -> dict[str, types.CodeType]:
    try:
        data = marshal.loads(path.read_bytes())
    except (OSError, EOFError, ValueError, TypeError):
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        text: code
        for text, code in data.items()
        if isinstance(text, str) and isinstance(code, types.CodeType)
    }


def _save(path: Path) -> None:
    """At exit, when something was compiled afresh: the kept code, or only this process's when
    the file has grown past MAX_ENTRIES."""
    from .usercache import replace_file

    if _new:
        replace_file(path, marshal.dumps(_kept if len(_kept) <= MAX_ENTRIES else _used_code()))


def _used_code() -> dict[str, types.CodeType]:
    return {text: _kept[text] for text in _used}
