"""The league and the cross-branch rankings, from the branches' summaries. Pure: no files.

A branch is ranked by its 排名得分 against its 网点 targets, a person by their own 排名得分 within
their role group across every branch — the one score of docs/口径.md#排名得分, so a person's place
in the network and on their branch's 排行榜 can never disagree about who did better. Competition
ranking (1, 2, 2, 4) throughout.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..figures import competition_ranks
from ..vocab import MONTH, PERIOD_KINDS, ROLE_GROUP_TITLES, ROLE_GROUPS, PeriodKind
from .crossmatch import match_across, referrer_credits, with_credit
from .summary import (
    BranchSummary,
    Outcome,
    PeriodSummary,
    PersonSummary,
    Skipped,
    person_summary,
)

NO_BRANCH_TARGETS = "目标表里没有“网点”的目标，未参加网点排行（人员照常参加同岗位排名）"


@dataclass(frozen=True)
class LeagueRow:
    """One branch's place in the league for one period."""

    summary: BranchSummary
    figures: PeriodSummary
    rank: int | None  # None: no 网点 targets, so nothing to rank it by

    @property
    def branch(self) -> str:
        return self.summary.branch

    @property
    def errors(self) -> int:
        return self.summary.errors

    @property
    def mark(self) -> str:
        """How the league marks a branch it cannot rank cleanly: marked, not silent
        (docs/口径.md#分行汇总)."""
        if self.rank is None:
            return "无网点目标，未排名"
        if self.errors:
            return f"有 {self.errors} 个数据错误，相关数字未计入"
        return ""


@dataclass(frozen=True)
class NetworkPerson:
    """A person's place among everyone of their role group across the network."""

    branch: str
    file: str
    person: PersonSummary
    group: str  # vocab.ROLE_GROUPS key, or the role itself for roles outside the groups
    rank: int | None
    size: int  # people ranked in the group across the network

    @property
    def group_title(self) -> str:
        return group_title(self.group)

    @property
    def place(self) -> str:
        """'3 / 58', as the branch's 排行榜 shows it."""
        return f"{self.rank} / {self.size}" if self.rank is not None else ""


@dataclass
class Rollup:
    day: dt.date
    parent: str
    branches: list[BranchSummary]  # those that count, one per branch
    leagues: dict[PeriodKind, list[LeagueRow]]  # rows, ranked first
    people: dict[PeriodKind, list[NetworkPerson]]  # everyone, group by group
    stars: dict[PeriodKind, list[NetworkPerson]]  # the network's stars
    group_stars: dict[str, list[NetworkPerson]]  # role group -> its stars of the month
    left_out: list[Skipped] = field(default_factory=list)

    @property
    def league(self) -> list[LeagueRow]:
        return self.leagues[MONTH]

    def indicators(self) -> list[str]:
        """The indicators any branch has a 网点 target on, in the order branches list them."""
        seen: dict[str, None] = {}
        for summary in self.branches:
            for figure in summary.month_figures.indicators:
                seen.setdefault(figure.indicator)
        return list(seen)

    def ranks_of(self, file: str, kind: PeriodKind = MONTH) -> dict[str, NetworkPerson]:
        """A branch's people by name, with their network places (for the write-back)."""
        return {p.person.name: p for p in self.people[kind] if p.file == file}

    def league_row(self, file: str, kind: PeriodKind = MONTH) -> LeagueRow | None:
        return next((r for r in self.leagues[kind] if r.summary.file == file), None)


def group_title(group: str) -> str:
    """A role group's title; a role outside the groups is its own."""
    return next((t for g, t in ROLE_GROUP_TITLES.items() if g == group), group)


def _group_order(group: str) -> tuple[int, str]:
    keys: list[str] = list(ROLE_GROUPS)
    return (keys.index(group), "") if group in keys else (len(keys), group)


def one_per_branch(outcomes: Iterable[Outcome]) -> tuple[list[BranchSummary], list[Skipped]]:
    """Summaries kept (one per branch: the newest file by modification time) and files left out."""
    skipped: list[Skipped] = []
    by_branch: dict[str, list[BranchSummary]] = {}
    for outcome in outcomes:
        if isinstance(outcome, Skipped):
            skipped.append(outcome)
        else:
            by_branch.setdefault(outcome.branch, []).append(outcome)
    kept: list[BranchSummary] = []
    for branch, files in by_branch.items():
        newest = max(files, key=lambda s: (s.modified, s.file))
        kept.append(newest)
        for other in files:
            if other is not newest:
                skipped.append(
                    Skipped(
                        other.file,
                        f"与 {Path(newest.file).name} 是同一网点（{branch}），"
                        "保留修改时间较新的那个",
                    )
                )
    kept.sort(key=lambda s: s.branch)
    skipped.sort(key=lambda s: s.file)
    return kept, skipped


