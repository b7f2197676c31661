"""What Python compiles afresh at every start, compiled once and kept between runs.

A button or a command starts Python afresh, and two kinds of compiling are then done again that
Python's own __pycache__ does not keep:

- `dataclasses` writes every record's `__init__`, `__repr__`, `__eq__`, `__hash__` (and a frozen
  record's `__setattr__`, `__delattr__`) as source text and compiles it: about 0.4 ms a class
  before Python 3.13, some 45 ms of a 0.3 s click for the records a refresh loads — more than
  reading the sample month with calamine. Kept: the text `dataclasses` hands to `exec`, and its
  code object.
- `re` parses and compiles every regular expression a module defines (branchkit's, XlsxWriter's,
  click's, the standard library's): over 300 for a refresh, some 20 ms. Kept: the pattern with
  its flags, and the program `re` makes of it (a list of integers, with its groups), handed to
  the same `_sre.compile` the `re` module calls last, which checks the program before using it.
  Only patterns written in the program are kept — the text is a constant of the code compiling
  it — so a pattern made from a workbook's text (a customer's name, to mask it) never reaches
  the disk.

Each kind is one marshal file of the user cache (`usercache`) per Python build and per command,
behind a digest of its data: a refresh loads the few hundred records a refresh compiles, not
the thousand every command ever did (loading costs about 10 ms a thousand). The same text
compiled gives the same result, so a kept entry changes nothing but the time; an entry that is
missing, from another Python, unreadable, failing the digest or turned down by `_sre` only
means compiling as before.
"""

from __future__ import annotations

import atexit
import builtins
import gc
import importlib.util
import marshal
import os
import re
import sys
import types
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .digests import blake2b

# Every command's records together make a few hundred entries; past this many (upgrades change
# records), a run keeps only what it used. Loading costs about 10 ms a thousand entries.
MAX_ENTRIES = 1500
MAGIC = b"branchkit-code-1\n"  # then a digest of the marshal data, then the data
_BODY = len(MAGIC) + 16


@dataclass
class Kept:
    """One kind of compiled result kept in one file: what was read, what this run used, and
    whether anything was compiled afresh (then the file is written again at exit)."""

    stem: str
    valid: Callable[[object, object], bool]  # an entry read from the file is of the right shape
    entries: dict[Hashable, Any] = field(default_factory=dict)
    used: set[Hashable] = field(default_factory=set)
    new: bool = False

    def get(self, key: Hashable) -> Any:
        self.used.add(key)
        return self.entries.get(key)

    def put(self, key: Hashable, value: Any) -> None:
        self.entries[key] = value
        self.used.add(key)
        self.new = True

    def load(self, path: Path) -> None:
        collecting = gc.isenabled()
        gc.disable()  # hundreds of objects unmarshalled: nothing for the cycle collector to find
        try:
            self.entries.update(
                (key, value) for key, value in _read(path).items() if self.valid(key, value)
            )
        finally:
            if collecting:
                gc.enable()

    def save(self, path: Path) -> None:
        """At exit, when something was compiled afresh: what is kept, or only this process's
        when the file has grown past MAX_ENTRIES (records changed by upgrades, other libraries'
        records when branchkit is used as a library)."""
        from .usercache import replace_file

        if self.new:
            used = self.used.copy()  # a thread still compiling cannot change it under us
            kept = (
                self.entries
                if len(self.entries) <= MAX_ENTRIES
                else {key: self.entries[key] for key in used if key in self.entries}
            )
            body = marshal.dumps(kept)
            replace_file(path, MAGIC + _digest(body) + body)


def _is_record_code(key: object, value: object) -> bool:
    return isinstance(key, str) and isinstance(value, types.CodeType)


def _is_pattern_program(key: object, value: object) -> bool:
    """((is bytes, pattern, flags), (flags, code, groups, groupindex, indexgroup)), as `re`
    makes them."""
    return (
        isinstance(key, tuple)
        and len(key) == 3
        and type(key[0]) is bool
        and isinstance(key[1], bytes if key[0] else str)
        and type(key[2]) is int
        and isinstance(value, tuple)
        and len(value) == 5
        and type(value[0]) is int
        and isinstance(value[1], list)  # of ints, each checked by _sre.compile itself
        and type(value[2]) is int
        and isinstance(value[3], dict)
        and all(isinstance(k, str) and type(v) is int for k, v in value[3].items())
        and isinstance(value[4], tuple)
        and all(name is None or isinstance(name, str) for name in value[4])
    )


records = Kept("dataclass-code", _is_record_code)
patterns = Kept("regex-programs", _is_pattern_program)


def install() -> None:
    """Routes the `exec` of `dataclasses` and the compiling of `re` through the kept results
    (once per process). With BRANCHKIT_CODE_CACHE=0, or where the user cache folder cannot be
    made, nothing is kept."""
    import dataclasses

    if getattr(dataclasses, "exec", None) is _exec or os.environ.get("BRANCHKIT_CODE_CACHE") == "0":
        return
    found = _folder()
    if found is None:
        return
    tag = f"{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}"
    command = _command()
    record_file = found / f"{records.stem}.{tag}.{command}.marshal"
    records.load(record_file)
    dataclasses.exec = _exec  # type: ignore[attr-defined]  # a module global shadows the builtin
    atexit.register(records.save, record_file)
    compiler = _pattern_compiler()
    if compiler is not None:
        # The program's words are _sre's own: keyed by the exact build and _sre's MAGIC too.
        pattern_file = found / f"{patterns.stem}.{tag}-{_pattern_build()}.{command}.marshal"
        patterns.load(pattern_file)
        global _compile_plain
        _compile_plain = compiler.compile
        compiler.compile = _compile_pattern
        atexit.register(patterns.save, pattern_file)


