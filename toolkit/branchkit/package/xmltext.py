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


def prefixed(fragment: str, prefix: str) -> str:
    """An unprefixed fragment with every element put under `prefix` ('x:'); prefixed ones stay."""
    if not prefix:
        return fragment
    return re.sub(r"<(/?)(?!\w+:)(\w+)", rf"<\1{prefix}\2", fragment)


def insert_child(xml: str, element: str, fragment: str) -> str:
    """Insert a fragment as the last child of <element>, its elements written with the prefix
    the document gives <element> (a .NET export's <x:sheets> gets an <x:sheet>)."""
    found = re.search(rf"</(\w+:)?{element}>", xml) or re.search(
        rf"<(\w+:)?{element}\b[^>]*/>", xml
    )
    prefix = (found.group(1) or "") if found else ""
    return insert_before_close(xml, element, prefixed(fragment, prefix))


def check_xml(pkg: Package, parts: Iterable[str], stage: str) -> None:
    """The parts whose text is edited must be plain, well-formed XML with every prefix declared:
    a DTD or entities (XML bombs, external entities) or a broken part is refused before anything
    is written, and anything we broke is caught before it is saved."""
    for part in parts:
        content = pkg.get(part)
        if content is None:
            continue
        problem = xml_problem(content)
        if problem:
            raise PackageError(f"工作簿的 {part} {stage}不是有效的 XML（{problem}），未写入")


def xml_problem(content: bytes) -> str | None:
    """Why a part is not plain, namespace-well-formed XML (None when it is). Expat without a
    tree: a large sheet is checked in a fraction of the time building its elements would take."""
    import pyexpat

    from defusedxml import DTDForbidden, EntitiesForbidden

    def doctype(name: str, system_id: str | None, public_id: str | None, _: int) -> None:
        raise DTDForbidden(name, system_id, public_id)

    def entity(
        name: str,
        _p: int,
        _v: str | None,
        _b: str | None,
        system_id: str | None,
        public_id: str | None,
        _n: str | None,
    ) -> None:
        raise EntitiesForbidden(name, None, None, system_id, public_id, None)

    parser = pyexpat.ParserCreate(namespace_separator=" ")
    parser.StartDoctypeDeclHandler = doctype
    parser.EntityDeclHandler = entity
    try:
        parser.Parse(content, True)
    except pyexpat.ExpatError as exc:
        return f"第 {exc.lineno} 行的写法不对"
    except DTDForbidden:
        return "含有 DTD 声明，可能是 XML 炸弹或外部实体"
    except EntitiesForbidden:
        return "含有实体声明，可能是 XML 炸弹或外部实体"
    return None
