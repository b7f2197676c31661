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
        assert [c.value for c in ws[1]] == [c.header for c in sheet.columns]
        assert ws.freeze_panes == "A2"
    tracking = wb["追踪表"]
    sources = [dv.formula1 for dv in tracking.data_validations.dataValidation]
    assert "'产品'!$A$2:$A$2000" in sources  # 达成产品 comes from the 产品 sheet
    assert '"是,否"' in sources


def test_readme_tables_are_generated_from_the_code() -> None:
    from branchkit.docs import render

    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert render(readme) == readme, "run: python -m branchkit.docs"
