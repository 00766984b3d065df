"""The browser app driven in real headless Chromium (Debian's), with no outside network.

The server is started the way a user starts it (``tradeblocs viz SCENARIO --port P``) on a free
port, with a proxy that leads nowhere so that any fetch the server itself tried to make to the
internet would fail here instead of going out. Every request the page makes is routed: anything
not to 127.0.0.1 is aborted and recorded, and each test ends by asserting there was none and
that no local asset was missing (the front end comes from the solara-assets package).

It opens on a small test scenario (the baseline with competitive liberalization off and another
seed, written to a temporary folder) so that picking the baseline in the scenario picker is a
visible change. Each test gets a fresh page, which is a fresh Solara session with its own model.

Timing: Step and Play are timed in the browser (click to new date on screen) and written to
``test-artifacts/viz-timing.json``; the assertions on them are only generous bounds, since a
busy machine slows every number down.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import signal
import statistics
import struct
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
    from tradeblocs.analysis.viz_cmd import free_port

    scenario = tmp_path_factory.mktemp("scenarios") / "viz_test_no_cl.yaml"
    scenario.write_text(TEST_SCENARIO)
    port = free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    env = {**os.environ, "SOLARA_TELEMETRY_MIXPANEL_ENABLE": "False", "SOLARA_THEME_SHOW_BANNER": "False",
           "HTTP_PROXY": "http://127.0.0.1:9", "HTTPS_PROXY": "http://127.0.0.1:9",
           "NO_PROXY": "127.0.0.1,localhost"}  # fmt: skip
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "tradeblocs.analysis.cli", "viz", str(scenario), "--port", str(port)],
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
    legend = page.locator(".tb-map-panel .tb-legend").inner_text()
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
    playwright_api.expect(page.locator(".tb-feed tr").first).to_be_visible()
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


#: what the inspector shows of every state
INSPECTOR_FIELDS = (
    "Leader", "Economic", "Contests US", "US export share", "China export share", "Export lobby",
    "Memberships",
)  # fmt: skip


def test_selecting_a_state_shows_its_inspector(page) -> None:
    wait_text(page, "tb-inspector-name", "^Peru")
    pick(page, "State", "Venezuela")
    wait_text(page, "tb-inspector-name", "^Venezuela")
    inspector = page.locator(".tb-inspector").inner_text()
    for field in INSPECTOR_FIELDS:
        assert field in inspector
    selected = page.locator("svg.tb-map path.tb-state[data-iso=VEN][stroke='#111111']")
    playwright_api.expect(selected).to_have_count(1)


# --- helpers for the features below ------------------------------------------------------------


def go_to(pg, label: str) -> None:
    """Type a quarter into the scrubber's "Go to" box and wait for the map to show it."""
    box = pg.locator(".tb-goto input")
    box.fill(label)
    box.press("Enter")
    wait_text(pg, "tb-date", f"^{label}$")


def set_theme(pg, dark: bool) -> None:
    """Click Solara's theme toggle (in the app bar) until the page is in the wanted theme."""
    want = ".v-application.theme--dark" if dark else ".v-application.theme--light"
    for _ in range(4):
        if pg.locator(want).count():
            return
        pg.locator("header .v-btn").last.click()
        time.sleep(0.4)
    assert pg.locator(want).count(), f"theme toggle never reached {want}"


CONTRAST_JS = """(selector) => {
  const parse = (c) => {
    const m = /rgba?\\(([^)]+)\\)/.exec(c || ''); if (!m) return null;
    const p = m[1].split(',').map(parseFloat);
    return {r: p[0], g: p[1], b: p[2], a: p.length > 3 ? p[3] : 1}; };
  const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
  const lum = (c) => 0.2126 * lin(c.r) + 0.7152 * lin(c.g) + 0.0722 * lin(c.b);
  const background = (el) => {
    for (; el; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor); if (c && c.a > 0.5) return c; }
    return {r: 255, g: 255, b: 255, a: 1}; };
  const out = [];
  for (const root of document.querySelectorAll(selector)) {
    const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walk.nextNode()) {
      const node = walk.currentNode, el = node.parentElement, text = node.textContent.trim();
      if (!text || !el || !el.getClientRects().length) continue;
      const cs = getComputedStyle(el);
      if (cs.visibility === 'hidden' || cs.display === 'none' || parseFloat(cs.opacity) === 0) continue;
      const inSvg = !!el.closest('svg');
      const fg = parse(inSvg ? cs.fill : cs.color);
      if (!fg) continue;
      const bg = background(inSvg ? el.closest('svg').parentElement : el);
      const a = lum(fg), b = lum(bg);
      out.push([text.slice(0, 40), (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05)]);
    }
  }
  return out;
}"""


def contrast(pg, selector: str) -> list[tuple[str, float]]:
    """(text, WCAG contrast ratio against its effective background) for every visible text."""
    return [(t, float(r)) for t, r in pg.evaluate(CONTRAST_JS, selector)]


