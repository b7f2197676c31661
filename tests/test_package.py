"""Issue 'Never damage a staff workbook': the package-level writer keeps every part it does not own."""

from __future__ import annotations

import io
import os
import random
import signal
import subprocess
import sys
import time
import warnings
import zipfile
from pathlib import Path

import pytest
from branchkit import schema
from branchkit.package import PackageError, replace_sheets
from branchkit.problems import BookError
from branchkit.render.spec import Chart, Col, SheetSpec, Table
from branchkit.render.xlsx import build
from branchkit.schema import GENERATED_MARK
from branchkit.writeback import BACKUP_FOLDER, write_generated
from defusedxml import ElementTree

from .conftest import CORPUS, ROOT
from .partdiff import part_differences
from .partdiff import parts as _parts

# The only parts that may change: they register the new sheets and their styles.
REGISTRY_PARTS = {
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
}


def _spec(name: str = "排行榜", rows: int = 3, label: str = "") -> SheetSpec:
    table = Table(
        [Col("姓名"), Col("完成率", "pct_bar"), Col("进度", "status")],
        [[f"员工{i}{label}", i / 10, "低于进度"] for i in range(rows)],
    )
    return SheetSpec(
        name, name, f"2026-11-20 · {GENERATED_MARK}", [table], charts=[Chart(0, 0, (1,), "完成率")]
    )


def _check_preserved(original: bytes, written: bytes) -> None:
    """Every part kept, byte for byte outside the registry; a failure names the part and the
    first element that differs."""
    differences = part_differences(original, written, REGISTRY_PARTS)
    assert not differences, "; ".join(differences)
    for name, content in _parts(written).items():
        if name.endswith((".xml", ".rels")):
            ElementTree.fromstring(content)  # every part we touched is well-formed XML


