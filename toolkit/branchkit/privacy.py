"""Masking personal data (SPEC §5): customer names, phones and ID numbers are personal financial
information. Everything that leaves the input sheets goes through here."""

from __future__ import annotations

import re


def mask_phone(phone: str | None) -> str:
    """138****6241 (SPEC §5)."""
    if not phone:
        return ""
    if len(phone) >= 11 and phone[0] == "1":
        return phone[:3] + "****" + phone[-4:]
    return phone[:-4].translate(str.maketrans("0123456789", "**********")) + phone[-4:]


def mask_name(name: str | None) -> str:
    """张三 -> 张*, 欧阳小明 -> 欧***: the emailed workbook shows only the family name."""
    if not name:
        return ""
    return name[0] + "*" * max(1, len(name) - 1)


_LONG_DIGITS = re.compile(r"\d{11,}[\dXx]?")


def mask_digits(text: str) -> str:
    """Any 11+ digit run (a phone or ID number typed anywhere) keeps only its first 3 and last 4."""
    return _LONG_DIGITS.sub(
        lambda m: m.group()[:3] + "*" * (len(m.group()) - 7) + m.group()[-4:], text
    )
