# Every target builds .venv from nothing but python3, so a fresh machine needs no other step.
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SAMPLE  := samples/火车站支行-2026-11.xlsx
OUTDIR  := build/demo
DEMODAY := 2026-11-20

.PHONY: demo test lint bench bench-rollup bench-network samples templates screenshots wheelhouse clean

$(STAMP): setup.cfg pyproject.toml
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	@mkdir -p $(OUTDIR)
	$(BIN)/branchkit validate $(SAMPLE) || true
	$(BIN)/branchkit fill $(SAMPLE) --date $(DEMODAY) --out $(OUTDIR)/火车站支行-2026-11-已刷新.xlsx --force
	$(BIN)/branchkit refresh $(OUTDIR)/火车站支行-2026-11-已刷新.xlsx --date $(DEMODAY)
	$(BIN)/branchkit build-agenda $(OUTDIR)/火车站支行-2026-11-已刷新.xlsx --date $(DEMODAY)
	$(BIN)/branchkit build-agenda $(SAMPLE) --date $(DEMODAY) --format md --out $(OUTDIR)/夕会议程-$(DEMODAY).md
	$(BIN)/branchkit build-agenda $(OUTDIR)/火车站支行-2026-11-已刷新.xlsx --date $(DEMODAY) --meeting 晨会
	$(BIN)/branchkit rollup samples/城东分行 --date $(DEMODAY) --out $(OUTDIR)/分行汇总-2026-11.xlsx
	$(BIN)/branchkit init $(OUTDIR)/火车站支行-2026-12.xlsx --from $(SAMPLE) --month 2026-12 --force
	@echo "演示完成：结果在 $(OUTDIR)/"

lint: $(STAMP)
	$(BIN)/ruff check toolkit tests benchmarks
	$(BIN)/ruff format --check toolkit tests benchmarks
	$(BIN)/mypy

test: $(STAMP) lint
	$(BIN)/python -m pytest -q -n auto

bench: $(STAMP)
	$(BIN)/python benchmarks/run.py
	$(BIN)/python benchmarks/rollup.py

# Only the parent-branch rollup part of the benchmarks (a few minutes; the first run also
# generates its 500 branch workbooks into benchmarks/data/).
bench-rollup: $(STAMP)
	$(BIN)/python benchmarks/rollup.py

# A province: 5,000 branch workbooks on this machine and on a Dask cluster of local processes,
# and a year of daily rollups in the history store. The first run generates the workbooks
# (about half a gigabyte) and the year's store (a few gigabytes) into benchmarks/data/: allow
# an hour or more on two cores; later runs take about a quarter of that.
bench-network: $(STAMP)
	$(BIN)/python benchmarks/network.py
	$(BIN)/python benchmarks/history.py

samples: $(STAMP)
	$(BIN)/python -m tests.samples samples

templates: $(STAMP)
	$(BIN)/python -m branchkit.templates templates/xlsx
	$(BIN)/python -m branchkit.macros templates/xlsx
	$(BIN)/python -m branchkit.render.xlsx

# The README's pictures, from the same LibreOffice and Chromium renderings the render tests check
# (needs soffice, poppler-utils and chromium on PATH; see tests/rendering.py).
screenshots: $(STAMP)
	$(BIN)/python -m tests.rendering docs

# The offline installer for bank PCs (README, "Windows with Excel"): every wheel branchkit needs
# on 64-bit Windows with Python 3.10-3.12, and 安装.cmd. Needs PyPI (about 140 MB); fails unless
# the folder installs completely for each Python. Not part of `make test`.
wheelhouse: $(STAMP)
	$(BIN)/python toolkit/wheelhouse.py build/wheelhouse

clean:
	rm -rf $(VENV) build .pytest_cache .mypy_cache .ruff_cache
