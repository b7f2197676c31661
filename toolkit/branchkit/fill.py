"""What `branchkit fill` writes into the staff's own sheets (docs/工作簿.md#填写), as a plan. Pure.

Filling saves staff typing and closes the loop between the forms: card numbers, a tracking row
for each card's receiver, the outcome back on the card for its referrer, the day's 每日数据 rows,
the day's 每日清单 rows, and the agenda's coaching pairs and the checklist's 整改 as action items. It only ever writes into empty cells or new rows
at the end of a table — with one exception it owns: a 结果反馈 that starts with 〔自动〕 is fill's
own text and is brought up to date as the outcome changes (`CellFill.replaces` says what the
cell must still hold). Running it twice plans nothing the second time.

The plan names sheets and columns by schema key; `jobs.fill` turns it into cells of the workbook
as it is (columns may be reordered, sheets renamed) and writes it with the package-level writer.
"""

from __future__ import annotations

import datetime as dt
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any

from . import checklist
from .a1 import column_letter
from .credit import Sale
from .figures import Figures
from .matching import Matches, match_cards, number_repeats
from .parse import BRANCH_SUFFIXES, other_branch
from .phrases import COACHING_ITEMS
from .problems import Code
from .read import Book
from .schema import FORMULA_EXACT, NO, SHEETS_BY_KEY, WEEKDAY_NAMES, YES, Kind
from .staffing import on_duty
from .vocab import ACTION_STATE_WORDS, DAILY, SLOT_WORDS, ActionState, role_group, unit_word, word
from .writerules import Formula

OPEN = ACTION_STATE_WORDS[ActionState.OPEN]  # 行动计划 状态 of an item fill writes

AUTO = "〔自动〕"  # marks a 结果反馈 that fill wrote and may rewrite
COACHING_DAYS = 7  # a coaching pair is followed up a week later
FORMULA_TEXT = 255  # the longest text a spreadsheet formula may quote


@dataclass(frozen=True)
class CellFill:
    """Write `value` into an existing row's cell, which must be empty — or, when `replaces` is
    set, must still hold exactly that text (fill's own earlier 〔自动〕 feedback)."""

    sheet: str  # schema key
    row: int  # Excel row
    column: str  # schema column key
    value: Any
    replaces: str | None = None


@dataclass(frozen=True)
class NewRow:
    """A row appended at the end of a table; the columns not named stay empty for a person.
    `key`: the columns that say a row is already there (default: all it gives) — a 每日数据 row
    is one person's day, whatever count its formula shows now."""

    sheet: str  # schema key
    values: dict[str, Any]
    key: tuple[str, ...] = ()


@dataclass(frozen=True)
class Skip:
    """Something fill would have written but cannot, and why (shown to the user with its cell)."""

    sheet: str
    row: int  # 0: the sheet as a whole (nothing on D to point at)
    column: str
    reason: str


@dataclass
class FillPlan:
    cells: list[CellFill] = field(default_factory=list)
    rows: list[NewRow] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # said once, whole (a closed day)

    def __bool__(self) -> bool:
        return bool(self.cells or self.rows)


# ---------------------------------------------------------------- 转介编号


def short_code(book: Book) -> str:
    """设置 简称 (letters and digits, upper case), else the pinyin initials of 网点名称 without
    its 支行/分行… suffix (火车站支行 -> HCZ), else R."""
    typed = re.sub(r"[^0-9A-Za-z]", "", book.settings.short_code).upper()
    if typed:
        return typed
    name = book.settings.branch
    for suffix in BRANCH_SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix):
            name = name[: -len(suffix)]
            break
    if not name:
        return "R"
    return re.sub(r"[^0-9A-Za-z]", "", _initials(name)).upper() or "R"


def _initials(name: str) -> str:
    """pypinyin's first letters of each character of `name`. Loading pypinyin's dictionaries
    takes a click about 0.2 s for a name that rarely changes, so the answer is kept in the user
    cache under the installed pypinyin (its file's path, size and time)."""
    from importlib.util import find_spec

    from . import usercache

    def initials() -> str:
        from pypinyin import Style, lazy_pinyin  # only when a number is to be made

        return "".join(lazy_pinyin(name, style=Style.FIRST_LETTER, errors="ignore"))

    spec = find_spec("pypinyin")
    try:
        found = os.stat(spec.origin) if spec and spec.origin else None
    except OSError:
        found = None
    if found is None:
        return initials()
    made_by = f"pypinyin {spec.origin} {found.st_size} {found.st_mtime_ns}"  # type: ignore[union-attr]
    return usercache.remembered("pinyin-initials", made_by, name, initials)


