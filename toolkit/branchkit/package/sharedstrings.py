"""sharedStrings.xml: read only. Strings we write go inline in the cell, so this part (which
other sheets index into) never changes."""

from __future__ import annotations

import re
from html import unescape


def shared_string_items(xml: str) -> list[str]:
    """Each <si>'s inner XML, as written (runs and all), by index."""
    return [m.group(1) or "" for m in re.finditer(r"<si>(.*?)</si>|<si/>", xml, re.S)]


_TEXT = re.compile(r"<(\w+:)?t\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?t>)", re.S)
_PHONETIC = re.compile(r"<(\w+:)?rPh\b.*?</(?:\w+:)?rPh>", re.S)


def item_text(inner: str) -> str:
    """The plain text of a string item (<si> or <is>): its <t> runs, phonetic guides left out."""
    if inner.startswith("<t>") and inner.endswith("</t>") and inner.count("<") == 2:
        return unescape(inner[3:-4])  # the usual single run, without a regex
    return "".join(unescape(m.group(2) or "") for m in _TEXT.finditer(_PHONETIC.sub("", inner)))


def shared_string_texts(xml: str) -> list[str]:
    """Each shared string's plain text, by index, whatever prefix the part uses."""
    items = re.finditer(r"<(\w+:)?si\b[^>]*?(?:/>|>(.*?)</(?:\w+:)?si>)", xml, re.S)
    return [item_text(m.group(2) or "") for m in items]
