"""A branch's own copy of the templates (`--template DIR`) with a mistake in it: one Chinese line
naming the template file and its line, exit 2, nothing written — not an internal error in
Jinja2's English."""

from __future__ import annotations

from pathlib import Path

import pytest
from branchkit.render.agenda import PACKAGE_TEMPLATES

from .refusals import one_line_exit_2, run

DAY = ["--date", "2026-11-20"]


def _copied(folder: Path, name: str, line: int, added: str) -> Path:
    """The shipped template `name` copied into `folder`, `added` at the end of line `line`."""
    source = next(p for p in PACKAGE_TEMPLATES.rglob(name) if p.parent.name in ("zh", "layout"))
    lines = source.read_text(encoding="utf-8").splitlines(keepends=True)
    lines[line - 1] = lines[line - 1].rstrip("\n") + added + "\n"
    folder.mkdir(exist_ok=True)
    (folder / name).write_text("".join(lines), encoding="utf-8")
    return folder


@pytest.mark.parametrize(
    ("name", "args"),
    [
        ("agenda.md.j2", ["build-agenda", "{book}", *DAY, "--format", "md"]),
        ("agenda.lines.j2", ["build-agenda", "{book}", *DAY]),
        ("weekly_mail.txt.j2", ["weekly", "{book}", "--week", "2026-W47", "--eml", "{eml}"]),
    ],
)
def test_a_syntax_error_in_a_branch_template_names_its_file_and_line(
    sample_copy: Path, tmp_path: Path, name: str, args: list[str]
) -> None:
    folder = _copied(tmp_path / "模板", name, 3, " {% if %}")
    before = sample_copy.read_bytes()
    command = [a.format(book=sample_copy, eml=tmp_path / "周报.eml") for a in args]
    result = run(*command, "--template", folder)
    assert result.exit_code == 2, result.output
    line = result.output.strip().splitlines()[-1]  # the weekly workbook is made before its mail
    assert line.startswith("错误：") and "Traceback" not in result.output
    for word in (name, "第 3 行", "语法错误"):
        assert word in line, line
    assert "TemplateSyntaxError" not in line and "Jinja" not in line
    assert sample_copy.read_bytes() == before
    assert not (tmp_path / "周报.eml").exists()


def test_a_name_a_branch_template_uses_that_branchkit_does_not_give_names_its_line(
    sample_copy: Path, tmp_path: Path
) -> None:
    folder = _copied(tmp_path / "模板", "agenda.lines.j2", 2, "{{ 不存在.的名称 }}")
    line = one_line_exit_2(
        run("build-agenda", sample_copy, *DAY, "--format", "txt", "--template", folder),
        "agenda.lines.j2",
        "第 2 行",
    )
    assert "UndefinedError" not in line and "undefined" not in line
