"""Data model of human service: tickets, agents and their sessions, handoffs, the audit log.

Customers are the shop's (servicedesk/shop/models.py); relationships name them by string,
resolved on the one shared Base.
"""

from __future__ import annotations

from sqlalchemy import JSON, Boolean, Column, DateTime, ForeignKey, Integer, String
from sqlalchemy.orm import relationship
from sqlalchemy.types import Text

from servicedesk.model_base import Base


class Ticket(Base):
    __tablename__ = "tickets"
    id = Column(Integer, primary_key=True)
    ticket_no = Column(String(32), unique=True, nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"), index=True)
    order_no = Column(String(32))
    subject = Column(String(100), nullable=False)
    description = Column(Text, nullable=False, default="")
    contact = Column(String(50), nullable=False, default="")
    state = Column(String(20), nullable=False, default="open")
    created_at = Column(DateTime, nullable=False)
    # Added with the workbench; nullable so servicedesk.db.upgrade can add them in place.
    assignee_id = Column(ForeignKey("agents.id"), index=True)
    source = Column(String(20), default="message")  # message (left by a user) / agent
    updated_at = Column(DateTime)
    # Work queue (servicedesk/service/ticket_triage.py, ticket_sla.py): nullable so
    # servicedesk.db.upgrade can add them to an existing database.
    category = Column(String(20))
    priority = Column(Integer, default=0)
    priority_reasons = Column(JSON)
    due_at = Column(DateTime, index=True)
    skill_group = Column(String(20))
    conversation_id = Column(String(255), index=True)
    # What the user asked for, in their words, and when to call back.
    message = Column(Text)
    callback_time = Column(String(30))
    # A number left with the message, encrypted (servicedesk/service/contact_phone.py);
    # in full only to the assignee, each view audited.
    contact_phone = Column(String(255))
    resolution = Column(Text)
    resolved_at = Column(DateTime)
    customer = relationship("Customer")
    assignee = relationship("Agent")
    comments = relationship(
        "TicketComment", back_populates="ticket", order_by="TicketComment.id"
    )


TICKET_STATES = ("open", "in_progress", "resolved", "closed")


class TicketComment(Base):
    __tablename__ = "ticket_comments"
    id = Column(Integer, primary_key=True)
    ticket_id = Column(ForeignKey("tickets.id"), nullable=False, index=True)
    author = Column(String(50), nullable=False)
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    # Internal by default; a public update is what the customer reads about progress.
    public = Column(Boolean, default=False)
    ticket = relationship("Ticket", back_populates="comments")


# Human handoff: agents, the queue of conversations waiting for them, what was said.
HANDOFF_STATES = ("queued", "serving", "closed", "cancelled")


class Agent(Base):
    __tablename__ = "agents"
    id = Column(Integer, primary_key=True)
    username = Column(String(50), unique=True, nullable=False, index=True)
    display_name = Column(String(50), nullable=False)
    password_hash = Column(String(200), nullable=False)
    role = Column(String(20), nullable=False, default="agent")  # agent / supervisor
    status = Column(String(20), nullable=False, default="offline")  # online / away
    max_concurrent = Column(Integer, nullable=False, default=3)
    demo = Column(Boolean, nullable=False, default=False)
    # Set by a supervisor; a disabled agent cannot log in and has no sessions. Nullable
    # so servicedesk.db.upgrade can add it to an existing database.
    disabled = Column(Boolean, default=False)
    # Skill groups (servicedesk/service/skills.py), e.g. ["invoices", "vip"].
    skills = Column(JSON)


class AgentSession(Base):
    __tablename__ = "agent_sessions"
    id = Column(Integer, primary_key=True)
    token_hash = Column(String(64), unique=True, nullable=False, index=True)
    agent_id = Column(ForeignKey("agents.id"), nullable=False, index=True)
    expires_at = Column(DateTime, nullable=False)
    agent = relationship("Agent")


class Handoff(Base):
    __tablename__ = "handoffs"
    id = Column(Integer, primary_key=True)
    handoff_no = Column(String(32), unique=True, nullable=False, index=True)
    conversation_id = Column(String(255), nullable=False, index=True)
    customer_id = Column(ForeignKey("customers.id"), index=True)
    trigger = Column(String(30), nullable=False)
    urgent = Column(Boolean, nullable=False, default=False)
    priority = Column(Integer, nullable=False, default=0)
    state = Column(String(20), nullable=False, default="queued")
    summary = Column(JSON, nullable=False, default=dict)
    agent_id = Column(ForeignKey("agents.id"), index=True)
    created_at = Column(DateTime, nullable=False)
    claimed_at = Column(DateTime)
    closed_at = Column(DateTime)
    resolution = Column(String(30))
    rating = Column(Integer)
    rating_comment = Column(String(500))
    # Routing by skill (servicedesk/service/skills.py): the group the task needs and the
    # least-loaded online agent it was offered to; anyone may still claim it by hand.
    skill_group = Column(String(20))
    offered_agent_id = Column(ForeignKey("agents.id"))
    customer = relationship("Customer")
    agent = relationship("Agent", foreign_keys=[agent_id])
    offered_agent = relationship("Agent", foreign_keys=[offered_agent_id])
    messages = relationship(
        "HandoffMessage", back_populates="handoff", order_by="HandoffMessage.id"
    )


class HandoffMessage(Base):
    __tablename__ = "handoff_messages"
    id = Column(Integer, primary_key=True)
    handoff_id = Column(ForeignKey("handoffs.id"), nullable=False, index=True)
    author = Column(String(20), nullable=False)  # user / agent / note / system
    agent_id = Column(ForeignKey("agents.id"))
    text = Column(Text, nullable=False)
    created_at = Column(DateTime, nullable=False)
    handoff = relationship("Handoff", back_populates="messages")
    agent = relationship("Agent")


class AuditEntry(Base):
    __tablename__ = "audit_log"
    id = Column(Integer, primary_key=True)
    actor = Column(String(50), nullable=False)
    action = Column(String(50), nullable=False)
    target = Column(String(64), nullable=False, default="")
    detail = Column(JSON, nullable=False, default=dict)
    at = Column(DateTime, nullable=False, index=True)
