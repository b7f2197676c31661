"""What a file branchkit writes may replace (docs/工作簿.md#写回).

Every output has a purpose: a copy of the workbook (`--out` of refresh, fill, build-agenda,
add-buttons), the weekly workbook, the rollup, an agenda as text, an e-mail. Before anything is
written, the destination is claimed for that purpose:

- an output is never the workbook it is made from (a weekly over its own branch workbook);
- a file branchkit made earlier for the same purpose is replaced (the weekly of last run): each
  carries a mark that says so — the workbooks a `branchkit` document property (or, made before
  it existed, the generated mark in every sheet), a text agenda the generated mark at its end,
  an e-mail branchkit's Message-ID;
- an .xlsx or .xlsm a person keeps is never replaced by a weekly, a rollup, a text or an e-mail,
  not even with --force: those are made again in a second, a person's workbook is not;
- anything else that exists (another branch's workbook named as a copy, a person's notes.md)
  only with --force, and then the replaced file goes to 备份 first.

--force reaches the write path as a context (`overwrite_allowed`), set once by the command that
took it, so the library calls between the command line and the write need not carry it.
"""

from __future__ import annotations

import contextlib
import os
import re
import zipfile
from collections.abc import Callable, Iterable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass
from pathlib import Path

from .package import Package, PackageError, sheet_entries, workbook_part
from .problems import BookError
from .schema import FORMER_MARKS, GENERATED_MARK

# The document property a whole workbook branchkit makes carries, naming its purpose.
PROPERTY = "branchkit"
WORKBOOK_SUFFIXES = (".xlsx", ".xlsm", ".xls", ".xlsb")
# A file larger than any output branchkit makes is not examined for a mark.
LARGEST_OUTPUT = 256 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"

_OVERWRITE: ContextVar[bool] = ContextVar("branchkit_overwrite", default=False)


@contextlib.contextmanager
def overwrite_allowed(allowed: bool = True) -> Iterator[None]:
    """Within it, an output may replace a file it did not make (the command's --force)."""
    token = _OVERWRITE.set(allowed or _OVERWRITE.get())
    try:
        yield
    finally:
        _OVERWRITE.reset(token)


@dataclass(frozen=True)
class Output:
    """A purpose a file is written for, and how an earlier file of that purpose is known."""

    noun: str  # what it is called in a message: 周报工作簿
    ours: Callable[[Path], bool]  # an existing file made by branchkit for this purpose
    suffixes: tuple[str, ...] = ()  # the extensions it takes (empty: any but a workbook's)
    replaces_workbooks: bool = False  # with --force it may replace a workbook (a copy may)
    tag: str = ""  # a whole workbook's `branchkit` document property (render.xlsx.build)


def real_path(path: str | Path) -> Path:
    """The file a write changes: a symbolic link's target, so the workbook it names is updated
    (rather than the link replaced by a file of its own) and other programs' lock files are
    looked for beside it."""
    path = Path(path)
    try:
        return Path(os.path.realpath(path)) if path.is_symlink() else path
    except OSError:  # a name the system cannot look at (too long): reading it says why
        return path


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two names are one file (also through a link, or spelled differently)."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return False


def claim(
    dest: str | Path, output: Output, sources: Iterable[str | Path] = ()
) -> tuple[Path, bool]:
    """Where `output` is written, checked before a byte is: its real path, and whether what it
    replaces is a file branchkit did not make for this purpose (allowed by --force; the caller
    then keeps it in 备份). Refuses in one line everything the module docstring rules out."""
    dest = real_path(dest)
    for source in sources:
        if same_file(dest, source):
            raise BookError(dest, f"不能把{output.noun}写到它所依据的工作簿本身：请换一个文件名")
    if dest.is_dir():
        raise BookError(dest, "这是一个文件夹：请写要生成的文件的名字（可以放在这个文件夹里）")
    suffix = dest.suffix.lower()
    if output.suffixes and suffix not in output.suffixes:
        raise BookError(dest, f"{output.noun}请用 {' 或 '.join(output.suffixes)} 扩展名")
    if not output.suffixes and suffix in WORKBOOK_SUFFIXES:
        raise BookError(dest, f"{output.noun}不是工作簿，不能用 {dest.suffix} 扩展名")
    if not os.path.lexists(dest):
        return dest, False
    if output.ours(dest):
        return dest, False
    if not output.replaces_workbooks and is_workbook(dest) and not _made_by_branchkit(dest):
        raise BookError(
            dest,
            f"这是一个工作簿，branchkit 不会用{output.noun}覆盖它（加 --force 也不会）：请换一个文件名",
        )
    if not _OVERWRITE.get():
        what = "" if output.replaces_workbooks else f"，而且不是 branchkit 生成的{output.noun}"
        raise BookError(
            dest,
            f"文件已存在{what}，没有覆盖：请换一个文件名，或把它改名、移走；"
            "确实要覆盖请加 --force（原来的文件会留在“备份”文件夹）",
        )
    return dest, True


