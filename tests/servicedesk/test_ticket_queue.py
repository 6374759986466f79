"""Tickets as a work queue: category, priority, SLA due times and overdue flags,
assignment to agents and skill groups, the contact number, the customer's progress."""

from datetime import datetime, timedelta

import pytest

from servicedesk.service.ticket_sla import DEFAULT_SLA_HOURS, flag, sla_hours
from tests.servicedesk.seeded_app import seeded_client

NOW = datetime(2026, 11, 21, 12, 0)
TOKEN = "test-api-token"
BOT = {"Authorization": f"Bearer {TOKEN}"}
VIP = {**BOT, "X-Customer-Token": "demo-vip-zhangwei"}
LINA = {**BOT, "X-Customer-Token": "demo-lina"}
INVOICE = {
    "intents": ["greet", "request_invoice", "request_human"],
    "trigger": "user_request",
}


class MovableClock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture(scope="module")
def clock():
    return MovableClock()


@pytest.fixture(scope="module")
def client(tmp_path_factory, clock):
    return seeded_client(tmp_path_factory.mktemp("queue"), TOKEN, NOW, clock=clock)


@pytest.fixture(autouse=True)
def reset_clock(clock):
    clock.now = NOW
    yield
    clock.now = NOW


def login(client, username):
    response = client.post(
        "/api/agent/login", json={"username": username, "password": f"{username}-demo"}
    )
    return {"X-Agent-Token": response.json()["token"]}


@pytest.fixture(scope="module")
def agent1(client):
    return login(client, "agent1")


@pytest.fixture(scope="module")
def agent2(client):
    return login(client, "agent2")


@pytest.fixture(scope="module")
def lead(client):
    return login(client, "lead")


def leave(client, headers, summary, **fields):
    body = {"subject": "留言", "summary": summary, **fields}
    response = client.post("/api/tickets", json=body, headers=headers)
    assert response.status_code == 201, response.text
    return response.json()["ticket_no"]


def test_sla_hours_come_from_the_environment_with_defaults():
    hours = sla_hours({"TICKET_SLA_HOURS": "invoice=2, complaint=1.5,unknown=3"})
    assert hours["invoice"] == 2 and hours["complaint"] == 1.5
    assert hours["logistics"] == DEFAULT_SLA_HOURS["logistics"]
    assert "unknown" not in hours
    with pytest.raises(ValueError):
        sla_hours({"TICKET_SLA_HOURS": "invoice=soon"})
    due = NOW + timedelta(hours=8)
    assert flag("open", NOW, due, NOW + timedelta(hours=1)) is None
    assert flag("open", NOW, due, NOW + timedelta(hours=7)) == "due_soon"
    assert flag("in_progress", NOW, due, due) == "overdue"
    assert flag("resolved", NOW, due, due + timedelta(hours=1)) is None


def test_category_priority_due_time_and_overdue(client, clock, agent1):
    first = leave(client, VIP, INVOICE)
    path = f"/api/agent/tickets/{first}"
    ticket = client.get(path, headers=agent1).json()
    assert ticket["category"] == "invoice"
    assert ticket["skill_group"] == "invoices"
    assert ticket["priority_reasons"] == ["vip"]
    assert ticket["due_at"] == (NOW + timedelta(hours=48)).isoformat()
    assert ticket["sla"] is None

    complaint = leave(client, LINA, {"intents": ["complain"], "trigger": "complaint"})
    second = client.get(f"/api/agent/tickets/{complaint}", headers=agent1).json()
    assert (second["category"], second["priority_reasons"]) == (
        "complaint",
        ["complaint"],
    )
    again = leave(client, LINA, {"intents": ["query_logistics"]})
    third = client.get(f"/api/agent/tickets/{again}", headers=agent1).json()
    assert third["priority_reasons"] == ["repeat_contact"]
    assert third["skill_group"] == "logistics"

    clock.now = NOW + timedelta(hours=5)
    listed = client.get("/api/agent/tickets?overdue=true", headers=agent1).json()
    numbers = [t["ticket_no"] for t in listed["tickets"]]
    assert complaint in numbers and first not in numbers  # complaints: 4 hours
    # Agent sessions last 12 hours: a later day needs a new login.
    clock.now = NOW + timedelta(hours=47)
    later = login(client, "agent1")
    assert client.get(path, headers=later).json()["sla"] == "due_soon"
    clock.now = NOW + timedelta(hours=49)
    assert client.get(path, headers=later).json()["sla"] == "overdue"
    queue = client.get("/api/agent/tickets?state=open", headers=later).json()
    order = [t["ticket_no"] for t in queue["tickets"]]
    assert order.index(first) < order.index(complaint) < order.index(again)


