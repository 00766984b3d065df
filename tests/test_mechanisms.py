"""One test (or a few) per mechanism of the paths issue, each failing when its mechanism is off.

Pure functions are checked on hand-built numbers; the model-level checks put a state of the
uncalibrated baseline in a chosen situation and read what the rules make of it. Every check is
about a mechanism, not about a named country: the states are picked by what the data say of
them (an oil exporter, a free-zone assembler, ...).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from tradeblocs.sim import TradeBlocsModel
from tradeblocs.sim import decision as d

BASE = "baseline_2003_2016"


@pytest.fixture()
def model() -> TradeBlocsModel:
    return TradeBlocsModel(BASE, seed=3, collect="none")


def _state(m: TradeBlocsModel, **where):
    """The first state whose attributes match ``where`` (callables are predicates)."""
    for s in m.states:
        if all(v(getattr(s, k)) if callable(v) else getattr(s, k) == v for k, v in where.items()):
            return s
    raise LookupError(where)


# --- ideology in two dimensions -------------------------------------------------------------


def test_moderate_left_trades_with_the_us_where_the_contestatory_left_does_not():
    fta, alba = d.ORIENTATION["acquiescent"], d.ORIENTATION["counter_hegemonic"]
    lean_fta, lean_alba = d.ECONOMIC_LEAN["strategic"], d.ECONOMIC_LEAN["social"]
    moderate = dict(economic=-0.4, contestation=0.15, economic_share=0.3)
    contesting = dict(economic=-0.4, contestation=0.9, economic_share=0.3)
    assert d.ideology_affinity(orientation=fta, economic_lean=lean_fta, **moderate) > 0
    assert d.ideology_affinity(orientation=fta, economic_lean=lean_fta, **contesting) < 0
    assert d.ideology_affinity(orientation=alba, economic_lean=lean_alba, **contesting) > d.ideology_affinity(
        orientation=alba, economic_lean=lean_alba, **moderate
    )


def test_contestation_raises_the_cost_of_commitments_toward_the_us_not_against_it():
    us, against = d.ORIENTATION["acquiescent"], d.ORIENTATION["counter_hegemonic"]
    costs = [d.sovereignty_cost(0.4, c, us) for c in (0.9, 0.1, 0.0)]
    assert costs[0] > costs[1] > costs[2]
    assert d.sovereignty_cost(0.4, 0.9, against) == d.sovereignty_cost(0.4, 0.0, against) == 0.4


def test_the_model_reads_both_axes_from_the_leaders_table(model):
    values = {(round(s.economic, 2), round(s.contestation, 2)) for s in model.states}
    assert len(values) > 5
    moderate = _state(model, economic=lambda e: e < 0, contestation=lambda c: c < 0.3)
    inst = next(i for i in model.insts.values() if i.kind == "us_agreement" and moderate.iso3 in i.scope)
    before = moderate.terms_for(inst)["ideology"]
    moderate.contestation = 0.95
    assert moderate.terms_for(inst)["ideology"] < before


@given(st.floats(-1, 1), st.floats(0, 1), st.floats(-1, 1), st.floats(0, 1))
def test_political_distance_is_a_bounded_metric(e1, c1, e2, c2):
    dist = d.political_distance(e1, c1, e2, c2)
    assert 0.0 <= dist <= 1.0
    assert dist == pytest.approx(d.political_distance(e2, c2, e1, c1))
    assert d.political_distance(e1, c1, e1, c1) == 0.0


# --- negotiation stages ---------------------------------------------------------------------


def test_talks_conclude_before_they_can_be_signed(model):
    model.p.conclusion_rate = 1.0
    model.p.min_negotiation_years = 0.5
    s = _state(model, iso3=lambda c: c in model.insts["US_FTA"].scope, status=lambda x: not x)
    model.set_status(s, "US_FTA", "negotiating", action="initial", log=False)
    model._refresh()
    assert not any(o[0] == "signed" for o in s.options())
    s.contestation = 0.0  # a willing partner
    for _ in range(4):
        model.us.step()
        model.steps_done += 1
    assert s.status["US_FTA"] == "concluded"
    model._refresh()
    assert any(o[0] == "signed" for o in s.options()) == model.can_sign()


def test_talks_under_way_at_the_start_begin_where_they_stood(model):
    started = [i for i in model.scenario.initial if i.status == "concluded"]
    assert started, "the baseline starts a state whose talks had concluded"
    for i in started:
        assert model.by_iso[i.country].status[i.institution] == "concluded"


def test_walking_away_is_the_governments_choice_at_every_stage_before_signature(model):
    s = _state(model, iso3=lambda c: c in model.insts["US_FTA"].scope)
    for stage in ("requested", "negotiating", "concluded"):
        model.set_status(s, "US_FTA", stage, action="initial", log=False)
        model._refresh()
        assert any(o[0] in ("withdrew", "suspended_talks") and o[1] == "US_FTA" for o in s.options())


# --- the US Congress, partner by partner ------------------------------------------------------


def test_the_template_holds_back_partners_with_labour_or_tax_concerns():
    assert d.congress_hazard(0.8, strictness=0.0, concern=1.0) == 0.8
    assert d.congress_hazard(0.8, strictness=2.0, concern=1.0) < d.congress_hazard(0.8, 2.0, 0.1)


def test_congress_conditions_follow_the_house_majority_and_the_partner_record(model):
    cal = model.calendar
    model.steps_done = cal.step_of("2008Q1")  # a majority that applies the template
    concern = {s.iso3: model.tables.concern(s.iso3, 2008) for s in model.states}
    worst = max(concern, key=concern.get)
    best = min(concern, key=concern.get)
    assert concern[worst] > concern[best]
    assert model.congress_hazard(model.by_iso[worst]) < model.congress_hazard(model.by_iso[best])
    model.steps_done = cal.step_of("2004Q1")  # one that does not
    assert model.congress_hazard(model.by_iso[worst]) == model.congress_hazard(model.by_iso[best])


def test_deals_before_congress_pass_together_in_one_vote(model):
    """One draw per quarter: partners facing the same hazard are approved in the same step."""
    scope = model.insts["US_FTA"].scope
    partners = [s for s in model.states if s.iso3 in scope and "US_FTA" not in s.status][:3]
    assert len(partners) == 3
    model.steps_done = model.calendar.step_of("2004Q1")
    for s in partners:
        model.set_status(s, "US_FTA", "signed", action="initial", log=False)
        s.contestation = 0.0
    steps = {}
    for _ in range(40):
        model.us.step()
        for s in partners:
            if (s.iso3, "US_FTA") in model.us_approved:
                steps.setdefault(s.iso3, model.us_approved[(s.iso3, "US_FTA")])
        model.steps_done += 1
        if len(steps) == len(partners):
            break
    assert len(steps) == len(partners) and len(set(steps.values())) == 1


def test_a_party_signing_after_congress_passed_a_plurilateral_text_needs_no_new_vote(model):
    """Congress passes one implementing act for a plurilateral text; a party that signs after
    the vote is covered by it. A bilateral deal still waits for a vote of its own."""
    from tradeblocs.sim import us_policy

    assert us_policy.covered_by_act(plurilateral=True, act_passed=True)
    assert not us_policy.covered_by_act(True, False) and not us_policy.covered_by_act(False, True)
    iid = next(
        i for i, inst in model.insts.items() if inst.spec.plurilateral and inst.spec.conclusion is None
    )
    first, late = [s for s in model.states if s.iso3 in model.insts[iid].scope][:2]
    alone = _requesters(model, "US_FTA", 1)[0]
    for s in model.states:
        if s.status.get(iid):
            model.set_status(s, iid, None, action="initial", log=False)
    model.steps_done = model.calendar.step_of("2005Q1")  # an odd year: Congress sits
    model.set_status(first, iid, "signed", action="initial", log=False)
    for s in (first, late):
        s.contestation = 0.0
    model.congress_hazard = lambda state: 1.0  # this quarter's vote passes
    model.us.step()
    assert (first.iso3, iid) in model.us_approved
    model.congress_hazard = lambda state: 0.0  # no vote passes any more
    model.steps_done += 1
    model.set_status(late, iid, "signed", action="initial", log=False)
    model.set_status(alone, "US_FTA", "signed", action="initial", log=False)
    model.us.step()
    assert (late.iso3, iid) in model.us_approved
    assert (alone.iso3, "US_FTA") not in model.us_approved
    assert model.events[-1]["note"] == "under the act already passed"


def test_a_deal_signed_before_the_template_waits_for_its_amendment():
    from tradeblocs.sim import us_policy

    # template from step 16; the partner's legislature takes two quarters (0.5 y)
    assert not us_policy.amended_to_template(10, 16, 17, 4, 0.5)
    assert us_policy.amended_to_template(10, 16, 18, 4, 0.5)
    assert us_policy.amended_to_template(17, 16, 17, 4, 0.5)  # signed under the template
    assert us_policy.amended_to_template(10, None, 11, 4, 0.5)  # no template applies


def test_in_the_model_congress_votes_on_an_old_deal_only_once_amended(model):
    """A deal signed under a Congress without the template, voted on under one that applies
    it: no approval before the partner's legislature has had time for the amendment."""
    pol, cal = model.policy, model.calendar
    start = next(k for k, since in enumerate(pol.template_since) if since is not None)
    s = _requesters(model, "US_FTA", 1)[0]
    model.steps_done = start - 2
    model.set_status(s, "US_FTA", "signed", action="initial", log=False)
    model.steps_done = start
    model.p.template_strictness = 0.0
    model.p.min_ratification_years = 1.0
    for _ in range(cal.steps_per_year):
        model.us.step()
        assert (s.iso3, "US_FTA") not in model.us_approved
        model.steps_done += 1
    passed = False
    for _ in range(20):
        model.us.step()
        passed = passed or (s.iso3, "US_FTA") in model.us_approved
        model.steps_done += 1
    assert passed


