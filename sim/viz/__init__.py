"""The browser app: Mesa's SolaraViz with a map of the Americas (``tradeblocs viz``).

- ``app``: the Solara page (``solara run sim/viz/app.py``);
- ``controls``: the model the app runs and the sidebar inputs that rebuild it;
- ``panels``: map, plots, state inspector, event feed, the date line;
- ``mapview``: the SVG map and the networkx graph of ties between capitals;
- ``history``: the documented record as series to draw beside the simulated ones;
- ``mesa_hooks``: the date line and the layout put into SolaraViz;
- ``make_map``: the one-off generator of ``sim/data/americas_110m.geojson``.

Only a warnings filter runs here, so ``import sim`` stays free of the browser stack.
"""

import warnings

# Two warnings a user of the app can do nothing about: Mesa 3.3's ComponentsView calls a hook
# after an early return (Solara's hook checker reports it on every start), and Solara explains on
# each new session that a page on http://127.0.0.1 gets a lax cookie (right for a local app).
warnings.filterwarnings(
    "ignore", message=r".*mesa[/\\]visualization[/\\]solara_viz\.py:\d+: ComponentsView", category=UserWarning
)
warnings.filterwarnings("ignore", message=r"Cookies with samesite=none require https", category=UserWarning)
