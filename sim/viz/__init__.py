"""The browser app: Mesa's SolaraViz with a map of the Americas (``tradeblocs viz``).

- ``app``: the Solara page (``solara run sim/viz/app.py``);
- ``controls``: the model the app runs and the sidebar inputs that rebuild it;
- ``panels``: map (with scrubber, documented layer, side-by-side scenario), plots, state
  inspector, event feed with downloads, the date line;
- ``mapview``: the SVG map and the networkx graph of ties between capitals;
- ``clickmap``: the map's click-to-inspect (an ipyvue template that reports the state clicked);
- ``plots``: the charts over time as hand-built SVG, and their PNG for download;
- ``inspector``: a state's decision history, term by term on one shared axis;
- ``words``: the event feed's plain words, as tables that fall back for new actions;
- ``downloads``: the run so far as CSV;
- ``history``: the documented record as series and statuses to draw beside the simulated ones;
- ``mesa_hooks``: the date line and the layout put into SolaraViz;
- ``make_map``: the one-off generator of ``sim/data/americas_110m.geojson``.

Only a warnings filter runs here, so ``import tradeblocs.sim`` stays free of the browser stack.
"""

import warnings

# Two warnings a user of the app can do nothing about: Mesa 3.3's ComponentsView calls a hook
# after an early return (Solara's hook checker reports it on every start), and Solara explains on
# each new session that a page on http://127.0.0.1 gets a lax cookie (right for a local app).
warnings.filterwarnings(
    "ignore", message=r".*mesa[/\\]visualization[/\\]solara_viz\.py:\d+: ComponentsView", category=UserWarning
)
warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https", category=UserWarning)
