"""Text broken into printed lines by branchkit itself, one line per row.

A merged cell does not grow with wrapped text, and Excel, WPS and LibreOffice each wrap at
their own places: a height guessed for one program clips the text in another ("进度正" on one
line, "常" lost) or leaves a blank gap. So the agenda and the other free text are broken here,
at places a reader expects (after "；" "，" "、" or a space, never inside "38.5" or before a
closing "）"), into lines short enough for every program's font, and each line gets a row of
its own.
"""

from __future__ import annotations

import math
import re
import unicodedata
from functools import lru_cache

from ..termtext import display_width as display_width

# A line may end after these, and never starts with the closing ones.
_BREAK_AFTER = frozenset("，；、：。！？）》」』”’,;:!? 　·")
_NO_LINE_START = frozenset("，；、：。！？）》」』”’,.;:!?%）)]")
_NO_LINE_END = frozenset("（《「『“‘([")
# Latin words, numbers, dates and amounts stay whole: "2026-11-20", "38.5", "HCZ-0096".
_ATOM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-*#@_]*|\s+|.", re.S)
_BULLET = "· "
EARLIEST_BREAK = 0.6  # a punctuation break is taken only past this share of the line


def print_width(text: str) -> float:
    """Width in half-width cells as the text prints in a CJK font, a little wider than
    `display_width`: digits and Latin letters are about 0.55 em there, not 0.5, and "·" is
    drawn wide; a space is narrow."""
    width = 0.0
    known = _CHAR_WIDTHS
    for ch in text:
        step = known.get(ch)
        if step is None:
            step = known[ch] = _char_width(ch)
        width += step
    return round(width, 6)  # 22 + 2 is 24, not 24.000000000000004, against a width of 24


_CHAR_WIDTHS: dict[str, float] = {}  # each character's width, looked up once per process


@lru_cache(maxsize=4096)
def _atom_width(atom: str) -> float:
    """print_width of one atom (a character, a word, a number): the same few recur throughout."""
    return print_width(atom)


BOLD = 1.05  # bold type is about this much wider


def wrapped_lines(text: str, width_px: float, size: float, bold: bool = False) -> int:
    """Lines `text` wraps to in a cell `width_px` wide, in type of `size` points, as the narrow
    font lays it out; a line break in the text starts a line."""
    per_unit = size / 2 * 4 / 3 * (BOLD if bold else 1.0)  # a half-width character, pixels
    return sum(
        max(1, math.ceil(print_width(part) * per_unit / (width_px - 6)))
        for part in text.split("\n")
    )


def _char_width(ch: str) -> float:
    kind = unicodedata.east_asian_width(ch)
    return 2.0 if kind in "WF" else 1.5 if kind == "A" else 0.6 if ch == " " else 1.1


def break_lines(text: str, width: int) -> list[str]:
    """`text` as lines of at most `width` half-width cells (a word longer than a line is cut).

    A bulleted line ("· 李四…") continues with a hanging indent, so the bullet stays alone on
    the left; a line break in the text starts a new line."""
    lines: list[str] = []
    for paragraph in text.split("\n"):
        indent = "  " if paragraph.startswith(_BULLET) else ""
        lines.extend(_break_paragraph(paragraph, max(width, 4), indent))
    return lines