def is_workbook(path: Path) -> bool:
    """A spreadsheet by its name or its content: an .xlsx/.xlsm/.xls/.xlsb, or a file that is
    one under another name (a zip holding a workbook part, or an old binary workbook)."""
    if path.suffix.lower() in WORKBOOK_SUFFIXES:
        return True
    try:
        with path.open("rb") as handle:
            head = handle.read(8)
        if head.startswith(_OLE):
            return True
        if not head.startswith(b"PK"):
            return False
        with zipfile.ZipFile(path) as zf:
            return any(n.startswith("xl/workbook") for n in zf.namelist())
    except (OSError, zipfile.BadZipFile):
        return False


# ---------------------------------------------------------------- how each output is known


def _small(path: Path) -> bool:
    try:
        return path.is_file() and path.stat().st_size <= LARGEST_OUTPUT
    except OSError:
        return False


def _made_workbook(purpose: str, marks: Callable[[], tuple[str, ...]]) -> Callable[[Path], bool]:
    """A whole workbook branchkit made for `purpose`: its `branchkit` document property says so;
    one made before the property existed has branchkit's mark in every sheet."""

    def ours(path: Path) -> bool:
        if not _small(path):
            return False
        try:
            with zipfile.ZipFile(path) as zf:
                if "docProps/custom.xml" in zf.namelist():
                    found = _property(zf.read("docProps/custom.xml"))
                    if found is not None:
                        return found == purpose
            return _every_sheet_marked(path, marks())
        except (OSError, zipfile.BadZipFile, KeyError, ValueError):
            return False

    return ours


def _made_by_branchkit(path: Path) -> bool:
    """A whole workbook branchkit made, for whatever purpose (another output's, not a person's
    workbook: --force may replace it)."""
    return any(output.ours(path) for output in (WEEKLY, ROLLUP, PARENT_WEEKLY))


def _property(xml: bytes) -> str | None:
    """The value of the `branchkit` custom document property, or None when there is none."""
    found = re.search(
        rb'<property\b[^>]*\bname="' + PROPERTY.encode() + rb'"[^>]*>\s*<vt:lpwstr>([^<]*)<',
        xml,
    )
    return found.group(1).decode("utf-8", "replace") if found else None


def _every_sheet_marked(path: Path, marks: tuple[str, ...]) -> bool:
    try:
        pkg = Package.read(path)
        return marked_sheets(pkg, marks, every=True) is not None
    except PackageError:
        return False


def marked_sheets(pkg: Package, marks: Iterable[str], every: bool = False) -> set[str] | None:
    """The sheets whose first rows carry one of `marks` (branchkit wrote them); with `every`,
    None unless every sheet does (a workbook wholly branchkit's)."""
    wanted = [mark.encode("utf-8") for mark in marks]
    names = set()
    entries = sheet_entries(pkg, workbook_part(pkg))
    for entry in entries:
        if entry.part in pkg.by_name:
            head = pkg.head(entry.part, 20000)
            if any(mark in head for mark in wanted):
                names.add(entry.name)
                continue
        if every:
            return None
    if every and not entries:
        return None
    return names


def _tail_marked(path: Path) -> bool:
    """A text branchkit wrote ends with the generated mark (`stamped`)."""
    if not _small(path):
        return False
    try:
        with path.open("rb") as handle:
            handle.seek(max(0, path.stat().st_size - 1024))
            tail = handle.read()
    except OSError:
        return False
    return any(mark.encode("utf-8") in tail for mark in (GENERATED_MARK, *FORMER_MARKS))


_OUR_MESSAGE_ID = re.compile(rb"^Message-ID:\s*<[^>\s]*@branchkit\.local>", re.I | re.M)


def _our_mail(path: Path) -> bool:
    """An .eml branchkit wrote: its Message-ID is made in branchkit's own domain."""
    if not _small(path):
        return False
    try:
        with path.open("rb") as handle:
            head = handle.read(8192)
    except OSError:
        return False
    headers = head.split(b"\r\n\r\n", 1)[0].split(b"\n\n", 1)[0]
    return _OUR_MESSAGE_ID.search(headers) is not None


def stamped(text: str, fmt: str) -> str:
    """An agenda text as it is saved to a file: with the generated mark at its end, which tells
    the next run the file is branchkit's to replace — inside a comment where the format has one
    (Markdown, HTML), as its last line in plain text."""
    if fmt in ("md", "html"):
        return f"{text.rstrip()}\n\n<!-- {GENERATED_MARK} -->\n"
    return f"{text.rstrip()}\n\n{GENERATED_MARK}\n"


def _branch_marks() -> tuple[str, ...]:
    return (GENERATED_MARK, *FORMER_MARKS)


def _weekly_marks() -> tuple[str, ...]:
    from .weekly import WEEKLY_MARK

    return (WEEKLY_MARK,)


def _workbook(noun: str, tag: str, marks: Callable[[], tuple[str, ...]]) -> Output:
    return Output(noun, _made_workbook(tag, marks), (".xlsx",), tag=tag)


COPY = Output("工作簿副本", lambda _: False, (".xlsx", ".xlsm"), replaces_workbooks=True)
WEEKLY = _workbook("周报工作簿", "weekly", _weekly_marks)
ROLLUP = _workbook("分行汇总工作簿", "rollup", _branch_marks)
PARENT_WEEKLY = _workbook("分行周报工作簿", "parent-weekly", _branch_marks)
AGENDA_TEXT = Output("议程文本", _tail_marked)
MAIL = Output("邮件（.eml）", _our_mail)