def test_assignment_to_a_group_and_an_agent_comments_and_states(client, agent1, lead):
    number = leave(client, BOT, {"intents": ["request_return_exchange"]})
    path = f"/api/agent/tickets/{number}"
    both = client.post(
        f"{path}/assign", json={"to": "agent1", "group": "vip"}, headers=lead
    )
    assert both.status_code == 422
    bad = client.post(f"{path}/assign", json={"group": "cooking"}, headers=lead)
    assert bad.status_code == 422
    grouped = client.post(f"{path}/assign", json={"group": "vip"}, headers=lead).json()
    assert (grouped["skill_group"], grouped["assignee_username"]) == ("vip", None)
    taken = client.post(f"{path}/assign", json={"to": "agent1"}, headers=lead).json()
    assert (taken["assignee_username"], taken["state"]) == ("agent1", "in_progress")
    noted = client.post(
        f"{path}/comments", json={"text": "已联系仓库"}, headers=agent1
    ).json()
    assert noted["comments"][-1]["public"] is False and noted["delivered"] is False
    entries = client.get("/api/agent/audit", headers=lead).json()["entries"]
    mine = [e for e in entries if e["target"] == number]
    assert {e["action"] for e in mine} >= {"ticket_assign", "ticket_comment"}


def test_the_contact_number_is_for_the_assignee_and_audited(
    client, agent1, agent2, lead
):
    invalid = client.post(
        "/api/tickets",
        json={"subject": "留言", "contact_phone": "12345"},
        headers=BOT,
    )
    assert invalid.status_code == 422
    assert invalid.json()["error"]["code"] == "INVALID_PHONE"
    number = leave(
        client, BOT, {"intents": ["query_order"]}, contact_phone="139 0000 1234",
        message="订单一直没更新", callback_time="今天下午", conversation_id="anon-1",
    )  # fmt: skip
    path = f"/api/agent/tickets/{number}"
    detail = client.get(path, headers=agent2).json()
    assert detail["contact_phone"] == "139****1234"
    assert (detail["message"], detail["callback_time"]) == (
        "订单一直没更新",
        "今天下午",
    )
    assert client.get(f"{path}/contact", headers=agent2).status_code == 403
    client.post(f"{path}/assign", json={"to": "agent1"}, headers=lead)
    assert client.get(f"{path}/contact", headers=lead).status_code == 403
    full = client.get(f"{path}/contact", headers=agent1).json()
    assert full["contact_phone"] == "13900001234"
    # At rest the number is encrypted, not in the clear.
    from servicedesk.service.models import Ticket

    with client.app.state.session_factory() as session:
        stored = session.query(Ticket).filter_by(ticket_no=number).one().contact_phone
    assert stored and "1234" not in stored
    entries = client.get("/api/agent/audit", headers=lead).json()["entries"]
    views = [e for e in entries if e["action"] == "ticket_phone_view"]
    assert views[0]["actor"] == "agent1" and views[0]["target"] == number


