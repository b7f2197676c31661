"""Write into a staff workbook at the zip-part level, one module per OOXML part it touches.

Loading a workbook into openpyxl and saving it drops what openpyxl does not model (VBA buttons,
shapes, images, rich data, printer settings...) and rewrites every part. Here every part nobody
changed is copied as its original zip entry, and the parts that must change are edited as text,
by insertions that leave the rest of each part as the other program wrote it:

- `container`: the zip (`Package`), raw copying of unchanged entries, `rewrite_entries`;
- `xmltext`: finding insertion points whatever the prefix, the well-formedness check;
- `relationships`, `contenttypes`, `styles`, `sharedstrings`, `workbook`, `worksheet`: one each;
- `transplant`: generated tabs put into the workbook (`replace_sheets`); `drawings`: their legacy
  drawings moved to shape ids the workbook does not use.

Nothing here imports pandas: the kill test starts this package in a fresh process many times.
"""

from __future__ import annotations

from .container import FIXED_TIME, Package, rewrite_entries
from .contenttypes import CT_WORKSHEET
from .errors import PackageError
from .relationships import (
    REL_NS,
    REL_WORKSHEET,
    Rel,
    parse_rels,
    relative,
    rels_path,
    rels_xml,
    resolve,
)
from .styles import StyleMerger
from .transplant import replace_sheets
from .workbook import SheetEntry, sheet_entries, workbook_part
from .worksheet import transplant_sheet_xml
from .xmltext import attrs, check_xml

__all__ = [
    "CT_WORKSHEET",
    "FIXED_TIME",
    "REL_NS",
    "REL_WORKSHEET",
    "Package",
    "PackageError",
    "Rel",
    "SheetEntry",
    "StyleMerger",
    "attrs",
    "check_xml",
    "parse_rels",
    "relative",
    "rels_path",
    "rels_xml",
    "replace_sheets",
    "resolve",
    "rewrite_entries",
    "sheet_entries",
    "transplant_sheet_xml",
    "workbook_part",
]
