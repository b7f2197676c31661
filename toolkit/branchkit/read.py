"""Branch workbook -> typed tables + problems.

Two steps, so the Excel buttons can share the second: `source.read_raw` turns a file into plain
rows of cell values, and `load_book` turns rows of values — from a file or from xlwings — into
typed tables, whatever the column order, header spelling or sheet name, listing every problem with
its cell.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

from . import parse, schema
from .a1 import cell_ref, split_ref
from .catalogue import Catalogue, measure_units
from .controls import has_controls
from .crosscheck import cross_check
from .headers import (
    column_index,
    find_header,
    normalize_label,
    normalize_word,
    resolve_sheets,
    word_index,
)
from .parse import Bad
from .problems import BookError, Code, Level, OutsideMonth, Problem
from .schema import FORMULA_EXACT, Column, Kind, Sheet
from .settings import Settings, read_settings
from .source import RawBook, RawSheet, read_raw
from .table import Table
from .vocab import Key, Unit

# ---------------------------------------------------------------- the typed book

# The input sheets that become tables (设置 becomes `Settings`), each a declared field of Book.
TABLE_KEYS = tuple(s.key for s in schema.INPUT_SHEETS if s.key != "settings")


@dataclass
class Book:
    """The input sheets as typed tables, one declared attribute per sheet of the schema (named by
    its key), so a misspelt `book.dialy` fails mypy and at run time. Each table keeps `row`, the
    Excel row it came from; a sheet the workbook lacks is an empty table with all its columns."""

    source: str
    settings: Settings
    roster: Table
    products: Table
    targets: Table
    referrals: Table
    tracking: Table
    daily: Table
    overview: Table
    checklist_items: Table
    checklist: Table
    cases: Table
    actions: Table
    work_calendar: Table
    problems: list[Problem] = field(default_factory=list)
    sheet_names: dict[str, str] = field(default_factory=dict)  # schema key -> name in the workbook
    positions: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> column -> 1-based
    header_rows: dict[str, int] = field(default_factory=dict)  # key -> the header's Excel row
    catalogue: Catalogue = field(default_factory=lambda: Catalogue({}, {}))
    month: dt.date | None = None  # 统计月份, else the month in the file name
    # Names as typed where the table holds them with a number masked, by (sheet, column, row):
    # what fill copies into new rows (docs/工作簿.md#脱敏).
    typed: dict[tuple[str, str, int], Any] = field(default_factory=dict)
    # A sheet's formula cells (row, column), asked for only where a check must tell a formula
    # from a typed value (fill's 转介数量 count); none known by default.
    formulas: Callable[[str], frozenset[tuple[int, int]]] = field(
        default_factory=lambda: _no_formulas, repr=False, init=False
    )

    def as_typed(self, key: str, column: str, row: int, value: Any) -> Any:
        """A value of the table as the person typed it, where the reader masked a number in it."""
        return self.typed.get((key, column, row), value)

    def owner_as_typed(self, row: int, owner: str) -> str:
        """A checklist row's 整改责任人 (else its 责任人) `owner` as typed: the one of the two
        columns it was read from."""
        from .privacy import mask_text

        for column in ("fix_owner", "owner"):
            was = self.typed.get(("checklist", column, row))
            if isinstance(was, str) and mask_text(was) == owner:
                return was
        return owner

    def check_day(self, day: dt.date) -> None:
        """A date D outside the workbook's month is refused (docs/工作簿.md#工作簿文件): its figures
        would all be zero against the month's targets, which is wrong, not merely empty."""
        if self.month and (day.year, day.month) != (self.month.year, self.month.month):
            raise OutsideMonth(
                self.source or "工作簿",
                f"统计日期 {day} 不在本工作簿的统计月份 {self.month:%Y-%m} 内：请换日期，"
                "或打开那个月的工作簿",
                self.month,
            )

    def check_week(self, monday: dt.date, sunday: dt.date, label: str) -> None:
        """A week with no day in the workbook's month is refused like a date outside it: its
        report would be all zeros, and mailed to the branch head as if it were the week's."""
        if self.month is None:
            return
        from .workdays import month_bounds

        first, last = month_bounds(self.month)
        if sunday < first or monday > last:
            raise BookError(
                self.source or "工作簿",
                f"周次 {label}（{monday:%m-%d} 至 {sunday:%m-%d}）不在本工作簿的统计月份 "
                f"{self.month:%Y-%m} 内：请换周次，或用那个月的工作簿",
            )

    @property
    def tables(self) -> dict[str, Table]:
        """The tables by schema key, in the schema's order (for code that walks every sheet)."""
        return {key: getattr(self, key) for key in TABLE_KEYS}

    def sheet_name(self, key: str) -> str:
        return self.sheet_names.get(key, schema.SHEETS_BY_KEY[key].name)

    def cell(self, key: str, column: str, row: int) -> str:
        """Where a value sits in the workbook as it is (columns may be reordered)."""
        return cell_ref(row, self.positions.get(key, {}).get(column))

    def is_formula(self, key: str, column: str, row: int) -> bool:
        """Whether that cell holds a formula rather than a value a person typed."""
        col = self.positions.get(key, {}).get(column)
        return col is not None and (row, col) in self.formulas(self.sheet_name(key))