def card_numbers(book: Book, day: dt.date, plan: FillPlan) -> dict[int, str]:
    """Numbers for the cards (on or before D) that have none: CODE-YYYYMMDD-NN, NN counting on
    after the numbers that day already has, so a number never changes once written. Returns
    every card's number by card row (those it has and those planned)."""
    code = short_code(book)
    cards = book.referrals
    numbers = {row: rid for row, rid in cards.zip("row", "referral_id") if rid}
    taken = set(numbers.values())
    pattern = re.compile(rf"^{re.escape(code)}-(\d{{8}})-(\d+)$")
    last_seq: dict[str, int] = {}
    for rid in taken:
        match = pattern.match(rid)
        if match:
            last_seq[match.group(1)] = max(last_seq.get(match.group(1), 0), int(match.group(2)))
    sheet = book.sheet_name("referrals")
    flagged = {p.cell for p in book.problems if p.sheet == sheet}  # a date typed, not read
    for row, rid, date in cards.zip("row", "referral_id", "date"):
        if rid:
            continue
        if not isinstance(date, dt.date):
            unread = book.cell("referrals", "date", row) in flagged
            why = "日期无法识别，无法编号" if unread else "没有日期，无法编号"
            plan.skipped.append(Skip("referrals", row, "date", why))
            continue
        if date > day:
            continue
        stamp = f"{date:%Y%m%d}"
        seq = last_seq.get(stamp, 0)
        while True:
            seq += 1
            number = f"{code}-{stamp}-{seq:02d}"
            if number not in taken:
                break
        last_seq[stamp] = seq
        taken.add(number)
        numbers[row] = number
        plan.cells.append(CellFill("referrals", row, "referral_id", number))
    return numbers


# ---------------------------------------------------------------- 追踪表


def tracking_rows(
    book: Book, day: dt.date, matches: Matches, numbers: dict[int, str], plan: FillPlan
) -> None:
    """A new tracking row for the receiver of each card (on or before D) that has none, and the
    card's number on matched rows that lack it."""
    tracking = book.tracking
    repeats = number_repeats(book.referrals, numbers)
    next_seq = max((s for s in tracking["seq"] if isinstance(s, int)), default=0) + 1
    for row, date, customer, phone, referrer, on_site, receiver in book.referrals.zip(
        "row", "date", "customer", "phone", "referrer", "on_site", "receiver"
    ):
        if not isinstance(date, dt.date) or date > day or row in matches.card_to_rows:
            continue
        if other_branch(receiver):  # that branch's own workbook tracks it (docs/口径.md#跨网点转介)
            continue
        if row in repeats.again:  # docs/工作簿.md#填写: one card typed twice
            reason = (
                f"和第 {repeats.again[row]} 行是同一张卡（转介编号 {numbers[row]}），未另加追踪表行"
            )
            plan.skipped.append(Skip("referrals", row, "referral_id", reason))
            continue
        if row in repeats.taken:
            reason = (
                f"转介编号 {numbers[row]} 已是第 {repeats.taken[row]} 行另一位客户的，"
                "请改正编号；改好前不转入追踪表"
            )
            plan.skipped.append(Skip("referrals", row, "referral_id", reason))
            continue
        if not receiver:
            plan.skipped.append(Skip("referrals", row, "receiver", "没有接收人，未转入追踪表"))
            continue
        if not customer:
            plan.skipped.append(Skip("referrals", row, "customer", "没有客户姓名，未转入追踪表"))
            continue
        plan.rows.append(
            NewRow(
                "tracking",
                {
                    "seq": next_seq,
                    "referral_id": numbers.get(row),
                    # as typed: a number the reader masked in a name is the person's to keep
                    "customer": book.as_typed("referrals", "customer", row, customer),
                    "phone": phone,
                    "referred_on": date,
                    "on_site": on_site,
                    "referrer": book.as_typed("referrals", "referrer", row, referrer),
                    "receiver": book.as_typed("referrals", "receiver", row, receiver),
                },
            )
        )
        next_seq += 1
    for row, rid in tracking.zip("row", "referral_id"):
        card = matches.row_to_card.get(row)
        if not rid and card is not None and card in numbers:
            plan.cells.append(CellFill("tracking", row, "referral_id", numbers[card]))


# ---------------------------------------------------------------- 结果反馈


