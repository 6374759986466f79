"""The widget and the workbench through nginx, in headless Chromium: a handoff whose
every step crosses the cluster (the widget's socket on one instance, the desk's calls
into Rasa balanced over all of them, the workbench's live events through nginx)."""

from __future__ import annotations

import re

import requests
from playwright.sync_api import expect

from tests.test_browser import (  # noqa: F401 - `browser` is a fixture
    TIMEOUT,
    bot_texts,
    browser,
    go_offline,
    open_widget,
    send,
    sign_in,
)


def test_the_widget_points_at_nginx(live_cluster):
    config = requests.get(f"{live_cluster.url}/api/widget/config", timeout=10).json()
    assert config["socket_url"] == live_cluster.url
    page = requests.get(f"{live_cluster.url}/", timeout=10)
    policy = page.headers["Content-Security-Policy"]
    connect = next(p for p in policy.split("; ") if p.startswith("connect-src"))
    assert f"ws://127.0.0.1:{live_cluster.port}" in connect


def test_handoff_between_widget_and_workbench_through_nginx(browser, live_cluster):  # noqa: F811
    url = live_cluster.url
    agent = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(agent, url, "agent2")
    expect(agent.locator("#me")).to_contain_text("客服小李", timeout=TIMEOUT)

    user = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    try:
        open_widget(user, f"{url}/?as=demo-lina")
        send(user, "我的快递到哪了")
        expect(bot_texts(user).last).not_to_have_text("", timeout=TIMEOUT)
        user.locator(".sc-human").click()
        expect(user.locator(".sc-banner")).to_contain_text("排队", timeout=TIMEOUT)

        entry = agent.locator("#queued .item-button").first
        expect(entry).to_be_visible(timeout=TIMEOUT)
        entry.click()
        expect(agent.locator("#messages")).to_contain_text(
            "我的快递到哪了", timeout=TIMEOUT
        )
        agent.get_by_role("button", name="接入").click()
        expect(user.locator(".sc-banner")).to_contain_text("客服小李", timeout=TIMEOUT)

        send(user, "包裹三天没更新了")
        expect(agent.locator("#messages")).to_contain_text(
            "包裹三天没更新了", timeout=TIMEOUT
        )
        # Several replies: the desk's calls go round robin over the instances, and
        # each reaches the socket wherever it is.
        for text in ("您好，我来帮您查一下", "已经帮您催促快递了"):
            agent.get_by_label("回复内容").fill(text)
            agent.get_by_role("button", name="发送").click()
            expect(user.locator(".sc-from-agent .sc-text").last).to_have_text(
                text, timeout=TIMEOUT
            )

        agent.get_by_role("button", name="结束会话").click()
        expect(user.locator(".sc-rating")).to_be_visible(timeout=TIMEOUT)
        user.get_by_role("radio", name=re.compile("^5 分")).click()
        user.get_by_role("button", name="提交评价").click()
        expect(bot_texts(user).last).to_contain_text("感谢您的评价", timeout=TIMEOUT)
    finally:
        go_offline(agent)
        agent.context.close()
        user.context.close()
