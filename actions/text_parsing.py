"""What a user's free-text answer means: order numbers, phones, reasons, kinds, fields.

Order numbers and phones use the NLU's own patterns (data/nlu/regex.yml), so the form
and the entity extractor agree on what is an order number. Entities the NLU found (and
mapped through its synonyms) come first; the word lists below catch answers the NLU
was not trained on.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, Dict, Iterable, Optional, Pattern, Text

import yaml

REGEX_FILE = Path(__file__).resolve().parent.parent / "data" / "nlu" / "regex.yml"


def _nlu_patterns() -> Dict[Text, Pattern]:
    nlu = yaml.safe_load(REGEX_FILE.read_text(encoding="utf-8"))["nlu"]
    return {
        entry["regex"]: re.compile(entry["examples"].strip().removeprefix("-").strip())
        for entry in nlu
        if "regex" in entry
    }


_PATTERNS = _nlu_patterns()
ORDER_NO = _PATTERNS["order_no"]
PHONE = _PATTERNS["phone"]
LAST4 = re.compile(r"(?<!\d)\d{4}(?!\d)")
TAX_ID = re.compile(r"[0-9A-Z]{18}")
EMAIL = re.compile(r"[^\s@：:，,]+@[^\s@，,]+")

# Colloquial wording of the service desk's after-sales reasons; first match wins.
REASON_WORDS = (
    ("质量问题", ("质量", "坏", "破", "瑕疵", "故障", "不响", "开线", "起球", "漏")),
    ("发错货", ("发错", "错发", "不是我买的")),
    ("少件漏发", ("少件", "漏发", "少发", "少了", "缺件")),
    ("与描述不符", ("不符", "描述", "色差", "不一样", "假货")),
    (
        "尺码不合适",
        ("尺码", "码数", "太大", "太小", "偏大", "偏小", "不合身", "不合适"),
    ),
    ("拍错了", ("拍错", "买错", "下错", "选错")),
    ("不想要了", ("不想要", "不要了", "不喜欢", "无理由", "不需要")),
    ("其他", ("其他", "其它", "别的")),
)
# The user's words for a kind of after-sales request -> the service desk's kind.
KINDS = {"退款": "refund", "退货": "return", "换货": "exchange"}
INVOICE_TYPES = {"normal": "普通发票", "vat_special": "增值税专用发票"}
MODIFY_FIELDS = {"address": "收货地址", "phone": "收货手机号", "consignee": "收货人"}
PERSONAL_TITLES = {"个人", "本人", "个人发票"}


def order_no_in(text: Text) -> Optional[Text]:
    match = ORDER_NO.search(text)
    return match.group(0).upper() if match else None


# A digit, or text that is mostly Latin letters: meant as a number, however mistyped.
DIGIT = re.compile(r"[0-9０-９]")
ALPHANUMERIC = re.compile(r"[0-9A-Za-z０-９Ａ-Ｚａ-ｚ]")


def looks_like_number(text: Text) -> bool:
    """Whether an answer was meant as a number (a mistyped order number), as opposed to
    words ("就是那个充电宝", "不记得了")."""
    compact = re.sub(r"\s", "", text)
    if not compact:
        return False
    if DIGIT.search(compact):
        return True
    return len(ALPHANUMERIC.findall(compact)) * 2 > len(compact)


def phone_last4_in(text: Text) -> Optional[Text]:
    """The last four digits of a whole phone number, or four digits on their own."""
    phone = PHONE.search(text)
    if phone:
        return re.sub(r"\D", "", phone.group(0))[-4:]
    found = LAST4.findall(text)
    return found[0] if len(found) == 1 else None


def tax_id_in(text: Text) -> Text:
    text = re.sub(r"\s", "", text).upper()
    match = TAX_ID.search(text)
    return match.group(0) if match else text


def email_in(text: Text) -> Text:
    match = EMAIL.search(text)
    return match.group(0) if match else text


def reason_of(text: Text, entities: Iterable[Text] = ()) -> Optional[Text]:
    known = {reason for reason, _ in REASON_WORDS}
    for value in entities:
        if value in known:
            return value
    for reason, words in REASON_WORDS:
        if reason in text or any(word in text for word in words):
            return reason
    return None


def kind_label_of(text: Text) -> Optional[Text]:
    """退货 or 换货 from the user's words; both or neither: ask."""
    if "退换" in text:
        return None
    if "换" in text:
        return "换货"
    if "退" in text:
        return "退货"
    return None


def invoice_type_of(text: Text) -> Optional[Text]:
    if text in INVOICE_TYPES:
        return text
    if "专" in text or "增值税" in text:
        return "vat_special"
    if "普" in text or "电子" in text:
        return "normal"
    return None


def modify_field_of(text: Text) -> Optional[Text]:
    if text in MODIFY_FIELDS:
        return text
    if "地址" in text:
        return "address"
    if "电话" in text or "手机" in text or "号码" in text:
        return "phone"
    if "收货人" in text or "姓名" in text or "名字" in text:
        return "consignee"
    return None


def is_personal_title(title: Optional[Text]) -> bool:
    return title in PERSONAL_TITLES


def split_address(text: Text) -> Dict[Text, Text]:
    """'上海市浦东新区世纪大道100号' -> region up to the district, the rest as detail."""
    match = re.match(r"^(.{2,20}?(?:区|县|市))(.+)$", text)
    if match and len(match.group(2)) >= 2:
        return {"region": match.group(1), "address_detail": match.group(2)}
    return {"address_detail": text}


def shipping_change(field: Optional[Text], text: Text) -> Dict[Text, Any]:
    """The service desk's shipping change for one answered field."""
    if field == "address":
        return split_address(text)
    if field == "phone":
        return {"phone": text}
    return {"consignee": text}
