"""Masks Chinese personal data in free text before it is stored: 13812345678 -> [手机号].

Masked: mobile numbers (also +86 and with spaces or dashes), mainland ID-card numbers
with a valid check digit, bank-card numbers of 16-19 digits that pass Luhn, e-mail
addresses and street or residential addresses down to the house number.

Left alone on purpose: the shop's order numbers (13 digits; a Luhn test alone would mask
one in ten of them, hence bank cards start at 16 digits), tracking numbers (a courier's
letters before the digits), amounts, dates and the four last digits of a phone that a
user gives to prove an order is theirs.

The service desk has its own copy (servicedesk/masking.py) because neither process
imports the other's code; tests/security/test_privacy_masking.py runs the same cases
against both.
"""

from __future__ import annotations

import re
from typing import Match

PHONE = "[手机号]"
ID_CARD = "[身份证号]"
BANK_CARD = "[银行卡号]"
EMAIL = "[邮箱]"
ADDRESS = "[地址]"

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# No letter or digit around a number: a courier's prefix (SF1234...) makes it a code.
_ID_CARD = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_CARD = re.compile(
    r"(?<![0-9A-Za-z])(?:\d{16,19}|\d{4}(?:[ -]\d{4}){3}(?:[ -]?\d{1,3})?)(?![0-9A-Za-z])"
)
_PHONE = re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d[- ]?\d{4}[- ]?\d{4}(?!\d)")

_NUM = r"(?:\d+|[零一二三四五六七八九十百]+)"
# Building, unit, floor and room after a house number or an estate's name.
_UNIT = rf"(?:\s*[-－]?{_NUM}\s*(?:号楼|号院|栋|幢|座|单元|层|楼|室|号|房))"
_ROOM = r"(?:\s*[-－]?\d{1,5}(?!\d))"
# Up to ten characters of place name before the street; particles end it, so
# "新地址是张江路88号" keeps "新地址是".
_PLACE = r"[^\s\d，。,.!?！？:：;；、的是到为在改成把和请我你\[\]{}\"']{0,10}"
_ROAD = r"(?:路|街|大道|大街|巷|弄|胡同)"
_LANE = rf"(?:\s*{_NUM}\s*[弄巷])"  # 长乐路123弄4号
_STREET = re.compile(rf"{_PLACE}{_ROAD}{_LANE}?\s*{_NUM}\s*号(?:院)?{_UNIT}*{_ROOM}?")
_ESTATE = re.compile(rf"{_PLACE}(?:小区|花园|公寓|大厦|家园|新村|苑){_UNIT}+{_ROOM}?")

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def valid_id_card(number: str) -> bool:
    """GB 11643: a plausible birth date and the ISO 7064 MOD 11-2 check character."""
    month, day = int(number[10:12]), int(number[12:14])
    if not (1 <= month <= 12 and 1 <= day <= 31 and number[6:8] in ("18", "19", "20")):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17].upper()


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char) * (2 if index % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _id_card(match: Match) -> str:
    return ID_CARD if valid_id_card(match.group()) else match.group()


def _card(match: Match) -> str:
    digits = re.sub(r"\D", "", match.group())
    return BANK_CARD if 16 <= len(digits) <= 19 and luhn(digits) else match.group()


def mask_text(text: str) -> str:
    """The text with every piece of personal data replaced by its placeholder."""
    if not text:
        return text
    text = _EMAIL.sub(EMAIL, text)
    text = _ID_CARD.sub(_id_card, text)
    text = _CARD.sub(_card, text)
    text = _PHONE.sub(PHONE, text)
    text = _STREET.sub(ADDRESS, text)
    return _ESTATE.sub(ADDRESS, text)
