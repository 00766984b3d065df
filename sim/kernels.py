"""The theory applied to every state and institution at once.

Each function here is a loop over the states x institutions arrays that calls the rules of
sim/decision.py, sim/dynamics.py and sim/moves.py cell by cell, compiled with numba so a quarter
costs microseconds. Nothing here is theory of its own: it only says which rule applies to which
cell. States are rows (n), institutions columns (k); statuses are codes (sim/institutions.py)
read through boolean lookup tables indexed by code.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np
from numba import njit

from . import decision as rules
from . import dynamics

kernel = njit(cache=True)


class Catalogue(NamedTuple):
    """The institutions' fixed features as columns (k,), in the model's institution order."""

    market_us: np.ndarray  # how many times its markets count the US (0 or 1)
    market_china: np.ndarray
    market_members: np.ndarray
    trade_content: np.ndarray
    depth: np.ndarray  # before the US's rising demands
    us_agreement: np.ndarray  # bool: a bilateral agreement with the US (its depth rises)
    includes_us: np.ndarray  # bool
    preference: np.ndarray  # bool: a unilateral US preference programme
    economic_lean: np.ndarray
    lcd: np.ndarray  # bool: a lowest-common-denominator forum


@kernel
def aggregates(
    status, counts_as_us_talks, counts_as_in, has_us_text,
    us_agreement, us_deal, bloc,
    scope, others_in_scope, economic, contestation, bilateral, anyone_in, orientation, drift, gdp,
    same_subregion, n_subregion, trade_content,
):  # fmt: skip
    """What each state sees of the others this quarter: like-minded peers in each institution,
    its exports to the members (to the states in scope before anyone joins), each bloc's
    character (pulled by the other members' US deals), the other members' share of the region's
    GDP, and the share of its subregion's neighbours with a US deal or talks."""
    n, k = status.shape
    inn = np.zeros((n, k))
    for i in range(n):
        for j in range(k):
            code = status[i, j]
            inn[i, j] = 1.0 if (counts_as_us_talks[code] if us_agreement[j] else counts_as_in[code]) else 0.0
    has_deal = np.zeros(n)
    text = np.zeros(n)
    for i in range(n):
        for j in range(k):
            if us_deal[j]:
                has_deal[i] += inn[i, j]
                if has_us_text[status[i, j]]:
                    text[i] = 1.0
        has_deal[i] = min(1.0, has_deal[i])
    neighbours = np.zeros(n)
    for i in range(n):
        acc = 0.0
        for m in range(n):
            acc += same_subregion[i, m] * has_deal[m]
        neighbours[i] = acc / n_subregion[i]
    affinity = np.zeros((n, n))
    for i in range(n):
        for m in range(n):
            if m != i:
                affinity[i, m] = 1.0 - rules.political_distance(
                    economic[i], contestation[i], economic[m], contestation[m]
                )
    total_gdp = gdp.sum()
    if total_gdp == 0.0:
        total_gdp = 1.0
    peers = np.zeros((n, k))
    market = np.zeros((n, k))
    character = np.empty((n, k))
    gdp_share = np.zeros((n, k))
    for j in range(k):
        members = 0.0
        members_text = 0.0
        members_gdp = 0.0
        for m in range(n):
            members += inn[m, j]
            members_text += text[m] * inn[m, j]
            members_gdp += gdp[m] * inn[m, j]
        for i in range(n):
            p = 0.0
            x = 0.0
            for m in range(n):
                p += affinity[i, m] * scope[m, j] * inn[m, j]
                x += bilateral[i, m] * (inn[m, j] if anyone_in[j] else scope[m, j])
            peers[i, j] = p / others_in_scope[i, j]
            market[i, j] = x
            if bloc[j]:
                others = max(members - inn[i, j], 1.0)
                with_deals = (members_text - inn[i, j] * text[i]) / others
                character[i, j] = rules.bloc_character(orientation[j], with_deals, drift, trade_content[j])
                gdp_share[i, j] = (members_gdp - inn[i, j] * gdp[i]) / total_gdp
            else:
                character[i, j] = orientation[j]
    return peers, market, character, gdp_share, neighbours


@kernel
def membership_values(
    status, preference_held, in_force_code,
    share_us, share_china, lobby, economic, contestation, neighbours_with_deals, aid,
    orientation, members_market, members_gdp, peers,
    market_us, market_china, market_members, trade_content, depth, us_agreement, us_deal, includes_us,
    preference, economic_lean, lcd,
    preferences_risk, mfn_access_risk, lcd_appeal, economic_share, political_weight, us_demand, weights,
    exports_gdp, state_exports, free_zone, lobby_scale,
):  # fmt: skip
    """Every state's utility of membership of every institution (n, k), each term's weighted
    contribution and the raw terms (6, n, k): the six terms of sim/decision.py, weighted (cost
    negative in ``weights``) and summed in TERMS order."""
    n, k = status.shape
    value = np.empty((n, k))
    contrib = np.empty((6, n, k))
    raw = np.empty((6, n, k))
    for i in range(n):
        prefs = False
        in_force = 0
        for j in range(k):
            if preference[j] and preference_held[status[i, j]]:
                prefs = True
            if us_deal[j] and status[i, j] == in_force_code:
                in_force += 1
        at_risk = rules.access_at_risk(in_force > 0, prefs, mfn_access_risk)
        prefs_risk = preferences_risk if prefs else 0.0
        for j in range(k):
            o = orientation[i, j]
            us_access, lobby_stake = share_us[i], lobby[i]
            if us_deal[j]:  # what this deal adds to US access: nothing if another in force binds it
                bound = in_force - (1 if status[i, j] == in_force_code else 0) > 0
                us_access = rules.new_us_access(share_us[i], bound)
                lobby_stake = rules.new_us_access(lobby[i], bound)
            market = (
                market_us[j] * us_access
                + market_china[j] * share_china[i]
                + market_members[j] * members_market[i, j]
            )
            pull = rules.influence(lobby_stake, o)
            if includes_us[j]:
                coercion = (
                    0.0
                    if preference[j]
                    else rules.coercion_us_deal(share_us[i], prefs_risk, neighbours_with_deals[i])
                )
                weight = 1.0
            else:
                coercion = rules.coercion_bloc(share_us[i], o, at_risk)
                weight = rules.political_weight(members_gdp[i, j], political_weight)
                pull += rules.bloc_lobby(
                    members_market[i, j],
                    exports_gdp[i],
                    state_exports[i],
                    free_zone[i],
                    lobby_scale,
                    trade_content[j],
                )
            terms = (
                rules.econ_gain(market, trade_content[j], aid[i, j]),
                coercion,
                pull,
                rules.alignment_expressed(preference[j])
                * rules.ideology_affinity(
                    economic[i], contestation[i], o, economic_lean[j], economic_share,
                    lcd_appeal if lcd[j] else 0.0, weight,
                ),
                rules.peer_pressure(peers[i, j]),
                rules.sovereignty_cost(
                    depth[j] + (us_demand if us_agreement[j] else 0.0), contestation[i], o
                ),
            )  # fmt: skip
            u = 0.0
            for t in range(6):
                raw[t, i, j] = terms[t]
                c = weights[t] * terms[t]
                contrib[t, i, j] = c
                u += c
            value[i, j] = u
    return value, contrib, raw


@kernel
def exit_costs(members_market, trade_content, bloc, base, per_trade):
    """What leaving each institution costs each state (n, k): rules.exit_cost for a bloc, from
    the state's exports to its members (``aggregates``); the fixed price anywhere else."""
    n, k = members_market.shape
    cost = np.full((n, k), base)
    for i in range(n):
        for j in range(k):
            if bloc[j]:
                cost[i, j] = rules.exit_cost(base, per_trade, members_market[i, j], trade_content[j])
    return cost


@kernel
def exclusivity_cost(status, value, exclusive_held, exclusive_into, exit_cost):
    """What joining each institution would cost each state in memberships exclusive with it
    (the pairs held -> joined): what they are worth to it, if positive, and the cost of leaving
    them (``exit_cost``: exit_costs)."""
    n, k = status.shape
    conflict = np.zeros((n, k))
    for p in range(exclusive_held.shape[0]):
        e, j = exclusive_held[p], exclusive_into[p]
        for i in range(n):
            if status[i, e] != 0:
                conflict[i, j] += max(0.0, value[i, e]) + exit_cost[i, e]
    return conflict


@kernel
def options(
    status, first_table, second_table, available, requirements_met, value,
    exclusive_held, exclusive_into, exit_cost, coef_value, coef_conflict, coef_exit, coef_committed, stay,
    temperature,
):  # fmt: skip
    """The quarter's options of every state: its first and second move in each institution
    (sim/moves.py's tables, -1 for none), their utilities (rules.MOVE_VALUE, each cell's
    ``exit_cost`` from exit_costs) laid out institution by institution (n, 2k, -inf where none),
    and rules.logit_choice's cumulative probabilities (staying first), the last open option and
    whether it has any."""
    n, k = status.shape
    conflict = exclusivity_cost(status, value, exclusive_held, exclusive_into, exit_cost)
    first = np.full((n, k), -1)
    second = np.full((n, k), -1)
    utils = np.full((n, 2 * k), -np.inf)
    last = np.full(n, -1)
    has = np.zeros(n, dtype=np.bool_)
    for i in range(n):
        for j in range(k):
            if not available[i, j]:
                continue
            code = status[i, j]
            a = first_table[code, j]
            if code == 0 and not requirements_met[i, j]:
                a = -1
            b = second_table[code, j]
            first[i, j] = a
            second[i, j] = b
            for slot, move in ((0, a), (1, b)):
                if move >= 0:
                    u = (
                        coef_value[move] * value[i, j]
                        - coef_conflict[move] * conflict[i, j]
                        - coef_exit[move] * exit_cost[i, j]
                        + coef_committed[move] * stay
                    )
                    utils[i, 2 * j + slot] = u
                    last[i] = 2 * j + slot
                    has[i] = True
    return first, second, utils, cumulative_logit(utils, stay, temperature), last, has


@kernel
def cumulative_logit(utilities, stay, temperature):
    """rules.logit_choice for every state at once: each row's cumulative choice probabilities,
    staying first, then each option (-inf where none is open). A uniform draw below the first
    stays put, else it picks the first option whose cumulative probability passes it."""
    n, m = utilities.shape
    out = np.empty((n, m + 1))
    for i in range(n):
        top = stay
        for c in range(m):
            top = max(top, utilities[i, c])
        total = math.exp((stay - top) / temperature)
        out[i, 0] = total
        for c in range(m):
            if utilities[i, c] > -np.inf:
                total += math.exp((utilities[i, c] - top) / temperature)
            out[i, c + 1] = total
        for c in range(m + 1):
            out[i, c] /= total
    return out


@kernel
def advance(
    status, us_deal, in_force_code,
    share_us, share_china, share_region, lobby, exports_gdp, state_exports, free_zone,
    economic, contestation, leaning_economic, leaning_contestation, commodity,
    creation, china_pull, china_growth, steps_per_year, china_cap, lobby_scale, lobby_adjust, leaning_adjust,
):  # fmt: skip
    """One period of sim/dynamics.py for every state, in place: trade creation by a US deal in
    force, China's pull, the lobby toward its stake, the electorate toward the government."""
    n, k = status.shape
    for i in range(n):
        deal = False
        for j in range(k):
            if us_deal[j] and status[i, j] == in_force_code:
                deal = True
        su, sr = dynamics.trade_creation(share_us[i], share_china[i], share_region[i], deal, creation)
        cn = dynamics.china_pull(
            share_china[i], commodity[i], china_pull, china_growth, steps_per_year, china_cap
        )
        scale = (1.0 - cn) / (1.0 - share_china[i])
        share_us[i] = su * scale
        share_region[i] = sr * scale
        share_china[i] = cn
        stake = rules.lobby_stake(share_us[i], exports_gdp[i], state_exports[i], free_zone[i], lobby_scale)
        lobby[i] = dynamics.adjust(lobby[i], stake, lobby_adjust)
        leaning_economic[i] = dynamics.adjust(leaning_economic[i], economic[i], leaning_adjust)
        leaning_contestation[i] = dynamics.adjust(leaning_contestation[i], contestation[i], leaning_adjust)


@kernel
def us_pending(status, us_decides, us_talks, preference, member_code):
    """The rows (states) with a US deal or talks the US has to decide about, or preferences it
    could withdraw."""
    n, k = status.shape
    out = []
    for i in range(n):
        for j in range(k):
            code = status[i, j]
            if (us_talks[j] and us_decides[code]) or (preference[j] and code == member_code):
                out.append(i)
                break
    return out


@kernel
def holds(status, kinds, columns, us_deal, us_deal_held, in_force_code, counts_as_in):
    """Which states (rows) hold everything a requirement list names: kind 0 a US deal signed or
    further, kind 1 a US deal in force, kind 2 membership of the institution in ``columns``."""
    n, k = status.shape
    out = np.ones(n, dtype=np.bool_)
    for i in range(n):
        for r in range(kinds.shape[0]):
            if kinds[r] == 2:
                ok = counts_as_in[status[i, columns[r]]]
            else:
                ok = False
                for j in range(k):
                    code = status[i, j]
                    if us_deal[j] and (us_deal_held[code] if kinds[r] == 0 else code == in_force_code):
                        ok = True
            if not ok:
                out[i] = False
                break
    return out
