"""Two small adjustments to Mesa 3.3's SolaraViz, installed by the app.

SolaraViz has no option for either, so the app replaces two module-level names that SolaraViz
looks up each time it renders (``mesa.visualization.solara_viz`` is pinned with mesa 3.3.*;
``tests/test_viz_unit.py`` checks that the names still exist):

- ``ShowSteps``: the sidebar's information line says "Step: 13"; researchers think in dates, so
  it shows the model's date ("2006Q2"), scenario and seed instead (``panels.DateInfo``).
- ``make_initial_grid_layout``: every component gets the same half-width tile by default; the
  app's four panels get a layout made for them (a large map, the plots beside it, the inspector
  and the event feed on the right). Other numbers of components keep Mesa's layout.
"""

from __future__ import annotations

from collections.abc import Callable

import mesa.visualization.solara_viz as solara_viz

from .panels import DateInfo

#: The app's layout on Mesa's 12-column grid (rows of 30 px plus 10 px gaps).
LAYOUT = [
    {"i": 0, "x": 0, "y": 0, "w": 5, "h": 18, "moved": False},  # map
    {"i": 1, "x": 5, "y": 0, "w": 4, "h": 18, "moved": False},  # plots
    {"i": 2, "x": 9, "y": 0, "w": 3, "h": 13, "moved": False},  # state inspector
    {"i": 3, "x": 9, "y": 13, "w": 3, "h": 10, "moved": False},  # event feed
]

_mesa_layout: Callable[[int], list[dict]] = solara_viz.make_initial_grid_layout


def grid_layout(num_components: int) -> list[dict]:
    """The app's layout for its four panels; Mesa's default for anything else."""
    if num_components == len(LAYOUT):
        return [dict(item) for item in LAYOUT]
    return _mesa_layout(num_components)


def install() -> None:
    """Point SolaraViz at the date line and the layout (idempotent)."""
    solara_viz.ShowSteps = DateInfo
    solara_viz.make_initial_grid_layout = grid_layout
