"""styles.xml: the generated tabs' styles appended to the workbook's, reusing identical ones."""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

from .container import Package
from .contenttypes import CT_STYLES, set_override
from .namespaces import namespace_of, rel_namespace
from .relationships import Rel, insert_rel, parse_rels, relative, rels_path, resolve, unique_rid
from .xmltext import attrs, insert_before_close, prefixed

# The order of styleSheet's children (ECMA-376 §18.8.39): a missing list is inserted in its place.
STYLE_ORDER = (
    "numFmts",
    "fonts",
    "fills",
    "borders",
    "cellStyleXfs",
    "cellXfs",
    "cellStyles",
    "dxfs",
    "tableStyles",
    "colors",
    "extLst",
)
_STYLE_CHILD = {
    "numFmts": "numFmt",
    "fonts": "font",
    "fills": "fill",
    "borders": "border",
    "cellXfs": "xf",
    "dxfs": "dxf",
}


def style_items(xml: str, element: str) -> list[str]:
    """The children of one of styleSheet's lists (fonts, cellXfs...), as text, in order."""
    match = re.search(rf"<(\w+:)?{element}\b[^>]*?(?:/>|>(.*?)</(\w+:)?{element}>)", xml, re.S)
    if not match or match.group(2) is None:
        return []
    child = _STYLE_CHILD[element]
    return re.findall(
        rf"<(?:\w+:)?{child}\b(?:[^>]*/>|.*?</(?:\w+:)?{child}>)", match.group(2), re.S
    )


def _remap_attr(item: str, attr: str, table: Mapping[int, int]) -> str:
    def swap(match: re.Match[str]) -> str:
        old = int(match.group(1))
        return f'{attr}="{table.get(old, old)}"'

    return re.sub(rf'\b{attr}="(\d+)"', swap, item)


def style_prefix(xml: str) -> str:
    """The prefix styleSheet is written with ('x:' in .NET exports, '' from Excel)."""
    found = re.match(r"<\?xml[^>]*\?>\s*<(\w+:)?styleSheet", xml)
    return found.group(1) or "" if found else ""


def normalize(item: str) -> str:
    """An item with its element prefixes dropped, to compare items of differently written files."""
    return re.sub(r"<(/?)\w+:", r"<\1", item)


def append_item(xml: str, element: str, item: str, prefix: str) -> str:
    """styles.xml with items (one, or several written one after another) appended to a list
    (created in its place if missing), its count attribute kept right."""
    if not re.search(rf"<(\w+:)?{element}\b", xml):
        later = STYLE_ORDER[STYLE_ORDER.index(element) + 1 :]
        anchor = next((m for e in later if (m := re.search(rf"<(\w+:)?{e}\b", xml))), None)
        empty = f'<{prefix}{element} count="0"></{prefix}{element}>'
        if anchor:
            xml = xml[: anchor.start()] + empty + xml[anchor.start() :]
        else:
            xml = insert_before_close(xml, "styleSheet", empty)
    xml = insert_before_close(xml, element, item)
    count = len(style_items(xml, element))
    return re.sub(
        rf'(<(?:\w+:)?{element}\b[^>]*?\bcount=")\d+(")', rf"\g<1>{count}\2", xml, count=1
    )


class StyleMerger:
    """Appends the generated workbook's styles to the target's styles.xml, reusing identical ones.

    Reuse matters: the second refresh then finds every style it needs already there, so refreshing
    twice gives the same styles.xml (and the same workbook).
    """

    def __init__(self, target_xml: str, source_xml: str) -> None:
        self.xml = target_xml
        self.ns = style_prefix(target_xml)
        self.source = source_xml
        self.num_fmts = self._map_num_fmts()
        self.fonts = self._append_list("fonts", {})
        self.fills = self._append_list("fills", {})
        self.borders = self._append_list("borders", {})
        self.xfs = self._append_list(
            "cellXfs",
            {
                "numFmtId": self.num_fmts,
                "fontId": self.fonts,
                "fillId": self.fills,
                "borderId": self.borders,
            },
        )
        self.dxfs = self._append_list("dxfs", {})

    def _map_num_fmts(self) -> dict[int, int]:
        existing = {
            attrs(t).get("formatCode"): int(attrs(t)["numFmtId"])
            for t in style_items(self.xml, "numFmts")
        }
        mapping: dict[int, int] = {}
        next_id = max([163, *existing.values()]) + 1
        for tag in style_items(self.source, "numFmts"):
            a = attrs(tag)
            code, old = a["formatCode"], int(a["numFmtId"])
            if code in existing:
                mapping[old] = existing[code]
                continue
            mapping[old] = next_id
            existing[code] = next_id
            self.xml = append_item(
                self.xml,
                "numFmts",
                prefixed(f'<numFmt numFmtId="{next_id}" formatCode="{escape(code)}"/>', self.ns),
                self.ns,
            )
            next_id += 1
        return mapping

    def _append_list(self, element: str, remap: Mapping[str, Mapping[int, int]]) -> dict[int, int]:
        existing = [normalize(i) for i in style_items(self.xml, element)]
        position = {key: i for i, key in reversed(list(enumerate(existing)))}  # first of equals
        mapping: dict[int, int] = {}
        added: list[str] = []
        for old, item in enumerate(style_items(self.source, element)):
            for attr, table in remap.items():
                item = _remap_attr(item, attr, table)
            key = normalize(item)
            if key not in position:
                position[key] = len(existing)
                existing.append(key)
                added.append(prefixed(item, self.ns))
            mapping[old] = position[key]
        if added:  # appended in one go: the list and its count are edited once
            self.xml = append_item(self.xml, element, "".join(added), self.ns)
        return mapping


