"""Worksheet parts: the generated sheet's XML made to fit the target workbook."""

from __future__ import annotations

import re
from collections.abc import Mapping

from .errors import PackageError

_CELL = re.compile(r'<c r="([A-Z]+\d+)"((?: s="\d+")?) t="s"><v>(\d+)</v></c>')
_STYLE_ATTR = re.compile(r'(<(?:c|row|col)\b[^>]*?\b(?:s|style)=")(\d+)(")')
_ROW_STYLE = re.compile(r'(<row\b[^>]*?\bs=")(\d+)(")')
_CELL_STYLE = re.compile(r'(<c r="[A-Z]+\d+" s=")(\d+)(")')
_DXF = re.compile(r'(\bdxfId=")(\d+)(")')


def _remap(pattern: re.Pattern[str], text: str, table: Mapping[int, int]) -> str:
    return pattern.sub(lambda m: f"{m.group(1)}{table.get(int(m.group(2)), 0)}{m.group(3)}", text)


def transplant_sheet_xml(
    xml: str,
    strings: list[str],
    xfs: Mapping[int, int],
    dxfs: Mapping[int, int],
    cells: bytes | None = None,
) -> bytes:
    """Remap style indexes into the target's styles.xml; inline any shared strings. `cells`, when
    given, replaces <sheetData> with one already written (UTF-8) against the target's styles."""
    xml = xml.replace(' tabSelected="1"', "")
    start = xml.find("<sheetData")
    if start < 0:
        raise PackageError("生成的工作表缺少 <sheetData>")
    end = (
        start + len("<sheetData/>")
        if xml.startswith("<sheetData/>", start)
        else (xml.index("</sheetData>", start) + len("</sheetData>"))
    )
    head, body, tail = xml[:start], xml[start:end], xml[end:]
    head = _remap(_STYLE_ATTR, head, xfs)  # <col style>, <row s> before the cells
    tail = _remap(_DXF, tail, dxfs)  # conditional formats
    if cells is not None:
        return b"".join([head.encode(), cells, tail.encode()])
    body = _remap(_ROW_STYLE, _remap(_CELL_STYLE, body, xfs), xfs)
    if strings:
        body = _CELL.sub(
            lambda m: (
                f'<c r="{m.group(1)}"{m.group(2)} t="inlineStr"><is>{strings[int(m.group(3))]}</is></c>'
            ),
            body,
        )
    return (head + body + tail).encode()
