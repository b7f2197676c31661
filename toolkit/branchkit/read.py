"""Branch workbook -> typed tables + problems.

Two steps, so the Excel buttons can share the second: `source.read_raw` turns a file into plain
rows of cell values, and `load_book` turns rows of values — from a file or from xlwings — into
typed tables, whatever the column order, header spelling or sheet name, listing every problem with
its cell.
"""

from __future__ import annotations

import datetime as dt
import difflib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import parse, schema
from .a1 import cell_ref
from .parse import Bad
from .problems import ERROR, WARNING, Problem
from .schema import Column, Kind, Sheet
from .source import RawBook, RawSheet, read_raw

if TYPE_CHECKING:  # pandas loads with the first table, so a sheet can be read meanwhile
    import pandas as pd

HEADER_SEARCH_ROWS = 5


# ---------------------------------------------------------------- settings


@dataclass(frozen=True)
class Settings:
    branch: str = ""
    parent: str = ""
    month: dt.date | None = None
    host: str = ""
    share: float = 0.3
    credit_mode: str = "分润"
    tolerance: float = 0.05
    progress_basis: str = "自然日"
    stale_days: int = 2
    mask: bool = True
    training: str = ""
    mail_to: tuple[str, ...] = ()
    smtp_host: str = ""
    smtp_port: int = 0
    smtp_user: str = ""
    backups: int = 5


# ---------------------------------------------------------------- the typed book


@dataclass
class Book:
    """The input sheets as typed tables. Each table keeps `row`, the Excel row it came from."""

    source: str
    settings: Settings
    tables: dict[str, pd.DataFrame]
    problems: list[Problem] = field(default_factory=list)
    sheet_names: dict[str, str] = field(default_factory=dict)  # schema key -> name in the workbook
    positions: dict[str, dict[str, int]] = field(default_factory=dict)  # key -> column -> 1-based

    def __getattr__(self, key: str) -> pd.DataFrame:
        tables = self.__dict__.get("tables", {})
        if key in tables:
            return tables[key]
        raise AttributeError(key)

    def sheet_name(self, key: str) -> str:
        return self.sheet_names.get(key, schema.SHEETS_BY_KEY[key].name)

    def cell(self, key: str, column: str, row: int) -> str:
        """Where a value sits in the workbook as it is (columns may be reordered)."""
        return cell_ref(row, self.positions.get(key, {}).get(column))


@lru_cache(maxsize=1)
def _t2s() -> Callable[[str], str]:
    import opencc

    return opencc.OpenCC("t2s").convert  # type: ignore[no-any-return]


_PARENS = re.compile(r"[（(][^）)]*[）)]")
_PUNCT = re.compile(r"[\s*＊:：_\-—]+")


@lru_cache(maxsize=2048)
def normalize_label(text: str) -> str:
    """'  達成金額或數量（萬元）* ' -> '达成金额或数量': how headers and sheet names are compared."""
    text = _PARENS.sub("", str(text))
    text = _PUNCT.sub("", text).lower()
    if any(ord(ch) > 0x2E7F for ch in text):
        text = _t2s()(text)
    return text


def _labels(header: str, aliases: tuple[str, ...]) -> set[str]:
    return {normalize_label(x) for x in (header, *aliases)}


@cache
def _column_index(sheet: Sheet) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in sheet.columns:
        for label in _labels(col.header, col.aliases):
            index.setdefault(label, col)
    return index


def _match_headers(sheet: Sheet, row: list[Any]) -> dict[int, Column]:
    index = _column_index(sheet)
    found: dict[int, Column] = {}
    seen: set[str] = set()
    for pos, value in enumerate(row):
        if parse.is_blank(value):
            continue
        col = index.get(normalize_label(parse.clean_text(value)))
        if col and col.key not in seen:
            found[pos] = col
            seen.add(col.key)
    return found


def _find_header(sheet: Sheet, rows: RawSheet) -> tuple[int, dict[int, Column]]:
    best_row, best = -1, {}  # type: tuple[int, dict[int, Column]]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = _match_headers(sheet, row)
        if len(found) > len(best):
            best_row, best = i, found
    return best_row, best


