"""What kind of work a ticket or handoff is: its category, skill group and priority.

The category comes from the conversation's task (the bot's `task` slot) or, failing
that, its latest intent with a meaning; the skill group is the team that handles the
category. Priority adds up reasons: a VIP customer, a complaint, a repeat contact.
"""

from __future__ import annotations

from typing import Any, Dict, List, Optional, Tuple

CATEGORIES = (
    "after_sales", "invoice", "logistics", "order", "payment", "account",
    "complaint", "other",
)  # fmt: skip
# Intent or task -> category.
CATEGORY_OF = {
    "request_refund": "after_sales",
    "request_return_exchange": "after_sales",
    "request_invoice": "invoice",
    "query_logistics": "logistics",
    "query_order": "order",
    "modify_order": "order",
    "cancel_order": "order",
    "query_payment": "payment",
    "account_help": "account",
    "complain": "complaint",
}
# Skill groups agents belong to; a category without one is everybody's.
SKILLS = ("after_sales", "invoices", "logistics", "vip")
SKILL_OF_CATEGORY = {
    "after_sales": "after_sales",
    "invoice": "invoices",
    "logistics": "logistics",
}
PRIORITY_POINTS = {"vip": 100, "complaint": 50, "repeat_contact": 20}


def category_of(summary: Optional[Dict[str, Any]]) -> str:
    summary = summary or {}
    task = (summary.get("slots") or {}).get("task")
    if task in CATEGORY_OF:
        return CATEGORY_OF[task]
    for intent in reversed(summary.get("intents") or []):
        if intent in CATEGORY_OF:
            return CATEGORY_OF[intent]
    return "other"


def skill_group_of(category: str, vip: bool) -> Optional[str]:
    """The team for the category; a VIP's case without one goes to the VIP group."""
    return SKILL_OF_CATEGORY.get(category) or ("vip" if vip else None)


def priority_of(
    vip: bool, complaint: bool, repeat_contact: bool
) -> Tuple[int, List[str]]:
    reasons = [
        name
        for name, applies in (
            ("vip", vip), ("complaint", complaint), ("repeat_contact", repeat_contact),
        )
        if applies
    ]  # fmt: skip
    return sum(PRIORITY_POINTS[r] for r in reasons), reasons
