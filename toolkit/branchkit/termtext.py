"""Text for a terminal, Chinese and English mixed: lines measured in columns, not characters.

A CJK character takes two columns, so text wrapped by character count (as click and textwrap do)
runs up to twice as long as the window. Here a line breaks between any two Chinese characters or
at a space, and punctuation stays with the word it belongs to (a line never starts with "，" nor
ends with "（").
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence

__all__ = ["aligned", "clip", "display_width", "paragraphs", "wrap", "wrap_paragraphs"]


def display_width(text: str) -> int:
    """Half-width character cells: a CJK character takes two (a terminal's columns, and the unit
    the printed lines of render/ are measured in)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


# A line never starts with closing punctuation nor ends with opening punctuation (禁则).
_CLOSING = set("，。、；：？！）》」』】〕〉”’…—%,.;:!?)]}")
_OPENING = set("（《「『【〔〈“‘([{")


def _tokens(text: str) -> list[tuple[str, bool]]:
    """Unbreakable pieces of a paragraph, each with whether a space came before it: a run of
    narrow characters is one piece, a wide character is a piece of its own (Chinese breaks
    between any two characters), and punctuation sticks to the neighbour it belongs to."""
    pieces: list[tuple[str, bool]] = []
    spaced = False
    run = ""
    for ch in text:
        if ch.isspace():
            if run:
                pieces.append((run, spaced))
                run = ""
            spaced = True
        elif unicodedata.east_asian_width(ch) in "WF" or ch in _CLOSING or ch in _OPENING:
            if run:
                pieces.append((run, spaced))
                run, spaced = "", False
            pieces.append((ch, spaced))
            spaced = False
        else:
            run += ch
    if run:
        pieces.append((run, spaced))
    glued: list[tuple[str, bool]] = []
    for piece, space in pieces:
        if glued and not space and (piece[0] in _CLOSING or glued[-1][0][-1] in _OPENING):
            glued[-1] = (glued[-1][0] + piece, glued[-1][1])
        else:
            glued.append((piece, space))
    return glued


def _cut(piece: str, width: int) -> Iterator[str]:
    """A piece wider than a whole line (a long path, say), cut into line-sized parts."""
    part = ""
    for ch in piece:
        if part and display_width(part + ch) > width:
            yield part
            part = ""
        part += ch
    if part:
        yield part


def wrap(text: str, width: int, first_indent: str = "", later_indent: str = "") -> list[str]:
    """One paragraph filled to `width` terminal columns, Chinese and English mixed."""
    lines: list[str] = []
    line, used, empty = first_indent, display_width(first_indent), True
    for piece, space in _tokens(text):
        sep = " " if space and not empty else ""
        size = display_width(piece)
        if not empty and used + len(sep) + size > width:
            lines.append(line)
            line, used, empty, sep = later_indent, display_width(later_indent), True, ""
        room = max(width - used, 1)
        for part in _cut(piece, room) if empty and size > room else [piece]:
            if not empty and used + display_width(part) > width:
                lines.append(line)
                line, used = later_indent, display_width(later_indent)
            line += sep + part
            used += len(sep) + display_width(part)
            sep, empty = "", False
    if not empty or not lines:
        lines.append(line)
    return lines


def paragraphs(text: str) -> Iterator[tuple[str, bool]]:
    """Paragraphs split on blank lines, each with whether it is kept as written (click's \\b)."""
    for block in re.split(r"\n\s*\n", text.strip("\n")):
        if block.startswith("\b"):
            yield block[1:].strip("\n"), True
            continue
        lines = [line.strip() for line in block.splitlines() if line.strip()]
        joined = ""
        for line in lines:
            wide_seam = joined and display_width(joined[-1]) == 2 and display_width(line[0]) == 2
            joined += line if not joined or wide_seam else " " + line
        yield joined, False


def wrap_paragraphs(text: str, width: int, indent: str = "") -> list[str]:
    out: list[str] = []
    for paragraph, verbatim in paragraphs(text):
        if out:
            out.append("")
        if verbatim:
            out.extend(indent + line for line in paragraph.splitlines())
        else:
            out.extend(wrap(paragraph, width, indent, indent))
    return out


def clip(text: str, width: int) -> str:
    """`text` cut to `width` columns, ending in "…" when something was cut."""
    if display_width(text) <= width:
        return text
    return next(_cut(text, width - 1)) + "…"


def aligned(rows: Sequence[Sequence[str]], right: frozenset[int] = frozenset()) -> list[str]:
    """Rows as lines whose columns line up on a terminal: each column padded to its widest cell
    in columns (a Chinese name takes two per character), the columns in `right` aligned right
    (ranks, percentages), two spaces between columns; a last column aligned left is left as it
    is (free text)."""
    if not rows:
        return []
    count = len(rows[0])
    sizes = [max(display_width(r[i]) for r in rows) for i in range(count)]

    def padded(cell: str, i: int) -> str:
        room = " " * max(0, sizes[i] - display_width(cell))
        if i in right:
            return room + cell
        return cell if i == count - 1 else cell + room

    return ["  ".join(padded(cell, i) for i, cell in enumerate(r)).rstrip() for r in rows]
