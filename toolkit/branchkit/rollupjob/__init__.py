"""The rollup as a job, at the I/O edge like `jobs`: read a parent branch's workbooks on all
cores or on Dask (`engine`), keep their figures in a DuckDB store beside the rollup workbook
(`store`), write the workbook (`job`) and each person's network rank back onto their branch's
排行榜 (`backfill`), and the parent branch's weekly (`weekly`). The figures themselves are pure,
in `rollup`.
"""
