"""The widget and the workbench in headless Chromium (Debian's, via Playwright).

Screenshots land in tests/artifacts/screenshots/ (kept by CI as artifacts).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests
from playwright.sync_api import Page, expect, sync_playwright

from tests.servicedesk_process import API_TOKEN

CHROMIUM = "/usr/bin/chromium"
FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
]
SHOTS = Path(__file__).resolve().parent / "artifacts" / "screenshots"
CUSTOMER = "demo-vip-zhangwei"
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: run `make browser` (make test does it first)")
    SHOTS.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def sign_in(page: Page, desk_url: str, username: str, password: str = "") -> None:
    """The workbench's login form, as an agent types it (demo password by default)."""
    page.goto(f"{desk_url}/agent")
    page.get_by_label("账号").fill(username)
    page.get_by_label("密码").fill(password or f"{username}-demo")
    page.get_by_role("button", name="登录").click()


def open_widget(page: Page, url: str) -> None:
    page.goto(url)
    page.get_by_role("button", name="打开客服对话").click()
    expect(page.locator(".sc-status")).to_be_hidden(timeout=TIMEOUT)


def send(page: Page, text: str) -> None:
    page.get_by_label("输入消息").fill(text)
    page.get_by_label("输入消息").press("Enter")


def go_offline(workbench: Page) -> None:
    """Logging in to the workbench goes online; other tests rely on nobody being."""
    workbench.evaluate(
        """() => fetch('/api/agent/status', {method: 'POST',
            headers: {'Content-Type': 'application/json',
                      'X-Agent-Token': sessionStorage.getItem('workbench:token')},
            body: JSON.stringify({status: 'offline'})}).then(r => r.status)"""
    )


def bot_texts(page: Page):
    return page.locator(".sc-from-bot .sc-text")


def test_widget_conversation_buttons_history_and_safety(browser, stack):
    context = browser.new_context(viewport={"width": 1280, "height": 860})
    page = context.new_page()
    dialogs = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    shop = f"{stack.desk.url}/?as={CUSTOMER}"
    open_widget(page, shop)

    send(page, "你好")
    expect(bot_texts(page).first).to_contain_text("您好", timeout=TIMEOUT)
    page.locator(".sc-button", has_text="查订单").last.click()
    cards = page.locator(".sc-card")
    expect(cards.first).to_be_visible(timeout=TIMEOUT)
    order_no = cards.first.locator(".sc-card-no").inner_text().split()[-1]
    answered = bot_texts(page).count()
    cards.first.get_by_role("button", name="选这个订单").click()
    expect(bot_texts(page).nth(answered)).to_contain_text(order_no, timeout=TIMEOUT)
    page.screenshot(path=str(SHOTS / "widget-desktop.png"))

    # History and the conversation survive a reload.
    page.reload()
    page.get_by_role("button", name="打开客服对话").click()
    expect(page.locator(".sc-from-user .sc-text", has_text="你好")).to_have_count(1)
    expect(page.locator(".sc-card").first).to_be_visible()

    # Markup typed by the user is shown as text and never runs.
    attack = "<img src=x onerror=alert(1)>"
    send(page, attack)
    expect(page.locator(".sc-from-user .sc-text").last).to_have_text(attack)
    expect(page.locator(".sc-log img")).to_have_count(0)
    expect(bot_texts(page).last).not_to_have_text("", timeout=TIMEOUT)

    # Empty messages are not sent; over-long ones get a hint and stay in the box.
    before = page.locator(".sc-from-user").count()
    send(page, "   ")
    page.get_by_label("输入消息").fill("长" * 600)
    page.get_by_role("button", name="发送").click()
    expect(page.locator(".sc-hint")).to_contain_text("最多 500 字")
    assert page.locator(".sc-from-user").count() == before
    assert dialogs == []
    context.close()


def test_widget_on_a_phone_with_a_deep_link(browser, stack):
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.goto(f"{stack.desk.url}/?as={CUSTOMER}")
    signed = page.locator(".order", has_text="已签收").first
    order_no = signed.locator("b").inner_text(timeout=TIMEOUT).split()[-1]
    # The shop's order page opens the widget in that order's after-sales context.
    page.goto(
        f"{stack.desk.url}/?as={CUSTOMER}&order={order_no}"
        "&intent=request_return_exchange"
    )
    expect(page.locator(".sc-from-user .sc-text").first).to_contain_text(
        order_no, timeout=TIMEOUT
    )
    expect(bot_texts(page).last).not_to_contain_text("哪个订单", timeout=TIMEOUT)
    expect(bot_texts(page).last).to_contain_text(
        re.compile("退货还是换货|退货|换货"), timeout=TIMEOUT
    )
    box = page.locator(".sc-panel").bounding_box()
    assert box["width"] == 390
    page.screenshot(path=str(SHOTS / "widget-phone.png"))
    context.close()


