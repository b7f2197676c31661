"""The Markdown agenda quotes what staff typed (names, notes, a case's 描述) and Markdown reads
markup into text: every line and cell goes through one filter, `markdown_text`, so the text shows
as typed. Checked against the CommonMark rules themselves (a backslash before ASCII punctuation
is that character; &amp; &lt; &gt; are & < >; which marks start a block), written out here
independently of the filter: there is no Markdown parser among branchkit's dependencies."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import NamedTuple

import pytest
from branchkit.controls import BREAKS, one_line
from branchkit.read import Book, load_book
from branchkit.render.agenda import agenda_lines, render_agenda, typed_on_one_line
from branchkit.render.text import markdown_text
from hypothesis import example, given, settings
from hypothesis import strategies as st

from . import test_figures_golden as golden
from .test_agenda import D, _raw, build

ASCII_PUNCTUATION = re.escape("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
# What CommonMark turns back into text: a backslash escape, or one of the three entities.
UNESCAPE = re.compile(rf"\\([{ASCII_PUNCTUATION}])|&(amp|lt|gt);")
ENTITIES = {"amp": "&", "lt": "<", "gt": ">"}
# Marks that make something other than a paragraph when a line starts with them (after up to
# three spaces): ATX heading, list item (bullet or ordered), block quote, fenced code, HTML
# block, thematic break or setext underline, an indented code block, a table row.
BLOCK_START = re.compile(
    r"^(?: {0,3}(?:#{1,6}(?:\s|$)|[-+*](?:\s|$)|[0-9]{1,9}[.)](?:\s|$)|>|<|```|~~~"
    r"|(?:[-=_*]\s*){1,}$|\|)| {4}|\t)"
)
# Characters that are markup wherever they stand: links and images, emphasis, code spans,
# strikethrough, table cells; and an entity or raw HTML.
INLINE_MARKUP = set("[]*_`~|<>")


def unescaped(markdown: str) -> str:
    return UNESCAPE.sub(lambda m: m.group(1) or ENTITIES[m.group(2)], markdown)


def bare_markup(markdown: str) -> list[str]:
    """The inline markup characters not escaped by a backslash, and any & that is not one of the
    three entities (it could spell another, as &copy; does)."""
    found, i = [], 0
    while i < len(markdown):
        c = markdown[i]
        if c == "\\":
            i += 2
            continue
        if c in INLINE_MARKUP or (c == "&" and not re.match(r"&(amp|lt|gt);", markdown[i:])):
            found.append(c)
        i += 1
    return found


TEXT = st.text(
    st.one_of(
        st.sampled_from(list("#>-+*=_`~|[]()!<>&\\.) 1\n\t")),
        st.characters(codec="utf-8", exclude_categories=("Cs",)),
    ),
    max_size=40,
)


@settings(max_examples=400, deadline=None)
@given(TEXT)
@example("=")
@example("===  ")
@example("- - -")
@example("__")
@example("```py")
@example("    缩进")
@example(" 12) 项")
@example("###### 六级")
def test_escaped_text_reads_back_as_typed_and_starts_no_block(text: str) -> None:
    escaped = markdown_text(text)
    # one line, as typed: line breaks are spaces, leading blanks dropped
    assert "\n" not in escaped and "\r" not in escaped
    assert unescaped(escaped) == " ".join(text.splitlines()).lstrip()
    assert bare_markup(escaped) == []
    assert not BLOCK_START.match(escaped), escaped


def test_the_marks_that_would_change_the_document_are_escaped() -> None:
    assert markdown_text("[x](http://evil)") == r"\[x\](http://evil)"
    assert markdown_text("![](http://evil/a.png)") == r"!\[\](http://evil/a.png)"
    assert markdown_text("*粗* _斜_ `代码` a|b ~~删~~") == r"\*粗\* \_斜\_ \`代码\` a\|b \~\~删\~\~"
    assert markdown_text("<script>&copy;") == "&lt;script&gt;&amp;copy;"
    assert markdown_text("# 标题") == r"\# 标题"
    assert markdown_text("> 引用") == "&gt; 引用"
    assert (markdown_text("- 项"), markdown_text("+ 项"), markdown_text("---")) == (
        r"\- 项",
        r"\+ 项",
        r"\---",
    )
    assert (markdown_text("1. 一"), markdown_text("2) 二")) == (r"1\. 一", r"2\) 二")
    assert (markdown_text("==="), markdown_text("    缩进")) == (r"\===", "缩进")
    # what is not a mark stays as it is: a date, a figure, a negative number, a masked phone
    plain = "2026-11-20 7.3% -5 +3 138****0001"
    assert markdown_text(plain) == r"2026-11-20 7.3% -5 +3 138\*\*\*\*0001"


HOSTILE_NAME = "[小李](http://evil)"
HOSTILE_CASE = "![](http://evil/a.png) *急* a|b\n# 标题\n> 引用\n- 列表\n1. 一"


def test_a_hostile_name_and_case_change_nothing_in_the_markdown_agenda() -> None:
    roster = [*golden.ROSTER, [HOSTILE_NAME, "客户助理", "是"]]
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        ["2026-11-20", "服务", "投诉", HOSTILE_NAME, HOSTILE_CASE, "", "", HOSTILE_NAME],
    ]
    targets = [["对象", "指标", "目标值"], ["网点", "理财", 100]]
    text = render_agenda(build(_load(人员=roster, 案例=cases, 目标=targets), D), "md")
    # The new 客户助理 has her row in section 1's table, her name escaped, its | kept in the cell.
    rows = [line for line in text.splitlines() if line.startswith("| ")]
    assert any(row.startswith(r"| \[小李\](http://evil) | 客户助理 |") for row in rows)
    assert "[小李](" not in text.replace(r"\[小李\](", "")
    assert r"!\[\](http://evil/a.png) \*急\* a\|b" in text
    # The 描述 is one line of text (render.agenda.typed_on_one_line), its marks escaped: never a
    # heading, quote or list, and nothing a line break would make one at the start of a line.
    cases = [line for line in text.splitlines() if "a\\|b" in line]
    assert cases and all(r"a\|b # 标题 &gt; 引用 - 列表 1. 一" in line for line in cases)
    for typed in ("# 标题", "> 引用", "- 列表", "1. 一"):
        assert not any(line.startswith(typed) for line in text.splitlines())
    # No line starts a block but by the layout's own mark (heading, note, item, bold line, table
    # row), and what follows the mark has no markup of its own.
    for line in text.splitlines():
        for content in _contents(line):
            assert not BLOCK_START.match(content), line
            assert bare_markup(content) == [], line


FORGED = "正常\nstrong|伪造行\u2028h1|五、散会\t另一格"


@pytest.mark.parametrize("fmt", ["md", "html", "txt"])
def test_a_line_break_typed_into_a_cell_forges_no_agenda_line(fmt: str) -> None:
    # The lines templates give each line its style at its start and each table cell its tab: a
    # 描述 with line breaks and a tab must stay text inside its own line.
    cases = [
        ["日期", "类别", "性质", "相关人员", "描述", "原因", "改进措施", "责任人"],
        ["2026-11-20", "服务", "投诉", "李四", FORGED, "", "", "李四"],
    ]
    book = _load(案例=cases, 目标=[["对象", "指标", "目标值"], ["网点", "理财", 100]])
    agenda = build(book, D)
    lines = agenda_lines(agenda)
    assert ("strong", "伪造行") not in lines and ("h1", "五、散会") not in lines
    quoted = [text for _, text in lines if "伪造行" in text]
    assert quoted and all("正常 strong|伪造行 h1|五、散会 另一格" in text for text in quoted)
    text = render_agenda(agenda, fmt)
    assert not any(line.strip() in ("伪造行", "五、散会") for line in text.splitlines())


@dataclass(frozen=True)
class _Line:
    who: str
    cells: list[str]
    nested: tuple[_Line, ...] = ()
    by_name: dict[str, int] = field(default_factory=dict)
    pair: _Pair | None = None


class _Pair(NamedTuple):
    coach: str
    learner: str


@given(st.lists(st.text(max_size=8), min_size=1, max_size=4))
def test_every_text_in_a_record_is_made_one_line_and_the_rest_kept(texts: list[str]) -> None:
    by_name = {t: n for n, t in enumerate(texts)}
    pair = _Pair(texts[0], texts[-1])
    record = _Line(texts[0], texts, (_Line(texts[-1], []),), by_name, pair)
    flat = typed_on_one_line(record)
    for before, after in [(record.who, flat.who), *zip(record.cells, flat.cells, strict=True)]:
        assert after == (one_line(before) if BREAKS.search(before) else before)
        assert not BREAKS.search(after)
    assert flat.nested[0].who == flat.cells[-1]
    assert isinstance(flat.pair, _Pair) and flat.pair == (flat.who, flat.cells[-1])
    assert not any(BREAKS.search(k) for k in flat.by_name)
    if not any(BREAKS.search(t) for t in texts):
        assert flat is record  # nothing to change: the very same record, dict and all
        assert flat.by_name is by_name


def _contents(line: str) -> list[str]:
    """The text the layout put on a line, without the layout's own marks."""
    if line.startswith("|---") or line.startswith("<!-- "):
        return []
    if line.startswith("| "):
        return line.removeprefix("| ").removesuffix(" |").split(" | ")
    if line.startswith("**") and line.endswith("**"):
        return [line[2:-2]]
    for mark in ("# ", "## ", "### ", "> ", "- "):
        if line.startswith(mark):
            return [line.removeprefix(mark)]
    return [line]


def _load(**changes: list[list[object]]) -> Book:
    return load_book(_raw(**changes), "t-2026-11.xlsx")