def _sale_text(sale: Sale, day: dt.date) -> str:
    amount = f"{sale.amount:g}"
    # A day outside D's month is written whole: "10-08" in November's feedback reads as a slip.
    same_month = (sale.date.year, sale.date.month) == (day.year, day.month)
    when = f"{sale.date:%m-%d}" if same_month else f"{sale.date:%Y-%m-%d}"
    return f"{when} 已达成 {sale.indicator or sale.product} {amount}{unit_word(sale.unit)}"


FEEDBACK_ADDED_TO = "结果反馈里有人补充了文字，未更新（要让程序继续更新，请只留〔自动〕开头的那句）"
# Exactly what fill writes after 〔自动〕 (`outcome`, `feedback`): a text with anything else in it
# holds a person's words too and is not fill's to replace.
_SALE_TEXT = r"(?:\d{2}-\d{2}|\d{4}-\d{2}-\d{2}) 已达成 [^\s；。，！？!?,]+ -?\d+(?:\.\d+)?(?:e[+-]?\d+)?[^\s；。，！？!?,0-9]{0,3}"
_FILLS_OWN = re.compile(
    f"{re.escape(AUTO)}(?:未联系|已联系，未成交|转[^，；。]+跟进，结果见该网点的工作簿"
    f"|{_SALE_TEXT}(?:；{_SALE_TEXT})*)"
)


def fills_own(text: str) -> bool:
    """Whether a 结果反馈 is wholly fill's own text, which fill may bring up to date."""
    return _FILLS_OWN.fullmatch(text) is not None


def outcome(card_row: int, matches: Matches, sales: dict[int, Sale], day: dt.date) -> str:
    """The referrer's news of a card, as the tracking sheet knows it on D."""
    rows = matches.card_to_rows.get(card_row, [])
    won = [sales[r] for r in rows if r in sales]
    if won:
        return AUTO + "；".join(_sale_text(s, day) for s in won)
    if matches.contacted(card_row):
        return AUTO + "已联系，未成交"
    return AUTO + "未联系"


def feedback(
    book: Book, figures: Figures, matches: Matches, numbers: dict[int, str], plan: FillPlan
) -> None:
    """结果反馈 for cards (on or before D) whose feedback is empty or fill's own.

    Every sale through D is news, whatever period it falls in: the card counts as 转介成功 on
    any sale (docs/口径.md#转介成功), so the referrer must not read 未成交 beside it. A card typed
    twice (one number, one customer) reads as the first, a card with another customer's number
    gets no news until it is corrected (matching.number_repeats); a card for another branch says
    where its news is:
    this workbook never sees that branch's contacts (docs/口径.md#跨网点转介)."""
    day = figures.date
    sales = {s.row: s for s in figures.sales}
    repeats = number_repeats(book.referrals, numbers)
    for row, date, receiver, written in book.referrals.zip("row", "date", "receiver", "feedback"):
        if not isinstance(date, dt.date) or date > day:
            continue
        if written and not written.startswith(AUTO):
            continue  # a person's words: never touched
        if written and not fills_own(written):
            # 〔自动〕 and then a person's words (a referrer's note after fill's text): kept
            plan.skipped.append(Skip("referrals", row, "feedback", FEEDBACK_ADDED_TO))
            continue
        if row in repeats.taken:
            continue  # a wrong number: no news is this card's until it is corrected
        elsewhere = other_branch(receiver)
        if elsewhere:
            news = AUTO + f"转{elsewhere[0]}跟进，结果见该网点的工作簿"
        else:
            news = outcome(repeats.again.get(row, row), matches, sales, day)
        if news != written:
            plan.cells.append(CellFill("referrals", row, "feedback", news, written or None))


# ---------------------------------------------------------------- 每日数据


