"""The order tasks: one module each. The order form asks what the current task needs."""

from __future__ import annotations

from typing import Dict, Optional, Text

from actions.tasks.base import OrderTask
from actions.tasks.cancel import CancelTask
from actions.tasks.invoice import InvoiceTask
from actions.tasks.logistics import QueryLogisticsTask
from actions.tasks.lookup import QueryOrderTask
from actions.tasks.modify import ModifyTask
from actions.tasks.refund import RefundTask
from actions.tasks.return_exchange import ReturnExchangeTask

TASKS: Dict[Text, OrderTask] = {
    task.name: task
    for task in (
        QueryOrderTask(),
        QueryLogisticsTask(),
        CancelTask(),
        ModifyTask(),
        RefundTask(),
        ReturnExchangeTask(),
        InvoiceTask(),
    )
}
# Every task's bookkeeping: a new request starts without the previous one's.
TASK_RESETS = tuple(sorted({slot for task in TASKS.values() for slot in task.resets}))
# Order requests without questions of their own (e.g. query_payment) ask only which order.
PLAIN = OrderTask()


def task_named(name: Optional[Text]) -> OrderTask:
    return TASKS.get(name or "", PLAIN)