def test_handoff_between_widget_and_workbench(browser, stack):
    agent = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(agent, stack.desk.url, "agent1")
    expect(agent.locator("#me")).to_contain_text("客服小王", timeout=TIMEOUT)

    user = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    try:
        open_widget(user, f"{stack.desk.url}/?as=demo-lina")
        send(user, "我的快递到哪了")
        expect(bot_texts(user).last).not_to_have_text("", timeout=TIMEOUT)
        user.locator(".sc-human").click()
        expect(user.locator(".sc-banner")).to_contain_text("排队", timeout=TIMEOUT)

        # The queue updates itself (server-sent events), no reload.
        entry = agent.locator("#queued .item-button").first
        expect(entry).to_be_visible(timeout=TIMEOUT)
        entry.click()
        expect(agent.locator("#messages")).to_contain_text(
            "我的快递到哪了", timeout=TIMEOUT
        )
        expect(agent.locator("#context")).to_contain_text("订单")
        agent.get_by_role("button", name="接入").click()
        expect(user.locator(".sc-banner")).to_contain_text("客服小王", timeout=TIMEOUT)

        send(user, "包裹三天没更新了")
        expect(agent.locator("#messages")).to_contain_text(
            "包裹三天没更新了", timeout=TIMEOUT
        )
        agent.get_by_label("回复内容").fill("您好，我来帮您催一下快递")
        agent.get_by_role("button", name="发送").click()
        reply = user.locator(".sc-from-agent .sc-text").last
        expect(reply).to_have_text("您好，我来帮您催一下快递", timeout=TIMEOUT)
        expect(user.locator(".sc-from-agent .sc-agent-name").last).to_contain_text(
            "客服小王"
        )
        agent.screenshot(path=str(SHOTS / "workbench.png"))
        user.screenshot(path=str(SHOTS / "widget-agent.png"))

        agent.get_by_role("button", name="结束会话").click()
        rating = user.locator(".sc-rating")
        expect(rating).to_be_visible(timeout=TIMEOUT)
        user.get_by_role("radio", name=re.compile("^5 分")).click()
        user.get_by_label("评价内容（选填）").fill("很快就解决了")
        user.get_by_role("button", name="提交评价").click()
        expect(bot_texts(user).last).to_contain_text("感谢您的评价", timeout=TIMEOUT)
        user.screenshot(path=str(SHOTS / "widget-handoff.png"))
    finally:
        go_offline(agent)
        agent.context.close()
        user.context.close()


def test_staff_add_an_entry_and_the_bot_answers_it_in_other_words(browser, stack):
    staff = browser.new_context(viewport={"width": 1440, "height": 900}).new_page()
    sign_in(staff, stack.desk.url, "lead")
    expect(staff.locator("#me")).to_contain_text("主管老陈", timeout=TIMEOUT)
    try:
        staff.get_by_role("tab", name="知识库").click()
        expect(staff.locator("#kb-rows tr").first).to_be_visible(timeout=TIMEOUT)
        staff.get_by_role("button", name="新建条目").first.click()
        form = staff.locator(".kb-form")
        form.get_by_label("分类").fill("优惠活动")
        form.get_by_label("标准问题").fill("年货节活动什么时候开始？")
        form.get_by_label("相似问法（每行一个）").fill(
            "年货节几号开始\n年货节的活动时间"
        )
        form.get_by_label("答案", exact=True).fill(
            "年货节 1 月 10 日上午 10 点开场，持续 7 天。"
        )
        form.get_by_role("button", name=re.compile("保存")).click()
        expect(form.locator(".kb-title")).to_contain_text("v1", timeout=TIMEOUT)
        staff.screenshot(path=str(SHOTS / "workbench-kb.png"))

        # "Try a question" shows why it ranks: each channel's score.
        staff.get_by_label("测试问题").fill("年货节活动几号开场呀")
        staff.get_by_role("button", name="测试", exact=True).click()
        top = staff.locator("#kb-try-results li").first
        expect(top).to_contain_text("年货节活动什么时候开始？", timeout=TIMEOUT)
        expect(top).to_contain_text("语义")
        expect(top).to_contain_text("字面")

        # Asked in other words, seconds later, with no retraining.
        user = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
        open_widget(user, f"{stack.desk.url}/")
        send(user, "年货节活动几号开场呀")
        expect(bot_texts(user).last).to_contain_text("1 月 10 日", timeout=TIMEOUT)
        user.context.close()
    finally:
        go_offline(staff)
        staff.context.close()


def test_the_widget_leaves_the_queue_with_its_session_token(
    browser, stack, online_agent
):
    user = browser.new_context(viewport={"width": 1280, "height": 860}).new_page()
    try:
        open_widget(user, f"{stack.desk.url}/")
        user.locator(".sc-human").click()
        banner = user.locator(".sc-banner")
        expect(banner).to_contain_text("排队", timeout=TIMEOUT)
        session_id = user.evaluate(
            "() => JSON.parse(localStorage.getItem('shopchat:anon:session'))"
        )
        # The desk's widget endpoints refuse whoever knows only the id.
        stranger = requests.post(
            f"{stack.desk.url}/api/widget/handoffs/{session_id}/cancel", timeout=10
        )
        assert stranger.status_code == 403
        user.get_by_role("button", name="取消排队").click()
        expect(banner).to_be_hidden(timeout=TIMEOUT)
        state = requests.get(
            f"{stack.desk.url}/api/handoffs/{session_id}",
            headers={"Authorization": f"Bearer {API_TOKEN}"},
            timeout=10,
        ).json()
        assert state["state"] == "cancelled"
    finally:
        user.context.close()
