"""MS-OVBA §2.4.1 compression, for the VBA source streams of vbaProject.bin.

ms-ovba builds the project's OLE structure well, but its compressor (ms-ovba-compression 1.0.1)
emits wrong copy tokens on ordinary text: xlwings.bas comes back garbled from an independent
decompressor (oletools), and Excel, which has no p-code to fall back on in such a file, would
read the same garbage. This is the spec's algorithm, checked against oletools in the tests.
"""

from __future__ import annotations

CHUNK = 4096
MIN_MATCH = 3
CANDIDATES = 64  # how many earlier positions with the same 3 bytes are tried


def _offset_bits(position: int) -> int:
    """CopyToken help (§2.4.1.3.19.1): bits for the offset at this decompressed position."""
    bits = max((position - 1).bit_length(), 4)
    return min(bits, 12)


def _compress_chunk(chunk: bytes) -> bytes:
    body = bytearray()
    seen: dict[bytes, list[int]] = {}
    pos = 0
    n = len(chunk)

    def remember(at: int) -> None:
        if at + MIN_MATCH <= n:
            seen.setdefault(chunk[at : at + MIN_MATCH], []).append(at)

    while pos < n:
        flag_at = len(body)
        body.append(0)
        flags = 0
        for bit in range(8):
            if pos >= n:
                break
            best_len = 0
            best_at = 0
            if pos > 0 and pos + MIN_MATCH <= n:
                bits = _offset_bits(pos)
                max_len = (0xFFFF >> bits) + MIN_MATCH
                limit = min(max_len, n - pos)
                for start in reversed(seen.get(chunk[pos : pos + MIN_MATCH], [])[-CANDIDATES:]):
                    length = MIN_MATCH
                    while length < limit and chunk[start + length] == chunk[pos + length]:
                        length += 1
                    if length > best_len:
                        best_len, best_at = length, start
                        if length == limit:
                            break
            if best_len >= MIN_MATCH:
                bits = _offset_bits(pos)
                token = ((pos - best_at - 1) << (16 - bits)) | (best_len - MIN_MATCH)
                body += token.to_bytes(2, "little")
                flags |= 1 << bit
                for at in range(pos, pos + best_len):
                    remember(at)
                pos += best_len
            else:
                body.append(chunk[pos])
                remember(pos)
                pos += 1
        body[flag_at] = flags
    if len(body) > CHUNK:  # incompressible: a raw chunk, only allowed for a full 4096 bytes
        if n != CHUNK:
            raise ValueError("an incompressible short chunk cannot be stored")
        return (0x3000 | (CHUNK - 1)).to_bytes(2, "little") + chunk
    header = 0x8000 | 0x3000 | (len(body) + 2 - 3)
    return header.to_bytes(2, "little") + bytes(body)


def compress(data: bytes) -> bytes:
    """A CompressedContainer: signature byte 0x01, then one chunk per 4096 bytes of input."""
    out = bytearray(b"\x01")
    for start in range(0, len(data), CHUNK):
        out += _compress_chunk(data[start : start + CHUNK])
    return bytes(out)
