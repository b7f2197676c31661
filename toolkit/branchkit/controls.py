"""Control characters typed into cells: shown, never acted on.

A cell can hold ESC (Excel stores it as _x001B_, the reader decodes it), BEL, NUL, C1 controls and
the bidirectional overrides that make text read in another order than typed (U+202E). A terminal,
a text file or a browser would act on them: `cat 夕会.txt` would run an escape sequence. Every
text read from a workbook passes `visible` (parse.clean_text, and the problems that quote a cell),
so no output carries them raw.
"""

from __future__ import annotations

import re

# Characters typed into a cell that a terminal, a text file or a browser would act on instead of
# showing: C0 controls but tab and line feed (ESC starts escape sequences, BEL rings, NUL cuts
# text), DEL, C1 controls (0x9B is ESC [ to some terminals), and the bidirectional marks and
# overrides that make text read in another order than typed (U+202E).
_UNSAFE = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")
_BIDI = frozenset("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")
# What ends a line or a cell: everything str.splitlines breaks at, and the tab.
BREAKS = re.compile("[\r\n\t\v\f\x1c-\x1e\x85\u2028\u2029]+")


def _shown(match: re.Match[str]) -> str:
    ch = match.group()
    if ch in _BIDI:
        return ""
    code = ord(ch)
    if code < 0x20:
        return chr(0x2400 + code)  # the control's own picture: ␛ ␇ ␀
    return "\u2421" if code == 0x7F else "\ufffd"


def has_controls(text: str) -> bool:
    """Whether `visible` would change `text` (one regular-expression pass)."""
    return _UNSAFE.search(text) is not None


def visible(text: str) -> str:
    """`text` with nothing a screen would act on: control characters shown as their pictures
    (ESC as ␛, BEL as ␇, NUL as ␀), bidirectional overrides and marks removed. Tabs and line
    breaks stay (a Windows line break becomes one line break). The one rule for text a person
    typed into a cell, wherever it is shown: terminal, agendas, mail, --json."""
    if not _UNSAFE.search(text):
        return text
    return _UNSAFE.sub(_shown, text.replace("\r\n", "\n"))


def one_line(text: str) -> str:
    """`visible` on one line: line breaks and tabs become one space (a mail header, a file name)."""
    return BREAKS.sub(" ", visible(text)).strip()
