"""One small test per part module of the package writer, the way XlsxWriter tests one part each."""

from __future__ import annotations

import io
import zipfile

import pytest
from branchkit.package import Package, PackageError, check_xml, rewrite_entries
from branchkit.package.contenttypes import set_override
from branchkit.package.relationships import (
    Rel,
    insert_rel,
    parse_rels,
    relative,
    remove_rel,
    resolve,
    unique_rid,
)
from branchkit.package.sharedstrings import shared_string_texts
from branchkit.package.styles import StyleMerger, style_items
from branchkit.package.workbook import (
    defined_names,
    drop_calc_chain_if_stale,
    set_defined_names,
    shift_views,
    sort_names,
)
from branchkit.package.worksheet import transplant_sheet_xml
from branchkit.package.xmltext import insert_before_close
from defusedxml import ElementTree

from .partdiff import part_differences, xml_difference

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"


def _zip(entries: dict[str, bytes], compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as zf:
        for name, content in entries.items():
            info = zipfile.ZipInfo(name, (2019, 5, 6, 7, 8, 10))
            info.compress_type = compression
            zf.writestr(info, content)
    return out.getvalue()


# ---------------------------------------------------------------- container


def test_unchanged_entries_are_copied_with_their_compressed_bytes_and_dates() -> None:
    source = _zip({"a.xml": b"<a/>" * 100, "b.bin": bytes(range(256))}, zipfile.ZIP_STORED)
    pkg = Package(source)
    pkg.put("a.xml", b"<a>new</a>")
    pkg.put("c.xml", b"<c/>")
    out = io.BytesIO()
    pkg.write(out)
    with zipfile.ZipFile(out) as zf:
        b = zf.getinfo("b.bin")
        assert (b.compress_type, b.date_time) == (zipfile.ZIP_STORED, (2019, 5, 6, 7, 8, 10))
        assert zf.read("b.bin") == bytes(range(256))
        assert zf.read("a.xml") == b"<a>new</a>"
        assert zf.namelist() == ["a.xml", "b.bin", "c.xml"]  # originals keep their place
        assert zf.testzip() is None


def test_a_part_rewritten_to_its_own_bytes_is_not_a_change() -> None:
    pkg = Package(_zip({"a.xml": b"<a/>", "b.xml": b"<b/>"}))
    pkg.put("a.xml", b"<a/>")
    pkg.put("b.xml", b"<b>changed</b>")
    pkg.keep_unchanged()
    assert list(pkg.changed) == ["b.xml"]


def test_deleted_parts_are_gone_and_their_names_free() -> None:
    pkg = Package(_zip({"xl/worksheets/sheet1.xml": b"<w/>"}))
    pkg.delete("xl/worksheets/sheet1.xml")
    assert pkg.unique("xl/worksheets/sheet{}.xml") == "xl/worksheets/sheet1.xml"
    assert pkg.names() == set()


def test_not_a_zip_is_one_line() -> None:
    with pytest.raises(PackageError, match="zip"):
        Package(b"PK\x03\x04 but not really")


def test_rewrite_entries_passes_each_entry_through_the_edit_and_keeps_order() -> None:
    source = _zip({"one.xml": b"<one/>", "two.xml": b"<two/>"})
    out = rewrite_entries(source, lambda name, data: data.upper() if name == "two.xml" else data)
    with zipfile.ZipFile(io.BytesIO(out)) as zf:
        assert zf.namelist() == ["one.xml", "two.xml"]
        assert zf.read("one.xml") == b"<one/>"
        assert zf.read("two.xml") == b"<TWO/>"
        assert zf.getinfo("one.xml").date_time == (2019, 5, 6, 7, 8, 10)


# ---------------------------------------------------------------- relationships


def test_relationships_resolve_relative_and_absolute_targets() -> None:
    xml = (
        '<x:Relationships xmlns:x="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<x:Relationship Id="rId1" Type="t/worksheet" Target="worksheets/sheet1.xml"/>'
        '<x:Relationship Id="rId2" Type="t/styles" Target="/xl/styles.xml"/>'
        '<x:Relationship Id="rId3" Type="t/hyperlink" Target="http://e.x" TargetMode="External"/>'
        "</x:Relationships>"
    )
    rels = parse_rels(xml)
    assert [r.id for r in rels] == ["rId1", "rId2", "rId3"]
    assert resolve("xl/workbook.xml", rels[0].target) == "xl/worksheets/sheet1.xml"
    assert resolve("xl/workbook.xml", rels[1].target) == "xl/styles.xml"
    assert rels[2].external
    assert relative("xl/worksheets/sheet2.xml", "xl/drawings/drawing1.xml") == (
        "../drawings/drawing1.xml"
    )
    assert unique_rid(xml) == "rId4"
    assert [r.id for r in parse_rels(remove_rel(xml, "rId2"))] == ["rId1", "rId3"]
    added = insert_rel(xml, Rel("rId4", "t/worksheet", "worksheets/sheet2.xml"))
    assert [r.target for r in parse_rels(added)][-1] == "worksheets/sheet2.xml"
    ElementTree.fromstring(added)


# ---------------------------------------------------------------- content types


def test_a_content_type_override_is_replaced_or_removed() -> None:
    xml = (
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="old"/></Types>'
    )
    replaced = set_override(xml, "xl/worksheets/sheet1.xml", "new")
    assert replaced.count("<Override") == 1 and 'ContentType="new"' in replaced
    assert "<Override" not in set_override(xml, "xl/worksheets/sheet1.xml", None)


# ---------------------------------------------------------------- styles


GENERATED_STYLES = (
    '<?xml version="1.0"?><styleSheet xmlns="' + MAIN + '">'
    '<numFmts count="1"><numFmt numFmtId="164" formatCode="0.0%"/></numFmts>'
    '<fonts count="2"><font><sz val="11"/></font><font><b/><sz val="15"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders>'
    '<cellXfs count="2"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
    '<xf numFmtId="164" fontId="1" fillId="0" borderId="0"/></cellXfs>'
    "</styleSheet>"
)


def test_styles_are_appended_once_and_reused_on_the_next_merge() -> None:
    target = (
        '<?xml version="1.0"?><styleSheet xmlns="' + MAIN + '">'
        '<fonts count="1"><font><sz val="11"/></font></fonts>'
        '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
        '<borders count="1"><border/></borders>'
        '<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellXfs>'
        "</styleSheet>"
    )
    first = StyleMerger(target, GENERATED_STYLES)
    assert first.xfs == {0: 0, 1: 1}  # the plain xf is the target's own
    bold = style_items(first.xml, "cellXfs")[1]
    assert 'fontId="1"' in bold and 'numFmtId="164"' in bold
    assert "<numFmts" in first.xml.split("<fonts")[0]  # a missing list goes in its place
    second = StyleMerger(first.xml, GENERATED_STYLES)
    assert second.xml == first.xml
    ElementTree.fromstring(first.xml)


def test_styles_of_a_prefixed_stylesheet_are_written_with_its_prefix() -> None:
    target = (
        '<?xml version="1.0"?><x:styleSheet xmlns:x="' + MAIN + '">'
        '<x:fonts count="1"><x:font><x:sz val="11"/></x:font></x:fonts>'
        '<x:cellXfs count="1"><x:xf numFmtId="0" fontId="0" fillId="0" borderId="0"/>'
        "</x:cellXfs></x:styleSheet>"
    )
    merged = StyleMerger(target, GENERATED_STYLES).xml
    root = ElementTree.fromstring(merged)
    assert len(root.findall(f"{{{MAIN}}}fonts/{{{MAIN}}}font")) == 2
    assert len(root.findall(f"{{{MAIN}}}cellXfs/{{{MAIN}}}xf")) == 2


# ---------------------------------------------------------------- shared strings


def test_shared_string_text_joins_runs_and_leaves_out_phonetic_guides() -> None:
    xml = (
        '<sst xmlns="' + MAIN + '"><si><t>plain &amp; simple</t></si><si/>'
        "<si><r><t>张</t></r><r><rPr><b/></rPr><t>三</t></r><rPh sb='0' eb='1'><t>zhang</t></rPh></si>"
        "</sst>"
    )
    assert shared_string_texts(xml) == ["plain & simple", "", "张三"]


# ---------------------------------------------------------------- workbook


def test_defined_names_are_kept_sorted_and_replaced_as_a_block() -> None:
    wb = (
        '<workbook xmlns="' + MAIN + '"><sheets/><definedNames>'
        '<definedName name="b">1</definedName><definedName name="A" localSheetId="2">2</definedName>'
        "</definedNames></workbook>"
    )
    names = defined_names(wb)
    sort_names(names)
    assert [n.split('"')[1] for n in names] == ["A", "b"]
    assert set_defined_names(wb, []).count("definedName") == 0
    ElementTree.fromstring(set_defined_names(wb, names))


def test_views_point_at_a_sheet_that_is_still_there() -> None:
    wb = '<workbookView activeTab="3" firstSheet="1"/>'
    assert shift_views(wb, removed=0, remaining=3) == '<workbookView activeTab="2" firstSheet="0"/>'
    assert shift_views(wb, removed=3, remaining=3) == '<workbookView activeTab="2" firstSheet="1"/>'


def test_a_calc_chain_naming_a_removed_sheet_goes_with_its_registrations() -> None:
    rels = (
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="x/worksheet" Target="worksheets/sheet1.xml"/>'
        '<Relationship Id="rId9" Type="x/calcChain" Target="calcChain.xml"/></Relationships>'
    )
    pkg = Package(
        _zip(
            {
                "[Content_Types].xml": b'<Types><Override PartName="/xl/calcChain.xml" '
                b'ContentType="c"/></Types>',
                "xl/workbook.xml": f'<workbook xmlns="{MAIN}"><sheets><sheet name="a" '
                'sheetId="1" r:id="rId1" xmlns:r="r"/></sheets></workbook>'.encode(),
                "xl/_rels/workbook.xml.rels": rels.encode(),
                "xl/calcChain.xml": b'<calcChain><c r="A1" i="1"/></calcChain>',
            }
        )
    )
    drop_calc_chain_if_stale(pkg, "xl/workbook.xml", rels)
    assert pkg.changed == {}  # sheet 1 exists: the chain stays
    pkg.put("xl/calcChain.xml", b'<calcChain><c r="A1" i="2"/></calcChain>')
    drop_calc_chain_if_stale(pkg, "xl/workbook.xml", rels)
    assert pkg.get("xl/calcChain.xml") is None
    assert "calcChain" not in pkg.text("xl/_rels/workbook.xml.rels")
    assert "calcChain" not in pkg.text("[Content_Types].xml")


# ---------------------------------------------------------------- worksheet


def test_a_generated_sheet_points_at_the_target_styles_and_inlines_its_strings() -> None:
    xml = (
        f'<worksheet xmlns="{MAIN}"><sheetViews><sheetView tabSelected="1"/></sheetViews>'
        '<cols><col min="1" max="1" style="1"/></cols><sheetData><row r="1" s="1">'
        '<c r="A1" s="1" t="s"><v>0</v></c><c r="B1" s="0"><v>2</v></c></row></sheetData>'
        '<conditionalFormatting sqref="B1"><cfRule dxfId="0"/></conditionalFormatting></worksheet>'
    )
    out = transplant_sheet_xml(xml, ["<t>名字</t>"], {0: 5, 1: 7}, {0: 3}).decode()
    root = ElementTree.fromstring(out)
    ns = {"m": MAIN}
    a1 = root.find("m:sheetData/m:row/m:c[@r='A1']", ns)
    assert a1 is not None and a1.get("t") == "inlineStr" and a1.get("s") == "7"
    assert root.find("m:sheetData/m:row", ns).get("s") == "7"  # type: ignore[union-attr]
    assert root.find("m:cols/m:col", ns).get("style") == "7"  # type: ignore[union-attr]
    assert root.find("m:conditionalFormatting/m:cfRule", ns).get("dxfId") == "3"  # type: ignore[union-attr]
    assert "tabSelected" not in out  # the staff's own active tab stays active


# ---------------------------------------------------------------- XML text


def test_insert_before_close_expands_a_self_closed_element_of_any_prefix() -> None:
    assert insert_before_close("<x:a><x:b/></x:a>", "b", "<c/>") == "<x:a><x:b><c/></x:b></x:a>"
    with pytest.raises(PackageError):
        insert_before_close("<a/>", "sheets", "<c/>")


def test_a_part_with_a_dtd_is_refused_before_editing() -> None:
    pkg = Package(_zip({"x.xml": b'<!DOCTYPE a [<!ENTITY e "e">]><a>&e;</a>'}))
    with pytest.raises(PackageError, match=r"x\.xml 不是有效的 XML"):
        check_xml(pkg, ["x.xml"], "")


# ---------------------------------------------------------------- the comparison itself


def test_the_fidelity_report_names_the_part_and_the_element() -> None:
    sheet = f'<worksheet xmlns="{MAIN}"><sheetData><row r="1"><c r="A1" s="1"/><c r="B1" s="1"/>'
    before = _zip({"xl/worksheets/sheet1.xml": (sheet + "</row></sheetData></worksheet>").encode()})
    after = _zip(
        {
            "xl/worksheets/sheet1.xml": (sheet.replace('"B1" s="1"', '"B1" s="4"'))
            .__add__("</row></sheetData></worksheet>")
            .encode()
        }
    )
    assert part_differences(before, after) == [
        "xl/worksheets/sheet1.xml: worksheet/sheetData[1]/row[1]/c[2] attribute s: '1' -> '4'"
    ]
    assert part_differences(before, after, {"xl/worksheets/sheet1.xml"}) == []
    assert "child c added" in xml_difference(b"<a><b/></a>", b"<a><b/><c/></a>")


def _vml(block: int, *shapes: int) -> bytes:
    drawn = "".join(f'<v:shape id="_x0000_s{s}"/>' for s in shapes)
    return (
        '<xml xmlns:v="urn:schemas-microsoft-com:vml" xmlns:o="urn:schemas-microsoft-com:office:office">'
        f'<o:shapelayout v:ext="edit"><o:idmap v:ext="edit" data="{block}"/></o:shapelayout>'
        f"{drawn}</xml>"
    ).encode()


def test_new_legacy_drawings_each_move_to_a_shape_block_nobody_uses() -> None:
    from branchkit.package.drawings import move_new_drawings

    old = {"xl/drawings/vmlDrawing1.vml": _vml(1, 1025), "xl/drawings/vmlDrawing2.vml": _vml(2)}
    pkg = Package.read(_zip(old))
    before = set(pkg.names())
    pkg.put("xl/drawings/vmlDrawing3.vml", _vml(1, 1025, 1026))  # drawn in a workbook of its own
    pkg.put("xl/drawings/vmlDrawing4.vml", _vml(1, 1025))
    move_new_drawings(pkg, before)
    assert pkg.text("xl/drawings/vmlDrawing3.vml") == _vml(3, 3073, 3074).decode()
    assert pkg.text("xl/drawings/vmlDrawing4.vml") == _vml(4, 4097).decode()
    for name, data in old.items():  # the workbook's own drawings are left as they were
        assert pkg.get(name) == data
