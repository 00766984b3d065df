"""Issue 11: each parameter's numbers are declared once (sim/parameters.py) and every consumer
reads them there: the scenario schema, calibration, sensitivity and the app's sliders."""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import pytest
from pydantic import ValidationError
from tradeblocs.analysis import calibrate, sensitivity
from tradeblocs.sim import scenario
from tradeblocs.sim.parameters import (
    EXOGENOUS_SPECS,
    PARAMETER_SPECS,
    Spec,
    calibration_ranges,
    sensitivity_ranges,
    sliders,
)
from tradeblocs.sim.scenario import SCENARIO_DIR, Exogenous, Parameters, load_scenario, parameter_bounds
from tradeblocs.sim.viz import controls

PINNED = sorted((Path(__file__).parent / "data").glob("*.yaml"))
SCENARIOS = sorted(SCENARIO_DIR.glob("*.yaml"))
#: consumer module -> the name it binds its ranges to
CONSUMERS = {calibrate: "BOUNDS", sensitivity: "PARAMETERS", controls: "SLIDERS"}


def _bounds_of(model: type, name: str) -> tuple[float, float, bool]:
    """The (lower, upper, lower-is-open) bounds pydantic enforces on a field."""
    lo = hi = None
    open_below = False
    for m in model.model_fields[name].metadata:
        if getattr(m, "ge", None) is not None:
            lo = m.ge
        if getattr(m, "gt", None) is not None:
            lo, open_below = m.gt, True
        if getattr(m, "le", None) is not None:
            hi = m.le
        assert getattr(m, "lt", None) is None, f"{name}: an open upper bound is not declared anywhere"
    return lo, hi, open_below


@pytest.mark.parametrize("model, specs", [(Parameters, PARAMETER_SPECS), (Exogenous, EXOGENOUS_SPECS)])
def test_the_schema_is_the_declaration(model: type, specs: dict[str, Spec]) -> None:
    """Each declared number is a field with the declared default, bounds and meaning, and the
    schema has no parameter the declaration lacks."""
    floats = [k for k, f in model.model_fields.items() if f.annotation is float]
    assert floats == list(specs)
    for name, spec in specs.items():
        field = model.model_fields[name]
        assert field.default == spec.default and field.description == spec.meaning, name
        assert _bounds_of(model, name) == (*spec.hard, spec.open_below), name
    assert not hasattr(scenario, "PARAMETER_LIMITS") and not hasattr(scenario, "EXOGENOUS_LIMITS")
    assert all(parameter_bounds(k) == s.hard for k, s in PARAMETER_SPECS.items())


def test_consumers_read_the_declared_ranges() -> None:
    """Calibration, sensitivity and the sliders span exactly the declared plausible ranges."""
    assert calibration_ranges() == calibrate.BOUNDS
    assert sensitivity_ranges() == sensitivity.PARAMETERS
    assert sliders() == controls.SLIDERS
    specs = {**PARAMETER_SPECS, **EXOGENOUS_SPECS}
    for name, (label, lo, hi, step) in controls.SLIDERS.items():
        assert (label, (lo, hi), step) == (specs[name].label, specs[name].plausible, specs[name].slider_step)


def _targets(node: ast.AST) -> list[str]:
    """The plain names an assignment binds."""
    if isinstance(node, ast.Assign):
        return [t.id for t in node.targets if isinstance(t, ast.Name)]
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return [node.target.id]
    return []


def _is_range_table(node: ast.AST) -> bool:
    """A dict literal keyed by parameter names whose values are tuples holding numbers."""
    if not isinstance(node, ast.Dict) or not node.keys:
        return False
    numeric = [any(isinstance(e, ast.Constant) and isinstance(e.value, int | float) for e in v.elts)
               for v in node.values if isinstance(v, ast.Tuple)]  # fmt: skip
    named = any(isinstance(k, ast.Constant) and k.value in PARAMETER_SPECS for k in node.keys)
    return named and bool(numeric) and all(numeric)


@pytest.mark.parametrize("module", list(CONSUMERS), ids=lambda m: m.__name__.rsplit(".", 1)[-1])
def test_no_consumer_writes_ranges_of_its_own(module) -> None:
    """A consumer binds its ranges to a call into sim/parameters.py, never to a literal table:
    equal numbers written twice would drift apart again."""
    name = CONSUMERS[module]
    tree = ast.parse(inspect.getsource(module))
    values = [node.value for node in ast.walk(tree) if name in _targets(node)]
    assert len(values) == 1, f"{module.__name__}.{name} bound {len(values)} times"
    assert isinstance(values[0], ast.Call), f"{module.__name__}.{name} is a literal, not the declaration"
    assert not any(map(_is_range_table, ast.walk(tree))), f"{module.__name__} declares ranges of its own"


