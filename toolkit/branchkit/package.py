"""Write generated sheets into a staff workbook at the zip-part level.

Loading a workbook into openpyxl and saving it drops what openpyxl does not model (VBA buttons,
shapes, images, rich data, printer settings...) and rewrites every part. Here the generated
sheets are built by XlsxWriter into a small workbook of their own and *transplanted*: their sheet,
drawing and chart parts are copied in, their styles appended to the target's styles.xml, their
shared strings turned into inline strings. Every other part of the target stays byte-for-byte
as it was; only workbook.xml, its .rels, [Content_Types].xml and styles.xml change, by text
insertions that leave the rest of each of those parts untouched.

Nothing here imports pandas: the kill test starts this module in a fresh process many times.
"""

from __future__ import annotations

import copy
import io
import posixpath
import re
import struct
import zipfile
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from html import escape, unescape
from pathlib import Path
from typing import IO

FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip timestamps of parts we write: same input, same bytes

REL_NS = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
REL_WORKSHEET = REL_NS + "/worksheet"
CT_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


class PackageError(Exception):
    """The workbook's package is not what Excel writes; the message says what."""


# ---------------------------------------------------------------- small XML text helpers

_ATTR = re.compile(r'([\w:.-]+)\s*=\s*"([^"]*)"')


def attrs(tag: str) -> dict[str, str]:
    return {k: unescape(v) for k, v in _ATTR.findall(tag)}


@dataclass
class Rel:
    id: str
    type: str
    target: str
    external: bool = False


def parse_rels(xml: str) -> list[Rel]:
    rels = []
    for tag in re.findall(r"<(?:\w+:)?Relationship\b[^>]*>", xml):
        a = attrs(tag)
        rels.append(
            Rel(
                a.get("Id", ""),
                a.get("Type", ""),
                a.get("Target", ""),
                a.get("TargetMode") == "External",
            )
        )
    return rels


def rels_xml(rels: Iterable[Rel]) -> str:
    body = "".join(
        f'<Relationship Id="{escape(r.id)}" Type="{escape(r.type)}" Target="{escape(r.target)}"'
        + (' TargetMode="External"' if r.external else "")
        + "/>"
        for r in rels
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        f"{body}</Relationships>"
    )


def rels_path(part: str) -> str:
    folder, name = posixpath.split(part)
    return posixpath.join(folder, "_rels", name + ".rels")


def resolve(part: str, target: str) -> str:
    if target.startswith("/"):
        return target.lstrip("/")
    return posixpath.normpath(posixpath.join(posixpath.dirname(part), target))


def relative(from_part: str, to_part: str) -> str:
    return posixpath.relpath(to_part, posixpath.dirname(from_part))


def _insert_rel(xml: str, rel: Rel) -> str:
    tag = f'<Relationship Id="{escape(rel.id)}" Type="{escape(rel.type)}" Target="{escape(rel.target)}"/>'
    return _insert_before_close(xml, "Relationships", tag)


def _insert_before_close(xml: str, element: str, text: str) -> str:
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


# ---------------------------------------------------------------- the package


