"""What the sheet scanners measure in a worksheet part: the used range, how many cells carry a
reference, and whether a value is a number the cell reader may choke on. The plain scanner
(`sheetscan`) and the numpy one (`vectorscan`) fill the same record by the same rules, so a part
gets the same answer whichever reads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .a1 import cell_ref

# Excel's date serials run from 0 to 2958465 (9999-12-31); a number far outside that range in a
# date-formatted cell cannot be a date, and calamine panics on some of them (below about -1.1e11).
DATE_SERIAL_LIMIT = 2_958_466

ROW_DIGITS = 8  # a row number of 8 digits or more is beyond Excel's 1,048,576 rows anyway
HUGE = 10**9  # a row or column beyond Excel's: far enough for every limit to refuse it


@dataclass
class SheetScan:
    """The used range as a scan saw it (1-based; 0 when the sheet has no cell reference)."""

    first_row: int = 0
    last_row: int = 0
    first_col: int = 0
    last_col: int = 0
    references: int = 0  # cells that carry their own r="A1"
    cell_tags: int = 0  # cells in the XML, with or without a reference
    odd_numbers: bool = False  # a value that is not a finite number inside the date range
    far_cell: str = ""  # the reference that reaches furthest (for messages)
    value_rows: int = 0  # rows holding at least one value (<v> or an inline string)
    # whether the row still open at the end of the last stretch was counted in value_rows
    counted: bool = field(default=False, repr=False, compare=False)

    @property
    def cells(self) -> int:
        """How many cells the reader would hold for this sheet's used range."""
        if not self.last_row:
            return 0
        return (self.last_row - self.first_row + 1) * (self.last_col - self.first_col + 1)

    def needs_care(self, limit: int) -> bool:
        """True when the plain reader must not be given this sheet as it is."""
        unreferenced = self.cell_tags != self.references
        return self.cells > limit or unreferenced or self.odd_numbers

    def too_large(self, limit: int, row_gap: int, col_gap: int) -> bool:
        """True when the table is over `limit` cells and setting far-away cells aside cannot
        help: no run of `row_gap` rows without a value, no `col_gap` columns apart. Then the
        sheet is refused from the scan, before its XML is read into memory (1,048,576 rows of
        转介登记 took 48 s and 2 GB to be refused after parsing)."""
        rows = self.last_row - self.first_row + 1
        columns = self.last_col - self.first_col + 1
        dense = rows - self.value_rows < row_gap and columns <= col_gap
        return self.cells > limit and dense

    def add_value_rows(self, carried: bool, begun: int, last_has_value: bool | None) -> None:
        """Counts a stretch's rows holding a value: `carried`, a value before its first row
        start (of a row begun in an earlier stretch, counted once); `begun`, rows starting in
        it that hold one; `last_has_value`, whether its last row does (None: no row starts)."""
        if carried and not self.counted:
            self.value_rows += 1
            self.counted = True
        self.value_rows += begun
        if last_has_value is not None:
            self.counted = last_has_value

    def widen(self, top: int, bottom: int, left: int, right: int) -> None:
        """Takes in the references of one stretch of the part, given by their extremes."""
        if not self.last_row:
            self.first_row, self.last_row = top, bottom
            self.first_col, self.last_col = left, right
        else:
            self.first_row = min(self.first_row, top)
            self.last_row = max(self.last_row, bottom)
            self.first_col = min(self.first_col, left)
            self.last_col = max(self.last_col, right)
        self.far_cell = cell_ref(min(self.last_row, 10**7), min(self.last_col, 16384))


def odd_number(text: bytes) -> bool:
    """A numeric value the reader may choke on in a date-formatted cell."""
    try:
        number = float(text)
    except ValueError:
        return False
    return not math.isfinite(number) or abs(number) >= DATE_SERIAL_LIMIT
