"""Transplant: the generated workbook's sheets put into the staff workbook.

The generated sheets are built by XlsxWriter into a small workbook of their own; their sheet,
drawing and chart parts are copied in under fresh names, their styles appended to the target's
styles.xml, their shared strings turned into inline strings. Only workbook.xml, its .rels,
[Content_Types].xml and styles.xml change, by text insertions that leave the rest of each of those
parts untouched.
"""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import IO

from .container import Package
from .contenttypes import CT_WORKSHEET, content_type_of, register, set_override
from .errors import PackageError
from .namespaces import is_strict, rel_namespace, to_strict
from .relationships import (
    Rel,
    insert_rel,
    parse_rels,
    relative,
    rels_path,
    rels_xml,
    remove_rel,
    resolve,
    target_of,
    unique_rid,
)
from .sharedstrings import shared_string_items
from .styles import StyleMerger, ensure_styles_part
from .workbook import (
    SheetEntry,
    defined_names,
    drop_calc_chain_if_stale,
    local_id,
    set_defined_names,
    sheet_entries,
    sheet_tag,
    shift_views,
    sort_names,
    with_local_id,
    workbook_part,
)
from .worksheet import transplant_sheet_xml
from .xmltext import check_xml, insert_before_close

# Parts a sheet owns through its relationships, dropped with it.
_OWNED_KINDS = (
    "drawing",
    "chart",
    "chartUserShapes",
    "image",
    "chartStyle",
    "chartColorStyle",
    "vmlDrawing",
    "comments",
    "ctrlProp",
)

CellWriter = Callable[[str, Mapping[int, int]], bytes]


class _Generated:
    """The workbook XlsxWriter made: its sheets, their names, styles and strings."""

    def __init__(self, generated: bytes | str | Path | IO[bytes]) -> None:
        self.pkg = Package.read(generated)
        self.wb_part = workbook_part(self.pkg)
        self.entries = sheet_entries(self.pkg, self.wb_part)
        self.names = defined_names(self.pkg.text(self.wb_part))
        wb_rels = self.pkg.text(rels_path(self.wb_part))
        styles = target_of(wb_rels, self.wb_part, "styles")
        self.styles = self.pkg.text(styles) if styles else ""
        self.content_types = self.pkg.text("[Content_Types].xml")
        sst = target_of(wb_rels, self.wb_part, "sharedStrings")
        self.strings = shared_string_items(self.pkg.text(sst)) if sst else []