class Package:
    """A zip package, parts read on demand, changes kept apart from the original.

    Parts nobody changed are copied as their original compressed bytes: no inflate and deflate of
    large input sheets, and the entry (timestamps, compression, CRC) stays exactly as it was."""

    def __init__(self, data: bytes) -> None:
        self.source = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zip.infolist()
        except zipfile.BadZipFile as exc:
            raise PackageError("文件不是完整的 Excel 工作簿（zip 损坏）") from exc
        self.by_name = {i.filename: i for i in self.infos}
        self.changed: dict[str, bytes | None] = {}  # None: delete
        self._read: dict[str, bytes] = {}

    @classmethod
    def read(cls, source: Package | str | Path | IO[bytes] | bytes) -> Package:
        if isinstance(source, Package):
            return source
        if isinstance(source, bytes):
            return cls(source)
        if isinstance(source, (str, Path)):
            return cls(Path(source).read_bytes())
        return cls(source.read())

    def original(self, name: str) -> bytes | None:
        if name not in self.by_name:
            return None
        if name not in self._read:
            self._read[name] = self.zip.read(name)
        return self._read[name]

    def head(self, name: str, size: int) -> bytes:
        """The first bytes of a part, without inflating all of it."""
        if name in self.changed:
            return (self.changed[name] or b"")[:size]
        with self.zip.open(name) as handle:
            return handle.read(size)

    def names(self) -> set[str]:
        names = {n for n in self.by_name if self.changed.get(n, b"") is not None}
        return names | {n for n, v in self.changed.items() if v is not None}

    def get(self, name: str) -> bytes | None:
        if name in self.changed:
            return self.changed[name]
        return self.original(name)

    def text(self, name: str) -> str:
        raw = self.get(name)
        if raw is None:
            raise PackageError(f"缺少部件 {name}")
        return raw.decode("utf-8")

    def put(self, name: str, content: str | bytes) -> None:
        self.changed[name] = content.encode("utf-8") if isinstance(content, str) else content

    def delete(self, name: str) -> None:
        self.changed[name] = None

    def write(self, target: str | Path | IO[bytes]) -> None:
        """Original parts keep their place, zip metadata and bytes; new parts follow."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.infos:
                name = info.filename
                if name in self.changed:
                    content = self.changed[name]
                    if content is not None:
                        out.writestr(_fresh_info(name), content, compresslevel=_level(content))
                elif not _copy_raw(out, self.source, info):
                    out.writestr(info, self.original(name) or b"")
            for name in sorted(set(self.changed) - set(self.by_name)):
                content = self.changed[name]
                if content is not None:
                    out.writestr(_fresh_info(name), content, compresslevel=_level(content))

    def unique(self, pattern: str) -> str:
        """The first free part name for a pattern like 'xl/worksheets/sheet{}.xml'."""
        taken = {n.lower() for n in self.names()}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)


def _copy_raw(out: zipfile.ZipFile, source: bytes, info: zipfile.ZipInfo) -> bool:
    """Appends an entry's compressed bytes unchanged. Uses zipfile's writer state (stable since
    Python 3.6); returns False where that is not possible, and the caller recompresses."""
    try:
        offset = info.header_offset
        name_len, extra_len = struct.unpack("<HH", source[offset + 26 : offset + 30])
        start = offset + 30 + name_len + extra_len
        raw = source[start : start + info.compress_size]
        entry = copy.copy(info)
        entry.flag_bits &= ~0x08  # sizes and CRC go in the local header: no data descriptor
        entry.extra = zipfile._strip_extra(info.extra, (1,))  # type: ignore[attr-defined]  # zip64 rebuilt if needed
        entry.header_offset = out.fp.tell()  # type: ignore[union-attr]
        out.fp.write(entry.FileHeader())  # type: ignore[union-attr]
        out.fp.write(raw)  # type: ignore[union-attr]
        out.filelist.append(entry)
        out.NameToInfo[entry.filename] = entry
        out.start_dir = out.fp.tell()  # type: ignore[attr-defined,union-attr]
        out._didModify = True  # type: ignore[attr-defined]
        return True
    except (AttributeError, struct.error, TypeError):
        return False


def _level(content: bytes) -> int:
    """Large generated sheets deflate at level 1 (several times faster, a little larger)."""
    return 1 if len(content) > 1_000_000 else 6


def _fresh_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


# ---------------------------------------------------------------- workbook.xml


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


# ---------------------------------------------------------------- styles


# The order of styleSheet's children (ECMA-376 §18.8.39): a missing list is inserted in its place.
_STYLE_ORDER = (
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


def _style_items(xml: str, element: str) -> list[str]:
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


class StyleMerger:
    """Appends the generated workbook's styles to the target's styles.xml, reusing identical ones.

    Reuse matters: the second refresh then finds every style it needs already there, so refreshing
    twice gives the same styles.xml (and the same workbook).
    """

    def __init__(self, target_xml: str, source_xml: str) -> None:
        self.xml = target_xml
        self.prefix = re.match(r"<\?xml[^>]*\?>\s*<(\w+:)?styleSheet", target_xml)
        self.ns = self.prefix.group(1) or "" if self.prefix else ""
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

    def _prefixed(self, item: str) -> str:
        if not self.ns:
            return item
        return re.sub(r"<(/?)(?!\w+:)(\w+)", rf"<\1{self.ns}\2", item)

    def _map_num_fmts(self) -> dict[int, int]:
        existing = {
            attrs(t).get("formatCode"): int(attrs(t)["numFmtId"])
            for t in _style_items(self.xml, "numFmts")
        }
        mapping: dict[int, int] = {}
        next_id = max([163, *existing.values()]) + 1
        for tag in _style_items(self.source, "numFmts"):
            a = attrs(tag)
            code, old = a["formatCode"], int(a["numFmtId"])
            if code in existing:
                mapping[old] = existing[code]
                continue
            mapping[old] = next_id
            existing[code] = next_id
            self._append(
                "numFmts",
                f'<numFmt numFmtId="{next_id}" formatCode="{escape(code)}"/>',
            )
            next_id += 1
        return mapping

    def _append_list(self, element: str, remap: Mapping[str, Mapping[int, int]]) -> dict[int, int]:
        existing = [self._normalize(i) for i in _style_items(self.xml, element)]
        mapping: dict[int, int] = {}
        for old, item in enumerate(_style_items(self.source, element)):
            for attr, table in remap.items():
                item = _remap_attr(item, attr, table)
            key = self._normalize(item)
            if key in existing:
                mapping[old] = existing.index(key)
                continue
            mapping[old] = len(existing)
            existing.append(key)
            self._append(element, self._prefixed(item))
        return mapping

    @staticmethod
    def _normalize(item: str) -> str:
        return re.sub(r"<(/?)\w+:", r"<\1", item)

    def _append(self, element: str, item: str) -> None:
        if not re.search(rf"<(\w+:)?{element}\b", self.xml):
            later = _STYLE_ORDER[_STYLE_ORDER.index(element) + 1 :]
            anchor = next((m for e in later if (m := re.search(rf"<(\w+:)?{e}\b", self.xml))), None)
            empty = f'<{self.ns}{element} count="0"></{self.ns}{element}>'
            if anchor:
                self.xml = self.xml[: anchor.start()] + empty + self.xml[anchor.start() :]
            else:
                self.xml = _insert_before_close(self.xml, "styleSheet", empty)
        self.xml = _insert_before_close(self.xml, element, item)
        count = len(_style_items(self.xml, element))
        self.xml = re.sub(
            rf'(<(?:\w+:)?{element}\b[^>]*?\bcount=")\d+(")', rf"\g<1>{count}\2", self.xml, count=1
        )


# ---------------------------------------------------------------- sheet XML from the generated workbook


def _shared_strings(xml: str) -> list[str]:
    return [m.group(1) or "" for m in re.finditer(r"<si>(.*?)</si>|<si/>", xml, re.S)]


_CELL = re.compile(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="s"><v>(\d+)</v></c>')
_STYLE_ATTR = re.compile(r'(<(?:c|row|col)\b[^>]*?\b(?:s|style)=")(\d+)(")')


_CELL_STYLE = re.compile(r'(<c r="[A-Z]+\d+" s=")(\d+)"')


def _remap(pattern: re.Pattern[str], text: str, table: Mapping[int, int]) -> str:
    return pattern.sub(lambda m: f"{m.group(1)}{table.get(int(m.group(2)), 0)}{m.group(3)}", text)


_ROW_STYLE = re.compile(r'(<row\b[^>]*?\bs=")(\d+)(")')
_CELL_STYLE = re.compile(r'(<c r="[A-Z]+\d+" s=")(\d+)(")')
_DXF = re.compile(r'(\bdxfId=")(\d+)(")')


def transplant_sheet_xml(
    xml: str,
    strings: list[str],
    xfs: Mapping[int, int],
    dxfs: Mapping[int, int],
    cells: bytes | None = None,
) -> bytes:
    """Remap style indexes into the target's styles.xml; inline any shared strings. `cells`, when
    given, replaces <sheetData> with one already written (UTF-8) against the target's styles."""
    xml = xml.replace(' tabSelected="1"', "")
    start = xml.find("<sheetData")
    if start < 0:
        raise PackageError("生成的工作表缺少 <sheetData>")
    end = (
        start + len("<sheetData/>")
        if xml.startswith("<sheetData/>", start)
        else (xml.index("</sheetData>", start) + len("</sheetData>"))
    )
    head, body, tail = xml[:start], xml[start:end], xml[end:]
    head = _remap(_STYLE_ATTR, head, xfs)  # <col style>, <row s> before the cells
    tail = _remap(_DXF, tail, dxfs)  # conditional formats
    if cells is not None:
        return b"".join([head.encode(), cells, tail.encode()])
    body = _remap(_ROW_STYLE, _remap(_CELL_STYLE, body, xfs), xfs)
    if strings:
        body = _CELL.sub(
            lambda m: (
                f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"><is>{strings[int(m.group(3))]}</is></c>'
            ),
            body,
        )
    return (head + body + tail).encode()