# --- Hirschman's terms as he meant them --------------------------------------------------------


def test_free_zone_assembly_and_state_exporters_are_no_domestic_lobby():
    full = d.lobby_stake(0.5, 0.4, state_share=0.0, free_zone_share=0.0, scale=5.0)
    assert d.lobby_stake(0.5, 0.4, 0.0, free_zone_share=0.6, scale=5.0) < full
    assert d.lobby_stake(0.5, 0.4, state_share=0.8, free_zone_share=0.0, scale=5.0) < full


def test_the_model_discounts_a_free_zone_lobby(model):
    s = _state(model, free_zone=lambda f: f > 0.2)
    before = model._lobby_target()[s.index]
    s.free_zone = 0.0
    assert model._lobby_target()[s.index] > before


def test_coercion_bites_only_where_the_us_can_withdraw_access():
    assert d.access_at_risk(deal_in_force=True, preferences=True, mfn_risk=0.3) == 0.0
    assert d.access_at_risk(False, True, 0.3) == 1.0
    assert d.coercion_bloc(0.6, d.ORIENTATION["counter_hegemonic"], at_risk=0.0) == 0.0
    assert d.coercion_bloc(0.6, d.ORIENTATION["counter_hegemonic"], at_risk=1.0) < 0.0


def test_unilateral_preferences_express_no_alignment():
    assert d.alignment_expressed(unilateral_preference=True) == 0.0
    assert d.alignment_expressed(unilateral_preference=False) == 1.0


def test_in_the_model_a_contesting_government_weighs_preferences_by_trade_alone(model):
    """Holding ATPDEA-style preferences is worth the trade they carry, whoever governs: the
    contesting government that dislikes a US agreement has no ideological quarrel with them."""
    prefs = [i for i, inst in model.insts.items() if model.cols.is_["preference"][model.cols.col[i]]]
    assert prefs, "the baseline has a preference programme"
    pref = model.insts[prefs[0]]
    holder = model.by_iso[sorted(pref.members)[0]]
    holder.economic, holder.contestation = -0.9, 0.9
    deals = [i for i, inst in model.insts.items() if inst.kind == "us_agreement"]
    deal = next(i for i in deals if holder.iso3 in model.insts[i].scope)
    assert holder.terms_for(pref)["ideology"] == 0.0
    assert holder.terms_for(model.insts[deal])["ideology"] < 0.0