def test_progress_for_the_owner_and_by_the_last_four_digits(client, agent1):
    number = leave(
        client, BOT, {"intents": ["request_refund"]}, contact_phone="13900005678",
        conversation_id="anon-progress",
    )  # fmt: skip
    path = f"/api/tickets/{number}/progress"
    assert client.get(path).status_code == 401  # the bot's token only
    anonymous = {**BOT, "X-Order-Phone-Last4": "5678", "X-End-User": "anon-progress"}
    before = client.get(path, headers=anonymous).json()
    assert (before["state"], before["last_update"]) == ("open", None)
    resolved = client.post(
        f"/api/agent/tickets/{number}/resolve",
        json={"text": "退款已原路退回，请注意查收"},
        headers=agent1,
    ).json()
    assert resolved["state"] == "resolved" and resolved["delivered"] is False
    after = client.get(path, headers=anonymous).json()
    assert after["state_label"] == "已解决"
    assert after["last_update"] == "退款已原路退回，请注意查收"
    of_conversation = client.get(
        "/api/tickets/mine?conversation_id=anon-progress", headers=BOT
    ).json()
    assert [t["ticket_no"] for t in of_conversation["tickets"]] == [number]
    # Somebody else's ticket is no ticket; a known customer sees only their own.
    assert client.get(path, headers=LINA).status_code == 404
    own = client.get("/api/tickets/mine", headers=LINA).json()["tickets"]
    assert own and number not in [t["ticket_no"] for t in own]


def test_guessing_the_last_four_digits_locks_the_ticket(client):
    number = leave(client, BOT, {}, contact_phone="13900009999")
    path = f"/api/tickets/{number}/progress"
    wrong = {**BOT, "X-Order-Phone-Last4": "0000", "X-End-User": "guesser"}
    codes = [client.get(path, headers=wrong).status_code for _ in range(2)]
    assert codes == [403, 403]
    # Backoff after the second failure: the right digits wait too.
    right = {**BOT, "X-Order-Phone-Last4": "9999", "X-End-User": "guesser"}
    assert client.get(path, headers=right).status_code == 429


def test_ticket_routes_refuse_other_callers(client, agent1):
    assert client.post("/api/tickets", json={"subject": "x"}).status_code == 401
    assert (
        client.post("/api/tickets", json={"subject": "x"}, headers=agent1).status_code
        == 401
    )
    assert client.get("/api/tickets/mine").status_code == 401
    phone = {"phone": "13900001111"}
    assert client.post("/api/tickets/check-phone", json=phone).status_code == 401
    checked = client.post("/api/tickets/check-phone", json=phone, headers=BOT)
    assert checked.json() == phone
    bad = client.post(
        "/api/tickets/check-phone", json={"phone": "1390000"}, headers=BOT
    )
    assert bad.status_code == 422 and bad.json()["error"]["code"] == "INVALID_PHONE"
    for headers in ({}, BOT):
        assert (
            client.get("/api/agent/tickets/TK1/contact", headers=headers).status_code
            == 401
        )
        assert (
            client.post(
                "/api/agent/tickets/TK1/resolve", json={"text": "x"}, headers=headers
            ).status_code
            == 401
        )


def test_the_widget_reads_the_answers_to_its_own_messages(client, agent1):
    from servicedesk.widget_session import token_for
    from tests.servicedesk.seeded_app import WIDGET_SECRET

    conversation = "a" * 32
    number = leave(
        client, BOT, {}, contact_phone="13900004321", conversation_id=conversation
    )
    path = f"/api/widget/tickets/{conversation}"
    widget = {"X-Widget-Session-Token": token_for(conversation, WIDGET_SECRET)}
    forged = {"X-Widget-Session-Token": token_for("b" * 32, WIDGET_SECRET)}
    assert client.get(path, headers=forged).status_code == 403
    assert client.get(path).status_code == 403
    assert client.get(path, headers=widget).json() == {"updates": []}
    client.post(
        f"/api/agent/tickets/{number}/comments",
        json={"text": "内部：先查库存"},
        headers=agent1,
    )
    client.post(
        f"/api/agent/tickets/{number}/resolve", json={"text": "已补发"}, headers=agent1
    )
    updates = client.get(path, headers=widget).json()["updates"]
    assert [(u["ticket_no"], u["text"], u["agent"]) for u in updates] == [
        (number, "已补发", "客服小王")
    ]
    later = client.get(f"{path}?after={updates[0]['id']}", headers=widget).json()
    assert later == {"updates": []}
