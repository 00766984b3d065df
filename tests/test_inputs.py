"""Every scenario parameter has declared finite bounds (a new one without them fails here)."""

import math

from tradeblocs.sim.scenario import Parameters, parameter_bounds


def test_every_parameter_is_bounded_on_both_sides() -> None:
    for name in Parameters.model_fields:
        lo, hi = parameter_bounds(name)
        assert math.isfinite(lo) and math.isfinite(hi) and lo < hi, f"{name}: bounds ({lo}, {hi})"
        default = getattr(Parameters(), name)
        assert lo <= default <= hi, f"{name}: default {default} outside ({lo}, {hi})"
