"""What Python compiles afresh at every start, kept between runs (codecache): a kept method or
pattern program is the one `dataclasses` or `re` would have made, the second process compiles
none, a cache file that is damaged, from another Python or switched off only means compiling as
before, and no pattern made from a workbook's text is kept."""

from __future__ import annotations

import _sre
import dataclasses
import json
import marshal
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from branchkit import codecache
from hypothesis import given
from hypothesis import strategies as st

# A fresh process importing what a refresh imports, reporting what codecache compiled and kept.
PROBE = """
import json, sys
import branchkit.jobs, branchkit.figures, branchkit.render.tabs
from branchkit import codecache
print(json.dumps({"compiled": codecache.records.new, "kept": len(codecache.records.entries),
                  "routed": getattr(__import__("dataclasses"), "exec", None) is codecache._exec,
                  "patterns compiled": codecache.patterns.new,
                  "patterns kept": len(codecache.patterns.entries)}))
"""


def _probe(folder: Path, **env: str) -> dict[str, object]:
    environ = {**os.environ, "BRANCHKIT_CACHE_DIR": str(folder), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("dataclass-code.*.marshal"))


def _kept_in(path: Path) -> dict[str, object]:
    content = path.read_bytes()
    assert content.startswith(codecache.MAGIC)
    return marshal.loads(content[codecache._BODY :])  # type: ignore[no-any-return]


def _write_kept(path: Path, kept: dict[str, object]) -> None:
    body = marshal.dumps(kept)
    path.write_bytes(codecache.MAGIC + codecache._digest(body) + body)