def daily_rows(book: Book, day: dt.date, plan: FillPlan) -> None:
    """One 每日数据 row for D per front-line person on duty without one; the other numbers are
    theirs to type. 转介数量 is a formula over 转介登记 (`referral_count`), so the count stays
    true as cards are added later that day."""
    keeps_daily = {n for n, role in book.roster.zip("name", "role") if role_group(role or "")}
    has_row = {n for d, n in book.daily.zip("date", "name") if d == day}
    cards = book.referrals
    copied = _repeated_rows(book).get(book.sheet_name("referrals"), {})
    exact = cards[FORMULA_EXACT] if FORMULA_EXACT in cards else [True] * len(cards)
    counts: dict[str, int] = {}
    uncountable: set[str] = set()  # whose cards on D a formula would not count as branchkit does
    for date, referrer, as_read, row in zip(
        cards["date"], cards["referrer"], exact, cards["row"], strict=True
    ):
        if date == day and referrer:
            counts[referrer] = counts.get(referrer, 0) + 1
            if not as_read or row in copied:
                uncountable.add(referrer)
    for name in on_duty(book, day):
        if name in keeps_daily and name not in has_row:
            now = counts.get(name, 0)
            count = now if name in uncountable else referral_count(book, day, name, now)
            values = {"date": day, "name": name, "referrals": count}
            plan.rows.append(NewRow("daily", values, key=("date", "name")))


def referral_count(book: Book, day: dt.date, name: str, now: int) -> Formula | int:
    """每日数据 转介数量 as fill writes it (docs/工作簿.md#填写): COUNTIFS over 转介登记's 推荐人
    and 日期 columns, with the count as of now cached in the cell. Excel, WPS and LibreOffice
    recount it as cards are typed, so it never goes stale; being a formula, it is plainly fill's
    own — the figures count the cards themselves, and no data problem is raised against it — while
    a number a person types over it is theirs. Without those columns: the count as a number; so
    too (decided by `daily_rows`) where a card of hers on D is typed so that the formula would
    count it otherwise than branchkit — a date typed as text ("2026.12.3"), a name with spaces
    around it (" 李四 "), a card typed twice cell for cell."""
    where = book.positions.get("referrals", {})
    if "referrer" not in where or "date" not in where or len(name) > FORMULA_TEXT:
        return now
    sheet = "'" + book.sheet_name("referrals").replace("'", "''") + "'!"
    referrer, date = column_letter(where["referrer"]), column_letter(where["date"])
    person = '"' + name.replace('"', '""') + '"'
    text = (
        f"COUNTIFS({sheet}${referrer}:${referrer},{person},"
        f"{sheet}${date}:${date},DATE({day.year},{day.month},{day.day}))"
    )
    return Formula(text, now)


# ---------------------------------------------------------------- 行动计划


def coaching_actions(
    book: Book, day: dt.date, pairs: list[tuple[str, str, str]], plan: FillPlan
) -> None:
    """The agenda's coaching pairs (indicator, coach, learner) as open action items, once — an
    item fill wrote in the earlier wording ("赵六跟王五学习理财（结对辅导）") counts as listed."""
    listed = {item for item in book.actions["item"] if item}
    due = day + dt.timedelta(days=COACHING_DAYS)
    for indicator, coach, learner in pairs:
        item, *before = (
            text.format(learner=learner, coach=coach, indicator=indicator)
            for text in COACHING_ITEMS
        )
        if item in listed or listed.intersection(before):
            continue
        listed.add(item)
        plan.rows.append(
            NewRow(
                "actions",
                {"raised_on": day, "item": item, "owner": learner, "due": due, "state": OPEN},
            )
        )


# ---------------------------------------------------------------- 每日清单


def checklist_rows(book: Book, figures: Figures, plan: FillPlan) -> None:
    """D's 每日清单 rows (docs/工作簿.md#填写, docs/工作簿.md#默认清单): one per item due that day
    by 频次 that has no row yet, 责任人 the first person on duty (每日概况 当班人员, else everyone
    在岗) holding one of the item's 责任岗位, else 设置 网点负责人, else the meeting's host. Only
    when there is nobody at all to name is 责任人 left empty — said once, not item by item."""
    from .agenda import host_of  # the 夕会's host: the agenda's rule, imported where it is used

    if "checklist" not in book.sheet_names:
        return  # a workbook from before the checklist: `init --upgrade` adds the sheet
    day = figures.date
    written = {
        checklist.same_item(item)
        for date, item in book.checklist.zip("date", "item")
        if date == day
    }
    present = on_duty(book, day, figures.calendar)
    roles = {n: r for n, r in book.roster.zip("name", "role") if n and r}
    head, host = book.settings.branch_head, host_of(book, present or None).name
    unowned = 0
    for item in checklist.due_items(figures.checklist_items, day, figures.is_open):
        if checklist.same_item(item.name) in written:
            continue
        owner, _ = checklist.owner_of(item, present, roles, head, host)
        values: dict[str, Any] = {
            "date": day,
            "period": word(SLOT_WORDS, item.period),
            "item": item.name,
        }
        if owner:
            values["owner"] = owner
        else:
            unowned += 1
        plan.rows.append(NewRow("checklist", values))
    if unowned and not present:  # one line for the day (a new, still empty workbook)
        plan.skipped.append(
            Skip(
                "overview",
                0,
                "on_duty",
                f"{day:%m-%d} 没有当班人员（每日概况、人员都未登记），每日清单新行的责任人留空",
            )
        )
    elif unowned:
        plan.skipped.append(
            Skip(
                "checklist",
                0,
                "owner",
                f"{day:%m-%d} 有 {unowned} 项当班人员中没有对应岗位，设置也没有网点负责人、"
                "夕会主持人：这些行的责任人留空，请在“设置”填写网点负责人",
            )
        )


