"""The supervisor's dashboard in headless Chromium: two weeks of generated history
landed through the real event broker, derived by the real desk; the supervisor logs in,
sees the KPI cards against the targets, the charts drawn, the tables, and the alert
banner for a customer waiting too long. The screenshot is the README's."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path

import pytest
import requests
from playwright.sync_api import expect, sync_playwright
from sqlalchemy import select

from addons.analytics_broker import MaskedSQLEventBroker
from servicedesk.analytics.history import desk_rows, history
from servicedesk.db import make_engine, make_session_factory
from servicedesk.service.models import Agent, Handoff
from tests.servicedesk_process import ServiceDeskProcess
from tests.test_browser import sign_in

CHROMIUM = "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu"]
SHOT = (
    Path(__file__).resolve().parents[1] / "artifacts" / "screenshots" / "dashboard.png"
)
END = datetime(2026, 3, 12, 0, 0)  # UTC; the history is the 14 days before
TIMEOUT = 30_000


@pytest.fixture(scope="module")
def desk(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("dashboard")
    analytics_url = f"sqlite:///{workdir / 'analytics.db'}"
    process = ServiceDeskProcess(
        workdir, {"ANALYTICS_DATABASE_URL": analytics_url, "ANALYTICS_INTERVAL_S": "0"}
    )
    process.start()
    broker = MaskedSQLEventBroker(analytics_url)
    sessions = make_session_factory(
        make_engine(process.env["SERVICEDESK_DATABASE_URL"])
    )
    with sessions() as session, session.begin():
        agents = {a.username: a.id for a in session.execute(select(Agent)).scalars()}
        for number, conv in enumerate(history(END, 14, 40, seed=7), 1):
            for event in conv.events:
                broker.publish({"sender_id": conv.sender_id, **event})
            session.add_all(desk_rows(conv, number, agents))
        # Someone has been waiting five minutes right now: the banner must say so.
        session.add(
            Handoff(
                handoff_no="HOWAITING1",
                conversation_id="dashboard-waiting",
                trigger="user_request",
                state="queued",
                summary={},
                created_at=datetime.now() - timedelta(minutes=5),
            )
        )
    broker.flush()
    broker.engine.dispose()
    yield process
    with sessions() as session, session.begin():
        waiting = session.execute(
            select(Handoff).where(Handoff.handoff_no == "HOWAITING1")
        ).scalar_one()
        waiting.state = "cancelled"
    process.stop()


def test_supervisor_sees_kpis_charts_tables_and_alerts(desk):
    login = requests.post(
        f"{desk.url}/api/agent/login",
        json={"username": "lead", "password": "lead-demo"},
        timeout=10,
    ).json()
    lead = {"X-Agent-Token": login["token"]}
    derived = requests.post(
        f"{desk.url}/api/agent/analytics/derive", headers=lead, timeout=60
    )
    assert derived.status_code == 200 and derived.json()["sessions"] > 300

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_context(viewport={"width": 1440, "height": 1400}).new_page()
        refused = []
        page.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security" in m.text else None,
        )
        try:
            sign_in(page, desk.url, "lead")
            expect(page.locator("#me")).to_contain_text("主管", timeout=TIMEOUT)
            banner = page.locator("#alert-banner")
            expect(banner).to_contain_text("排队已等待", timeout=TIMEOUT)
            expect(banner).to_contain_text("首次响应目标 30")

            page.get_by_role("tab", name="服务数据").click()
            page.locator("#dash-from").fill("2026-02-26")
            page.locator("#dash-to").fill("2026-03-11")
            page.get_by_role("button", name="查询").click()
            expect(page.locator("#tab-dashboard")).to_have_attribute(
                "data-loaded", "true", timeout=TIMEOUT
            )
            expect(page.locator("#dash-demo")).to_be_visible()
            cards = page.locator("#dash-cards .kpi")
            expect(cards).to_have_count(8)
            expect(cards.nth(1)).to_contain_text("目标 ≤ 30 秒")
            # The generated shop misses the 90 % resolution target: coloured as missed.
            resolution = page.locator(".kpi", has_text="自助解决率")
            expect(resolution).to_have_class("kpi missed")
            for chart in ("sessions", "service", "csat", "triggers", "intents"):
                canvas = page.locator(f"#chart-{chart} canvas")
                expect(canvas.first).to_be_visible()
                assert canvas.first.bounding_box()["width"] > 200
            # Something was drawn: the sessions chart's canvas is not blank.
            painted = page.evaluate(
                """() => {
                  const c = document.querySelector('#chart-sessions canvas');
                  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                  let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++;
                  return n; }"""
            )
            assert painted > 5000
            rows = page.locator("#dash-tables tbody tr")
            expect(rows.first).to_be_visible()
            assert page.locator("[data-export]").count() == 7
            with page.expect_download() as download:
                page.locator('[data-export="agents"]').click()
            assert download.value.suggested_filename == "agents.csv"

            expect(page.locator("#dash-error")).to_have_text("")
            SHOT.parent.mkdir(parents=True, exist_ok=True)
            page.wait_for_timeout(1000)  # the charts' entry animation
            page.screenshot(path=str(SHOT), full_page=True)
            assert refused == []
        finally:
            page.get_by_role("button", name="退出").click()
            browser.close()
    me = requests.get(f"{desk.url}/api/agent/me", headers=lead, timeout=10)
    assert me.status_code == 401 or me.json()["status"] == "offline"