def _no_formulas(sheet: str) -> frozenset[tuple[int, int]]:
    return frozenset()


# ---------------------------------------------------------------- cells -> typed values


def _parse_cell(col: Column, value: Any, month: dt.date | None, unit: Unit | str) -> Any:
    kind = col.kind
    if kind is Kind.TEXT:
        return parse.clean_text(value) or None
    if kind is Kind.NAME:
        return parse.clean_name(value) or None
    if kind is Kind.DATE:
        return parse.parse_date(value, month)
    if kind is Kind.AMOUNT:
        return parse.parse_amount(value, unit)
    if kind is Kind.NUMBER:
        return parse.parse_number(value)
    if kind is Kind.COUNT:
        return parse.parse_count(value)
    if kind is Kind.YESNO:
        return parse.parse_yesno(value)
    if kind is Kind.CHOICE:
        if col.words:
            return _closed_choice(col, value)
        return parse.parse_choice(value, () if col.open_choices else col.choices)
    if kind is Kind.PHONE:
        return parse.parse_phone(value)
    if kind is Kind.ID_NUMBER:
        return parse.parse_id_number(value)
    if kind is Kind.NAMES:
        return parse.parse_names(value) or None
    raise AssertionError(kind)


@cache
def _word_index(col: Column) -> dict[str, Key]:
    return word_index(col.words)


def _closed_choice(col: Column, value: Any) -> Key | Bad | None:
    """A choice of one of vocab's closed sets, as its member: the word as the sheet offers it,
    in Traditional characters, or the member's English key."""
    text = parse.clean_name(value)
    if not text:
        return None
    member = _word_index(col).get(normalize_word(text))
    return Bad(Code.NOT_A_CHOICE) if member is None else member


# Parse failures that still let the row count (docs/口径.md#数据错误): the value is kept or
# dropped, the row stays.
_WARNING_KINDS = {Kind.PHONE, Kind.ID_NUMBER, Kind.CHOICE, Kind.YESNO}
# A value typed into these is someone's number even when it is not a valid one (Problem.personal).
_PERSONAL_KINDS = {Kind.PHONE, Kind.ID_NUMBER}


