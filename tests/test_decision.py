"""Each utility term on hand-built cases: the theory behaves as the seeds describe."""

from __future__ import annotations

import bisect
import math

import numpy as np
import pytest
from hypothesis import assume, given
from hypothesis import strategies as st
from tradeblocs.sim import decision as d
from tradeblocs.sim import kernels


def test_more_us_dependence_raises_coercion_of_staying_out():
    low = d.coercion_us_deal(0.2, preferences_at_risk=0.5, neighbours_with_deals=0.5)
    high = d.coercion_us_deal(0.5, preferences_at_risk=0.5, neighbours_with_deals=0.5)
    assert high > low > 0


def test_neighbours_deals_and_expiring_preferences_raise_coercion():
    base = d.coercion_us_deal(0.3, 0.0, 0.0)
    assert d.coercion_us_deal(0.3, 0.0, 0.5) > base
    assert d.coercion_us_deal(0.3, 0.6, 0.0) > base


def test_more_us_dependence_raises_influence_through_the_lobby(baseline_run):
    state = next(s for s in baseline_run.states if s.iso3 == "PER")
    inst = baseline_run.insts["US_FTA"]
    before = state.terms_for(inst)
    saved = (state.share_us, state.lobby)
    state.share_us, state.lobby = saved[0] + 0.2, min(1.0, saved[1] + 0.3)
    after = state.terms_for(inst)
    state.share_us, state.lobby = saved
    assert after["influence"] > before["influence"]
    assert after["coercion"] > before["coercion"]


def test_lobby_pulls_toward_the_us_and_against_counter_hegemonic_blocs():
    assert d.influence(0.8, d.ORIENTATION["acquiescent"]) > 0
    assert d.influence(0.8, d.ORIENTATION["counter_hegemonic"]) < 0
    assert d.influence(0.0, d.ORIENTATION["counter_hegemonic"]) == 0


def _affinity(economic: float, contestation: float, political_model: str, economic_model: str) -> float:
    return d.ideology_affinity(
        economic, contestation, d.ORIENTATION[political_model], d.ECONOMIC_LEAN[economic_model], 0.3
    )


def test_contesting_left_government_scores_alba_above_a_us_fta_all_else_equal():
    w = d.Weights()
    economic, contestation = -0.8, 0.9
    common = {"econ": 0.1, "coercion": 0.0, "influence": 0.0, "peer": 0.2}
    alba = d.weigh(
        {
            **common,
            "ideology": _affinity(economic, contestation, "counter_hegemonic", "social"),
            "cost": d.sovereignty_cost(0.2, contestation),
        },
        w,
    )
    fta = d.weigh(
        {
            **common,
            "ideology": _affinity(economic, contestation, "acquiescent", "strategic"),
            "cost": d.sovereignty_cost(0.4, contestation),
        },
        w,
    )
    assert d.utility(alba) > d.utility(fta)


def test_right_government_prefers_the_acquiescent_model():
    assert _affinity(0.7, 0.0, "acquiescent", "strategic") > _affinity(
        0.7, 0.0, "counter_hegemonic", "social"
    )


def test_coercion_deters_joining_a_bloc_hostile_to_the_us():
    assert d.coercion_bloc(0.5, d.ORIENTATION["counter_hegemonic"]) < d.coercion_bloc(0.1, -1.0) < 0
    assert d.coercion_bloc(0.5, d.ORIENTATION["acquiescent"]) == 0


def test_sovereignty_cost_is_felt_more_by_governments_that_contest_the_us():
    assert d.sovereignty_cost(0.4, 0.9) > d.sovereignty_cost(0.4, 0.3) > d.sovereignty_cost(0.4, 0.0)


@given(st.floats(0, 2), st.floats(0, 20), st.floats(0, 1), st.floats(0, 1), st.floats(0, 1))
def test_exit_cost_is_the_fixed_price_plus_a_share_of_the_trade_at_stake(base, per_trade, a, b, content):
    low, high = sorted((a, b))
    assert d.exit_cost(base, per_trade, 0.0, content) == base
    assert d.exit_cost(base, 0.0, high, content) == base
    assert base <= d.exit_cost(base, per_trade, low, content) <= d.exit_cost(base, per_trade, high, content)


def test_exit_from_a_bloc_a_member_sells_much_to_costs_more():
    # a seventh of exports to partners in a bloc freeing half their trade, against a thirtieth
    assert d.exit_cost(1.0, 10.0, 0.15, 0.5) == pytest.approx(1.75)
    assert d.exit_cost(1.0, 10.0, 0.15, 0.5) > d.exit_cost(1.0, 10.0, 0.03, 0.5) > 1.0


def test_peer_pressure_is_the_share_of_peers_in():
    assert d.peer_pressure(0.0) == 0 and d.peer_pressure(0.75) == 0.75


def test_econ_gain_counts_market_and_aid():
    assert d.econ_gain(0.4, 0.5) == pytest.approx(0.2)
    assert d.econ_gain(0.0, 0.5, aid=0.3) == pytest.approx(0.3)


def test_weighted_terms_sum_to_utility_and_cost_is_negative():
    c = d.weigh({k: 1.0 for k in d.TERMS}, d.Weights(cost=2.0))
    assert c["cost"] == -2.0
    assert d.utility(c) == pytest.approx(3.0)


def test_logit_choice_stays_when_nothing_beats_inertia_and_picks_a_dominant_option():
    assert d.logit_choice([-5.0, -4.0], stay=1.0, temperature=0.1, u=0.999) == -1
    assert d.logit_choice([0.0, 9.0], stay=1.0, temperature=0.1, u=0.5) == 1


@given(
    st.lists(st.floats(-5, 5), min_size=1, max_size=6),
    st.floats(-3, 3),
    st.floats(0.05, 2.0),
    st.floats(0, 0.999999),
)
def test_logit_choice_returns_a_valid_index(utils, stay, temp, u):
    k = d.logit_choice(utils, stay, temp, u)
    assert -1 <= k < len(utils)


@given(
    st.lists(st.one_of(st.floats(-5, 5), st.just(-math.inf)), min_size=1, max_size=8),
    st.floats(-3, 3),
    st.floats(0.05, 2.0),
    st.floats(0, 0.999999),
)
def test_the_models_logit_for_all_states_at_once_picks_what_logit_choice_picks(utils, stay, temp, u):
    """kernels.cumulative_logit (every state's probabilities at once, -inf where no move is
    open), read as the model reads it, picks the option logit_choice picks among the open ones,
    or stays put when it does."""
    open_ = [i for i, x in enumerate(utils) if x > -math.inf]
    assume(open_)
    acc = kernels.cumulative_logit(np.array([utils]), stay, temp)[0].tolist()
    pick = bisect.bisect_right(acc, u)
    col = -1 if pick == 0 else (pick - 1 if pick < len(acc) else open_[-1])
    expected = d.logit_choice([utils[i] for i in open_], stay, temp, u)
    assert col == (-1 if expected == -1 else open_[expected])


@given(st.floats(0, 1), st.sampled_from([1, 2, 4, 12]))
def test_per_step_probability_compounds_to_the_yearly_one(p, spy):
    q = d.per_step(p, spy)
    assert 0 <= q <= 1
    assert 1 - (1 - q) ** spy == pytest.approx(p, abs=1e-9)
    assert math.isfinite(q)
