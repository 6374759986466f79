"""Quality inspection in the workbench, in headless Chromium against a real desk:
the angry-customer banner, a flagged reply seen live by the supervisor, the review
queue with its verdict, and the word lists. Screenshot: quality-review.png."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from servicedesk.quality.sampling import week_of
from tests.servicedesk_process import API_TOKEN, ServiceDeskProcess, free_port
from tests.test_browser import sign_in

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
SHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
TIMEOUT = 30_000
BOT = {"Authorization": f"Bearer {API_TOKEN}"}
ANGRY = {
    "transcript": [
        {"from": "user", "text": "订单一个星期了还没发货"},
        {"from": "bot", "text": "抱歉，正在为您查询"},
        {"from": "user", "text": "你们就是骗子，我要投诉！"},
    ]
}


@pytest.fixture(scope="module")
def quality_desk(tmp_path_factory):
    # No Rasa behind RASA_URL: agent actions are stored, not delivered.
    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("quality-desk"),
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


def test_supervisor_reviews_an_angry_customer_and_a_promise(browser, quality_desk):
    url = quality_desk.url
    agent = log_in(browser, url, "agent1")
    lead = None
    try:
        queued = requests.post(
            f"{url}/api/handoffs",
            json={"conversation_id": "quality-browser-1", "trigger": "complaint",
                  "summary": ANGRY},
            headers=BOT,
            timeout=10,
        ).json()  # fmt: skip
        handoff_no = queued["handoff_no"]

        banner = agent.locator("#quality-alerts")
        expect(banner).to_contain_text(handoff_no, timeout=TIMEOUT)
        banner.get_by_role("button").first.click()
        expect(agent.locator("#chat-title")).to_contain_text(
            handoff_no, timeout=TIMEOUT
        )
        agent.get_by_role("button", name="接入").click()
        expect(banner).to_be_hidden(timeout=TIMEOUT)
        agent.get_by_label("回复内容").fill("我保证明天一定到")
        agent.get_by_role("button", name="发送").click()
        expect(agent.locator("#messages")).to_contain_text("我保证明天一定到")
        # Agents do not see the inspection's flags.
        expect(agent.locator(".reply-flags")).to_have_count(0)
        expect(agent.get_by_role("tab", name="质检")).to_be_hidden()

        lead = log_in(browser, url, "lead")
        go_offline(lead)
        lead.locator("#serving .item-button").first.click()
        expect(lead.locator(".reply-flags")).to_contain_text(
            "违规承诺：保证", timeout=TIMEOUT
        )
        agent.get_by_role("button", name="结束会话").click()
        expect(agent.locator("#chat-meta")).to_contain_text("已结束", timeout=TIMEOUT)

        lead.get_by_role("tab", name="质检").click()
        week = week_of(datetime.fromisoformat(queued["created_at"]))
        lead.locator("#quality-week").fill(week)
        lead.locator("#quality-week").dispatch_event("change")
        row = lead.locator("#quality-flagged tr", has_text=handoff_no)
        expect(row).to_contain_text("违规承诺", timeout=TIMEOUT)
        expect(row).to_contain_text("客户愤怒")
        row.get_by_role("button", name=handoff_no).click()
        detail = lead.locator("#quality-detail")
        expect(detail).to_contain_text("😠 愤怒", timeout=TIMEOUT)
        expect(detail.locator(".msg.flagged")).to_have_count(2)
        detail.get_by_label("复核结论").select_option("violation")
        detail.get_by_label("复核备注").fill("承诺到货时间，需辅导")
        detail.get_by_role("button", name="保存复核").click()
        expect(detail).to_contain_text("承诺到货时间，需辅导", timeout=TIMEOUT)
        expect(row).to_contain_text("违规", timeout=TIMEOUT)
        lead.screenshot(path=str(SHOTS / "quality-review.png"))

        lead.get_by_role("button", name="词库管理").click()
        words = lead.locator(".quality-words")
        words.get_by_label("分类").select_option("competitor")
        words.get_by_label("新词语").fill("小红书")
        words.get_by_role("button", name="添加").click()
        expect(words.locator(".word-chip", has_text="小红书")).to_be_visible(
            timeout=TIMEOUT
        )
        words.get_by_role("button", name="删除 小红书").click()
        expect(words.locator(".word-chip", has_text="小红书")).to_have_count(
            0, timeout=TIMEOUT
        )
        assert agent.errors == [] and lead.errors == []
    finally:
        go_offline(agent)
        agent.context.close()
        if lead is not None:
            lead.context.close()
