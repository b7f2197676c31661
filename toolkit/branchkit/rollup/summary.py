"""One branch workbook's contribution to a rollup: a small summary of its figures (pure).

The per-workbook step (`rollupjob.engine.summarize`) reads the workbook in a worker process (or
on a Dask worker) and returns this summary, so it is all that travels back: a few hundred numbers
per branch, never the workbook's rows. Everything a parent branch compares is taken here from the
branch's own `Figures`, so a person's score in the rollup is by construction the score on their
branch's 排行榜.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..figures import Figures, PeriodFigures, PersonFigures, has_result
from ..problem_text import what
from ..problems import Level, count_levels
from ..vocab import PERIOD_KINDS, Pace, PeriodKind
from .crossmatch import CrossSide

# At most this many 错误 per branch travel back for the rollup's 数据问题 sheet.
PROBLEM_LINES = 20


@dataclass(frozen=True)
class IndicatorFigure:
    """The branch's own target on one indicator, for one period."""

    indicator: str
    unit: str
    target: float  # monthly
    actual: float
    completion: float | None
    status: Pace | None
    whole: bool = False  # a count (张, 户, 转介数, 外呼户数 …): shown without decimals


@dataclass(frozen=True)
class PersonSummary:
    name: str
    role: str
    group: str  # vocab.ROLE_GROUPS key, or '' for roles ranked only overall
    overall: float | None  # 综合完成率
    score: float | None  # 排名得分: ranks people across the network
    status: Pace | None
    referrals: int
    successes: int
    money: float  # credited 万元
    branch_rank: int | None  # the person's overall rank inside their branch
    has_result: bool  # a sale credited or a referral closed: what a star needs
    uncapped: float | None = None  # the score without 完成率上限: breaks a tie at the cap

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.referrals if self.referrals else None


@dataclass(frozen=True)
class PeriodSummary:
    """The branch as a whole and its people, for the day, the week or the month to date."""

    kind: PeriodKind
    start: dt.date
    end: dt.date
    time_progress: float
    overall: float | None  # the branch's 综合完成率 against its 网点 targets
    score: float | None  # its 排名得分: ranks the branch in the league
    status: Pace | None
    referrals: int
    followed: int
    successes: int
    on_site: int
    referred_amount: float  # 万元 achieved through referrals
    collaboration_share: float | None
    checklist_rate: float | None  # 清单完成率; None when the branch keeps no checklist
    indicators: tuple[IndicatorFigure, ...]
    people: tuple[PersonSummary, ...]

    @property
    def success_rate(self) -> float | None:
        return self.successes / self.referrals if self.referrals else None

    @property
    def follow_rate(self) -> float | None:
        return self.followed / self.referrals if self.referrals else None

    @property
    def on_site_rate(self) -> float | None:
        return self.on_site / self.referrals if self.referrals else None


@dataclass(frozen=True)
class BranchSummary:
    """What one branch workbook contributes to the rollup."""

    file: str
    modified: float  # the file's modification time: of two files of one branch, the newer wins
    branch: str
    parent: str
    month: dt.date | None
    day: dt.date
    errors: int
    warnings: int
    error_lines: tuple[tuple[str, str], ...]  # (sheet!cell, what is wrong), digits masked
    has_targets: bool  # any target at all (a person's or the branch's)
    rank_cap: float  # 设置 完成率上限: the most one indicator counts for in 排名得分
    periods: dict[str, PeriodSummary] = field(default_factory=dict)
    # Cross-branch referrals (docs/口径.md#跨网点配对): the workbook's cross-branch cards and rows,
    # and, period by period, the whole figures of its people who wrote a card for another
    # branch — what the league judges again with the credit the other workbook brings.
    cross: CrossSide | None = None
    referrers: dict[str, dict[str, PersonFigures]] = field(default_factory=dict)
    # A week that began last month (docs/口径.md#周报日期): the branch's workbook of that month
    # its first days were read from, when it lay beside this one; "" otherwise.
    last_month: str = ""

    @property
    def month_figures(self) -> PeriodSummary:
        return self.periods["month"]

    @property
    def has_branch_targets(self) -> bool:
        return bool(self.month_figures.indicators)


