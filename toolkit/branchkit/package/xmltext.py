"""Small helpers for editing XML as text.

The writer edits parts by inserting text, never by parsing and re-serialising them, so that what
it does not touch stays byte for byte as the other program wrote it. These helpers find the places
to insert at, whatever prefix the document gives its elements (`<sheets>` or `<x:sheets>`), and
check that a part is plain, well-formed XML before and after the edit.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from html import unescape
from typing import TYPE_CHECKING

from .errors import PackageError

if TYPE_CHECKING:
    from .container import Package

_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


def attrs(tag: str) -> dict[str, str]:
    """The attributes of one start tag, unescaped (double-quoted values, as Office writes)."""
    return {k: unescape(v) for k, v in _ATTR.findall(tag)}


def insert_before_close(xml: str, element: str, text: str) -> str:
    """Insert before </element> (any prefix), expanding a self-closed <element/> if need be."""
    close = re.search(rf"</(\w+:)?{element}>", xml)
    if close:
        return xml[: close.start()] + text + xml[close.start() :]
    empty = re.search(rf"<((?:\w+:)?{element})\b([^>]*)/>", xml)
    if empty:
        return (
            xml[: empty.start()]
            + f"<{empty.group(1)}{empty.group(2)}>{text}</{empty.group(1)}>"
            + xml[empty.end() :]
        )
    raise PackageError(f"找不到 <{element}>")


def check_xml(pkg: Package, parts: Iterable[str], stage: str) -> None:
    """The parts whose text is edited must be plain, well-formed XML: a DTD or entities (XML bombs,
    external entities) or a broken part is refused before anything is written."""
    from xml.etree.ElementTree import ParseError

    from defusedxml import DefusedXmlException
    from defusedxml.ElementTree import fromstring

    for part in parts:
        content = pkg.get(part)
        if content is None:
            continue
        try:
            fromstring(content, forbid_dtd=True)
        except (DefusedXmlException, ParseError) as exc:
            raise PackageError(
                f"工作簿的 {part} {stage}不是有效的 XML（{type(exc).__name__}），未写入"
            ) from exc
