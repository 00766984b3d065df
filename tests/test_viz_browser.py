"""The browser app driven in real headless Chromium (Debian's), with no outside network.

The server is started the way a user starts it (``tradeblocs viz SCENARIO --port P``) on a free
port, with a proxy that leads nowhere so that any fetch the server itself tried to make to the
internet would fail here instead of going out. Every request the page makes is routed: anything
not to 127.0.0.1 is aborted and recorded, and each test ends by asserting there was none and
that no local asset was missing (the front end comes from the solara-assets package).

It opens on a small test scenario (the baseline with competitive liberalization off and another
seed, written to a temporary folder) so that picking the baseline in the scenario picker is a
visible change. Each test gets a fresh page, which is a fresh Solara session with its own model.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import playwright.sync_api as playwright_api
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]  # fmt: skip
ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "test-artifacts"
TIMEOUT_MS = 30_000
TEST_SCENARIO = """\
extends: baseline_2003_2016
name: viz_test_no_cl
description: the baseline without competitive liberalization (browser test)
seed: 7
us_policy:
  competitive_liberalization: []
"""

# No silent skip: without Debian's Chromium these tests fail and say what to install.
assert Path(CHROMIUM).exists(), f"{CHROMIUM} missing: apt-get install -y chromium (.ci/run does it)"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``tradeblocs viz <test scenario> --port P``; yields the page's address, stops it after."""
    from analysis.viz_cmd import free_port

    scenario = tmp_path_factory.mktemp("scenarios") / "viz_test_no_cl.yaml"
    scenario.write_text(TEST_SCENARIO)
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "NO_PROXY": "127.0.0.1,localhost"}  # fmt: skip
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "analysis.cli", "viz", str(scenario), "--port", str(port)],
            cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True,
        )  # fmt: skip
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 120
        while True:
            if proc.poll() is not None:
                pytest.fail(f"server exited with {proc.returncode}:\n{log.read_text()}")
            try:
                with urllib.request.urlopen(url, timeout=2) as r:
                    if r.status == 200:
                        break
            except OSError:
                pass
            if time.monotonic() > deadline:
                pytest.fail(f"server did not answer in 120 s:\n{log.read_text()}")
            time.sleep(0.5)
        yield url
    finally:
        os.killpg(proc.pid, signal.SIGTERM)  # the CLI and the solara server it started
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()
        print(log.read_text()[-3000:])


@pytest.fixture(scope="module")
def browser() -> Iterator:
    with playwright_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield b
        b.close()


class Offline:
    """Routes every request: localhost goes through, anything else is aborted and recorded."""

    LOCAL = re.compile(r"^(https?|wss?)://(127\.0\.0\.1|localhost)(:\d+)?/|^(data|blob|about):")

    def __init__(self) -> None:
        self.outside: list[str] = []
        self.missing: list[str] = []

    def route(self, route) -> None:
        url = route.request.url
        if self.LOCAL.match(url):
            route.continue_()
        else:
            self.outside.append(url)
            route.abort()

    def response(self, response) -> None:
        if response.status >= 400 and self.LOCAL.match(response.url):
            self.missing.append(f"{response.status} {response.url}")

    def check(self) -> None:
        assert not self.outside, f"the page asked outside hosts for: {self.outside}"
        assert not self.missing, f"local requests failed: {self.missing}"


@pytest.fixture
def page(server: str, browser) -> Iterator:
    """A fresh session on the app, loaded with no outside network; checked for leaks after."""
    ctx = browser.new_context(viewport={"width": 1600, "height": 1000})
    offline = Offline()
    ctx.route("**/*", offline.route)
    pg = ctx.new_page()
    pg.on("response", offline.response)
    pg.set_default_timeout(TIMEOUT_MS)
    pg.goto(server)
    pg.wait_for_selector("svg.tb-map path.tb-state")
    yield pg
    ctx.close()
    offline.check()


def date_of(pg) -> str:
    return pg.get_by_test_id("tb-date").inner_text()


def wait_text(pg, test_id: str, pattern: str) -> None:
    """Wait until the element with ``data-testid=test_id`` matches ``pattern``."""
    playwright_api.expect(pg.get_by_test_id(test_id)).to_have_text(re.compile(pattern), timeout=TIMEOUT_MS)


def pick(pg, label: str, option: str) -> None:
    """Choose ``option`` in the Vuetify select labelled ``label``."""
    pg.locator(".v-select", has=pg.locator("label", has_text=label)).locator(".v-select__slot").click()
    menu = pg.locator(".menuable__content__active")
    menu.get_by_text(option, exact=True).click()
    playwright_api.expect(menu).to_have_count(0)
    playwright_api.expect(pg.locator(".v-menu__content:visible")).to_have_count(0)  # faded out


