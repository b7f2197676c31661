"""Figures -> the --json object, with the same Chinese names as the workbook tabs
(docs/工作簿.md#json输出).

It leaves the workbook (scripts, other systems), so customers appear as 张* and phones masked.
"""

from __future__ import annotations

from typing import Any

from .. import problem_text
from ..figures import Figures
from ..privacy import mask_name
from ..vocab import MONTH, PERIOD_LETTERS, SLOT_WORDS, STAR_TITLES, PeriodKind, pace_label, word

DIGITS = 4


def _r(value: float | None) -> float | None:
    return None if value is None else round(value, DIGITS)


def figures_json(figures: Figures, kind: PeriodKind = MONTH) -> dict[str, Any]:
    period = figures.period(kind)
    people = []
    for p in sorted(period.people, key=lambda p: (p.rank is None, p.rank or 0, p.name)):
        people.append(
            {
                "姓名": p.name,
                "岗位": p.role,
                "转介数": p.referrals,
                "跟进数": p.followed,
                "转介成功数": p.successes,
                "转介成功率": _r(p.success_rate),
                "业绩": {k: _r(v) for k, v in sorted(p.credited.items())},
                "目标": {k: _r(v) for k, v in p.targets.items()},
                "完成率": {k: _r(v) for k, v in p.completion.items()},
                "进度": {k: pace_label(v) for k, v in p.status.items()},
                "综合完成率": _r(p.overall),
                "排名得分": _r(p.score),
                "排名": p.rank,
            }
        )
    return {
        "网点": figures.branch,
        "日期": figures.date.isoformat(),
        "期间": PERIOD_LETTERS[kind],
        "时间进度": _r(period.time_progress),
        "人员": people,
        "之星": {STAR_TITLES[k]: names for k, names in figures.stars.items()},
        "跟进提醒": [
            {
                "接收人": f.receiver,
                "客户": mask_name(f.customer),
                "建议下次联系时间": f.due.isoformat(),
                "逾期": f.overdue,
            }
            for f in figures.follow_ups
        ],
        "未跟进": [
            {
                "转介编号": n.referral_id,
                "推荐人": n.referrer,
                "接收人": n.receiver,
                "日期": n.date.isoformat(),
            }
            for n in figures.not_followed
        ],
        "无卡转介": [
            {"表": u.sheet, "行": u.row, "推荐人": u.referrer, "接收人": u.receiver}
            for u in figures.unverified
        ],
        "跨网点转介": [
            {
                "表": c.sheet,
                "行": c.row,
                "日期": c.date.isoformat(),
                "推荐人": c.referrer,
                "接收人": c.receiver,
                "客户": mask_name(c.customer),
                "网点": c.branch,
            }
            for c in figures.cross_branch
        ],
        "清单": checklist_json(figures, kind),
        "数据问题": [problem_text.as_json(p) for p in figures.problems],
    }


def checklist_json(figures: Figures, kind: PeriodKind = MONTH) -> dict[str, Any]:
    """The period's checklist (docs/口径.md#管理清单): items due and done, those not done, the
    problems still open on D, and the quantities recorded (计量)."""
    tally = figures.period(kind).checklist
    return {
        "应完成": tally.due,
        "已完成": tally.done,
        "未完成": [
            {
                "日期": m.date.isoformat(),
                "事项": m.item,
                "时段": word(SLOT_WORDS, m.period),
                "责任人": m.owner,
            }
            for m in tally.missed
        ],
        "完成率": _r(tally.rate),
        "未整改": [
            {
                "事项": f.found.item,
                "发现问题": f.found.problem,
                "整改责任人": f.found.owner,
                "整改期限": f.found.due.isoformat() if f.found.due else None,
            }
            for f in figures.still_open
        ],
        "计量": {m: round(v) for m, v in tally.quantities.items()},
    }
