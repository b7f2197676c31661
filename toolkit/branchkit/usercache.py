"""Work that depends on nothing in the workbook, kept between runs in a per-user cache folder.

A button starts Python afresh on every click, so whatever a click recomputes from the same
inputs each time is the user's wait: Jinja2 compiling the agenda's templates, pypinyin loading
its dictionaries (about 0.2 s) to make a branch name's initials, and (`codecache`) Python
compiling the methods of branchkit's records and the patterns written in its code. All are kept
here, as Python keeps compiled modules, each entry under what it was computed from. The only
thing from a workbook kept here is a branch's name (to find its initials again); never a
customer, a phone or a figure. A folder that cannot be made or written only means computing again.

The folder: %LOCALAPPDATA%\\branchkit\\Cache on Windows, ~/Library/Caches/branchkit on macOS,
$XDG_CACHE_HOME/branchkit (else ~/.cache/branchkit) elsewhere; BRANCHKIT_CACHE_DIR overrides it.
"""

from __future__ import annotations

import contextlib
import os
import sys
from collections.abc import Callable
from pathlib import Path

MAX_ENTRIES = 64  # per kind: a machine serves a few branches, not thousands


def folder(*parts: str) -> Path | None:
    """The cache folder (or a folder inside it), made if need be; None when it cannot be."""
    base = _base()
    if base is None:
        return None
    path = base.joinpath(*parts)
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return path if path.is_dir() else None


def _base() -> Path | None:
    chosen = os.environ.get("BRANCHKIT_CACHE_DIR")
    if chosen:
        return Path(chosen)
    if sys.platform == "win32":
        local = os.environ.get("LOCALAPPDATA")
        return Path(local) / "branchkit" / "Cache" if local else None
    try:
        home = Path.home()
    except (KeyError, RuntimeError):  # no home directory for this user
        return None
    if sys.platform == "darwin":
        return home / "Library" / "Caches" / "branchkit"
    xdg = os.environ.get("XDG_CACHE_HOME")
    # A relative XDG_CACHE_HOME is to be ignored (XDG base directory spec): it would put the
    # cache, compiled code included, in whatever folder branchkit happens to run in.
    return (Path(xdg) if xdg and os.path.isabs(xdg) else home / ".cache") / "branchkit"


def remembered(kind: str, made_by: str, key: str, compute: Callable[[], str]) -> str:
    """compute() for `key`, kept in the `kind` file under `made_by` (what the value depends on
    besides the key, e.g. a library's version): a different `made_by` starts the file afresh."""
    found = folder()
    path = found / f"{kind}.json" if found else None
    stored = _read(path, made_by) if path else {}
    value = stored.get(key)
    if isinstance(value, str):
        return value
    value = compute()
    if path is not None:
        kept = dict(list(stored.items())[-(MAX_ENTRIES - 1) :])  # the newest, and this one
        _write(path, {"made_by": made_by, "values": {**kept, key: value}})
    return value


def _read(path: Path, made_by: str) -> dict[str, object]:
    import json  # not at import: codecache, which every click starts, uses only replace_file

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    if not isinstance(data, dict) or data.get("made_by") != made_by:
        return {}
    values = data.get("values")
    return values if isinstance(values, dict) else {}


def _write(path: Path, data: dict[str, object]) -> None:
    import json

    replace_file(path, json.dumps(data, ensure_ascii=False).encode("utf-8"))


def replace_file(path: Path, content: bytes) -> None:
    """A cache file written whole or not at all (a temporary file renamed over the old one),
    errors ignored: two processes ending together each leave a complete file, and either is
    right."""
    # mkstemp's way, without the tempfile module (random, shutil: a few ms of every click)
    temp = path.with_name(f"{path.stem}.{os.getpid()}-{os.urandom(6).hex()}.tmp")
    try:
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o600)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
        os.replace(temp, path)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)
