"""Shared fixtures: the bundled samples, copied so no test can change the committed files."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "samples"
SAMPLE = SAMPLES / "火车站支行-2026-11.xlsx"
MESSY = SAMPLES / "messy-branch.xlsx"
CORPUS = ROOT.parent / "shared" / "excel-corpus"


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
