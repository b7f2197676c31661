"""Legacy drawings (VML: header notes, form buttons) that came in with transplanted sheets.

Excel gives each sheet's legacy drawing its own block of 1024 shape ids (o:idmap). A sheet drawn
in a workbook of its own (the 控制台 of `add-buttons`, the input sheets of `init --upgrade`)
carries block 1, which the branch's own comments and buttons may already use; two drawings
sharing ids make Excel repair the file. So each new drawing moves to a block nobody uses yet.
"""

from __future__ import annotations

import re

from .container import Package

_IDMAP = re.compile(r'(<o:idmap\b[^>]*\bdata=")([\d,\s]*)(")')
_SHAPE_ID = re.compile(r"_x0000_s(\d+)")


def move_new_drawings(pkg: Package, before: set[str]) -> None:
    """Each VML part of `pkg` not among the parts `before` moved to its own free id block."""
    seen = set(before)
    for part in sorted(set(pkg.names()) - before):
        if part.lower().endswith(".vml"):
            pkg.put(part, _renumbered(pkg.text(part), _free_block(pkg, seen)))
            seen.add(part)


def _free_block(pkg: Package, parts: set[str]) -> int:
    """The first shape block no legacy drawing among `parts` uses."""
    used = {0}
    for part in parts:
        if part.lower().endswith(".vml"):
            text = (pkg.get(part) or b"").decode("utf-8", "replace")
            for match in _IDMAP.finditer(text):
                used.update(int(n) for n in re.findall(r"\d+", match.group(2)))
    return max(used) + 1


def _renumbered(vml: str, block: int) -> str:
    old = _IDMAP.search(vml)
    if old is None:
        return vml
    first = int(re.findall(r"\d+", old.group(2))[0])
    shift = (block - first) * 1024
    vml = _IDMAP.sub(lambda m: f"{m.group(1)}{block}{m.group(3)}", vml, count=1)
    return _SHAPE_ID.sub(lambda m: f"_x0000_s{int(m.group(1)) + shift}", vml)
