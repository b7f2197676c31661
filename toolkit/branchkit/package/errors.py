"""The one error the package writer raises."""

from __future__ import annotations


class PackageError(Exception):
    """The workbook's package is not what Excel writes; the message (one Chinese line) says what."""
