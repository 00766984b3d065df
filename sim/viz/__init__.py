"""The browser app: Mesa's SolaraViz with a map of the Americas (``tradeblocs viz``).

- ``app``: the Solara page (``solara run sim/viz/app.py``);
- ``controls``: the model the app runs and the sidebar inputs that rebuild it;
- ``panels``: map, plots, state inspector, event feed, the date line;
- ``mapview``: the SVG map and the networkx graph of ties between capitals;
- ``history``: the documented record as series to draw beside the simulated ones;
- ``mesa_hooks``: the date line and the layout put into SolaraViz;
- ``make_map``: the one-off generator of ``sim/data/americas_110m.geojson``.

Nothing is imported here, so ``import sim`` stays free of the browser stack.
"""
