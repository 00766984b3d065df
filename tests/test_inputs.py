"""Every scenario number has declared finite bounds (a new one without them fails here)."""

import math

import pytest
from tradeblocs.sim.scenario import Exogenous, Parameters, parameter_bounds


def test_every_parameter_is_bounded_on_both_sides() -> None:
    for name in Parameters.model_fields:
        lo, hi = parameter_bounds(name)
        assert math.isfinite(lo) and math.isfinite(hi) and lo < hi, f"{name}: bounds ({lo}, {hi})"
        default = getattr(Parameters(), name)
        assert lo <= default <= hi, f"{name}: default {default} outside ({lo}, {hi})"


@pytest.mark.parametrize("name", ["china_strength", "oil_scale"])
def test_exogenous_knobs_are_bounded_on_both_sides(name: str) -> None:
    meta = Exogenous.model_fields[name].metadata
    lo = next(m.ge for m in meta if getattr(m, "ge", None) is not None)
    hi = next(m.le for m in meta if getattr(m, "le", None) is not None)
    assert math.isfinite(lo) and math.isfinite(hi) and lo <= getattr(Exogenous(), name) <= hi