def _break_paragraph(text: str, width: int, indent: str) -> list[str]:
    """Greedy over atoms (a word, a number, a space, one character): a line ends where the next
    atom would not fit — after the last punctuation or space past EARLIEST_BREAK if there is one —
    and whole atoms move down until the next line starts with no closing mark and the line before
    ends with no opening mark. Only an atom wider than a whole line is cut."""
    done: list[list[str]] = []  # finished lines, as atoms
    line: list[str] = []
    lead = 0  # atoms at the start of `line` that are only the hanging indent

    def start(atoms: list[str]) -> None:
        nonlocal line, lead
        while atoms and atoms[0].isspace():
            atoms.pop(0)
        line = ([indent] if indent else []) + atoms
        lead = 1 if indent else 0

    def width_of(atoms: list[str]) -> float:
        return print_width("".join(atoms))

    measured: tuple[list[str], int, float] = ([], 0, 0.0)  # a line, its length and width then

    def line_width() -> float:
        """width_of(line), measuring only the atoms added since it was last measured: each atom
        was measured against the whole line before it, which made a long paragraph quadratic."""
        nonlocal measured
        seen, length, width = measured
        if seen is line and length == len(line):
            return width
        if seen is not line or length > len(line):
            length, width = 0, 0.0
        width = round(width + sum(map(_atom_width, line[length:])), 6)
        measured = (line, len(line), width)
        return width

    def hangs(atoms: list[str]) -> bool:
        """Only one closing mark (and spaces after it) reaches past the width: it hangs
        (悬挂标点). Two (、、 or ）。) would stand out of the column by a whole character."""
        end = len(atoms)
        while end > lead and atoms[end - 1].isspace():
            end -= 1
        if end > lead and atoms[end - 1] in _NO_LINE_START:
            end -= 1
        return end < len(atoms) and width_of(atoms[:end]) <= width

    def settle(head: list[str], moved: list[str]) -> list[str]:
        """Move whole atoms from the end of `head` to `moved` until neither breaks a rule."""
        floor = 1 if head[:1] == [indent] and indent else 0
        while len(head) > floor + 1 and (
            "".join(moved).lstrip()[:1] in _NO_LINE_START
            or "".join(head).rstrip()[-1:] in _NO_LINE_END
        ):
            moved.insert(0, head.pop())
        return moved

    for atom in _ATOM.findall(text):
        if len(line) <= lead and atom in _NO_LINE_START and done:
            # A closing mark right after a break: the atoms before it come down with it.
            moved = settle(done[-1], [atom])
            start(moved)
            continue
        if round(line_width() + _atom_width(atom), 6) <= width or len(line) <= lead:
            line.append(atom)
            while line_width() > width:  # one atom longer than the line: cut it
                piece, rest = _cut("".join(line), width)
                done.append([piece])
                start([rest])
            continue
        if atom.isspace():  # a break at a space: the space goes
            done.append(line)
            start([])
            continue
        cut = _break_at(line, lead, width)
        head = line[:cut]
        moved = settle(head, [*line[cut:], atom])
        if "".join(moved).lstrip()[:1] in _NO_LINE_START:
            # One word fills the line and nothing can come down with the marks: they hang at the
            # end, as Chinese typesetting lets punctuation do (悬挂标点).
            while moved and (moved[0].isspace() or moved[0] in _NO_LINE_START):
                head.append(moved.pop(0))
            if not moved:
                line = head
                while line_width() > width and not hangs(line):  # more than one mark: cut
                    piece, rest = _cut("".join(line), width)
                    done.append([piece])
                    start([rest])
                continue
        if "".join(head).strip():  # a line of nothing but the space before a word is no line
            done.append(head)
        start(moved)
        while line_width() > width and len(line) > lead + 1 and not hangs(line):
            # what moved down, with the new atom, may still not fit: break before its last atom
            done.append(line[:-1])
            start([line[-1]])
        while line_width() > width and not hangs(line):
            piece, rest = _cut("".join(line), width)
            done.append([piece])
            start([rest])
    lines = ["".join(atoms).rstrip() for atoms in done]
    if "".join(line).strip() or not lines:
        lines.append("".join(line).rstrip())
    return lines


def _break_at(line: list[str], lead: int, width: int) -> int:
    """Where to end `line` (an atom index): after the last punctuation or space past
    EARLIEST_BREAK of the width, else at its end."""
    used = 0.0
    positions = []
    for i, atom in enumerate(line):
        used += print_width(atom)
        if i >= lead and used >= width * EARLIEST_BREAK and atom[-1:] in _BREAK_AFTER:
            positions.append(i + 1)
    return positions[-1] if positions else len(line)


def _cut(text: str, width: float) -> tuple[str, str]:
    """The longest head of `text` within `width` (at least one character) that leaves no
    closing mark to start the next line ("…2038" and ".5万元" is cut "…203" and "8.5万元")."""
    used = 0.0
    for i, ch in enumerate(text):
        used += print_width(ch)
        if used > width:
            at = max(i, 1)
            while at > 1 and text[at] in _NO_LINE_START:
                at -= 1
            return text[:at], text[at:]
    return text, ""
