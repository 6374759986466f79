"""Handoff queue, agents and audit on a temporary database (service layer)."""

from datetime import datetime, timedelta

import pytest
from sqlalchemy import select

from servicedesk.db import make_engine, make_session_factory
from servicedesk.errors import RuleViolation
from servicedesk.service import agents, handoffs
from servicedesk.service.models import Agent, AuditEntry
from servicedesk.shop.customer_tokens import token_hash
from servicedesk.shop.models import Customer

NOW = datetime(2026, 11, 21, 12, 0)


@pytest.fixture
def session(tmp_path):
    factory = make_session_factory(make_engine(f"sqlite:///{tmp_path / 'h.db'}"))
    with factory() as session:
        agents.ensure_demo_agents(session)
        session.add_all(
            [
                Customer(token_hash=token_hash("vip"), name="张伟", phone_masked="138****8000",
                         phone_hash="x", level="vip", registered_at=NOW),
                Customer(token_hash=token_hash("normal"), name="李娜", phone_masked="139****5678",
                         phone_hash="y", level="normal", registered_at=NOW),
            ]
        )  # fmt: skip
        session.flush()
        yield session


def customer(session, token):
    return session.execute(
        select(Customer).where(Customer.token_hash == token_hash(token))
    ).scalar_one()


def agent(session, username):
    return session.execute(select(Agent).where(Agent.username == username)).scalar_one()


def ask(session, conversation, token=None, trigger="user_request", minutes=0):
    who = customer(session, token) if token else None
    return handoffs.request_handoff(
        session, conversation, who, trigger, {}, NOW + timedelta(minutes=minutes)
    )


def test_vip_and_urgent_come_before_waiting_time(session):
    first = ask(session, "anon-early", minutes=0)
    vip = ask(session, "vip", token="vip", minutes=5)
    angry = ask(session, "angry", token="normal", trigger="complaint", minutes=6)
    later = ask(session, "later", token="normal", minutes=7)
    assert handoffs.queue(session) == [vip, angry, first, later]
    assert handoffs.position(session, later)["position"] == 4


def test_asking_twice_keeps_one_place(session):
    assert ask(session, "c1") is ask(session, "c1", minutes=3)
    assert len(handoffs.queue(session)) == 1


def test_wait_estimate_counts_free_agents(session):
    waiting = [ask(session, f"c{i}", minutes=i) for i in range(4)]
    assert handoffs.position(session, waiting[3])["estimated_wait_minutes"] > 0
    agents.log_in(session, "agent1", "agent1-demo", NOW)
    agents.log_in(session, "agent2", "agent2-demo", NOW)
    assert handoffs.position(session, waiting[1])["estimated_wait_minutes"] == 0


def test_claim_respects_capacity_and_login(session):
    waiting = [ask(session, f"c{i}", minutes=i) for i in range(3)]
    small = agent(session, "agent2")  # two at a time
    with pytest.raises(RuleViolation) as offline:
        handoffs.claim(session, waiting[0], small, NOW)
    assert offline.value.code == "AGENT_AT_CAPACITY"
    agents.log_in(session, "agent2", "agent2-demo", NOW)
    handoffs.claim(session, waiting[0], small, NOW)
    handoffs.claim(session, waiting[1], small, NOW)
    with pytest.raises(RuleViolation) as full:
        handoffs.claim(session, waiting[2], small, NOW)
    assert full.value.code == "AGENT_AT_CAPACITY"
    with pytest.raises(RuleViolation):
        handoffs.claim(session, waiting[0], agent(session, "agent1"), NOW)


def test_transfer_close_rate_and_audit(session):
    handoff = ask(session, "c1")
    one, two = agent(session, "agent1"), agent(session, "agent2")
    agents.log_in(session, "agent1", "agent1-demo", NOW)
    agents.log_in(session, "agent2", "agent2-demo", NOW)
    handoffs.claim(session, handoff, one, NOW)
    handoffs.add_message(session, handoff, "agent", "您好，我是小王", NOW, one)
    handoffs.transfer(session, handoff, one, two, NOW)
    with pytest.raises(RuleViolation) as not_yours:
        handoffs.close(session, handoff, one, "solved", NOW)
    assert not_yours.value.code == "NOT_YOUR_CONVERSATION"
    with pytest.raises(RuleViolation):
        handoffs.rate(handoff, 5, "")
    handoffs.close(session, handoff, two, "solved", NOW)
    handoffs.rate(handoff, 4, "  很快 ")
    assert (handoff.state, handoff.rating, handoff.rating_comment) == (
        "closed",
        4,
        "很快",
    )
    with pytest.raises(RuleViolation):
        handoffs.rate(handoff, 6, "")
    actions = [
        (e.actor, e.action) for e in session.execute(select(AuditEntry)).scalars()
    ]
    assert ("agent1", "claim") in actions and ("agent1", "transfer") in actions
    assert ("agent2", "close") in actions


def test_a_waiting_user_may_go_back_to_the_bot(session):
    handoff = ask(session, "c1")
    handoffs.cancel(session, handoff, NOW)
    assert handoffs.queue(session) == []
    assert ask(session, "c1", minutes=1) is not handoff


def test_passwords_are_salted_hashes_and_sessions_expire(session):
    stored = agent(session, "agent1").password_hash
    assert "agent1-demo" not in stored and stored.startswith("pbkdf2_sha256$")
    assert stored != agents.hash_password("agent1-demo")  # a new salt each time
    with pytest.raises(RuleViolation) as wrong:
        agents.log_in(session, "agent1", "guess", NOW)
    assert wrong.value.code == "LOGIN_FAILED"
    token = agents.log_in(session, "agent1", "agent1-demo", NOW)
    assert agents.agent_for_token(session, token, NOW).username == "agent1"
    with pytest.raises(RuleViolation):
        agents.agent_for_token(session, token, NOW + timedelta(hours=13))
    with pytest.raises(RuleViolation):
        agents.agent_for_token(session, "forged", NOW)
    agents.log_out(session, token, NOW)
    with pytest.raises(RuleViolation):
        agents.agent_for_token(session, token, NOW)


def test_when_nobody_can_take_a_conversation(session):
    def reason(now=NOW, hours="09:00-22:00", max_wait=15):
        return handoffs.unavailable_reason(session, now, hours, max_wait)

    assert reason() == "no_agent_online"
    agents.log_in(session, "agent2", "agent2-demo", NOW)  # two at a time
    assert reason() is None
    assert reason(now=NOW.replace(hour=23)) == "outside_hours"
    for i in range(10):
        ask(session, f"c{i}", minutes=i)
    assert reason(max_wait=15) == "wait_too_long"
    assert reason(max_wait=60) is None
