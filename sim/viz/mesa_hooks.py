"""Three small adjustments to Mesa 3.3's SolaraViz, installed by the app.

SolaraViz has no option for either, so the app replaces two module-level names that SolaraViz
looks up each time it renders (``mesa.visualization.solara_viz`` is pinned with mesa 3.3.*;
``tests/test_viz_unit.py`` checks that the names still exist):

- ``ShowSteps``: the sidebar's information line says "Step: 13"; researchers think in dates, so
  it shows the model's date ("2006Q2"), scenario and seed instead (``panels.DateInfo``).
- ``make_initial_grid_layout``: every component gets the same half-width tile by default; the
  app's four panels get a layout made for them (a large map, the plots beside it, the inspector
  and the event feed on the right). Other numbers of components keep Mesa's layout.
- ``ModelController``: Mesa's play/step/reset buttons keep their own "running" flag, set from the
  model after each step; once a run has ended it stays off, so after the scrubber goes back to an
  earlier quarter (which swaps in a rebuilt model) Step and Play would stay disabled. The app
  keys the controller on the model object, so a new model gets fresh controls, as after Reset.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import mesa.visualization.solara_viz as solara_viz
import solara

from .panels import DateInfo

#: The app's layout on Mesa's 12-column grid (rows of 30 px plus 10 px gaps).
LAYOUT = [
    {"i": 0, "x": 0, "y": 0, "w": 5, "h": 22, "moved": False},  # map
    {"i": 1, "x": 5, "y": 0, "w": 3, "h": 22, "moved": False},  # plots
    {"i": 2, "x": 8, "y": 0, "w": 4, "h": 14, "moved": False},  # state inspector
    {"i": 3, "x": 8, "y": 14, "w": 4, "h": 8, "moved": False},  # event feed
]

_mesa_layout: Callable[[int], list[dict]] = solara_viz.make_initial_grid_layout
_mesa_controller = getattr(solara_viz, "_tb_mesa_controller", solara_viz.ModelController)
solara_viz._tb_mesa_controller = _mesa_controller  # survives a re-import of this module


@solara.component
def ModelController(model: solara.Reactive[Any], **kwargs: Any) -> solara.Element:
    """Mesa's controller, remounted (fresh play/running state) whenever the model object changes."""
    return _mesa_controller(model, **kwargs).key(f"tb-controller-{id(model.value)}")


def grid_layout(num_components: int) -> list[dict]:
    """The app's layout for its four panels; Mesa's default for anything else."""
    if num_components == len(LAYOUT):
        return [dict(item) for item in LAYOUT]
    return _mesa_layout(num_components)


def install() -> None:
    """Point SolaraViz at the date line and the layout (idempotent)."""
    solara_viz.ShowSteps = DateInfo
    solara_viz.make_initial_grid_layout = grid_layout
    solara_viz.ModelController = ModelController