def fix_actions(book: Book, figures: Figures, plan: FillPlan) -> None:
    """Each problem the checklist found (on or before D) as an open action item, once: 事项
    "整改：<问题>（<事项>）：<措施>", 责任人 the 整改责任人 (else the item's 责任人), 截止日期 the
    整改期限. The same problem found again is the same action; setting it 已完成 closes it."""
    listed = [item for item in book.actions["item"] if item]
    records = checklist.entries(book.checklist, figures.checklist_items, figures.date)
    for entry in sorted(records, key=lambda e: (e.date, e.row)):
        if not entry.problem:
            continue
        found = checklist.as_found(entry)
        if checklist.has_action(found, listed):
            continue
        listed.append(found.action)
        values: dict[str, Any] = {"raised_on": entry.date, "item": found.action, "state": OPEN}
        if found.owner:
            values["owner"] = book.owner_as_typed(found.row, found.owner)
        if found.due:
            values["due"] = found.due
        plan.rows.append(NewRow("actions", values))


# ---------------------------------------------------------------- the whole plan


def plan(book: Book, figures: Figures) -> FillPlan:
    """Everything fill writes for D = figures.date, in the order it is listed to the user."""
    from .agenda import plan as agenda_plan
    from .phrases import SECTION_MINUTES

    day = figures.date
    result = FillPlan()
    headless = _missing_headers(book)
    if "referrals" not in headless:
        numbers = card_numbers(book, day, result)
        # Cards and tracking rows are matched by customer, receiver and date: with a column of
        # either sheet missing, every card would look unanswered (a row added again, 未联系 on
        # a card with a sale).
        if "tracking" not in headless:
            matches = match_cards(book.referrals, book.tracking, day, book.settings.match_days)
            tracking_rows(book, day, matches, numbers, result)
            feedback(book, figures, matches, numbers, result)
    if figures.is_open(day):
        daily_rows(book, day, result)
        checklist_rows(book, figures, result)
        section_2 = agenda_plan(book, figures, figures.today.period, SECTION_MINUTES[DAILY][1])
        pairs = [(p.indicator, p.coach, p.learner) for p in section_2.pairings]
        coaching_actions(book, day, pairs, result)
    else:
        # A day the branch is closed (docs/口径.md#下一个营业日) has no 每日数据, no checklist
        # and no meeting: nothing is written for it (docs/工作簿.md#填写).
        result.notes.append(closed_day_note(day, figures.next_workday))
    fix_actions(book, figures, result)
    result.cells.extend(_into_repeated_rows(book, result.cells))
    # Nothing is written into a sheet whose required headers are not found (renamed, deleted):
    # a value would land in the wrong column, or a row go in without what identifies it.
    result.cells = [c for c in result.cells if c.sheet not in headless]
    result.rows = [r for r in result.rows if r.sheet not in headless]
    for key, headers in headless.items():
        result.skipped.append(Skip(key, 0, "", HEADERS_MISSING.format("”“".join(headers))))
    return result


HEADERS_MISSING = "找不到必填列“{}”，这张表不填写（改好表头后再运行）"


def _missing_headers(book: Book) -> dict[str, list[str]]:
    """The sheets fill writes into whose required columns are not all found, and the headers
    missing (数据问题 lists them too)."""
    found: dict[str, list[str]] = {}
    for key in ("referrals", "tracking", "daily", "checklist", "actions"):
        if key not in book.sheet_names:
            continue  # a sheet the workbook lacks: nothing to write into
        present = book.positions.get(key, {})
        missing = [
            c.header for c in SHEETS_BY_KEY[key].columns if c.required and c.key not in present
        ]
        if missing:
            found[key] = missing
    return found