# ---------------------------------------------------------------- the operation


def _content_type_override(xml: str, part: str, content_type: str | None) -> str:
    pattern = re.compile(rf'<(?:\w+:)?Override\b[^>]*PartName="/{re.escape(part)}"[^>]*/>', re.I)
    xml = pattern.sub("", xml)
    if content_type:
        xml = _insert_before_close(
            xml, "Types", f'<Override PartName="/{escape(part)}" ContentType="{content_type}"/>'
        )
    return xml


def _drop_part_tree(pkg: Package, part: str, content_types: list[str]) -> None:
    """Delete a part with everything it alone owns through its relationships (drawings, charts)."""
    rp = rels_path(part)
    if pkg.get(rp) is not None:
        for rel in parse_rels(pkg.text(rp)):
            if not rel.external and rel.type.rsplit("/", 1)[-1] in (
                "drawing",
                "chart",
                "chartUserShapes",
                "image",
                "chartStyle",
                "chartColorStyle",
                "vmlDrawing",
                "ctrlProp",
            ):
                _drop_part_tree(pkg, resolve(part, rel.target), content_types)
        pkg.delete(rp)
    if pkg.get(part) is not None:
        pkg.delete(part)
        content_types[0] = _content_type_override(content_types[0], part, None)


def _copy_part_tree(
    gen: Package, pkg: Package, gen_part: str, new_part: str, content_types: list[str]
) -> None:
    """Copy a generated part and what it refers to (drawing -> chart), under fresh names."""
    rp = rels_path(gen_part)
    if gen.get(rp) is not None:
        rels = parse_rels(gen.text(rp))
        for rel in rels:
            if rel.external:
                continue
            child = resolve(gen_part, rel.target)
            folder = posixpath.basename(posixpath.dirname(child))
            stem, ext = posixpath.splitext(posixpath.basename(child))  # vmlDrawing1.vml too
            new_child = pkg.unique(
                posixpath.join(
                    posixpath.dirname(new_part).rsplit("/", 1)[0],
                    folder,
                    stem.rstrip("0123456789") + "{}" + ext,
                )
            )
            pkg.put(new_child, b"")  # reserve the name before recursing
            _copy_part_tree(gen, pkg, child, new_child, content_types)
            rel.target = relative(new_part, new_child)
        pkg.put(rels_path(new_part), rels_xml(rels))
    if not new_part.startswith("xl/worksheets/"):
        pkg.put(new_part, gen.get(gen_part) or b"")
        content_type = _content_type_of(gen.text("[Content_Types].xml"), gen_part)
        if content_type == _content_type_of(content_types[0], new_part):
            content_type = None  # the target's Default for the extension already says it
        content_types[0] = _content_type_override(content_types[0], new_part, content_type)


