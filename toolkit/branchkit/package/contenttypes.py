"""[Content_Types].xml: the content type of each part we add, and none left for parts we drop."""

from __future__ import annotations

import re
from html import escape

from .xmltext import attrs, insert_child

CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
CT_STYLES = "application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"


def set_override(xml: str, part: str, content_type: str | None) -> str:
    """The <Override> of one part replaced by one of this type, or removed (None)."""
    pattern = re.compile(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', re.I)
    xml = pattern.sub("", xml)
    if content_type:
        xml = insert_child(
            xml, "Types", f'<Override PartName="/{escape(part)}" ContentType="{content_type}"/>'
        )
    return xml


def _declared(xml: str, element: str, key: str) -> dict[str, str]:
    found = {}
    for tag in re.findall(rf"<(?:\w+:)?{element}\b[^>]*>", xml):
        a = attrs(tag)
        if key in a and "ContentType" in a:
            found[a[key].lower()] = a["ContentType"]
    return found


def content_type_of(xml: str, part: str) -> str | None:
    """A part's content type by OPC's rule: its <Override>, else the <Default> for its extension."""
    override = _declared(xml, "Override", "PartName").get("/" + part.lower())
    if override:
        return override
    return _declared(xml, "Default", "Extension").get(part.rsplit(".", 1)[-1].lower())


def register(xml: str, part: str, content_type: str | None) -> str:
    """A part registered with its content type: by an <Override>, unless the <Default> for its
    extension already says the same (as for .vml drawings and .png images in Excel's files)."""
    default = _declared(xml, "Default", "Extension").get(part.rsplit(".", 1)[-1].lower())
    return set_override(xml, part, None if default == content_type else content_type)
