"""The committed template and samples are exactly what the scripts build (no hand edits drift in)."""

from __future__ import annotations

from pathlib import Path

from branchkit import schema
from branchkit.templates import build_templates
from openpyxl import load_workbook

from .conftest import ROOT, SAMPLES
from .samples import write_samples


def test_committed_template_equals_the_build(tmp_path: Path) -> None:
    built = build_templates(tmp_path)
    for path in built:
        assert path.read_bytes() == (ROOT / "templates" / "xlsx" / path.name).read_bytes(), (
            path.name
        )


def test_committed_samples_equal_the_build(tmp_path: Path) -> None:
    for path in write_samples(tmp_path):
        assert path.read_bytes() == (SAMPLES / path.name).read_bytes(), path.name


def test_template_has_every_input_sheet_with_dropdowns_and_frozen_headers() -> None:
    wb = load_workbook(ROOT / "templates" / "xlsx" / "网点营销管理.xlsx")
    assert wb.sheetnames == ["说明"] + [s.name for s in schema.INPUT_SHEETS]
    for sheet in schema.INPUT_SHEETS:
        ws = wb[sheet.name]
        # a header in two lines breaks where its words break; read back it is the header
        assert [c.value.replace("\n", "") for c in ws[1]] == [c.header for c in sheet.columns]
        assert ws.freeze_panes == "A2"
    tracking = wb["追踪表"]
    sources = [dv.formula1 for dv in tracking.data_validations.dataValidation]
    assert "OFFSET('产品'!$A$2,0,0,MAX(1,COUNTA('产品'!$A:$A)-1),1)" in sources  # 达成产品
    assert '"是,否"' in sources


ROSTER_LIST = "OFFSET('人员'!$A$2,0,0,MAX(1,COUNTA('人员'!$A:$A)-1),1)"


def test_names_people_type_come_from_a_dropdown_of_the_roster_that_grows_with_it() -> None:
    """推荐人, 接收人, 责任人, 整改责任人: a list of 人员's names — the filled part of its 姓名
    column, so a person added there is on it, and no blank entries; a name not on it (another
    branch's 网点·姓名) is warned about, not refused."""
    wb = load_workbook(ROOT / "templates" / "xlsx" / "网点营销管理.xlsx")
    expected = {
        "转介登记": {"推荐人", "接收人"},
        "追踪表": {"推荐人", "接收人"},
        "每日清单": {"责任人", "整改责任人"},
        "案例": {"责任人"},
        "行动计划": {"责任人"},
    }
    for name, headers in expected.items():
        ws = wb[name]
        columns = {c.value.replace("\n", ""): c.column_letter for c in ws[1]}
        for header in headers:
            (rule,) = [
                dv
                for dv in ws.data_validations.dataValidation
                if any(str(r).startswith(f"{columns[header]}2:") for r in dv.sqref.ranges)
            ]
            assert rule.type == "list" and rule.formula1 == ROSTER_LIST, (name, header)
            assert rule.errorStyle == "warning", (name, header)
            assert str(rule.sqref).endswith("2000")


def test_each_required_column_says_so_in_a_note_on_its_header() -> None:
    wb = load_workbook(ROOT / "templates" / "xlsx" / "网点营销管理.xlsx")
    for sheet in schema.INPUT_SHEETS:
        ws = wb[sheet.name]
        for cell, col in zip(ws[1], sheet.columns, strict=True):
            if col.required:
                assert cell.comment is not None, (sheet.name, col.header)
                assert cell.comment.text.startswith("必填"), (sheet.name, col.header)


def test_every_header_fits_its_column_on_one_line_or_breaks_between_words() -> None:
    """是否现场推荐 in a column too narrow for it printed 是否现场推 / 荐: a header either fits its
    column or has its lines declared (是否 / 现场推荐), each fitting."""
    from branchkit.render.lines import BOLD, print_width
    from branchkit.templates import HEADER_LINES, INPUT_SIZE, column_width, header_lines

    per_unit = INPUT_SIZE / 2 * 4 / 3 * BOLD
    for sheet in schema.INPUT_SHEETS:
        for col in sheet.columns:
            lines = header_lines(sheet, col, col.header)
            assert "".join(lines) == col.header
            width = column_width(lines, col.width)
            for line in lines:
                assert print_width(line) * per_unit + 6 <= width * 7 + 5, (sheet.name, line)
            if len(lines) > 1:
                assert (sheet.key, col.key) in HEADER_LINES and width <= col.width + 2
    assert all(len(lines) == 2 for lines in HEADER_LINES.values())