def test_the_roles_are_those_declared() -> None:
    """The consumers' lists as declared: 32 calibrated parameters (the 20 of before, USTR's
    capacity, the US walk-away rate, the partner's ratification time, the exit cost's trade
    term, a founding treaty's time, the members' veto distance and ratification rate for an
    accession, when and how fast the US withdraws a contesting government's preferences, and
    the members' sanctions: the democratic clause's rate, the cohesion rule's distance and rate),
    the 11 default
    sensitivity parameters, four weight sliders and the China knob."""
    assert set(calibration_ranges()) == {
        "w_econ", "w_coercion", "w_influence", "w_ideology", "w_peer", "w_cost", "inertia",
        "lcd_appeal", "economic_share", "political_weight", "bloc_drift", "sponsor_aid", "exit_cost",
        "exit_trade", "mfn_access_risk", "us_accept_rate", "min_negotiation_years", "conclusion_rate",
        "template_strictness", "implementation_years", "founding_rate", "us_negotiating_capacity",
        "us_walkaway_rate", "min_ratification_years", "min_founding_years", "approval_distance",
        "accession_rate", "atpdea_suspend_contestation", "atpdea_suspend_rate", "clause_rate",
        "suspension_distance", "cohesion_rate",
    }  # fmt: skip
    assert set(sensitivity_ranges()) == {
        "w_econ", "w_coercion", "w_influence", "w_ideology", "w_peer", "w_cost", "temperature",
        "lobby_scale", "trade_creation", "china_pull", "sponsor_aid",
    }  # fmt: skip
    assert list(sliders()) == ["w_coercion", "w_influence", "w_ideology", "w_peer", "china_strength"]


def test_declarations_are_consistent() -> None:
    """Plausible inside hard, the default inside plausible, a label and a one-line meaning each."""
    specs = {**PARAMETER_SPECS, **EXOGENOUS_SPECS}
    assert len({s.label for s in specs.values()}) == len(specs), "two numbers share a label"
    for name, s in specs.items():
        (lo, hi), (plo, phi) = s.hard, s.plausible
        assert lo < hi and lo <= plo < phi <= hi, name
        assert plo <= s.default <= phi and not (s.open_below and s.default <= lo), name
        assert s.label and s.meaning and "\n" not in s.meaning, name
    with pytest.raises(ValueError, match="plausible"):
        Spec(1.0, (0.0, 2.0), (0.0, 3.0), "x", "too wide")
    with pytest.raises(ValueError, match="default"):
        Spec(5.0, (0.0, 10.0), (0.0, 3.0), "x", "default outside")


def test_named_numbers_keep_todays_values() -> None:
    """The model's former bare numbers, now parameters, default to what the code used."""
    p = Parameters()
    assert (p.election_lobby_reference, p.election_growth_reference, p.china_share_cap) == (0.3, 0.03, 0.95)


@pytest.mark.parametrize("path", SCENARIOS + PINNED, ids=lambda p: p.stem)
def test_every_scenario_value_lies_in_the_plausible_range(path: Path) -> None:
    """The calibrated values (and the counterfactuals' changes to them) are inside the ranges
    calibration searches, sensitivity samples and the sliders span."""
    sc = load_scenario(path)
    for section, specs in ((sc.parameters, PARAMETER_SPECS), (sc.exogenous, EXOGENOUS_SPECS)):
        for name, spec in specs.items():
            lo, hi = spec.plausible
            value = getattr(section, name)
            assert lo <= value <= hi, f"{path.name}: {name} = {value} outside plausible {spec.plausible}"


@pytest.mark.parametrize("name", list(PARAMETER_SPECS))
def test_hard_bounds_are_enforced_exactly(name: str) -> None:
    """A value at a hard bound loads (an open lower bound excepted), one just beyond does not."""
    s = PARAMETER_SPECS[name]
    lo, hi = s.hard
    step = (hi - lo) * 1e-6
    Parameters(**{name: hi})
    Parameters(**{name: lo + step if s.open_below else lo})
    for bad in (lo - step, hi + step, *([lo] if s.open_below else [])):
        with pytest.raises(ValidationError):
            Parameters(**{name: bad})
