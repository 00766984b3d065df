"""How the outcomes of many runs are named, coloured and laid out in tables and figures.

Shared by ``sweep``, ``compare`` and ``sensitivity``; light to import (matplotlib only loads
when a figure is drawn), so a sweep's summary table costs no plotting library.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from typing import Any

import pandas as pd

from .design import SweepError

#: Headline outcomes compared and analysed by default (``members_X`` is bloc X's size at the end).
DEFAULT_OUTCOMES = (
    "us_ftas_in_force",
    "us_alignment_index",
    "members_ALBA",
    "members_MERCOSUR",
    "members_PACIFIC_ALLIANCE",
    "fit_f1",
)
OUTCOME_LABELS = {
    "us_ftas_in_force": "US FTAs in force at the end",
    "us_alignment_index": "US-alignment index (GDP-weighted)",
    "fit_f1": "fit to history (F1)",
    "fit_f1_2016": "fit to history at the end of 2016 (F1)",
}


def outcome_label(name: str) -> str:
    """An outcome column in words, for figure titles and table rows."""
    if name in OUTCOME_LABELS:
        return OUTCOME_LABELS[name]
    if name.startswith("members_"):
        return f"{name[len('members_') :].replace('_', ' ')} members at the end"
    if name.startswith("us_ftas_"):
        return f"US FTAs in force, end of {name[len('us_ftas_') :]}"
    return name.replace("_", " ")


def short_label(name: str) -> str:
    """A column header for terminal tables: ``members_ALBA`` -> ``ALBA``."""
    short = {"us_ftas_in_force": "US FTAs", "us_alignment_index": "US align.", "fit_f1": "fit F1"}
    return short.get(name, name.removeprefix("members_"))


def outcome_color(name: str) -> str:
    """The project palette's colour for an outcome (its institution or alignment)."""
    from tradeblocs.sim.palette import INSTITUTION_COLORS

    if name.startswith("members_") and name[len("members_") :] in INSTITUTION_COLORS:
        return INSTITUTION_COLORS[name[len("members_") :]]
    if name.startswith("us_ftas") or name == "us_alignment_index":
        return INSTITUTION_COLORS["US_FTA"]
    return INSTITUTION_COLORS["FTAA"] if name.startswith("fit_") else INSTITUTION_COLORS["CELAC"]


def present_outcomes(df: pd.DataFrame, wanted: Iterable[str] | None) -> list[str]:
    """The requested outcomes (default: the headline ones) that the results actually hold."""
    names = list(wanted) if wanted else list(DEFAULT_OUTCOMES)
    missing = [n for n in names if n not in df.columns]
    if wanted and missing:
        raise SweepError(
            f"unknown outcome(s) {', '.join(missing)}; the results have: "
            + ", ".join(c for c in df.columns if df[c].dtype.kind in "if")
        )
    return [n for n in names if n in df.columns]


def small_multiples(n: int, width: float, height: float, ncols: int = 3) -> tuple[Any, list]:
    """A bare matplotlib figure with ``n`` panels of ``width`` x ``height`` inches, ``ncols`` to a
    row (no pyplot: no window, no display needed, no global state left behind)."""
    from matplotlib.figure import Figure

    ncols = max(1, min(ncols, n))
    nrows = max(1, math.ceil(n / ncols))
    fig = Figure(figsize=(width * ncols, height * nrows + 0.5), layout="constrained")
    axes = list(fig.subplots(nrows, ncols, squeeze=False).ravel())
    for ax in axes[n:]:
        ax.set_visible(False)
    return fig, axes[:n]