class _Transplant:
    """One replace_sheets run: the target's registry parts held as text while steps edit them."""

    def __init__(self, pkg: Package, gen: _Generated) -> None:
        self.pkg = pkg
        self.gen = gen
        self.wb_part = workbook_part(pkg)
        self.wb_rels_part = rels_path(self.wb_part)
        check_xml(pkg, ["[Content_Types].xml", self.wb_part, self.wb_rels_part], "")
        # A workbook another program wrote without styles.xml gets a minimal one first.
        styles_part = ensure_styles_part(pkg, self.wb_part)
        check_xml(pkg, [styles_part], "")
        self.styles_part = styles_part
        self.edited = ["[Content_Types].xml", self.wb_part, self.wb_rels_part, styles_part]
        self.content_types = pkg.text("[Content_Types].xml")
        self.wb_xml = pkg.text(self.wb_part)
        self.wb_rels = pkg.text(self.wb_rels_part)
        self.strict = is_strict(self.wb_xml)
        self.entries = sheet_entries(pkg, self.wb_part)
        self.by_name = {e.name: e for e in self.entries}
        self.names = defined_names(self.wb_xml)
        self.merger = StyleMerger(pkg.text(styles_part), gen.styles)

    def dialect(self, content: bytes) -> bytes:
        """Generated parts are Transitional; a Strict workbook gets them in Strict's namespaces."""
        return to_strict(content.decode("utf-8")).encode("utf-8") if self.strict else content

    def refuse_sheets_of_people(self, names: Iterable[str], owned: set[str]) -> None:
        for name in names:
            if name in self.by_name and name not in owned:
                raise PackageError(
                    f"工作表“{name}”不是 branchkit 生成的，为免覆盖员工的数据，请先把它改名"
                )

    def remove_sheet(self, name: str) -> None:
        """Take out a sheet: its parts, its relationship, and names scoped to it."""
        entry = self.by_name.pop(name, None)
        if entry is None:
            return
        position = self.entries.index(entry)
        self.entries.remove(entry)
        self.drop_part_tree(entry.part)
        self.wb_xml = self.wb_xml.replace(entry.tag, "", 1)
        self.wb_rels = remove_rel(self.wb_rels, entry.rid)
        kept = []
        for tag in self.names:
            local = local_id(tag)
            if local == position:
                continue
            if local is not None and local > position:
                tag = with_local_id(tag, local, local - 1)
            kept.append(tag)
        self.names = kept
        self.wb_xml = shift_views(self.wb_xml, position, len(self.entries))

    def put_sheet(self, gen_entry: SheetEntry, cells: CellWriter | None) -> None:
        """A generated sheet in place of the one of the same name, or appended after the others."""
        filled = cells(gen_entry.name, self.merger.xfs) if cells else None
        sheet_xml = transplant_sheet_xml(
            self.gen.pkg.text(gen_entry.part),
            self.gen.strings,
            self.merger.xfs,
            self.merger.dxfs,
            filled,
        )
        existing = self.by_name.get(gen_entry.name)
        if existing:
            part = existing.part
            self.drop_part_tree(part)
            position = self.entries.index(existing)
        else:
            part = self.add_sheet_entry(gen_entry.name)
            position = len(self.entries) - 1
        self.pkg.put(part, self.dialect(sheet_xml))
        self.content_types = set_override(self.content_types, part, CT_WORKSHEET)
        self.copy_part_tree(gen_entry.part, part)
        self.take_scoped_names(self.gen.entries.index(gen_entry), position)

    def add_sheet_entry(self, name: str) -> str:
        """A new worksheet part, its relationship and its <sheet> entry at the end of the list."""
        part = self.pkg.unique("xl/worksheets/sheet{}.xml")
        rid = unique_rid(self.wb_rels)
        rel_type = rel_namespace(self.wb_xml) + "/worksheet"
        self.wb_rels = insert_rel(self.wb_rels, Rel(rid, rel_type, relative(self.wb_part, part)))
        sheet_id = max([0, *(e.sheet_id for e in self.entries)]) + 1
        tag = sheet_tag(self.wb_xml, name, sheet_id, rid)
        self.wb_xml = insert_before_close(self.wb_xml, "sheets", tag)
        entry = SheetEntry(name, sheet_id, rid, part, tag)
        self.entries.append(entry)
        self.by_name[entry.name] = entry
        return part

    def take_scoped_names(self, gen_position: int, position: int) -> None:
        """Names scoped to this sheet (print titles, filters) come from the generated workbook."""
        self.names = [t for t in self.names if local_id(t) != position]
        for tag in self.gen.names:
            if local_id(tag) == gen_position:
                self.names.append(with_local_id(tag, gen_position, position))

    def drop_part_tree(self, part: str) -> None:
        """Delete a part with everything it alone owns through its relationships (drawings, charts)."""
        pkg = self.pkg
        rp = rels_path(part)
        if pkg.get(rp) is not None:
            for rel in parse_rels(pkg.text(rp)):
                if not rel.external and rel.type.rsplit("/", 1)[-1] in _OWNED_KINDS:
                    self.drop_part_tree(resolve(part, rel.target))
            pkg.delete(rp)
        if pkg.get(part) is not None:
            pkg.delete(part)
            self.content_types = set_override(self.content_types, part, None)

    def copy_part_tree(self, gen_part: str, new_part: str) -> None:
        """Copy a generated part and what it refers to (drawing -> chart, image; a sheet's VML
        drawing, comments, control properties) under fresh names of the same kind, each with the
        content type the generated package gives it."""
        gen, pkg = self.gen.pkg, self.pkg
        rp = rels_path(gen_part)
        if gen.get(rp) is not None:
            rels = parse_rels(gen.text(rp))
            for rel in rels:
                if rel.external:
                    continue
                child = resolve(gen_part, rel.target)
                # The same place relative to the new part as in the generated package.
                where = posixpath.relpath(posixpath.dirname(child), posixpath.dirname(gen_part))
                folder = posixpath.normpath(posixpath.join(posixpath.dirname(new_part), where))
                stem, extension = _name_pattern(posixpath.basename(child))
                new_child = pkg.unique(posixpath.join(folder, stem + "{}" + extension))
                pkg.put(new_child, b"")  # reserve the name before recursing
                self.copy_part_tree(child, new_child)
                rel.target = relative(new_part, new_child)
            pkg.put(rels_path(new_part), self.dialect(rels_xml(rels).encode()))
        if not new_part.startswith("xl/worksheets/"):
            content = gen.get(gen_part) or b""
            xml = new_part.endswith((".xml", ".rels"))
            pkg.put(new_part, self.dialect(content) if xml else content)
            content_type = content_type_of(self.gen.content_types, gen_part)
            self.content_types = register(self.content_types, new_part, content_type)

    def finish(self) -> Package:
        """The edited registry parts put back, checked, and unchanged ones left as they were."""
        sort_names(self.names)
        self.wb_xml = set_defined_names(self.wb_xml, self.names)
        self.pkg.put(self.wb_part, self.wb_xml)
        self.pkg.put(self.wb_rels_part, self.wb_rels)
        self.pkg.put("[Content_Types].xml", self.content_types)
        self.pkg.put(self.styles_part, self.merger.xml)
        drop_calc_chain_if_stale(self.pkg, self.wb_part, self.wb_rels)
        check_xml(self.pkg, self.edited, "修改后")
        self.pkg.keep_unchanged()
        return self.pkg


def _name_pattern(name: str) -> tuple[str, str]:
    """'vmlDrawing1.vml' -> ('vmlDrawing', '.vml'): a part's name without its number."""
    found = re.fullmatch(r"(.*?)\d*(\.[^.]*)?", name)
    stem, extension = (found.group(1), found.group(2) or "") if found else (name, "")
    return stem, extension


def replace_sheets(
    target: Package | bytes | str | Path | IO[bytes],
    generated: bytes | str | Path | IO[bytes],
    owned: Iterable[str],
    remove: Iterable[str] = (),
    cells: CellWriter | None = None,
) -> Package:
    """Returns the target package with every sheet of `generated` put in (replacing a sheet of the
    same name in place, or appended) and the sheets named in `remove` taken out.

    `owned` are the sheet names branchkit may replace; any other existing sheet of a generated
    name is refused, so a sheet a person made is never overwritten. `cells(name, xf_map)`, when
    given, writes a sheet's <sheetData> against the target's style indexes.
    """
    pkg = Package.read(target)
    gen = _Generated(generated)
    remove = list(remove)
    run = _Transplant(pkg, gen)
    run.refuse_sheets_of_people([*remove, *(g.name for g in gen.entries)], set(owned))
    for name in remove:
        run.remove_sheet(name)
    for gen_entry in gen.entries:
        run.put_sheet(gen_entry, cells)
    return run.finish()
