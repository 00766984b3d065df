"""The model's theory: how a Latin American government values an option.

Each option (ask the US for talks, sign concluded talks, ratify, join, suspend or leave a bloc)
is scored by a utility made of six named terms, each a small pure function of numbers the state
knows:

- ``econ``      market access: the trade an institution opens, or a sponsor's aid, which
                follows the member's oil-import bill;
- ``coercion``  Hirschman's supply effect: what the state stands to lose by staying out of a
                US deal (preferences that can be withdrawn, trade diverted to neighbours with
                deals), or to risk by joining a bloc hostile to the US, as far as Washington
                can withdraw access;
- ``influence`` Hirschman's influence effect: the pull of the export lobby that lives off the
                US market (the "commercial fifth column"), counting private domestic value added;
- ``ideology``  affinity on two axes: stance toward the US (from contestation) against the
                institution's political model, economic left-right against its economic model;
- ``peer``      domino pressure: how many like-minded neighbours are already in;
- ``cost``      sovereignty cost: depth of commitments, felt more toward the US by a
                government that contests it.

The rest of the theory sits here too: what a bloc is as its members conclude US deals, the
political motive of accession, what leaving a bloc costs, the US Congress's partner-by-partner
hazard. A government then picks among its options, or stays put, by a seeded logit choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import networkx as nx
import numpy as np
from numba import njit

#: A rule of the theory: a small pure function of numbers, compiled (numba) so that
#: sim/kernels.py can apply it to every state and institution in one pass; it is called from
#: Python just the same.
rule = njit(cache=True)

TERMS = ("econ", "coercion", "influence", "ideology", "peer", "cost")

#: Orientation toward the United States of each political model (Riggirozzi/Tussie typology):
#: +1 sides with the hegemon, -1 is built against it.
ORIENTATION = {
    "acquiescent": 1.0,
    "autonomist": -0.4,
    "counter_hegemonic": -1.0,
    "lowest_common_denominator": -0.2,
}

#: Where each economic model sits on the economic left-right axis: open-market "strategic"
#: regionalism on the right, ALBA's "social" model of aid and state trade on the left.
ECONOMIC_LEAN = {"strategic": 1.0, "hybrid": 0.0, "productive": -0.5, "social": -1.0, "none": 0.0}


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the six terms; a utility is their weighted sum."""

    econ: float = 1.0
    coercion: float = 1.0
    influence: float = 1.0
    ideology: float = 1.0
    peer: float = 1.0
    cost: float = 1.0


# --- a government's position: two axes ------------------------------------------------------


@rule
def us_stance(contestation: float) -> float:
    """From contestation of the United States in [0, 1] to a stance in [-1, 1]: the moderate
    left that trades with the US stands near +1, the contestatory left that built ALBA near -1."""
    return 1.0 - 2.0 * contestation


@rule
def political_distance(econ_a: float, contest_a: float, econ_b: float, contest_b: float) -> float:
    """Distance in [0, 1] between two positions, both axes counting equally."""
    return (abs(econ_a - econ_b) / 2.0 + abs(contest_a - contest_b)) / 2.0


# --- the six terms -------------------------------------------------------------------------


@rule
def econ_gain(market_share: float, trade_content: float, aid: float = 0.0) -> float:
    """Market access: the share of exports an institution covers times how much trade it frees,
    plus any aid a sponsor pays members (ALBA's oil money)."""
    return market_share * trade_content + aid


@rule
def new_us_access(stake: float, bound_elsewhere: bool) -> float:
    """What a deal with the US newly secures of a stake in the US market (the share of exports
    it opens, the export lobby's stake): nothing for a state whose access another US deal in
    force already binds (trade liberalized once is not liberalized again)."""
    return 0.0 if bound_elsewhere else stake


@rule
def coercion_us_deal(share_us: float, preferences_at_risk: float, neighbours_with_deals: float) -> float:
    """What a state stands to lose by staying out of a US deal (Hirschman's supply effect).

    ``preferences_at_risk`` in [0, 1]: unilateral preferences (ATPDEA) that can lapse or be
    withdrawn; ``neighbours_with_deals`` in [0, 1]: share of its trade competitors whose exports
    enter the US on better terms. Both bite in proportion to dependence on the US market.
    """
    return share_us * (preferences_at_risk + neighbours_with_deals)


