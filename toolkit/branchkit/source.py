"""The file edge: a workbook file -> rows of plain cell values, or one clear reason why not.

python-calamine (Rust's calamine) reads .xlsx, .xlsm and legacy .xls, several times faster than
openpyxl, and never writes. Everything that can be wrong with the *file* is settled here, before
any cell is typed: missing, a folder or a pipe, not Excel, an old .xls under a new name,
encrypted, damaged (a part missing, a checksum wrong), too large to read safely (a part that
inflates past the limits below, a stray value far from the table), or holding a sheet kind the
reader does not know. Each is one `BookError` line; a crash of the reader never reaches the user.
"""

from __future__ import annotations

import io
import re
import stat
import zipfile
import zlib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import schema
from .a1 import column_index
from .problems import BookError, os_reason

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .package import Package

RawSheet = list[list[Any]]
RawBook = Mapping[str, RawSheet]  # a dict, or SheetsInFlight while a large sheet is being read

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"

# ---------------------------------------------------------------- limits (README: 读取的限制)
# A branch's month workbook is a few MB; a parent branch's 100,000-row month (benchmarks W2) is
# about 8 MB zipped, its largest part 41 MB inflated, no part compressed more than 10 to 1.
# Parts that inflate past these are refused before anything is read: a zip bomb would otherwise
# take tens of seconds and gigabytes. A smaller part is read in a moment however well it
# compresses: a few cells of 40,000 repeated characters make a part of a few MB at 300 to 1.
MAX_PART_BYTES = 256 * 2**20  # one part, inflated
MAX_PACKAGE_BYTES = 1024 * 2**20  # every part together, inflated
MAX_RATIO = 100  # inflated ÷ compressed, for a part of RATIO_FROM_BYTES or more
RATIO_FROM_BYTES = 16 * 2**20
# The reader holds a sheet's used range as one block of cells (about 32 bytes each); W2's
# tracking sheet spans 1.5 million. Past this a sheet is read without the far-away cells.
MAX_SHEET_CELLS = 10_000_000
FAR_ROWS, FAR_COLUMNS = 10_000, 1_000  # empty rows / columns that set a cell apart from the table

# Relationship types of the sheets in workbook.xml, by what they hold.
_SHEET_KINDS = {
    "worksheet": "worksheet",
    "chartsheet": "chart",
    "dialogsheet": "dialog",
    "xlMacrosheet": "macro",
    "xlIntlMacrosheet": "macro",
}
_NO_INPUT = {"chart", "dialog", "macro"}  # kinds that hold no input rows
_DAMAGED = "文件已损坏"
_REPAIR = "请用备份文件，或在 Excel 中打开后另存一份再试"


# ---------------------------------------------------------------- the file itself


def check_readable(path: Path) -> str:
    """Returns 'xlsx' or 'xls', or raises BookError with what the user should do."""
    try:
        info = path.stat()
    except FileNotFoundError as exc:
        raise BookError(path, "找不到这个文件，请检查路径") from exc
    except PermissionError as exc:
        raise BookError(path, "没有权限访问这个文件或它所在的文件夹") from exc
    except OSError as exc:
        raise BookError(path, f"无法访问这个文件（{os_reason(exc)}）") from exc
    if stat.S_ISDIR(info.st_mode):
        raise BookError(path, "这是一个文件夹，不是工作簿")
    if not stat.S_ISREG(info.st_mode):  # a named pipe would block the reader forever
        raise BookError(path, "这不是普通文件（可能是管道或设备），不是工作簿")
    if info.st_size == 0:
        raise BookError(path, "文件是空的（0 字节），不是工作簿")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError as exc:
        raise BookError(
            path, "无法读取：没有读取权限，或文件被其他程序锁定（如正在 Excel 中打开）"
        ) from exc
    if head.startswith(ZIP_MAGIC):
        if path.suffix.lower() == ".xls":
            raise BookError(path, "这是 .xlsx 格式的文件，扩展名却是 .xls：请把扩展名改为 .xlsx")
        return "xlsx"
    if head == OLE_MAGIC:
        if _is_encrypted(path):
            raise BookError(
                path,
                "工作簿设置了打开密码，branchkit 无法读取；请在 Excel 中取消密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重试",
            )
        if path.suffix.lower() in (".xlsx", ".xlsm"):
            raise BookError(path, "这是 .xls 文件，请在 Excel 中另存为 .xlsx")
        return "xls"
    raise BookError(path, "不是 Excel 工作簿（.xlsx / .xlsm / .xls），请确认文件")


