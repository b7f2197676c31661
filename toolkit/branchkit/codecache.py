"""The methods `dataclasses` writes for branchkit's records, compiled once and kept between runs.

A button or a command starts Python afresh, and every `@dataclass` then has its `__init__`,
`__repr__`, `__eq__`, `__hash__` (and a frozen record's `__setattr__`, `__delattr__`) written as
source text and compiled: about 0.4 ms a class before Python 3.13, some 45 ms of a 0.3 s click for
the records a refresh loads — more than reading the sample month with calamine. Python keeps
compiled modules in __pycache__ but not these, so this keeps them the same way: the text
`dataclasses` hands to `exec` is the key, its compiled code the value, in one marshal file of the
user cache (`usercache`) per Python build, behind a digest of its data. The same text compiled
gives the same code, so a kept entry changes nothing but the time; an entry that is missing, from
another Python, unreadable or failing the digest only means compiling as before. Only the code
`dataclasses` itself generates passes through here.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import hashlib
import importlib.util
import marshal
import os
import sys
import types
from pathlib import Path
from typing import Any

# Every command's records together make a few hundred entries; past this many (upgrades change
# records), a run keeps only what it used. Loading costs about 10 ms a thousand entries.
MAX_ENTRIES = 1500
MAGIC = b"branchkit-code-1\n"  # then a digest of the marshal data, then the data
_BODY = len(MAGIC) + 16

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
    if scope is None:  # exec(text) alone runs in its caller's namespaces, not in this module's
        caller = sys._getframe(1)
        scope, into = caller.f_globals, caller.f_locals if into is None else into
    builtins.exec(source, scope, into)


def _read(path: Path) -> dict[str, types.CodeType]:
    """The kept code, or nothing: a file that is not whole and ours (a flipped bit can still
    unmarshal, into a code object that crashes or misbehaves) fails its digest and is compiled
    over; unmarshalling anything else can raise more than the documented errors."""
    try:
        content = path.read_bytes()
    except OSError:
        return {}
    head, digest, body = content[: len(MAGIC)], content[len(MAGIC) : _BODY], content[_BODY:]
    if head != MAGIC or digest != _digest(body):
        return {}
    try:
        data = marshal.loads(body)
    except Exception:  # SystemError on a malformed code object, among others
        return {}
    if not isinstance(data, dict):
        return {}
    return {
        text: code
        for text, code in data.items()
        if isinstance(text, str) and isinstance(code, types.CodeType)
    }


def _digest(body: bytes) -> bytes:
    return hashlib.blake2b(body, digest_size=16).digest()


def _save(path: Path) -> None:
    """At exit, when something was compiled afresh: the kept code, or only this process's when
    the file has grown past MAX_ENTRIES (records changed by upgrades, other libraries' records
    when branchkit is used as a library)."""
    from .usercache import replace_file

    if _new:
        used = _used.copy()  # a thread still making records cannot change it under us
        kept = _kept if len(_kept) <= MAX_ENTRIES else {text: _kept[text] for text in used}
        body = marshal.dumps(kept)
        replace_file(path, MAGIC + _digest(body) + body)