@rule
def access_at_risk(deal_in_force: bool, preferences: bool, mfn_risk: float) -> float:
    """How much of a state's access to the US market Washington can withdraw at will: none once
    a treaty binds it, all of it under unilateral preferences, ``mfn_risk`` otherwise."""
    if deal_in_force:
        return 0.0
    return 1.0 if preferences else mfn_risk


@rule
def coercion_bloc(share_us: float, orientation: float, at_risk: float = 1.0) -> float:
    """Joining a bloc set against the US risks the US market, as far as the US can withdraw
    access (negative); a bloc friendly to the US carries no such risk."""
    return share_us * at_risk * min(0.0, orientation)


@rule
def lobby_stake(
    share_us: float, exports_gdp: float, state_share: float, free_zone_share: float, scale: float
) -> float:
    """The export lobby's stake in the US market (Hirschman's "commercial fifth column"): US
    exports relative to GDP, counting only private firms' domestic value added; state exporters
    and free-zone assembly plants are not a domestic lobby."""
    domestic_private = (1.0 - state_share) * (1.0 - free_zone_share)
    return min(1.0, share_us * exports_gdp * domestic_private * scale)


@rule
def bloc_lobby(
    members_share: float,
    exports_gdp: float,
    state_share: float,
    free_zone_share: float,
    scale: float,
    trade_content: float,
) -> float:
    """Hirschman's influence effect works for any partner market, not only the hegemon's: private
    firms exporting to a bloc's members hold a stake in the trade it frees, and pull toward being
    in it. State exporters (oil) and free-zone assembly are no domestic lobby here either."""
    stake = lobby_stake(members_share, exports_gdp, state_share, free_zone_share, scale)
    return stake * trade_content


@rule
def influence(lobby: float, orientation: float) -> float:
    """The export lobby pulls toward institutions friendly to the US market and against
    those hostile to it (Hirschman's influence effect)."""
    return lobby * orientation


@rule
def ideology_affinity(
    economic: float,
    contestation: float,
    orientation: float,
    economic_lean: float,
    economic_share: float,
    lcd_appeal: float = 0.0,
    political_weight: float = 1.0,
) -> float:
    """A government's affinity with an institution on two axes: its stance toward the US
    against the institution's political model, and its economic left-right against the
    institution's economic model (``economic_share`` weighs the second). ``political_weight``
    (>= 1) scales it with how much the institution weighs in the region: a political motive to
    join a large bloc of the like-minded. A lowest-common-denominator forum adds an appeal
    shared by all."""
    political = orientation * us_stance(contestation)
    market = economic * economic_lean
    return political_weight * ((1.0 - economic_share) * political + economic_share * market) + lcd_appeal


@rule
def alignment_expressed(unilateral_preference: bool) -> float:
    """How far holding an institution expresses a side: fully, except for a preference the US
    grants unilaterally (ATPDEA), which commits the beneficiary to nothing and so says nothing
    of its alignment: the Morales and Correa governments asked Congress to extend ATPDEA in
    2007 (to Senator Grassley's surprise, Senate floor, May 2007) while they built ALBA, and
    Morales asked for its restoration in 2009. Ideology does not enter its value."""
    return 0.0 if unilateral_preference else 1.0


@rule
def political_weight(members_gdp_share: float, weight: float) -> float:
    """Accession is political as well as economic: a bloc holding a large share of the region's
    GDP offers its members a voice (1 + weight x share)."""
    return 1.0 + weight * members_gdp_share


@rule
def peer_pressure(peers_in: float) -> float:
    """Domino effect: the affinity-weighted share of neighbours already in, in [0, 1]."""
    return peers_in


@rule
def sovereignty_cost(depth: float, contestation: float, orientation: float = 1.0) -> float:
    """Depth of commitments, felt more by a government that contests the US the closer the
    institution stands to the US: autonomy means autonomy from the hegemon, so binding oneself
    to Washington's rules costs a contesting government up to twice as much, while pooling
    sovereignty in a bloc built against it (orientation -1) costs it no more than anyone."""
    return depth * (1.0 + contestation * (1.0 + orientation) / 2.0)


# --- leaving ---------------------------------------------------------------------------------