def test_a_deal_in_force_removes_the_coercion_of_joining_a_counter_hegemonic_bloc(model):
    alba = model.insts["ALBA"]
    s = _state(model, status=lambda x: any(v == "in_force" for v in x.values()))
    assert s.terms_for(alba)["coercion"] == 0.0
    other = _state(model, status=lambda x: "ATPDEA" in x)
    assert other.terms_for(alba)["coercion"] < 0.0


def test_a_us_deal_adds_no_us_access_to_a_state_whose_access_is_bound():
    assert d.new_us_access(0.8, bound_elsewhere=True) == 0.0
    assert d.new_us_access(0.8, bound_elsewhere=False) == 0.8


def test_in_the_model_a_second_us_deal_brings_neither_market_nor_lobby(model):
    bound = _state(model, status=lambda x: any(v == "in_force" for v in x.values()))
    tpp = next(i for i in model.insts.values()
               if i.spec.includes_us and i.spec.plurilateral and bound.iso3 in i.spec.scope)  # fmt: skip
    free = _state(model, iso3=lambda c: c in tpp.spec.scope,
                  status=lambda x: not any(v == "in_force" for v in x.values()))  # fmt: skip
    assert bound.terms_for(tpp)["econ"] == 0.0 and bound.terms_for(tpp)["influence"] == 0.0
    assert free.terms_for(tpp)["econ"] > 0.0 and free.terms_for(tpp)["influence"] > 0.0
    # the deal that binds its access keeps its worth
    own = next(model.insts[i] for i, v in bound.status.items() if v == "in_force")
    assert own.spec.includes_us and bound.terms_for(own)["econ"] > 0.0


def test_oil_aid_follows_the_oil_import_bill():
    assert d.oil_bill(-2000, 60.0, 300.0) == 0.0  # an exporter has no bill
    small, large = d.oil_bill(20, 60.0, 10.0), d.oil_bill(60, 60.0, 10.0)
    assert large > small > 0
    assert d.oil_bill(20, 100.0, 10.0) > small  # the bill grows with the price
    assert d.sponsor_aid(1.0, large, 0.05) > d.sponsor_aid(1.0, small, 0.05)


def test_in_the_model_an_oil_importer_gets_aid_and_an_exporter_none(model):
    alba = model.insts["ALBA"]
    sponsor = model.by_iso[alba.spec.sponsor]
    model.set_status(sponsor, "ALBA", "member", action="initial", log=False)
    model._refresh()
    importer = _state(model, oil_imports_kbd=lambda k: k > 20, iso3=lambda c: c != sponsor.iso3)
    exporter = _state(model, oil_imports_kbd=lambda k: k < -100, iso3=lambda c: c != sponsor.iso3)
    assert importer.terms_for(alba)["econ"] > exporter.terms_for(alba)["econ"]


# --- exits and accession ---------------------------------------------------------------------


def test_partners_us_deals_change_what_a_bloc_is():
    o = d.ORIENTATION["autonomist"]
    assert d.bloc_character(o, 0.0, drift=0.8, trade_content=1.0) == o
    assert d.bloc_character(o, 0.5, drift=0.8, trade_content=1.0) > o
    assert d.bloc_character(o, 1.0, drift=1.0, trade_content=1.0) == pytest.approx(1.0)
    # half the partners with US deals can be enough: never beyond siding with the hegemon
    assert d.bloc_character(o, 0.5, drift=4.0, trade_content=0.5) == pytest.approx(1.0)


def test_partners_us_deals_matter_as_far_as_the_bloc_frees_trade():
    """Through a free-trade area the partners' US deals reach every member; an aid pact that
    frees no trade keeps its character whatever its members sign."""
    o = d.ORIENTATION["counter_hegemonic"]
    assert d.bloc_character(o, 0.5, drift=2.0, trade_content=0.0) == o
    assert d.bloc_character(o, 0.5, drift=2.0, trade_content=0.6) > d.bloc_character(
        o, 0.5, drift=2.0, trade_content=0.1
    )


@given(
    o=st.sampled_from(sorted(d.ORIENTATION.values())),
    share=st.floats(0.0, 1.0),
    drift=st.floats(0.0, 6.0),
    content=st.floats(0.0, 1.0),
)
def test_a_blocs_character_stays_between_its_model_and_the_hegemons(o, share, drift, content):
    assert o <= d.bloc_character(o, share, drift, content) <= 1.0


def test_private_exporters_to_a_blocs_members_pull_toward_it():
    """Hirschman's influence effect for a regional market: private domestic exporters to the
    members are a lobby for the bloc; state exporters and free-zone assembly are none; a forum
    that frees no trade gives them no stake."""
    private = d.bloc_lobby(0.3, 0.3, 0.0, 0.0, 5.0, 0.5)
    assert private > 0
    assert d.bloc_lobby(0.3, 0.3, 1.0, 0.0, 5.0, 0.5) == 0.0
    assert d.bloc_lobby(0.3, 0.3, 0.0, 1.0, 5.0, 0.5) == 0.0
    assert d.bloc_lobby(0.3, 0.3, 0.0, 0.0, 5.0, 0.0) == 0.0
    assert d.bloc_lobby(0.1, 0.3, 0.0, 0.0, 5.0, 0.5) < private