def test_page_loads_offline_with_map_plots_and_legend(page) -> None:
    assert date_of(page) == "2003Q1"
    assert page.locator("svg.tb-map path.tb-state").count() == 19
    assert page.locator("svg.tb-map path.tb-state[data-iso=MEX][data-alignment=us_fta]").count() == 1
    legend = page.locator(".tb-legend").inner_text()
    assert "US free trade agreement in force" in legend and "ALBA member" in legend
    plots = page.locator(".tb-plots")
    playwright_api.expect(plots.locator("img, svg").first).to_be_visible()
    assert page.get_by_text("Latest events").is_visible()
    wait_text(page, "tb-info-scenario", "viz_test_no_cl")
    wait_text(page, "tb-running", "competitive liberalization off")
    assert page.get_by_role("button", name="Step").is_visible()


def test_step_advances_the_date(page) -> None:
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2003Q2$")
    wait_text(page, "tb-info-date", "^2003Q2$")
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2003Q3$")
    assert page.locator(".tb-feed tr").count() > 0
    page.get_by_role("button", name="▶").click()  # play runs on by itself until paused
    wait_text(page, "tb-date", "^200[4-9]Q")
    page.get_by_role("button", name="❚❚").click()
    # Wait on the page's state, not on the clock: the ▶ button is back once the server has
    # paused, and that render shows every step done before the pause. Mesa's play loop may
    # still finish the one step it was sleeping before (its thread sleeps, then steps even when
    # paused), and a loaded machine can render it seconds later; so a paused model is one whose
    # date never moves more than that one quarter, however long we watch (playing, it would
    # move a quarter every 150 ms).
    playwright_api.expect(page.get_by_role("button", name="▶")).to_be_visible()
    playwright_api.expect(page.get_by_role("button", name="Step")).to_be_enabled()
    paused = quarter_index(date_of(page))
    end = time.monotonic() + 2.0
    while time.monotonic() < end:
        assert quarter_index(date_of(page)) - paused in (0, 1)
        time.sleep(0.1)


def quarter_index(label: str) -> int:
    """``2005Q3`` -> quarters since year 0, so two dates can be subtracted."""
    year, q = label.strip().split("Q")
    return int(year) * 4 + int(q) - 1


def test_slider_then_reset_rebuilds_the_model(page) -> None:
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2003Q2$")
    slider = page.locator(".v-input", has=page.get_by_text(re.compile("^Coercion weight"))).get_by_role(
        "slider"
    )
    slider.focus()
    for _ in range(5):
        page.keyboard.press("ArrowRight")
    playwright_api.expect(page.get_by_text("Coercion weight: 1.5")).to_be_visible()
    wait_text(page, "tb-running", "coercion 1.0 ")  # pending until Reset, as in Mesa
    page.get_by_role("button", name="Reset").click()
    wait_text(page, "tb-running", "coercion 1.5 ")
    wait_text(page, "tb-date", "^2003Q1$")


def test_picking_a_scenario_reloads_it(page) -> None:
    checkbox = page.get_by_label("US competitive liberalization")
    assert not checkbox.is_checked()
    pick(page, "Scenario", "baseline_2003_2016")
    wait_text(page, "tb-info-scenario", "^baseline_2003_2016$")
    wait_text(page, "tb-running", "competitive liberalization on")
    wait_text(page, "tb-date", "^2003Q1$")
    playwright_api.expect(checkbox).to_be_checked()
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2003Q2$")


def test_selecting_a_state_shows_its_inspector(page) -> None:
    wait_text(page, "tb-inspector-name", "^Peru")
    pick(page, "State", "Venezuela")
    wait_text(page, "tb-inspector-name", "^Venezuela")
    inspector = page.locator(".tb-inspector").inner_text()
    for field in (
        "Leader",
        "Ideology",
        "US export share",
        "China export share",
        "Export lobby",
        "Memberships",
    ):
        assert field in inspector
    assert page.locator("svg.tb-map path.tb-state[data-iso=VEN][stroke='#111111']").count() == 1


def test_screenshot_after_a_few_years(page) -> None:
    """Runs the model a few years and saves the page for a person to look at."""
    step = page.get_by_role("button", name="Step")
    for k in range(12):
        step.click()
        wait_text(page, "tb-info-date", f"^{2003 + (k + 1) // 4}Q{(k + 1) % 4 + 1}$")
    pick(page, "State", "Peru")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz.png"), full_page=True)
    assert (ARTIFACTS / "viz.png").stat().st_size > 10_000
