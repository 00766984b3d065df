"""The rules applied to whole arrays (sim/kernels.py, sim/moves.py) against the rules one by one."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from tradeblocs.sim import TradeBlocsModel, kernels
from tradeblocs.sim import decision as d
from tradeblocs.sim import moves as mv
from tradeblocs.sim.institutions import CODE, IS_ACTIVE, IS_US_TALKS, IS_US_TEXT
from tradeblocs.sim.us_deal import is_us_deal


@pytest.fixture(scope="module")
def model() -> TradeBlocsModel:
    return TradeBlocsModel("baseline_calibrated", seed=4, collect="none").run(24)


def _aggregates(economic: list[float], contestation: list[float], member: int) -> np.ndarray:
    """kernels.aggregates for one bloc with one member among three states: the peers table."""
    n = len(economic)
    status = np.zeros((n, 1), dtype=np.int8)
    status[member, 0] = CODE["member"]
    scope = np.ones((n, 1))
    peers, *_ = kernels.aggregates(
        status, IS_US_TALKS, IS_ACTIVE, IS_US_TEXT,
        np.array([False]), np.array([False]), np.array([True]),
        scope, np.maximum(scope.sum(axis=0) - scope, 1.0), np.array(economic), np.array(contestation),
        np.zeros((n, n)), np.array([True]), np.array([-1.0]), 0.5, np.ones(n), np.zeros((n, n)), np.ones(n),
        np.ones(1),
    )  # fmt: skip
    return peers


def test_like_minded_members_weigh_more_as_peers_than_opposites():
    """State 0 sees the same member as a peer more, the closer their governments stand."""
    close = _aggregates([0.5, 0.5, 0.0], [0.2, 0.2, 0.5], member=1)[0, 0]
    far = _aggregates([0.5, -1.0, 0.0], [0.2, 1.0, 0.5], member=1)[0, 0]
    assert close > far > 0.0


def test_the_values_of_membership_are_the_rules_of_decision_cell_by_cell(model):
    """For every state and institution, the kernel's raw terms are decision.py's functions."""
    value, contrib = model.values()
    for s in model.states:
        deals = {iid for iid, inst in model.insts.items() if is_us_deal(inst.kind, inst.includes_us)}
        in_force = {iid for iid, st in s.status.items() if st == "in_force" and iid in deals}
        for iid, inst in model.insts.items():
            raw = model.raw_terms(s, iid)
            i, j = s.index, model.cols.col[iid]
            o = model.character(s, inst)
            bound = iid in deals and bool(in_force - {iid})
            pull = d.influence(d.new_us_access(s.lobby, bound), o)
            if not inst.includes_us:  # the lobby of the members' market
                pull += d.bloc_lobby(
                    model._market[i, j],
                    model.exports_gdp[i],
                    model.state_exports[i],
                    model.free_zone[i],
                    model.p.lobby_scale,
                    model.cols.catalogue.trade_content[j],
                )
            assert raw["influence"] == pytest.approx(pull)
            assert raw["peer"] == pytest.approx(model.peers_in(s.iso3, iid))
            depth = inst.spec.depth + (model.us_demand if inst.kind == "us_agreement" else 0.0)
            assert raw["cost"] == pytest.approx(d.sovereignty_cost(depth, s.contestation, o))
            weighted = d.weigh(raw, model.weights)
            assert value[i, j] == pytest.approx(d.utility(weighted))
            assert [contrib[n, i, j] for n in range(6)] == pytest.approx(list(weighted.values()))


def _one_state_options(status_code: int, value: float, held_exclusive: bool, can_sign: bool = True):
    """kernels.options for one state and two institutions: a US agreement (column 0) and a bloc
    exclusive with it (column 1), the state in ``status_code`` in column 0."""
    status = np.array([[status_code, CODE["member"] if held_exclusive else 0]], dtype=np.int8)
    tables = mv.move_table(
        np.array([True, False]), np.array([False, False]), np.array([False, False]), np.array([False, False]),
        np.array([True, False]), np.array([False, False]), can_sign,
    )  # fmt: skip
    return kernels.options(
        status, *tables, np.ones((1, 2), dtype=bool), np.ones((1, 2), dtype=bool), np.array([[value, 2.0]]),
        np.array([1], dtype=np.int64), np.array([0], dtype=np.int64), np.full((1, 2), 0.5),
        *mv.COEFFICIENTS, 1.0, 0.2,
    )  # fmt: skip


def test_joining_costs_the_value_of_what_it_is_exclusive_with_and_the_exit():
    _, _, free, *_ = _one_state_options(0, value=3.0, held_exclusive=False)
    _, _, bound, *_ = _one_state_options(0, value=3.0, held_exclusive=True)
    assert free[0, 0] == pytest.approx(3.0)
    assert bound[0, 0] == pytest.approx(3.0 - (2.0 + 0.5))


def test_leaving_costs_minus_the_value_of_staying_and_the_exit_cost():
    first, _, utils, *_ = _one_state_options(CODE["requested"], value=1.5, held_exclusive=False)
    assert mv.MOVES[first[0, 0]][0] == "withdrew"
    assert utils[0, 0] == pytest.approx(-1.5 - 0.5)
    assert d.MOVE_VALUE["left"] == (-1.0, 0.0, 1.0, 0.0)


def test_a_blocs_exit_cost_grows_with_the_exports_its_members_buy_and_nothing_else_does():
    market = np.array([[0.15, 0.15, 0.15], [0.03, 0.03, 0.03]])
    cost = kernels.exit_costs(market, np.array([0.5, 0.5, 0.0]), np.array([True, False, True]), 1.0, 10.0)
    assert cost[0, 0] == pytest.approx(1.0 + 10.0 * 0.15 * 0.5)
    assert cost[0, 0] > cost[1, 0] > 1.0  # the bigger seller to its partners pays more to leave
    assert (cost[:, 1] == 1.0).all()  # not a bloc (a US deal): the fixed price
    assert (cost[:, 2] == 1.0).all()  # a bloc that frees no trade (a forum): the fixed price


def test_only_concluded_talks_can_be_signed_and_only_while_the_us_can_sign():
    for code, can_sign, signs in [
        (CODE["negotiating"], True, False),
        (CODE["concluded"], True, True),
        (CODE["concluded"], False, False),
    ]:
        _, second, *_ = _one_state_options(code, value=1.0, held_exclusive=False, can_sign=can_sign)
        assert (second[0, 0] == mv.MOVE["signed"]) == signs


def test_a_sanctioned_member_has_no_move_and_a_preference_cannot_be_asked_for():
    first, second = mv.move_table(
        np.array([False]), np.array([False]), np.array([True]), np.array([False]),
        np.array([True]), np.array([True]), True,
    )  # fmt: skip
    assert first[0, 0] == mv.NONE  # not in a preference programme: nothing to ask
    assert first[CODE["member"], 0] == mv.MOVE["left"]
    assert first[CODE["sanctioned"], 0] == mv.NONE and second[CODE["sanctioned"], 0] == mv.NONE


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sampled_from(list(CODE.values())), min_size=4, max_size=4))
def test_every_open_move_has_a_finite_utility_and_every_closed_one_none(codes):
    status = np.array([codes[:2], codes[2:]], dtype=np.int8)
    tables = mv.move_table(
        np.array([True, False]), np.array([False, False]), np.array([False, False]), np.array([False, True]),
        np.array([True, True]), np.array([True, False]), True,
    )  # fmt: skip
    first, second, utils, cumulative, last, has = kernels.options(
        status, *tables, np.ones((2, 2), dtype=bool), np.ones((2, 2), dtype=bool), np.ones((2, 2)),
        np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), np.full((2, 2), 0.5),
        *mv.COEFFICIENTS, 1.0, 0.2,
    )  # fmt: skip
    moves = np.stack([first, second], axis=2).reshape(2, -1)
    assert (np.isfinite(utils) == (moves != mv.NONE)).all()
    assert (has == (moves != mv.NONE).any(axis=1)).all()
    assert np.allclose(cumulative[:, -1], 1.0) and (np.diff(cumulative, axis=1) >= -1e-15).all()


def test_each_signature_raises_the_us_demands_on_the_next_at_once():
    """A US deal signed in the quarter raises the sovereignty cost of the next US agreement for
    the governments that have not chosen yet (the US's terms, not another government's)."""
    m = TradeBlocsModel("baseline_calibrated", seed=2, collect="none")
    scope = m.insts["US_FTA"].scope
    signer, other = [s for s in m.states if s.iso3 in scope and "US_FTA" not in s.status][:2]
    before, _ = m.value_of(other, "US_FTA")
    m.set_status(signer, "US_FTA", "concluded", log=False)
    m.record_choice(signer, "signed", "US_FTA", 0.0, dict.fromkeys(d.TERMS, 0.0))
    after, _ = m.value_of(other, "US_FTA")
    assert after < before


# --- what the model keeps between calls goes stale with nothing ----------------------------------


def test_reading_values_between_steps_does_not_change_the_run():
    """An inspector reading a value between steps (which fills the model's caches early, before
    the next quarter's refresh) leaves the run exactly as it was."""
    plain = TradeBlocsModel("baseline_calibrated", seed=3, collect="none").run()
    peeked = TradeBlocsModel("baseline_calibrated", seed=3, collect="none")
    while peeked.running:
        peeked.step()
        peeked.value_of(peeked.states[0], "ALBA")
    assert plain.events == peeked.events


def test_a_government_stepped_by_hand_weighs_its_statuses_as_they_stand(model):
    """After its status is changed from outside, a state's own step does not act on the
    options it had before (it cannot leave a bloc it is no longer in)."""
    m = TradeBlocsModel("baseline_calibrated", seed=6, collect="none").run(8)
    s = next(s for s in m.states if s.status.get("MERCOSUR") == "member")
    m._prepare_choices()
    before = {o[:2] for o in m.state_options(s)}
    m.set_status(s, "MERCOSUR", None, action="left", log=False)
    weighed = []
    prepare = m._prepare_choices
    m._prepare_choices = lambda: (weighed.append(True), prepare())
    s.step()
    assert weighed  # its options weighed anew, not the quarter's
    assert ("left", "MERCOSUR") in before and ("left", "MERCOSUR") not in {o[:2] for o in m.state_options(s)}


def test_a_scenarios_structure_is_read_only_once_loaded():
    """Runs of one scenario share what its structure fixes (sim/fixed.py), so it cannot be
    edited in place under them: a changed scenario is derived with overrides."""
    from pydantic import ValidationError
    from tradeblocs.sim import load_scenario

    sc = load_scenario("baseline_calibrated")
    with pytest.raises(ValidationError):
        sc.us_policy.competitive_liberalization = []


def test_setting_the_step_moves_what_depends_on_time(model):
    m = TradeBlocsModel("baseline_calibrated", seed=2, collect="none")
    holder = next(s for s in m.states if s.status.get("ATPDEA") == "member")
    m.steps_done = m.calendar.step_of("2003Q1")
    early = m.raw_terms(holder, "US_FTA")["coercion"]
    m.steps_done = m.calendar.step_of("2006Q2")  # the programme's expiry is near
    assert m.raw_terms(holder, "US_FTA")["coercion"] > early