def test_in_the_model_a_blocs_market_lobby_pulls_toward_the_bloc(model):
    """The same state values a bloc whose members buy its exports more when those exporters
    are private firms than when the state exports itself."""
    model._refresh()
    content = model.cols.catalogue.trade_content
    bloc = max(
        (i for i in model.insts.values() if i.kind == "bloc" and i.members),
        key=lambda i: content[model.cols.col[i.id]],
    )
    member = max(
        (model.by_iso[c] for c in bloc.scope),
        key=lambda s: model._market[s.index, model.cols.col[bloc.id]],
    )
    i = member.index
    model.state_exports[i], model.free_zone[i] = 0.0, 0.0
    model._refresh()
    private = model.raw_terms(member, bloc.id)["influence"]
    model.state_exports[i] = 1.0
    model._refresh()
    state_run = model.raw_terms(member, bloc.id)["influence"]
    assert private > state_run


def test_a_contesting_member_values_its_bloc_less_once_its_partners_conclude_us_deals(model):
    can = model.insts["CAN"]
    members = [model.by_iso[c] for c in sorted(can.members)]
    contester = max(members, key=lambda s: s.contestation)
    model._refresh()
    before, _ = contester.value_of(can)
    for s in members:
        if s is not contester:
            model.set_status(s, "US_FTA", "concluded", action="initial", log=False)
    model._refresh()
    after, _ = contester.value_of(can)
    assert after < before
    leave = next(o for o in contester.options() if o[0] == "left" and o[1] == "CAN")
    assert leave[2] == pytest.approx(-after - model.exit_cost(contester, "CAN"))


def test_leaving_a_bloc_costs_more_the_more_a_member_sells_to_the_other_members(model):
    """Exit is dear in proportion to the trade at stake: of the CAN's members, the one that
    sells the largest share of its exports to the others pays the most to leave, by
    ``exit_trade`` times that share times the trade the CAN frees."""
    can = model.insts["CAN"]
    j = model.cols.col["CAN"]
    model._refresh()
    members = sorted((model.by_iso[c] for c in can.members), key=lambda s: model._market[s.index, j])
    low, high = members[0], members[-1]
    assert model._market[high.index, j] > model._market[low.index, j]
    assert model.exit_cost(high, "CAN") > model.exit_cost(low, "CAN") > model.p.exit_cost
    extra = model.exit_cost(high, "CAN") - model.p.exit_cost
    content = model.cols.catalogue.trade_content[j]
    assert extra == pytest.approx(model.p.exit_trade * model._market[high.index, j] * content)
    leave = next(o for o in high.options() if o[0] == "left" and o[1] == "CAN")
    assert leave[2] == pytest.approx(-high.value_of(can)[0] - model.exit_cost(high, "CAN"))


def test_a_bloc_with_much_of_the_regions_gdp_draws_applicants():
    assert d.political_weight(0.6, 1.0) > d.political_weight(0.1, 1.0) >= 1.0
    assert d.ideology_affinity(0.0, 0.9, -0.4, 0.0, 0.0, 0.0, political_weight=2.0) > d.ideology_affinity(
        0.0, 0.9, -0.4, 0.0, 0.0, 0.0, political_weight=1.0
    )


def test_accession_needs_every_members_consent(model):
    bloc = next(i for i in model.insts.values() if i.spec.accession == "approval" and i.members)
    applicant = _state(model, iso3=lambda c: c in bloc.scope and c not in bloc.members)
    model.set_status(applicant, bloc.id, "acceding", action="initial", log=False)
    model.p.accession_rate = 1.0
    model.p.cohesion_rate = 0.0  # the test is about consent to join, not the members' sanctions
    # a member far from the applicant (its legislature's leaning) vetoes
    member = model.by_iso[sorted(bloc.members)[0]]
    member.leaning_economic, member.leaning_contestation = -applicant.economic, 1.0 - applicant.contestation
    model.p.approval_distance = 0.3
    for _ in range(8):
        model._blocs(model.steps_done)
    assert applicant.status[bloc.id] == "acceding"
    model.p.approval_distance = 1.0
    for _ in range(8):
        model._blocs(model.steps_done)
    assert applicant.status[bloc.id] == "member"


def test_a_founding_needs_a_proposer_holding_what_the_founding_rule_asks(model, monkeypatch):
    inst = next(i for i in model.insts.values() if i.spec.founding and i.spec.founding.proposer_requires)
    model.p.founding_rate = 1.0
    model.p.min_founding_years = 0.0  # the test is about who may propose, not how long it takes
    # everyone eligible is keen: the test is about who may propose, not who wants it
    shape = model.status.shape
    keen = (np.full(shape, model.p.inertia + 1.0), np.zeros((len(d.TERMS), *shape)))
    monkeypatch.setattr(model, "values", lambda: keen)
    model._fta_since = np.full(shape[:1] * 2, -np.inf)  # and everyone trades freely with everyone
    # every state in scope holds a signed US deal, none in force: founders, but nobody may propose
    eligible = [s for s in model.states if s.iso3 in inst.scope]
    for s in eligible:
        deal = next(i for i in model.insts.values() if i.kind == "us_agreement" and s.iso3 in i.scope)
        for iid in [k for k in s.status if model.insts[k].includes_us]:
            model.set_status(s, iid, None, action="initial", log=False)
        model.set_status(s, deal.id, "signed", action="initial", log=False)
    assert len(eligible) >= inst.spec.founding.min_founders
    model._refresh()
    model._try_found(inst)
    assert not inst.founded
    # once one of them has its deal in force, it proposes and they found it
    s = eligible[0]
    iid = next(k for k, v in s.status.items() if model.insts[k].includes_us and v == "signed")
    model.set_status(s, iid, "in_force", action="initial", log=False)
    model._refresh()
    model._try_found(inst)
    assert inst.founded and s.iso3 in inst.members


def test_a_founding_treaty_takes_its_time():
    assert not d.founding_prepared(3, 4, 1.0) and d.founding_prepared(4, 4, 1.0)
    assert d.founding_prepared(0, 4, 0.0)


