"""The agent's service rules that are not word lists: greet first, close politely,
answer within 30 seconds, type no customer's personal data.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import List, Optional

from servicedesk.masking import ADDRESS, BANK_CARD, EMAIL, ID_CARD, PHONE, mask_text

REPLY_WITHIN_SECONDS = 30
GREETINGS = (
    "您好", "你好", "亲", "在的", "很高兴为您服务", "欢迎", "早上好", "上午好", "中午好",
    "下午好", "晚上好", "我是", "久等了",
)  # fmt: skip
CLOSINGS = (
    "再见", "祝您", "感谢", "谢谢", "还有其他", "还有什么", "欢迎再次", "随时联系",
    "随时找我", "愉快", "评价",
)  # fmt: skip
PERSONAL_DATA = {
    PHONE: "phone",
    ID_CARD: "id_card",
    BANK_CARD: "bank_card",
    EMAIL: "email",
    ADDRESS: "address",
}


def greets(text: str) -> bool:
    return any(cue in (text or "") for cue in GREETINGS)


def closes_politely(text: str) -> bool:
    return any(cue in (text or "") for cue in CLOSINGS)


def personal_data(text: str) -> List[str]:
    """Kinds of personal data in the text (the desk's own masking detectors)."""
    masked = mask_text(text or "")
    return [
        kind
        for placeholder, kind in PERSONAL_DATA.items()
        if masked.count(placeholder) > (text or "").count(placeholder)
    ]


def utc_naive(at: datetime) -> datetime:
    """Aware times to naive UTC, so stored (naive) and given (aware) times compare."""
    if at.tzinfo is None:
        return at
    return at.astimezone(timezone.utc).replace(tzinfo=None)


def reply_delay(
    waiting_since: Optional[datetime], replied_at: datetime
) -> Optional[float]:
    """Seconds the customer waited for this reply, or None when nobody was waiting."""
    if waiting_since is None:
        return None
    return (utc_naive(replied_at) - utc_naive(waiting_since)).total_seconds()
