"""Shared fixtures: the default (calibrated) baseline and a run of it, made once per session."""

from __future__ import annotations

import pytest
from tradeblocs.sim import TradeBlocsModel, load_scenario
from tradeblocs.sim.model import DEFAULT_SCENARIO


@pytest.fixture(scope="session")
def baseline():
    return load_scenario(DEFAULT_SCENARIO)


@pytest.fixture(scope="session")
def baseline_run(baseline):
    return TradeBlocsModel(baseline, seed=7).run()