def test_in_the_model_a_bloc_is_founded_only_after_its_founders_wanted_it_a_while(model, monkeypatch):
    """With a sure founding draw, the founders wait the treaty's time; a coalition that breaks
    up starts the count again."""
    inst = next(i for i in model.insts.values() if i.spec.founding and i.spec.founding.endogenous)
    model.p.founding_rate = 1.0
    model.p.min_founding_years = 1.0
    monkeypatch.setattr(model, "_founders", lambda i: sorted(model._idx[c] for c in i.scope)[:3])
    spy = model.calendar.steps_per_year
    for _ in range(spy - 1):
        model._try_found(inst)
        assert not inst.founded
        model.steps_done += 1
    monkeypatch.setattr(model, "_founders", lambda i: [])  # the coalition breaks up for a quarter
    model._try_found(inst)
    monkeypatch.setattr(model, "_founders", lambda i: sorted(model._idx[c] for c in i.scope)[:3])
    for _ in range(spy):
        model.steps_done += 1
        model._try_found(inst)
        assert not inst.founded
    model.steps_done += 1
    model._try_found(inst)
    assert inst.founded


def test_a_newcomer_needs_a_free_trade_agreement_with_every_member():
    linked = np.array([[0, 1, 1, 0], [1, 0, 1, 1], [1, 1, 0, 0], [0, 1, 0, 0]], dtype=bool)
    members = np.array([1, 2])
    assert d.trades_freely_with_all(linked, members).tolist() == [True, True, True, False]


def test_founders_are_the_largest_group_trading_freely_with_one_another():
    # 0-1-2 all linked, 3 linked only to 0; 4 linked to nobody
    linked = np.zeros((5, 5), dtype=bool)
    for a, b in ((0, 1), (0, 2), (1, 2), (0, 3)):
        linked[a, b] = linked[b, a] = True
    trade = np.full((5, 5), 0.01)
    trade[0, 3] = trade[3, 0] = 0.2
    keen = [0, 1, 2, 3, 4]
    assert d.founding_coalition(keen, linked, [0], trade, 3) == [0, 1, 2]
    # the group must hold a proposer, and reach the minimum
    assert d.founding_coalition(keen, linked, [4], trade, 2) == []
    assert d.founding_coalition([0, 1, 3], linked, [0], trade, 3) == []
    # between groups of one size, the one trading more among its members: {0, 3}, not {0, 1}
    assert d.founding_coalition([0, 1, 3], linked, [0], trade, 2) == [0, 3]


def _relink(model: TradeBlocsModel) -> None:
    """Forget what the model read of the free-trade agreements (edited in place by a test)."""
    model._links_memo = model._requirements_memo = model._coalition_memo = (None, None)
    model._refresh()


def test_in_the_model_newcomers_and_founders_need_free_trade_agreements(model, monkeypatch):
    from tradeblocs.sim.scenario import TRADE_REQUIREMENT

    inst = next(i for i in model.insts.values() if TRADE_REQUIREMENT in i.spec.requires)
    j = model.cols.col[inst.id]
    model.p.founding_rate = 1.0
    model.p.min_founding_years = 0.0
    shape = model.status.shape
    keen = (np.full(shape, model.p.inertia + 1.0), np.zeros((len(d.TERMS), *shape)))
    monkeypatch.setattr(model, "values", lambda: keen)
    eligible = [s for s in model.states if s.iso3 in inst.scope]
    for s in eligible:  # every state in scope holds a US deal in force
        deal = next(i for i in model.insts.values() if i.kind == "us_agreement" and s.iso3 in i.scope)
        for iid in [k for k in s.status if model.insts[k].includes_us]:
            model.set_status(s, iid, None, action="initial", log=False)
        model.set_status(s, deal.id, "in_force", action="initial", log=False)
    model._fta_since = np.full(shape[:1] * 2, np.inf)  # no free-trade agreement anywhere: no founding
    _relink(model)
    model._try_found(inst)
    assert not inst.founded
    # three of them trade freely with one another: they found it, and only they
    rows = [s.index for s in eligible[:3]]
    for a in rows:
        for b in rows:
            model._fta_since[a, b] = -np.inf
    _relink(model)
    model._try_found(inst)
    assert inst.founded and inst.members == {s.iso3 for s in eligible[:3]}
    # a fourth, linked to two of the members only, may not accede; linked to all three, it may
    newcomer = eligible[3]
    for b in rows[:2]:
        model._fta_since[newcomer.index, b] = model._fta_since[b, newcomer.index] = -np.inf
    _relink(model)
    assert not model._requirements_table()[newcomer.index, j]
    model._fta_since[newcomer.index, rows[2]] = model._fta_since[rows[2], newcomer.index] = -np.inf
    _relink(model)
    assert model._requirements_table()[newcomer.index, j]


def test_a_cohesion_sanction_lasts_while_the_member_stands_apart(model):
    """The members sanction one of their own whose government stands far from their median, and
    keep it sanctioned, quarter after quarter, until its government comes back within reach:
    the democratic clause's readmission (for a government that came in irregularly) does not
    undo it."""
    bloc = next(
        i
        for i in model.insts.values()
        if i.spec.cohesion_rule and i.spec.democratic_clause and len(i.members) >= 3
    )
    model.p.cohesion_rate = 1.0
    members = [model.by_iso[c] for c in sorted(bloc.members)]
    for m in members:
        m.economic, m.contestation = 1.0, 0.0
    apart = members[0]
    apart.economic, apart.contestation = -1.0, 1.0  # as far as a government can stand
    model._blocs(model.steps_done)
    assert apart.status[bloc.id] == "sanctioned"
    assert model.events[-1]["note"] == "members' cohesion rule"
    for _ in range(4):
        model._blocs(model.steps_done)
        assert apart.status[bloc.id] == "sanctioned"
    apart.economic, apart.contestation = 1.0, 0.0  # a new government, beside the others
    model._blocs(model.steps_done)
    assert apart.status[bloc.id] == "member" and model.events[-1]["action"] == "readmitted"