def _resolve_sheets(raw: RawBook, problems: list[Problem]) -> dict[str, str]:
    """Schema key -> workbook sheet name, accepting aliases, Traditional names and renamed sheets."""
    by_label = {normalize_label(name): name for name in raw}
    resolved: dict[str, str] = {}
    for sheet in schema.INPUT_SHEETS:
        for label in _labels(sheet.name, sheet.aliases):
            if label in by_label and by_label[label] not in resolved.values():
                resolved[sheet.key] = by_label[label]
                break
    ignored = {normalize_label(n) for n in schema.NOT_INPUT_SHEETS}
    spare = [n for n in raw if n not in resolved.values() and normalize_label(n) not in ignored]
    for sheet in schema.INPUT_SHEETS:
        if sheet.key in resolved:
            continue
        # A renamed sheet is recognised by its headers: most required columns present.
        required = [c for c in sheet.columns if c.required]
        for name in spare:
            _, found = _find_header(sheet, raw[name])
            hits = {c.key for c in found.values()}
            if len(hits) >= 2 and sum(c.key in hits for c in required) >= max(
                2, len(required) * 0.6
            ):
                resolved[sheet.key] = name
                spare.remove(name)
                problems.append(
                    Problem(
                        name,
                        "",
                        name,
                        f"工作表名不是标准名称，已按“{sheet.name}”读取",
                        WARNING,
                        f"建议改名为“{sheet.name}”",
                    )
                )
                break
        else:
            if sheet.required:
                close = difflib.get_close_matches(sheet.name, spare, n=1, cutoff=0.3)
                hint = (
                    f"是不是“{close[0]}”？请改名为“{sheet.name}”"
                    if close
                    else "请从模板复制该工作表"
                )
                problems.append(Problem(sheet.name, "", "", "缺少工作表", ERROR, hint))
    return resolved


# ---------------------------------------------------------------- cells -> typed values


def _parse_cell(col: Column, value: Any, month: dt.date | None, unit: str) -> Any:
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
        return parse.parse_choice(value, col.choices)
    if kind is Kind.PHONE:
        return parse.parse_phone(value)
    if kind is Kind.ID_NUMBER:
        return parse.parse_id_number(value)
    if kind is Kind.NAMES:
        return parse.parse_names(value) or None
    raise AssertionError(kind)


# Parse failures that still let the row count (SPEC §8): the value is kept or dropped, row stays.
_WARNING_KINDS = {Kind.PHONE, Kind.ID_NUMBER, Kind.CHOICE, Kind.YESNO}


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
    units: tuple[str, Mapping[str, str]] | None = None,
) -> tuple[pd.DataFrame, dict[str, int]]:
    header_at, found = _find_header(sheet, rows)
    columns = {c.key: [] for c in sheet.columns}  # type: dict[str, list[Any]]
    columns["row"] = []
    if header_at < 0:
        problems.append(
            Problem(
                name,
                "1",
                "",
                "找不到表头",
                ERROR,
                "第一行应是列名：" + "、".join(c.header for c in sheet.columns),
            )
        )
        return _frame(sheet, columns), {}
    present = {c.key for c in found.values()}
    for col in sheet.columns:
        if col.required and col.key not in present:
            header_cells = [parse.clean_text(v) for v in rows[header_at] if not parse.is_blank(v)]
            unknown = [h for h in header_cells if normalize_label(h) not in _column_index(sheet)]
            close = difflib.get_close_matches(col.header, unknown, n=1, cutoff=0.4)
            hint = f"是不是“{close[0]}”？请改为“{col.header}”" if close else "请补上这一列"
            problems.append(
                Problem(name, str(header_at + 1), "", f"缺少必填列“{col.header}”", ERROR, hint)
            )
    sheet_problems: list[Problem] = []
    kept, excel_rows = _kept_rows(name, rows, header_at, list(found), sheet_problems)
    unit_pos = next(
        (i for i, (p, c) in enumerate(found.items()) if units and c.key == units[0]), None
    )
    row_units: list[str] | None = None
    if units is not None and unit_pos is not None:
        unit_of = {v: units[1].get(parse.clean_name(v), "") for v in set(kept[unit_pos])}
        row_units = list(map(unit_of.__getitem__, kept[unit_pos]))
    for raw_values, (pos, col) in zip(kept, found.items(), strict=True):
        parsed, flagged = _parse_column(col, raw_values, month, row_units)
        for n in flagged:
            value = parsed[n]
            if isinstance(value, Bad):
                level = WARNING if col.kind in _WARNING_KINDS else ERROR
                where = cell_ref(excel_rows[n], pos + 1)
                expected = _expected(col)
                detail = f"“{col.header}”{expected}" if expected else f"“{col.header}”"
                sheet_problems.append(
                    Problem(name, where, _display(raw_values[n]), value.reason, level, detail)
                )
                # A choice outside the list is still a usable label (e.g. a new indicator).
                parsed[n] = parse.clean_name(raw_values[n]) if col.kind is Kind.CHOICE else None
            else:
                sheet_problems.append(
                    Problem(
                        name,
                        cell_ref(excel_rows[n], pos + 1),
                        "",
                        "缺少必填项",
                        ERROR,
                        f"“{col.header}”不能为空",
                    )
                )
        columns[col.key] = parsed
    blank: list[Any] = [None] * len(excel_rows)
    for col in sheet.columns:
        if col.key not in present:
            columns[col.key] = list(blank)
    columns["row"] = excel_rows
    problems.extend(sorted(sheet_problems, key=_problem_order))
    return _frame(sheet, columns), {c.key: pos + 1 for pos, c in found.items()}


