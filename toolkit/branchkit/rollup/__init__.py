"""The parent branch's figures (docs/口径.md#分行汇总): every branch and every person ranked
across the network. Pure, like the other reports (`weekly`, `agenda`): records in, records out.

`summary` keeps what one branch workbook contributes; `league` ranks the branches and everyone
within their role group across all branches; `trends` compares a rollup with the same point of
the previous week and month. The sheets are in `render/rollup.py`; reading the workbooks, the
history store and writing are the job's (`rollupjob`).
"""