corpus_files = sorted(CORPUS.glob("*.xls[xm]")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.slow
@pytest.mark.skipif(not corpus_files, reason="../shared/excel-corpus is absent")
def test_every_excel_made_workbook_keeps_every_part() -> None:
    import openpyxl
    from python_calamine import CalamineWorkbook

    generated = build([_spec()])
    failures = {}
    for path in corpus_files:
        original = path.read_bytes()
        try:
            buffer = io.BytesIO()
            replace_sheets(original, generated, set()).write(buffer)
            written = buffer.getvalue()
            _check_preserved(original, written)
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                assert "排行榜" in openpyxl.load_workbook(io.BytesIO(written)).sheetnames
            rows = (
                CalamineWorkbook.from_filelike(io.BytesIO(written))
                .get_sheet_by_name("排行榜")
                .to_python()
            )
            assert rows[4][0] == "员工0"
        except Exception as exc:  # collect, so the report names every file that fails
            failures[path.name] = f"{type(exc).__name__}: {exc}"
    assert failures == {}, f"{len(failures)}/{len(corpus_files)} failed"


def test_refresh_twice_gives_the_same_bytes(sample_copy: Path) -> None:
    generated = build([_spec(), _spec("转介质量", 5)])
    write_generated(sample_copy, generated, ["排行榜", "转介质量"])
    first = sample_copy.read_bytes()
    write_generated(sample_copy, generated, ["排行榜", "转介质量"])
    assert sample_copy.read_bytes() == first


def test_input_sheets_are_byte_identical(sample_copy: Path) -> None:
    original = sample_copy.read_bytes()
    write_generated(sample_copy, build([_spec()]), ["排行榜"])
    _check_preserved(original, sample_copy.read_bytes())


def test_a_second_refresh_replaces_in_place_and_cleans_old_parts(sample_copy: Path) -> None:
    write_generated(sample_copy, build([_spec(rows=3)]), ["排行榜"])
    write_generated(sample_copy, build([_spec(rows=8, label="新")]), ["排行榜"])
    parts = _parts(sample_copy.read_bytes())
    assert sum(n.startswith("xl/charts/chart") for n in parts) == 1
    assert sum(n.startswith("xl/drawings/drawing") and n.endswith(".xml") for n in parts) == 1
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(sample_copy)
    assert wb.sheetnames.count("排行榜") == 1
    assert wb["排行榜"]["A12"].value == "员工7新"  # header on row 4, data from row 5


def test_removing_a_generated_sheet_cleans_parts_and_names(sample_copy: Path) -> None:
    original = sample_copy.read_bytes()
    write_generated(sample_copy, build([_spec(), _spec("转介质量")]), ["排行榜", "转介质量"])
    write_generated(sample_copy, build([_spec("转介质量")]), ["转介质量"], remove=["排行榜"])
    parts = _parts(sample_copy.read_bytes())
    workbook = parts["xl/workbook.xml"].decode()
    assert "排行榜" not in workbook
    assert sum(n.startswith("xl/charts/") for n in parts) == 1  # only 转介质量's chart is left
    # 转介质量's print titles moved with it to its new position (the last sheet).
    sheets = workbook.count("<sheet ")
    assert (
        f'localSheetId="{sheets - 1}">转介质量' in workbook
        or f"localSheetId=\"{sheets - 1}\">'转介质量'" in workbook
    )
    _check_preserved(original, sample_copy.read_bytes())


def test_a_sheet_a_person_made_is_never_overwritten(tmp_path: Path) -> None:
    import xlsxwriter

    book = tmp_path / "own.xlsx"
    wb = xlsxwriter.Workbook(book)
    wb.add_worksheet("排行榜").write_string(0, 0, "我自己做的排行")
    wb.close()
    before = book.read_bytes()
    with pytest.raises(BookError, match="不是 branchkit 生成的"):
        write_generated(book, build([_spec()]), ["排行榜"])
    assert book.read_bytes() == before


def test_a_tab_made_before_the_mark_was_in_chinese_is_still_ours(sample_copy: Path) -> None:
    """A 排行榜 an earlier version wrote carries the earlier mark: refresh replaces it."""
    from branchkit.schema import FORMER_MARKS

    earlier = _spec()
    earlier.subtitle = f"2026-11-19 · {FORMER_MARKS[0]}"
    write_generated(sample_copy, build([earlier]), ["排行榜"])
    write_generated(sample_copy, build([_spec(label="新")]), ["排行榜"])
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        wb = openpyxl.load_workbook(sample_copy)
    assert wb.sheetnames.count("排行榜") == 1
    assert GENERATED_MARK in str(wb["排行榜"]["A2"].value)


def test_out_leaves_the_original_untouched(sample_copy: Path, tmp_path: Path) -> None:
    before = sample_copy.read_bytes()
    out = tmp_path / "copy.xlsx"
    write_generated(sample_copy, build([_spec()]), ["排行榜"], out=out)
    assert sample_copy.read_bytes() == before
    assert "排行榜" in _parts(out.read_bytes())["xl/workbook.xml"].decode()


def test_workbook_open_in_excel_is_not_written(sample_copy: Path) -> None:
    owner = sample_copy.with_name("~$" + sample_copy.name)
    owner.write_bytes(b"\x05user")
    before = sample_copy.read_bytes()
    with pytest.raises(BookError, match=r"正在 Excel 中打开.*--out"):
        write_generated(sample_copy, build([_spec()]), ["排行榜"])
    assert sample_copy.read_bytes() == before


def test_backups_are_kept_with_retention(sample_copy: Path) -> None:
    for i in range(4):
        write_generated(sample_copy, build([_spec(rows=i + 1)]), ["排行榜"], keep_backups=2)
    backups = sorted((sample_copy.parent / BACKUP_FOLDER).iterdir())
    assert len(backups) == 2
    assert backups[0].read_bytes() != sample_copy.read_bytes()


def test_not_a_package_is_refused() -> None:
    with pytest.raises(PackageError):
        replace_sheets(b"not a zip", build([_spec()]), set())


KILL_SCRIPT = """
import sys
from branchkit.render.spec import Col, SheetSpec, Table
from branchkit.render.xlsx import build
from branchkit import schema
from branchkit.schema import GENERATED_MARK
from branchkit.writeback import write_generated
book = sys.argv[1]
specs = [[SheetSpec(n, n, GENERATED_MARK, [Table([Col("x")], [[f"{n}{i}"] for i in range(k)])])
          for n in ("排行榜", "转介质量")] for k in (50, 400)]
payloads = [build(s) for s in specs]
print("ready", flush=True)
i = 0
while True:
    write_generated(book, payloads[i % 2], ["排行榜", "转介质量"], keep_backups=1)
    i += 1
"""


@pytest.mark.skipif(os.name != "posix", reason="SIGKILL")
def test_killing_the_writer_at_random_moments_never_breaks_the_workbook(sample_copy: Path) -> None:
    from python_calamine import CalamineWorkbook

    inputs = {
        n: c
        for n, c in _parts(sample_copy.read_bytes()).items()
        if n.startswith("xl/worksheets/sheet")
    }
    rng = random.Random(7)
    env = {**os.environ, "PYTHONPATH": str(ROOT / "toolkit")}
    for _ in range(100):
        proc = subprocess.Popen(
            [sys.executable, "-c", KILL_SCRIPT, str(sample_copy)], stdout=subprocess.PIPE, env=env
        )
        assert proc.stdout is not None and proc.stdout.readline().strip() == b"ready"
        time.sleep(rng.uniform(0, 0.25))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        with zipfile.ZipFile(sample_copy) as zf:
            assert zf.testzip() is None
        parts = _parts(sample_copy.read_bytes())
        for name, content in inputs.items():
            assert parts[name] == content
        names = CalamineWorkbook.from_path(str(sample_copy)).sheet_names
        assert names[: 1 + len(schema.INPUT_SHEETS)] == [
            "说明",
            *(sheet.name for sheet in schema.INPUT_SHEETS),
        ]
    # The next run clears temp files that killed runs left behind.
    write_generated(sample_copy, build([_spec()]), ["排行榜"])
    assert not [p for p in sample_copy.parent.iterdir() if p.name.startswith(".~branchkit")]


def test_a_workbook_with_xml_entities_is_refused_untouched(sample_copy: Path) -> None:
    """A DTD in a part we edit (an XML bomb, an external entity) stops the write."""
    original = _parts(sample_copy.read_bytes())
    bomb = original["xl/workbook.xml"].replace(
        b"<workbook ", b'<!DOCTYPE workbook [<!ENTITY a "aaaaaaaaaa">]><workbook ', 1
    )
    with zipfile.ZipFile(sample_copy, "w") as zf:
        for name, content in original.items():
            zf.writestr(name, bomb if name == "xl/workbook.xml" else content)
    before = sample_copy.read_bytes()
    with pytest.raises(BookError, match="不是有效的 XML"):
        write_generated(sample_copy, build([_spec()]), ["排行榜"])
    assert sample_copy.read_bytes() == before


def _sheet_with_button_and_comment(name: str = "控制台") -> bytes:
    import xlsxwriter

    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer)
    ws = wb.add_worksheet(name)
    ws.write("A1", GENERATED_MARK)
    ws.write_comment("A1", "说明")
    ws.insert_button("C3", {"macro": "refresh", "caption": "刷新"})
    wb.close()
    return buffer.getvalue()


