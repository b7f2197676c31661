"""Workbooks as other programs write them, made from an ordinary one (issue 12, 'Workbooks
written by other programs'). Each generator takes a workbook's bytes and returns the odd variant,
so tests need no committed files.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT = {
    MAIN: "http://purl.oclc.org/ooxml/spreadsheetml/main",
    REL: "http://purl.oclc.org/ooxml/officeDocument/relationships",
    "http://schemas.openxmlformats.org/drawingml/2006/main": (
        "http://purl.oclc.org/ooxml/drawingml/main"
    ),
}


def _rewrite(data: bytes, edit: Callable[[str, bytes], bytes | None]) -> bytes:
    """A copy of the zip with each entry passed through `edit` (None drops it)."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            content = edit(info.filename, src.read(info))
            if content is not None:
                dst.writestr(info.filename, content)
    return out.getvalue()


def dotnet_prefixed(data: bytes) -> bytes:
    """As the .NET OpenXML SDK writes: SpreadsheetML under an `x:` prefix, no default namespace
    (<x:workbook>, <x:sheets>, <x:sheetData>...)."""

    def edit(name: str, content: bytes) -> bytes:
        text = content.decode("utf-8")
        if f'xmlns="{MAIN}"' not in text:
            return content
        text = text.replace(f'xmlns="{MAIN}"', f'xmlns:x="{MAIN}"', 1)
        return re.sub(r"<(/?)(?![\w.-]+:)([\w.-]+)(?=[\s/>])", r"<\1x:\2", text).encode("utf-8")

    return _rewrite(data, edit)


def inner_relationship_prefix(data: bytes) -> bytes:
    """As openpyxl and some exporters write: the relationships prefix declared on each <sheet>
    (here under another name), not on the root of workbook.xml."""

    def edit(name: str, content: bytes) -> bytes:
        if name != "xl/workbook.xml":
            return content
        text = content.decode("utf-8").replace(f' xmlns:r="{REL}"', "", 1)
        text = re.sub(r"<sheet (.*?) r:id=", rf'<sheet xmlns:ns="{REL}" \1 ns:id=', text)
        assert "r:" not in text
        return text.encode("utf-8")

    return _rewrite(data, edit)


def without_styles(data: bytes) -> bytes:
    """As minimal writers do: no xl/styles.xml at all (cells carry no style)."""

    def edit(name: str, content: bytes) -> bytes | None:
        if name == "xl/styles.xml":
            return None
        text = content.decode("utf-8") if name.endswith((".xml", ".rels")) else None
        if text is None:
            return content
        text = re.sub(r"<Relationship [^>]*/styles\"[^>]*/>", "", text)
        text = re.sub(r'<Override PartName="/xl/styles.xml"[^>]*/>', "", text)
        text = re.sub(r' (?:s|style)="\d+"', "", text)
        return text.encode("utf-8")

    return _rewrite(data, edit)


def strict(data: bytes) -> bytes:
    """As Excel's "Strict Open XML Spreadsheet" writes: the ISO namespaces and relationship
    types throughout."""

    def edit(name: str, content: bytes) -> bytes:
        if not name.endswith((".xml", ".rels")):
            return content
        text = content.decode("utf-8")
        for transitional, iso in STRICT.items():
            text = text.replace(f'"{transitional}"', f'"{iso}"').replace(
                f'"{transitional}/', f'"{iso}/'
            )
        return text.encode("utf-8")

    return _rewrite(data, edit)


ODD_WRITERS = {
    "dotnet_prefixed": dotnet_prefixed,
    "inner_relationship_prefix": inner_relationship_prefix,
    "without_styles": without_styles,
    "strict": strict,
}
