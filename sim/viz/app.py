"""tradeblocs in the browser: Mesa's SolaraViz with a map of the Americas.

Start it with ``tradeblocs viz [SCENARIO]`` (or ``solara run sim/viz/app.py`` /
``solara run sim.viz.app``). Everything it loads is served from this machine: the front end from
the ``solara-assets`` package, the map from ``sim/data/americas_110m.geojson``.

The page: Mesa's controls (play, step, reset) and the model parameters in the sidebar (scenario
picker, seed, weight sliders, China's boom, switches for US competitive liberalization and for
endogenous elections); a map of the states coloured by alignment with their ties, a time
scrubber, a documented-history layer and a second scenario side by side; plots over time with
the documented history; a state inspector (click a state on the map) with its whole decision
history; the latest events and the run's data as CSV.
"""

from __future__ import annotations

# isort: off
import tradeblocs.sim.viz  # noqa: F401  first, so its warning filters precede Mesa's import (script form)

# isort: on
import solara
from mesa.visualization import SolaraViz
from tradeblocs.sim.scenario import ScenarioError
from tradeblocs.sim.viz import mesa_hooks
from tradeblocs.sim.viz.controls import Controls, VizModel, initial_scenario
from tradeblocs.sim.viz.panels import EventFeedPanel, InspectorPanel, MapPanel, PlotsPanel

TITLE = "tradeblocs: the Americas between US FTAs and US-excluding blocs"
COMPONENTS = [MapPanel, PlotsPanel, InspectorPanel, EventFeedPanel]
#: Pause between steps while playing; a step redraws in well under 100 ms, so Play runs at
#: about five quarters a second (the sidebar's "Play Interval" slider changes it).
PLAY_INTERVAL_MS = 100
CSS = """
.solara-content-main .v-tabs { display: none; }  /* Mesa's "Page 0" tab: the app has one page */
.vue-grid-item { overflow: auto; background: var(--tb-bg, #fff); border-radius: 4px;
                 box-shadow: 0 1px 3px rgba(0, 0, 0, 0.12); }
"""

mesa_hooks.install()


@solara.component
def Page() -> None:
    """One session: its own model and inputs; picking a scenario loads it as written."""
    first = solara.use_memo(lambda: VizModel(initial_scenario()), [])
    model = solara.use_reactive(first)
    controls = solara.use_memo(lambda: Controls.for_model(first), [])
    controls.model = model  # the scrubber swaps in a rebuilt model through this
    first.controls = controls
    error = solara.use_reactive("")
    picked = controls.scenario.value

    def load_picked() -> None:
        if picked == model.value.scenario_file:
            return
        try:
            new = VizModel(picked, seed=controls.seed.value)
        except (ScenarioError, ValueError) as e:  # a broken file in scenarios/: say so, keep running
            error.value = str(e)
            controls.scenario.value = model.value.scenario_file
            return
        error.value = ""
        new.controls = controls
        controls.show(new)
        model.value = new

    solara.use_effect(load_picked, [picked])
    solara.Style(CSS)
    if error.value:
        solara.Error(error.value)
    SolaraViz(
        model,
        components=COMPONENTS,
        model_params=controls.model_params(),
        name=TITLE,
        play_interval=PLAY_INTERVAL_MS,
    )
