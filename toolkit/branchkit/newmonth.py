"""`branchkit init NEW --from LAST --month YYYY-MM`: next month's workbook, made from this one's.

A branch keeps one workbook a month, but its work runs on: the settings, the roster, the
products, the checklist and the targets stay, and on the 1st some work is still open — customers
due a call next month, cards nobody has answered yet, actions not done. The new workbook is drawn
by the same code as a blank one (templates.write_branch_workbook) with those rows in it; the old
workbook is only read.

What is carried is the cells as people typed them, read raw rather than as the figures see them:
a note is not masked, a name keeps its spaces, text stays text (and is written as text, never as
a formula). A carried open item ends its 备注 / 推荐原因 / 事项 with schema.CARRIED_MARK and keeps
its 转介编号 and its dates, so it still matches its card and the branch sees where it came from.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import checklist, parse, schema
from .filenames import month_sibling
from .matching import match_cards
from .parse import other_branch
from .problems import BookError
from .read import Book, load_book, read_book
from .schema import CARRIED_MARK, CARRIED_MARK_COLUMNS, Kind, Sheet
from .settings import SETTING_ITEMS, setting_cells
from .source import RawBook, read_raw
from .workdays import BranchCalendar, month_bounds, statutory_days

Rows = list[list[Any]]


def next_month(month: dt.date) -> dt.date:
    return (month.replace(day=28) + dt.timedelta(days=4)).replace(day=1)


def _month_before(month: dt.date) -> dt.date:
    return (month.replace(day=1) - dt.timedelta(days=1)).replace(day=1)


def next_name(book: Path, month: dt.date) -> Path:
    """Next month's file beside BOOK: its name with the month moved on (火车站支行-2026-11.xlsm
    -> 火车站支行-2026-12.xlsm), or with the month added when the name has none."""
    after = next_month(month)
    return month_sibling(book, month, after) or book.with_name(
        f"{book.stem}-{after:%Y-%m}{book.suffix}"
    )


def next_month_command(book: Path, month: dt.date | None) -> str:
    """The command that starts next month from BOOK, as doctor and the 控制台 tell a button user."""
    buttons = " --macros" if book.suffix.lower() == ".xlsm" else ""
    old = _quoted(book.name)
    if month is None:
        return f"branchkit init 新工作簿{book.suffix} --from {old} --month 年-月{buttons}"
    return (
        f"branchkit init {_quoted(next_name(book, month).name)} --from {old} "
        f"--month {next_month(month):%Y-%m}{buttons}"
    )


def _quoted(name: str) -> str:
    """A file name as typed in a command (PowerShell, cmd or a Unix shell alike)."""
    return f'"{name}"' if any(ch.isspace() for ch in name) else name


# ---------------------------------------------------------------- 工作日历: the statutory days


def holiday_rows(month: dt.date) -> Rows | None:
    """工作日历 rows for the month's statutory holidays and 调休 work days (日期, 是否工作日, 说明),
    for the branch to see and correct; None when the calendar library does not know the year."""
    days = statutory_days(month)
    if days is None:
        return None
    return [
        [
            d.date,
            schema.YES if d.workday else schema.NO,
            f"{d.holiday}调休上班" if d.workday else d.holiday,
        ]
        for d in days
    ]


def unknown_year_note(month: dt.date) -> str:
    """Said once when a new workbook's month lies in a year the holiday library does not know."""
    return (
        f"注意：branchkit 还不知道 {month.year} 年的法定节假日和调休安排，“工作日历”是空的："
        "请在“工作日历”表填写本月的放假日和调休上班日，否则营业日按“设置”的营业日、"
        "工作日按周一至周五算"
    )


# ---------------------------------------------------------------- carrying rows over