def _content_type_of(types_xml: str, part: str) -> str | None:
    """A part's content type by OPC's rule: its Override, else the Default for its extension."""
    for tag in re.findall(r"<(?:\w+:)?(?:Override|Default)\b[^>]*>", types_xml):
        a = attrs(tag)
        if a.get("PartName", "").lower() == "/" + part.lower():
            return a.get("ContentType")
    extension = posixpath.splitext(part)[1].lstrip(".").lower()
    for tag in re.findall(r"<(?:\w+:)?Default\b[^>]*>", types_xml):
        a = attrs(tag)
        if a.get("Extension", "").lower() == extension:
            return a.get("ContentType")
    return None


def _defined_names(xml: str) -> list[str]:
    return re.findall(
        r"<(?:\w+:)?definedName\b[^>]*>.*?</(?:\w+:)?definedName>|<(?:\w+:)?definedName\b[^>]*/>",
        xml,
        re.S,
    )


def _local_id(name_tag: str) -> int | None:
    match = re.search(r'localSheetId="(\d+)"', name_tag)
    return int(match.group(1)) if match else None


def _set_defined_names(wb_xml: str, names: list[str]) -> str:
    block = re.search(
        r"<(\w+:)?definedNames\b[^>]*>.*?</(\w+:)?definedNames>|<(\w+:)?definedNames\s*/>",
        wb_xml,
        re.S,
    )
    new_block = f"<definedNames>{''.join(names)}</definedNames>" if names else ""
    if block:
        return wb_xml[: block.start()] + new_block + wb_xml[block.end() :]
    if not names:
        return wb_xml
    anchor = re.search(r"</(\w+:)?sheets>", wb_xml)
    if not anchor:
        raise PackageError("workbook.xml 中找不到 <sheets>")
    return wb_xml[: anchor.end()] + new_block + wb_xml[anchor.end() :]