def _display(value: Any) -> str:
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _read_table(
    sheet: Sheet,
    name: str,
    rows: RawSheet,
    month: dt.date | None,
    problems: list[Problem],
    units: tuple[str, Mapping[str, Unit | str]] | None = None,
    typed: dict[tuple[str, str, int], Any] | None = None,
) -> tuple[Table, dict[str, int], int]:
    """The sheet's typed table, each column's 1-based position, and the header's Excel row.
    `typed` collects the names whose numbers the table holds masked, as they were read."""
    header_at, found = find_header(sheet, rows)
    columns = {c.key: [] for c in sheet.columns}  # type: dict[str, list[Any]]
    columns["row"] = []
    if header_at < 0:
        columns_wanted = tuple(c.header for c in sheet.columns)
        problems.append(Problem(Code.NO_HEADER, name, "A1", {"columns": columns_wanted}))
        return Table(columns), {}, 0
    present = {c.key for c in found.values()}
    for col in sheet.columns:
        if col.required and col.key not in present:
            header_cells = [parse.clean_text(v) for v in rows[header_at] if not parse.is_blank(v)]
            unknown = [h for h in header_cells if normalize_label(h) not in column_index(sheet)]
            import difflib  # only for a suggestion when something is missing

            close = difflib.get_close_matches(col.header, unknown, n=1, cutoff=0.4)
            problems.append(
                Problem(
                    Code.MISSING_COLUMN,
                    name,
                    cell_ref(header_at + 1, None),
                    {"column": col.header, "close": close[0] if close else ""},
                )
            )
    sheet_problems: list[Problem] = []
    kept, excel_rows = _kept_rows(name, rows, header_at, list(found), sheet_problems)
    unit_pos = next(
        (i for i, (p, c) in enumerate(found.items()) if units and c.key == units[0]), None
    )
    row_units: list[Unit | str] | None = None
    if units is not None and unit_pos is not None:
        unit_of = {v: units[1].get(parse.clean_name(v), "") for v in set(kept[unit_pos])}
        row_units = list(map(unit_of.__getitem__, kept[unit_pos]))
    for raw_values, (pos, col) in zip(kept, found.items(), strict=True):
        parsed, flagged = _parse_column(col, raw_values, month, row_units)
        for n in flagged:
            value = parsed[n]
            if isinstance(value, Bad):
                warns = col.kind in _WARNING_KINDS and not col.strict
                column: dict[str, object] = {"column": col.header, "kind": col.kind}
                if col.choices:
                    column["choices"] = col.choices
                sheet_problems.append(
                    Problem(
                        value.code,
                        name,
                        cell_ref(excel_rows[n], pos + 1),
                        {**value.args, **column},
                        value=_display(raw_values[n]),
                        level=Level.WARNING if warns else Level.ERROR,
                        personal=col.kind in _PERSONAL_KINDS,
                    )
                )
                # A choice outside the list is still a usable label (e.g. a new indicator); a strict
                # one stays as typed so the figures can leave its row out (docs/口径.md#数据错误).
                parsed[n] = parse.clean_name(raw_values[n]) if col.kind is Kind.CHOICE else None
            else:
                sheet_problems.append(
                    Problem(
                        Code.MISSING_VALUE,
                        name,
                        cell_ref(excel_rows[n], pos + 1),
                        {"column": col.header},
                    )
                )
        if col.kind is Kind.NAME or col.kind is Kind.NAMES:
            parsed = _numbers_masked(parsed, sheet.key, col.key, excel_rows, typed)
        columns[col.key] = parsed
    blank: list[Any] = [None] * len(excel_rows)
    for col in sheet.columns:
        if col.key not in present:
            columns[col.key] = list(blank)
    watched = FORMULA_COMPARED.get(sheet.key)
    if watched:
        raw_of = {col.key: values for values, col in zip(kept, found.values(), strict=True)}
        columns[FORMULA_EXACT] = _formula_exact(
            [(raw_of[k], columns[k]) for k in watched if k in raw_of], len(excel_rows)
        )
    columns["row"] = excel_rows
    problems.extend(sorted(sheet_problems, key=_problem_order))
    return Table(columns), {c.key: pos + 1 for pos, c in found.items()}, header_at + 1


