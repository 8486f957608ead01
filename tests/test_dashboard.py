"""The dashboard in a real browser: headless Chromium (Debian's) driven by Playwright.

A manager signs in with a sign-in link, watches tonight's occupancy change
within 2 seconds of a check-in, opens the execution history and downloads a
PDF through its signed link; a staff member is refused the manager's pages.
Screenshots of every page, at laptop and phone widths, go to
out/screenshots/ (NIGHTCAP_SCREENSHOTS to change) to be looked at.
"""

import http.client
import json
import os
import re
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psycopg
import pytest

from renderer import dashboard_auth, settings
from renderer.link_server import EventsConfig, start_link_server
from renderer.storage import LocalStorage

CHROMIUM = "/usr/bin/chromium"
ORG = "00000000-0000-4000-8000-0000000d0a01"
OTHER_ORG = "00000000-0000-4000-8000-0000000d0b01"
MANAGER = "00000000-0000-4000-8000-00000000da02"
STAFF = "00000000-0000-4000-8000-00000000da03"
SECRET = b"d" * 40
SETUP = f"""
INSERT INTO venue.organizations (organization_id, name, slug)
VALUES ('{ORG}', 'Dash Club', 'dash-club');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity)
VALUES ('{ORG}', 970101, 'The Vault', 'the-vault', 250);
INSERT INTO venue.events (organization_id, venue_id, series, name, starts_at, ends_at)
VALUES ('{ORG}', 970101, 'LA FIESTA', 'LA FIESTA', now() - interval '1 hour',
        now() + interval '5 hours');
INSERT INTO venue.memberships (organization_id, user_id, role) VALUES
  ('{ORG}', '{MANAGER}', 'manager'), ('{ORG}', '{STAFF}', 'staff');
INSERT INTO venue.staff (organization_id, staff_id, venue_id, user_id, full_name, role)
VALUES ('{ORG}', 970101, 970101, '{STAFF}', 'Sam Bar', 'bartender');
INSERT INTO venue.shifts
  (organization_id, venue_id, staff_id, role, starts_at, ends_at, break_minutes)
VALUES ('{ORG}', 970101, 970101, 'bartender', now() - interval '1 hour',
        now() + interval '6 hours', 30);
INSERT INTO reporting.daily_aggregations (
  organization_id, venue_id, business_date, gross_revenue, refunds, net_revenue, check_ins,
  bookings_total, covers)
VALUES ('{ORG}', 970101, '2026-05-01', 12480, 480, 12000, 300, 80, 240);
-- Another organization, with a report of its own: the manager must never see it.
INSERT INTO venue.organizations (organization_id, name, slug)
VALUES ('{OTHER_ORG}', 'Other Club', 'other-club');
INSERT INTO venue.venues (organization_id, venue_id, name, slug, capacity)
VALUES ('{OTHER_ORG}', 970102, 'Elsewhere', 'elsewhere', 300);
SELECT api.generate_report('daily_summary', '{OTHER_ORG}', '2026-05-01', '2026-05-01');
"""

ALERT = {
    "kind": "kpi",
    "transition": "raised",
    "level": "warning",
    "kpi_name": "Occupancy rate",
    "unit": "ratio",
    "direction": "higher_better",
    "threshold": 0.6,
    "venue": "The Vault",
    "business_date": "2026-05-01",
}
PAGES = ("live", "reports", "history", "deliveries", "monitoring")

playwright = pytest.importorskip("playwright.sync_api")


