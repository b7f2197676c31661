"""workbook.xml: the sheet list, defined names, views and the calcChain that depends on them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

from .container import Package
from .contenttypes import set_override
from .errors import PackageError
from .namespaces import declared, rel_namespace, root_tag
from .relationships import parse_rels, rels_path, remove_rel, resolve
from .xmltext import attrs, prefixed


@dataclass
class SheetEntry:
    name: str
    sheet_id: int
    rid: str
    part: str
    tag: str


def workbook_part(pkg: Package) -> str:
    for rel in parse_rels(pkg.text("_rels/.rels")):
        if rel.type.endswith("/officeDocument"):
            return resolve("", rel.target)
    raise PackageError("找不到 workbook 部件")


def sheet_entries(pkg: Package, wb_part: str) -> list[SheetEntry]:
    rels = {r.id: r for r in parse_rels(pkg.text(rels_path(wb_part)))}
    entries = []
    for tag in re.findall(r"<(?:\w+:)?sheet\b[^>]*/?>", pkg.text(wb_part)):
        a = attrs(tag)
        rid = next((v for k, v in a.items() if k.endswith(":id") or k == "id"), "")
        rel = rels.get(rid)
        part = resolve(wb_part, rel.target) if rel else ""
        entries.append(SheetEntry(a.get("name", ""), int(a.get("sheetId", "0")), rid, part, tag))
    return entries


# ---------------------------------------------------------------- defined names


def defined_names(xml: str) -> list[str]:
    return re.findall(
        r"<(?:\w+:)?definedName\b[^>]*>.*?</(?:\w+:)?definedName>|<(?:\w+:)?definedName\b[^>]*/>",
        xml,
        re.S,
    )


def local_id(name_tag: str) -> int | None:
    match = re.search(r'localSheetId="(\d+)"', name_tag)
    return int(match.group(1)) if match else None


def with_local_id(name_tag: str, old: int, new: int) -> str:
    return name_tag.replace(f'localSheetId="{old}"', f'localSheetId="{new}"')


def sort_names(names: list[str]) -> None:
    """Excel keeps names sorted, sheet-scoped ones by their sheet."""
    names.sort(
        key=lambda t: (attrs(t[: t.index(">") + 1]).get("name", "").lower(), local_id(t) or -1)
    )


def set_defined_names(wb_xml: str, names: list[str]) -> str:
    block = re.search(
        r"<(\w+:)?definedNames\b[^>]*>.*?</(\w+:)?definedNames>|<(\w+:)?definedNames\s*/>",
        wb_xml,
        re.S,
    )
    prefix = _prefix_of(wb_xml, "sheets")
    body = "".join(prefixed(name, prefix) for name in names)
    new_block = f"<{prefix}definedNames>{body}</{prefix}definedNames>" if names else ""
    if block:
        return wb_xml[: block.start()] + new_block + wb_xml[block.end() :]
    if not names:
        return wb_xml
    anchor = re.search(r"</(\w+:)?sheets>", wb_xml)
    if not anchor:
        raise PackageError("workbook.xml 中找不到 <sheets>")
    return wb_xml[: anchor.end()] + new_block + wb_xml[anchor.end() :]


# ---------------------------------------------------------------- sheets and views


def _prefix_of(xml: str, element: str) -> str:
    found = re.search(rf"<(\w+:)?{element}\b", xml)
    return (found.group(1) or "") if found else ""


def sheet_tag(wb_xml: str, name: str, sheet_id: int, rid: str) -> str:
    """A new <sheet> entry as this workbook.xml writes them: its element prefix (.NET exports use
    <x:sheet>) and the prefix it binds to the relationships namespace (Strict's or Transitional's)
    on the root or on <sheets>. A binding made only on other <sheet> elements is not in scope for
    a new one, so then the new entry declares its own."""
    rel_ns = rel_namespace(wb_xml)
    root = root_tag(wb_xml)
    sheets = re.search(r"<(?:\w+:)?sheets\b[^>]*>", wb_xml)
    scope = {**declared(root.group() if root else ""), **declared(sheets.group() if sheets else "")}
    bound = sorted(p for p, uri in scope.items() if uri == rel_ns and p)
    if bound:
        prefix, declaration = ("r" if "r" in bound else bound[0]), ""
    else:
        prefix = (
            "r" if "r" not in scope else next(f"r{n}" for n in range(1, 99) if f"r{n}" not in scope)
        )
        declaration = f' xmlns:{prefix}="{rel_ns}"'
    tag = f'<sheet name="{escape(name)}" sheetId="{sheet_id}"{declaration} {prefix}:id="{rid}"/>'
    return prefixed(tag, _prefix_of(wb_xml, "sheets"))


def shift_views(wb_xml: str, removed: int, remaining: int) -> str:
    """Keep activeTab/firstSheet pointing at a sheet that exists after one is removed."""

    def fix(match: re.Match[str]) -> str:
        value = int(match.group(2))
        if value > removed:
            value -= 1
        value = min(value, max(remaining - 1, 0))
        return f'{match.group(1)}"{value}"'

    return re.sub(r'(\b(?:activeTab|firstSheet)=)"(\d+)"', fix, wb_xml)


# ---------------------------------------------------------------- calcChain


def drop_calc_chain_if_stale(pkg: Package, wb_part: str, wb_rels: str) -> None:
    """calcChain lists formula cells by sheet; Excel rebuilds it when it is absent. It goes only
    when it names a sheet that no longer exists, which Excel would otherwise report as damage."""
    rel = next((r for r in parse_rels(wb_rels) if r.type.endswith("/calcChain")), None)
    if rel is None:
        return
    part = resolve(wb_part, rel.target)
    if pkg.get(part) is None:
        return
    ids = {str(e.sheet_id) for e in sheet_entries(pkg, wb_part)}
    used = set(re.findall(r'\bi="(\d+)"', pkg.text(part)))
    if used <= ids:
        return
    pkg.delete(part)
    pkg.put(rels_path(wb_part), remove_rel(pkg.text(rels_path(wb_part)), rel.id))
    pkg.put("[Content_Types].xml", set_override(pkg.text("[Content_Types].xml"), part, None))