def _numbers_masked(
    parsed: list[Any],
    key: str,
    column: str,
    rows: list[int],
    typed: dict[tuple[str, str, int], Any] | None,
) -> list[Any]:
    """A name column with any phone or ID number in it masked (docs/工作簿.md#脱敏): a slip of
    one column (联系方式 stands right before 推荐人) must not send a number out whole where every
    output shows names as they are. The names as read go into `typed` by (sheet, column, row):
    fill copies those into new rows, never the masked ones."""
    distinct = {v for v in parsed if v.__class__ is str} | {
        n for v in parsed if v.__class__ is list for n in v
    }
    if not _MASKABLE.search("".join(distinct)):
        return parsed  # as good as always: names hold no digits
    from .privacy import mask_text

    memo = {name: shown for name in distinct if (shown := mask_text(name)) != name}
    if not memo:
        return parsed  # digits, but no number: 客户000123
    masked = [
        memo.get(v, v)
        if v.__class__ is str
        else [memo.get(n, n) for n in v]
        if v.__class__ is list
        else v
        for v in parsed
    ]
    if typed is not None:
        for row, was, now in zip(rows, parsed, masked, strict=True):
            if was != now:
                typed[key, column, row] = was
    return masked


_MASKABLE = re.compile(r"[0-9\uff10-\uff19@\uff20]")  # a digit, or an e-mail's @


# The columns a formula fill writes compares (docs/工作簿.md#填写): 每日数据 转介数量 counts
# 转介登记 rows by 推荐人 and 日期 with COUNTIFS.
FORMULA_COMPARED = {"referrals": ("referrer", "date")}


def _formula_exact(pairs: list[tuple[tuple[Any, ...], list[Any]]], count: int) -> list[bool]:
    """Whether each row's cells are, to a spreadsheet's formula, the values branchkit read.

    branchkit reads "2026.12.3" typed as text as a date and " 李四 " as 李四; COUNTIFS compares
    the cells as they are and counts neither, so a count fill writes as a formula would read 0
    once the sheet recalculates. fill writes a number where any card it counts is not exact."""
    exact = [True] * count
    for raw, parsed in pairs:
        for i, (cell, value) in enumerate(zip(raw, parsed, strict=True)):
            if value is not None and not _same_to_a_formula(cell, value):
                exact[i] = False
    return exact


def _same_to_a_formula(cell: Any, value: Any) -> bool:
    if isinstance(value, dt.date):
        if isinstance(cell, dt.datetime):
            return cell.time() == dt.time()
        if isinstance(cell, dt.date):
            return True
        return isinstance(cell, int | float) and float(cell).is_integer()  # a date's serial
    return cell == value


def _problem_order(problem: Problem) -> tuple[int, int]:
    """Problems of one sheet in reading order: row by row, column by column."""
    return split_ref(problem.cell) or (0, 0)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or parse.is_blank(value)


