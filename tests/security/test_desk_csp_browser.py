"""Finding 13 in a real browser: with the Content-Security-Policy on, the shop page, the
widget and the workbench (with its event stream) run without a single CSP violation.

Only the desk runs here (no Rasa): the widget's socket cannot connect, which is an
ordinary network error, not a policy violation."""

from __future__ import annotations

from pathlib import Path

import pytest
from playwright.sync_api import expect, sync_playwright

from tests.servicedesk_process import ServiceDeskProcess, free_port
from tests.test_browser import CHROMIUM, FLAGS, sign_in

TIMEOUT = 30_000
# Every violation the page sees, reported by the browser itself.
WATCH_VIOLATIONS = """(() => {
  window.__cspViolations = [];
  document.addEventListener('securitypolicyviolation', e =>
    window.__cspViolations.push(e.violatedDirective + ' ' + e.blockedURI));
})();"""


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    process = ServiceDeskProcess(
        tmp_path_factory.mktemp("csp"),
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


def watched_page(browser):
    page = browser.new_context().new_page()
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(WATCH_VIOLATIONS)
    return page, console


def csp_problems(page, console):
    reported = page.evaluate("() => window.__cspViolations")
    logged = [t for t in console if "Content Security Policy" in t]
    return reported + logged


def test_shop_page_and_widget_run_under_the_policy(browser, desk):
    page, console = watched_page(browser)
    try:
        page.goto(f"{desk.url}/?as=demo-lina")
        # shop.js ran: the demo customers are listed and the widget is on the page.
        expect(page.locator("#who option")).to_have_count(4, timeout=TIMEOUT)
        expect(page.locator("#orders .order").first).to_be_visible(timeout=TIMEOUT)
        page.get_by_role("button", name="打开客服对话").click()
        expect(page.get_by_label("输入消息")).to_be_visible(timeout=TIMEOUT)
        page.wait_for_function("() => !!window.io", timeout=TIMEOUT)
        assert csp_problems(page, console) == []
    finally:
        page.context.close()


def test_workbench_and_its_event_stream_run_under_the_policy(browser, desk):
    page, console = watched_page(browser)
    try:
        sign_in(page, desk.url, "agent2")
        expect(page.locator("#me")).to_contain_text("客服小李", timeout=TIMEOUT)
        expect(page.locator("#live")).to_have_text("● 实时", timeout=TIMEOUT)
        assert csp_problems(page, console) == []
    finally:
        page.context.close()
