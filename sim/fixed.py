"""What a scenario fixes for every run of it: the institutions as columns of the model's arrays,
the US policy timeline as per-step lookups, the election calendar.

Nothing here changes during a run, so runs of one scenario object share it (``for_scenario``):
the replicates of a sweep point build it once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterable
from types import SimpleNamespace
from typing import Any

import numpy as np

from . import decision as rules
from . import kernels, us_deal
from .dates import Calendar, parse_date
from .institutions import InstitutionState
from .scenario import TRADE_REQUIREMENT, Scenario
from .tables import Tables

#: (scenario object, fingerprint, name) -> what was built; a few scenarios at a time
_CACHE: dict[tuple, tuple[Scenario, tuple, SimpleNamespace]] = {}
_CACHE_SIZE = 48


def _fingerprint(sc: Scenario) -> tuple:
    """The identities of the parts of a scenario these structures come from, so that a scenario
    whose parts were reassigned since is not taken for the one it was."""
    parts = (sc.institutions, sc.us_policy, sc.compatibility, sc.time, sc.data, sc.states)
    return tuple(id(x) for x in parts)


def for_scenario(sc: Scenario, name: str, build: Callable[[], SimpleNamespace]) -> SimpleNamespace:
    """``build()``, or what it gave for the same scenario object before."""
    key = (id(sc), name)
    hit = _CACHE.get(key)
    if hit is not None and hit[0] is sc and hit[1] == _fingerprint(sc):
        return hit[2]
    out = build()
    _CACHE[key] = (sc, _fingerprint(sc), out)
    while len(_CACHE) > _CACHE_SIZE:
        _CACHE.pop(next(iter(_CACHE)))
    return out


def institution_columns(insts: dict[str, InstitutionState], sc: Scenario, cal: Calendar) -> SimpleNamespace:
    """The institutions' fixed features as columns (k,): ids and their order, kind masks, the
    catalogue the kernels read, exclusive pairs, dated acts as steps, the US deals and map
    categories (sim/us_deal.py)."""
    out = SimpleNamespace()
    states = list(insts.values())
    out.ids = [i.id for i in states]
    out.col = {iid: j for j, iid in enumerate(out.ids)}
    out.specs = [i.spec for i in states]
    kind = np.array([i.kind for i in states])
    includes_us = np.array([i.includes_us for i in states], dtype=bool)
    out.is_ = {
        "us_agreement": kind == "us_agreement",
        "hemispheric": kind == "hemispheric",
        "preference": kind == "preference",
        "bloc": kind == "bloc",
        "approval": np.array([s.accession == "approval" for s in out.specs]),
        "us_deal": np.array([us_deal.is_us_deal(i.kind, i.includes_us) for i in states], dtype=bool),
        "includes_us": includes_us,
        "sponsored": np.array([s.economic_model == "social" and bool(s.sponsor) for s in out.specs]),
        "plurilateral": np.array([s.plurilateral for s in out.specs], dtype=bool),
        "negotiates_as_one": np.array([s.negotiates_as_one for s in out.specs], dtype=bool),
    }

    def count(market: str) -> np.ndarray:
        return np.array([float(i.markets.count(market)) for i in states])

    out.catalogue = kernels.Catalogue(
        market_us=count("us"),
        market_china=count("china"),
        market_members=count("members"),
        trade_content=np.array([s.trade_content for s in out.specs]),
        depth=np.array([s.depth for s in out.specs]),
        us_agreement=out.is_["us_agreement"],
        includes_us=includes_us,
        preference=out.is_["preference"],
        economic_lean=np.array([rules.ECONOMIC_LEAN[s.economic_model] for s in out.specs]),
        lcd=np.array([s.political_model == "lowest_common_denominator" for s in out.specs]),
    )
    out.orientation = np.array([i.orientation for i in states])
    out.us_deal_ids = us_deal.us_deal_ids(insts)
    out.map_categories = us_deal.map_categories(sc.institutions)
    out.us_talks_mask = out.is_["us_agreement"] | out.is_["hemispheric"]
    out.us_talks_cols = frozenset(np.flatnonzero(out.us_talks_mask).tolist())
    out.us_deal_cols = np.flatnonzero(out.is_["us_deal"])
    out.preference_cols = np.flatnonzero(out.is_["preference"])
    #: per column: (a preference, a US deal, a bloc a sponsor pays for)
    flags = ("preference", "us_deal", "sponsored")
    out.column_flags = list(zip(*(out.is_[f].tolist() for f in flags), strict=True))
    out.requiring = [(j, s.requires) for j, s in enumerate(out.specs) if s.requires]
    #: whether any institution asks for free-trade agreements with its members
    out.trade_links = any(TRADE_REQUIREMENT in s.requires for s in out.specs)
    exclusive: dict[int, list[int]] = {}
    for c in sc.compatibility:
        exclusive.setdefault(out.col[c.a], []).append(out.col[c.b])
        exclusive.setdefault(out.col[c.b], []).append(out.col[c.a])
    out.exclusive = {out.ids[j]: {out.ids[e] for e in es} for j, es in exclusive.items()}
    #: the exclusive pairs as two columns: the institution held, the one joined
    pairs = [(e, j) for j, es in exclusive.items() for e in es]
    out.exclusive_pairs = (
        np.array([e for e, _ in pairs], dtype=np.int64),
        np.array([j for _, j in pairs], dtype=np.int64),
    )

    def step(date: str | None) -> int | None:
        return cal.step_of(date) if date else None

    out.dated = {
        iid: {
            "founding": step(s.founding.date) if s.founding else None,
            "conclusion": step(s.conclusion),
            "entry_into_force": step(s.entry_into_force),
            "closing": step(s.closing),
            "deadline": step(s.deadline),
        }
        for iid, s in zip(out.ids, out.specs, strict=True)
    }
    #: step -> the institutions with a dated act in it, in catalogue order
    out.dated_at: dict[int, list[str]] = {}
    for iid, acts in out.dated.items():
        for t in sorted({t for t in acts.values() if t is not None}):
            out.dated_at.setdefault(t, []).append(iid)
    out.labels = [cal.label(t) for t in range(cal.n_steps + 1)]
    out.years = [cal.year(t) for t in range(cal.n_steps + 1)]
    return out


def _window_steps(cal: Calendar, windows: Iterable) -> frozenset[int]:
    """The steps a list of date windows (both ends inclusive) covers."""
    return frozenset(k for w in windows for k in range(cal.step_of(w.start), cal.step_of(w.end) + 1))


def policy_lookups(sc: Scenario, cal: Calendar) -> SimpleNamespace:
    """The US policy timeline as per-step lookups: competitive liberalization, trade promotion
    authority, the Congress of each step, the preference programme's expiry dates, the years
    with no new agreements, and when each institution's members may suspend taking part."""
    pol = sc.us_policy
    out = SimpleNamespace()
    out.cl_steps = _window_steps(cal, pol.competitive_liberalization)
    out.tpa_steps = _window_steps(cal, pol.tpa)
    #: per step: (the majority's base approval rate, how strictly it applies the template)
    congress = [(0.0, 0.0)] * (cal.n_steps + 1)
    for c in pol.congress:
        for k in _window_steps(cal, [c]):
            if 0 <= k < len(congress):
                congress[k] = (c.approval_rate, c.conditions)
    out.congress = congress
    #: per step: the first step of the run of template Congresses it is in (None outside one)
    out.template_since: list[int | None] = []
    start = None
    for k, (_, conditions) in enumerate(congress):
        start = (k if start is None else start) if conditions > 0 else None
        out.template_since.append(start)
    out.atpdea_expiry = sorted(parse_date(d) for d in pol.atpdea_expiry)
    out.atpdea_final = cal.step_of(pol.atpdea_final) if pol.atpdea_final else None
    out.no_new_steps = _window_steps(cal, pol.no_new_agreements)
    out.paused_steps = _window_steps(cal, pol.talks_paused)
    #: per institution whose members may suspend their own participation: from which step
    out.lapse_from: dict[str, int] = {}
    for iid, spec in sc.institutions.items():
        flag = spec.participation_can_lapse
        if flag is True:
            out.lapse_from[iid] = 0
        elif isinstance(flag, str):
            out.lapse_from[iid] = cal.step_of(flag)
    return out


def election_calendar(
    iso_list: Iterable[str], tables: Tables, cal: Calendar
) -> dict[int, list[tuple[int, Any]]]:
    """Step -> the (state's row, leader's term) of the governments that take office in it, for
    the terms that start during the run (the government in office at the start is installed
    with the state)."""
    eps = 1e-9
    starts = [cal.time(t) - eps for t in range(cal.n_steps + 1)]
    out: dict[int, list[tuple[int, Any]]] = {}
    for i, iso3 in enumerate(iso_list):
        for term in tables.terms.get(iso3, ()):
            t = bisect.bisect_right(starts, term["start_t"]) - 1
            in_run = 0 <= t < cal.n_steps and term["start_t"] < starts[t + 1]
            if in_run and (t > 0 or term["start_t"] > cal.time(0) + eps):
                out.setdefault(t, []).append((i, term))
    return out