def download(pg, button: str) -> bytes:
    """Click a download button and return the bytes of the file the browser saved."""
    with pg.expect_download(timeout=TIMEOUT_MS) as info:
        pg.get_by_role("button", name=button).click()
    return Path(info.value.path()).read_bytes()


def png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "not a PNG"
    return struct.unpack(">II", data[16:24])


def record_timing(key: str, value: object) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / "viz-timing.json"
    data = json.loads(path.read_text()) if path.exists() else {}
    data[key] = value
    path.write_text(json.dumps(data, indent=2))


# --- speed -------------------------------------------------------------------------------------


def test_step_and_play_are_timed(page) -> None:
    """Step: click to the new date on screen, 8 times. Play: quarters shown in 5 s."""
    step = page.get_by_role("button", name="Step")
    times = []
    for _ in range(8):
        before = date_of(page)
        t0 = time.perf_counter()
        step.click()
        page.wait_for_function(
            "(d) => document.querySelector('[data-testid=tb-date]').innerText !== d", arg=before
        )
        times.append(time.perf_counter() - t0)
    start = date_of(page)
    page.get_by_role("button", name="▶").click()
    t0 = time.perf_counter()
    time.sleep(5)
    shown = date_of(page)
    elapsed = time.perf_counter() - t0
    page.get_by_role("button", name="❚❚").click()

    def q(label: str) -> int:
        return int(label[:4]) * 4 + int(label[-1])

    rate = (q(shown) - q(start)) / elapsed
    record_timing("step_s", {"median": statistics.median(times), "max": max(times), "all": times})
    record_timing("play_quarters_per_s", rate)
    print(f"Step median {statistics.median(times):.3f} s (max {max(times):.3f}); Play {rate:.1f} quarters/s")
    assert statistics.median(times) < 5.0  # generous: a busy machine is slow, a broken app is stuck
    assert rate > 0.5


# --- the scrubber ------------------------------------------------------------------------------


def test_scrubber_jumps_to_any_quarter_and_back(page) -> None:
    go_to(page, "2008Q1")
    wait_text(page, "tb-info-date", "^2008Q1$")
    # the feed re-renders after the date: wait for its rows rather than count them at once
    playwright_api.expect(page.locator(".tb-feed tr").first).to_be_visible()
    slider = page.locator(".tb-scrubber").get_by_role("slider")
    slider.focus()
    page.keyboard.press("End")  # the end of the run: labelled 2016Q4, as everywhere
    wait_text(page, "tb-date", "^2016Q4$")
    playwright_api.expect(page.get_by_test_id("tb-end")).to_be_visible()
    wait_text(page, "tb-info-date", "^2016Q4$")
    go_to(page, "2004Q3")  # back in time: a rebuilt model, and Step works again
    playwright_api.expect(page.get_by_role("button", name="Step")).to_be_enabled()
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2004Q4$")
    slider.focus()
    page.keyboard.press("Home")
    wait_text(page, "tb-date", "^2003Q1$")
    playwright_api.expect(page.locator(".tb-feed tr")).to_have_count(0)


# --- click to inspect, the decision history ----------------------------------------------------


def test_clicking_a_state_on_the_map_inspects_it(page) -> None:
    pick(page, "Scenario", "baseline_calibrated")  # with the US taking requests
    wait_text(page, "tb-info-scenario", "^baseline_calibrated$")
    go_to(page, "2007Q1")
    page.locator("svg.tb-map path.tb-state[data-iso=VEN]").click()
    wait_text(page, "tb-inspector-name", "^Venezuela")
    selected = page.locator("svg.tb-map path.tb-state[data-iso=VEN][stroke='#111111']")
    playwright_api.expect(selected).to_have_count(1)
    page.locator("svg.tb-map g.tb-capital[data-iso=PER] text").click()  # the capital's label too
    wait_text(page, "tb-inspector-name", "^Peru")
    inspector = page.locator(".tb-inspector")
    playwright_api.expect(inspector.get_by_test_id("tb-decisions-title")).to_contain_text(
        "Why did it ask for talks?"
    )
    text = inspector.inner_text()
    for field in INSPECTOR_FIELDS:
        assert field in text
    bars = inspector.locator("svg.tb-history rect[data-term]")
    assert bars.count() >= 4  # one decision's terms at least, on the shared axis
    assert inspector.locator("svg.tb-history .tb-stay").count() == 1  # utility of staying put
    assert re.search(r"p [01]\.\d\d", inspector.locator("svg.tb-history").text_content())
    inspector.get_by_role("button", name="All decisions").click()
    playwright_api.expect(inspector.get_by_test_id("tb-decisions-title")).to_contain_text("Every decision")


# --- two scenarios side by side ----------------------------------------------------------------


