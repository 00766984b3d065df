"""The tradeblocs Mesa model: the Americas, 2003-2016, one step a quarter by default.

The model holds the run's state as arrays (states are rows, institutions columns): each state's
status in each institution as a small integer code, its trade, government and lobby as vectors.
The agents (sim/agents.py) are thin views onto those arrays. The theory lives elsewhere:
sim/decision.py (what a move is worth), sim/moves.py (which moves are open), sim/dynamics.py
(how the situation moves) and sim/us_policy.py (the US's side). This module orchestrates.

Within a quarter, governments choose **simultaneously**: each weighs its options on the
situation at the start of the quarter (peers, markets, what each bloc has become), and they act
in a random order that matters only for the US's side of a signature: each deal signed raises
the US's demands on the next one at once (``demand_step``), and a sponsor that leaves its bloc
stops paying at once.
"""

from __future__ import annotations

import bisect
import math
from dataclasses import astuple
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from . import decision as rules
from . import dynamics, fixed, kernels, us_policy
from . import moves as mv
from .agents import LatinState, UnitedStates
from .institutions import (
    CODE,
    CODES,
    IS_ACTIVE,
    IS_PREFERENCE_HELD,
    IS_US_DEAL,
    IS_US_PENDING,
    IS_US_TALKS,
    IS_US_TEXT,
    InstitutionState,
)
from .scenario import TRADE_REQUIREMENT, Scenario, read_raw, resolve_path, validate, with_overrides
from .tables import load_tables

DEFAULT_SCENARIO = "baseline_calibrated"
#: notes of the dated acts a scenario imposes (forced)
DATED = "entered into force on the scenario's date"
ENDED = "ended on the scenario's date"
ALIGNMENT_SCORE = {
    "us_fta": 1.0,
    "us_fta_pending": 0.5,
    "alba": -1.0,
    "mercosur": -0.25,
    "none": 0.0,
}
#: how a chosen move changes the state's status (None: it leaves)
MOVE_STATUS = {
    "requested": "requested",
    "acceding": "acceding",
    "joined": "member",
    "signed": "signed",
    "ratified": "ratified",
    "suspended": "suspended",
    "resumed": "member",
}


def scenario_with(scenario: str | Path | Scenario, **overrides: Any) -> Scenario:
    """The scenario to run with keyword overrides applied: parameter names (``w_influence=2``),
    dotted keys (``"exogenous.china_strength"``), ``competitive_liberalization=False``,
    ``elections="endogenous"`` or ``china_strength=0.5`` (scenario.with_overrides). Validated
    like a file."""
    if isinstance(scenario, Scenario):
        if not overrides:
            return scenario
        raw = scenario.model_dump(mode="json", exclude_none=True)
        origin = f"scenario {scenario.name} with overrides"
    else:
        path = resolve_path(scenario)
        raw, origin = read_raw(path), str(path)
    return validate(with_overrides(raw, overrides), origin)


