"""How the situation moves between choices: trade, the export lobby, the electorate, what the
states see of each other and of the blocs. Pure functions of arrays (one entry per state)."""

from __future__ import annotations

import numpy as np

from . import decision as rules


def affinity(economic: np.ndarray, contestation: np.ndarray) -> np.ndarray:
    """How like-minded each pair of governments is (1 - political distance), zero with itself:
    like-minded neighbours count fully as peers, ideological opposites hardly at all."""
    aff = 1.0 - rules.political_distance(
        economic[:, None], contestation[:, None], economic[None, :], contestation[None, :]
    )
    np.fill_diagonal(aff, 0.0)
    return aff


def others_share(inn: np.ndarray, weights: np.ndarray, denominator: np.ndarray | float) -> np.ndarray:
    """For each state (rows) and institution (columns): the other members' total of ``weights``
    (a per-state vector), over ``denominator``."""
    return (weights @ inn - inn * weights[:, None]) / denominator


def trade_creation(
    share_us: np.ndarray, share_china: np.ndarray, share_region: np.ndarray, deal: np.ndarray, rate: float
) -> tuple[np.ndarray, np.ndarray]:
    """A US deal in force pulls exports toward the US, out of the region and the rest of the
    world in proportion to their size (``rate`` per step). Returns the new US and regional
    shares."""
    others = 1.0 - share_us - share_china
    moves = deal & (others > 1e-12)
    safe = np.where(moves, others, 1.0)
    d_us = rate * safe
    region = np.where(moves, share_region * (1.0 - d_us / safe), share_region)
    return np.where(moves, share_us + d_us, share_us), region


def china_pull(
    share_china: np.ndarray, commodity: np.ndarray, pull: float, dlog: float, steps_per_year: int, cap: float
) -> np.ndarray:
    """China's demand (its import growth ``dlog``, in logs) moves a commodity exporter's share of
    exports to China, never beyond ``cap``."""
    cn = share_china + pull * commodity * dlog / steps_per_year * (1.0 - share_china)
    return np.minimum(cap, np.maximum(0.0, cn))


def adjust(current: np.ndarray, target: np.ndarray, rate: float) -> np.ndarray:
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


def far_from_the_others(economic: list[float], contestation: list[float], limit: float) -> list[bool]:
    """Which members of a bloc stand further than ``limit`` from the median position of the
    others (a bloc's cohesion rule)."""
    med_e, med_c = medians_of_the_others(economic), medians_of_the_others(contestation)
    return [
        rules.political_distance(e, c, me, mc) > limit
        for e, c, me, mc in zip(economic, contestation, med_e, med_c, strict=True)
    ]