def test_side_by_side_scenarios_stay_in_step(page) -> None:
    pick(page, "Compare with (same seed)", "baseline_2003_2016")
    wait_text(page, "tb-twin-name", "^baseline_2003_2016$")
    assert page.locator(".tb-map-twin svg.tb-map path.tb-state").count() == 19
    page.get_by_role("button", name="Step").click()
    wait_text(page, "tb-date", "^2003Q2$")
    wait_text(page, "tb-twin-date", "^2003Q2$")
    go_to(page, "2010Q1")
    wait_text(page, "tb-twin-date", "^2010Q1$")
    assert page.locator('.tb-plots path[data-kind="cf"]').count() >= 3  # every chart has the twin
    # with competitive liberalization (the twin) the US has more deals than without (the main run)
    main = page.locator(".tb-map-main svg.tb-map path[data-tie=us]").count()
    twin = page.locator(".tb-map-twin svg.tb-map path[data-tie=us]").count()
    assert twin > main
    page.locator(".tb-map-twin svg.tb-map path.tb-state[data-iso=COL]").click()  # either map picks
    wait_text(page, "tb-inspector-name", "^Colombia")
    pick(page, "Compare with (same seed)", "none")
    playwright_api.expect(page.locator(".tb-map-twin")).to_have_count(0)


def test_documented_history_layer_toggles(page) -> None:
    go_to(page, "2012Q1")
    assert page.locator("svg.tb-map rect[data-doc-iso]").count() == 0
    page.get_by_label("Documented history").check(force=True)
    playwright_api.expect(page.locator("svg.tb-map rect[data-doc-iso]")).to_have_count(19)
    assert page.locator("svg.tb-map rect[data-doc-iso=VEN][data-doc-alignment=alba]").count() == 1
    assert "documented alignment" in page.locator(".tb-map-panel .tb-legend").inner_text()
    page.get_by_label("Documented history").uncheck(force=True)
    playwright_api.expect(page.locator("svg.tb-map rect[data-doc-iso]")).to_have_count(0)
    assert page.locator('.tb-plots [data-chart=alignment] path[data-kind="doc"]').count() == 1


# --- downloads ---------------------------------------------------------------------------------


def test_downloads_are_the_runs_data(page) -> None:
    go_to(page, "2006Q1")
    events = list(csv.DictReader(io.StringIO(download(page, "events.csv").decode())))
    assert events and {"date", "country", "institution", "action", "utility", "p_choice"} <= set(events[0])
    assert max(e["date"] for e in events) <= "2006Q1"
    chosen = [e for e in events if e["p_choice"]]  # a government's own choices
    assert chosen and all(0 < float(e["p_choice"]) <= 1 and e["utility"] for e in chosen)
    spells = list(csv.DictReader(io.StringIO(download(page, "memberships.csv").decode())))
    assert spells and set(spells[0]) == {"country", "institution", "status", "start", "end"}
    series = list(csv.DictReader(io.StringIO(download(page, "timeseries.csv").decode())))
    assert len(series) == 13  # 2003Q1 .. 2006Q1, the state at the start of each quarter
    assert series[-1]["date"] == "2006Q1" and "us_alignment_index" in series[0]
    w, h = png_size(download(page, "Map PNG"))
    assert w > 300 and h > 300
    for chart in ("members PNG", "us ftas PNG", "alignment PNG"):
        w, h = png_size(download(page, chart))
        assert w > 300 and h > 150


# --- themes ------------------------------------------------------------------------------------


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
def test_both_themes_are_readable(page, dark: bool) -> None:
    go_to(page, "2007Q1")
    set_theme(page, dark)
    time.sleep(0.5)
    for selector in (".tb-inspector", ".tb-map-panel .tb-head", ".tb-plots .tb-chart-title", ".tb-events"):
        texts = contrast(page, selector)
        assert texts, selector
        poor = [(t, round(r, 2)) for t, r in texts if r < 4.5]
        assert not poor, (
            f"{selector}: text below 4.5:1 contrast in the {'dark' if dark else 'light'} theme: {poor}"
        )
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"viz-{'dark' if dark else 'light'}.png"))


# --- the screenshot ----------------------------------------------------------------------------


def test_screenshot_of_peru_asking_for_talks(page) -> None:
    """Peru's 2003-2006 US-agreement decisions in the inspector, for the README (docs/)."""
    page.get_by_label("Random seed").fill("")  # blank: the scenario's own seed
    pick(page, "Scenario", "baseline_calibrated")
    wait_text(page, "tb-info-scenario", "^baseline_calibrated$")
    go_to(page, "2007Q1")
    page.locator("svg.tb-map path.tb-state[data-iso=PER]").click()
    wait_text(page, "tb-inspector-name", "^Peru")
    playwright_api.expect(page.get_by_test_id("tb-decisions-title")).to_contain_text("Why did it ask")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "viz.png"))
    assert (ARTIFACTS / "viz.png").stat().st_size > 10_000
