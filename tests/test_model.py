"""The model as a Mesa model: reproducible, drivable by mesa.batch_run, and keeping its invariants."""

from __future__ import annotations

import subprocess
import sys

import mesa
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim.output import events_frame, spells_frame


def test_same_scenario_and_seed_give_identical_events_and_spells(baseline):
    a = TradeBlocsModel(baseline, seed=11, collect="none").run()
    b = TradeBlocsModel(baseline, seed=11, collect="none").run()
    assert events_frame(a).to_csv() == events_frame(b).to_csv()
    assert spells_frame(a).to_csv() == spells_frame(b).to_csv()
    c = TradeBlocsModel(baseline, seed=12, collect="none").run()
    assert events_frame(a).to_csv() != events_frame(c).to_csv()


def test_identical_across_processes(baseline):
    code = (
        "from tradeblocs.sim import TradeBlocsModel; from tradeblocs.sim.output import events_frame;"
        "import hashlib;m=TradeBlocsModel(seed=11, collect='none').run();"
        "print(hashlib.sha256(events_frame(m).to_csv().encode()).hexdigest())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    import hashlib

    here = TradeBlocsModel(baseline, seed=11, collect="none").run()
    assert out.stdout.strip() == hashlib.sha256(events_frame(here).to_csv().encode()).hexdigest()


def test_constructor_takes_seed_or_rng_like_mesa():
    m = TradeBlocsModel(rng=5, collect="none")
    assert isinstance(m, mesa.Model) and m.steps_done == 0
    m.step()
    assert m.date == "2003Q2"


def test_mesa_batch_run_drives_the_model_unmodified():
    results = mesa.batch_run(
        TradeBlocsModel,
        parameters={"w_influence": [0.5, 2.0], "collect": "model", "seed": [1]},
        iterations=1,
        max_steps=60,
        number_processes=1,
        data_collection_period=-1,
        display_progress=False,
    )
    df = pd.DataFrame(results)
    assert len(df) == 2
    assert set(df["w_influence"]) == {0.5, 2.0}
    assert df["us_ftas_in_force"].between(0, 19).all()


def test_a_deal_in_force_raises_the_us_share_and_the_lobby(baseline):
    m = TradeBlocsModel(baseline, seed=3, collect="none")
    per = m.by_iso["PER"]
    m.set_status(per, "US_FTA", "signed", forced=True)
    m.set_status(per, "US_FTA", "in_force", forced=True)
    share0, lobby0 = per.share_us, per.lobby
    other = TradeBlocsModel(baseline, seed=3, collect="none").by_iso["PER"]
    for _ in range(8):
        m._dynamics(m.steps_done)
        m.steps_done += 1
    assert per.share_us > share0
    assert per.lobby > lobby0 or per.lobby == 1.0
    assert other.share_us == share0


def test_signing_a_us_fta_takes_a_customs_union_member_out(baseline):
    m = TradeBlocsModel(baseline, seed=3, collect="none")
    ury = m.by_iso["URY"]
    assert ury.status["MERCOSUR"] == "member"
    m.set_status(ury, "US_FTA", "negotiating")
    m.record_choice(
        ury,
        "signed",
        "US_FTA",
        1.0,
        {k: 0.0 for k in ("econ", "coercion", "influence", "ideology", "peer", "cost")},
    )
    assert "MERCOSUR" not in ury.status and ury.status["US_FTA"] == "signed"


def test_requesting_a_us_fta_costs_a_mercosur_member_its_membership_value(baseline):
    m = TradeBlocsModel(baseline, seed=3, collect="none")
    ury = m.by_iso["URY"]
    assert m.conflict_cost(ury, "US_FTA") >= m.p.exit_cost
    assert m.conflict_cost(m.by_iso["PER"], "US_FTA") == 0


def test_neighbours_us_talks_make_the_andean_bloc_less_attractive_to_a_radical_left_member(
    baseline,
):
    """The link the seed draws: Colombia's and Peru's concluded US deals pushed Venezuela out of the CAN."""
    m = TradeBlocsModel(baseline, seed=3, collect="none")
    ven, can = m.by_iso["VEN"], m.insts["CAN"]
    before, _ = ven.value_of(can)
    for c in ("COL", "PER", "ECU"):
        m.set_status(m.by_iso[c], "US_FTA", "concluded")
    m._refresh()
    after, _ = ven.value_of(can)
    assert after < before


def _signed_first(m: TradeBlocsModel, iso3: str, iid: str) -> bool:
    """A ratified or in-force agreement was signed in the run, or held from the start."""
    held = any(
        i.country == iso3 and i.institution == iid and i.status in ("signed", "ratified", "in_force")
        for i in m.scenario.initial
    )
    signed = any(
        sp["country"] == iso3 and sp["institution"] == iid and sp["status"] == "signed" for sp in m.spells
    )
    return held or signed


def _check_invariants(m: TradeBlocsModel) -> None:
    for s in m.states:
        assert 0 <= s.share_us <= 1 and 0 <= s.share_china <= 1 and 0 <= s.share_region <= 1
        assert s.share_us + s.share_china + s.share_region <= 1 + 1e-9
        assert 0 <= s.lobby <= 1 and -1 <= s.ideology <= 1
        for iid, st_ in s.status.items():
            assert s.iso3 in m.insts[iid].scope, f"{s.iso3} in {iid} outside its scope"
            if st_ in ("ratified", "in_force"):
                assert _signed_first(m, s.iso3, iid), f"{s.iso3}/{iid} {st_} without signature"
    for sp in m.spells:
        assert sp["country"] in m.insts[sp["institution"]].scope


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    seed=st.integers(0, 10_000),
    w=st.fixed_dictionaries(
        {
            "w_coercion": st.floats(0, 4),
            "w_influence": st.floats(0, 4),
            "w_ideology": st.floats(0, 4),
            "w_peer": st.floats(0, 4),
            "w_cost": st.floats(0, 4),
            "temperature": st.floats(0.05, 1.0),
            "inertia": st.floats(0, 3),
        }
    ),
    cl=st.booleans(),
)
def test_invariants_hold_for_any_weights(baseline, seed, w, cl):
    m = TradeBlocsModel(baseline, seed=seed, collect="none", competitive_liberalization=cl, **w)
    while m.running:
        m.step()
        _check_invariants(m)


def test_a_finished_model_is_freed(baseline):
    """Sweeps and calibration run thousands of models in one process: none may stay alive."""
    import gc
    import weakref

    ref = weakref.ref(TradeBlocsModel(baseline, seed=1, collect="none").run())
    gc.collect()
    assert ref() is None
