"""Masking of personal data wherever it is shown (138****8000)."""

from __future__ import annotations


def mask_phone(phone: str | None) -> str | None:
    if not phone:
        return phone
    digits = phone.strip()
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_name(name: str | None) -> str | None:
    if not name:
        return name
    if len(name) == 1:
        return "*"
    if len(name) == 2:
        return f"{name[0]}*"
    return f"{name[0]}{'*' * (len(name) - 2)}{name[-1]}"


def mask_address(address: str | None) -> str | None:
    """Keeps the region (first six characters), hides street and house number."""
    if not address:
        return address
    return f"{address[:6]}{'*' * 6}" if len(address) > 6 else "*" * len(address)