@dataclass
class Carried:
    """What goes from last month's workbook into the new one, and what the branch must be told."""

    month: dt.date  # the new month
    previous: dt.date  # the old workbook's month
    rows: dict[str, Rows]  # schema key -> rows, in the schema's column order
    settings: dict[str, Any]  # setting key -> the value as typed
    extra_settings: Rows  # 设置 rows whose 项目 branchkit does not know, kept as typed
    left: list[tuple[str, dt.date]] = field(default_factory=list)  # left last month: 在岗 否
    gone: list[tuple[str, dt.date]] = field(default_factory=list)  # left before: not carried
    inactive: list[str] = field(default_factory=list)  # 在岗 否, carried as typed
    targets_left_out: list[str] = field(default_factory=list)  # whose targets stay behind
    follow_ups: int = 0  # 追踪表 rows due a contact in the new month or later
    sales_dated: int = 0  # of them, last month's sales given their 推荐时间 as 达成日期
    overdue: int = 0  # 追踪表 rows whose next contact fell before the new month: not carried
    unfollowed_cards: int = 0  # cards no tracking row has answered
    linked_cards: int = 0  # the cards of carried follow-ups, so the two still match
    cross_branch_cards: int = 0  # cards for another branch's receiver, still in 匹配天数
    open_actions: int = 0  # 行动计划 rows not 已完成
    fixes_added: int = 0  # open 整改 that had no 行动计划 row yet: written as one
    calendar_carried: int = 0  # 工作日历 rows the branch typed for the new month
    holidays: int | None = 0  # statutory days listed in 工作日历; None: the year is not known
    with_leavers: dict[str, Counter[str]] = field(default_factory=dict)  # name -> sheet -> items

    @property
    def checklist_default(self) -> bool:
        """The old workbook had no 清单项目 (it predates the checklist): the default list goes in."""
        return "checklist_items" not in self.rows


class _Cells:
    """One sheet of the old workbook: the raw cells of a typed row, in the schema's order."""

    def __init__(self, book: Book, raw: RawBook, key: str, old: dt.date, new: dt.date) -> None:
        self.sheet = schema.SHEETS_BY_KEY[key]
        name = book.sheet_names.get(key)
        self.rows: Rows = list(raw[name]) if name is not None and name in raw else []
        self.positions = book.positions.get(key, {})
        self.old, self.new = old, new

    def row(self, excel_row: int) -> list[Any]:
        line = self.rows[excel_row - 1] if 0 < excel_row <= len(self.rows) else []
        cells = []
        for col in self.sheet.columns:
            pos = self.positions.get(col.key)
            value = line[pos - 1] if pos is not None and pos - 1 < len(line) else None
            cells.append(self._kept(col.kind, value))
        return cells

    def _kept(self, kind: Kind, value: Any) -> Any:
        """The cell as typed; only a date typed without its year (12月3日) is written as the
        date it meant, since the new workbook's 统计月份 would give it another year."""
        if value is None or (isinstance(value, str) and not value.strip()):
            return None
        if kind is Kind.DATE and isinstance(value, str):
            meant = parse.parse_date(value, self.old)
            if isinstance(meant, dt.date) and parse.parse_date(value, self.new) != meant:
                return meant
        return value