# The commands of the command line (cli.main; a test keeps the two the same): each keeps its own
# part. Any other process, a button's Python among them, shares one.
COMMANDS = frozenset(
    (
        "add-buttons",
        "build-agenda",
        "doctor",
        "fill",
        "init",
        "rankings",
        "refresh",
        "rollup",
        "validate",
        "weekly",
    )
)


def _command() -> str:
    """The command this process runs (`branchkit --debug refresh …` -> refresh), whose kept
    results it loads, else "other": nothing else of the command line names a file."""
    word = next((arg for arg in sys.argv[1:] if not arg.startswith("-")), "")
    return word if word in COMMANDS else "other"


def _folder() -> Path | None:
    from .usercache import folder

    return folder()


def _exec(source: Any, scope: Any = None, into: Any = None) -> None:
    """`exec` as dataclasses calls it, with the text's kept code when there is some. Compiled
    with no inherited flags, as `exec` in the dataclasses module compiles (it has no __future__)."""
    if isinstance(source, str):
        code = records.get(source)
        if code is None:
            code = compile(source, "<string>", "exec", dont_inherit=True)
            records.put(source, code)
        source = code
    if scope is None:  # exec(text) alone runs in its caller's namespaces, not in this module's
        caller = sys._getframe(1)
        scope, into = caller.f_globals, caller.f_locals if into is None else into
    builtins.exec(source, scope, into)


# ---------------------------------------------------------------- regular expressions

# re's own compile (re._compiler.compile), once install() has put _compile_pattern in its place
_compile_plain: Callable[..., Any] = re.compile
_RE_MODULES = frozenset({"re", "re._compiler", "sre_compile", "functools"})


def _pattern_compiler() -> Any:
    """The module whose `compile` turns a pattern into a Pattern (re._compiler from 3.11,
    sre_compile before), when it is the one this module knows: else nothing is kept."""
    compiler = getattr(re, "_compiler", None) or sys.modules.get("sre_compile")
    needed = ("compile", "_code")
    parser = getattr(compiler, "_parser", None) or sys.modules.get("sre_parse")
    if compiler is None or parser is None or not all(hasattr(compiler, n) for n in needed):
        return None
    return compiler


def _pattern_build() -> str:
    import _sre

    return f"{getattr(_sre, 'MAGIC', 0)}-{sys.hexversion:x}"


def _compile_pattern(pattern: Any, flags: int = 0) -> Any:
    """re's compile, from the kept program when there is one. A pattern is kept only when its
    text is a constant of the code that asked for it (`_written_in_program`)."""
    import _sre

    compile_plain = _compile_plain
    if not isinstance(pattern, (str, bytes)) or type(flags) is not int or flags & re.DEBUG:
        return compile_plain(pattern, flags)
    # Whether it is bytes comes first: b"a" and "a" are never compared (a BytesWarning under -b)
    key = (isinstance(pattern, bytes), pattern, flags)
    program = patterns.entries.get(key)
    if program is not None:
        try:
            compiled = _sre.compile(pattern, *program)
        except Exception:  # turned down by _sre's own check of the program: compile afresh
            patterns.entries.pop(key, None)
        else:
            patterns.used.add(key)
            return compiled
    if not _written_in_program(pattern):
        return compile_plain(pattern, flags)
    program = _program(pattern, flags)
    patterns.put(key, program)
    return _sre.compile(pattern, *program)


def _program(
    pattern: str | bytes, flags: int
) -> tuple[int, list[int], int, dict[str, int], tuple[str | None, ...]]:
    """What `re`'s compile hands to `_sre.compile`, made as it makes it."""
    compiler = _pattern_compiler()
    parser = getattr(compiler, "_parser", None) or sys.modules["sre_parse"]
    parsed = parser.parse(pattern, flags)
    code = [int(word) for word in compiler._code(parsed, flags)]  # named constants are ints
    groupindex = dict(parsed.state.groupdict)
    indexgroup: list[str | None] = [None] * parsed.state.groups
    for name, index in groupindex.items():
        indexgroup[index] = name
    return flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup)


def _written_in_program(pattern: str | bytes) -> bool:
    """The pattern is a constant of the first code outside `re` on the stack: a literal in the
    program, never text read from a workbook."""
    frame = sys._getframe(2)
    while frame is not None and frame.f_globals.get("__name__") in _RE_MODULES:
        frame = frame.f_back  # type: ignore[assignment]
    return frame is not None and any(
        type(constant) is type(pattern) and constant == pattern
        for constant in frame.f_code.co_consts
    )


# ---------------------------------------------------------------- the files


def _read(path: Path) -> dict[object, object]:
    """The kept entries, or nothing: a file that is not whole and ours (a flipped bit can still
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
    return data if isinstance(data, dict) else {}


def _digest(body: bytes) -> bytes:
    return blake2b(body, digest_size=16).digest()
