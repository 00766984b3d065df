"""The documented record as the app draws it: counts named like the model's series, map categories.

The replay of the events into statuses is ``sim.documented`` (shared with the fit score) and
what counts as a US deal is ``sim.us_deal`` (shared with the model's own counts); this module
only turns the statuses at a time into what the charts and the map's documented layer show.
When the history file is absent (a trimmed install), the app simply draws no history.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path

from ..documented import HISTORY_CSV, statuses_before
from ..institutions import ACTIVE
from ..us_deal import IN_FORCE, alignment


def by_state(statuses: Mapping[tuple[str, str], str]) -> dict[str, dict[str, str]]:
    """(state, institution) -> status regrouped as state -> institution -> status, as a state holds them."""
    out: dict[str, dict[str, str]] = defaultdict(dict)
    for (iso3, iid), st in statuses.items():
        out[iso3][iid] = st
    return out


def documented_series(
    times: Sequence[float],
    us_agreements: Iterable[str],
    blocs: Iterable[str],
    path: str | Path = HISTORY_CSV,
) -> dict[str, list[int]]:
    """Documented counts at each time, named like the model's DataCollector columns:
    ``us_ftas_in_force`` (states with a US deal in force) and ``members_<BLOC>`` (states in the
    bloc). An event dated before ``t`` counts at ``t``. Empty when the history file is missing."""
    if not Path(path).exists():
        return {}
    us, blocs = set(us_agreements), list(blocs)
    out: dict[str, list[int]] = {"us_ftas_in_force": [], **{f"members_{b}": [] for b in blocs}}
    for t in times:
        st = statuses_before(t, path)
        out["us_ftas_in_force"].append(len({c for (c, i), s in st.items() if i in us and s == IN_FORCE}))
        for b in blocs:
            out[f"members_{b}"].append(sum(1 for (_, i), s in st.items() if i == b and s in ACTIVE))
    return out


def documented_alignments(
    t: float,
    states: Iterable[str],
    us_agreements: Iterable[str],
    categories: Mapping[str, str],
    path: str | Path = HISTORY_CSV,
) -> dict[str, str]:
    """Each state's map category in the record just before time ``t``, by the model's rule
    (``us_deal.alignment``). Every state "none" when the history file is missing."""
    held = by_state(statuses_before(t, path)) if Path(path).exists() else {}
    us = list(us_agreements)
    return {iso3: alignment(held.get(iso3, {}), us, categories) for iso3 in states}


def documented_alignment_index(
    times: Sequence[float],
    gdp: dict[str, Sequence[float]],
    us_agreements: Iterable[str],
    categories: Mapping[str, str],
    scores: dict[str, float],
    path: str | Path = HISTORY_CSV,
) -> list[float]:
    """The GDP-weighted US-alignment index of the record at each time: the model's formula
    (``scores`` per category, weights ``gdp[iso3][k]`` at time ``k``) on documented statuses.
    Empty when the history file is missing."""
    if not Path(path).exists():
        return []
    us = list(us_agreements)
    out = []
    for k, t in enumerate(times):
        cat = documented_alignments(t, gdp, us, categories, path)
        tot = sum(g[k] for g in gdp.values())
        val = sum(g[k] * scores[cat[iso]] for iso, g in gdp.items())
        out.append(val / tot if tot else 0.0)
    return out