class TradeBlocsModel(mesa.Model):
    """Latin American states choosing between US deals and US-excluding blocs.

    Args:
        scenario: a scenario name in ``scenarios/``, a path, or a loaded ``Scenario``.
        seed / rng: as for ``mesa.Model``; when both are None the scenario's seed is used.
        collect: ``"full"`` records per-state time series every step (Mesa DataCollector),
            ``"model"`` only hemisphere-level series, ``"none"`` nothing but events and spells.
        **overrides: parameter values by name (``w_influence=2``) or dotted scenario keys
            (``"exogenous.china_strength"``); ``competitive_liberalization=False`` switches the
            US policy off; ``elections="endogenous"`` draws election winners.
    """

    def __init__(
        self,
        scenario: str | Path | Scenario = DEFAULT_SCENARIO,
        *,
        seed: int | None = None,
        rng: Any = None,
        collect: str = "full",
        **overrides: Any,
    ) -> None:
        sc = scenario_with(scenario, **overrides)
        if seed is None and rng is None:
            seed = sc.seed
        super().__init__(seed=seed, rng=rng)
        self.scenario = sc
        self.p = sc.parameters
        p = self.p
        self.weights = rules.Weights(p.w_econ, p.w_coercion, p.w_influence, p.w_ideology, p.w_peer, p.w_cost)
        #: the same weights in TERMS order as the kernels read them, cost negative (rules.weigh)
        signs = [-1.0 if t == "cost" else 1.0 for t in rules.TERMS]
        self._weights = np.array([sign * w for sign, w in zip(signs, astuple(self.weights), strict=True)])
        self.calendar = sc.calendar()
        d = sc.data
        self.tables = load_tables(**d.model_dump())
        #: the US policy timeline as per-step lookups (sim/fixed.py)
        self.policy = fixed.for_scenario(sc, "policy", lambda: fixed.policy_lookups(sc, self.calendar))
        self._version = 0
        self.steps_done = 0
        self.events: list[dict] = []
        self._spells: list[dict] = []
        self._open_spell: dict[tuple[str, str], dict] = {}
        self.us_approved: dict[tuple[str, str], int] = {}
        #: plurilateral texts whose implementing act Congress has passed (us_policy.covered_by_act)
        self.acts_passed: set[str] = set()
        #: (state, US deal) -> the step it was signed: a deal signed before the template must be amended
        self.signed_at: dict[tuple[str, str], int] = {}
        self.us_demand = 0.0
        #: (self._version, set above) counts changes to anything the values of membership read
        #: (model.values); the values and the quarter's choices are recomputed only when it moves
        self._values_memo: tuple[int, Any] = (-1, None)
        self._choices: Any = None
        self._choices_version = -1
        self._choices_statuses = -1
        self._move_tables: tuple = (None, None)
        #: the step and the institutions open when the move tables were last checked
        self._move_tables_step: tuple = (None, None)
        self._requirement_codes: dict[tuple, tuple[np.ndarray, np.ndarray]] = {}
        self._aid_memo: tuple = (None, None)
        self._far_memo: tuple = (None, None)
        self._requirements_memo: tuple = (None, None)
        self._links_memo: tuple = (None, None)
        self._coalition_memo: tuple = (None, None)
        #: step since which each endogenous bloc's founders have wanted it (rules.founding_prepared)
        self._wanted_since: dict[str, int] = {}
        self._exit_memo: tuple = (None, None)
        #: (status version, requirement list -> which states hold it)
        self._holds_memo: tuple = (None, {})
        #: counts status changes (for what depends on statuses alone)
        self._status_version = 0

        # institutions, as columns
        self.insts = {
            iid: InstitutionState.build(iid, spec, sc.states) for iid, spec in sc.institutions.items()
        }
        #: the institutions as columns of the arrays (sim/fixed.py)
        self.cols = fixed.for_scenario(
            sc, "columns", lambda: fixed.institution_columns(self.insts, sc, self.calendar)
        )
        self.us_deal_ids, self.map_categories = self.cols.us_deal_ids, self.cols.map_categories
        self.exclusive = self.cols.exclusive
        #: in catalogue order, the institutions that may be founded by their founders' will or
        #: that are blocs: (institution, column, endogenous founding, bloc)
        self._bloc_rules = [
            (inst, j, bool(inst.spec.founding and inst.spec.founding.endogenous), inst.kind == "bloc")
            for j, inst in enumerate(self.insts.values())
            if (inst.spec.founding and inst.spec.founding.endogenous) or inst.kind == "bloc"
        ]

        # states, as rows: the arrays first, then the agents that view them
        self._iso_list = tuple(sc.states)
        n, k = len(self._iso_list), len(self.insts)
        info = self.tables.state_info
        table = {c: np.array([float(info[s][c]) for s in self._iso_list]) for c in _FIXED}
        self.commodity = table["commodity_intensity"]
        self.state_exports = table["state_export_share"]
        self.free_zone = table["free_zone_share"]
        self.oil_imports_kbd = table["oil_net_imports_kbd"]
        for name in _PER_STATE:
            setattr(self, name, np.zeros(n))
        self.irregular = np.zeros(n, dtype=bool)
        self.leader = [""] * n
        #: each state's status in each institution (codes into institutions.CODES; 0: not in)
        self.status = np.zeros((n, k), dtype=np.int8)
        #: which sanctions the members imposed under their cohesion rule (the rest: their
        #: democratic clause, or the US's withdrawal of a preference)
        self.cohesion_sanctioned = np.zeros((n, k), dtype=bool)
        #: the step each status began, and the order statuses were taken (for a stable listing)
        self.since = np.zeros((n, k), dtype=np.int64)
        #: per state, institution column -> status code in the order taken (the rows as dicts,
        #: for loops over the few statuses a state holds)
        self.held: list[dict[int, int]] = [{} for _ in range(n)]
        self._scope = np.array(
            [[iso in inst.scope for inst in self.insts.values()] for iso in self._iso_list], dtype=bool
        )
        for i, iso3 in enumerate(self._iso_list):
            LatinState(self, iso3, info[iso3], i)
        self.us = UnitedStates(self)
        # Mesa 3.3 counts agent ids per model in a class-level dict keyed by the model, which keeps
        # every model alive for the life of the process (0.3 MB a run in a sweep); this model
        # creates no agents after this point, so its counter can go
        mesa.Agent._ids.pop(self, None)
        self.states: list[LatinState] = list(self.agents_by_type[LatinState])
        self.by_iso = {s.iso3: s for s in self.states}
        self._idx = {iso: i for i, iso in enumerate(self._iso_list)}
        sub = np.array([s.subregion for s in self.states])
        self._same_sub = (sub[:, None] == sub[None, :]).astype(float)
        np.fill_diagonal(self._same_sub, 0.0)
        self._n_sub = np.maximum(self._same_sub.sum(axis=1), 1.0)
        #: when each pair first held a free-trade agreement in force (inf: never)
        self._fta_since = self.tables.agreement_dates(self._iso_list)
        scope = self._scope.astype(float)
        #: the scope as numbers, and how many others each state could meet in each institution
        self._scope_float = (scope, np.maximum(scope.sum(axis=0) - scope, 1.0))
        self._sponsor_row = np.array(
            [self._idx.get(spec.sponsor, -1) if spec.sponsor else -1 for spec in self.cols.specs]
        )
        #: (column, sponsor's row) of the blocs a sponsor in the run pays for
        self._sponsors = [
            (j, int(r)) for j, r in enumerate(self._sponsor_row) if r >= 0 and self.cols.is_["sponsored"][j]
        ]

        # leaders and the election calendar
        t0 = self.calendar.start
        self._set_economy(self.calendar.year(0))
        self.share_us, self.share_china, self.share_region = (
            a.copy() for a in self._trade_year(self.calendar.year(0))[2:]
        )
        for i, iso3 in enumerate(self._iso_list):
            self._install(i, self._term_at(iso3, t0))
        self.leaning_economic = self.economic.copy()
        self.leaning_contestation = self.contestation.copy()
        self.lobby = self._lobby_target()
        self._elections = fixed.for_scenario(
            sc, "elections", lambda: fixed.election_calendar(self._iso_list, self.tables, self.calendar)
        )

        # starting memberships
        for st in sc.initial:
            if st.country in self.by_iso:
                state = self.by_iso[st.country]
                self.set_status(state, st.institution, st.status, action="initial", log=False)
                if st.since:
                    self.since[self._idx[st.country], self.cols.col[st.institution]] = self.calendar.step_of(
                        st.since
                    )
                    self._open_spell[(st.country, st.institution)]["start"] = st.since
        for inst in self.insts.values():
            if inst.founded:
                inst.founded_step = 0
        #: (step, intervention), in the order they happen
        self._interventions = sorted(
            ((self.calendar.step_of(iv.date), iv) for iv in sc.interventions), key=lambda x: x[0]
        )

        self.collect = collect
        self.datacollector = self._make_collector(collect)
        self._refresh()
        self.running = True
        if self.datacollector is not None:
            self.datacollector.collect(self)

    # --- data collection -----------------------------------------------------------------

    def _make_collector(self, collect: str) -> mesa.DataCollector | None:
        if collect == "none":
            return None
        model_reporters = {
            "date": lambda m: m.date,
            "us_ftas_in_force": lambda m: m.us_ftas_in_force(),
            "us_alignment_index": lambda m: m.alignment_index(),
        }
        for iid in self.insts:
            model_reporters[f"members_{iid}"] = _members_reporter(iid)
        agent = {}
        if collect == "full":
            agent = {
                LatinState: {
                    "country": "iso3",
                    "gdp_usd_bn": "gdp",
                    "exports_gdp": "exports_gdp",
                    "share_us": "share_us",
                    "share_china": "share_china",
                    "share_region": "share_region",
                    "share_rest": "share_rest",
                    "economic": "economic",
                    "contestation": "contestation",
                    "ideology": "ideology",
                    "leader": "leader",
                    "lobby": "lobby",
                    "fta_stage": "fta_stage",
                    "alignment": "alignment",
                    "memberships": "memberships",
                }
            }
        return mesa.DataCollector(model_reporters=model_reporters, agenttype_reporters=agent)

    # --- time ----------------------------------------------------------------------------

    @property
    def steps_done(self) -> int:
        """Steps run so far (what the time-dependent values read: setting it moves them)."""
        return self._steps_done

    @steps_done.setter
    def steps_done(self, value: int) -> None:
        self._steps_done = value
        self._version += 1

    @property
    def date(self) -> str:
        """The date of the state the model is in: the start of the next step to run."""
        return self.calendar.label(self.steps_done)

    def step(self) -> None:
        """One period: scheduled events, the US, the states' choices, blocs, dynamics."""
        if not self.running:
            return
        t = self.steps_done
        self._scheduled(t)
        self.us.step()
        # governments weigh their options on the situation at the start of the quarter
        self._refresh()
        self._prepare_choices()
        self._governments_choose()
        self._blocs(t)
        self._hemispheric(t)
        self._dynamics(t)
        self.steps_done += 1
        if self.datacollector is not None:
            self.datacollector.collect(self)
        if self.steps_done >= self.calendar.n_steps:
            self.running = False

    def run(self, steps: int | None = None) -> TradeBlocsModel:
        """Run to the end of the scenario (or ``steps`` steps) and return self."""
        n = self.calendar.n_steps if steps is None else min(steps, self.calendar.n_steps)
        while self.running and self.steps_done < n:
            self.step()
        return self

    # --- status changes, events, spells --------------------------------------------------

    def status_of(self, i: int) -> dict[str, str]:
        """State ``i``'s statuses by institution, in the order it took them."""
        return {self.cols.ids[j]: CODES[c] for j, c in self.held[i].items()}

    def set_status(
        self,
        state: LatinState,
        iid: str,
        status: str | None,
        *,
        action: str | None = None,
        forced: bool = False,
        actor: str = "",
        utility: float | None = None,
        p: float | None = None,
        terms: dict[str, float] | None = None,
        log: bool = True,
        note: str = "",
    ) -> None:
        """Change a state's status in an institution, logging the event and the spells."""
        inst = self.insts[iid]
        i, j = state.index, self.cols.col[iid]
        if status is not None and state.iso3 not in inst.scope:
            raise ValueError(f"{state.iso3} is outside the scope of {iid}")
        old = CODES[self.status[i, j]] or None
        self._status_version += 1
        if status == "in_force" and action != "initial" and old not in ("ratified", "signed"):
            raise ValueError(f"{state.iso3}/{iid}: in_force without signature")
        date = self._label(self.steps_done) if action != "initial" else ""
        key = (state.iso3, iid)
        if old is not None:
            spell = self._open_spell.pop(key)
            spell["end"] = date
            self._spells.append(spell)
        self.cohesion_sanctioned[i, j] = False  # the cohesion rule marks its own sanctions after
        if status is None:
            self.status[i, j] = 0
            self.held[i].pop(j, None)
            inst.members.discard(state.iso3)
            self.us_approved.pop(key, None)
        else:
            self.status[i, j] = self.held[i][j] = CODE[status]
            (inst.members.add if IS_ACTIVE[CODE[status]] else inst.members.discard)(state.iso3)
            self._open_spell[key] = {
                "country": state.iso3,
                "institution": iid,
                "status": status,
                "start": date,
                "end": "",
            }
            self.since[i, j] = self.steps_done
            if status == "signed":
                self.signed_at[key] = self.steps_done
        flags = self.cols.column_flags[j]  # preference, US deal, sponsored
        if flags[0] or (flags[1] and "in_force" in (old, status)) or (flags[2] and self._sponsor_row[j] == i):
            self._version += 1  # access at risk, preferences at risk or a sponsor's aid may move
        if log:
            act = action or {"member": "joined"}.get(status or "", status or "left")
            self.log_event(
                state.iso3, iid, act, forced=forced, actor=actor, utility=utility, p=p, terms=terms, note=note
            )

    def _label(self, t: int) -> str:
        """The calendar's label of step ``t`` (looked up for the steps of the run)."""
        labels = self.cols.labels
        return labels[t] if 0 <= t < len(labels) else self.calendar.label(t)

    def log_event(
        self,
        country: str,
        iid: str,
        action: str,
        *,
        forced: bool = False,
        actor: str = "",
        utility: float | None = None,
        p: float | None = None,
        terms: dict[str, float] | None = None,
        note: str = "",
    ) -> None:
        row = {
            "date": self._label(self.steps_done),
            "step": self.steps_done,
            "country": country,
            "institution": iid,
            "action": action,
            "forced": forced,
            "actor": actor or country,
            "utility": utility,
        }
        for k in rules.TERMS:
            row[k] = None if terms is None else terms[k]
        row["note"] = note
        self.events.append(row)

    def record_choice(
        self, state: LatinState, action: str, iid: str, u: float, contrib: dict[str, float]
    ) -> None:
        """Carry out a government's chosen move and log it with its terms."""
        status = MOVE_STATUS.get(action)
        binding = action in ("signed", "joined", "acceding")
        for other in self.exclusive.get(iid, ()):  # giving up what the move is exclusive with
            if binding and self.status[state.index, self.cols.col[other]]:
                self.set_status(state, other, None, action="left", note=f"exclusive with {iid}")
        state.last_decision = {
            "date": self.date,
            "action": action,
            "institution": iid,
            "utility": u,
            **contrib,
        }
        self.set_status(state, iid, status, action=action, utility=u, terms=contrib)
        if action == "signed" and self.cols.is_["us_deal"][self.cols.col[iid]]:
            self.us_demand += self.p.demand_step  # each deal raises the bar for the next
            self._version += 1

    @property
    def spells(self) -> list[dict]:
        """Membership spells (country, institution, status, start, end); open ones end ''."""
        every = [*self._spells, *(dict(s) for s in self._open_spell.values())]
        return sorted(every, key=lambda s: (s["country"], s["institution"], s["start"]))

    # --- what states see -----------------------------------------------------------------

    def _refresh(self) -> None:
        """Recompute per-step aggregates states read: peers, neighbours' deals, what blocs are
        (kernels.aggregates)."""
        is_ = self.cols.is_
        scope, others = self._scope_float
        seen = kernels.aggregates(
            self.status, IS_US_TALKS, IS_ACTIVE, IS_US_TEXT,
            is_["us_agreement"], is_["us_deal"], is_["bloc"],
            scope, others, self.economic, self.contestation,
            self.bilateral(),
            np.array([bool(i.members) for i in self.insts.values()]),
            self.cols.orientation, self.p.bloc_drift, self.gdp, self._same_sub, self._n_sub,
            self.cols.catalogue.trade_content,
        )  # fmt: skip
        self._peers, self._market, self._character, self._gdp_share, self._neighbour_deals = seen
        self.capacity = self.sponsor_capacity()
        self._version += 1

    def bilateral(self) -> np.ndarray:
        """This year's export shares between the states (row exporter, column partner), held at
        the scenario's ``bilateral_through`` year if it sets one."""
        year = self.calendar.year(self.steps_done)
        through = self.scenario.exogenous.bilateral_through
        if through is not None:
            year = min(year, through)
        return self.tables.bilateral_matrix(year, self._iso_list)

    def _aid(self) -> np.ndarray:
        """What each sponsor pays each state in its bloc: the sponsor values the leadership it
        buys (its capacity), the other states receive aid by their oil bill while it is in."""
        # it changes with the sponsor's capacity (the last refresh's), GDP and the year's oil price
        key = (self.capacity, self.gdp.tobytes(), self.oil_price(self.calendar.year(self.steps_done)),
               tuple(self.held[r].get(j, 0) for j, r in self._sponsors))  # fmt: skip
        if self._aid_memo[0] != key:
            aid = np.zeros(self.status.shape)
            for (j, sponsor), code in zip(self._sponsors, key[-1], strict=True):
                if IS_ACTIVE[code]:
                    aid[:, j] = [
                        rules.sponsor_aid(self.capacity, bill, self.p.oil_bill_reference)
                        for bill in self.oil_bill()
                    ]
                aid[sponsor, j] = self.capacity
            self._aid_memo = (key, aid)
        return self._aid_memo[1]

    def values(self) -> tuple[np.ndarray, np.ndarray]:
        """Every state's utility of membership of every institution now (n, k), and each term's
        weighted contribution (6, n, k, TERMS order): kernels.membership_values on the quarter's
        aggregates (the last refresh) and each state's own position and statuses as they stand."""
        p = self.p
        # the version counts what the run changes; the rest is what a user may set by hand
        key = (self._version, self.us_demand, p.mfn_access_risk, p.lcd_appeal, p.economic_share,
               p.political_weight, p.atpdea_horizon, p.certification_threat)  # fmt: skip
        if self._values_memo[0] != key:
            p, cat = self.p, self.cols.catalogue
            now = self.calendar.time(self.steps_done)
            upcoming = next((d for d in self.policy.atpdea_expiry if d >= now), None)
            value, contrib, raw = kernels.membership_values(
                self.status, IS_PREFERENCE_HELD, CODE["in_force"],
                self.share_us, self.share_china, self.lobby, self.economic, self.contestation,
                self._neighbour_deals, self._aid(),
                self._character, self._market, self._gdp_share, self._peers,
                cat.market_us, cat.market_china, cat.market_members, cat.trade_content, cat.depth,
                cat.us_agreement, self.cols.is_["us_deal"], cat.includes_us, cat.preference,
                cat.economic_lean, cat.lcd,
                us_policy.preferences_at_risk(now, upcoming, p.atpdea_horizon, p.certification_threat),
                p.mfn_access_risk, p.lcd_appeal, p.economic_share, p.political_weight, self.us_demand,
                self._weights, self.exports_gdp, self.state_exports, self.free_zone, p.lobby_scale,
            )  # fmt: skip
            self._values_memo = (key, (value, contrib, raw))
        return self._values_memo[1][:2]

    def raw_terms(self, state: LatinState, iid: str) -> dict[str, float]:
        """The six terms of membership of ``iid`` for ``state`` now, before weighting."""
        self.values()
        raw = self._values_memo[1][2]
        return {t: float(raw[n, state.index, self.cols.col[iid]]) for n, t in enumerate(rules.TERMS)}

    def trade_links(self) -> np.ndarray:
        """Which pairs of states hold a free-trade agreement in force with each other by the end
        of this quarter (n x n, from the trade agreements table)."""
        return self._trade_links_now()[1]

    def _trade_links_now(self) -> tuple[int, np.ndarray]:
        """The links (trade_links) and how many pairs they hold: agreements only ever enter into
        force, so the count tells one set of links from another."""
        end = self.calendar.time(self.steps_done + 1)
        if self._links_memo[0] != end:
            linked = self._fta_since < end
            self._links_memo = (end, (int(linked.sum()), linked))
        return self._links_memo[1]

    def requirements(self, requires: list[str], j: int | None = None) -> np.ndarray:
        """Which states hold what ``requires`` names: ``us_agreement`` is a US deal signed or
        further, ``us_agreement_in_force`` one in force, ``trade_agreements_with_members`` a
        free-trade agreement in force with each member of institution ``j`` (ignored without
        ``j``: founders are checked as a group, rules.founding_coalition), anything else an
        institution to be in."""
        if TRADE_REQUIREMENT in requires:
            rest = self.requirements([r for r in requires if r != TRADE_REQUIREMENT])
            if j is None:
                return rest
            members = np.flatnonzero(IS_ACTIVE[self.status[:, j]])
            return rest & rules.trades_freely_with_all(self.trade_links(), members)
        key = tuple(requires)
        if self._holds_memo[0] != self._status_version:  # statuses alone decide it
            self._holds_memo = (self._status_version, {})
        held = self._holds_memo[1].get(key)
        if held is not None:
            return held
        coded = self._requirement_codes.get(key)
        if coded is None:
            kinds = [{"us_agreement": 0, "us_agreement_in_force": 1}.get(r, 2) for r in requires]
            columns = [self.cols.col.get(r, -1) for r in requires]
            coded = self._requirement_codes[key] = (
                np.array(kinds, dtype=np.int64),
                np.array(columns, dtype=np.int64),
            )
        held = kernels.holds(
            self.status, *coded, self.cols.is_["us_deal"], IS_US_DEAL, CODE["in_force"], IS_ACTIVE
        )
        held.flags.writeable = False
        self._holds_memo[1][key] = held
        return held

    def _move_tables_now(self) -> tuple[tuple[np.ndarray, np.ndarray], np.ndarray]:
        """This step's move tables (sim/moves.py) and where institutions are open to states."""
        insts = self.insts.values()
        t = self.steps_done
        opened = tuple(i.open for i in insts)
        if self._move_tables_step == (t, opened):
            return self._move_tables[1]
        self._move_tables_step = (t, opened)
        # what the tables depend on: which institutions are open, the US policy of the step
        key = (
            opened,
            t in self.policy.cl_steps,
            self.can_sign(),
            tuple(t >= start for start in self.policy.lapse_from.values()),
        )
        if self._move_tables[0] != key:
            takes = np.array([self.us_takes_requests(i) for i in insts])
            lapse = np.array([self.participation_can_lapse(i) for i in insts])
            flags = self.cols.is_
            tables = mv.move_table(
                flags["us_agreement"], flags["hemispheric"], flags["preference"], flags["approval"],
                takes, lapse, self.can_sign(),
            )  # fmt: skip
            self._move_tables = (key, (tables, np.array(key[0]) & self._scope))
        return self._move_tables[1]

    def _requirements_table(self) -> np.ndarray:
        """Where each state meets each institution's requirements (True where none)."""
        key = (self._status_version, self._trade_links_now()[0] if self.cols.trade_links else None)
        if self._requirements_memo[0] != key:
            req = np.ones(self.status.shape, dtype=bool)
            for j, requires in self.cols.requiring:
                req[:, j] = self.requirements(requires, j)
            self._requirements_memo = (key, req)
        return self._requirements_memo[1]

    def options(self) -> tuple[np.ndarray, ...]:
        """Every state's options now (kernels.options): first and second move codes (n, k),
        their utilities as options (n, 2k, -inf where none), the logit's cumulative
        probabilities, the last open option and who has any; then the values and contributions."""
        value, contrib = self.values()
        (first_table, second_table), available = self._move_tables_now()
        first, second, utils, cumulative, last, has = kernels.options(
            self.status, first_table, second_table, available, self._requirements_table(), value,
            *self.cols.exclusive_pairs, self.exit_costs(), *mv.COEFFICIENTS,
            self.p.inertia, self.p.temperature,
        )  # fmt: skip
        # moves not yet open for the time they take: trade promotion authority's notice (a deal
        # concluded this quarter is signed from the next one at the soonest; walking away stays
        # open) and the partner's legislature (ratification)
        spy, ratification = self.calendar.steps_per_year, self.p.min_ratification_years
        closed = 0
        for code, slot, ready in (
            ("concluded", 1, us_policy.notice_served),
            ("signed", 0, lambda since: mv.legislature_has_had_time(since, spy, ratification)),
        ):
            rows, cols = np.nonzero(self.status == CODE[code])
            waiting = ~ready(self.steps_done - self.since[rows, cols])
            rows, cols = rows[waiting], cols[waiting]
            (second if slot else first)[rows, cols] = mv.NONE
            utils[rows, 2 * cols + slot] = -np.inf
            closed += len(rows)
        if closed:
            open_ = np.isfinite(utils)
            has = open_.any(axis=1)
            last = np.where(has, utils.shape[1] - 1 - np.argmax(open_[:, ::-1], axis=1), -1)
            cumulative = kernels.cumulative_logit(utils, self.p.inertia, self.p.temperature)
        return first, second, utils, cumulative, last, has, value, contrib

    def _prepare_choices(self) -> None:
        """The quarter's options of every government and the cumulative logit probabilities each
        one draws against."""
        first, second, utils, cumulative, last, has, value, contrib = self.options()
        self._choices = (first, second, utils, contrib, (cumulative.tolist(), last.tolist(), has.tolist()))
        self._choices_version = self._version
        self._choices_statuses = self._status_version

    def _governments_choose(self) -> None:
        """The governments' turn, as ``agents_by_type[LatinState].shuffle_do("step")`` would
        take it (the same random order, the same draws), without a call per government: in a
        random order, each with an open move draws once against its logit probabilities, and
        those whose draw passes staying put act, in that order."""
        order = list(range(len(self.states)))
        self.random.shuffle(order)  # what shuffle_do draws for a set of this size
        draws = [(i, self.random.random()) for i in order if self._choices[4][2][i]]
        for i, u in draws:
            if self._choices_version != self._version:  # a move this quarter changed the US's terms
                self._prepare_choices()
            acc, last, _ = self._choices[4]
            row = acc[i]
            if u >= row[0]:
                pick = bisect.bisect_right(row, u)
                self._carry_out(self.states[i], pick - 1 if pick < len(row) else last[i])

    def choose(self, state: LatinState) -> None:
        """One government's turn (``LatinState.step``, for stepping agents one by one): draw
        once against its logit probabilities and carry out the move picked."""
        if (self._choices_version, self._choices_statuses) != (self._version, self._status_version):
            self._prepare_choices()  # something changed since the quarter's options were weighed
        i = state.index
        acc, last, has = self._choices[4]
        if not has[i]:
            return
        row = acc[i]
        pick = bisect.bisect_right(row, self.random.random())
        if pick:
            self._carry_out(state, pick - 1 if pick < len(row) else last[i])

    def _carry_out(self, state: LatinState, col: int) -> None:
        """Carry out the option ``col`` of the quarter's choices for ``state``."""
        first, second, utils, contrib, _ = self._choices
        i = state.index
        code, j = _move_at(first, second, i, col)
        sign = float(mv.SIGN[code])
        # the terms of leaving are those of staying, negated
        terms = {t: sign * float(contrib[n, i, j]) for n, t in enumerate(rules.TERMS)}
        self.record_choice(state, mv.MOVES[code][0], self.cols.ids[j], float(utils[i, col]), terms)

    def state_options(self, state: LatinState) -> list[tuple[str, str, float, dict[str, float], int]]:
        """The moves open to ``state`` now, in the order it weighs them: (action, institution,
        utility, weighted terms of staying in, sign)."""
        first, second, utils, _, _, _, value, contrib = self.options()
        i, out = state.index, []
        for col in np.flatnonzero(np.isfinite(utils[i])):
            code, j = _move_at(first, second, i, int(col))
            terms = {t: float(contrib[n, i, j]) for n, t in enumerate(rules.TERMS)}
            out.append((mv.MOVES[code][0], self.cols.ids[j], float(utils[i, col]), terms, int(mv.SIGN[code])))
        return out

    def value_of(self, state: LatinState, iid: str) -> tuple[float, dict[str, float]]:
        """Utility to ``state`` of membership of ``iid`` now, and each term's contribution."""
        value, contrib = self.values()
        i, j = state.index, self.cols.col[iid]
        return float(value[i, j]), {t: float(contrib[n, i, j]) for n, t in enumerate(rules.TERMS)}

    def peers_in(self, iso3: str, iid: str) -> float:
        return float(self._peers[self._idx[iso3], self.cols.col[iid]])

    def character(self, state: LatinState, inst: InstitutionState) -> float:
        """The institution's orientation toward the US as ``state`` sees it now."""
        return float(self._character[state.index, self.cols.col[inst.id]])

    def exit_costs(self) -> np.ndarray:
        """What leaving each institution costs each state now (n, k, kernels.exit_costs), from
        its exports to the members as of the last refresh."""
        key = (self._version, self.p.exit_cost, self.p.exit_trade)
        if self._exit_memo[0] != key:
            cost = kernels.exit_costs(
                self._market, self.cols.catalogue.trade_content, self.cols.is_["bloc"],
                self.p.exit_cost, self.p.exit_trade,
            )  # fmt: skip
            self._exit_memo = (key, cost)
        return self._exit_memo[1]

    def exit_cost(self, state: LatinState, iid: str) -> float:
        """What leaving ``iid`` costs ``state`` now."""
        return float(self.exit_costs()[state.index, self.cols.col[iid]])

    def conflict_cost(self, state: LatinState, iid: str) -> float:
        """What joining ``iid`` would cost ``state`` in memberships it is exclusive with."""
        value, _ = self.values()
        cost = kernels.exclusivity_cost(self.status, value, *self.cols.exclusive_pairs, self.exit_costs())
        return float(cost[state.index, self.cols.col[iid]])

    def oil_bill(self) -> list[float]:
        """Each state's oil-import bill as a share of its GDP this year."""
        price = self.oil_price(self.calendar.year(self.steps_done))
        return [rules.oil_bill(k, price, g) for k, g in zip(self.oil_imports_kbd, self.gdp, strict=True)]

    def sponsor_capacity(self) -> float:
        """What an oil-funded sponsor can spend: scales with the oil price."""
        oil = self.oil_price(self.calendar.year(self.steps_done))
        return self.p.sponsor_aid * oil / self.p.oil_reference

    def us_pending(self) -> list[int]:
        """The states the US has something to decide about: talks or deals short of being in
        force, or preferences it could withdraw."""
        return kernels.us_pending(
            self.status, IS_US_PENDING, self.cols.us_talks_mask, self.cols.is_["preference"], CODE["member"]
        )

    def us_deal_in_force(self) -> np.ndarray:
        """Which states have an agreement with the US in force."""
        return (self.status[:, self.cols.us_deal_cols] == CODE["in_force"]).any(axis=1)

    # --- US policy -----------------------------------------------------------------------

    def us_takes_requests(self, inst: InstitutionState) -> bool:
        """Competitive liberalization: the US opens bilateral talks only while it is policy."""
        if not inst.open:
            return False
        if inst.spec.requests_outside_policy:
            return True
        return self.steps_done in self.policy.cl_steps

    def can_sign(self) -> bool:
        """Concluded talks can be signed only under trade promotion authority, and not while
        the US policy concludes no new agreements (``us_policy.no_new_agreements``)."""
        return self.steps_done in self.policy.tpa_steps and self.steps_done not in self.policy.no_new_steps

    def congress_sits(self) -> bool:
        """Whether Congress takes up trade this step (not in an election year's second half)."""
        t = self.calendar.time(self.steps_done)
        year = int(t + 1e-9)
        return us_policy.congress_votes_on_trade(year, int((t - year) * 12 + 1e-6) + 1)

    def us_opens_talks(self) -> bool:
        """Whether the US opens new talks now (not during a review of its trade policy,
        ``us_policy.talks_paused``)."""
        return self.steps_done not in self.policy.paused_steps

    def us_concludes(self) -> bool:
        """Whether the US closes bilateral talks now (not while it makes no new agreements)."""
        return self.steps_done not in self.policy.no_new_steps

    def participation_can_lapse(self, inst: InstitutionState) -> bool:
        """Whether a member of ``inst`` may now suspend its own participation (scenario field
        ``participation_can_lapse``: off unless a scenario switches it on)."""
        start = self.policy.lapse_from.get(inst.id)
        return start is not None and self.steps_done >= start

    def docking_texts(self) -> np.ndarray:
        """Per institution: a plurilateral text some party has concluded, which a newcomer docks
        into (no minimum time at the table, no seat of its own, ahead of USTR's queue)."""
        return self.cols.is_["plurilateral"] & IS_US_TEXT[self.status].any(axis=0)

    def talks_long_enough(self, state: LatinState, iid: str) -> bool:
        """Talks conclude only after a minimum time at the table."""
        j = self.cols.col[iid]
        if self.docking_texts()[j]:
            return True  # docking into a text the others have concluded
        started = int(self.since[state.index, j])
        return us_policy.talks_long_enough(
            self.steps_done - started, self.calendar.steps_per_year, self.p.min_negotiation_years
        )

    def congress_hazard(self, state: LatinState) -> float:
        """Yearly chance Congress approves this partner's signed agreement now: the majority's
        rate, lowered by the partner's labour and tax record where the template applies."""
        rate, conditions = self.policy.congress[min(self.steps_done, len(self.policy.congress) - 1)]
        concern = self.tables.concern(state.iso3, self.calendar.year(self.steps_done))
        return rules.congress_hazard(rate, conditions * self.p.template_strictness, concern)

    def amended_to_template(self, state: LatinState, iid: str) -> bool:
        """Whether a signed deal may go to a vote as far as the May 2007 template goes
        (us_policy.amended_to_template)."""
        t = min(self.steps_done, len(self.policy.template_since) - 1)
        signed = self.signed_at.get((state.iso3, iid), -1)
        return us_policy.amended_to_template(
            signed, self.policy.template_since[t], self.steps_done, self.calendar.steps_per_year,
            self.p.min_ratification_years,
        )  # fmt: skip

    def bring_into_force(self) -> None:
        """Agreements ratified at home and approved by Congress enter into force after a lag."""
        for (iso3, iid), when in list(self.us_approved.items()):
            state = self.by_iso[iso3]
            i, j = state.index, self.cols.col[iid]
            if self.status[i, j] != CODE["ratified"] or self.insts[iid].spec.entry_into_force:
                continue  # an agreement with a dated entry into force waits for its date
            ready = max(when, int(self.since[i, j]))
            if us_policy.ready_to_enter_into_force(
                self.steps_done - ready, self.p.implementation_years, self.calendar.steps_per_year
            ):
                self.set_status(state, iid, "in_force", actor="USA")
                self.us_approved.pop((iso3, iid))
                self._replace(state, self.insts[iid], forced=False)
                for pj in np.flatnonzero(self.cols.is_["preference"]):
                    if IS_PREFERENCE_HELD[self.status[i, pj]]:
                        self.set_status(
                            state,
                            self.cols.ids[pj],
                            None,
                            action="lapsed",
                            note="replaced by a free trade agreement",
                        )

    # --- scheduled events ----------------------------------------------------------------

    def _scheduled(self, t: int) -> None:
        # institutions founded on a historical date (imposed: forced)
        for iid in self.cols.dated_at.get(t, ()):
            inst = self.insts[iid]
            when = self.cols.dated[iid]
            f = inst.spec.founding
            if not inst.founded and f is not None and f.date and when["founding"] == t:
                self._found(inst, [self.by_iso[c] for c in f.founders if c in self.by_iso], forced=True)
            j = self.cols.col[inst.id]
            if when["conclusion"] == t:
                for s in self.states:
                    if self.status[s.index, j] == CODE["negotiating"]:
                        self.set_status(
                            s,
                            inst.id,
                            "signed",
                            forced=True,
                            note="negotiations concluded on the scenario's date",
                        )
            if when["entry_into_force"] == t:
                for s in self.states:
                    if self.status[s.index, j] in (CODE["signed"], CODE["ratified"]):
                        self.set_status(s, inst.id, "in_force", forced=True, note=DATED)
                        self.us_approved.pop((s.iso3, inst.id), None)
                        self._replace(s, inst, forced=True)
            if when["closing"] == t and not inst.closed:
                for s in self.states:
                    if self.status[s.index, j]:
                        self.set_status(s, inst.id, None, action="lapsed", forced=True, note=ENDED)
                inst.close()
                self.log_event("", inst.id, "lapsed", forced=True, note=ENDED)
        # the preference programme's final expiry (a US policy date: forced)
        if self.policy.atpdea_final == t:
            for s in self.states:
                for j in np.flatnonzero(self.cols.is_["preference"]):
                    if IS_PREFERENCE_HELD[self.status[s.index, j]]:
                        self.set_status(
                            s, self.cols.ids[j], None, action="lapsed", forced=True, note="programme expired"
                        )
        # elections: terms starting in this step (the government in office at the start of the
        # run was installed with the state)
        for i, term in self._elections.get(t, ()):
            self._election(self.states[i], term)
        # interventions
        while self._interventions and self._interventions[0][0] <= t:
            self._intervene(self._interventions.pop(0)[1])

    def _replace(self, state: LatinState, inst: InstitutionState, forced: bool) -> None:
        """An agreement that replaces another (``replaces``) ends the state's status there on
        entering into force: NAFTA lapses when the USMCA takes its place."""
        old = inst.spec.replaces
        if old and self.status[state.index, self.cols.col[old]]:
            self.set_status(state, old, None, action="lapsed", forced=forced, note=f"replaced by {inst.id}")

    def _term_at(self, iso3: str, t: float) -> dict:
        terms = self.tables.terms[iso3]
        cur = terms[0]
        for term in terms:
            if term["start_t"] <= t + 1e-9:
                cur = term
        return cur

    def _election(self, s: LatinState, term: dict) -> None:
        """A new government: from the data (historical) or drawn from the electorate."""
        if self.scenario.elections == "historical":
            self._install(s.index, term)
            self.log_event(s.iso3, "", "election", forced=True, note=_position(s))
            return
        if term["irregular"]:
            return  # coups and impeachments are not the electorate's doing
        i = s.index
        economic, contestation = dynamics.endogenous_position(
            float(self.leaning_economic[i]),
            float(self.leaning_contestation[i]),
            float(self.lobby[i]),
            self._growth(i),
            1 if self.economic[i] >= 0 else -1,
            self.p,
        )
        self._version += 1
        z1, z2 = self.rng.standard_normal(2)
        sd = self.p.election_sd
        self.economic[i] = max(-1.0, min(1.0, economic + sd * float(z1)))
        self.contestation[i] = max(0.0, min(1.0, contestation + sd * float(z2) / 2.0))
        self.leader[i] = f"elected {self.calendar.label(self.steps_done)}"
        self.irregular[i] = False
        self.log_event(s.iso3, "", "election", note=_position(s))

    def _install(self, i: int, term: dict) -> None:
        """A government from the leaders table takes office."""
        self._version += 1
        self.leader[i], self.irregular[i] = term["leader"], bool(term["irregular"])
        self.economic[i], self.contestation[i] = float(term["economic"]), float(term["contestation"])

    def _growth(self, i: int) -> float:
        y = self.calendar.year(self.steps_done)
        a = self._trade_year(y - 1)[0][i]
        b = self._trade_year(y)[0][i]
        return float(b / a - 1.0) if a else 0.0

    def _intervene(self, iv: Any) -> None:
        note = iv.note or "scenario intervention"
        if iv.kind == "election":
            s = self.by_iso[iv.country]
            self._version += 1
            self.economic[s.index], self.contestation[s.index] = iv.economic, iv.contestation
            self.leader[s.index] = iv.leader or s.leader
            self.irregular[s.index] = False
            self.log_event(s.iso3, "", "election", forced=True, note=f"{_position(s)}; {note}")
        elif iv.kind == "status":
            s = self.by_iso[iv.country]
            if iv.status == "in_force" and s.status.get(iv.institution) not in ("signed", "ratified"):
                self.set_status(s, iv.institution, "signed", forced=True, note=note)
            self.set_status(s, iv.institution, iv.status, forced=True, note=note)
        elif iv.kind == "end_status":
            s = self.by_iso[iv.country]
            if self.status[s.index, self.cols.col[iv.institution]]:
                self.set_status(s, iv.institution, None, action="left", forced=True, note=note)
        elif iv.kind == "found":
            inst = self.insts[iv.institution]
            self._found(inst, [self.by_iso[c] for c in iv.members], forced=True)

    def _found(self, inst: InstitutionState, founders: list[LatinState], forced: bool) -> None:
        inst.found(self.steps_done)
        self.log_event("", inst.id, "founded", forced=forced)
        status = "negotiating" if inst.kind == "us_agreement" else "member"
        j = self.cols.col[inst.id]
        for s in founders:
            if not self.status[s.index, j]:
                # a founder's own choice is logged with its terms (each sees the ones already in)
                u, c = (None, None) if forced else self.value_of(s, inst.id)
                self.set_status(s, inst.id, status, action="founded", forced=forced, utility=u, terms=c)

    # --- blocs ---------------------------------------------------------------------------

    def _blocs(self, t: int) -> None:
        p = self.p
        spy = self.calendar.steps_per_year
        acceding = (self.status == CODE["acceding"]).any(axis=0)
        sanctioned = (self.status == CODE["sanctioned"]).any(axis=0)
        irregular = bool(self.irregular.any())
        for inst, j, endogenous, bloc in self._bloc_rules:
            if endogenous and not inst.founded:
                self._try_found(inst)
            if not bloc or not inst.open:
                continue
            spec = inst.spec
            if not (
                acceding[j] or (spec.democratic_clause and (irregular or sanctioned[j])) or spec.cohesion_rule
            ):
                continue  # nothing pending, nothing for the members to judge
            rows = np.array([self._idx[c] for c in sorted(inst.members)], dtype=int)  # by country code
            # accession needing the members' approval (their legislatures: slow-moving leaning)
            if acceding[j]:
                for i in np.flatnonzero(self.status[:, j] == CODE["acceding"]):
                    vetoes = [
                        m
                        for m in rows
                        if rules.political_distance(
                            self.leaning_economic[m],
                            self.leaning_contestation[m],
                            self.economic[i],
                            self.contestation[i],
                        )
                        > p.approval_distance
                    ]
                    if not vetoes and self.random.random() < rules.per_step(p.accession_rate, spy):
                        self.set_status(
                            self.states[i],
                            inst.id,
                            "member",
                            action="joined",
                            note="accession approved by all members",
                        )
            # democratic clause: the others sanction (suspend) a member whose government came in
            # irregularly; "sanctioned" is their act, "suspended" the state's own
            if spec.democratic_clause and irregular:
                for i in rows[self.irregular[rows]]:
                    if self.status[i, j] == CODE["member"] and self.random.random() < rules.per_step(
                        p.clause_rate, spy
                    ):
                        self.set_status(self.states[i], inst.id, "sanctioned", note="democratic clause")
            if spec.democratic_clause and (sanctioned[j] or irregular):
                by_clause = (self.status[:, j] == CODE["sanctioned"]) & ~self.cohesion_sanctioned[:, j]
                for i in np.flatnonzero(by_clause & ~self.irregular):
                    self.set_status(self.states[i], inst.id, "member", action="readmitted")
            # cohesion: the others sanction (suspend) a member far from their median, and take it
            # back once its government stands within reach again (and, under a democratic clause,
            # came in regularly)
            if spec.cohesion_rule:
                for i in np.flatnonzero(self.cohesion_sanctioned[:, j]):
                    if spec.democratic_clause and self.irregular[i]:
                        continue
                    if dynamics.back_within_the_others(
                        self.economic[i], self.contestation[i], self.economic[rows].tolist(),
                        self.contestation[rows].tolist(), p.suspension_distance,
                    ):  # fmt: skip
                        self.set_status(self.states[i], inst.id, "member", action="readmitted")
            if spec.cohesion_rule and len(rows) >= 3:
                far = self._far_from_the_others(rows)
                for i in rows[far]:
                    if self.random.random() < rules.per_step(p.cohesion_rate, spy):
                        self.set_status(self.states[i], inst.id, "sanctioned", note="members' cohesion rule")
                        self.cohesion_sanctioned[i, j] = True

    def _far_from_the_others(self, rows: np.ndarray) -> list[bool]:
        """dynamics.far_from_the_others for these members, recomputed only when the members or
        their governments have changed."""
        key = (rows.tobytes(), self.economic[rows].tobytes(), self.contestation[rows].tobytes(),
               self.p.suspension_distance)  # fmt: skip
        if self._far_memo[0] != key:
            far = dynamics.far_from_the_others(
                self.economic[rows].tolist(), self.contestation[rows].tolist(), self.p.suspension_distance
            )
            self._far_memo = (key, far)
        return self._far_memo[1]

    def _try_found(self, inst: InstitutionState) -> None:
        """Endogenous founding: enough eligible states (with the sponsor) have wanted it for the
        time its treaty takes (rules.founding_prepared), and the yearly founding draw falls."""
        founders = self._founders(inst)
        if not founders:
            self._wanted_since.pop(inst.id, None)  # the coalition broke up: start again
            return
        since = self._wanted_since.setdefault(inst.id, self.steps_done)
        spy = self.calendar.steps_per_year
        if not rules.founding_prepared(self.steps_done - since, spy, self.p.min_founding_years):
            return
        if self.random.random() < rules.per_step(self.p.founding_rate, spy):
            self._found(inst, [self.states[i] for i in founders], forced=False)

    def _founders(self, inst: InstitutionState) -> list[int]:
        """The states that would found ``inst`` now (empty if none could): the keen eligible
        states, with a proposer holding what the founding asks of one and the sponsor among them,
        at least the minimum number, trading freely with each other where the bloc requires it."""
        f = inst.spec.founding
        j = self.cols.col[inst.id]
        value, _ = self.values()
        keen_rows = self._scope[:, j] & self.requirements(inst.spec.requires) & (value[:, j] > self.p.inertia)
        keen = [int(i) for i in np.flatnonzero(keen_rows)]
        # someone must propose it: a keen state holding what the proposer needs
        proposers = keen_rows & self.requirements(f.proposer_requires) if f.proposer_requires else keen_rows
        if not proposers.any() or len(keen) < f.min_founders:
            return []
        if TRADE_REQUIREMENT in inst.spec.requires:  # founders trading freely with each other
            keen = self._coalition(keen, np.flatnonzero(proposers).tolist(), f.min_founders)
        sponsor = inst.spec.sponsor
        if (sponsor and self._idx.get(sponsor, -1) not in keen) or len(keen) < f.min_founders:
            return []
        return keen

    def _coalition(self, keen: list[int], proposers: list[int], min_founders: int) -> list[int]:
        """rules.founding_coalition of these states now, recomputed only when the willing, the
        proposers, the agreements in force or the year's trade have changed."""
        count, linked = self._trade_links_now()
        key = (tuple(keen), tuple(proposers), count, self.calendar.year(self.steps_done), min_founders)
        if self._coalition_memo[0] != key:
            group = rules.founding_coalition(keen, linked, proposers, self.bilateral(), min_founders)
            self._coalition_memo = (key, group)
        return self._coalition_memo[1]

    def _hemispheric(self, t: int) -> None:
        """Hemisphere-wide talks (FTAA): at the deadline every veto state must want it."""
        for inst in self.insts.values():
            if inst.kind != "hemispheric" or not inst.open or self.cols.dated[inst.id]["deadline"] != t:
                continue
            value, contrib = self.values()
            j = self.cols.col[inst.id]
            values = {
                s.iso3: (
                    float(value[s.index, j]),
                    {n: float(contrib[k][s.index, j]) for k, n in enumerate(rules.TERMS)},
                )
                for s in self.states
                if s.iso3 in inst.scope
            }
            refusing = [c for c, (u, _) in values.items() if u <= 0]
            for c in refusing:
                u, terms = values[c]
                self.log_event(c, inst.id, "declined", utility=u, terms=terms)
            # a bloc that negotiates as one declines with its refusing members
            for bloc in (b for b in self.insts.values() if b.spec.negotiates_as_one and b.open):
                members = [c for c in sorted(bloc.members) if c in values]
                if rules.joint_refusal([c in refusing for c in members]):
                    for c in (c for c in members if c not in refusing):
                        u, terms = values[c]
                        refusing.append(c)
                        self.log_event(c, inst.id, "declined", utility=u, terms=terms,
                                       note=f"with {bloc.id}, which negotiates as one")  # fmt: skip
            vetoed = [c for c in inst.spec.veto_states if c in refusing]
            if vetoed:
                inst.close()
                self.log_event("", inst.id, "lapsed", note=f"vetoed by {', '.join(vetoed)}")
            else:
                for c, (u, terms) in values.items():
                    if u > 0:
                        self.set_status(self.by_iso[c], inst.id, "signed", utility=u, terms=terms)

    # --- dynamics ------------------------------------------------------------------------

    def _china(self, year: int) -> float:
        return float(self.tables.exo(year)["china_imports_usd_bn"])

    def oil_price(self, year: int) -> float:
        ex = self.scenario.exogenous
        base = ex.oil_price.get(year, float(self.tables.exo(year)["oil_price_usd"]))
        return base * ex.oil_scale

    def _lobby_target(self) -> np.ndarray:
        """The export lobby's stake (rules.lobby_stake), per state."""
        args = (self.share_us, self.exports_gdp, self.state_exports, self.free_zone)
        return np.array([rules.lobby_stake(*x, self.p.lobby_scale) for x in zip(*args, strict=True)])

    def _trade_year(self, year: int) -> tuple[np.ndarray, ...]:
        """GDP, exports and the three export shares of every state in ``year`` (read-only)."""
        return self.tables.year_arrays(year, self._iso_list)

    def _set_economy(self, year: int) -> None:
        gdp, exports = self._trade_year(year)[:2]
        self.gdp = gdp.copy()
        ratio = np.divide(exports, gdp, out=np.zeros_like(gdp), where=gdp != 0)
        self.exports_gdp = np.where(gdp != 0, np.minimum(1.0, ratio), 0.0)

    def _dynamics(self, t: int) -> None:
        """Trade creation by deals in force, China's pull on commodity exporters, the lobby."""
        p = self.p
        spy = self.calendar.steps_per_year
        year_next = self.calendar.year(t + 1)
        china_now = self._china(year_next)
        dlog = math.log(china_now / self._china(year_next - 1)) * self.scenario.exogenous.china_strength
        if self.calendar.year(t) != year_next:
            self._set_economy(year_next)
        kernels.advance(
            self.status, self.cols.is_["us_deal"], CODE["in_force"],
            self.share_us, self.share_china, self.share_region, self.lobby, self.exports_gdp,
            self.state_exports, self.free_zone, self.economic, self.contestation,
            self.leaning_economic, self.leaning_contestation, self.commodity,
            rules.per_step(p.trade_creation, spy), p.china_pull, dlog, spy, p.china_share_cap, p.lobby_scale,
            rules.per_step(p.lobby_adjust, spy), rules.per_step(p.leaning_adjust, spy),
        )  # fmt: skip
        self._version += 1

    # --- model-level indicators ----------------------------------------------------------

    def us_ftas_in_force(self) -> int:
        return int(self.us_deal_in_force().sum())

    def bloc_size(self, iid: str) -> int:
        return int((self.status[:, self.cols.col[iid]] == CODE["member"]).sum())

    def alignment_index(self) -> float:
        """GDP-weighted mean alignment: +1 US deal in force, +0.5 pending, -1 ALBA."""
        tot = float(self.gdp.sum())
        return sum(s.gdp * ALIGNMENT_SCORE[s.alignment] for s in self.states) / tot if tot else 0.0


#: per-state columns of the states table the model reads
_FIXED = ("commodity_intensity", "state_export_share", "free_zone_share", "oil_net_imports_kbd")
#: per-state quantities that change during a run
_PER_STATE = (
    "gdp",
    "exports_gdp",
    "share_us",
    "share_china",
    "share_region",
    "economic",
    "contestation",
    "leaning_economic",
    "leaning_contestation",
    "lobby",
)


def _move_at(first: np.ndarray, second: np.ndarray, i: int, col: int) -> tuple[int, int]:
    """The move code and institution column of option ``col`` of state ``i`` (options are laid
    out institution by institution, first move then second)."""
    j, slot = divmod(col, 2)
    return int((first, second)[slot][i, j]), j


def _position(s: LatinState) -> str:
    return f"{s.leader} (economic {s.economic:+.2f}, contestation {s.contestation:.2f})"


def _members_reporter(iid: str):
    def report(m: TradeBlocsModel) -> int:
        return len(m.insts[iid].members)

    return report
