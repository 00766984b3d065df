"""Sweeps and calibration score a model from its own lists, and get what the frames give."""

from __future__ import annotations

import math

import numpy as np
import pytest
from tradeblocs.analysis.calibrate import FIT_KEYS, Objective, Window
from tradeblocs.analysis.outcomes import outcomes
from tradeblocs.analysis.score import model_fit, quick_fit
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.output import events_frame, spells_frame

SEEDS = (11, 22, 33)


def same(a: object, b: object) -> bool:
    """Equal values, NaN equal to NaN (a window with nothing to score reads NaN either way)."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    return a == b


@pytest.fixture(scope="module")
def runs(baseline) -> list[TradeBlocsModel]:
    """Three full runs of the default (calibrated) baseline."""
    return [TradeBlocsModel(baseline, seed=s, collect="none").run() for s in SEEDS]


def test_list_based_fit_is_the_frame_based_fit_exactly(runs) -> None:
    for m in runs:
        frames = quick_fit(spells_frame(m), events_frame(m))
        lists = model_fit(m)
        assert list(lists) == list(frames)
        bad = {k: (lists[k], frames[k]) for k in frames if not same(lists[k], frames[k])}
        assert not bad, bad


def test_a_sweeps_fit_columns_are_the_frame_based_fit(runs) -> None:
    for m in runs:
        frames = quick_fit(spells_frame(m), events_frame(m))
        row = outcomes(m)
        fit = {k[len("fit_") :]: v for k, v in row.items() if k.startswith("fit_")}
        assert fit and set(fit) <= set(frames)
        assert all(same(v, float(frames[k])) for k, v in fit.items())


def test_calibration_scores_the_same_runs_the_same_way(baseline, runs) -> None:
    fit = Objective(baseline, list(SEEDS), [], Window()).fit({})
    per_run = [quick_fit(spells_frame(m), events_frame(m)) for m in runs]
    for k in FIT_KEYS:
        if k == "timing_median":
            want = float(np.median([r[k] for r in per_run]))
        else:
            values = [r[k] for r in per_run]
            want = math.nan if all(v != v for v in values) else float(np.nanmean(values))
        assert same(fit[k], want), k
