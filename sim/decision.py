"""The model's theory: how a Latin American government values an option.

Each option (ask the US for talks, concede and sign, ratify, join or leave a bloc) is scored by
a utility made of six named terms, each a small pure function of numbers the state knows:

- ``econ``      market access: the trade an institution opens, or a sponsor's aid;
- ``coercion``  Hirschman's supply effect: what the state stands to lose by staying out of a
                US deal (preferences that can be withdrawn, trade diverted to neighbours with
                deals), or to risk by joining a bloc hostile to the US;
- ``influence`` Hirschman's influence effect: the pull of the export lobby that lives off the
                US market (the "commercial fifth column");
- ``ideology``  the government's affinity with the institution's political model;
- ``peer``      domino pressure: how many like-minded neighbours are already in;
- ``cost``      sovereignty cost: depth of commitments, felt more by nationalist governments.

A government then picks among its options, or stays put, by a seeded logit choice.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

TERMS = ("econ", "coercion", "influence", "ideology", "peer", "cost")

#: Orientation toward the United States of each political model (Riggirozzi/Tussie typology):
#: +1 sides with the hegemon, -1 is built against it.
ORIENTATION = {
    "acquiescent": 1.0,
    "autonomist": -0.4,
    "counter_hegemonic": -1.0,
    "lowest_common_denominator": -0.2,
}


@dataclass(frozen=True, slots=True)
class Weights:
    """Weights of the six terms; a utility is their weighted sum."""

    econ: float = 1.0
    coercion: float = 1.0
    influence: float = 1.0
    ideology: float = 1.0
    peer: float = 1.0
    cost: float = 1.0


# --- the six terms -------------------------------------------------------------------------


def econ_gain(market_share: float, trade_content: float, aid: float = 0.0) -> float:
    """Market access: the share of exports an institution covers times how much trade it frees,
    plus any aid a sponsor pays members (ALBA's oil money)."""
    return market_share * trade_content + aid


def coercion_us_deal(share_us: float, preferences_at_risk: float, neighbours_with_deals: float) -> float:
    """What a state stands to lose by staying out of a US deal (Hirschman's supply effect).

    ``preferences_at_risk`` in [0, 1]: unilateral preferences (ATPDEA) that can lapse or be
    withdrawn; ``neighbours_with_deals`` in [0, 1]: share of its trade competitors whose exports
    enter the US on better terms. Both bite in proportion to dependence on the US market.
    """
    return share_us * (preferences_at_risk + neighbours_with_deals)


def coercion_bloc(share_us: float, orientation: float) -> float:
    """Joining a bloc set against the US risks the market one depends on (negative); a bloc
    friendly to the US carries no such risk."""
    return share_us * min(0.0, orientation)


def influence(lobby: float, orientation: float) -> float:
    """The export lobby pulls toward institutions friendly to the US market and against
    those hostile to it (Hirschman's influence effect)."""
    return lobby * orientation


def ideology_affinity(ideology: float, orientation: float, lcd_appeal: float = 0.0) -> float:
    """Left governments (ideology < 0) like counter-hegemonic models, right ones (> 0) the
    acquiescent one; a lowest-common-denominator forum adds an appeal shared by all."""
    return ideology * orientation + lcd_appeal


def peer_pressure(peers_in: float) -> float:
    """Domino effect: the affinity-weighted share of neighbours already in, in [0, 1]."""
    return peers_in


def sovereignty_cost(depth: float, ideology: float) -> float:
    """Depth of commitments, felt up to twice as much by a nationalist (left) government."""
    return depth * (1.0 + max(0.0, -ideology))


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


def per_step(yearly: float, steps_per_year: int) -> float:
    """Convert a yearly probability into the probability per step."""
    return 1.0 - (1.0 - min(max(yearly, 0.0), 1.0)) ** (1.0 / steps_per_year)


def logistic(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))