@pytest.fixture
def dashboard(migrated_db: str, tmp_path: Path):
    if not Path(CHROMIUM).exists():
        pytest.skip("needs Debian's chromium (make test installs it)")
    with psycopg.connect(migrated_db, autocommit=True) as conn:
        conn.execute(SETUP)
        # The owner is subscribed: a report job, whose 22:00 run of 1 May is
        # generated, rendered and emailed to the outbox.
        conn.execute(
            "INSERT INTO reporting.report_recipients (organization_id, recipient_id, name, email,"
            " role, consent_given_at, verified_at)"
            " VALUES (%s, 970101, 'Owner', 'owner@dash.example', 'owner', now(), now())",
            (ORG,),
        )
        conn.execute(
            "INSERT INTO reporting.report_subscriptions (recipient_id, template_id)"
            " SELECT 970101, template_id FROM reporting.report_templates"
            " WHERE organization_id = %s AND template_key = 'daily_summary' AND status = 'active'",
            (ORG,),
        )
        conn.execute(
            "SELECT api.enqueue_run(job_id, '2026-05-01 21:00Z') FROM reporting.scheduled_jobs"
            " WHERE organization_id = %s AND name = 'report:daily_summary'",
            (ORG,),
        )
        conn.execute("SELECT api.work(30)")
        # A KPI alert's notification to the same recipient: a delivery with no
        # report (generation_id NULL), the alert in its place.
        conn.execute(
            "INSERT INTO reporting.report_delivery_history (organization_id, recipient_id,"
            " channel, destination, status, message_id, alert, sent_at)"
            " VALUES (%s, 970101, 'email', 'owner@dash.example', 'sent', '<alert-test@nightcap>',"
            " %s, now())",
            (ORG, psycopg.types.json.Jsonb(ALERT)),
        )
    store = tmp_path / "reports"
    env = {
        **os.environ,
        "DATABASE_URL": migrated_db,
        "NIGHTCAP_STORAGE_DIR": str(store),
        "NIGHTCAP_OUTBOX_DIR": str(tmp_path / "outbox"),
        "NIGHTCAP_LINK_SECRET": SECRET.decode(),
    }
    done = subprocess.run(
        [sys.executable, "-m", "renderer.cli", "renderer", "--once"],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert done.returncode == 0, done.stderr
    server = start_link_server(
        LocalStorage(store),
        SECRET,
        "127.0.0.1",
        0,
        events=EventsConfig(database_url=migrated_db),
        dashboard=True,
    )
    yield migrated_db, server
    server.stop()


def screenshots_dir() -> Path:
    path = Path(
        os.environ.get("NIGHTCAP_SCREENSHOTS") or settings.PROJECT_ROOT / "out" / "screenshots"
    )
    path.mkdir(parents=True, exist_ok=True)
    return path


def shoot(page, name: str) -> None:
    page.screenshot(path=str(screenshots_dir() / f"{name}.png"), full_page=True)


def overflowing(page) -> list[str]:
    """What scrolls sideways on the page: the page itself, or a table's box."""
    return page.evaluate(
        "[document.documentElement, ...document.querySelectorAll('.scroll')]"
        ".filter(e => e.scrollWidth > e.clientWidth)"
        ".map(e => e.querySelector('table')?.closest('.scroll')?.previousElementSibling?.id"
        " || e.className || e.tagName)"
    )


def test_a_manager_watches_occupancy_live_and_downloads_a_pdf_staff_are_refused(dashboard):
    url, server = dashboard
    base = server.base_url
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        try:
            manager = browser.new_context(
                viewport={"width": 1280, "height": 800}, accept_downloads=True
            )
            page = manager.new_page()
            page.goto(base + dashboard_auth.sign_in_path(MANAGER, SECRET))
            assert page.url.endswith("/dashboard/live")
            inside = page.locator('[data-kpi="people_inside"] .value')
            playwright.expect(inside).to_have_text("0")
            playwright.expect(page.locator("#live-state")).to_have_text("live", timeout=5000)

            with psycopg.connect(url, autocommit=True) as conn:
                started = time.monotonic()
                conn.execute(
                    "INSERT INTO venue.check_ins"
                    " (organization_id, venue_id, direction, method, people, occurred_at)"
                    " VALUES (%s, 970101, 'in', 'qr', 4, now())",
                    (ORG,),
                )
            playwright.expect(inside).to_have_text("4", timeout=2000)
            print(f"\ncheck-in to the manager's screen: {time.monotonic() - started:.3f} s")
            shoot(page, "live-laptop")

            for name in ("reports", "deliveries", "monitoring"):
                assert page.goto(f"{base}/dashboard/{name}").status == 200
                shoot(page, f"{name}-laptop")
                assert overflowing(page) == [], name
                if name == "reports":
                    playwright.expect(page.locator("main tbody tr")).to_have_text(
                        re.compile(r"Daily Summary.*0 22 \* \* \*.*succeeded\s+1", re.S)
                    )
                if name == "deliveries":
                    # Newest first: the report's email (sent by the renderer
                    # after the fixture wrote the alert), then the alert's.
                    playwright.expect(page.locator("main tbody tr")).to_have_text(
                        [
                            re.compile(r"Daily Summary.*owner@dash\.example.*sent", re.S),
                            re.compile(
                                r"\[warning\] Occupancy rate below 60% at The Vault, Fri 1 May\s+"
                                r"Owner.*owner@dash\.example.*sent",
                                re.S,
                            ),
                        ]
                    )
                if name == "monitoring":
                    # Most-used templates, most used first: the one daily summary.
                    usage = page.locator("h2#template_usage ~ div.scroll").first
                    playwright.expect(usage.locator("tbody tr").first).to_have_text(
                        re.compile(r"Dash Club\s*daily_summary\s*Daily Summary\s*1\s*1\s*0\s*1")
                    )

            assert page.goto(base + "/dashboard/history").status == 200
            shoot(page, "history-laptop")
            assert overflowing(page) == []
            # Only the manager's organization's run: the other club's report is not listed.
            rows = page.locator("#history tbody tr")
            playwright.expect(rows).to_have_count(1)
            playwright.expect(rows).to_contain_text("Dash Club")
            with page.expect_download() as download:
                page.locator('#history a[data-format="pdf"]').click()
            pdf = Path(download.value.path()).read_bytes()
            assert pdf.startswith(b"%PDF-")

            phone = browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True)
            small = phone.new_page()
            small.goto(base + dashboard_auth.sign_in_path(MANAGER, SECRET))
            for name in PAGES:
                assert small.goto(f"{base}/dashboard/{name}").status == 200
                shoot(small, f"{name}-phone")
                # Nothing runs off the side of a phone: neither the page nor any
                # table's box scrolls sideways (tables become a card per row).
                assert overflowing(small) == [], name
            # On a phone each run is a card of its own, its files within reach.
            small.goto(base + "/dashboard/history")
            pdf_link = small.locator('#history a[data-format="pdf"]').bounding_box()
            assert pdf_link is not None and pdf_link["x"] + pdf_link["width"] <= 390, pdf_link

            staff = browser.new_context(viewport={"width": 1280, "height": 800})
            mine = staff.new_page()
            mine.goto(base + dashboard_auth.sign_in_path(STAFF, SECRET))
            assert mine.url.endswith("/dashboard/me")
            playwright.expect(mine.locator("main table tbody tr")).to_have_count(1)
            shoot(mine, "me-laptop")
            staff_phone = browser.new_context(
                viewport={"width": 390, "height": 844}, is_mobile=True
            ).new_page()
            staff_phone.goto(base + dashboard_auth.sign_in_path(STAFF, SECRET))
            shoot(staff_phone, "me-phone")
            assert overflowing(staff_phone) == []
            for name in PAGES:
                response = mine.goto(f"{base}/dashboard/{name}")
                assert response.status == 403, name
            shoot(mine, "refused-laptop")
            stream = mine.request.get(f"{base}/dashboard/live/stream?venue=970101")
            assert stream.status == 403
        finally:
            browser.close()