@dataclass(frozen=True)
class Skipped:
    """A workbook left out of the rollup, and why (one Chinese line)."""

    file: str
    reason: str
    # Of another month than the rollup's, and the branch it is of: left out without a word when
    # that branch counts with its workbook of the rollup's month (a folder holds both months).
    other_month_of: str = ""


Outcome = BranchSummary | Skipped


def checklist_rate(figures: Figures, kind: PeriodKind) -> float | None:
    """清单完成率 of the period: the share of due checklist items done
    (docs/口径.md#管理清单完成率); None for a branch that keeps no checklist (nothing due), and then
    the rollup's 清单完成 sheet and column leave it out."""
    period = figures.periods.get(kind)
    return period.checklist.rate if period is not None else None


def _person(p: PersonFigures) -> PersonSummary:
    return PersonSummary(
        p.name,
        p.role,
        p.group or "",
        p.overall,
        p.score,
        p.overall_status,
        p.referrals,
        p.successes,
        round(p.money, 6),
        p.rank,
        has_result(p),
        p.uncapped,
    )


def _period(figures: Figures, period: PeriodFigures) -> PeriodSummary:
    branch = period.branch
    catalogue = figures.catalogue
    return PeriodSummary(
        kind=period.kind,
        start=period.period.start,
        end=period.period.end,
        time_progress=period.time_progress,
        overall=branch.overall,
        score=branch.score,
        status=branch.overall_status,
        referrals=branch.referrals,
        followed=branch.followed,
        successes=branch.successes,
        on_site=branch.on_site,
        referred_amount=round(branch.referred_amount, 6),
        collaboration_share=period.collaboration_share,
        checklist_rate=checklist_rate(figures, period.kind),
        indicators=tuple(
            IndicatorFigure(
                indicator,
                catalogue.unit_of(indicator),
                target,
                round(branch.actual(indicator), 6),
                branch.completion.get(indicator),
                branch.status.get(indicator),
                catalogue.is_count(indicator),
            )
            for indicator, target in branch.targets.items()
        ),
        people=tuple(_person(p) for p in period.people),
    )


def summary_of(
    figures: Figures,
    source: str,
    modified: float,
    month: dt.date | None,
    cross: CrossSide | None = None,
    last_month: str = "",
) -> BranchSummary:
    """The branch's figures as the rollup keeps them (pure); `cross`, the workbook's
    cross-branch referrals (crossmatch.cross_side), when it has any; `last_month`, the
    workbook a week begun last month was read from."""
    referrers = {card.referrer for card in cross.cards} if cross else set()
    errors, warnings = count_levels(figures.problems)
    has_targets = any(p.targets for p in figures.month.people) or bool(figures.month.branch.targets)
    return BranchSummary(
        file=source,
        modified=modified,
        branch=figures.branch or Path(source).stem,
        parent=figures.settings.parent,
        month=month,
        day=figures.date,
        errors=errors,
        warnings=warnings,
        error_lines=tuple((p.where, what(p)) for p in figures.problems if p.level is Level.ERROR)[
            :PROBLEM_LINES
        ],
        has_targets=has_targets,
        rank_cap=figures.settings.rank_cap,
        periods={kind: _period(figures, figures.periods[kind]) for kind in PERIOD_KINDS},
        cross=cross or None,
        referrers={
            kind: {p.name: p for p in figures.periods[kind].people if p.name in referrers}
            for kind in PERIOD_KINDS
        }
        if referrers
        else {},
        last_month=last_month,
    )


def person_summary(person: PersonFigures, branch_rank: int | None) -> PersonSummary:
    """A person as the rollup keeps them, with their place inside their branch."""
    return replace(_person(person), branch_rank=branch_rank)