@given(
    others=st.lists(st.floats(-1.0, 1.0), min_size=2, max_size=8),
    stance=st.lists(st.floats(0.0, 1.0), min_size=8, max_size=8),
    limit=st.floats(0.0, 2.0),
)
def test_a_member_at_the_others_median_is_always_back_within(others, stance, limit):
    import statistics

    from tradeblocs.sim import dynamics

    contest = stance[: len(others)]
    e, c = statistics.median(others), statistics.median(contest)
    assert dynamics.back_within_the_others(e, c, others, contest, limit)
    assert not dynamics.back_within_the_others(e, c, others, contest, -1.0)


# --- the US side: a queue at USTR's table, plurilateral rounds, TPA's notice ------------------


def test_the_us_negotiates_with_a_limited_number_of_partners_at_once():
    from tradeblocs.sim import us_policy

    assert us_policy.room_at_the_table(4, 5.0) and not us_policy.room_at_the_table(5, 5.0)
    assert not us_policy.room_at_the_table(5, 5.9)  # a share of a partner is no room


def _requesters(m: TradeBlocsModel, iid: str, n: int) -> list:
    """``n`` willing states that could ask for ``iid``, taken out of their blocs: bloc partners
    would be taken to the table together, and a customs union's members not at all."""
    out = [s for s in m.states if s.iso3 in m.insts[iid].scope and not m.status[s.index, m.cols.col[iid]]]
    assert len(out) >= n
    for s in out[:n]:
        s.contestation = 0.0  # willing partners
        for b in [b for b, inst in m.insts.items() if inst.kind == "bloc" and s.iso3 in inst.members]:
            m.set_status(s, b, None, action="initial", log=False)
    return out[:n]


def test_requests_wait_their_turn_oldest_first(model):
    model.p.us_accept_rate = 1.0
    model.p.us_negotiating_capacity = 2.0
    j = model.cols.col["US_FTA"]
    assert not any(v == "negotiating" for s in model.states for v in s.status.values())
    a, b, c = _requesters(model, "US_FTA", 3)
    model.steps_done = model.calendar.step_of("2004Q1")
    for s, since in ((c, "2003Q2"), (a, "2003Q3"), (b, "2003Q4")):
        model.set_status(s, "US_FTA", "requested", action="initial", log=False)
        model.since[s.index, j] = model.calendar.step_of(since)
    for other in (i for i, inst in model.insts.items() if inst.kind == "us_agreement" and i != "US_FTA"):
        for s in model.states:  # nobody else waiting
            if s.status.get(other) == "requested":
                model.set_status(s, other, None, action="initial", log=False)
    model.us._take_requests(1.0)
    assert [s.status["US_FTA"] for s in (c, a, b)] == ["negotiating", "negotiating", "requested"]


def test_table_mates_are_the_requesters_sharing_a_bloc():
    from tradeblocs.sim import us_policy

    # four states, two blocs: 0 and 1 share the first, 2 is in the second alone, 3 in none
    member_of = np.array([[True, False], [True, False], [False, True], [False, False]])
    waiting = np.array([0, 1, 2, 3])
    assert us_policy.table_mates(member_of, waiting, 0).tolist() == [0, 1]
    assert us_policy.table_mates(member_of, waiting, 2).tolist() == [2]
    assert us_policy.table_mates(member_of, waiting, 3).tolist() == [3]
    assert us_policy.table_mates(member_of, np.array([1, 3]), 1).tolist() == [1]


def test_bloc_partners_asking_for_talks_are_taken_to_one_table(model):
    """Requesters sharing a bloc open their bilateral talks together, in one launch that takes
    one turn at USTR's table; a requester outside the bloc still waits its turn."""
    iid = "US_FTA"
    j = model.cols.col[iid]
    scope = model.insts[iid].scope
    blocs = [b for b, inst in model.insts.items() if inst.kind == "bloc" and not inst.spec.negotiates_as_one]
    bloc = next(b for b in blocs if len([c for c in model.insts[b].members if c in scope]) >= 2)
    partners = [model.by_iso[c] for c in sorted(model.insts[bloc].members) if c in scope][:2]
    outsider = next(
        s for s in model.states if s.iso3 in scope and s not in partners
        and not any(s.iso3 in model.insts[b].members for b in model.insts if model.insts[b].kind == "bloc")
    )  # fmt: skip
    for other in (i for i, inst in model.insts.items() if inst.kind == "us_agreement"):
        for s in model.states:  # nobody else waiting or at the table
            if s.status.get(other) in ("requested", "negotiating"):
                model.set_status(s, other, None, action="initial", log=False)
    model.p.us_accept_rate = 1.0
    model.p.us_negotiating_capacity = 1.0  # one partner at a time
    model.steps_done = model.calendar.step_of("2004Q1")
    for s, since in ((partners[0], "2003Q2"), (outsider, "2003Q3"), (partners[1], "2003Q4")):
        s.contestation = 0.0
        model.set_status(s, iid, "requested", action="initial", log=False)
        model.since[s.index, j] = model.calendar.step_of(since)
    model.us._take_requests(1.0)
    assert [s.status[iid] for s in partners] == ["negotiating", "negotiating"]
    assert outsider.status[iid] == "requested"
    notes = [e["note"] for e in model.events if e["action"] == "negotiating"]
    assert notes == ["with its bloc partners at one table"] * 2


def test_a_plurilateral_round_is_launched_and_concluded_for_all_its_parties_at_once(model):
    iid = next(
        i for i, inst in model.insts.items() if inst.spec.plurilateral and inst.spec.conclusion is None
    )
    waiting = [s for s in model.states if s.status.get(iid) == "requested"]
    assert len(waiting) >= 3, "the baseline starts a plurilateral round with its requesters waiting"
    model.p.us_negotiating_capacity = 50.0
    model.p.us_accept_rate = 0.5
    launched = set()
    for _ in range(12):
        model.us._take_requests(rules_per_step(model, 0.5))
        launched.add(tuple(s.status[iid] for s in waiting))
        model.steps_done += 1
    # every quarter either nobody or everybody was taken: one decision for the text
    assert all(len(set(row)) == 1 for row in launched)
    assert any(row[0] == "negotiating" for row in launched)
    model.p.conclusion_rate = 0.5
    model.p.min_negotiation_years = 0.25
    for _ in range(12):
        model.us.step()
        model.steps_done += 1
        stages = {model.by_iso[s.iso3].status.get(iid) for s in waiting}
        assert stages != {"negotiating", "concluded"}  # never some concluded and some still at it


