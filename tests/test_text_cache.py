"""Compiled templates are kept between runs (Jinja2's bytecode cache): text rendered from the
cache is the text compiled afresh, and a cache that cannot be written stops nothing."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest
from branchkit.jobs import build_agenda
from branchkit.render import agenda as agenda_module
from branchkit.render import text
from branchkit.render.agenda import render_agenda

from .conftest import SAMPLE
from .test_figures_golden import D

LINES = "agenda.lines.j2"


def _agenda_context() -> dict[str, object]:
    return {"agenda": build_agenda(SAMPLE, D)}


def test_text_from_the_bytecode_cache_is_the_text_compiled_afresh(tmp_path: Path) -> None:
    cache = text._QuietBytecodeCache(str(tmp_path))
    context = _agenda_context()
    writing = text._environment("zh", None)
    writing.bytecode_cache = cache
    first = writing.get_template(LINES).render(**context)
    assert list(tmp_path.iterdir()), "nothing was cached"
    reading = text._environment("zh", None)
    reading.bytecode_cache = cache
    compiled = reading.get_template(LINES)
    uncached = text._environment("zh", None)
    uncached.bytecode_cache = None
    assert compiled.render(**context) == first == uncached.get_template(LINES).render(**context)


def test_a_cache_that_cannot_be_written_only_means_compiling_again(tmp_path: Path) -> None:
    gone = tmp_path / "gone"
    env = text._environment("zh", None)
    env.bytecode_cache = text._QuietBytecodeCache(str(gone))  # the folder does not exist
    assert env.get_template(LINES).render(**_agenda_context())
    assert not gone.exists()


def test_a_cache_entry_is_refused_when_its_template_changed(tmp_path: Path) -> None:
    folder = tmp_path / "templates"
    folder.mkdir()
    cache = text._QuietBytecodeCache(str(tmp_path))

    def render() -> str:
        env = jinja2.Environment(loader=jinja2.FileSystemLoader(str(folder)), bytecode_cache=cache)
        return env.get_template("t.j2").render(name="张三")

    (folder / "t.j2").write_text("你好，{{ name }}", encoding="utf-8")
    assert render() == "你好，张三"
    (folder / "t.j2").write_text("再见，{{ name }}", encoding="utf-8")
    assert render() == "再见，张三"


@pytest.mark.parametrize("fmt", ["md", "txt", "html"])
def test_the_process_wide_environment_renders_as_a_fresh_uncached_one(
    fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    agenda = build_agenda(SAMPLE, D)
    assert text.environment("zh") is text.environment("zh")
    render_agenda(agenda, fmt)  # compiled, and cached
    shared = render_agenda(agenda, fmt)

    def fresh(lang: str = "zh", template_dir: object = None) -> jinja2.Environment:
        env = text._environment(lang, None)
        env.bytecode_cache = None
        return env

    monkeypatch.setattr(agenda_module, "environment", fresh)
    assert render_agenda(agenda, fmt) == shared


@pytest.mark.parametrize("damage", [b"", b"garbage", b"\x80\x04\x95"])
def test_a_damaged_cache_entry_is_compiled_afresh_and_written_over(
    tmp_path: Path, damage: bytes
) -> None:
    # A crash while writing, or a damaged disk, leaves an entry whose header is right and whose
    # body is not: Jinja2 would raise on it at every run.
    cache = text._QuietBytecodeCache(str(tmp_path))
    context = _agenda_context()
    env = text._environment("zh", None)
    env.bytecode_cache = cache
    expected = env.get_template(LINES).render(**context)
    entries = list(tmp_path.iterdir())  # the lines and the macros they import
    for entry in entries:
        entry.write_bytes(jinja2.bccache.bc_magic + damage)
    again = text._environment("zh", None)
    again.bytecode_cache = cache
    assert again.get_template(LINES).render(**context) == expected
    for entry in entries:
        assert entry.read_bytes() != jinja2.bccache.bc_magic + damage  # written over


def test_entries_of_another_version_go_once_a_month_old(tmp_path: Path) -> None:
    import os
    import time

    ours, theirs, old = (tmp_path / n for n in ("aaaa-1.cache", "bbbb-1.cache", "cccc-1.cache"))
    for entry in (ours, theirs, old):
        entry.write_bytes(b"x")
    month_ago = time.time() - text.STALE_CACHE_SECONDS - 60
    os.utime(old, (month_ago, month_ago))
    os.utime(ours, (month_ago, month_ago))
    text._forget_other_versions(tmp_path, "aaaa")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["aaaa-1.cache", "bbbb-1.cache"]
