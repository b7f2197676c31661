"""Digests of bytes: what a file must still hold, a kept file's check, a short stand-in for a
long name.

BLAKE2b from CPython's own `_blake2`: `hashlib` would load OpenSSL first (about 3 ms of every
click) for a digest Python carries itself. Where `_blake2` is left out of a Python build,
hashlib's is the same function.
"""

from __future__ import annotations

try:
    from _blake2 import blake2b
except ImportError:  # a Python built without its own hashes
    from hashlib import blake2b

__all__ = ["blake2b"]