_NUMERIC = {Kind.AMOUNT, Kind.NUMBER, Kind.COUNT}


def _problem_order(problem: Problem) -> tuple[int, int]:
    """Problems of one sheet in reading order: row by row, column by column."""
    match = re.match(r"([A-Z]*)(\d*)$", problem.cell)
    if not match:
        return (0, 0)
    letters, digits = match.groups()
    col = 0
    for ch in letters:
        col = col * 26 + ord(ch) - 64
    return (int(digits or 0), col)


def _is_blank(value: Any) -> bool:
    return value is None or value == "" or parse.is_blank(value)


def _kept_rows(
    name: str, rows: RawSheet, header_at: int, positions: list[int], problems: list[Problem]
) -> tuple[list[tuple[Any, ...]], list[int]]:
    """The cells under the recognised headers, one tuple per column, and the Excel row of each
    kept row: empty rows and exact repeats (every field equal, SPEC §8) are left out.

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
    if not data or (_no_blank_rows(columns) and _no_repeats(columns, len(data))):
        return columns or [() for _ in positions], list(range(first_row, first_row + len(data)))
    picked = list(zip(*columns, strict=True))
    filled = [i for i, cells in enumerate(picked) if _has_value(cells)]
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
                    name, str(excel_row), "", "重复", WARNING, f"与第 {first} 行完全相同，只计一次"
                )
            )
            continue
        kept_indexes.append(index)
        kept_rows.append(cells)
    return kept_indexes, kept_rows


def _parse_column(
    col: Column, values: tuple[Any, ...] | list[Any], month: dt.date | None, units: list[str] | None
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
    if types == {str}:
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
                int(v) if v >= 0 and v.is_integer() else _parse_cell(col, v, month, "")
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


def _frame(sheet: Sheet, columns: dict[str, list[Any]]) -> pd.DataFrame:
    """Numbers become float columns (NaN when empty); everything else stays Python objects with
    None for empty, so `if name:` means what it says (pandas 3 would make text NaN otherwise)."""
    import pandas as pd

    kinds = {c.key: c.kind for c in sheet.columns}
    data = {
        key: pd.Series(values, dtype="float64" if kinds.get(key) in _NUMERIC else object)
        for key, values in columns.items()
        if key != "row"
    }
    data["row"] = pd.Series(columns["row"], dtype="int64")
    return pd.DataFrame(data)


def _expected(col: Column) -> str:
    return {
        Kind.DATE: "应为日期，如 2026-11-20",
        Kind.AMOUNT: "应为金额或数量，如 20、20万、5000元",
        Kind.NUMBER: "应为数字",
        Kind.COUNT: "应为整数",
        Kind.YESNO: "应为 是 或 否",
        Kind.PHONE: "应为11位手机号",
        Kind.CHOICE: "可选：" + "、".join(col.choices),
    }.get(col.kind, "")


def _read_settings(name: str, rows: RawSheet, problems: list[Problem]) -> Settings:
    by_label: dict[str, schema.Setting] = {}
    for setting in schema.SETTING_ITEMS:
        for label in _labels(setting.label, setting.aliases):
            by_label[label] = setting
    header_at, found = _find_header(schema.SETTINGS, rows)
    key_pos = next((p for p, c in found.items() if c.key == "key"), 0)
    value_pos = next((p for p, c in found.items() if c.key == "value"), 1)
    typed: dict[str, Any] = {}
    for offset, row in enumerate(rows[header_at + 1 :]):
        excel_row = header_at + offset + 2
        key_text = parse.clean_text(row[key_pos]) if key_pos < len(row) else ""
        item = by_label.get(normalize_label(key_text)) if key_text else None
        if item is None:
            continue
        raw_value = row[value_pos] if value_pos < len(row) else None
        cell = cell_ref(excel_row, value_pos + 1)
        if parse.is_blank(raw_value):
            continue
        value = _setting_value(item.key, raw_value)
        if isinstance(value, Bad):
            problems.append(
                Problem(
                    name,
                    cell,
                    _display(raw_value),
                    value.reason,
                    WARNING,
                    f"“{item.label}”已按默认值 {item.default or '空'} 处理",
                )
            )
            continue
        typed[item.key] = value
    return Settings(**typed)


def _setting_value(key: str, value: Any) -> Any:
    text = parse.clean_text(value)
    if key in ("share", "tolerance"):
        number = parse.parse_number(value)
        if isinstance(number, float) and 0 <= number <= 1:
            return number
        return Bad("应为 0 到 1 之间的比例")
    if key in ("stale_days", "backups", "smtp_port"):
        count = parse.parse_count(value)
        return count if isinstance(count, int) else Bad("应为整数")
    if key == "mask":
        flag = parse.parse_yesno(value)
        return flag if isinstance(flag, bool) else Bad("应为 是 或 否")
    if key == "month":
        if isinstance(value, (dt.date, int, float)):
            day = parse.parse_date(value)
        else:
            match = re.match(r"^\s*(\d{4})\s*[-./年]\s*(\d{1,2})\s*月?\s*$", text)
            day = (
                _month_start(int(match.group(1)), int(match.group(2))) if match else Bad("应为年月")
            )
        return day.replace(day=1) if isinstance(day, dt.date) else Bad("应为年月，如 2026-11")
    if key == "credit_mode":
        return text if text in ("分润", "双计") else Bad("应为 分润 或 双计")
    if key == "progress_basis":
        return text if text in ("自然日", "工作日") else Bad("应为 自然日 或 工作日")
    if key == "mail_to":
        return tuple(a for a in re.split(r"[,;，；\s]+", text) if a)
    if key in ("host",):
        return parse.clean_name(value)
    return text


def _month_start(year: int, month: int) -> dt.date | Bad:
    try:
        return dt.date(year, month, 1)
    except ValueError:
        return Bad("应为年月")


_FILE_MONTH = re.compile(r"(20\d{2})[-_.年]?(\d{1,2})")


def _month_from_name(source: str) -> dt.date | None:
    match = _FILE_MONTH.search(Path(source).stem)
    if match and 1 <= int(match.group(2)) <= 12:
        return dt.date(int(match.group(1)), int(match.group(2)), 1)
    return None


def load_book(raw: RawBook, source: str = "") -> Book:
    """Rows of cell values -> typed tables and every problem found (SPEC §6, §8)."""
    problems: list[Problem] = []
    names = _resolve_sheets(raw, problems)
    if "settings" in names:
        settings = _read_settings(names["settings"], raw[names["settings"]], problems)
    else:
        settings = Settings()
    month = settings.month or _month_from_name(source)
    tables: dict[str, pd.DataFrame] = {}
    positions: dict[str, dict[str, int]] = {}
    for sheet in schema.INPUT_SHEETS:
        if sheet.key == "settings":
            continue
        name = names.get(sheet.key)
        units = None
        if sheet.key in ("tracking", "targets"):
            units = _units(sheet.key, tables["products"])
        if name is None:  # absent: a missing required sheet was already reported by name
            tables[sheet.key] = _frame(sheet, {c.key: [] for c in sheet.columns} | {"row": []})
            positions[sheet.key] = {}
            continue
        tables[sheet.key], positions[sheet.key] = _read_table(
            sheet, name, raw[name], month, problems, units
        )
    book = Book(source, settings, tables, problems, names, positions)
    _cross_check(book)
    return book


def _units(key: str, products: pd.DataFrame) -> tuple[str, dict[str, str]]:
    """Which column decides a row's unit, and its unit per value: '50万' of 理财 is 50 万元."""
    if key == "tracking":
        return "product", dict(zip(products["product"], products["unit"], strict=True))
    by_indicator: dict[str, str] = {}
    for indicator, unit in zip(products["indicator"], products["unit"], strict=True):
        by_indicator.setdefault(indicator, unit)
    return "indicator", by_indicator


