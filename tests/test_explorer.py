"""The explorer: its levers start at the variant's values, and a real headless Chromium drives it (slider, Step,
Reset, the chart and the status line change) with no request leaving 127.0.0.1.

The browser test skips only when /usr/bin/chromium is missing and CI is unset; in CI it fails instead
(.ci/run installs Chromium from Debian's packages).
"""

import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

from sim import explore
from sim.model import RegionModel
from tests.helpers import ROOT, SCENARIOS, scenario

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run"]


def test_levers_start_at_the_variant_values():
    for name, key, value in (("plan", "investment.projects_per_year", 110.0),
                             ("baseline", "investment.projects_per_year", 75.0),
                             ("cluster_focus", "investment.steering_share", 0.8)):
        assert explore.lever_values(SCENARIOS / f"{name}.yaml")[key] == value, (name, key)
    values = explore.lever_values(SCENARIOS / "cluster_focus.yaml")  # what Reset builds before a slider moves
    assert RegionModel("cluster_focus", **values).definition.data == scenario("cluster_focus").data
    model = RegionModel("plan", rng=1)
    assert set(explore.town_coordinates(model)) == set(model.region.town_ids)  # the region file's lon_lat
    assert [t[0] for t in explore.gdp_targets()] == [2023, 2025, 2033]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _wait_for(url: str, server: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the explorer exited with status {server.returncode}")
        try:
            urllib.request.urlopen(url, timeout=2).close()
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the explorer did not answer at {url}")


@pytest.fixture
def server(tmp_path):
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI"):
            pytest.fail(f"Chromium is missing ({CHROMIUM}); .ci/run installs it")
        pytest.skip("Chromium is not installed (apt-get install chromium)")
    port = _free_port()
    log = (tmp_path / "server.log").open("w")
    process = subprocess.Popen([sys.executable, "-m", "sim.cli", "explore", "--port", str(port)], cwd=ROOT,
                               stdout=log, stderr=subprocess.STDOUT)
    try:
        _wait_for(f"http://127.0.0.1:{port}/", process)
        yield f"http://127.0.0.1:{port}", tmp_path / "server.log"
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


def _status(page, pattern: str) -> str:
    """The status line once it matches ``pattern``."""
    locator = page.locator(".xinhui-status")
    locator.filter(has_text=re.compile(pattern)).wait_for(timeout=60_000)
    return locator.inner_text()


def _gdp_chart(page) -> str:
    return page.locator(".vue-grid-item img").first.get_attribute("src")


def test_explorer_in_a_real_browser(server):
    from playwright.sync_api import sync_playwright

    url, log = server
    requests, failures = [], []
    with tempfile.TemporaryDirectory() as profile, sync_playwright() as playwright:
        browser = playwright.chromium.launch_persistent_context(  # a fresh --user-data-dir
            profile, executable_path=CHROMIUM, args=FLAGS, viewport={"width": 1300, "height": 900})
        try:
            page = browser.new_page()
            page.on("request", lambda request: requests.append(request.url))
            page.on("response", lambda response: failures.append(response.url) if response.status >= 400 else None)
            page.goto(url + "/", timeout=120_000)
            assert "base year 2022" in _status(page, "base year 2022")
            chart_before = _gdp_chart(page)

            step = page.get_by_role("button", name="Step", exact=True)  # Mesa's: one quarter
            step.click()
            assert "1 of 4 steps of 2023 run" in _status(page, "1 of 4 steps")
            for _ in range(3):
                step.click()
            first = _status(page, r"year 2023 \|")  # the year closed
            assert "projects_per_year 110" in first
            assert _gdp_chart(page) != chart_before  # the chart drew the 2023 point

            slider = page.locator(".v-input", has_text="Projects signed a year")
            slider.locator(".v-slider__thumb-container").focus()
            page.keyboard.press("End")  # to the slider's maximum, 250
            page.get_by_role("button", name="Reset").click()
            assert "projects_per_year 250" in _status(page, r"base year 2022.*projects_per_year 250")

            page.get_by_role("button", name="Simulate a year").click()
            second = _status(page, r"year 2023 \|")
            landed = [float(re.search(r"investment landed ([\d,.]+)", text).group(1).replace(",", ""))
                      for text in (first, second)]
            assert landed[1] > landed[0]  # more projects signed, more investment landed in 2023

            page.locator(".v-select", has_text="variant").click()  # another variant: sliders at its values
            page.get_by_role("option", name="baseline").click()
            assert "projects_per_year 75" in _status(page, r"^baseline: base year 2022")
            page.get_by_role("button", name="Reset").click()  # the sliders now hold baseline's values
            page.get_by_role("button", name="Simulate a year").click()
            assert "projects_per_year 75" in _status(page, r"^baseline: year 2023 \|")
            page.screenshot(path=str(log.parent / "explorer.png"))
        finally:
            browser.close()
    outside = [u for u in requests if not re.match(r"(https?|wss?)://127\.0\.0\.1:\d+/|data:|blob:", u)]
    assert not outside, f"requests left 127.0.0.1: {outside[:5]}"
    assert not failures, f"failed requests: {failures[:5]}"
    assert "Could not load URL" not in log.read_text()  # the server fetched nothing from a CDN
