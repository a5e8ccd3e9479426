"""The monitor page in a real browser (Debian's headless Chromium through chromedriver): sign in
from the link's fragment, see the organization's devices, watch one go offline live after the
simulator disconnects it and the monitor syncs, revoke one, and fit a phone's width.
Screenshots are kept under var/test-artifacts/monitor-page/ (printed)."""
from __future__ import annotations

import shutil
import tempfile
import time
from datetime import datetime, timedelta, timezone

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from conftest import REPO

ARTIFACTS = REPO / "var/test-artifacts/monitor-page"


@pytest.fixture()
def browser():
    if not shutil.which("chromedriver"):
        pytest.fail("chromedriver is missing: `make test` installs Debian's chromium and chromium-driver")
    profile = tempfile.mkdtemp(prefix="chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = shutil.which("chromium")
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", f"--user-data-dir={profile}", "--no-first-run"]:
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def screenshot(driver, name: str) -> str:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    driver.save_screenshot(str(path))
    print(f"screenshot: {path}")
    return str(path)


def badge(driver, device_id: str) -> str:
    """Read in one step in the page: rows are re-rendered as updates arrive."""
    return driver.execute_script(
        "const b = document.querySelector(`tr[data-device-id=\"${arguments[0]}\"] .badge`);"
        "return b ? b.textContent : '';", device_id)


def linked_device(db, owner, org: str, name: str, node: dict) -> str:
    return db.execute(
        "INSERT INTO devices (user_id, organization_id, name, device_type, os, status, trust_level, "
        "tailscale_device_id, tailscale_hostname, last_seen) "
        "VALUES (%s, %s, %s, 'laptop', 'Debian 12', 'active', 'high', %s, %s, now()) RETURNING id::text",
        (owner.id, org, name, node["id"], node["hostname"])).fetchone()[0]


def test_sign_in_watch_a_device_go_offline_live_and_revoke_one(stack, api, world, db, simulator, browser):
    org = world.org("Browser Org")
    admin = world.user(org, role="org_admin", name="Morgan Admin")
    member = world.user(org, name="Riley User")
    watched_node = simulator.add_device(hostname="watched-laptop", connected=True)
    doomed_node = simulator.add_device(hostname="doomed-desktop", connected=True)
    assert api.tailscale("sync-devices", world.service_key).status_code == 200
    watched = linked_device(db, member, org, "Watched Laptop", watched_node)
    doomed = linked_device(db, admin, org, "Doomed Desktop", doomed_node)
    pending = db.execute("INSERT INTO devices (user_id, organization_id, name, status, enrollment_expires_at) "
                         "VALUES (%s, %s, 'Pending Device', 'pending', now() + interval '1 day') RETURNING id::text",
                         (member.id, org)).fetchone()[0]
    db.execute("INSERT INTO device_events (device_id, event_type, details, ip_address) "
               "VALUES (%s, 'tailscale_link_ambiguous', '{}', 'unknown')", (pending,))
    wait = WebDriverWait(browser, 15, poll_frequency=0.1)

    browser.get(f"{stack.monitor_url}#token={admin.token}")
    wait.until(lambda d: badge(d, watched) == "Online" and badge(d, doomed) == "Online" and badge(d, pending) == "Pending")
    assert "token" not in browser.current_url  # the fragment is gone from the address bar at once
    counts = {e.get_attribute("data-count"): e.text for e in browser.find_elements(By.CSS_SELECTOR, "[data-count]")}
    assert counts == {"online": "2", "offline": "0", "pending": "1", "revoked": "0"}
    row = browser.execute_script(f'return document.querySelector(\'tr[data-device-id="{watched}"]\').innerText;')
    assert "watched-laptop" in row and watched_node["addresses"][0] in row and "Riley User" in row and "just now" in row
    attention = [e.get_attribute("data-attention") for e in browser.find_elements(By.CSS_SELECTOR, "[data-attention]")]
    assert sorted(attention) == ["ambiguous", "pending"]
    wait.until(lambda d: d.find_element(By.ID, "live-state").text == "Live")
    screenshot(browser, "1-signed-in")

    # Offline without a reload: the page's own 30 s poll is far away, so this is the live channel.
    browser.execute_script("window.stillTheSamePage = true;")
    long_ago = (datetime.now(timezone.utc) - timedelta(minutes=10)).strftime("%Y-%m-%dT%H:%M:%SZ")
    simulator.disconnect(watched_node["id"], lastSeen=long_ago)
    started = time.monotonic()
    WebDriverWait(browser, 12, poll_frequency=0.1).until(lambda d: badge(d, watched) == "Offline")
    print(f"offline on the page {time.monotonic() - started:.1f} s after the disconnect (monitor interval 2 s)")
    assert browser.execute_script("return window.stillTheSamePage === true;")
    screenshot(browser, "2-went-offline-live")

    browser.find_element(By.CSS_SELECTOR, f'[data-revoke="{doomed}"]').click()
    dialog = browser.find_element(By.ID, "confirm-revoke")
    wait.until(lambda d: dialog.is_displayed())
    assert "Doomed Desktop" in dialog.text
    screenshot(browser, "3-confirm-revoke")
    browser.find_element(By.ID, "confirm-button").click()
    wait.until(lambda d: badge(d, doomed) == "Revoked")
    assert db.execute("SELECT status FROM devices WHERE id = %s", (doomed,)).fetchone()[0] == "revoked"
    assert doomed_node["id"] not in [d["id"] for d in simulator.devices()]
    assert "Revoked “Doomed Desktop”" in browser.find_element(By.ID, "message").text
    screenshot(browser, "4-revoked")

    browser.set_window_size(390, 844)
    wait.until(lambda d: d.execute_script("return document.documentElement.scrollWidth <= window.innerWidth;"))
    screenshot(browser, "5-phone-width")


def test_a_plain_user_sees_their_own_devices_and_no_revoke_button(stack, world, db, browser):
    org = world.org()
    user = world.user(org, name="Pat Plain")
    other = world.user(org)
    mine = db.execute("INSERT INTO devices (user_id, organization_id, name, status) VALUES (%s, %s, 'Pat Phone', 'offline') "
                      "RETURNING id::text", (user.id, org)).fetchone()[0]
    theirs = db.execute("INSERT INTO devices (user_id, organization_id, name, status) VALUES (%s, %s, 'Not Mine', 'active') "
                        "RETURNING id::text", (other.id, org)).fetchone()[0]
    browser.get(stack.monitor_url)
    field = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.ID, "token-input"))
    assert browser.find_element(By.CSS_SELECTOR, 'label[for="token-input"]').text == "Access token"
    field.send_keys(user.token)
    field.submit()
    WebDriverWait(browser, 10).until(lambda d: badge(d, mine) == "Offline")
    assert badge(browser, theirs) == ""
    assert browser.find_elements(By.CSS_SELECTOR, "[data-revoke]") == []

    browser.find_element(By.ID, "sign-out").click()
    WebDriverWait(browser, 5).until(lambda d: d.find_element(By.ID, "token-input").is_displayed())
    assert browser.execute_script("return sessionStorage.length;") == 0