def _into_repeated_rows(book: Book, cells: list[CellFill]) -> list[CellFill]:
    """What fill writes into a row, written into the rows typed the same as it too.

    A row equal to an earlier one in every cell is read once (数据问题 says 重复, docs/口径.md#
    数据错误). Filled alone, the first would differ from its copy by fill's own number and
    feedback, and the next fill would take the copy for a card of its own: a second fill must
    plan nothing. So the copy gets the same cells and stays a copy until a person changes it."""
    repeats = _repeated_rows(book)
    if not repeats:
        return []
    return [
        replace(cell, row=row)
        for cell in cells
        for row in repeats.get(book.sheet_name(cell.sheet), {}).get(cell.row, [])
    ]


def _repeated_rows(book: Book) -> dict[str, dict[int, list[int]]]:
    """Per sheet, each row read once for the rows typed the same as it (数据问题's 重复)."""
    repeats: dict[str, dict[int, list[int]]] = {}
    for problem in book.problems:
        if problem.code is Code.DUPLICATE_ROW:
            first, row = problem.args["first"], problem.args["row"]
            repeats.setdefault(problem.sheet, {}).setdefault(first, []).append(row)  # type: ignore[arg-type]
    return repeats


def closed_day_note(day: dt.date, next_open: dt.date) -> str:
    weekday = WEEKDAY_NAMES[day.weekday()]
    return (
        f"{day:%Y-%m-%d}（周{weekday}）网点不营业：不填写这一天的每日数据、每日清单和行动计划；"
        f"下一个营业日是 {next_open:%m-%d}"
    )


# ---------------------------------------------------------------- onto the workbook as it is


@dataclass
class SheetEdits:
    """One sheet's part of a plan, in the workbook's own terms: its name, 1-based rows and
    columns (staff reorder columns and rename sheets)."""

    name: str
    header_row: int
    cells: dict[tuple[int, int], Any] = field(default_factory=dict)  # written only if empty
    replace: dict[tuple[int, int], tuple[str, Any]] = field(default_factory=dict)  # (old, new)
    rows: list[dict[int, Any]] = field(default_factory=list)  # appended under the table
    key: list[int] | None = None  # the columns that say a row is there already (None: all)


def cell_value(sheet_key: str, column: str, value: Any) -> Any:
    """A typed value as a person would type it into that column: 是/否, names joined by 、."""
    kind = SHEETS_BY_KEY[sheet_key].column(column).kind
    if kind is Kind.YESNO and isinstance(value, bool):
        return YES if value else NO
    if kind is Kind.NAMES and isinstance(value, list):
        return "、".join(value)
    return value


def resolve(plan: FillPlan, book: Book) -> tuple[list[SheetEdits], list[tuple[str, str, str]]]:
    """The plan as edits per workbook sheet, and what cannot be placed — (sheet, cell, reason):
    a sheet the workbook lacks, or a column it lacks for a value that must go in one."""
    edits: dict[str, SheetEdits] = {}
    skipped = [
        (book.sheet_name(s.sheet), book.cell(s.sheet, s.column, s.row) if s.row else "", s.reason)
        for s in plan.skipped
    ]

    def sheet(key: str) -> SheetEdits | None:
        if key not in book.sheet_names or not book.header_rows.get(key):
            return None
        name = book.sheet_name(key)
        return edits.setdefault(name, SheetEdits(name, book.header_rows[key]))

    for cell in plan.cells:
        target = sheet(cell.sheet)
        position = book.positions.get(cell.sheet, {}).get(cell.column)
        if target is None or position is None:
            header = SHEETS_BY_KEY[cell.sheet].column(cell.column).header
            skipped.append(
                (book.sheet_name(cell.sheet), f"A{cell.row}", f"没有“{header}”列，未填写")
            )
            continue
        value = cell_value(cell.sheet, cell.column, cell.value)
        if cell.replaces is None:
            target.cells[(cell.row, position)] = value
        else:
            target.replace[(cell.row, position)] = (cell.replaces, value)
    for new in plan.rows:
        target = sheet(new.sheet)
        if target is None:
            skipped.append((book.sheet_name(new.sheet), "", "工作簿没有这张表，未添加行"))
            continue
        positions = book.positions.get(new.sheet, {})
        if new.key and all(k in positions for k in new.key):
            target.key = [positions[k] for k in new.key]
        target.rows.append(
            {
                positions[key]: cell_value(new.sheet, key, value)
                for key, value in new.values.items()
                if key in positions and value is not None
            }
        )
    return list(edits.values()), skipped
