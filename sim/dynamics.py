"""How the situation moves between choices: trade, the export lobby, the electorate, a bloc's
cohesion. Pure functions of one state's numbers (sim/kernels.py applies them to every state)."""

from __future__ import annotations

import statistics

from . import decision as rules
from .decision import rule


@rule
def trade_creation(
    share_us: float, share_china: float, share_region: float, deal_in_force: bool, rate: float
) -> tuple[float, float]:
    """A US deal in force pulls exports toward the US, out of the region and the rest of the
    world in proportion to their size (``rate`` per step). Returns the new US and regional
    shares."""
    others = 1.0 - share_us - share_china
    if not deal_in_force or others <= 1e-12:
        return share_us, share_region
    d_us = rate * others
    return share_us + d_us, share_region * (1.0 - d_us / others)


@rule
def china_pull(
    share_china: float, commodity: float, pull: float, dlog: float, steps_per_year: int, cap: float
) -> float:
    """China's demand (its import growth ``dlog``, in logs) moves a commodity exporter's share of
    exports to China, never beyond ``cap``."""
    cn = share_china + pull * commodity * dlog / steps_per_year * (1.0 - share_china)
    return min(cap, max(0.0, cn))


@rule
def adjust(current: float, target: float, rate: float) -> float:
    """Close a share ``rate`` of the gap to ``target``: the lobby toward its stake, the
    electorate's leaning toward the government's position."""
    return current + rate * (target - current)


def endogenous_position(
    leaning_economic: float,
    leaning_contestation: float,
    lobby: float,
    growth: float,
    incumbent_side: int,
    p,
) -> tuple[float, float]:
    """The expected position of an elected government before noise: the electorate's leaning,
    pulled right and toward the US by the export lobby (above ``election_lobby_reference``), and
    toward the incumbent's side when growth beats ``election_growth_reference``."""
    lobby_gap = lobby - p.election_lobby_reference
    economic = (
        leaning_economic
        + p.election_lobby_pull * lobby_gap
        + p.election_economy_pull * (growth - p.election_growth_reference) * incumbent_side
    )
    return economic, leaning_contestation - p.election_lobby_pull * lobby_gap / 2.0


def medians_of_the_others(values: list[float]) -> list[float]:
    """For each entry, the median of all the other entries (as statistics.median gives it)."""
    ranked = sorted(values)
    m = len(values) - 1

    def kth(k: int, r: int) -> float:  # k-th smallest once rank r is taken out
        return ranked[k] if k < r else ranked[k + 1]

    out = []
    for x in values:
        r = ranked.index(x)
        if m % 2:
            out.append(kth(m // 2, r))
        else:
            out.append((kth(m // 2 - 1, r) + kth(m // 2, r)) / 2)
    return out


def back_within_the_others(
    economic: float,
    contestation: float,
    others_economic: list[float],
    others_contestation: list[float],
    limit: float,
) -> bool:
    """Whether a member the cohesion rule sanctioned may be readmitted: its government now
    stands within ``limit`` of the median position of the active members, or fewer than two of
    them remain and the rule (three members at least) no longer applies. Its sanction lasts
    while its politics stay apart, not one quarter: Mercosur kept Venezuela suspended after
    December 2016."""
    if len(others_economic) < 2:
        return True
    distance = rules.political_distance(
        economic, contestation, statistics.median(others_economic), statistics.median(others_contestation)
    )
    return distance <= limit


def far_from_the_others(economic: list[float], contestation: list[float], limit: float) -> list[bool]:
    """Which members of a bloc stand further than ``limit`` from the median position of the
    others (a bloc's cohesion rule)."""
    med_e, med_c = medians_of_the_others(economic), medians_of_the_others(contestation)
    return [
        rules.political_distance(e, c, me, mc) > limit
        for e, c, me, mc in zip(economic, contestation, med_e, med_c, strict=True)
    ]