def rules_per_step(m: TradeBlocsModel, rate: float) -> float:
    return d.per_step(rate, m.calendar.steps_per_year)


def test_a_partner_concedes_as_it_would_ask_for_talks_today():
    """The last concessions are a logit choice of the deal's value against staying put."""
    draws = np.linspace(0.01, 0.99, 50)
    assert all(d.partner_concedes(5.0, 2.0, 0.15, u) for u in draws)  # keen: at once
    assert not any(d.partner_concedes(1.0, 2.0, 0.15, u) for u in draws)  # lukewarm: holds out
    assert not d.partner_concedes(2.0, 2.0, 0.15, 0.49) and d.partner_concedes(2.0, 2.0, 0.15, 0.51)


@given(st.floats(-5, 5), st.floats(0, 3), st.floats(0.05, 0.4), st.floats(0, 0.999))
def test_a_keener_partner_concedes_whenever_a_less_keen_one_would(value, gain, temperature, u):
    if d.partner_concedes(value, 1.0, temperature, u):
        assert d.partner_concedes(value + gain, 1.0, temperature, u)


def test_in_the_model_a_lukewarm_partner_holds_its_talks_open(model, monkeypatch):
    """Two bilateral partners at the table long enough, the US ready to close: the keen one
    concludes, the lukewarm one is still negotiating."""
    keen, lukewarm = _requesters(model, "US_FTA", 2)
    j = model.cols.col["US_FTA"]
    model.steps_done = model.calendar.step_of("2005Q1")
    for s in (keen, lukewarm):
        model.set_status(s, "US_FTA", "negotiating", action="initial", log=False)
    model.since[[keen.index, lukewarm.index], j] = 0
    model.p.conclusion_rate, model.p.us_walkaway_rate = 1.0, 0.0
    value, contrib = model.values()
    value = value.copy()
    value[keen.index, j], value[lukewarm.index, j] = model.p.inertia + 3.0, model.p.inertia - 3.0
    monkeypatch.setattr(model, "values", lambda: (value, contrib))
    for _ in range(4):
        model.us.step()
    assert keen.status["US_FTA"] == "concluded"
    assert lukewarm.status["US_FTA"] == "negotiating"


def test_a_newcomer_docks_into_a_text_the_others_concluded(model):
    iid = next(
        i for i, inst in model.insts.items() if inst.spec.plurilateral and inst.spec.conclusion is None
    )
    parties = [s for s in model.states if s.iso3 in model.insts[iid].scope]
    first, newcomer = parties[0], parties[-1]
    model.p.min_negotiation_years = 3.0
    model.set_status(newcomer, iid, "negotiating", action="initial", log=False)
    assert not model.talks_long_enough(newcomer, iid)
    model.set_status(first, iid, "concluded", action="initial", log=False)
    assert model.talks_long_enough(newcomer, iid)
    bilateral = next(
        i for i, inst in model.insts.items() if inst.kind == "us_agreement" and not inst.spec.plurilateral
    )
    a, b = _requesters(model, bilateral, 2)
    model.set_status(a, bilateral, "concluded", action="initial", log=False)
    model.set_status(b, bilateral, "negotiating", action="initial", log=False)
    assert not model.talks_long_enough(b, bilateral)  # a bilateral text is each partner's own


def test_a_concluded_deal_is_signed_a_quarter_later_at_the_soonest(model):
    from tradeblocs.sim import us_policy

    assert not us_policy.notice_served(0) and us_policy.notice_served(1)
    s = _requesters(model, "US_FTA", 1)[0]
    model.steps_done = model.calendar.step_of("2004Q1")
    model.set_status(s, "US_FTA", "concluded", action="initial", log=False)
    model._refresh()
    assert not any(o[0] == "signed" for o in s.options())
    model.steps_done += 1
    model._refresh()
    assert any(o[0] == "signed" for o in s.options())


def test_signing_a_concluded_text_needs_a_positive_value_not_to_beat_inertia(model):
    s = _requesters(model, "US_FTA", 1)[0]
    model.steps_done = model.calendar.step_of("2004Q1")
    model.set_status(s, "US_FTA", "concluded", action="initial", log=False)
    model.steps_done += 1
    model._refresh()
    value, _ = model.value_of(s, "US_FTA")
    signed = next(o for o in s.options() if o[0] == "signed")
    walk = next(o for o in s.options() if o[0] == "suspended_talks")
    assert signed[2] == pytest.approx(value + model.p.inertia)
    assert walk[2] == pytest.approx(-value - model.exit_cost(s, "US_FTA"))
    assert model.exit_cost(s, "US_FTA") == model.p.exit_cost  # a US deal is no bloc: the fixed price


def test_a_date_before_the_start_falls_in_a_step_before_it(model):
    """A request dated before the run waits ahead of the run's own requests."""
    cal = model.calendar
    assert cal.step_of("2002Q4") == -1 and cal.step_of("2003Q1") == 0 and cal.step_of("2001Q4") == -5  # noqa: PLR2004


# --- a customs union at hemispheric talks ------------------------------------------------------


def test_a_bloc_that_negotiates_as_one_declines_with_any_refusing_member(model, monkeypatch):
    assert d.joint_refusal([False, True, False]) and not d.joint_refusal([False, False])
    talks = next(i for i in model.insts.values() if i.kind == "hemispheric")
    bloc = next(b for b in model.insts.values() if b.spec.negotiates_as_one)
    members = sorted(c for c in bloc.members if c in talks.scope)
    assert len(members) >= 2  # noqa: PLR2004
    j = model.cols.col[talks.id]
    value, contrib = model.values()
    value = value.copy()
    value[:, j] = 1.0
    value[model.by_iso[members[0]].index, j] = -1.0  # one member refuses
    monkeypatch.setattr(model, "values", lambda: (value, contrib))
    deadline = model.cols.dated[talks.id]["deadline"]
    model.steps_done = deadline
    model._hemispheric(deadline)
    declined = {
        e["country"] for e in model.events if e["action"] == "declined" and e["institution"] == talks.id
    }
    assert declined == set(members)


