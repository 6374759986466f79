"""The forms of a customer's text that the intent features read.

Customers type separators or not at random ("你好 在吗", "你好，在吗？", "你好在吗"), use
full-width forms (ＯＫ, １２３), and paste order numbers, phones and item ids whose digits
say nothing about what they want.
"""

from __future__ import annotations

import re
import unicodedata
from typing import Text

# Whitespace, punctuation and symbols.
_SEPARATORS = re.compile(r"[\W_]+")
# Order numbers, phones, item ids, amounts written out.
_LONG_NUMBER = re.compile(r"\d{4,}")


def folded(text: Text) -> Text:
    """Full-width forms folded, lower case, every number of four digits or more one "0".
    What the sentence encoder reads: a phone number in "我的手机号是138…，运费谁出" would
    otherwise pull the sentence towards parcels and orders."""
    return _LONG_NUMBER.sub("0", unicodedata.normalize("NFKC", text).lower())


def surface(text: Text) -> Text:
    """The characters that carry the wording: the folded text without separators, which
    the character n-grams read. Numbers are folded first: dropping separators first would
    join "12-18点" into one long number."""
    return _SEPARATORS.sub("", folded(text))