def test_a_sheet_with_a_button_and_a_comment_brings_its_vml_and_content_types(
    sample_copy: Path,
) -> None:
    """Legacy VML drawings (buttons, comment boxes) and comments travel with their sheet, each
    under a fresh name of its kind and with the content type the source package gives it."""
    from branchkit.package import Package, sheet_entries, workbook_part
    from branchkit.package.contenttypes import content_type_of
    from branchkit.package.relationships import parse_rels, rels_path, resolve

    original = sample_copy.read_bytes()
    original_parts = _parts(original)
    written = io.BytesIO()
    replace_sheets(original, _sheet_with_button_and_comment(), set()).write(written)
    after = _parts(written.getvalue())
    _check_preserved(original, written.getvalue())
    pkg = Package(written.getvalue())
    new_sheet = next(e.part for e in sheet_entries(pkg, workbook_part(pkg)) if e.name == "控制台")
    targets = [
        resolve(new_sheet, r.target)
        for r in parse_rels(after[rels_path(new_sheet)].decode())
        if not r.external
    ]
    kinds = {t.rsplit(".", 1)[-1] for t in targets}
    assert kinds == {"vml", "xml"} and all(t in after and t not in original_parts for t in targets)
    assert {t.rsplit("/", 1)[0] for t in targets} == {"xl", "xl/drawings"}  # where Excel keeps them
    types = after["[Content_Types].xml"].decode()
    for target in targets:
        expected = "vmlDrawing" if target.endswith(".vml") else "comments"
        assert expected in (content_type_of(types, target) or ""), target
    import openpyxl

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        ws = openpyxl.load_workbook(io.BytesIO(written.getvalue()))["控制台"]
    assert ws["A1"].comment is not None and ws["A1"].comment.text == "说明"
    # Taking the sheet out again takes its VML and comments with it.
    again = io.BytesIO()
    replace_sheets(written.getvalue(), build([_spec()]), {"控制台"}, remove=["控制台"]).write(again)
    assert not set(targets) & set(_parts(again.getvalue()))
