"""Shared fixtures: a baseline run made once per session."""

from __future__ import annotations

import pytest

from sim import TradeBlocsModel, load_scenario


@pytest.fixture(scope="session")
def baseline():
    return load_scenario("baseline_2003_2016")


@pytest.fixture(scope="session")
def baseline_run(baseline):
    return TradeBlocsModel(baseline, seed=7).run()
