"""The user cache keeps work that depends on nothing in the workbook (a branch name's pinyin
initials, compiled templates): a kept answer is the computed one, and a cache that is missing,
damaged or unwritable only means computing again."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from branchkit import fill, usercache
from branchkit.read import load_book

from . import test_figures_golden as golden


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("BRANCHKIT_CACHE_DIR", str(folder))
    return folder


def _counted(value: str, calls: list[str]) -> str:
    calls.append(value)
    return value


def test_a_value_is_computed_once_and_then_read_back(cache: Path) -> None:
    calls: list[str] = []
    for _ in range(3):
        assert usercache.remembered("t", "v1", "火车站", lambda: _counted("HCZ", calls)) == "HCZ"
    assert calls == ["HCZ"]
    assert json.loads((cache / "t.json").read_text(encoding="utf-8"))["values"] == {"火车站": "HCZ"}


def test_what_it_was_made_by_changing_computes_afresh(cache: Path) -> None:
    calls: list[str] = []
    usercache.remembered("t", "pypinyin 1", "火车站", lambda: _counted("HCZ", calls))
    assert usercache.remembered("t", "pypinyin 2", "火车站", lambda: _counted("HZ", calls)) == "HZ"
    assert calls == ["HCZ", "HZ"]


@pytest.mark.parametrize("content", ["{not json", '["a list"]', '{"made_by": "v1", "values": 3}'])
def test_a_damaged_cache_file_is_computed_over(cache: Path, content: str) -> None:
    cache.mkdir()
    (cache / "t.json").write_text(content, encoding="utf-8")
    assert usercache.remembered("t", "v1", "火车站", lambda: "HCZ") == "HCZ"
    assert usercache.remembered("t", "v1", "火车站", lambda: "wrong") == "HCZ"


def test_no_cache_folder_only_means_computing_each_time(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    taken = tmp_path / "a file"
    taken.write_text("", encoding="utf-8")
    monkeypatch.setenv("BRANCHKIT_CACHE_DIR", str(taken / "cache"))  # under a file: cannot exist
    calls: list[str] = []
    for _ in range(2):
        assert usercache.remembered("t", "v1", "k", lambda: _counted("x", calls)) == "x"
    assert calls == ["x", "x"]


def test_only_the_newest_entries_are_kept(cache: Path) -> None:
    for n in range(usercache.MAX_ENTRIES + 5):
        usercache.remembered("t", "v1", f"网点{n}", lambda n=n: f"W{n}")  # type: ignore[misc]
    values = json.loads((cache / "t.json").read_text(encoding="utf-8"))["values"]
    assert len(values) == usercache.MAX_ENTRIES
    assert values[f"网点{usercache.MAX_ENTRIES + 4}"] == f"W{usercache.MAX_ENTRIES + 4}"


@pytest.mark.parametrize(
    ("branch", "code"), [("火车站支行", "HCZ"), ("人民路营业部", "RML"), ("长安街网点", "CAJ")]
)
def test_the_short_code_is_the_same_from_the_cache(
    cache: Path, branch: str, code: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings = [r if r[0] != "网点名称" else ["网点名称", branch] for r in golden.SETTINGS]
    book = load_book({**golden._raw(), "设置": settings}, "x-2026-11.xlsx")
    assert fill.short_code(book) == code  # computed by pypinyin
    import pypinyin

    def not_again(*args: object, **kwargs: object) -> list[str]:
        raise AssertionError("pypinyin asked again")

    monkeypatch.setattr(pypinyin, "lazy_pinyin", not_again)
    assert fill.short_code(book) == code  # read back


def test_a_relative_xdg_cache_home_is_ignored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # XDG: a relative path is invalid and ignored; it would put compiled code in the folder
    # branchkit runs in.
    monkeypatch.delenv("BRANCHKIT_CACHE_DIR", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", "relative")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(usercache.sys, "platform", "linux")
    assert usercache.folder() == tmp_path / "home" / ".cache" / "branchkit"
    assert not (tmp_path / "relative").exists()