def read_book(path: str | Path) -> Book:
    path = Path(path)
    return load_book(read_raw(path), str(path))


# ---------------------------------------------------------------- checks across sheets


def _cross_check(book: Book) -> None:
    """Warnings that need more than one sheet: unknown people and products, odd amounts.

    Each test runs over a column's distinct values first; only rows that fail are visited."""
    import numpy as np  # loaded with pandas by now

    people = set(book.roster["name"].dropna())
    products = dict(zip(book.products["product"], book.products["unit"], strict=True))
    problems = book.problems

    def check_people(key: str, columns: tuple[str, ...]) -> None:
        table = book.tables[key]
        sheet = schema.SHEETS_BY_KEY[key]
        for col_key in columns:
            names = table[col_key].tolist()
            unknown = {n for n in set(names) if n and people and n not in people}
            if not unknown:
                continue
            rows = table["row"].tolist()
            for i in [i for i, name in enumerate(names) if name in unknown]:
                problems.append(
                    Problem(
                        book.sheet_name(key),
                        book.cell(key, col_key, rows[i]),
                        names[i],
                        "人员表中没有此人",
                        WARNING,
                        f"请在“人员”表添加，或核对{sheet.column(col_key).header}",
                    )
                )

    check_people("referrals", ("referrer", "receiver"))
    check_people("tracking", ("referrer", "receiver"))
    check_people("daily", ("name",))
    tracking = book.tracking
    sheet_name = book.sheet_name("tracking")
    sold = tracking["product"].tolist()
    unit_of = {p: products.get(p or "", "") for p in set(sold)}
    limit_of = {p: _AMOUNT_LIMITS.get(unit, 1_000) for p, unit in unit_of.items()}
    amounts = tracking["amount"].to_numpy(dtype="float64")
    limits = np.fromiter(map(limit_of.__getitem__, sold), dtype="float64", count=len(sold))
    odd = (amounts < 0) | (amounts > limits)  # NaN (no amount) is neither
    unknown = {p for p in unit_of if p and p not in products}
    rows = tracking["row"].tolist()
    for i in [i for i, product in enumerate(sold) if odd[i] or product in unknown]:
        row, product, amount = rows[i], sold[i], float(amounts[i])
        if product in unknown:
            problems.append(
                Problem(
                    sheet_name,
                    book.cell("tracking", "product", row),
                    product,
                    "产品表中没有此产品",
                    WARNING,
                    "这笔不计入任何指标；请在“产品”表添加",
                )
            )
        if odd[i]:
            unit = unit_of[product]
            problems.append(
                Problem(
                    sheet_name,
                    book.cell("tracking", "amount", row),
                    _display(amount),
                    "金额或数量不合理",
                    WARNING,
                    f"单位是{unit or '未知'}，请核对："
                    + ("20万元应填 20" if unit == "万元" else f"按{unit or '产品单位'}填写"),
                )
            )


# The largest believable amount of one sale, by the product's unit (anything else: 1,000).
_AMOUNT_LIMITS = {"万元": 10_000, "元": 100_000_000}
