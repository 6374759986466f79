"""Ticket handling in the workbench, in headless Chromium against a real desk: the
supervisor gives an agent a skill, the agent works a left message (priority, due time,
assignment, the audited full number, an internal note, the resolution) and the customer
reads the resolution through the bot's progress API. Screenshot: workbench-tickets.png."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from tests.servicedesk_process import API_TOKEN, ServiceDeskProcess, free_port
from tests.test_browser import sign_in

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
TIMEOUT = 30_000
BOT = {"Authorization": f"Bearer {API_TOKEN}"}


@pytest.fixture(scope="module")
def ticket_desk(tmp_path_factory):
    # No Rasa behind RASA_URL: the resolution is stored, the agent is told it was not
    # delivered to a live conversation.
    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("ticket-desk"),
        {"RASA_URL": f"http://127.0.0.1:{free_port()}"},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: run `make browser` (make test does it first)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def log_in(browser, url: str, username: str) -> Page:
    page = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.errors = errors
    sign_in(page, url, username)
    expect(page.locator("#me")).to_be_visible(timeout=TIMEOUT)
    return page


def go_offline(page: Page) -> None:
    page.evaluate(
        """() => fetch('/api/agent/status', {method: 'POST',
            headers: {'Content-Type': 'application/json',
                      'X-Agent-Token': sessionStorage.getItem('workbench:token')},
            body: JSON.stringify({status: 'offline'})}).then(r => r.status)"""
    )


def test_an_agent_works_a_left_message_to_its_resolution(browser, ticket_desk):
    url = ticket_desk.url
    left = requests.post(
        f"{url}/api/tickets",
        json={
            "subject": "留言：转人工时无客服在线",
            "message": "发票抬头开错了，想重开",
            "contact_phone": "13911112222",
            "callback_time": "今天下午",
            "summary": {"intents": ["request_invoice", "request_human"]},
        },
        headers=BOT,
        timeout=10,
    )
    assert left.status_code == 201, left.text
    number = left.json()["ticket_no"]
    lead = log_in(browser, url, "lead")
    agent = None
    try:
        lead.get_by_role("tab", name="工单").click()
        lead.get_by_role("button", name="技能组").click()
        skill = lead.get_by_label("客服小王 发票")
        skill.check()
        expect(skill).to_be_checked()
        go_offline(lead)

        agent = log_in(browser, url, "agent1")
        agent.get_by_role("tab", name="工单").click()
        agent.get_by_label("只看我的").check()  # unassigned tickets of my groups too
        row = agent.locator("#ticket-rows tr", has_text=number)
        expect(row).to_contain_text("发票", timeout=TIMEOUT)
        expect(row).to_contain_text("发票组")
        row.get_by_role("button", name=number).click()
        detail = agent.locator("#ticket-detail")
        expect(detail).to_contain_text("发票抬头开错了，想重开", timeout=TIMEOUT)
        expect(detail).to_contain_text("139****2222")
        expect(detail).to_contain_text("今天下午")

        detail.get_by_label("分配给").select_option("agent:agent1")
        detail.get_by_role("button", name="分配").click()
        expect(row).to_contain_text("客服小王", timeout=TIMEOUT)
        expect(row).to_contain_text("处理中")
        detail.get_by_role("button", name="查看完整号码").click()
        expect(detail.locator(".full-phone")).to_have_text(
            "13911112222", timeout=TIMEOUT
        )

        detail.get_by_label("处理记录").fill("已联系财务确认")
        detail.get_by_role("button", name="添加").click()
        expect(detail).to_contain_text("已联系财务确认", timeout=TIMEOUT)
        expect(detail).to_contain_text("内部")
        detail.get_by_label("处理结果").fill("发票已按新抬头重开，请在订单页下载")
        detail.get_by_role("button", name="解决并通知客户").click()
        expect(row).to_contain_text("已解决", timeout=TIMEOUT)
        expect(detail).to_contain_text("客户可见")
        agent.screenshot(path=str(SHOTS / "workbench-tickets.png"))

        progress = requests.get(
            f"{url}/api/tickets/{number}/progress",
            headers={**BOT, "X-Order-Phone-Last4": "2222"},
            timeout=10,
        ).json()
        assert progress["state"] == "resolved"
        assert progress["last_update"] == "发票已按新抬头重开，请在订单页下载"
        login = requests.post(
            f"{url}/api/agent/login",
            json={"username": "lead", "password": "lead-demo"},
            timeout=10,
        ).json()
        audit = requests.get(
            f"{url}/api/agent/audit",
            headers={"X-Agent-Token": login["token"]},
            timeout=10,
        ).json()["entries"]
        actions = {
            (e["actor"], e["action"])
            for e in audit
            if e["target"] in (number, "agent1")
        }
        assert {
            ("lead", "agent_skills"), ("agent1", "ticket_assign"),
            ("agent1", "ticket_phone_view"), ("agent1", "ticket_comment"),
            ("agent1", "ticket_state"),
        } <= actions  # fmt: skip
        assert lead.errors == [] and agent.errors == []
    finally:
        go_offline(lead)
        lead.context.close()
        if agent is not None:
            go_offline(agent)
            agent.context.close()


def test_a_left_message_answered_while_the_chat_was_closed_shows_on_reopening(
    browser, stack
):
    """The anonymous user leaves a message in the widget, closes the page; the agent
    resolves the ticket; the user opens the shop again and reads the answer."""
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    page.goto(stack.desk.url)
    page.get_by_role("button", name="打开客服对话").click()
    expect(page.locator(".sc-status")).to_be_hidden(timeout=TIMEOUT)
    box = page.get_by_label("输入消息")
    log = page.locator(".sc-log")

    def say(text: str, expected: str) -> None:
        box.fill(text)
        box.press("Enter")
        expect(log).to_contain_text(expected, timeout=TIMEOUT)

    say("转人工", "要给客服留言吗")
    page.locator(".sc-button", has_text="留言").last.click()
    expect(log).to_contain_text("描述您遇到的问题", timeout=TIMEOUT)
    say("新买的充电宝充不进电", "什么时间联系您")
    page.locator(".sc-button", has_text="尽快").last.click()
    expect(log).to_contain_text("仅用于客服就本次留言与您联系", timeout=TIMEOUT)
    say("1391234", "号码好像不太对")
    say("13912340077", "留言已登记")
    number = re.search(r"TK\d{14}", log.inner_text()).group()
    page.close()

    login = requests.post(
        f"{stack.desk.url}/api/agent/login",
        json={"username": "agent2", "password": "agent2-demo"},
        timeout=10,
    ).json()
    agent = {"X-Agent-Token": login["token"]}
    try:
        requests.post(
            f"{stack.desk.url}/api/agent/status",
            json={"status": "offline"},
            headers=agent,
            timeout=10,
        ).raise_for_status()
        resolved = requests.post(
            f"{stack.desk.url}/api/agent/tickets/{number}/resolve",
            json={"text": "已为您换新，新充电宝明天发出"},
            headers=agent,
            timeout=30,
        )
        assert resolved.status_code == 200, resolved.text
    finally:
        requests.post(
            f"{stack.desk.url}/api/agent/status",
            json={"status": "offline"},
            headers=agent,
            timeout=10,
        )

    again = context.new_page()
    errors = []
    again.on("pageerror", lambda exc: errors.append(str(exc)))
    again.goto(stack.desk.url)
    again.get_by_role("button", name="打开客服对话").click()
    answer = again.locator(".sc-from-agent .sc-text").last
    expect(answer).to_contain_text(f"工单 {number}", timeout=TIMEOUT)
    expect(answer).to_contain_text("已为您换新，新充电宝明天发出")
    again.reload()
    again.get_by_role("button", name="打开客服对话").click()
    expect(again.locator(".sc-from-agent", has_text="已为您换新")).to_have_count(
        1, timeout=TIMEOUT
    )
    assert errors == []
    context.close()
