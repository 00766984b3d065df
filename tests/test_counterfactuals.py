"""The counterfactual library in scenarios/: each file says which seed-document claim it tests,
extends the baseline, changes only what it names, and changes the course of a run."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from tradeblocs.analysis.compare import changed_keys, what_changes
from tradeblocs.sim import TradeBlocsModel, load_scenario
from tradeblocs.sim.scenario import SCENARIO_DIR

LIBRARY = sorted(SCENARIO_DIR.glob("cf_*.yaml"))
REQUIRED = {
    "cf_no_competitive_liberalization",
    "cf_no_china_boom",
    "cf_ftaa_2005",
    "cf_humala_2006",
    "cf_early_oil_bust",
    "cf_strong_influence",
    "cf_weak_influence",
    "cf_tpp_ratified",
}
SEED_SOURCES = ("Kat", "post-hegemonic regionalism", "Peru Support Group", "rational actor")


def leaf_paths(node: object, prefix: tuple = ()) -> set[tuple]:
    """Paths to the values of a mapping; lists count as values."""
    if not isinstance(node, dict):
        return {prefix}
    return set().union(*(leaf_paths(v, (*prefix, k)) for k, v in node.items())) if node else {prefix}


def test_the_library_has_every_counterfactual_the_project_promises() -> None:
    assert {p.stem for p in LIBRARY} >= REQUIRED


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_counterfactual_file_names_its_claim_and_changes_only_what_it_names(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = text[: text.index("\nextends:")]
    assert text.startswith("# Counterfactual:") and "Claim tested" in header
    assert any(s in header for s in SEED_SOURCES), "the opening comment must name a seed document"
    raw = yaml.safe_load(text)
    assert raw["extends"] == "baseline_calibrated.yaml" and raw["name"] == path.stem
    sc, base = load_scenario(path), load_scenario("baseline_calibrated")
    assert sc.seed == base.seed  # the same random streams as the baseline
    own = {k: v for k, v in raw.items() if k not in ("extends", "name", "description")}
    named = leaf_paths(json.loads(json.dumps(own)))  # keys spelled as in the JSON dump
    changed = {
        tuple(k.split(".")) for k in changed_keys(sc.model_dump(mode="json"), base.model_dump(mode="json"))
    }
    changed -= {("name",), ("description",)}
    assert changed, "the counterfactual changes nothing"
    stray = [c for c in changed if not any(c[: len(n)] == n for n in named)]
    assert not stray, f"changes keys it does not name: {stray}"
    assert what_changes(base, sc).startswith(f"{sc.name} changes {len(changed)} key(s) of {base.name}: ")


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_counterfactual_changes_the_course_of_a_run(path: Path, baseline_run) -> None:
    cf = TradeBlocsModel(path, seed=7, collect="none").run()  # the seed of ``baseline_run``
    assert cf.events != baseline_run.events


def test_no_competitive_liberalization_leaves_fewer_us_deals() -> None:
    """The library's headline contrast: without bilateral talks, few US FTAs by 2016."""
    for seed in (1, 2):
        base = TradeBlocsModel("baseline_calibrated", seed=seed, collect="none").run()
        cf = TradeBlocsModel("cf_no_competitive_liberalization", seed=seed, collect="none").run()
        assert cf.us_ftas_in_force() < base.us_ftas_in_force()
