"""Text broken into printed lines by branchkit itself, one line per row.

A merged cell does not grow with wrapped text, and Excel, WPS and LibreOffice each wrap at
their own places: a height guessed for one program clips the text in another ("进度正" on one
line, "常" lost) or leaves a blank gap. So the agenda and the other free text are broken here,
at places a reader expects (after "；" "，" "、" or a space, never inside "38.5" or before a
closing "）"), into lines short enough for every program's font, and each line gets a row of
its own.
"""

from __future__ import annotations

import re
import unicodedata

# A line may end after these, and never starts with the closing ones.
_BREAK_AFTER = frozenset("，；、：。！？）》」』”’,;:!? 　·")
_NO_LINE_START = frozenset("，；、：。！？）》」』”’,.;:!?%）)]")
_NO_LINE_END = frozenset("（《「『“‘([")
# Latin words, numbers, dates and amounts stay whole: "2026-11-20", "38.5", "HCZ-0096".
_ATOM = re.compile(r"[A-Za-z0-9][A-Za-z0-9.,:/%+\-*#@_]*|\s+|.", re.S)
_BULLET = "· "
EARLIEST_BREAK = 0.6  # a punctuation break is taken only past this share of the line


def display_width(text: str) -> int:
    """Half-width character cells: a CJK character takes two."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def print_width(text: str) -> float:
    """Width in half-width cells as the text prints in a CJK font, a little wider than
    `display_width`: digits and Latin letters are about 0.55 em there, not 0.5, and "·" is
    drawn wide; a space is narrow."""
    width = 0.0
    for ch in text:
        kind = unicodedata.east_asian_width(ch)
        width += 2 if kind in "WF" else 1.5 if kind == "A" else 0.6 if ch == " " else 1.1
    return width


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
    lines: list[str] = []
    line = ""
    for atom in _ATOM.findall(text):
        if atom in _NO_LINE_START and lines and not line.strip() and len(lines[-1].strip()) > 2:
            # A closing mark right after a break (at a space): the last characters of the line
            # before come down with it, so no line starts with "、" and none grows too wide.
            before = lines[-1]
            cut = len(before) - 1
            while cut > 1 and before[cut] in _NO_LINE_START:
                cut -= 1
            lines[-1] = before[:cut].rstrip()
            line = indent + before[cut:].lstrip()
        if print_width(line + atom) <= width or not line.strip():
            line += atom
            while print_width(line) > width:  # one atom longer than the line: cut it
                head, line = _cut(line, width)
                lines.append(head)
                line = indent + line
            continue
        if atom.isspace():
            lines.append(line.rstrip())
            line = indent
            continue
        head, tail = _split(line, width, atom)
        lines.append(head.rstrip())
        line = indent + tail.lstrip() + atom
        while print_width(line) > width:  # what moved down, with a long word, may not fit
            head, line = _cut(line, width)
            lines.append(head)
            line = indent + line
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return lines


def _split(line: str, width: int, following: str) -> tuple[str, str]:
    """Where to end `line` when `following` does not fit: after the last punctuation or space
    past EARLIEST_BREAK of the line, else right here — unless that would start the next line
    with a closing mark or end this one with an opening mark, when one character moves down."""
    for i in range(len(line) - 1, 0, -1):
        if print_width(line[:i]) < width * EARLIEST_BREAK:
            break
        if line[i - 1] in _BREAK_AFTER and line[i] not in _NO_LINE_START:
            return line[:i], line[i:]
    cut = len(line)
    while cut > 1 and (
        (following[:1] in _NO_LINE_START if cut == len(line) else line[cut] in _NO_LINE_START)
        or line[cut - 1] in _NO_LINE_END
    ):
        cut -= 1
    return line[:cut], line[cut:]


def _cut(text: str, width: float) -> tuple[str, str]:
    """The longest head of `text` within `width` (at least one character)."""
    used = 0.0
    for i, ch in enumerate(text):
        used += print_width(ch)
        if used > width:
            return text[: max(i, 1)], text[max(i, 1) :]
    return text, ""