def test_the_second_process_compiles_nothing(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first["routed"] and first["compiled"]
    assert len(_cache_files(tmp_path)) == 1
    second = _probe(tmp_path)
    assert {k: second[k] for k in ("compiled", "kept", "routed")} == {
        "compiled": False,
        "kept": first["kept"],
        "routed": True,
    }


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\xe9\x00\x00\x00\x00"])
def test_a_damaged_cache_file_means_compiling_again(tmp_path: Path, content: bytes) -> None:
    _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    path.write_bytes(content)
    again = _probe(tmp_path)
    assert again["compiled"] and again["routed"]
    assert _probe(tmp_path)["compiled"] is False  # written whole again


def test_a_flipped_byte_fails_the_digest(tmp_path: Path) -> None:
    """A bit flip can still unmarshal, into code that crashes (SystemError) or misbehaves: the
    digest in front of the data turns the file down before marshal sees it."""
    _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    content = bytearray(path.read_bytes())
    for at in (codecache._BODY + 100, len(content) // 2, len(content) - 3):
        content[at] ^= 0x10
    path.write_bytes(bytes(content))
    again = _probe(tmp_path)
    assert again["compiled"] and again["routed"]
    assert _probe(tmp_path)["compiled"] is False


def test_entries_that_are_not_code_are_dropped(tmp_path: Path) -> None:
    _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    _write_kept(path, {text: "print('not code')" for text in _kept_in(path)})
    assert _probe(tmp_path)["compiled"] is True


def test_switched_off_it_keeps_nothing(tmp_path: Path) -> None:
    found = _probe(tmp_path, BRANCHKIT_CODE_CACHE="0")
    assert found == {
        "compiled": False,
        "kept": 0,
        "routed": False,
        "patterns compiled": False,
        "patterns kept": 0,
    }
    assert list(tmp_path.iterdir()) == []


def test_an_unwritable_cache_folder_only_means_compiling(tmp_path: Path) -> None:
    taken = tmp_path / "a file"
    taken.write_text("", encoding="utf-8")
    found = _probe(taken / "cache")  # under a file: the folder cannot be made
    assert found["routed"] is False and found["kept"] == 0


def test_a_kept_record_behaves_as_a_compiled_one(monkeypatch: pytest.MonkeyPatch) -> None:
    """The same class made twice — once compiling, once from the kept code — behaves alike."""

    def make() -> type:
        @dataclasses.dataclass(frozen=True, order=True)
        class Card:
            """A record with every generated method a frozen, ordered dataclass has."""

            number: str
            amount: float = 0.0
            tags: tuple[str, ...] = dataclasses.field(default=(), compare=False)

        return Card

    compiled: list[str] = []

    def counted(source: str, *args: object, **kwargs: object) -> object:
        compiled.append(source)
        return compile(source, *args, **kwargs)  # type: ignore[call-overload]

    assert dataclasses.exec is codecache._exec  # type: ignore[attr-defined]
    monkeypatch.setattr(codecache, "compile", counted, raising=False)
    first = make()
    made_first = len(compiled)
    for text in compiled:  # the second class from code as it comes back from the file
        codecache.records.entries[text] = marshal.loads(
            marshal.dumps(codecache.records.entries[text])
        )
    second = make()
    assert made_first > 0 and len(compiled) == made_first  # the second from the kept code
    for cls in (first, second):
        a, b = cls("0001", 2.5, ("x",)), cls("0001", 2.5)
        assert a == b and hash(a) == hash(b)
        assert cls("0001") < cls("0002")
        assert repr(a).endswith("Card(number='0001', amount=2.5, tags=('x',))")
        with pytest.raises(dataclasses.FrozenInstanceError):
            a.number = "0002"  # type: ignore[misc]
        assert dataclasses.replace(a, amount=3.0).amount == 3.0
        assert [f.name for f in dataclasses.fields(cls)] == ["number", "amount", "tags"]
        # compiled as dataclasses compiles (no __future__ of this file): the annotations are
        # the fields' own, not the names of the generated function's locals
        assert cls.__init__.__annotations__ == {
            "number": "str",
            "amount": "float",
            "tags": "tuple[str, ...]",
            "return": None,
        }


def test_a_file_grown_past_its_limit_keeps_only_what_a_run_used(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    stale = {
        f"x = {n}": compile(f"x = {n}", "<string>", "exec") for n in range(codecache.MAX_ENTRIES)
    }
    _write_kept(path, stale)  # none of what the run needs: all compiled afresh
    assert _probe(tmp_path)["compiled"] is True
    kept = _kept_in(path)
    assert len(kept) == first["kept"] and not kept.keys() & stale.keys()


def test_text_run_alone_runs_in_its_callers_namespaces() -> None:
    """exec(text) with no namespaces runs in the caller's, as the builtin does: never in the
    cache module's (dataclasses always passes its own, but nothing may depend on that)."""
    seen: list[str] = []
    codecache._exec("seen.append(__name__)")
    assert seen == [__name__]


# ---------------------------------------------------------------- regular expressions


def _pattern_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("regex-programs.*.marshal"))


def test_the_second_process_compiles_no_pattern_kept(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first["patterns compiled"] and first["patterns kept"] > 20
    assert len(_pattern_files(tmp_path)) == 1
    second = _probe(tmp_path)
    assert second["patterns compiled"] is False
    assert second["patterns kept"] == first["patterns kept"]


def test_every_kept_program_is_the_one_re_makes(tmp_path: Path) -> None:
    """Patterns compare equal when their flags, text and program are the same (CPython compares
    the program's words): each kept one, against re's own compile in this process."""
    _probe(tmp_path)
    (path,) = _pattern_files(tmp_path)
    plain = codecache._compile_plain
    kept = _kept_in(path)
    assert kept
    for (_, pattern, flags), program in kept.items():  # type: ignore[misc]
        assert _sre.compile(pattern, *program) == plain(pattern, flags)


_PIECES = st.sampled_from(
    ["a", "叶", "\\d", "[a-c]", "[^x]", ".", "\\b", "^", "$", "\\s", "(?i:b)", "\\w", "\\u4e00"]
)


@st.composite
def _patterns(draw: st.DrawFn) -> str:
    def part(depth: int) -> str:
        chosen = draw(st.integers(0, 5 if depth < 3 else 1))
        if chosen == 0:
            return draw(_PIECES)
        if chosen == 1:
            return draw(_PIECES) + draw(st.sampled_from(["*", "+", "?", "{1,3}", "*?"]))
        if chosen == 2:
            return "(" + part(depth + 1) + ")"
        if chosen == 3:
            return f"(?P<g{draw(st.integers(0, 99))}>" + part(depth + 1) + ")"
        if chosen == 4:
            return part(depth + 1) + "|" + part(depth + 1)
        return "(?=" + part(depth + 1) + ")" + part(depth + 1)

    return "".join(part(0) for _ in range(draw(st.integers(1, 4))))


@given(
    pattern=_patterns(),
    flags=st.sampled_from([0, re.I, re.M | re.S, re.X, re.A, re.I | re.A]),
    texts=st.lists(st.text(alphabet="abcx叶一 1\n", max_size=12), max_size=5),
)
def test_a_program_from_the_file_matches_as_re_compiles_it(
    pattern: str, flags: int, texts: list[str]
) -> None:
    try:
        plain = codecache._compile_plain(pattern, int(flags))
    except re.error:
        return  # a drawn pattern re turns down (a group name twice) is not kept either
    program = marshal.loads(marshal.dumps(codecache._program(pattern, int(flags))))
    kept = _sre.compile(pattern, *program)
    assert kept == plain
    assert kept.groupindex == plain.groupindex and kept.groups == plain.groups
    for text in texts:
        found, expected = kept.search(text), plain.search(text)
        assert (found and (found.span(), found.groups())) == (
            expected and (expected.span(), expected.groups())
        )


MADE_AT_RUN_TIME = """
import re, sys
from branchkit import codecache
re.compile("branchkit-literal-marker-[0-9]+")  # written in the program: kept
re.compile(re.escape(sys.argv[1]))  # made from text at run time: compiled, never kept
"""


def test_a_pattern_made_from_text_is_compiled_but_never_kept(tmp_path: Path) -> None:
    environ = {**os.environ, "BRANCHKIT_CACHE_DIR": str(tmp_path)}
    subprocess.run(
        [sys.executable, "-c", MADE_AT_RUN_TIME, "叶丽超13912345678"], env=environ, check=True
    )
    (path,) = _pattern_files(tmp_path)
    content = path.read_bytes()
    assert b"branchkit-literal-marker-[0-9]+" in content
    assert "叶丽超".encode() not in content and b"13912345678" not in content


def test_no_customer_of_a_workbook_reaches_the_user_cache(
    tmp_path: Path, sample_copy: Path
) -> None:
    """Every command that reads and masks the sample month, then every file of the user cache
    searched for the workbook's customers' names."""
    from branchkit.privacy import workbook_names
    from branchkit.read import read_book

    cache = tmp_path / "cache"
    environ = {**os.environ, "BRANCHKIT_CACHE_DIR": str(cache)}
    day = ["--date", "2026-11-20"]
    for command in (
        ["validate", str(sample_copy), "--json"],
        ["build-agenda", str(sample_copy), *day, "--format", "md", "--out", str(tmp_path / "a.md")],
        ["refresh", str(sample_copy), *day],
    ):
        subprocess.run(
            [sys.executable, "-m", "branchkit.cli", *command],
            env=environ,
            capture_output=True,
            check=True,
        )
    customers = workbook_names(read_book(sample_copy)).customers
    assert len(customers) > 20
    kept = b"".join(f.read_bytes() for f in cache.rglob("*") if f.is_file())
    assert _pattern_files(cache) and kept
    assert [name for name in customers if name.encode() in kept] == []


BYTES_BESIDE_TEXT = """
import re, branchkit
def both():
    text = "abc"  # a str constant equal to the bytes pattern below
    return re.compile(b"abc").match(b"abc"), re.compile(text).match(text)
assert all(both())
"""


def test_a_bytes_pattern_is_never_compared_with_text(tmp_path: Path) -> None:
    """Under python -bb comparing b"abc" with "abc" raises BytesWarning: the cache keys and the
    program's constants are told apart by type first, so a host program run with -bb works as
    it does without branchkit (found in review)."""
    environ = {**os.environ, "BRANCHKIT_CACHE_DIR": str(tmp_path)}
    for _ in range(2):  # compiled, then from the kept programs
        subprocess.run([sys.executable, "-bb", "-c", BYTES_BESIDE_TEXT], env=environ, check=True)


def test_each_command_of_the_command_line_keeps_its_own_part() -> None:
    from branchkit.cli import main

    assert set(main.commands) == codecache.COMMANDS


@pytest.mark.parametrize(
    ("argv", "part"),
    [
        (["branchkit", "refresh", "张三.xlsx"], "refresh"),
        (["branchkit", "--debug", "build-agenda", "a.xlsx"], "build-agenda"),
        (["branchkit", "--version"], "other"),
        (["branchkit", "refrsh", "a.xlsx"], "other"),  # a typo makes no file of its own
        (["script.py", "zhangwei-lixiuying"], "other"),  # nor does a library user's argument
        (["-c"], "other"),
    ],
)
def test_the_part_a_process_loads_is_named_by_its_command_alone(
    monkeypatch: pytest.MonkeyPatch, argv: list[str], part: str
) -> None:
    monkeypatch.setattr(sys, "argv", argv)
    assert codecache._command() == part
