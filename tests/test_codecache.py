"""The records' generated methods kept between runs (codecache): a kept method is the one
`dataclasses` would have compiled, the second process compiles none, and a cache file that is
damaged, from another Python or switched off only means compiling as before."""

from __future__ import annotations

import dataclasses
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from branchkit import codecache

# A fresh process importing what a refresh imports, reporting what codecache compiled and kept.
PROBE = """
import json, sys
import branchkit.jobs, branchkit.figures, branchkit.render.tabs
from branchkit import codecache
print(json.dumps({"compiled": codecache._new, "kept": len(codecache._kept),
                  "routed": getattr(__import__("dataclasses"), "exec", None) is codecache._exec}))
"""


def _probe(folder: Path, **env: str) -> dict[str, object]:
    environ = {**os.environ, "BRANCHKIT_CACHE_DIR": str(folder), **env}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], env=environ, capture_output=True, text=True, check=True
    )
    return json.loads(done.stdout)  # type: ignore[no-any-return]


def _cache_files(folder: Path) -> list[Path]:
    return sorted(folder.glob("dataclass-code.*.marshal"))


def test_the_second_process_compiles_nothing(tmp_path: Path) -> None:
    first = _probe(tmp_path)
    assert first["routed"] and first["compiled"]
    assert len(_cache_files(tmp_path)) == 1
    second = _probe(tmp_path)
    assert second == {"compiled": False, "kept": first["kept"], "routed": True}


@pytest.mark.parametrize("content", [b"", b"not marshal at all", b"\xe9\x00\x00\x00\x00"])
def test_a_damaged_cache_file_means_compiling_again(tmp_path: Path, content: bytes) -> None:
    _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    path.write_bytes(content)
    again = _probe(tmp_path)
    assert again["compiled"] and again["routed"]
    assert _probe(tmp_path)["compiled"] is False  # written whole again


def test_entries_that_are_not_code_are_dropped(tmp_path: Path) -> None:
    import marshal

    _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    kept = marshal.loads(path.read_bytes())
    path.write_bytes(marshal.dumps({text: "print('not code')" for text in kept}))
    assert _probe(tmp_path)["compiled"] is True


def test_switched_off_it_keeps_nothing(tmp_path: Path) -> None:
    found = _probe(tmp_path, BRANCHKIT_CODE_CACHE="0")
    assert found == {"compiled": False, "kept": 0, "routed": False}
    assert _cache_files(tmp_path) == []


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
        assert cls.__init__.__annotations__ == first.__init__.__annotations__


def test_a_file_grown_past_its_limit_keeps_only_what_a_run_used(tmp_path: Path) -> None:
    import marshal

    first = _probe(tmp_path)
    (path,) = _cache_files(tmp_path)
    stale = {
        f"x = {n}": compile(f"x = {n}", "<string>", "exec") for n in range(codecache.MAX_ENTRIES)
    }
    path.write_bytes(marshal.dumps(stale))  # none of what the run needs: all compiled afresh
    assert _probe(tmp_path)["compiled"] is True
    kept = marshal.loads(path.read_bytes())
    assert len(kept) == first["kept"] and not kept.keys() & stale.keys()
