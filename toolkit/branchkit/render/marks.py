"""What a status cell can say and the colour it stands out in, keyed by what it means — a pace,
a checklist state, an overdue follow-up — never by the words shown: the words come from vocab
(and the marks here), and both writers and the HTML agenda colour by the key."""

from __future__ import annotations

from ..checklist import DONE, NOT_APPLICABLE, NOT_DONE, PENDING
from ..vocab import AHEAD, BEHIND, ON_PACE, PACE_LABELS, ChecklistState, Pace

Colors = tuple[str, str]  # background, text

GREEN: Colors = ("#C6EFCE", "#006100")
BLUE: Colors = ("#DDEBF7", "#1F4E79")
RED: Colors = ("#FFC7CE", "#9C0006")
PALE_GREEN: Colors = ("#E2EFDA", "#375623")

PACE_COLORS: dict[Pace, Colors] = {AHEAD: GREEN, ON_PACE: BLUE, BEHIND: RED}

# 管理清单's day grid: done, not done, not applicable, still to come after the 夕会 (on D).
CHECK_MARKS = {DONE: "✓", NOT_DONE: "✗", NOT_APPLICABLE: "—", PENDING: "待"}
CHECK_COLORS: dict[ChecklistState, Colors] = {DONE: PALE_GREEN, NOT_DONE: RED}

# 跟进提醒's 状态: a follow-up past its date reads "逾期 3 天" and stands out.
OVERDUE = "逾期"
OVERDUE_COLORS = RED
# A "flag" cell (the rollup league's 标记 of a branch ranked with data errors) stands out like a
# pace behind whenever it says anything: it needs a look.
FLAG_COLORS = RED
# A percentage's data bar: light enough that the black figure on it reads at its full length.
DATA_BAR = "#9DC3E6"


def status_colors() -> dict[str, Colors]:
    """A "status" cell's text -> its colours: each pace's words, each checklist mark."""
    return {PACE_LABELS[pace]: colors for pace, colors in PACE_COLORS.items()} | {
        CHECK_MARKS[state]: colors for state, colors in CHECK_COLORS.items()
    }


def cell_colors(fmt: str, value: object) -> Colors | None:
    """The colours of one cell of a column of `fmt` (the button writer colours cell by cell)."""
    if not isinstance(value, str):
        return None
    if fmt == "status":
        return status_colors().get(value)
    if fmt == "due" and value.startswith(OVERDUE):
        return OVERDUE_COLORS
    if fmt == "flag" and value:
        return FLAG_COLORS
    return None
