"""One language inside, Chinese at the edges: no Chinese word steers the code outside the modules
whose job is the workbook's words.

The core compares members of vocab's Enums ("behind", "month", "done"); the words a person types
are read into members in `schema`/`settings` (through vocab's word tables), and turned back into
words in `render/`, the templates, `phrases` and `cli_text`. A Chinese literal that is compared
or branched on anywhere else — `==`, `!=`, `in`, `match`/`case`, `.startswith`, `.get(…)`, a
subscript, or a table mapping words to values — is a typo nobody would catch: this test finds it
by reading the source (ast), so it needs no workbook to hit the branch.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "toolkit" / "branchkit"
# The edges: the workbook's words are their job.
ALLOWED = ("schema.py", "vocab.py", "phrases.py", "cli_text.py", "render/")
# Single literals still matched where they stand, each until its owner changes it.
KNOWN: set[tuple[str, str]] = set()

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_LOOKUPS = {"get", "startswith", "endswith"}


def _words(node: ast.AST | None) -> list[str]:
    """The Chinese string literals `node` is, or holds as a tuple, list or set of literals."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str) and _CJK.search(node.value):
        return [node.value]
    if isinstance(node, (ast.Tuple, ast.List, ast.Set)):
        return [w for element in node.elts for w in _words(element)]
    if isinstance(node, ast.Starred):
        return _words(node.value)
    return []


def _constant_value(node: ast.AST) -> bool:
    """A literal, or a member named on a class (Focus.MARKETING): what a word table maps to."""
    return isinstance(node, ast.Constant) or (
        isinstance(node, ast.Attribute)
        and isinstance(node.value, ast.Name)
        and node.value.id[:1].isupper()
    )


def steering_words(source: str) -> list[tuple[int, str, str]]:
    """(line, what, word) for each Chinese literal the code compares or branches on, in order."""
    return sorted(_steering(source))


def _steering(source: str) -> Iterator[tuple[int, str, str]]:
    for node in ast.walk(ast.parse(source)):
        found: list[tuple[str, list[str]]] = []
        if isinstance(node, ast.Compare):
            found.append(
                ("compared", [w for n in (node.left, *node.comparators) for w in _words(n)])
            )
        elif isinstance(node, ast.match_case):
            values = [p.value for p in ast.walk(node.pattern) if isinstance(p, ast.MatchValue)]
            node = node.pattern  # where the line is
            found.append(("matched", [w for v in values for w in _words(v)]))
        elif (
            isinstance(node, ast.Call)
            and isinstance(node.func, ast.Attribute)
            and node.func.attr in _LOOKUPS
            and node.args
        ):
            found.append((f".{node.func.attr}()", _words(node.args[0])))
        elif isinstance(node, ast.Subscript) and isinstance(node.ctx, ast.Load):
            found.append(("looked up", _words(node.slice)))
        elif (
            isinstance(node, ast.Dict)
            and node.keys
            and all(k is not None and _words(k) for k in node.keys)
            and all(map(_constant_value, node.values))
        ):
            found.append(("a table of words", [w for k in node.keys for w in _words(k)]))
        for what, words in found:
            for word in words:
                yield node.lineno, what, word


def _modules() -> Iterator[tuple[str, Path]]:
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if not name.startswith(ALLOWED):
            yield name, path


def test_no_chinese_word_steers_the_code_outside_the_edges() -> None:
    offences = [
        f"{name}:{line}: {what} “{word}” — use a vocab Enum (its words live in vocab)"
        for name, path in _modules()
        for line, what, word in steering_words(path.read_text(encoding="utf-8"))
        if (name, word) not in KNOWN
    ]
    assert offences == []


def test_the_check_sees_each_way_a_word_can_steer() -> None:
    source = """
if state == "已完成": pass
if role in ("客户助理", "柜员"): pass
if "营销" != focus: pass
match unit:
    case "万元": pass
if text.startswith(("每周", "每月")): pass
x = table.get("夕会")
y = data["人员"]
FOCUS = {"营销": "marketing", "服务": Focus.SERVICE}
"""
    assert [(line, what) for line, what, _ in steering_words(source)] == [
        (2, "compared"),
        (3, "compared"),
        (3, "compared"),
        (4, "compared"),
        (6, "matched"),
        (7, ".startswith()"),
        (7, ".startswith()"),
        (8, ".get()"),
        (9, "looked up"),
        (10, "a table of words"),
        (10, "a table of words"),
    ]


def test_words_that_are_data_or_text_do_not_count() -> None:
    source = """
row = {"表": sheet, "问题": problem}      # JSON built from values
message = f"缺少 {n} 列"                  # text shown to a person
header = "姓名"                           # a word kept as a constant
if state is ChecklistState.DONE: pass     # a member compared
if name == SUPERVISOR: pass               # a schema/vocab constant compared
"""
    assert steering_words(source) == []


def test_the_allowed_list_names_modules_that_exist() -> None:
    # EXEMPT and KNOWN may go stale when their module moves or changes (harmless; tidy them then).
    for name in ALLOWED:
        assert (PACKAGE / name).exists(), name