def replace_sheets(
    target: Package | bytes | str | Path | IO[bytes],
    generated: bytes | str | Path | IO[bytes],
    owned: Iterable[str],
    remove: Iterable[str] = (),
    cells: Callable[[str, Mapping[int, int]], bytes] | None = None,
) -> Package:
    """Returns the target package with every sheet of `generated` put in (replacing a sheet of the
    same name in place, or appended) and the sheets named in `remove` taken out.

    `owned` are the sheet names branchkit may replace; any other existing sheet of a generated
    name is refused, so a sheet a person made is never overwritten.
    """
    pkg = Package.read(target)
    gen = Package.read(generated)
    owned = set(owned)
    wb_part = workbook_part(pkg)
    wb_rels_part = rels_path(wb_part)
    content_types = [pkg.text("[Content_Types].xml")]
    wb_xml = pkg.text(wb_part)
    wb_rels = pkg.text(wb_rels_part)
    entries = sheet_entries(pkg, wb_part)
    by_name = {e.name: e for e in entries}
    names = _defined_names(wb_xml)

    gen_wb = workbook_part(gen)
    gen_entries = sheet_entries(gen, gen_wb)
    gen_names = _defined_names(gen.text(gen_wb))
    registry = ["[Content_Types].xml", wb_part, wb_rels_part]
    styles_part = next(
        (resolve(wb_part, r.target) for r in parse_rels(wb_rels) if r.type.endswith("/styles")),
        None,
    )
    if styles_part is None:
        raise PackageError("工作簿缺少样式部件 styles.xml")
    check_xml(pkg, [*registry, styles_part], "")
    gen_styles = next(
        resolve(gen_wb, r.target)
        for r in parse_rels(gen.text(rels_path(gen_wb)))
        if r.type.endswith("/styles")
    )
    merger = StyleMerger(pkg.text(styles_part), gen.text(gen_styles))
    sst_part = next(
        (
            resolve(gen_wb, r.target)
            for r in parse_rels(gen.text(rels_path(gen_wb)))
            if r.type.endswith("/sharedStrings")
        ),
        None,
    )
    strings = _shared_strings(gen.text(sst_part)) if sst_part else []

    for name in [*remove, *(g.name for g in gen_entries)]:
        if name in by_name and name not in owned:
            raise PackageError(
                f"工作表“{name}”不是 branchkit 生成的，为免覆盖员工的数据，请先把它改名"
            )

    # Take out the sheets asked to go: parts, relationships, and names scoped to them.
    for name in remove:
        entry = by_name.pop(name, None)
        if entry is None:
            continue
        position = entries.index(entry)
        entries.remove(entry)
        _drop_part_tree(pkg, entry.part, content_types)
        wb_xml = wb_xml.replace(entry.tag, "", 1)
        wb_rels = re.sub(
            rf'<(?:\w+:)?Relationship\b[^>]*Id="{re.escape(entry.rid)}"[^>]*/>', "", wb_rels
        )
        kept = []
        for tag in names:
            local = _local_id(tag)
            if local == position:
                continue
            if local is not None and local > position:
                tag = tag.replace(f'localSheetId="{local}"', f'localSheetId="{local - 1}"')
            kept.append(tag)
        names = kept
        wb_xml = _shift_views(wb_xml, position, len(entries))

    for gen_entry in gen_entries:
        filled = cells(gen_entry.name, merger.xfs) if cells else None
        sheet_xml = transplant_sheet_xml(
            gen.text(gen_entry.part), strings, merger.xfs, merger.dxfs, filled
        )
        existing = by_name.get(gen_entry.name)
        if existing:
            part = existing.part
            _drop_part_tree(pkg, part, content_types)
            position = entries.index(existing)
        else:
            part = pkg.unique("xl/worksheets/sheet{}.xml")
            rid = _unique_rid(wb_rels)
            wb_rels = _insert_rel(wb_rels, Rel(rid, REL_WORKSHEET, relative(wb_part, part)))
            sheet_id = max([0, *(e.sheet_id for e in entries)]) + 1
            tag = f'<sheet name="{escape(gen_entry.name)}" sheetId="{sheet_id}" r:id="{rid}"/>'
            wb_xml = _insert_before_close(wb_xml, "sheets", _with_rel_prefix(wb_xml, tag))
            entry = SheetEntry(gen_entry.name, sheet_id, rid, part, tag)
            entries.append(entry)
            by_name[entry.name] = entry
            position = len(entries) - 1
        pkg.put(part, sheet_xml)
        content_types[0] = _content_type_override(content_types[0], part, CT_WORKSHEET)
        _copy_part_tree(gen, pkg, gen_entry.part, part, content_types)
        # Names scoped to this sheet (print titles, filters) come from the generated workbook.
        gen_position = gen_entries.index(gen_entry)
        names = [t for t in names if _local_id(t) != position]
        for tag in gen_names:
            if _local_id(tag) == gen_position:
                names.append(
                    tag.replace(f'localSheetId="{gen_position}"', f'localSheetId="{position}"')
                )

    names.sort(
        key=lambda t: (attrs(t[: t.index(">") + 1]).get("name", "").lower(), _local_id(t) or -1)
    )
    wb_xml = _set_defined_names(wb_xml, names)
    pkg.put(wb_part, wb_xml)
    pkg.put(wb_rels_part, wb_rels)
    pkg.put("[Content_Types].xml", content_types[0])
    pkg.put(styles_part, merger.xml)
    _drop_calc_chain_if_stale(pkg, wb_part, wb_rels)
    check_xml(pkg, [*registry, styles_part], "修改后")
    _keep_unchanged(pkg)
    return pkg


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


