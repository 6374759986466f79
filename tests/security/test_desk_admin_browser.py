"""The workbench's supervisor pages in a real browser, under the desk's CSP: agent
administration (create, role, disable, reset password) and the audited reveal of an
order's shipping fields. Only the desk runs here (no Rasa)."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect, sync_playwright

from tests.security.test_desk_csp_browser import WATCH_VIOLATIONS
from tests.servicedesk_process import API_TOKEN, ServiceDeskProcess, free_port
from tests.test_browser import CHROMIUM, FLAGS, sign_in

TIMEOUT = 30_000
NEW_USER = "agent-browser"


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("admin"),
        {"WIDGET_SOCKET_URL": f"http://127.0.0.1:{free_port()}", "KB_DENSE": "0"},
    )
    process.start()
    yield process
    process.stop()


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.fail("chromium missing: run `make browser` (make test does it first)")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        yield browser
        browser.close()


def logged_in_page(browser, desk, username, password):
    page = browser.new_context().new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    sign_in(page, desk.url, username, password)
    expect(page.locator("#live")).to_have_text("● 实时", timeout=TIMEOUT)
    return page, console


def go_offline(page):
    page.locator("#status").select_option("offline")
    expect(page.locator("#status")).to_have_value("offline")


def csp_problems(page, console):
    reported = page.evaluate("() => window.__cspViolations")
    return reported + [t for t in console if "Content Security Policy" in t]


def login_status(desk, username, password):
    return requests.post(
        f"{desk.url}/api/agent/login",
        json={"username": username, "password": password},
        timeout=10,
    ).status_code


def test_a_supervisor_administers_agents_in_the_workbench(browser, desk):
    page, console = logged_in_page(browser, desk, "lead", "lead-demo")
    try:
        page.get_by_role("tab", name="客服管理").click()
        rows = page.locator("#admin-rows tr")
        expect(rows).to_have_count(3, timeout=TIMEOUT)

        form = page.locator("#admin-create")
        form.get_by_label("用户名").fill(NEW_USER)
        form.get_by_label("显示名").fill("客服小赵")
        form.get_by_label("初始登录口令").fill("first-password-1")
        form.get_by_role("button", name="创建").click()
        expect(rows).to_have_count(4, timeout=TIMEOUT)
        assert login_status(desk, NEW_USER, "first-password-1") == 200

        row = page.locator(f'#admin-rows tr[data-username="{NEW_USER}"]')
        row.get_by_label(f"{NEW_USER} 的角色").select_option("supervisor")
        expect(page.locator("#admin-error")).to_contain_text("主管", timeout=TIMEOUT)
        row.get_by_label(f"{NEW_USER} 的新口令").fill("second-password-2")
        row.get_by_role("button", name="重置口令").click()
        expect(page.locator("#admin-error")).to_contain_text("已重置", timeout=TIMEOUT)
        assert login_status(desk, NEW_USER, "first-password-1") == 401
        assert login_status(desk, NEW_USER, "second-password-2") == 200

        row = page.locator(f'#admin-rows tr[data-username="{NEW_USER}"]')
        row.get_by_role("button", name="停用").click()
        expect(row.get_by_role("button", name="启用")).to_be_visible(timeout=TIMEOUT)
        assert login_status(desk, NEW_USER, "second-password-2") != 200

        # Refusals of the desk are shown, not swallowed: a short password.
        form.get_by_label("用户名").fill("agent-short")
        form.get_by_label("显示名").fill("短密码")
        form.get_by_label("初始登录口令").fill("short")
        page.evaluate("() => document.getElementById('admin-create').noValidate = true")
        form.get_by_role("button", name="创建").click()
        expect(page.locator("#admin-error")).to_have_class("error", timeout=TIMEOUT)
        expect(rows).to_have_count(4)

        entries = page.evaluate(
            """() => fetch('/api/agent/audit', {headers: {'X-Agent-Token':
                 sessionStorage.getItem('workbench:token')}}).then(r => r.json())"""
        )["entries"]
        about_new = {e["action"] for e in entries if e["target"] == NEW_USER}
        assert len(about_new) >= 3
        assert csp_problems(page, console) == []
        go_offline(page)
    finally:
        page.context.close()


def test_an_agent_has_no_administration_tab(browser, desk):
    page, console = logged_in_page(browser, desk, "agent2", "agent2-demo")
    try:
        expect(page.get_by_role("tab", name="知识库")).to_be_visible()
        expect(page.locator("#admin-tab")).to_be_hidden()
        go_offline(page)
    finally:
        page.context.close()


def test_the_serving_agent_reveals_an_order_address_once_audited(browser, desk):
    page, console = logged_in_page(browser, desk, "agent1", "agent1-demo")
    try:
        with page.expect_response(lambda r: r.url.endswith("/api/agent/status")):
            page.locator("#status").select_option("online")
        handoff = requests.post(
            f"{desk.url}/api/handoffs",
            json={
                "conversation_id": "b" * 32,
                "trigger": "user_request",
                "summary": {},
            },
            headers={
                "Authorization": f"Bearer {API_TOKEN}",
                "X-Customer-Token": "demo-vip-zhangwei",
            },
            timeout=10,
        ).json()
        assert handoff.get("state") == "queued", handoff
        page.locator("#queued .item-button").first.click()
        page.get_by_role("button", name="接入").click()
        expect(page.locator("#context")).to_contain_text("收货", timeout=TIMEOUT)
        first = page.locator("#context .ctx-row").first
        expect(first).not_to_contain_text("张伟")
        first.get_by_role("button", name="查看完整收货信息").click()
        expect(first).to_contain_text("张伟", timeout=TIMEOUT)
        expect(first).to_contain_text("已记录查看")
        assert csp_problems(page, console) == []
        page.get_by_role("button", name="结束会话").click()
        go_offline(page)
    finally:
        page.context.close()
    lead = requests.post(
        f"{desk.url}/api/agent/login",
        json={"username": "lead", "password": "lead-demo"},
        timeout=10,
    ).json()["token"]
    audit = requests.get(
        f"{desk.url}/api/agent/audit", headers={"X-Agent-Token": lead}, timeout=10
    ).json()["entries"]
    assert [e["actor"] for e in audit if e["action"] == "reveal"] == ["agent1"]
    assert any(
        e["target"] == handoff["handoff_no"] for e in audit if e["action"] == "reveal"
    )
    requests.post(
        f"{desk.url}/api/agent/status",
        json={"status": "offline"},
        headers={"X-Agent-Token": lead},
        timeout=10,
    )
