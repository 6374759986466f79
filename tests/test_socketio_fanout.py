"""addons/socketio_fanout.py: the Redis manager only when SOCKETIO_REDIS_URL is set.
(tests/cluster/ prove that an emit crosses instances with it.)"""

from __future__ import annotations

import pytest
import socketio

from addons import socketio_fanout


def test_without_a_url_emits_stay_in_the_process(monkeypatch):
    monkeypatch.delenv(socketio_fanout.URL_ENV, raising=False)
    server = socketio.AsyncServer(async_mode="asgi")
    manager = server.manager
    assert socketio_fanout.attach(server) is False
    assert server.manager is manager


def test_with_a_url_emits_go_through_redis(monkeypatch):
    monkeypatch.setenv(socketio_fanout.URL_ENV, "redis://127.0.0.1:6399/1")
    server = socketio.AsyncServer(async_mode="asgi")
    assert socketio_fanout.attach(server) is True
    assert isinstance(server.manager, socketio.AsyncRedisManager)
    assert server.manager.server is server
    assert server.manager.channel == socketio_fanout.CHANNEL


def test_too_late_once_clients_were_served():
    server = socketio.AsyncServer(async_mode="asgi")
    server.manager_initialized = True
    with pytest.raises(RuntimeError):
        socketio_fanout.attach(server, "redis://127.0.0.1:6399/1")