@rule
def exit_cost(base: float, per_trade: float, members_share: float, trade_content: float) -> float:
    """What leaving a bloc costs a member: a fixed price, plus the trade with the other members
    that the bloc frees and the state would lose (its share of exports sold to them, times the
    bloc's trade content). Hirschman's asymmetry applied to a bloc's own market: the more a
    state sells to its partners, the dearer exit (in 2006 Bolivia sold a seventh of its exports
    to its CAN partners, soy above all, and Venezuela three per cent)."""
    return base + per_trade * members_share * trade_content


# --- taking part, or stopping without leaving ------------------------------------------------

#: A suspension of one's own participation is half an exit: it costs half the cost of leaving,
#: because it can be undone; leaving from suspension later costs the other half. A fixed split
#: of the calibrated exit cost, not a fitted number.
SUSPENSION_SHARE = 0.5


@rule
def suspend_utility(value: float, exit_cost: float) -> float:
    """Utility of suspending one's participation in an institution worth ``value`` to stay in:
    what staying would have given is given up (minus ``value``), at a share of the exit cost
    (the state stops attending and paying without denouncing the treaty)."""
    return -value - SUSPENSION_SHARE * exit_cost


@rule
def leave_suspended_utility(value: float, exit_cost: float) -> float:
    """Utility of formally leaving an institution whose participation the state has already
    suspended: the rest of the exit cost, so that suspending then leaving costs what leaving
    at once does."""
    return -value - (1.0 - SUSPENSION_SHARE) * exit_cost


# --- the bloc, the sponsor, the US Congress ------------------------------------------------


@rule
def bloc_character(
    orientation: float, others_with_us_deals: float, drift: float, trade_content: float
) -> float:
    """What a bloc is, as one member sees it: its political model, pulled toward the hegemon as
    the other members conclude deals with the US (Venezuela and the CAN, Kat 2022), the more so
    the more trade the bloc frees (through a free-trade area the partners' US deals bring US
    goods and rules to every member; an aid pact keeps its character), at most to +1."""
    pull = drift * trade_content * others_with_us_deals
    return min(1.0, orientation + pull * (1.0 - orientation))


@rule
def oil_bill(net_imports_kbd: float, oil_price: float, gdp_usd_bn: float) -> float:
    """The oil-import bill as a share of GDP (zero for a net exporter)."""
    if gdp_usd_bn <= 0.0:
        return 0.0
    return max(0.0, net_imports_kbd) * 365.0 * oil_price / 1e6 / gdp_usd_bn


@rule
def sponsor_aid(capacity: float, bill: float, reference_bill: float) -> float:
    """An oil sponsor's aid follows need (PetroCaribe): what it can spend, in proportion to the
    member's oil-import bill relative to a reference bill."""
    return capacity * bill / reference_bill


def trades_freely_with_all(linked: np.ndarray, members: np.ndarray) -> np.ndarray:
    """Which states (rows of ``linked``, an n x n matrix of free-trade agreements in force) hold
    one with every member in ``members`` (indices) other than themselves: what a bloc built on
    its members' free-trade agreements asks of a newcomer (the Pacific Alliance admits only
    states with an FTA in force with each member)."""
    need = linked[:, members] | np.eye(len(linked), dtype=bool)[:, members]
    return need.all(axis=1)


def founding_coalition(
    keen: list[int], linked: np.ndarray, proposers: list[int], trade: np.ndarray, min_founders: int
) -> list[int]:
    """Founders of a bloc whose members must trade freely with one another: among the ``keen``
    states, the largest group each holding a free-trade agreement in force with every other
    (a clique of ``linked``) that includes a proposer; between equal groups, the one with the
    most trade among its members (``trade``: export shares, row to column), whose agreements
    the bloc deepens. Empty if no such group reaches ``min_founders``."""
    g = nx.Graph()
    g.add_nodes_from(keen)
    g.add_edges_from((a, b) for a in keen for b in keen if a < b and linked[a, b])
    groups = [sorted(c) for c in nx.find_cliques(g) if set(c) & set(proposers) and len(c) >= min_founders]
    if not groups:
        return []
    return max(groups, key=lambda c: (len(c), float(trade[np.ix_(c, c)].sum()), [-i for i in c]))


@rule
def founding_prepared(steps_wanted: int, steps_per_year: int, min_years: float) -> bool:
    """A bloc is founded only once its founders have wanted it for a minimum time: its founding
    treaty is negotiated like any other (ALBA, proposed at the Caribbean summit of December 2001,
    was signed in December 2004; the Pacific Alliance, proposed in letters of October 2010, in
    April 2011)."""
    return steps_wanted >= round(min_years * steps_per_year)