# ---------------------------------------------------------------- the cell writer's date styles

# Built-in number formats that show a date or time (ECMA-376 §18.8.30, with the CJK ones).
BUILTIN_DATE_FORMATS = frozenset([*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)])
DATE_FORMAT = 14  # built-in short date, shown in the reader's locale (2026/11/20 in China)
DATETIME_FORMAT = 22  # built-in short date and time

_LITERALS = re.compile(r'"[^"]*"|\\.|_.|\*.|\[(?!(?:h+|m+|s+)\])[^\]]*\]|General|E[+-]', re.I)


def is_date_format(code: str) -> bool:
    """A custom number format shows a date or time when, outside quoted text, escapes, colours
    and locale tags, it has a date or time letter."""
    section = _LITERALS.sub("", code).split(";")[0]
    return re.search(r"[ymdhse]|\[(?:h+|m+|s+)\]", section, re.I) is not None


MINIMAL_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<styleSheet xmlns="{ns}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/>'
    '<family val="2"/></font></fonts><fills count="2"><fill><patternFill patternType="none"/>'
    '</fill><fill><patternFill patternType="gray125"/></fill></fills><borders count="1"><border>'
    '<left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="1">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs><cellStyles '
    'count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)


class CellStyles:
    """The workbook's cell formats as the cell writer needs them: which show dates, and a date
    variant of a format (same font, fill, border) added once and reused after."""

    def __init__(self, xml: str) -> None:
        self.xml = xml
        self.changed = False
        self.prefix = style_prefix(xml)
        self.xfs = style_items(xml, "cellXfs")
        self.codes = {
            int(a["numFmtId"]): a.get("formatCode", "")
            for a in map(attrs, style_items(xml, "numFmts"))
            if a.get("numFmtId", "").isdigit()
        }

    def number_format(self, xf: int) -> int:
        if not 0 <= xf < len(self.xfs):
            return 0
        found = re.search(r'\bnumFmtId="(\d+)"', self.xfs[xf].split(">", 1)[0])
        return int(found.group(1)) if found else 0

    def wraps(self, xf: int) -> bool:
        """Text in a cell of this format wraps in its column."""
        if not 0 <= xf < len(self.xfs):
            return False
        return (
            re.search(r'<(?:\w+:)?alignment\b[^>]*\bwrapText="(?:1|true)"', self.xfs[xf])
            is not None
        )

    def is_date(self, xf: int) -> bool:
        fmt = self.number_format(xf)
        if fmt in self.codes:
            return is_date_format(self.codes[fmt])
        return fmt in BUILTIN_DATE_FORMATS

    def date_variant(self, xf: int, with_time: bool) -> int:
        """The index of a format like `xf` that shows a date (and time): an identical one if the
        workbook has it, else one appended to cellXfs."""
        if not self.xfs:
            self._append('<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>')
        base = self.xfs[xf] if 0 <= xf < len(self.xfs) else self.xfs[0]
        head, sep, rest = base.partition(">")
        fmt = DATETIME_FORMAT if with_time else DATE_FORMAT
        if re.search(r'\bnumFmtId="\d+"', head):
            head = re.sub(r'\bnumFmtId="\d+"', f'numFmtId="{fmt}"', head, count=1)
        else:
            head = re.sub(r"^(<(?:\w+:)?xf)\b", rf'\1 numFmtId="{fmt}"', head)
        if re.search(r'\bapplyNumberFormat="[^"]*"', head):
            head = re.sub(r'\bapplyNumberFormat="[^"]*"', 'applyNumberFormat="1"', head, count=1)
        else:
            closing = "/" if head.endswith("/") else ""
            head = head[: len(head) - len(closing)].rstrip() + ' applyNumberFormat="1"' + closing
        variant = head + sep + rest
        key = normalize(variant)
        for index, item in enumerate(self.xfs):
            if normalize(item) == key:
                return index
        return self._append(variant)

    def _append(self, item: str) -> int:
        self.xml = append_item(
            self.xml, "cellXfs", prefixed(normalize(item), self.prefix), self.prefix
        )
        self.xfs = style_items(self.xml, "cellXfs")
        self.changed = True
        return len(self.xfs) - 1


def ensure_styles_part(pkg: Package, wb_part: str) -> str:
    """The workbook's styles part; a minimal one (Excel's defaults, in the workbook's namespace)
    is added, with its relationship and content type, when a workbook written by another program
    has none."""
    rels_part = rels_path(wb_part)
    rels = pkg.text(rels_part)
    found = next((r for r in parse_rels(rels) if r.type.endswith("/styles")), None)
    if found is not None:
        return resolve(wb_part, found.target)
    wb_xml = pkg.text(wb_part)
    part = resolve(wb_part, "styles.xml")
    if part in pkg.names():
        part = pkg.unique(resolve(wb_part, "styles{}.xml"))
    pkg.put(part, MINIMAL_STYLES.format(ns=namespace_of(wb_xml)))
    rel = Rel(unique_rid(rels), rel_namespace(wb_xml) + "/styles", relative(wb_part, part))
    pkg.put(rels_part, insert_rel(rels, rel))
    pkg.put("[Content_Types].xml", set_override(pkg.text("[Content_Types].xml"), part, CT_STYLES))
    return part
