"""The file edge: a workbook file -> rows of plain cell values, or one clear reason why not.

python-calamine (Rust's calamine) reads .xlsx, .xlsm and legacy .xls, several times faster than
openpyxl, and never writes. Everything that can be wrong with the *file* (missing, a folder, not
Excel, encrypted, open elsewhere) is settled here, before any cell is typed.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import schema
from .problems import BookError

RawSheet = list[list[Any]]
RawBook = Mapping[str, RawSheet]  # a dict, or SheetsInFlight while a large sheet is being read

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_MAGIC = b"PK\x03\x04"


# ---------------------------------------------------------------- the file edge


def check_readable(path: Path) -> str:
    """Returns 'xlsx' or 'xls', or raises BookError with what the user should do."""
    if not path.exists():
        raise BookError(path, "找不到这个文件，请检查路径")
    if path.is_dir():
        raise BookError(path, "这是一个文件夹，不是工作簿")
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
    except PermissionError as exc:
        raise BookError(path, "文件被占用（可能正在 Excel 中打开），请关闭后重试") from exc
    if head.startswith(ZIP_MAGIC):
        return "xlsx"
    if head == OLE_MAGIC:
        if _is_encrypted(path):
            raise BookError(
                path,
                "工作簿设置了打开密码，branchkit 无法读取；请在 Excel 中取消密码"
                "（文件 → 信息 → 保护工作簿 → 用密码进行加密，清空密码）后重试",
            )
        return "xls"
    raise BookError(path, "不是 Excel 工作簿（.xlsx / .xlsm / .xls），请确认文件")


def _is_encrypted(path: Path) -> bool:
    import msoffcrypto

    try:
        with path.open("rb") as handle:
            return bool(msoffcrypto.OfficeFile(handle).is_encrypted())
    except Exception:  # an OLE file msoffcrypto cannot classify: treat as a legacy workbook
        return False


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
        book: Any,
    ) -> None:
        self._names = names
        self._ready = ready
        self._pending = pending
        self._book = book

    def __getitem__(self, name: str) -> RawSheet:
        pending = self._pending.pop(name, None)
        if pending is not None:
            try:
                self._ready.update(pending.result())
            except Exception:  # the second reader failed: read it here, as a small book would
                self._ready.update(_sheet_rows(self._book, [name]))
        return self._ready[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def read_raw(path: str | Path, skip: Iterable[str] = schema.GENERATED_SHEETS) -> RawBook:
    """Every sheet but `skip` as rows of Python values; row 0 is Excel's row 1.

    The generated tabs are not read by default: after a refresh they can hold far more cells
    (a parent branch's 分润明细) than branchkit needs, and they are rebuilt anyway.

    In a big workbook the largest sheet is read on a second thread with its own workbook object
    (calamine parses without holding the GIL, but one object cannot serve two threads)."""
    from python_calamine import CalamineWorkbook

    path = Path(path)
    check_readable(path)
    skipped = set(skip)
    sizes = {name: size for name, size in _sheet_sizes(path).items() if name not in skipped}
    largest = max(sizes, key=sizes.__getitem__, default="")
    pending: dict[str, Future[dict[str, RawSheet]]] = {}
    if sizes.get(largest, 0) >= PARALLEL_SHEET_BYTES:
        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="branchkit-read")
        pending[largest] = pool.submit(_sheet_rows_of_file, path, largest)
        pool.shutdown(wait=False)  # the thread ends when its one sheet is read
    try:
        book = CalamineWorkbook.from_path(str(path))
    except Exception as exc:
        raise BookError(path, f"无法打开工作簿，文件可能已损坏（{type(exc).__name__}）") from exc
    wanted = [name for name in book.sheet_names if name not in skipped]
    ready = _sheet_rows(book, [name for name in wanted if name not in pending])
    if not pending:
        return ready
    return SheetsInFlight(wanted, ready, pending, book)


def _sheet_rows(book: Any, names: list[str]) -> dict[str, RawSheet]:
    raw: dict[str, RawSheet] = {}
    for name in names:
        try:
            raw[name] = book.get_sheet_by_name(name).to_python(skip_empty_area=False)
        except Exception:  # a chart sheet or an unreadable sheet holds no input rows
            raw[name] = []
    return raw


def _sheet_rows_of_file(path: Path, name: str) -> dict[str, RawSheet]:
    from python_calamine import CalamineWorkbook

    return _sheet_rows(CalamineWorkbook.from_path(str(path)), [name])


def _sheet_sizes(path: Path) -> dict[str, int]:
    """Each worksheet's uncompressed size by sheet name, from the zip directory (no inflating)."""
    from .package import Package, PackageError, sheet_entries, workbook_part

    try:
        package = Package.read(path)
        entries = sheet_entries(package, workbook_part(package))
    except (PackageError, OSError, ValueError, KeyError):
        return {}
    return {e.name: package.by_name[e.part].file_size for e in entries if e.part in package.by_name}