def joint_refusal(refusing: list[bool]) -> bool:
    """A bloc that negotiates with third parties as one takes one position: it refuses when any
    of its members does (its decisions are taken by consensus)."""
    return any(refusing)


def congress_hazard(rate: float, strictness: float, concern: float) -> float:
    """Yearly chance the US Congress approves a partner's agreement: the majority's base rate,
    lowered by the partner's labour-rights and tax-transparency concerns where the majority
    applies the May 2007 template (``strictness`` > 0)."""
    return rate * math.exp(-strictness * concern)


# --- putting terms together ----------------------------------------------------------------


def weigh(terms: dict[str, float], w: Weights) -> dict[str, float]:
    """The weighted contribution of each term (cost enters with a minus sign)."""
    return {
        "econ": w.econ * terms["econ"],
        "coercion": w.coercion * terms["coercion"],
        "influence": w.influence * terms["influence"],
        "ideology": w.ideology * terms["ideology"],
        "peer": w.peer * terms["peer"],
        "cost": -w.cost * terms["cost"],
    }


def utility(contributions: dict[str, float]) -> float:
    return sum(contributions.values())


# --- what each move is worth ----------------------------------------------------------------

#: The utility of each move a government can make, as (a, b, e, d): ``a x value - b x conflict -
#: e x exit_cost + d x inertia``, where ``value`` is the utility of being in the institution and
#: ``conflict`` what joining costs in memberships exclusive with it. Stepping in is worth the
#: value less that cost; leaving or walking away is minus the value of staying, less the cost of
#: exit; suspending one's own participation costs part of it, leaving from suspension the rest
#: (suspend_utility, leave_suspended_utility). Signing a concluded text and ratifying a signed one
#: carry the decision already taken forward (d = 1: they need only a positive value, not to beat
#: the inertia of staying put): walking away from a concluded deal is the choice.
MOVE_VALUE: dict[str, tuple[float, float, float, float]] = {
    "requested": (1.0, 1.0, 0.0, 0.0),
    "acceding": (1.0, 1.0, 0.0, 0.0),
    "joined": (1.0, 1.0, 0.0, 0.0),
    "resumed": (1.0, 1.0, 0.0, 0.0),
    "signed": (1.0, 1.0, 0.0, 1.0),
    "ratified": (1.0, 0.0, 0.0, 1.0),
    "left": (-1.0, 0.0, 1.0, 0.0),
    "withdrew": (-1.0, 0.0, 1.0, 0.0),
    "suspended_talks": (-1.0, 0.0, 1.0, 0.0),
    "suspended": (-1.0, 0.0, SUSPENSION_SHARE, 0.0),
    "left_suspended": (-1.0, 0.0, 1.0 - SUSPENSION_SHARE, 0.0),
}


def logit_choice(utilities: list[float], stay: float, temperature: float, u: float) -> int:
    """Pick an option by a logit rule against staying put (utility ``stay``).

    ``u`` is a uniform draw in [0, 1) from the model's seeded generator. Returns the index of
    the chosen option, or -1 to stay put.
    """
    top = max([stay, *utilities])
    ws = [math.exp((x - top) / temperature) for x in utilities]
    w_stay = math.exp((stay - top) / temperature)
    total = w_stay + sum(ws)
    acc = w_stay / total
    if u < acc:
        return -1
    for i, w in enumerate(ws):
        acc += w / total
        if u < acc:
            return i
    return len(ws) - 1


@rule
def partner_concedes(value: float, stay: float, temperature: float, u: float) -> bool:
    """Talks with the US close only when the partner makes its last concessions: the same logit
    choice as asking for talks, the deal's value against staying put (``stay``), drawn each
    quarter. A government keen on the deal concedes at once; a lukewarm one holds out, quarter
    after quarter (the side with less to gain from agreement is the more patient bargainer,
    Rubinstein 1982). Peru, the keenest of the Andean three, closed alone in December 2005 (Kat
    2022). ``u``: a uniform draw from the model's seeded generator; as logit_choice."""
    return u >= 1.0 / (1.0 + math.exp(min((value - stay) / temperature, 700.0)))


def per_step(yearly: float, steps_per_year: int) -> float:
    """Convert a yearly probability into the probability per step."""
    return 1.0 - (1.0 - min(max(yearly, 0.0), 1.0)) ** (1.0 / steps_per_year)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
