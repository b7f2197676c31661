"""Part-by-part comparison of two packages, naming the part and the element that differ.

The way XlsxWriter's `assertExcelEqual` reports: a fidelity failure says "xl/worksheets/sheet1.xml:
worksheet/sheetData/row[3]/c[2] attribute s: '1' -> '4'", not only "files differ".
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Container
from xml.etree.ElementTree import Element, ParseError

from defusedxml import ElementTree


def parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _local(tag: str) -> str:
    return re.sub(r"^\{[^}]*\}", "", tag)


def _element_difference(a: Element, b: Element, path: str) -> str | None:
    if a.tag != b.tag:
        return f"{path}: element {_local(a.tag)} -> {_local(b.tag)}"
    for name in sorted(set(a.attrib) | set(b.attrib)):
        if a.attrib.get(name) != b.attrib.get(name):
            return (
                f"{path} attribute {_local(name)}: {a.attrib.get(name)!r} -> {b.attrib.get(name)!r}"
            )
    if (a.text or "") != (b.text or ""):
        return f"{path} text: {(a.text or '')[:40]!r} -> {(b.text or '')[:40]!r}"
    seen: dict[str, int] = {}
    for child_a, child_b in zip(a, b, strict=False):
        name = _local(child_a.tag)
        seen[name] = seen.get(name, 0) + 1
        found = _element_difference(child_a, child_b, f"{path}/{name}[{seen[name]}]")
        if found:
            return found
        if (child_a.tail or "") != (child_b.tail or ""):
            return f"{path}/{name}[{seen[name]}] tail differs"
    if len(a) != len(b):
        extra = b[len(a)] if len(b) > len(a) else a[len(b)]
        verb = "added" if len(b) > len(a) else "removed"
        return f"{path}: child {_local(extra.tag)} {verb} (at {min(len(a), len(b)) + 1})"
    return None


def xml_difference(before: bytes, after: bytes) -> str:
    """Where two versions of one XML part first differ, as an element path."""
    try:
        a, b = ElementTree.fromstring(before), ElementTree.fromstring(after)
    except ParseError as exc:
        return f"not well-formed ({exc})"
    found = _element_difference(a, b, _local(a.tag))
    return found or "same elements, written differently"


def part_differences(before: bytes, after: bytes, may_change: Container[str] = ()) -> list[str]:
    """Every part of `before` that `after` lost or changed (outside `may_change`), each named
    with the first element that differs; empty when every such part is byte-identical."""
    old, new = parts(before), parts(after)
    found = []
    for name, content in old.items():
        if name not in new:
            found.append(f"{name}: part lost")
        elif name not in may_change and new[name] != content:
            where = (
                xml_difference(content, new[name])
                if name.endswith((".xml", ".rels", ".vml"))
                else "bytes differ"
            )
            found.append(f"{name}: {where}")
    return found


_ROW = re.compile(rb"<(?:\w+:)?row\b[^>]*?(?:/>|>.*?</(?:\w+:)?row>)", re.S)
_ROW_NUMBER = re.compile(rb'^<(?:\w+:)?row\b[^>]*?\br="(\d+)"')


def row_elements(sheet_xml: bytes) -> dict[int, bytes]:
    """Each <row> element of a worksheet, as written, by row number."""
    rows = {}
    for match in _ROW.finditer(sheet_xml):
        number = _ROW_NUMBER.match(match.group())
        if number:
            rows[int(number.group(1))] = match.group()
    return rows


def changed_rows(before: bytes, after: bytes) -> list[int]:
    """Rows of a worksheet that are not byte-identical (new rows included), in order."""
    old, new = row_elements(before), row_elements(after)
    lost = [n for n in old if n not in new]
    return sorted({*lost, *(n for n, text in new.items() if old.get(n) != text)})
