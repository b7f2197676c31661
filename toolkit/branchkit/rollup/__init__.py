"""The parent branch's view (docs/口径.md#分行汇总): every branch and every person ranked
across the network.

One step per workbook (`summary.summarize`: read, compute, keep a small summary), run on all cores
or on a Dask cluster (`engine`); the league and the cross-branch rankings from the summaries
(`league`, pure); their history in an embedded DuckDB store (`store`); each person's network rank
written back onto their branch's 排行榜 (`backfill`). The sheets are in `render/rollup.py`.
"""
