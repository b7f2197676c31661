"""Issue 18: `branchkit add-buttons` gives the workbook a branch already has the buttons, and keeps
everything else in it exactly as it was."""

from __future__ import annotations

import io
import os
import re
import zipfile
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import pytest
from branchkit import schema
from branchkit.buttons import with_buttons
from branchkit.cli import main
from branchkit.doctor import checks, vba_modules
from branchkit.macros import BUTTONS, MACRO_TEMPLATE, UDF_SERVER_KEY
from branchkit.package import Package, parse_rels, rels_path, resolve, workbook_part
from branchkit.problems import BookError
from branchkit.vbaproject import MACRO_WORKBOOK_TYPE, module_sources
from click.testing import CliRunner
from python_calamine import CalamineWorkbook

from .conftest import CORPUS, ROOT, SAMPLE
from .windows_pc import PC, PY311, excel_path, ready_pc

TEMPLATE = ROOT / "templates" / "xlsx" / MACRO_TEMPLATE
CODE_NAME = re.compile(rb' codeName="[A-Za-z][A-Za-z0-9_]*"')
SHEET_PR = re.compile(rb'<sheetPr codeName="[A-Za-z][A-Za-z0-9_]*"/>')


def _parts(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def registry_parts(data: bytes) -> set[str]:
    """The parts add-buttons must edit: they name the new sheets, their styles, the project and
    the macro-enabled content type ([Content_Types].xml, the workbook part, its relationships
    and the styles part it relates)."""
    pkg = Package.read(data)
    wb_part = workbook_part(pkg)
    styles = {
        resolve(wb_part, r.target)
        for r in parse_rels(pkg.text(rels_path(wb_part)))
        if r.type.endswith("/styles")
    }
    return {"[Content_Types].xml", wb_part, rels_path(wb_part), *styles}


def only_a_code_name_added(before: bytes, after: bytes) -> bool:
    """A sheet part equal to the original but for the code name Excel writes with a project."""
    return SHEET_PR.sub(b"", after, count=1) == before or (
        CODE_NAME.sub(b"", after, count=1) == before
    )


def fidelity_problem(original: bytes, written: bytes) -> str | None:
    """What add-buttons changed beyond what it must, or None."""
    before, after = _parts(original), _parts(written)
    registry = registry_parts(original)
    had_project = "xl/vbaProject.bin" in before
    for name, content in before.items():
        if name not in after:
            return f"part lost: {name}"
        if after[name] == content or name in registry:
            continue
        if name == "xl/vbaProject.bin" and had_project:
            continue  # checked module by module below
        if not had_project and "sheets/" in name and only_a_code_name_added(content, after[name]):
            continue
        return f"part changed: {name}"
    added = set(after) - set(before)
    unexpected = [
        n
        for n in added
        if not re.fullmatch(
            r"xl/(worksheets/(_rels/)?sheet\d+\.xml(\.rels)?|drawings/vmlDrawing\d+\.vml|vbaProject\.bin)",
            n,
        )
    ]
    if unexpected:
        return f"unexpected parts: {unexpected}"
    if MACRO_WORKBOOK_TYPE.encode() not in after["[Content_Types].xml"]:
        return "workbook not macro-enabled"
    return None


def _corpus_case(path: Path) -> str | None:
    """One corpus workbook through add-buttons, checked by both readers; runs in a worker."""
    import tempfile

    from pyopenvba import ExcelFile, check_file

    original = path.read_bytes()
    try:
        written = with_buttons(original, path)
    except BookError as exc:
        with ExcelFile(path) as wb:  # the one refusal allowed here: a signed project
            if wb.has_vba_project() and wb.vba_signature().present and "数字签名" in exc.message:
                return None
        return f"refused: {exc.message}"
    problem = fidelity_problem(original, written)
    if problem:
        return problem
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / (path.stem + ".xlsm")
        out.write_bytes(written)
        known = {(i.code, i.location) for i in check_file(path).issues}
        new = [i for i in check_file(out).issues if (i.code, i.location) not in known]
        if new:
            return f"integrity: {new[0].code} {new[0].location}: {new[0].message}"
        modules = vba_modules(out)
        if path.suffix == ".xlsm":
            for name, source in vba_modules(path).items():
                if modules.get(name) != source:
                    return f"their module changed: {name}"
        for name, source in module_sources().items():
            if modules.get(name) != source:
                return f"olevba reads {name} back differently"
        rows = CalamineWorkbook.from_path(str(out)).get_sheet_by_name(schema.CONTROL_SHEET)
        if rows.to_python(skip_empty_area=False)[3][1] != "统计日期":
            return "控制台 unreadable"
    return None


corpus_files = sorted(CORPUS.glob("*.xls[xm]")) if CORPUS.is_dir() else []


@pytest.mark.corpus
@pytest.mark.skipif(not corpus_files, reason="../shared/excel-corpus is absent")
def test_every_excel_made_workbook_keeps_every_part() -> None:
    """The refresh fidelity test, for add-buttons: all parts Excel wrote are there and identical,
    but for the registry parts and, where Excel would write one, each sheet's code name; the
    project passes pyOpenVBA's check and olevba reads every module back."""
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        results = dict(
            zip(corpus_files, pool.map(_corpus_case, corpus_files, chunksize=16), strict=True)
        )
    failures = {p.name: r for p, r in results.items() if r is not None}
    assert failures == {}, f"{len(failures)}/{len(corpus_files)} failed: {failures}"


# ---------------------------------------------------------------- the sample month, through the CLI


def _values(path: Path, sheet: str) -> list[list[object]]:
    return CalamineWorkbook.from_path(str(path)).get_sheet_by_name(sheet).to_python()


@pytest.fixture
def added(sample_copy: Path) -> Path:
    result = CliRunner().invoke(main, ["add-buttons", str(sample_copy)])
    assert result.exit_code == 0, result.output
    written = sample_copy.with_suffix(".xlsm")
    assert str(written) in result.output
    return written


def test_the_sample_month_keeps_every_part(sample_copy: Path, added: Path) -> None:
    assert fidelity_problem(SAMPLE.read_bytes(), added.read_bytes()) is None
    assert sample_copy.read_bytes() == SAMPLE.read_bytes()  # the input is never written


def test_the_added_sheets_are_the_templates(added: Path) -> None:
    """控制台 and xlwings.conf are drawn by the template's code: same cells, same buttons."""
    for sheet in (schema.CONTROL_SHEET, schema.XLWINGS_CONF_SHEET):
        assert _values(added, sheet) == _values(TEMPLATE, sheet), sheet
    parts = _parts(added.read_bytes())
    vml = "".join(v.decode() for n, v in parts.items() if n.endswith(".vml"))
    for macro, caption in BUTTONS:
        assert f"<x:FmlaMacro>[0]!{macro}</x:FmlaMacro>" in vml
        assert caption in vml
        assert f"Sub {macro}()" in vba_modules(added)["branchkit"]


def test_the_buttons_get_shape_ids_of_their_own(added: Path) -> None:
    """The sample's comment drawings already use VML shape blocks; the buttons' drawing takes
    the next free one rather than repeating ids Excel keeps unique across the workbook."""
    blocks: dict[str, set[int]] = {}
    ours = ""
    for name, content in _parts(added.read_bytes()).items():
        if name.endswith(".vml"):
            text = content.decode()
            blocks[name] = {int(n) for n in re.findall(r"_x0000_s(\d+)", text)}
            ours = name if "FmlaMacro" in text else ours
    assert len(blocks[ours]) == len(BUTTONS) and len(blocks) > 1
    others = set().union(*(ids for n, ids in blocks.items() if n != ours))
    assert blocks[ours].isdisjoint(others)


def test_refresh_then_keeps_the_buttons(added: Path) -> None:
    before = _parts(added.read_bytes())
    result = CliRunner().invoke(main, ["refresh", str(added), "--date", "2026-11-20"])
    assert result.exit_code == 0, result.output
    after = _parts(added.read_bytes())
    for name in [n for n in before if n.endswith((".vml", ".bin"))]:
        assert after[name] == before[name], name
    assert "排行榜" in CalamineWorkbook.from_path(str(added)).sheet_names


def test_doctor_is_satisfied_with_the_result(added: Path) -> None:
    found = checks(added, PC(os="Linux"))
    assert all(c.ok for c in found), [c.label for c in found if not c.ok]


def test_an_existing_output_is_kept_without_force(sample_copy: Path, added: Path) -> None:
    first = added.read_bytes()
    result = CliRunner().invoke(main, ["add-buttons", str(sample_copy)])
    assert result.exit_code == 2
    assert "--force" in result.output and "Traceback" not in result.output
    assert added.read_bytes() == first


def test_force_replaces_it_and_keeps_the_old_one(sample_copy: Path, tmp_path: Path) -> None:
    out = tmp_path / "带按钮.xlsm"
    out.write_bytes(b"an older file")
    runner = CliRunner()
    assert runner.invoke(main, ["add-buttons", str(sample_copy), "--out", str(out)]).exit_code == 2
    result = runner.invoke(main, ["add-buttons", str(sample_copy), "--out", str(out), "--force"])
    assert result.exit_code == 0, result.output
    assert schema.CONTROL_SHEET in CalamineWorkbook.from_path(str(out)).sheet_names
    backups = list((tmp_path / "备份").glob("带按钮.*.xlsm"))
    assert [b.read_bytes() for b in backups] == [b"an older file"]


@pytest.mark.parametrize("force", [[], ["--force"]])
def test_a_workbook_with_buttons_already_is_told_so(added: Path, force: list[str]) -> None:
    """Not "the file exists, add --force": it has the buttons, and --force would not change
    that (the way to new buttons and to a fixed Python is said)."""
    first = added.read_bytes()
    result = CliRunner().invoke(main, ["add-buttons", str(added), *force])
    assert result.exit_code == 2
    line = result.output.strip()
    assert len(line.splitlines()) == 1 and "已经有按钮" in line and "文件已存在" not in line
    assert schema.CONTROL_SHEET in line and "doctor" in line and "--force 不会" in line
    assert added.read_bytes() == first


def test_the_output_must_be_xlsm(sample_copy: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(
        main, ["add-buttons", str(sample_copy), "--out", str(tmp_path / "x.xlsx")]
    )
    assert result.exit_code == 2 and ".xlsm" in result.output


def test_a_legacy_xls_is_refused(tmp_path: Path) -> None:
    book = tmp_path / "旧.xls"
    book.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
    result = CliRunner().invoke(main, ["add-buttons", str(book)])
    assert result.exit_code == 2 and "另存为" in result.output


# ---------------------------------------------------------------- doctor


def test_doctor_points_an_xlsx_at_add_buttons(sample_copy: Path) -> None:
    fixes = [c.fix for c in checks(sample_copy) if not c.ok]
    assert fixes and all(f"branchkit add-buttons {sample_copy.name}" in f for f in fixes)
    assert not any("复制" in f for f in fixes)


def test_the_conf_sheet_offers_the_udf_server_switched_off() -> None:
    conf = {row[0]: row[1] for row in _values(TEMPLATE, schema.XLWINGS_CONF_SHEET)}
    assert conf[UDF_SERVER_KEY] == "False"
    keys = [row[0] for row in _values(TEMPLATE, schema.XLWINGS_CONF_SHEET)]
    assert "" not in keys  # xlwings reads column A down to the first empty cell


@pytest.mark.parametrize("system", ["Windows", "Linux"])
def test_doctor_says_what_the_udf_server_changes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, system: str
) -> None:
    from branchkit import macros

    switched_on = [(k, "True" if k == UDF_SERVER_KEY else v, n) for k, v, n in macros.XLWINGS_CONF]
    monkeypatch.setattr(macros, "XLWINGS_CONF", tuple(switched_on))
    book = macros.write_macro_workbook(tmp_path / "按钮.xlsm")
    pc = ready_pc() if system == "Windows" else PC(os=system)
    found = {c.label: c for c in checks(book, pc)}
    udf = next(c for label, c in found.items() if UDF_SERVER_KEY in label)
    assert "第二次起点击更快" in udf.label and "重启 Excel" in udf.label
    dll = [c for label, c in found.items() if "DLL" in label]
    if system == "Windows":  # this machine has no xlwings DLL beside its Python
        assert len(dll) == 1 and not dll[0].ok and UDF_SERVER_KEY in dll[0].fix
    else:
        assert dll == [] and "只在 Windows 上有效" in udf.label


@pytest.mark.parametrize("system", ["Windows", "Linux"])
def test_doctor_names_every_button_and_promises_only_what_it_checked(
    added: Path, system: str
) -> None:
    from branchkit.doctor import report
    from branchkit.macros import BUTTONS

    # A PC whose PATH (as Excel gets it) leads to a Python with branchkit.
    pc = excel_path(ready_pc(), system=PY311) if system == "Windows" else PC(os=system)
    found = checks(added, pc)
    macros = next(c for c in found if c.label.startswith("branchkit 宏"))
    assert macros.ok and all(caption in macros.label for _, caption in BUTTONS)
    last = report(found, pc).splitlines()[-1]
    if system == "Windows":
        assert last == "一切就绪。"
    else:  # nothing about Excel could be tried here: the line says so rather than 一切就绪
        assert last.startswith("命令行一切就绪") and "装有 Excel 的电脑" in last