def test_the_us_opens_no_talks_while_it_reviews_its_trade_policy(model, monkeypatch):
    paused = model.scenario.us_policy.talks_paused
    assert paused, "the baseline pauses the US's new talks during a policy review"
    monkeypatch.setattr(model, "us_takes_requests", lambda inst: True)  # whatever else its policy is
    s = _requesters(model, "US_FTA", 1)[0]
    model.set_status(s, "US_FTA", "requested", action="initial", log=False)
    model.steps_done = model.calendar.step_of(paused[0].start)
    model.us._take_requests(1.0)
    assert s.status["US_FTA"] == "requested"
    model.steps_done = model.calendar.step_of(paused[0].end) + 1
    model.us._take_requests(1.0)
    assert s.status["US_FTA"] == "negotiating"


def test_congress_takes_up_no_trade_deal_before_a_federal_election():
    from tradeblocs.sim import us_policy

    assert us_policy.congress_votes_on_trade(2005, 10) and us_policy.congress_votes_on_trade(2006, 3)
    assert not us_policy.congress_votes_on_trade(2006, 7) and not us_policy.congress_votes_on_trade(2004, 12)


def test_in_the_model_no_deal_passes_congress_in_an_election_autumn(model):
    s = _requesters(model, "US_FTA", 1)[0]
    model.steps_done = model.calendar.step_of("2004Q3")
    model.set_status(s, "US_FTA", "signed", action="initial", log=False)
    assert model.policy.congress[model.steps_done][0] > 0  # a majority that would pass it
    model.p.template_strictness = 0.0
    for _ in range(2):  # 2004Q3, 2004Q4: no vote
        model.us.step()
        assert (s.iso3, "US_FTA") not in model.us_approved
        model.steps_done += 1
    passed = False
    for _ in range(40):  # from 2005 on, it passes in time
        model.us.step()
        passed = passed or (s.iso3, "US_FTA") in model.us_approved
        model.steps_done += 1
    assert passed


def _a_concluded_round(model: TradeBlocsModel) -> tuple:
    """A plurilateral text one party has concluded, nobody else at its table; returns its id and
    a party still outside (a would-be newcomer)."""
    iid = next(
        i for i, inst in model.insts.items() if inst.spec.plurilateral and inst.spec.conclusion is None
    )
    parties = [s for s in model.states if s.iso3 in model.insts[iid].scope]
    for s in parties:
        if s.status.get(iid):
            model.set_status(s, iid, None, action="initial", log=False)
    model.set_status(parties[0], iid, "concluded", action="initial", log=False)
    return iid, parties[-1]


def test_a_newcomer_to_a_concluded_text_takes_no_seat_at_the_table(model):
    iid, newcomer = _a_concluded_round(model)
    model.set_status(newcomer, iid, "requested", action="initial", log=False)
    newcomer.contestation = 0.0
    model.p.us_negotiating_capacity = 1.0
    other = _requesters(model, "US_FTA", 1)[0]
    model.set_status(other, "US_FTA", "negotiating", action="initial", log=False)  # the one seat taken
    model.us._take_requests(1.0)
    assert newcomer.status[iid] == "negotiating"


def test_the_us_opens_no_separate_talks_with_a_member_of_a_bloc_that_negotiates_as_one(model):
    from tradeblocs.sim import us_policy

    assert us_policy.takes_up(0.1, 0.7, False) and not us_policy.takes_up(0.1, 0.7, True)
    bloc = next(b for b in model.insts.values() if b.spec.negotiates_as_one)
    scope = model.insts["US_FTA"].scope
    member = next(model.by_iso[c] for c in sorted(bloc.members) if c in scope)
    outsider = _requesters(model, "US_FTA", 1)[0]
    for s in (member, outsider):
        s.contestation = 0.0
        model.set_status(s, "US_FTA", "requested", action="initial", log=False)
    model.p.us_negotiating_capacity = 50.0
    model.us._take_requests(1.0)
    assert member.status["US_FTA"] == "requested" and outsider.status["US_FTA"] == "negotiating"


def test_a_legislature_ratifies_only_after_its_time(model):
    from tradeblocs.sim import moves as mv

    assert not mv.legislature_has_had_time(1, 4, 0.5) and mv.legislature_has_had_time(2, 4, 0.5)
    model.p.min_ratification_years = 0.5
    s = _requesters(model, "US_FTA", 1)[0]
    model.steps_done = model.calendar.step_of("2004Q1")
    model.set_status(s, "US_FTA", "signed", action="initial", log=False)
    for quarter, open_ in ((0, False), (1, False), (2, True)):
        model.steps_done = model.calendar.step_of("2004Q1") + quarter
        model._refresh()
        assert any(o[0] == "ratified" for o in s.options()) == open_, quarter


def test_a_docking_newcomer_goes_ahead_of_the_queue(model, monkeypatch):
    iid, newcomer = _a_concluded_round(model)
    older = _requesters(model, "US_FTA", 1)[0]
    model.set_status(older, "US_FTA", "requested", action="initial", log=False)
    model.since[older.index, model.cols.col["US_FTA"]] = -4  # asked a year before the run
    model.set_status(newcomer, iid, "requested", action="initial", log=False)
    newcomer.contestation = 0.0
    j = model.cols.col[iid]
    monkeypatch.setattr(model.us, "_draw", lambda shared, col, rate: col == j)  # the older one's fails
    model.us._take_requests(0.5)
    assert older.status["US_FTA"] == "requested"
    assert newcomer.status[iid] == "negotiating"