def _is_encrypted(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as handle:
            return bool(msoffcrypto.OfficeFile(handle).is_encrypted())
    except Exception:  # an OLE file msoffcrypto cannot classify: treat as a legacy workbook
        return False


# ---------------------------------------------------------------- the package: parts and sheets


@dataclass(frozen=True)
class SheetPart:
    name: str
    part: str  # the zip entry ('' when workbook.xml points nowhere)
    kind: str  # worksheet / chart / dialog / macro / other
    size: int  # inflated bytes
    tag: str = ""  # its <sheet .../> element in workbook.xml


@dataclass
class Layout:
    """What the zip directory and workbook.xml say, read before any sheet is inflated."""

    package: Package
    workbook: str
    sheets: list[SheetPart] = field(default_factory=list)

    @property
    def unsupported(self) -> list[SheetPart]:
        """Sheets the reader refuses the whole workbook for (Excel 4 macro sheets)."""
        return [s for s in self.sheets if s.kind == "macro"]


# The parts of a package that every sheet is read through (by their file names).
_SHARED_PARTS = frozenset({"workbook.xml", "workbook.xml.rels", "styles.xml", "sharedstrings.xml"})


def _fails_checksum(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part does not inflate to what its checksum says (read through to the end,
    where zipfile compares it)."""
    try:
        with zf.open(info) as part:
            while part.read(1 << 20):
                pass
    except (zipfile.BadZipFile, zlib.error, EOFError):
        return True
    return False


def _declares_dtd(zf: zipfile.ZipFile, info: zipfile.ZipInfo) -> bool:
    """Whether a part opens with a DTD (entities come inside one): the reader stops at it."""
    try:
        with zf.open(info) as part:
            return b"<!DOCTYPE" in part.read(4096)
    except (zipfile.BadZipFile, zlib.error, EOFError, OSError):
        return False


def _inflated_by_us(name: str) -> bool:
    """Parts branchkit or its reader inflate; pictures and embedded files are only copied."""
    return not name.startswith(("xl/media/", "xl/embeddings/"))


def check_sizes(path: Path, infos: Iterable[zipfile.ZipInfo], ratio_too: bool = True) -> None:
    """Refuses a package whose parts inflate past the limits, from the zip directory alone.
    `ratio_too=False` for a file branchkit has just written itself: its parts compress as
    well as the text it was given, which makes them no bomb."""
    total = 0
    for info in infos:
        if not _inflated_by_us(info.filename):
            continue
        size = info.file_size
        total += size
        ratio = size / max(info.compress_size, 1)
        bomb_like = ratio_too and size >= RATIO_FROM_BYTES and ratio > MAX_RATIO
        if size > MAX_PART_BYTES or bomb_like:
            raise BookError(
                path,
                f"文件过大，无法安全读取：部件 {info.filename} 解压后有 {_mb(size)}"
                f"（压缩比 {ratio:.0f} 倍），上限为 {_mb(MAX_PART_BYTES)}、{MAX_RATIO} 倍；"
                "文件可能已损坏或被恶意构造",
            )
    if total > MAX_PACKAGE_BYTES:
        raise BookError(
            path,
            f"文件过大，无法安全读取：解压后共 {_mb(total)}，上限为 {_mb(MAX_PACKAGE_BYTES)}",
        )


def _mb(size: int) -> str:
    return f"{size / 2**20:,.0f} MB" if size >= 2**20 else f"{size / 1024:,.0f} KB"


OPEN_DOCUMENT = (
    "这是 OpenDocument 表格（.ods），不是 Excel 工作簿：请在 WPS、LibreOffice 或 Excel 中"
    "“另存为” .xlsx 后重试"
)


def layout(path: Path, written_by_us: bool = False) -> Layout:
    """The sheets of an .xlsx/.xlsm and their parts, after the size limits are checked."""
    from .package import Package, PackageError, parse_rels, rels_path, resolve, sheet_entries

    try:
        with zipfile.ZipFile(path) as zf:
            check_sizes(path, zf.infolist(), ratio_too=not written_by_us)
        package = Package.read(path)
    except zipfile.BadZipFile as exc:
        raise BookError(path, f"{_DAMAGED}（不是完整的 zip 压缩包）：{_REPAIR}") from exc
    except PackageError as exc:
        raise BookError(path, f"{_DAMAGED}（{exc}）：{_REPAIR}") from exc
    workbook = "xl/workbook.xml"
    try:
        if "_rels/.rels" in package.by_name:
            for rel in parse_rels(package.text("_rels/.rels")):
                if rel.type.endswith("/officeDocument"):
                    workbook = resolve("", rel.target)
        if workbook not in package.by_name:
            if "content.xml" in package.by_name or "mimetype" in package.by_name:
                raise BookError(path, OPEN_DOCUMENT)  # a zip too, but no Excel file: not damaged
            raise BookError(path, f"{_DAMAGED}（缺少 {workbook}）：{_REPAIR}")
        kinds = {}
        if rels_path(workbook) in package.by_name:
            for rel in parse_rels(package.text(rels_path(workbook))):
                kinds[rel.id] = _SHEET_KINDS.get(rel.type.rsplit("/", 1)[-1], "other")
        entries = sheet_entries(package, workbook)
    except (PackageError, KeyError, ValueError, zipfile.BadZipFile, zlib.error) as exc:
        raise BookError(path, f"{_DAMAGED}（{workbook}）：{_REPAIR}") from exc
    sheets = []
    for entry in entries:
        info = package.by_name.get(entry.part)
        size = info.file_size if info else 0
        sheets.append(
            SheetPart(entry.name, entry.part, kinds.get(entry.rid, "other"), size, entry.tag)
        )
    return Layout(package, workbook, sheets)


# ---------------------------------------------------------------- reading


# A worksheet part this large (uncompressed XML) is read on a second thread.
PARALLEL_SHEET_BYTES = 4_000_000


class SheetsInFlight(Mapping[str, RawSheet]):
    """Sheets by name, the largest still being read on a worker thread; asking for it waits.

    `load_book` meanwhile types the sheets that are there (settings, people, cards), so the
    second thread's reading overlaps the first thread's parsing."""

    def __init__(
        self,
        names: list[str],
        ready: dict[str, RawSheet],
        pending: dict[str, Future[dict[str, RawSheet]]],
        reader: _Reader,
    ) -> None:
        self._names = names
        self._ready = ready
        self._pending = pending
        self._reader = reader

    def __getitem__(self, name: str) -> RawSheet:
        pending = self._pending.pop(name, None)
        if pending is not None:
            try:
                self._ready.update(pending.result())
            except BookError:
                raise
            except Exception:  # the second reader failed: read it here, as a small book would
                self._ready[name] = self._reader.rows(self._reader.sheet(name))
        return self._ready[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def read_raw(
    path: str | Path, skip: Iterable[str] = schema.GENERATED_SHEETS, many: bool = False
) -> RawBook:
    """Every sheet but `skip` as rows of Python values; row 0 is Excel's row 1. `many`: one of
    many workbooks read by this process (a rollup's worker), which scans with numpy sooner.

    The generated tabs are not read by default: after a refresh they can hold far more cells
    (a parent branch's 分润明细) than branchkit needs, and they are rebuilt anyway.

    In a big workbook the largest sheet is read on a second thread with its own workbook object
    (calamine parses without holding the GIL, but one object cannot serve two threads)."""
    path = Path(path)
    if check_readable(path) == "xls":
        return _read_legacy(path, skip)
    reader = _Reader(path, layout(path), many)
    skipped = set(skip)
    wanted = [s for s in reader.layout.sheets if s.name not in skipped]
    largest = max(wanted, key=lambda s: s.size if s.kind == "worksheet" else 0, default=None)
    pending: dict[str, Future[dict[str, RawSheet]]] = {}
    if largest is not None and largest.kind == "worksheet" and largest.size >= PARALLEL_SHEET_BYTES:
        from concurrent.futures import ThreadPoolExecutor  # only a parent branch's size needs it

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="branchkit-read")
        pending[largest.name] = pool.submit(_sheet_rows_of_file, path, largest.name)
        pool.shutdown(wait=False)  # the thread ends when its one sheet is read
    ready = {s.name: reader.rows(s) for s in wanted if s.name not in pending}
    names = [s.name for s in wanted]
    if not pending:
        return {name: ready[name] for name in names}
    return SheetsInFlight(names, ready, pending, reader)


# A cell's formula element (<f>, <f t="shared" …/>, <x:f>), and the cell it opens (its first child).
_FORMULA = re.compile(r"<(?:\w+:)?f[\s>/]")
_FORMULA_CELL = re.compile(
    r'<(?:\w+:)?c\s[^>]*?\br="([A-Z]{1,3})([0-9]+)"[^>]*>\s*<(?:\w+:)?f[\s>/]'
)


def formula_cells(path: Path, name: str) -> frozenset[tuple[int, int]]:
    """(row, column) of the cells of sheet `name` that hold a formula. Asked only when a check
    must tell a formula from a typed value, so the part is read again then (a legacy .xls, or a
    sheet that cannot be found, has none that can be told)."""
    from .package import PackageError
    from .package.sheetdata import SheetData

    if check_readable(path) == "xls":
        return frozenset()
    found = layout(path)
    part = next((s.part for s in found.sheets if s.name == name and s.kind == "worksheet"), None)
    if not part or part not in found.package.by_name:
        return frozenset()
    text = found.package.text(part)
    formulas = len(_FORMULA.findall(text))
    if not formulas:  # <formula> of a validation or a rule is no cell's formula
        return frozenset()
    cells = _FORMULA_CELL.findall(text)
    if len(cells) == formulas:  # each formula's cell named by its r: no need to parse the sheet
        return frozenset((int(row), column_index(col)) for col, row in cells)
    try:
        data = SheetData(text)
    except PackageError:
        return frozenset()
    return frozenset(
        (number, col)
        for number, row in data.rows.items()
        for col, cell in row.cells.items()
        if cell.has_formula
    )


def readable_sheets(path: Path) -> list[str]:
    """The sheets of an .xlsx/.xlsm, opened as `read_raw` opens it: the check that a file just
    written reads back (whatever its name; the temporary file's does not say it is Excel)."""
    reader = _Reader(path, layout(path, written_by_us=True))
    reader.book()
    return [s.name for s in reader.layout.sheets]


def _sheet_rows_of_file(path: Path, name: str) -> dict[str, RawSheet]:
    """One sheet read with a workbook object of its own (for the second thread)."""
    reader = _Reader(path, layout(path))
    return {name: reader.rows(reader.sheet(name))}


class _Reader:
    """One workbook opened for reading: its zip, its layout, and calamine made on first use."""

    def __init__(self, path: Path, found: Layout, many: bool = False) -> None:
        self.path = path
        self.layout = found
        self._book: Any = None
        self._index: dict[str, int] = {}
        from .sheetscan import VECTOR_ALSO_BYTES, VECTOR_MANY_BYTES, VECTOR_SCAN_BYTES

        large = any(s.size >= VECTOR_SCAN_BYTES for s in found.sheets if s.kind == "worksheet")
        self._vector_from = VECTOR_ALSO_BYTES if large else VECTOR_SCAN_BYTES
        if many:
            self._vector_from = VECTOR_MANY_BYTES

    def sheet(self, name: str) -> SheetPart:
        return next(s for s in self.layout.sheets if s.name == name)

    def book(self) -> tuple[Any, dict[str, int]]:
        """calamine's workbook and each sheet's index in it. Excel 4 macro sheets make calamine
        refuse the whole file, so it is then given a copy whose workbook.xml leaves them out."""
        if self._book is None:
            from python_calamine import CalamineWorkbook

            readable = [s for s in self.layout.sheets if s.kind != "macro"]
            self._check_shared_parts()
            try:
                if self.layout.unsupported:
                    self._book = CalamineWorkbook.from_filelike(self._view())
                else:
                    self._book = CalamineWorkbook.from_path(str(self.path))
            except Exception as exc:
                raise self._unreadable(exc) from exc
            # By name as calamine lists them; by position where a name reads differently.
            named = {name: i for i, name in enumerate(self._book.sheet_names)}
            self._index = {s.name: named.get(s.name, i) for i, s in enumerate(readable)}
        return self._book, self._index

    def _check_shared_parts(self) -> None:
        """The parts every sheet is read through (workbook, its relationships, styles, shared
        strings) must pass their checksums: the reader does not check them, and a flipped byte
        can still inflate into XML it accepts — styles that turn dates into numbers, strings that
        put one customer's name on another's row. The sheets themselves are checked as they are
        scanned."""
        zf = self.layout.package.zip
        for info in zf.infolist():
            if info.filename.rsplit("/", 1)[-1].lower() in _SHARED_PARTS and _fails_checksum(
                zf, info
            ):
                raise BookError(
                    self.path, f"{_DAMAGED}（部件 {info.filename} 校验失败）：{_REPAIR}"
                )

    def _view(self, parts: Mapping[str, bytes] | None = None) -> io.BytesIO:
        """The package as calamine should see it: macro sheets left out of workbook.xml, and
        `parts` replaced. The file on disk is not touched; unchanged parts are copied as they are."""
        from .package import Package

        package = Package.read(self.layout.package.source)
        if self.layout.unsupported:
            text = package.text(self.layout.workbook)
            for sheet in self.layout.unsupported:
                text = text.replace(sheet.tag, "", 1)
            package.put(self.layout.workbook, text)
        for name, content in (parts or {}).items():
            package.put(name, content)
        buffer = io.BytesIO()
        package.write(buffer)
        buffer.seek(0)
        return buffer

    def _unreadable(self, exc: BaseException) -> BookError:
        """Why calamine could not open the package: damaged when a part fails its checksum,
        otherwise something in it that the reader does not support (which is not damage)."""
        zf = self.layout.package.zip
        for info in zf.infolist():
            if _inflated_by_us(info.filename) and _fails_checksum(zf, info):
                return BookError(
                    self.path, f"{_DAMAGED}（部件 {info.filename} 校验失败）：{_REPAIR}"
                )
        for info in zf.infolist():
            if info.filename.endswith((".xml", ".rels")) and _declares_dtd(zf, info):
                return BookError(
                    self.path,
                    f"工作簿的 {info.filename} 含有 DTD 声明（可能是 XML 炸弹或外部实体），"
                    "branchkit 不读取这样的文件：请在 Excel 中另存为 .xlsx 后重试",
                )
        return BookError(
            self.path,
            "工作簿里有 branchkit 的读取器不支持的内容：请在 Excel 中另存为 .xlsx 后重试"
            "（加 --debug 可查看详细信息）",
        )

    def rows(self, sheet: SheetPart) -> RawSheet:
        if sheet.kind in _NO_INPUT:
            return []  # charts, dialogs and macros hold no input rows
        scan = self._scan(sheet)
        if scan.too_large(MAX_SHEET_CELLS, FAR_ROWS, FAR_COLUMNS):
            raise self._too_large(sheet, scan.last_row, scan.last_col)
        if scan.needs_care(MAX_SHEET_CELLS):
            return self._careful(sheet)
        book, index = self.book()
        try:
            return book.get_sheet_by_index(index[sheet.name]).to_python(skip_empty_area=False)  # type: ignore[no-any-return]
        except Exception as exc:
            raise BookError(self.path, f"{_DAMAGED}（{sheet.name}）：{_REPAIR}") from exc
        except BaseException as exc:  # a panic inside the reader (pyo3's PanicException)
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            return self._careful(sheet)

    def _scan(self, sheet: SheetPart) -> Any:
        from .sheetscan import scan

        if not sheet.part or sheet.part not in self.layout.package.by_name:
            raise BookError(
                self.path,
                f"{_DAMAGED}（{sheet.name}：缺少 {sheet.part or '工作表部件'}）：{_REPAIR}",
            )
        try:
            with self.layout.package.zip.open(sheet.part) as stream:
                size = self.layout.package.by_name[sheet.part].file_size
                return scan(stream, size, size >= self._vector_from)
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise BookError(self.path, f"{_DAMAGED}（{sheet.name}）：{_REPAIR}") from exc

    def _too_large(self, sheet: SheetPart, rows: int, cols: int) -> BookError:
        from .a1 import cell_ref

        return BookError(
            self.path,
            f"{sheet.name}!{cell_ref(rows, cols)}：表格太大（{rows} 行 × {cols} 列），"
            "branchkit 无法安全读取",
        )

    def _careful(self, sheet: SheetPart) -> RawSheet:
        """A sheet the reader must not see as it is: far-away cells set aside and placed back
        sparsely, odd numbers in date cells read as plain numbers (then reported at their cell)."""
        from python_calamine import CalamineWorkbook

        from .sheetscan import clean, sheet_xml

        original = self.layout.package.original(sheet.part) or b""
        cleaned = clean(original, MAX_SHEET_CELLS, FAR_ROWS, FAR_COLUMNS)
        if cleaned.rows * cleaned.cols > MAX_SHEET_CELLS:
            raise self._too_large(sheet, cleaned.rows, cleaned.cols)
        book, indexes = self.book()
        index = indexes[sheet.name]  # a view lists the same sheets in the same order
        try:
            if cleaned.xml == original:  # only empty cells reached far (a formatted range)
                table = book
            else:
                table = CalamineWorkbook.from_filelike(self._view({sheet.part: cleaned.xml}))
            rows: RawSheet = table.get_sheet_by_index(index).to_python(skip_empty_area=False)
            far: list[Any] = []
            if cleaned.far:
                aside = CalamineWorkbook.from_filelike(
                    self._view({sheet.part: sheet_xml(cleaned.xml, cleaned.far_xml)})
                )
                far = [
                    row[0]
                    for row in aside.get_sheet_by_index(index).to_python(skip_empty_area=False)
                ]
        except Exception as exc:
            raise BookError(self.path, f"{_DAMAGED}（{sheet.name}）：{_REPAIR}") from exc
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            raise BookError(
                self.path,
                f"无法读取工作表“{sheet.name}”（读取器内部错误，加 --debug 可查看详细信息）",
            ) from exc
        return _place(rows, [(c.row, c.col) for c in cleaned.far], far, self.path, sheet.name)


def _place(
    rows: RawSheet, where: list[tuple[int, int]], values: list[Any], path: Path, sheet: str
) -> RawSheet:
    """The set-aside cells put back where they stand, without filling the space between:
    rows in between are one shared empty row, and only a far cell's own row grows."""
    placed = sum(col for _, col in where)
    if placed > MAX_SHEET_CELLS:
        raise BookError(path, f"{sheet}：远离表格的单元格太多，branchkit 无法安全读取")
    empty: list[Any] = []
    for (row, col), value in zip(where, values, strict=False):
        while len(rows) < row:
            rows.append(empty)
        cells = rows[row - 1]
        if cells is empty:
            cells = rows[row - 1] = []
        if len(cells) < col:
            cells.extend([""] * (col - len(cells)))
        cells[col - 1] = value
    return rows


def _read_legacy(path: Path, skip: Iterable[str]) -> RawBook:
    """A legacy .xls: no zip to look into, so calamine reads it as it is; a panic on a sheet is
    one line naming the sheet."""
    from python_calamine import CalamineWorkbook

    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise BookError(
            path, "无法打开这个 .xls 工作簿，文件可能已损坏：请用 Excel 打开，另存为 .xlsx 后再试"
        ) from exc
    skipped = set(skip)
    raw: dict[str, RawSheet] = {}
    for name in book.sheet_names:
        if name in skipped:
            continue
        try:
            raw[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # a chart sheet or an unreadable sheet holds no input rows
            raw[name] = []
        except BaseException as exc:
            if isinstance(exc, (KeyboardInterrupt, SystemExit, GeneratorExit)):
                raise
            raise BookError(
                path,
                f"无法读取工作表“{name}”（其中有无法识别的值，如超出范围的日期）："
                "请在 Excel 中另存为 .xlsx 后重试",
            ) from exc
    return raw