def test_without_a_session_or_with_a_forged_link_nothing_is_shown(dashboard):
    _, server = dashboard
    import urllib.error
    import urllib.request

    def status(path: str) -> int:
        try:
            with urllib.request.urlopen(server.base_url + path) as response:
                return response.status
        except urllib.error.HTTPError as exc:
            return exc.code

    assert status("/dashboard/history") == 401
    good = dashboard_auth.sign_in_path(MANAGER, SECRET)
    forged = good.replace(MANAGER, STAFF)
    assert status(forged) == 403
    expired = dashboard_auth.sign_in_path(MANAGER, SECRET, now=time.time() - 3600)
    assert status(expired) == 403


def test_a_burst_of_check_ins_is_read_a_few_times_not_once_per_scan(dashboard):
    """Twenty check-ins, each its own transaction, in about a second: the stream
    answers them with a read every half-second at most, and ends on the total."""
    url, server = dashboard
    cookie = dashboard_auth.session_cookie(MANAGER, SECRET).split(";", 1)[0]
    host, port = server.base_url.removeprefix("http://").split(":")
    stream = http.client.HTTPConnection(host, int(port), timeout=10)
    stream.request("GET", "/dashboard/live/stream?venue=970101", headers={"Cookie": cookie})
    sock = stream.sock  # the response keeps it; shut down at the end, it ends the reader
    response = stream.getresponse()
    assert response.status == 200
    events: list[tuple[float, str]] = []

    def read() -> None:
        try:
            for line in response:
                if line.startswith(b"data: "):
                    html = json.loads(line[6:])["html"]
                    inside = re.search(
                        r'data-kpi="people_inside".*?class="value">\s*([0-9]+)', html, re.S
                    )
                    events.append((time.monotonic(), inside.group(1) if inside else "?"))
        except (OSError, ValueError):
            pass  # the test closed the stream

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    deadline = time.monotonic() + 5
    while not events and time.monotonic() < deadline:
        time.sleep(0.05)
    assert events, "no first event"
    started = time.monotonic()
    with psycopg.connect(url, autocommit=True) as conn:
        for _ in range(20):
            conn.execute(
                "INSERT INTO venue.check_ins"
                " (organization_id, venue_id, direction, method, people, occurred_at)"
                " VALUES (%s, 970101, 'in', 'door', 1, now())",
                (ORG,),
            )
            time.sleep(0.05)
    burst = time.monotonic() - started
    time.sleep(1.5)
    sock.shutdown(socket.SHUT_RDWR)
    stream.close()
    reader.join(timeout=5)
    assert not reader.is_alive()
    updates = [value for at, value in events if at > started]
    print(f"\n20 check-ins in {burst:.2f} s: {len(updates)} reads, {[v for _, v in events]}")
    assert updates and updates[-1] == "20", events
    # At most one read a half-second through the burst, and one after it.
    assert len(updates) <= burst / 0.5 + 2, events
