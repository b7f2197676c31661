"""The parent branch's weekly workbook and e-mail (`branchkit weekly --rollup DIR`).

The branch's own weekly path (`weekly.py`, `jobs.weekly`) stays as it is; this one rolls the
folder up as of the week's report day (the same rule, docs/口径.md#周报日期) and sends
the league, the week's network ranks and stars. It carries no customer data at all.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from email.message import EmailMessage
from pathlib import Path

from ..filenames import PARENT_WEEKLY_NAME_START
from ..rollup.league import Rollup
from ..weekly import as_of, parse_week, week_label
from .engine import collect
from .job import ProgressFactory, _silent, compute

OUTPUT_NAME = PARENT_WEEKLY_NAME_START + "-{week}.xlsx"


@dataclass
class ParentWeekly:
    rollup: Rollup
    week: str
    monday: dt.date
    path: Path

    @property
    def day(self) -> dt.date:
        return self.rollup.day


def network_month(inputs: Sequence[Path], day: dt.date) -> dt.date | None:
    """The month the branches' workbooks are of: the first one that reads says, looking first
    at those whose name says D's month — a folder can hold last month's workbooks beside this
    month's, and a week across the month end is reported in its later month."""
    from ..filenames import says_month
    from ..problems import BookError
    from ..read import read_book

    paths = collect(inputs)[0]
    for path in sorted(paths, key=lambda p: not says_month(p, day)):
        try:
            return read_book(path).month
        except BookError:
            continue
    return None


def build(
    inputs: Sequence[Path],
    week: str,
    today: dt.date,
    out: Path | None = None,
    jobs: int | None = None,
    scheduler: str | None = None,
    progress: ProgressFactory = _silent,
) -> ParentWeekly:
    from ..outputs import PARENT_WEEKLY, claim
    from ..render.rollup import weekly_sheets
    from ..render.xlsx import build as build_xlsx
    from ..writeback import verify_workbook, write_bytes

    monday = parse_week(week)[0]
    label = week_label(monday)
    # Claimed before the workbooks are read: never a branch's workbook, and nothing else
    # branchkit did not make for this without --force.
    target = claim(out or Path(OUTPUT_NAME.format(week=label)), PARENT_WEEKLY)[0]
    day = as_of(label, today, network_month(inputs, as_of(label, today)))
    rollup = compute(inputs, day, jobs, scheduler, progress, exclude=[target])
    specs = weekly_sheets(rollup, label, monday)
    written = write_bytes(
        target,
        build_xlsx(specs, PARENT_WEEKLY.tag),
        verify_workbook([s.name for s in specs]),
        made_for=PARENT_WEEKLY,
        made_from=[branch.file for branch in rollup.branches],
    )
    return ParentWeekly(rollup, label, monday, written)


def message(
    weekly: ParentWeekly,
    recipients: list[str],
    from_address: str,
    template_dir: str | Path | None = None,
) -> EmailMessage:
    from ..mail import compose
    from ..render.numbers import percents_apart
    from ..render.rollup import headline_pairs, week_shown_from

    context = {
        "parent": weekly.rollup.parent,
        "week": weekly.week,
        "monday": week_shown_from(weekly.rollup, weekly.monday),
        "day": weekly.day,
        "headlines": headline_pairs(weekly.rollup),
        "league": weekly.rollup.league,
        # each row's 排名得分 as read: decimals where two neighbours would read the same
        "scores": percents_apart([row.figures.score for row in weekly.rollup.league]),
    }
    subject = f"{weekly.rollup.parent or '分行'} 周报 {weekly.week}"
    return compose(
        subject, "rollup_mail", context, weekly.path, recipients, from_address, template_dir
    )
