"""The scenario loader: inheritance, and errors that name the file, the key path and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from tradeblocs.sim import ScenarioError, load_scenario
from tradeblocs.sim.scenario import SCENARIO_DIR


def write(tmp_path: Path, name: str, data: dict | str) -> Path:
    p = tmp_path / name
    p.write_text(data if isinstance(data, str) else yaml.safe_dump(data))
    return p


def child(tmp_path: Path, over: dict, name: str = "x.yaml") -> Path:
    return write(
        tmp_path,
        name,
        {"extends": str(SCENARIO_DIR / "baseline_2003_2016.yaml"), "name": "x", **over},
    )


def test_baseline_loads_and_has_every_institution(baseline):
    assert baseline.name == "baseline_calibrated"  # extends baseline_2003_2016.yaml
    assert set(baseline.institutions) >= {
        "US_FTA",
        "NAFTA",
        "CAFTA_DR",
        "CAN",
        "MERCOSUR",
        "ALBA",
        "UNASUR",
        "CELAC",
        "PACIFIC_ALLIANCE",
        "FTAA",
        "TPP",
        "ATPDEA",
    }
    assert len(baseline.states) == 19


def test_extends_merges_mappings_and_keeps_the_rest(tmp_path):
    baseline = load_scenario("baseline_2003_2016")
    sc = load_scenario(child(tmp_path, {"parameters": {"w_influence": 2.5}}))
    assert sc.parameters.w_influence == 2.5
    assert sc.parameters.w_coercion == baseline.parameters.w_coercion
    assert sc.institutions.keys() == baseline.institutions.keys()


def test_negative_weight_error_names_file_key_and_value(tmp_path):
    p = child(tmp_path, {"parameters": {"w_influence": -1}})
    with pytest.raises(ScenarioError) as e:
        load_scenario(p)
    msg = str(e.value)
    assert str(p) in msg and "parameters.w_influence" in msg and "must be >= 0" in msg and "-1" in msg


def test_unknown_key_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"parameters\.w_charisma: unknown key"):
        load_scenario(child(tmp_path, {"parameters": {"w_charisma": 1}}))


def test_unknown_country_code_is_an_error(tmp_path):
    iv = [{"date": "2006Q3", "kind": "election", "country": "XYZ", "economic": -0.5, "contestation": 0.8}]
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.country: unknown country code 'XYZ'"):
        load_scenario(child(tmp_path, {"interventions": iv}))


def test_unknown_institution_is_an_error(tmp_path):
    iv = [
        {
            "date": "2006Q3",
            "kind": "status",
            "country": "PER",
            "institution": "NATO",
            "status": "member",
        }
    ]
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.institution: unknown institution 'NATO'"):
        load_scenario(child(tmp_path, {"interventions": iv}))


def test_date_outside_the_run_is_an_error(tmp_path):
    iv = [{"date": "2021Q1", "kind": "election", "country": "PER", "economic": -0.5, "contestation": 0.8}]
    with pytest.raises(ScenarioError, match=r"interventions\[0\]\.date: date 2021Q1 is outside the run"):
        load_scenario(child(tmp_path, {"interventions": iv}))


def test_impossible_date_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"time\.start.*2003Q5"):
        load_scenario(child(tmp_path, {"time": {"start": "2003Q5"}}))


def test_invalid_yaml_and_missing_parent_are_errors(tmp_path):
    with pytest.raises(ScenarioError, match="not valid YAML"):
        load_scenario(write(tmp_path, "bad.yaml", "name: [unclosed"))
    with pytest.raises(ScenarioError, match="extends: file not found"):
        load_scenario(write(tmp_path, "orphan.yaml", {"extends": "nope.yaml", "name": "o"}))


def test_circular_extends_is_an_error(tmp_path):
    write(tmp_path, "a.yaml", {"extends": "b.yaml", "name": "a"})
    write(tmp_path, "b.yaml", {"extends": "a.yaml", "name": "b"})
    with pytest.raises(ScenarioError, match="circular"):
        load_scenario(tmp_path / "a.yaml")


def test_every_shipped_scenario_loads():
    files = sorted(SCENARIO_DIR.glob("*.yaml"))
    assert files
    for f in files:
        load_scenario(f)


def test_institution_roles_are_scenario_fields(baseline):
    """The roles the model once found by id are set in the scenario; other institutions keep
    the defaults, which are today's behaviour."""
    insts = baseline.institutions
    assert [i for i, x in insts.items() if x.requests_outside_policy] == ["TPP"]
    assert {i: x.map_category for i, x in insts.items() if x.map_category} == {
        "ALBA": "alba",
        "MERCOSUR": "mercosur",
    }
    assert [i for i, x in insts.items() if x.kind == "preference"] == ["ATPDEA"]


def test_unknown_map_category_is_an_error(tmp_path):
    with pytest.raises(ScenarioError, match=r"institutions\.CAN\.map_category: Input should be 'alba'"):
        load_scenario(child(tmp_path, {"institutions": {"CAN": {"map_category": "andean"}}}))
