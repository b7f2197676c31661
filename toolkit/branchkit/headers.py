"""Which sheet is which, and which column is which: headers and sheet names as staff write them.

Staff rename sheets, reorder and respell columns, and write Traditional Chinese or English; all
of it is compared after `normalize_label`, and a renamed sheet is recognised by its headers.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from functools import lru_cache
from typing import Any

from . import parse, schema
from .problems import Code, Level, Problem
from .schema import Column, Sheet
from .vocab import K

HEADER_SEARCH_ROWS = 5


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


_WORD_PUNCT = re.compile(r"[\s_\-]+")


@lru_cache(maxsize=2048)
def normalize_word(text: str) -> str:
    """'  雙計 ', 'Not applicable', 'not_applicable' -> '双计', 'notapplicable': how a choice
    typed in a cell is compared with the words of a closed set (no brackets are dropped: '已完成
    （部分）' is not 已完成)."""
    text = _WORD_PUNCT.sub("", str(text)).lower()
    if any(ord(ch) > 0x2E7F for ch in text):
        text = _t2s()(text)
    return text


def word_index(words: Iterable[tuple[K, str]]) -> dict[str, K]:
    """A closed set's words, Simplified or Traditional, and its members' English keys -> member."""
    index: dict[str, K] = {}
    for member, text in words:
        index.setdefault(normalize_word(text), member)
        index.setdefault(normalize_word(member.value), member)
    return index


def labels(header: str, aliases: tuple[str, ...]) -> set[str]:
    return {normalize_label(x) for x in (header, *aliases)}


# The schema's sheets' label indexes, by identity: those sheets live as long as the program, and
# hashing a frozen Sheet hashes every Column of it, which cost more than the lookup it served.
_SCHEMA_INDEXES: dict[int, dict[str, Column]] = {}


def column_index(sheet: Sheet) -> dict[str, Column]:
    """The sheet's columns by every label they answer to (header, aliases, after normalizing)."""
    if schema.SHEETS_BY_KEY.get(sheet.key) is sheet:
        index = _SCHEMA_INDEXES.get(id(sheet))
        if index is None:
            index = _SCHEMA_INDEXES[id(sheet)] = _column_index(sheet)
        return index
    return _column_index_of(sheet)  # a sheet made for one workbook (its own 计量 columns)


@lru_cache(maxsize=32)
def _column_index_of(sheet: Sheet) -> dict[str, Column]:
    return _column_index(sheet)


def _column_index(sheet: Sheet) -> dict[str, Column]:
    index: dict[str, Column] = {}
    for col in sheet.columns:
        for label in labels(col.header, col.aliases):
            index.setdefault(label, col)
    return index


def match_headers(sheet: Sheet, row: list[Any]) -> dict[int, Column]:
    """Position -> column for the cells of `row` that name one of the sheet's columns (a column
    named twice counts at its first place). Blank cells and numbers name nothing and are
    passed over without parsing: a header search looks at five rows of data too."""
    index = column_index(sheet)
    found: dict[int, Column] = {}
    seen: set[str] = set()
    for pos, value in enumerate(row):
        if value is None or value.__class__ is float or value.__class__ is int:
            continue
        text = parse.clean_text(value)
        if not text:
            continue
        col = index.get(normalize_label(text))
        if col and col.key not in seen:
            found[pos] = col
            seen.add(col.key)
    return found


def find_header(sheet: Sheet, rows: list[list[Any]]) -> tuple[int, dict[int, Column]]:
    best_row, best = -1, {}  # type: tuple[int, dict[int, Column]]
    for i, row in enumerate(rows[:HEADER_SEARCH_ROWS]):
        found = match_headers(sheet, row)
        if len(found) > len(best):
            best_row, best = i, found
    return best_row, best


def _former_names(
    raw: Mapping[str, list[list[Any]]], by_label: Mapping[str, str]
) -> dict[str, str]:
    """Sheets still under the name they had before a new sheet took it over: a 每日清单 holding
    日期, 客流量 and 当班人员 is the day overview of a workbook made before the checklist existed.
    The headers decide, so a 每日清单 of checklist records stays the checklist."""
    found: dict[str, str] = {}
    for sheet in schema.INPUT_SHEETS:
        if not sheet.formerly or labels(sheet.name, sheet.aliases) & by_label.keys():
            continue
        for old in sheet.formerly:
            name = by_label.get(normalize_label(old))
            owner = next(
                (
                    s
                    for s in schema.INPUT_SHEETS
                    if s is not sheet and normalize_label(old) in labels(s.name, s.aliases)
                ),
                None,
            )
            if name is None or owner is None or name in found.values():
                continue
            rows = raw[name]
            if len(find_header(sheet, rows)[1]) > len(find_header(owner, rows)[1]):
                found[sheet.key] = name
                break
    return found


def resolve_sheets(raw: Mapping[str, list[list[Any]]], problems: list[Problem]) -> dict[str, str]:
    """Schema key -> workbook sheet name, accepting aliases, Traditional names and renamed sheets."""
    by_label = {normalize_label(name): name for name in raw}
    resolved = _former_names(raw, by_label)
    for sheet in schema.INPUT_SHEETS:
        if sheet.key in resolved:
            continue
        for label in labels(sheet.name, sheet.aliases):
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
            _, found = find_header(sheet, raw[name])
            hits = {c.key for c in found.values()}
            if len(hits) >= 2 and sum(c.key in hits for c in required) >= max(
                2, len(required) * 0.6
            ):
                resolved[sheet.key] = name
                spare.remove(name)
                problems.append(
                    Problem(
                        Code.RENAMED_SHEET,
                        name,
                        "",
                        {"standard": sheet.name},
                        value=name,
                        level=Level.WARNING,
                    )
                )
                break
        else:
            if sheet.required:
                import difflib  # only for a suggestion when something is missing

                close = difflib.get_close_matches(sheet.name, spare, n=1, cutoff=0.3)
                args = {"standard": sheet.name, "close": close[0] if close else ""}
                problems.append(Problem(Code.MISSING_SHEET, sheet.name, "", args))
    return resolved