def _keep_unchanged(pkg: Package) -> None:
    """A part rewritten to the same bytes is not a change: keep its original zip entry."""
    for name, content in list(pkg.changed.items()):
        if content is not None and pkg.original(name) == content:
            del pkg.changed[name]


def _drop_calc_chain_if_stale(pkg: Package, wb_part: str, wb_rels: str) -> None:
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
    pkg.put(
        rels_path(wb_part),
        re.sub(
            rf'<(?:\w+:)?Relationship\b[^>]*Id="{re.escape(rel.id)}"[^>]*/>',
            "",
            pkg.text(rels_path(wb_part)),
        ),
    )
    pkg.put(
        "[Content_Types].xml", _content_type_override(pkg.text("[Content_Types].xml"), part, None)
    )


def _unique_rid(rels: str) -> str:
    taken = {r.id for r in parse_rels(rels)}
    n = 1
    while f"rId{n}" in taken:
        n += 1
    return f"rId{n}"


def _with_rel_prefix(wb_xml: str, tag: str) -> str:
    """Use whatever prefix this workbook.xml binds to the relationships namespace."""
    match = re.search(rf'xmlns:(\w+)="{re.escape(REL_NS)}"', wb_xml)
    if match and match.group(1) != "r":
        return tag.replace(" r:id=", f" {match.group(1)}:id=")
    if not match:
        return tag.replace(" r:id=", f' xmlns:r="{REL_NS}" r:id=')
    return tag


def _shift_views(wb_xml: str, removed: int, remaining: int) -> str:
    """Keep activeTab/firstSheet pointing at a sheet that exists after one is removed."""

    def fix(match: re.Match[str]) -> str:
        value = int(match.group(2))
        if value > removed:
            value -= 1
        value = min(value, max(remaining - 1, 0))
        return f'{match.group(1)}"{value}"'

    return re.sub(r'(\b(?:activeTab|firstSheet)=)"(\d+)"', fix, wb_xml)