def league(branches: list[BranchSummary], kind: PeriodKind = MONTH) -> list[LeagueRow]:
    """Branches ranked by 排名得分; branches without 网点 targets after them, unranked."""
    scored = [b for b in branches if b.periods[kind].score is not None]
    ranks = competition_ranks(b.periods[kind].score for b in scored)
    rows = [LeagueRow(b, b.periods[kind], r) for b, r in zip(scored, ranks, strict=True)]
    rows += [LeagueRow(b, b.periods[kind], None) for b in branches if b.periods[kind].score is None]
    return sorted(rows, key=lambda r: (r.rank is None, r.rank or 0, r.branch))


def network_people(branches: list[BranchSummary], kind: PeriodKind = MONTH) -> list[NetworkPerson]:
    """Everyone ranked within their role group across all branches, by 排名得分."""
    groups: dict[str, list[tuple[BranchSummary, PersonSummary]]] = {}
    for summary in branches:
        for person in summary.periods[kind].people:
            groups.setdefault(person.group or person.role, []).append((summary, person))
    placed: list[NetworkPerson] = []
    for group in sorted(groups, key=_group_order):
        members = groups[group]
        ranks = competition_ranks(p.score for _, p in members)
        size = sum(r is not None for r in ranks)
        placed += sorted(
            (
                NetworkPerson(s.branch, s.file, p, group, rank, size)
                for (s, p), rank in zip(members, ranks, strict=True)
            ),
            key=lambda n: (n.rank is None, n.rank or 0, n.branch, n.person.name),
        )
    return placed


def stars_of(people: Iterable[NetworkPerson]) -> list[NetworkPerson]:
    """The best 排名得分 among people with a result (a pile of raw referrals makes no star); a
    tie at the cap goes to the best uncapped score, as a branch's own stars are picked
    (docs/口径.md#之星), so the network never names a star the branch passed over."""
    scored = [p for p in people if p.person.score is not None and p.person.has_result]
    if not scored:
        return []
    best = max(round(p.person.score or 0, 9) for p in scored)
    tied = [p for p in scored if round(p.person.score or 0, 9) == best]
    top = max(round(p.person.uncapped or 0, 9) for p in tied)
    return sorted(
        (p for p in tied if round(p.person.uncapped or 0, 9) == top),
        key=lambda p: (p.branch, p.person.name),
    )


def credited_across(branches: list[BranchSummary]) -> list[BranchSummary]:
    """The branches with each cross-branch card matched to the other branch's tracking rows
    (docs/口径.md#跨网点配对): the card's referrer is credited the 转介成功 and their share of the
    sale and judged again, so both people of the referral count in the network's ranking. The
    branch's own figures (its league row) stay as its workbook gives them."""
    sides = [b.cross for b in branches if b.cross]
    matches = match_across(sides)
    if not matches:
        return branches
    rules = {side.branch: side.settings for side in sides}
    credited = []
    for summary in branches:
        side = summary.cross
        if side is None or not side.cards:
            credited.append(summary)
            continue
        periods = dict(summary.periods)
        for kind, period in summary.periods.items():
            credits = referrer_credits(
                (m for m in matches if m.branch == side.branch), rules, period.start, period.end
            )
            whole = summary.referrers.get(kind, {})
            people = []
            for person in period.people:
                credit = credits.get((side.branch, person.name))
                figures = whole.get(person.name)
                if credit is not None and figures is not None:
                    again = with_credit(figures, credit, side.settings, side.raw_counts)
                    person = person_summary(again, person.branch_rank)
                people.append(person)
            periods[kind] = replace(period, people=tuple(people))
        credited.append(replace(summary, periods=periods))
    return credited


def build(day: dt.date, outcomes: Iterable[Outcome]) -> Rollup:
    branches, left_out = one_per_branch(outcomes)
    # Last month's workbooks in the folder that a week begun last month was read from are not
    # left out: they counted, for those days (the weekly's cover says so).
    read_for_the_week = {_same_file(b.last_month) for b in branches if b.last_month}
    # Nor are the other month's workbooks of branches that count: a folder holds both months
    # at a month end (docs/口径.md#周报日期), and a daily job would report them every day.
    counted = {b.branch for b in branches}
    left_out = [
        s
        for s in left_out
        if _same_file(s.file) not in read_for_the_week and s.other_month_of not in counted
    ]
    branches = credited_across(branches)
    left_out += [Skipped(b.file, NO_BRANCH_TARGETS) for b in branches if not b.has_branch_targets]
    people = {kind: network_people(branches, kind) for kind in PERIOD_KINDS}
    month = people[MONTH]
    parents = sorted({b.parent for b in branches if b.parent})
    return Rollup(
        day=day,
        parent="、".join(parents),
        branches=branches,
        leagues={kind: league(branches, kind) for kind in PERIOD_KINDS},
        people=people,
        stars={kind: stars_of(people[kind]) for kind in PERIOD_KINDS},
        group_stars={
            group: stars_of(p for p in month if p.group == group)
            for group in dict.fromkeys(p.group for p in month)
        },
        left_out=sorted(left_out, key=lambda s: s.file),
    )


def _same_file(path: str) -> str:
    """One spelling for a path, to tell whether two names lead to one file."""
    return os.path.normcase(os.path.abspath(path))
