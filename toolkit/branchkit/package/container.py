"""The zip container: parts read on demand, changes kept apart, unchanged entries copied raw."""

from __future__ import annotations

import copy
import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import IO

from .errors import PackageError

FIXED_TIME = (2026, 1, 1, 0, 0, 0)  # zip timestamps of parts we write: same input, same bytes
OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # an encrypted workbook, or a real .xls


class Package:
    """A zip package, parts read on demand, changes kept apart from the original.

    Parts nobody changed are copied as their original compressed bytes: no inflate and deflate of
    large input sheets, and the entry (timestamps, compression, CRC) stays exactly as it was."""

    def __init__(self, data: bytes) -> None:
        self.source = data
        try:
            self.zip = zipfile.ZipFile(io.BytesIO(data))
            self.infos = self.zip.infolist()
        except zipfile.BadZipFile as exc:
            if data.startswith(OLE_SIGNATURE):
                raise PackageError(
                    "工作簿已加密（设置了打开密码）或是旧版 .xls 格式，无法写入"
                ) from exc
            raise PackageError("文件不是完整的 Excel 工作簿（zip 损坏）") from exc
        self.by_name = {i.filename: i for i in self.infos}
        # Part names ignore case; a second entry of one is damage (or a trick): readers differ
        # on which copy they show, and a write would keep only one of them.
        seen: set[str] = set()
        for info in self.infos:
            if info.filename.lower() in seen:
                raise PackageError(f"部件 {info.filename} 出现了不止一次")
            seen.add(info.filename.lower())
        self.changed: dict[str, bytes | None] = {}  # None: delete
        self._read: dict[str, bytes] = {}

    @classmethod
    def read(cls, source: Package | str | Path | IO[bytes] | bytes) -> Package:
        if isinstance(source, Package):
            return source
        if isinstance(source, bytes):
            return cls(source)
        if isinstance(source, (str, Path)):
            return cls(Path(source).read_bytes())
        return cls(source.read())

    def original(self, name: str) -> bytes | None:
        if name not in self.by_name:
            return None
        if name not in self._read:
            self._read[name] = self.zip.read(name)
        return self._read[name]

    def head(self, name: str, size: int) -> bytes:
        """The first bytes of a part, without inflating all of it."""
        if name in self.changed:
            return (self.changed[name] or b"")[:size]
        with self.zip.open(name) as handle:
            return handle.read(size)

    def names(self) -> set[str]:
        names = {n for n in self.by_name if self.changed.get(n, b"") is not None}
        return names | {n for n, v in self.changed.items() if v is not None}

    def get(self, name: str) -> bytes | None:
        if name in self.changed:
            return self.changed[name]
        return self.original(name)

    def text(self, name: str) -> str:
        raw = self.get(name)
        if raw is None:
            raise PackageError(f"缺少部件 {name}")
        return raw.decode("utf-8")

    def put(self, name: str, content: str | bytes) -> None:
        self.changed[name] = content.encode("utf-8") if isinstance(content, str) else content

    def delete(self, name: str) -> None:
        self.changed[name] = None

    def write(self, target: str | Path | IO[bytes]) -> None:
        """Original parts keep their place, zip metadata and bytes; new parts follow."""
        with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as out:
            for info in self.infos:
                name = info.filename
                if name in self.changed:
                    content = self.changed[name]
                    if content is not None:
                        out.writestr(_fresh_info(name), content, compresslevel=_level(content))
                elif not _copy_raw(out, self.source, info):
                    out.writestr(info, self.original(name) or b"")
            for name in sorted(set(self.changed) - set(self.by_name)):
                content = self.changed[name]
                if content is not None:
                    out.writestr(_fresh_info(name), content, compresslevel=_level(content))

    def unique(self, pattern: str) -> str:
        """The first free part name for a pattern like 'xl/worksheets/sheet{}.xml'."""
        taken = {n.lower() for n in self.names()}
        n = 1
        while pattern.format(n).lower() in taken:
            n += 1
        return pattern.format(n)

    def keep_unchanged(self) -> None:
        """A part rewritten to the same bytes is not a change: keep its original zip entry."""
        for name, content in list(self.changed.items()):
            if content is not None and self.original(name) == content:
                del self.changed[name]


def _copy_raw(out: zipfile.ZipFile, source: bytes, info: zipfile.ZipInfo) -> bool:
    """Appends an entry's compressed bytes unchanged. Uses zipfile's writer state (stable since
    Python 3.6); returns False where that is not possible, and the caller recompresses."""
    try:
        offset = info.header_offset
        name_len, extra_len = struct.unpack("<HH", source[offset + 26 : offset + 30])
        start = offset + 30 + name_len + extra_len
        raw = source[start : start + info.compress_size]
        entry = copy.copy(info)
        entry.flag_bits &= ~0x08  # sizes and CRC go in the local header: no data descriptor
        entry.extra = zipfile._strip_extra(info.extra, (1,))  # type: ignore[attr-defined]  # zip64 rebuilt if needed
        entry.header_offset = out.fp.tell()  # type: ignore[union-attr]
        out.fp.write(entry.FileHeader())  # type: ignore[union-attr]
        out.fp.write(raw)  # type: ignore[union-attr]
        out.filelist.append(entry)
        out.NameToInfo[entry.filename] = entry
        out.start_dir = out.fp.tell()  # type: ignore[attr-defined,union-attr]
        out._didModify = True  # type: ignore[attr-defined]
        return True
    except (AttributeError, struct.error, TypeError):
        return False


def _level(content: bytes) -> int:
    """Large generated sheets deflate at level 1 (several times faster, a little larger)."""
    return 1 if len(content) > 1_000_000 else 6


def _fresh_info(name: str) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name, FIXED_TIME)
    info.compress_type = zipfile.ZIP_DEFLATED
    info.external_attr = 0o600 << 16
    return info


def rewrite_entries(
    source: bytes | str | Path,
    edit: Callable[[str, bytes], bytes],
    compression: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A copy of a whole zip with each entry passed through `edit(name, data)`, entries in their
    order with their timestamps, all stored with one compression. For zips we made ourselves (the
    generated tabs), where recompressing everything costs nothing that matters."""
    out = io.BytesIO()
    src_file = io.BytesIO(source) if isinstance(source, bytes) else source
    with zipfile.ZipFile(src_file) as src, zipfile.ZipFile(out, "w", compression) as dst:
        for info in src.infolist():
            data = edit(info.filename, src.read(info))
            info.compress_type = compression
            dst.writestr(info, data)
    return out.getvalue()
