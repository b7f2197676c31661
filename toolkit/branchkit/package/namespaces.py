"""The namespaces the writer puts new elements in, for Transitional and Strict workbooks.

Excel normally writes Transitional OOXML; "Strict Open XML" (and some other programs) use the
ISO namespaces instead. New elements must be in the namespace of the document they go into, or
readers do not see them.
"""

from __future__ import annotations

import re

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
STRICT_MAIN = "http://purl.oclc.org/ooxml/spreadsheetml/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
STRICT_REL = "http://purl.oclc.org/ooxml/officeDocument/relationships"

_ROOT = re.compile(r"<(?!\?|!)((?:[\w.-]+:)?)([\w.-]+)\b[^>]*>")


def root_tag(xml: str) -> re.Match[str] | None:
    """The root element's start tag (after any declaration, comments or processing instructions)."""
    body = re.sub(r"<\?.*?\?>|<!--.*?-->", lambda m: " " * len(m.group()), xml[:65536], flags=re.S)
    return _ROOT.search(body)


def declared(start_tag: str) -> dict[str, str]:
    """The namespace declarations of one start tag: prefix ('' for the default) -> URI."""
    return {
        (m.group(1) or "")[1:]: m.group(2)
        for m in re.finditer(r'\bxmlns(:[\w.-]+)?\s*=\s*"([^"]*)"', start_tag)
    }


def namespace_of(xml: str) -> str:
    """The namespace of a part's root element ('' when it has none)."""
    root = root_tag(xml)
    if root is None:
        return ""
    return declared(root.group()).get(root.group(1).rstrip(":"), "")


def is_strict(xml: str) -> bool:
    return namespace_of(xml) == STRICT_MAIN


def rel_namespace(xml: str) -> str:
    """The relationships namespace that goes with a SpreadsheetML part (r:id, relationship types)."""
    return STRICT_REL if is_strict(xml) else REL


# Transitional namespace -> its Strict counterpart (ECMA-376 Part 1, Strict schemas). Relationship
# types are the relationships namespace plus a name, so they follow the same table.
TO_STRICT = {
    MAIN: STRICT_MAIN,
    REL: STRICT_REL,
    "http://schemas.openxmlformats.org/drawingml/2006/main": (
        "http://purl.oclc.org/ooxml/drawingml/main"
    ),
    "http://schemas.openxmlformats.org/drawingml/2006/chart": (
        "http://purl.oclc.org/ooxml/drawingml/chart"
    ),
    "http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing": (
        "http://purl.oclc.org/ooxml/drawingml/spreadsheetDrawing"
    ),
    "http://schemas.openxmlformats.org/officeDocument/2006/sharedTypes": (
        "http://purl.oclc.org/ooxml/officeDocument/sharedTypes"
    ),
}
# Strict writes percentages as percentages: chart amounts ("100" -> "100%") and DrawingML colour
# adjustments (thousandths of a percent, "75000" -> "75%").
_CHART_PERCENT = re.compile(
    r"(<(?:\w+:)?(?:lblOffset|gapWidth|gapDepth|overlap|holeSize|depthPercent|hPercent|"
    r"bubbleScale|secondPieSize)\b[^>]*?\bval=\")(-?\d+)(\")"
)
_COLOUR_PERCENT = re.compile(
    r"(<(?:\w+:)?(?:alpha|alphaMod|alphaOff|tint|shade|lum|lumMod|lumOff|sat|satMod|satOff|"
    r"hueMod|red|redMod|redOff|green|greenMod|greenOff|blue|blueMod|blueOff)\b[^>]*?\bval=\")"
    r"(-?\d+)(\")"
)


def to_strict(xml: str) -> str:
    """A Transitional part (as XlsxWriter writes the generated tabs) in Strict's namespaces and
    value forms, to go into a Strict workbook without mixing the two."""
    for transitional, strict in TO_STRICT.items():
        xml = xml.replace(f'"{transitional}"', f'"{strict}"').replace(
            f'"{transitional}/', f'"{strict}/'
        )
    xml = _CHART_PERCENT.sub(lambda m: f"{m.group(1)}{m.group(2)}%{m.group(3)}", xml)
    return _COLOUR_PERCENT.sub(
        lambda m: f"{m.group(1)}{int(m.group(2)) / 1000:g}%{m.group(3)}", xml
    )