def _marked(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if CARRIED_MARK in text else text + CARRIED_MARK


def _mark(sheet: Sheet, row: list[Any]) -> list[Any]:
    key = CARRIED_MARK_COLUMNS[sheet.key]
    position = [c.key for c in sheet.columns].index(key)
    return [_marked(v) if i == position else v for i, v in enumerate(row)]


def carry(raw: RawBook, book: Book, month: dt.date, previous: dt.date) -> Carried:
    """The new month's rows from the old workbook (pure: its raw rows and its typed book in)."""
    first, _ = month_bounds(month)
    old_first, old_last = month_bounds(previous)

    def cells(key: str) -> _Cells:
        return _Cells(book, raw, key, previous, month)

    settings, extra = _settings(raw, book)
    carried = Carried(month, previous, {}, settings, extra)
    rows = carried.rows

    # 人员: who left during the old month stays on the roster one more month with 在岗 否
    # (their open items still name them); who left before it is not carried.
    roster = cells("roster")
    active_col = [c.key for c in schema.ROSTER.columns].index("active")
    rows["roster"] = []
    off_duty: set[str] = set()
    for name, active, left_on, excel_row in book.roster.zip("name", "active", "left_on", "row"):
        row = roster.row(excel_row)
        if isinstance(left_on, dt.date) and left_on < old_first:
            carried.gone.append((name or "", left_on))
            off_duty.add(name or "")
            continue
        if isinstance(left_on, dt.date) and left_on <= old_last:
            carried.left.append((name or "", left_on))
            off_duty.add(name or "")
            row[active_col] = schema.NO
        elif active is False:
            carried.inactive.append(name or "")
            off_duty.add(name or "")
        rows["roster"].append(row)

    for key in ("products", "checklist_items"):
        if key in book.sheet_names:
            rows[key] = [cells(key).row(r) for r in book.tables[key]["row"]]

    # 目标: last month's as the starting point, without those who are no longer on duty.
    targets = cells("targets")
    rows["targets"] = []
    for subject, excel_row in book.targets.zip("subject", "row"):
        if subject in off_duty:
            if subject not in carried.targets_left_out:
                carried.targets_left_out.append(subject)
            continue
        rows["targets"].append(targets.row(excel_row))

    _carry_open_items(carried, book, cells, first, off_duty)
    _carry_calendar(carried, book, cells("work_calendar"), month)
    return carried


def _settings(raw: RawBook, book: Book) -> tuple[dict[str, Any], Rows]:
    """设置 as typed, by item; rows whose 项目 is not one of ours are kept as they are."""
    name = book.sheet_names.get("settings")
    if name is None or name not in raw:
        return {}, []
    typed: dict[str, Any] = {}
    extra: Rows = []
    for item, _, (key, value, note) in setting_cells(list(raw[name])):
        if item is None:
            if not parse.is_blank(key):
                extra.append([key, value, note])
        elif not parse.is_blank(value) and item.key != "month":
            typed[item.key] = value
    return typed, extra


def _carry_open_items(
    carried: Carried,
    book: Book,
    cells: Callable[[str], _Cells],
    first: dt.date,
    off_duty: set[str],
) -> None:
    """Follow-ups due in the new month or later, cards not yet followed up (and the cards of the
    carried follow-ups, so each still finds its card), open 整改 and 行动计划 items."""
    leavers = carried.with_leavers

    def owned(name: str | None, sheet: str) -> None:
        if name and name in off_duty:
            leavers.setdefault(name, Counter())[sheet] += 1

    # Everything the old workbook records counts: as of its last known day, whatever that is.
    matches = match_cards(book.referrals, book.tracking, dt.date.max, book.settings.match_days)
    tracking = cells("tracking")
    carried.rows["tracking"] = []
    card_rows: set[int] = set()
    closed_col = [c.key for c in schema.TRACKING.columns].index("closed_on")
    for excel_row, next_contact, receiver, product, amount, referred in book.tracking.zip(
        "row", "next_contact", "receiver", "product", "amount", "referred_on"
    ):
        if not isinstance(next_contact, dt.date):
            continue
        if next_contact < first:
            carried.overdue += 1
            continue
        row = _mark(schema.TRACKING, tracking.row(excel_row))
        if product and amount and amount > 0 and row[closed_col] is None and referred:
            # Last month's sale counted on its 推荐时间: that day written as its 达成日期, so a
            # sale typed on the carried row this month without one is told apart and said
            # (figures: SALE_DATED_LAST_MONTH), not lost on last month's day.
            row[closed_col] = referred
            carried.sales_dated += 1
        carried.rows["tracking"].append(row)
        carried.follow_ups += 1
        owned(receiver, schema.TRACKING.name)
        if excel_row in matches.row_to_card:
            card_rows.add(matches.row_to_card[excel_row])
    referrals = cells("referrals")
    carried.rows["referrals"] = []
    # A card still without 转介编号 takes the one `fill` gives it in the old workbook: numbered
    # afresh in the new workbook, it could take another card's number of that day.
    from .fill import FillPlan, card_numbers

    numbers = card_numbers(book, dt.date.max, FillPlan())
    id_col = [c.key for c in schema.REFERRALS.columns].index("referral_id")
    # A card for another branch's receiver is followed up in that branch's workbook
    # (docs/口径.md#跨网点转介): never carried as if this branch still owed it a call. Those of
    # the last 匹配天数 days go over all the same, for the parent branch's rollup to pair them
    # with the other branch's rows of the new month (a customer who buys on the 2nd).
    window = first - dt.timedelta(days=book.settings.match_days)
    for excel_row, date, receiver in book.referrals.zip("row", "date", "receiver"):
        across = other_branch(receiver) is not None
        dated = isinstance(date, dt.date)
        unfollowed = dated and not matches.contacted(excel_row) and not across
        pairable = across and dated and date >= window
        if not unfollowed and not pairable and excel_row not in card_rows:
            continue
        carried.unfollowed_cards += unfollowed
        carried.cross_branch_cards += pairable  # never also unfollowed: that is ours alone
        carried.linked_cards += not unfollowed and not pairable
        row = _mark(schema.REFERRALS, referrals.row(excel_row))
        if row[id_col] is None and excel_row in numbers:
            row[id_col] = numbers[excel_row]
        carried.rows["referrals"].append(row)
        owned(receiver, schema.REFERRALS.name)

    actions = cells("actions")
    carried.rows["actions"] = []
    for excel_row, state, owner in book.actions.zip("row", "state", "owner"):
        if state == checklist.DONE:
            continue
        carried.rows["actions"].append(_mark(schema.ACTIONS, actions.row(excel_row)))
        carried.open_actions += 1
        owned(owner, schema.ACTIONS.name)
    # A problem the checklist found whose 整改 has no 行动计划 row yet (fill has not run since):
    # written as `fill` would write it, so it is not lost with the old month.
    listed = [item for item in book.actions["item"] if item]
    catalogue = checklist.items(book.checklist_items) or checklist.default_items()
    records = checklist.entries(book.checklist, catalogue, dt.date.max)
    for fix in checklist.open_fixes(records, book.actions, dt.date.max):
        if checklist.has_action(fix.found, listed):
            continue
        found = fix.found
        owner = book.owner_as_typed(found.row, found.owner) if found.owner else None
        row = [fix.first_found, _marked(found.action), owner, found.due, "未完成"]
        carried.rows["actions"].append(row)
        carried.fixes_added += 1
        owned(found.owner, schema.ACTIONS.name)


def _carry_calendar(carried: Carried, book: Book, calendar_cells: _Cells, month: dt.date) -> None:
    """工作日历: the rows the branch typed for the new month, and the month's statutory days
    the branch has not typed itself."""
    first, last = month_bounds(month)
    typed: dict[dt.date, list[Any]] = {}
    for date, excel_row in book.work_calendar.zip("date", "row"):
        if isinstance(date, dt.date) and first <= date <= last:
            typed.setdefault(date, calendar_cells.row(excel_row))
    carried.calendar_carried = len(typed)
    statutory = holiday_rows(month)
    carried.holidays = None if statutory is None else 0
    for row in statutory or []:
        if row[0] not in typed:
            typed[row[0]] = row
            carried.holidays = (carried.holidays or 0) + 1
    carried.rows["work_calendar"] = [typed[d] for d in sorted(typed)]


# ---------------------------------------------------------------- the new workbook


@dataclass
class Made:
    path: Path
    previous_path: Path
    carried: Carried
    # --force over a workbook of the month already begun: its rows recording something done in
    # the month (weekly.recorded_rows), which the new workbook does not have.
    replaced_rows: int = 0
    kept_as: Path | None = None  # where the replaced workbook is kept, outside the backups' count


def target_note(carried: Carried) -> str:
    if not carried.rows["targets"]:
        return f"“目标”是空的：请网点负责人填写 {carried.month:%Y-%m} 的目标。"
    return (
        f"“目标”里的 {len(carried.rows['targets'])} 行是上月（{carried.previous:%Y-%m}）的目标，"
        f"只作起点：请网点负责人确认或改成 {carried.month:%Y-%m} 的目标。"
    )


def guide_notes(carried: Carried) -> list[str]:
    """What the new workbook's 说明 says first: the targets are last month's, and which rows
    came over from last month."""
    notes = [target_note(carried)]
    notes.append(
        f"本工作簿由 {carried.previous:%Y-%m} 的工作簿新建：设置、人员、产品、清单项目照旧带入；"
        f"上月还没办完的事（下次联系在本月及以后的客户、还没跟进的推荐卡、未完成的行动计划）"
        f"标有{CARRIED_MARK}，保留原来的转介编号和日期。"
    )
    return notes


def _month_of(text: str | None) -> dt.date | None:
    if not text:
        return None
    match = re.fullmatch(r"(\d{4})-(\d{2})", text)
    return dt.date(int(match.group(1)), int(match.group(2)), 1) if match else None


def new_month(
    previous_path: Path,
    path: Path,
    month: str | None = None,
    force: bool = False,
    macros: bool = False,
    branch: str = "",
) -> Made:
    """Reads PREVIOUS (never writes it), makes PATH for `month` (default: the month after
    PREVIOUS's), refusing to replace an existing PATH without `force`; a replaced file is kept
    in 备份/ like every other write."""
    from .writeback import book_lock, ensure_not_open

    previous_path, path = Path(previous_path), Path(path)
    _refuse_same_file(previous_path, path)
    if path.is_dir():
        raise BookError(path, "这是一个文件夹：请写新工作簿的文件名，如 网点-2026-12.xlsx")
    if path.exists() and not force:
        raise BookError(
            path,
            "文件已存在，可能已经录入了本月的数据：没有覆盖。确实要重新生成请加 --force"
            "（旧文件会留在“备份”文件夹）",
        )
    raw = read_raw(previous_path)
    book = load_book(raw, str(previous_path))
    wanted = _month_of(month)
    previous = book.month or (_month_before(wanted) if wanted else None)
    if previous is None:
        raise BookError(
            previous_path, "看不出这是哪个月的工作簿（设置里没有统计月份）：请加 --month 年-月"
        )
    wanted = wanted or next_month(previous)
    if wanted <= previous:
        raise BookError(
            "--month",
            f"新月份 {wanted:%Y-%m} 应在上月工作簿的统计月份 {previous:%Y-%m} 之后",
        )
    carried = carry(raw, book, wanted, previous)
    data: dict[str, Rows] = dict(carried.rows)
    overrides = dict(carried.settings)
    if branch:  # --branch names the branch anew; otherwise 网点名称 goes over as typed
        overrides["branch"] = branch
    branch = parse.clean_text(overrides.get("branch", ""))
    from .templates import settings_rows

    data["settings"] = settings_rows(branch, f"{wanted:%Y-%m}", overrides) + carried.extra_settings
    keep = book.settings.backups  # the branch's own 保留备份数
    replacing = path.exists()
    replaced_rows, kept_as = 0, None
    if replacing:
        ensure_not_open(path)
        replaced_rows = _rows_of_month(path, wanted)
        if replaced_rows:  # kept where no later write's backups can prune it
            from .writeback import backup

            kept_as = backup(path, 1, label=REPLACED_LABEL)
    # Another branchkit writing the workbook being replaced finishes first (no lock is needed
    # for a file that is not there yet, whose folder may not be either).
    with book_lock(path) if replacing else contextlib.nullcontext():
        if macros:
            from .macros import write_macro_workbook

            write_macro_workbook(
                path,
                branch,
                f"{wanted:%Y-%m}",
                data,
                guide_notes(carried),
                keep_backups=keep,
                made_from=[previous_path],
            )
        else:
            from .templates import write_branch_workbook

            write_branch_workbook(
                path,
                branch,
                f"{wanted:%Y-%m}",
                data=data,
                keep_backups=keep,
                notes=guide_notes(carried),
                made_from=[previous_path],
            )
    return Made(path, previous_path, carried, replaced_rows, kept_as)


# The label of the copy kept of a workbook init --force replaced with this month's records in it
REPLACED_LABEL = "替换前"


def _shown(kept: Path | None) -> str:
    return f"{kept.parent.name}/{kept.name}" if kept is not None else "“备份”文件夹"


def _rows_of_month(path: Path, month: dt.date) -> int:
    """The rows of the workbook at `path` that record something done in `month` (a card, a
    contact or sale, a day's figures, a checklist round): what the branch typed into it (0 when
    it cannot be read). Carried rows are last month's, unless someone wrote this month's date."""
    from .weekly import recorded_rows

    try:
        book = read_book(path)
    except (BookError, OSError):
        return 0
    return recorded_rows(book, *month_bounds(month))


def _refuse_same_file(previous: Path, path: Path) -> None:
    same = previous.resolve() == path.resolve()
    if not same and previous.exists() and path.exists():
        same = previous.samefile(path)
    if same:
        raise BookError(
            path, "新工作簿不能是上月的工作簿本身：请另起一个文件名，如 网点-2026-12.xlsx"
        )


# ---------------------------------------------------------------- what the branch is told


def _names(people: Iterable[tuple[str, dt.date]]) -> str:
    return "、".join(f"{name}（{left:%m-%d} 离岗）" for name, left in people)


def _calendar(rows: Rows, carried: Carried) -> dict[dt.date, bool]:
    """The new workbook's 工作日历 as the figures will read it: with 营业日, its first opening day
    is the one to start filling on."""
    days = {}
    for typed_date, typed_flag, *_ in rows:
        day, flag = parse.parse_date(typed_date, carried.month), parse.parse_yesno(typed_flag)
        if isinstance(day, dt.date) and isinstance(flag, bool):
            days[day] = flag
    return days


def summary(made: Made) -> list[str]:
    """The lines `init --from` prints: what was carried, sheet by sheet, and what to do next."""
    from .termtext import aligned

    c = made.carried
    rows = c.rows
    month = f"{c.month:%Y-%m}"
    lines = [
        f"已新建 {month} 的工作簿：{made.path}（由 {made.previous_path.name} 带入；"
        f"{made.previous_path.name} 只读取，未改动）"
    ]
    if made.replaced_rows:
        lines.append(
            f"注意：被替换的 {made.path.name} 里有 {made.replaced_rows} 行本月的记录（推荐卡、跟进、每日数据等），"
            f"新工作簿里没有：原文件留在 {_shown(made.kept_as)}（以后的备份不会删掉它），"
            "请把这些行抄回新工作簿"
        )
    month_before = (c.month - dt.timedelta(days=1)).replace(day=1)
    if c.previous != month_before:  # a month skipped: "上月" below is that workbook's month
        lines.append(
            f"注意：{made.previous_path.name} 是 {c.previous:%Y-%m} 的工作簿，不是上个月"
            f"（{month_before:%Y-%m}）的：下面的“上月”指 {c.previous:%Y-%m}，"
            "结转的是那个月底的情况；如有上个月的工作簿，请改用它"
        )
    roster_note = "，".join(
        part
        for part in (
            f"{_names(c.left)}已改为不在岗" if c.left else "",
            f"{_names(c.gone)}不再带入" if c.gone else "",
            f"{'、'.join(c.inactive)}仍为不在岗" if c.inactive else "",
        )
        if part
    )
    calendar_note = "，".join(
        part
        for part in (
            f"上月工作簿里填好的本月 {c.calendar_carried} 行" if c.calendar_carried else "",
            "本年的法定节假日还不知道，请自己填写"
            if c.holidays is None
            else f"法定节假日和调休 {c.holidays} 天，请按网点实际核对"
            if c.holidays
            else "本月没有法定节假日或调休",
        )
        if part
    )
    table = [
        (
            "设置",
            f"{len(SETTING_ITEMS) + len(c.extra_settings)} 项",
            f"统计月份改为 {month}，其余照旧",
        ),
        ("人员", f"{len(rows['roster'])} 人", roster_note or "照旧"),
        ("产品", f"{len(rows.get('products', []))} 个", "照旧"),
        (
            "清单项目",
            f"{len(rows.get('checklist_items', checklist.DEFAULT_ITEMS))} 项",
            "上月没有清单项目，用默认清单" if c.checklist_default else "照旧",
        ),
        (
            "目标",
            f"{len(rows['targets'])} 行",
            (
                "上月的目标，请确认或修改（“说明”表上方也写着）"
                if rows["targets"]
                else "上月没有目标，请填写本月的目标"
            )
            + (
                f"；{'、'.join(c.targets_left_out)}不在岗，目标未带入" if c.targets_left_out else ""
            ),
        ),
        ("工作日历", f"{len(rows['work_calendar'])} 行", calendar_note),
        (
            "追踪表",
            f"{c.follow_ups} 行",
            "上月结转：建议下次联系时间在本月及以后的客户"
            + (
                f"（{c.sales_dated} 行上月的成交没写达成日期，已按推荐时间写上）"
                if c.sales_dated
                else ""
            ),
        ),
        (
            "转介登记",
            f"{c.unfollowed_cards + c.linked_cards + c.cross_branch_cards} 张",
            f"上月结转：{c.unfollowed_cards} 张还没跟进"
            + (f"，{c.linked_cards} 张是结转客户的推荐卡" if c.linked_cards else "")
            + (
                f"，{c.cross_branch_cards} 张给其他网点（匹配天数内，分行汇总据此配对）"
                if c.cross_branch_cards
                else ""
            ),
        ),
        (
            "行动计划",
            f"{c.open_actions + c.fixes_added} 项",
            "上月结转：未完成的事项"
            + (f"（其中 {c.fixes_added} 项是还没列入的整改）" if c.fixes_added else ""),
        ),
    ]
    lines += ["  " + line for line in aligned(table, right=frozenset({1}))]
    lines.append(f"结转的行在备注、推荐原因或事项末尾标有{CARRIED_MARK}，转介编号和原日期不变。")
    if c.overdue:
        lines.append(
            f"另有 {c.overdue} 行跟进的建议下次联系时间在 {c.month.month} 月之前（上月已到期），没有带入："
            "还要跟进的，请在本月追踪表登记；本月还没开始录入的话，也可以在上月工作簿改成新日期后"
            "加 --force 重新生成（会替换本月工作簿，原文件留在“备份”文件夹）。"
        )
    for name, where in c.with_leavers.items():
        items = "、".join(f"{sheet} {count} 项" for sheet, count in where.items())
        lines.append(f"{name} 已不在岗，结转的 {items}仍在其名下：请改派给在岗的同事。")
    if c.holidays is None:
        lines.append(unknown_year_note(c.month))
    weekdays = parse.parse_weekdays(c.settings.get("opening_days", ""))
    calendar = BranchCalendar(
        _calendar(rows["work_calendar"], c),
        weekdays=weekdays if isinstance(weekdays, frozenset) else parse.EVERY_DAY,
    )
    opening = calendar.next_open(c.month - dt.timedelta(days=1))
    name = made.path.name
    if made.path.suffix.lower() == ".xlsm":  # the buttons' workbook: the PC is checked first
        lines.append(
            f"下一步：运行 branchkit doctor {name} 检查按钮需要的设置；确认“目标”，"
            f"{opening:%m-%d} 起照常录入，在“控制台”点「填写」"
        )
    else:
        lines.append(
            f"下一步：确认“目标”，{opening:%m-%d} 起照常录入，运行 branchkit fill {name} "
            f"--date {opening}"
        )
    return lines
