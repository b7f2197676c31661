"""docs/口径.md (the figure rules) and docs/工作簿.md (the workbook contract) stay true to the code:
what they generate from the code's declarations is current, every figure of the 说明 sheet has
its section, and every `docs/…md#heading` a comment, test or README cites is a heading there."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from branchkit.docs import FILES, notes_in, render
from branchkit.phrases import FIGURE_NOTES

ROOT = Path(__file__).resolve().parents[1]
DOCS = ("docs/口径.md", "docs/工作簿.md")
CITATION = re.compile(r"docs/(口径|工作簿)\.md#([^\s)）`'\"，。；、：,;:]+)")
LINK = re.compile(r"\]\(((?:口径|工作簿)\.md)?#([^)]+)\)")


def anchor(heading: str) -> str:
    """The anchor a Markdown heading gets (GitHub's rule): lower case, punctuation dropped,
    spaces made hyphens."""
    return re.sub(r"[^\w\- ]", "", heading.strip().lower()).replace(" ", "-")


def anchors(doc: str) -> set[str]:
    text = (ROOT / doc).read_text(encoding="utf-8")
    return {anchor(m.group(1)) for m in re.finditer(r"^#{1,6} (.+)$", text, re.M)}


@pytest.mark.parametrize("name", FILES)
def test_generated_sections_are_current(name: str) -> None:
    text = (ROOT / name).read_text(encoding="utf-8")
    assert render(text) == text, "run: python -m branchkit.docs"


def test_every_figure_of_the_guide_has_its_rule_in_the_figure_rules() -> None:
    text = (ROOT / "docs/口径.md").read_text(encoding="utf-8")
    assert sorted(notes_in(text)) == sorted(name for name, _ in FIGURE_NOTES)
    for name in notes_in(text):  # each under its own heading
        assert anchor(name) in anchors("docs/口径.md"), name


def test_headings_are_unique_anchors() -> None:
    for doc in DOCS:
        text = (ROOT / doc).read_text(encoding="utf-8")
        headings = [anchor(h) for h in re.findall(r"^#{1,6} (.+)$", text, re.M)]
        assert len(headings) == len(set(headings)), doc


def _sources() -> list[Path]:
    found = [ROOT / "README.md", *(ROOT / d for d in DOCS)]
    for folder in ("toolkit", "tests", "benchmarks"):
        found += sorted((ROOT / folder).rglob("*.py"))
        found += sorted((ROOT / folder).rglob("*.j2"))
    return found


def test_every_citation_names_a_heading() -> None:
    known = {doc: anchors(doc) for doc in DOCS}
    cited = 0
    broken = []
    for path in _sources():
        text = path.read_text(encoding="utf-8")
        for doc, target in CITATION.findall(text):
            cited += 1
            if target not in known[f"docs/{doc}.md"]:
                broken.append(f"{path.relative_to(ROOT)}: docs/{doc}.md#{target}")
        if path.parent.name == "docs":  # links inside the docs: (#x) and (口径.md#x)
            for other, target in LINK.findall(text):
                doc = f"docs/{other}" if other else path.relative_to(ROOT).as_posix()
                if target not in known[doc]:
                    broken.append(f"{path.relative_to(ROOT)}: {other}#{target}")
    assert broken == []
    assert cited > 0
