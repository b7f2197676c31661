"""Shared fixtures: the bundled samples, copied so no test can change the committed files."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import settings

# No property test has a time limit: speed is the benchmarks' business, and a shared CI machine
# under load would turn a deadline into a coin toss.
settings.register_profile("branchkit", deadline=None)
settings.load_profile("branchkit")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "火车站支行-2026-11.xlsx"
MESSY = SAMPLES / "messy-branch.xlsx"
CORPUS = ROOT.parent / "shared" / "excel-corpus"

# branchkit keeps its records' compiled methods in the user cache from the moment it is imported
# (codecache), before any fixture runs: the tests' own folder, removed when the process ends —
# by atexit, which runs after codecache's own save (registered later, run earlier), and also in
# pytest-xdist's controller, which runs no session fixture.
_IMPORT_CACHE = tempfile.mkdtemp(prefix="branchkit-test-cache-")
os.environ["BRANCHKIT_CACHE_DIR"] = _IMPORT_CACHE
atexit.register(shutil.rmtree, _IMPORT_CACHE, ignore_errors=True)


@pytest.fixture
def sample_copy(tmp_path: Path) -> Path:
    target = tmp_path / SAMPLE.name
    shutil.copy2(SAMPLE, target)
    return target


@pytest.fixture
def messy_copy(tmp_path: Path) -> Path:
    target = tmp_path / MESSY.name
    shutil.copy2(MESSY, target)
    return target


@pytest.fixture(autouse=True, scope="session")
def _user_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """branchkit's user cache (compiled templates, pinyin initials) kept in the session's own
    temporary folder, not in the home folder of whoever runs the tests."""
    before = os.environ.get("BRANCHKIT_CACHE_DIR")
    os.environ["BRANCHKIT_CACHE_DIR"] = str(tmp_path_factory.mktemp("user-cache"))
    yield
    if before is None:
        os.environ.pop("BRANCHKIT_CACHE_DIR", None)
    else:
        os.environ["BRANCHKIT_CACHE_DIR"] = before