def _kept_rows(
    name: str, rows: RawSheet, header_at: int, positions: list[int], problems: list[Problem]
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The cells under the recognised headers, one tuple per column, and the Excel row of each
    kept row: empty rows and exact repeats (every field equal, docs/口径.md#数据错误) are left out.

    A parent branch's sheet has 100,000 rows, so the usual case is settled column-wise with
    C-level calls: a column without blank cells means no row is empty, and a column of distinct
    values means no two rows are equal. Only otherwise are rows compared one by one."""
    if not positions:
        return [], []
    data = rows[header_at + 1 :]
    first_row = header_at + 2
    if data and min(map(len, data)) > max(positions):
        every = list(zip(*data, strict=False))
        columns = [every[p] for p in positions]
    else:
        columns = [tuple(r[p] if p < len(r) else None for r in data) for p in positions]
    totals = any(not schema.TOTAL_LABELS.isdisjoint(column) for column in columns)
    if not data or (not totals and _no_blank_rows(columns) and _no_repeats(columns, len(data))):
        return columns or [() for _ in positions], list(range(first_row, first_row + len(data)))
    picked = list(zip(*columns, strict=True))
    filled = [
        i
        for i, cells in enumerate(picked)
        if _has_value(cells) and not (totals and _totals_row(cells))
    ]
    cells_of = [picked[i] for i in filled]
    if len(set(cells_of)) < len(cells_of):
        filled, cells_of = _drop_repeats(name, filled, cells_of, first_row, problems)
    excel_rows = [first_row + i for i in filled]
    return list(zip(*cells_of, strict=True)) or [() for _ in positions], excel_rows


def _no_blank_rows(columns: list[tuple[Any, ...]]) -> bool:
    """True when some column has a value in every row. Checked over a column's distinct values,
    so only columns with few of them (dates, names, products) are worth asking."""
    for column in columns:
        distinct = set(column)
        if len(distinct) <= 1_000 and not any(map(_is_blank, distinct)):
            return True
    return False


def _no_repeats(columns: list[tuple[Any, ...]], count: int) -> bool:
    """True when some column's values are all different, so no two rows can be equal."""
    return any(len(set(column)) == count for column in columns)


def _has_value(cells: tuple[Any, ...]) -> bool:
    return not all(map(_is_blank, cells))


def _totals_row(cells: tuple[Any, ...]) -> bool:
    """A row of totals under the table: a 合计 label, and no other text (numbers, sums beside
    it). Not a record: fill writes below it, and it is neither data nor an error."""
    texts = [c for c in cells if isinstance(c, str) and c.strip()]
    return len(texts) == 1 and texts[0] in schema.TOTAL_LABELS


def _drop_repeats(
    name: str,
    indexes: list[int],
    rows: list[tuple[Any, ...]],
    first_row: int,
    problems: list[Problem],
) -> tuple[list[int], list[tuple[Any, ...]]]:
    seen: dict[tuple[Any, ...], int] = {}
    kept_indexes: list[int] = []
    kept_rows: list[tuple[Any, ...]] = []
    for index, cells in zip(indexes, rows, strict=True):
        excel_row = first_row + index
        first = seen.setdefault(cells, excel_row)
        if first != excel_row:
            problems.append(
                Problem(
                    Code.DUPLICATE_ROW,
                    name,
                    cell_ref(excel_row, None),
                    {"first": first, "row": excel_row},
                    level=Level.WARNING,
                )
            )
            continue
        kept_indexes.append(index)
        kept_rows.append(cells)
    return kept_indexes, kept_rows


def _parse_column(
    col: Column,
    values: tuple[Any, ...] | list[Any],
    month: dt.date | None,
    units: list[Unit | str] | None,
) -> tuple[list[Any], list[int]]:
    """Parses one column: each distinct value once, then a C-level lookup per cell.

    Returns the typed values and the positions that need a problem listed (a `Bad`, or empty
    where the column is required). Cells repeat heavily (dates, names, products); the mostly
    distinct ones (customer names, phones, serial numbers) are parsed a column at a time."""
    keys: tuple[Any, ...] | list[Any] = values
    types = set(map(type, values))
    if col.kind is Kind.AMOUNT and units is not None:  # '20万' depends on the row's product
        keys = list(zip(map(type, values), values, units, strict=True))  # True == 1: apart
        distinct = list(dict.fromkeys(keys))
        results = [_parse_cell(col, value, month, unit) for _, value, unit in distinct]
    elif bool in types and (int in types or float in types):  # True == 1: keep them apart
        keys = list(zip(map(type, values), values, strict=True))
        distinct = list(dict.fromkeys(keys))
        results = [_parse_cell(col, value, month, "") for _, value in distinct]
    else:
        unique = dict.fromkeys(values)
        empty = [None] if None in unique else []  # every parser returns None for an empty cell
        if empty:
            del unique[None]
            types.discard(type(None))
        distinct = [*unique, *empty]
        results = [*_parse_distinct(col, list(unique), types, month), *empty]
    # docs/工作簿.md#脱敏: a phone or ID typed into a note leaves the sheet masked
    if col.free_text:
        from .privacy import mask_text

        results = [mask_text(r) if r.__class__ is str else r for r in results]
    memo = dict(zip(distinct, results, strict=True))
    parsed = list(map(memo.__getitem__, keys))
    required = col.required
    flagged = {
        key
        for key, result in zip(distinct, results, strict=True)
        if result.__class__ is Bad or (result is None and required)
    }
    return parsed, [n for n, key in enumerate(keys) if key in flagged] if flagged else []


def _parse_distinct(
    col: Column, values: list[Any], types: set[type], month: dt.date | None
) -> list[Any]:
    """`_parse_cell` for each value, a column of the usual type in one comprehension with the
    common spellings inline (the same results, property-tested)."""
    kind = col.kind
    if types == {str} and not has_controls("".join(values)):  # as good as always
        if kind is Kind.TEXT:
            return [v.replace("\u3000", " ").strip() or None for v in values]
        if kind is Kind.NAME:
            return ["".join(v.split()) or None for v in values]
        if kind is Kind.PHONE:
            if _all_plain_mobiles(values):
                return values
            return [v if _is_plain_mobile(v) else _parse_cell(col, v, month, "") for v in values]
    if types == {float}:
        if kind is Kind.AMOUNT or kind is Kind.NUMBER:
            return [v if math.isfinite(v) else _parse_cell(col, v, month, "") for v in values]
        if kind is Kind.COUNT:
            return [
                int(v)
                if 0 <= v <= parse.MAX_COUNT and v.is_integer()
                else _parse_cell(col, v, month, "")
                for v in values
            ]
    return [_parse_cell(col, v, month, "") for v in values]


_PLAIN_MOBILES = re.compile(r"(?:1[3-9][0-9]{9}\n)*1[3-9][0-9]{9}")


def _all_plain_mobiles(values: list[str]) -> bool:
    """One regex over the whole column. A value holding a line break adds a separator, so the
    count check keeps two numbers in one cell from passing as two plain ones."""
    joined = "\n".join(values)
    return joined.count("\n") == len(values) - 1 and _PLAIN_MOBILES.fullmatch(joined) is not None


def _is_plain_mobile(value: str) -> bool:
    """An 11-digit mainland mobile typed plainly (what parse_phone returns unchanged)."""
    return (
        len(value) == 11
        and value.isascii()
        and value.isdigit()
        and value[0] == "1"
        and value[1] in "3456789"
    )


_FILE_MONTH = re.compile(r"(20\d{2})[-_.年]?(\d{1,2})")


# A workbook named as branchkit names them: 火车站支行-2026-11.xlsx, 火车站支行2026年11月.xlsx.
_BRANCH_AND_MONTH = re.compile(r"^(.*?\S)[\s_\-.]*20\d{2}[-_.年]?\d{1,2}月?$")


def _branch_from_name(source: str) -> str:
    """The branch a workbook's name gives before its month ('' for a name that is not so made):
    what the agendas and the weekly call the branch when 设置 does not say."""
    match = _BRANCH_AND_MONTH.match(Path(source).stem) if source else None
    return match.group(1) if match else ""


def _month_from_name(source: str) -> dt.date | None:
    match = _FILE_MONTH.search(Path(source).stem)
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return None


def load_book(
    raw: RawBook,
    source: str = "",
    formulas: Callable[[str], frozenset[tuple[int, int]]] | None = None,
) -> Book:
    """Rows of cell values -> typed tables and every problem found (docs/工作簿.md#手填的写法,
    docs/口径.md#数据错误). `formulas`: a sheet's formula cells by its name, where the source
    can tell (calamine reads a formula's cached value, as if typed)."""
    problems: list[Problem] = []
    names = resolve_sheets(raw, problems)
    if "settings" in names:
        settings = read_settings(names["settings"], raw[names["settings"]], problems)
    else:
        settings = Settings()
    month = settings.month or _month_from_name(source)
    if not settings.branch and (named := _branch_from_name(source)):
        settings = replace(settings, branch=named)  # 设置 missing, or 网点名称 left empty
    tables: dict[str, Table] = {}
    positions: dict[str, dict[str, int]] = {}
    header_rows: dict[str, int] = {}
    catalogue = Catalogue({}, {})
    # 清单项目 is read first, its problems kept for its turn: 目标 may name its 计量 as indicators.
    early: list[Problem] = []
    typed: dict[tuple[str, str, int], Any] = {}
    items = _read_sheet(schema.CHECKLIST_ITEMS, names, raw, month, early, None, typed)
    measures = measure_units(items[0]["measure"])
    for sheet in schema.INPUT_SHEETS:
        if sheet.key == "settings":
            continue
        if sheet.key == "checklist_items":
            tables[sheet.key], positions[sheet.key], header_rows[sheet.key] = items
            problems.extend(early)
            continue
        tables[sheet.key], positions[sheet.key], header_rows[sheet.key] = _read_sheet(
            _with_measures(sheet, measures),
            names,
            raw,
            month,
            problems,
            _units(sheet.key, catalogue),
            typed,
        )
        if sheet.key == "products":
            catalogue = Catalogue.from_table(tables["products"], measures)
    book = Book(
        source,
        settings,
        **tables,
        problems=problems,
        sheet_names=names,
        positions=positions,
        header_rows=header_rows,
        catalogue=catalogue,
        month=month,
        typed=typed,
    )
    if formulas is not None:
        book.formulas = formulas
    cross_check(book)
    _mask_customers_in_values(book)
    return book


_TWO_HAN = re.compile(r"[\u4e00-\u9fff]{2}")


def _mask_customers_in_values(book: Book) -> None:
    """A customer's name in a problem's value (叶丽超 周五再联系 typed into a date cell) is shown
    as 叶** wherever the problem goes — the 数据问题 tab, the command line, --json, the rollup
    sent to the parent branch (docs/工作簿.md#脱敏): the value points at the cell; the cell
    itself keeps the text. Staff names stay whole."""
    if not any(_TWO_HAN.search(p.value) for p in book.problems if p.value):
        return
    from .privacy import workbook_names

    names = workbook_names(book)
    book.problems[:] = [
        replace(p, value=names.mask(p.value)) if p.value else p for p in book.problems
    ]


def _read_sheet(
    sheet: Sheet,
    names: Mapping[str, str],
    raw: RawBook,
    month: dt.date | None,
    problems: list[Problem],
    units: tuple[str, Mapping[str, Unit | str]] | None,
    typed: dict[tuple[str, str, int], Any] | None = None,
) -> tuple[Table, dict[str, int], int]:
    name = names.get(sheet.key)
    if name is None:  # absent: a missing required sheet was already reported by name
        return Table.empty(c.key for c in sheet.columns), {}, 0
    return _read_table(sheet, name, raw[name], month, problems, units, typed)


def _with_measures(sheet: Sheet, measures: Mapping[str, str]) -> Sheet:
    """目标 accepts this workbook's checklist quantities (清单项目 计量) as indicators, without a
    warning, like 转介数 (docs/口径.md#清单计量)."""
    if sheet.key != "targets" or not measures:
        return sheet
    column = sheet.column("indicator")
    extra = tuple(m for m in measures if m not in column.choices)
    if not extra:
        return sheet
    widened = replace(column, choices=column.choices + extra)
    return replace(sheet, columns=tuple(widened if c is column else c for c in sheet.columns))


def _units(key: str, catalogue: Catalogue) -> tuple[str, Mapping[str, Unit | str]] | None:
    """Which column decides a row's unit, and its unit per value: '50万' of 理财 is 50 万元."""
    if key == "tracking":
        return "product", {name: p.unit for name, p in catalogue.products.items()}
    if key == "targets":
        return "indicator", catalogue.indicator_units
    return None


def read_book(path: str | Path) -> Book:
    """The workbook at `path`, read; a workbook without any of the input sheets is refused in
    one line: it is not a branch workbook, and writing six tabs into it would help nobody."""
    from .source import formula_cells

    path = Path(path)
    # A sheet's formula cells, looked for once: each look parses the sheet's XML whole.
    formulas = cache(lambda name: formula_cells(path, name))
    book = load_book(read_raw(path), str(path), formulas)
    if not book.sheet_names:
        raise BookError(path, not_a_branch_workbook(path))
    return book


def not_a_branch_workbook(path: Path) -> str:
    examples = "、".join(schema.SHEETS_BY_KEY[k].name for k in ("referrals", "tracking", "roster"))
    return (
        f"这不是网点工作簿（{examples}等输入表一张也没有）：新建网点工作簿用 branchkit init；"
        f"要给这个工作簿加上输入表，用 branchkit init {path.name} --upgrade"
    )
