"""The tradeblocs Mesa model: the Americas, 2003-2016, one step a quarter by default."""

from __future__ import annotations

import math
import statistics
from pathlib import Path
from typing import Any

import mesa
import numpy as np

from . import decision as rules
from .agents import LatinState, UnitedStates
from .dates import parse_date
from .institutions import ACTIVE, STAGE_RANK, US_DEAL, US_TALKS, US_TEXT, InstitutionState
from .scenario import Scenario, apply_override, normalize_overrides, read_raw, resolve_path, validate
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


def scenario_with(scenario: str | Path | Scenario, **overrides: Any) -> Scenario:
    """The scenario to run with keyword overrides applied: parameter names (``w_influence=2``),
    dotted keys (``"exogenous.china_strength"``), ``competitive_liberalization=False``,
    ``elections="endogenous"`` or ``china_strength=0.5``. Validated like a file."""
    overrides = normalize_overrides(overrides)
    if isinstance(scenario, Scenario) and not overrides:
        return scenario
    if isinstance(scenario, Scenario):
        raw = scenario.model_dump(mode="json", exclude_none=True)
        origin = f"scenario {scenario.name} with overrides"
    else:
        path = resolve_path(scenario)
        raw, origin = read_raw(path), str(path)
    for k, v in overrides.items():
        apply_override(raw, k, v)
    return validate(raw, origin)


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
        self.calendar = sc.calendar()
        self._policy_calendar()
        d = sc.data
        self.tables = load_tables(d.trade, d.leaders, d.states, d.bilateral, d.partner_record)
        self.steps_done = 0
        self.events: list[dict] = []
        self._spells: list[dict] = []
        self._open_spell: dict[tuple[str, str], dict] = {}
        self.us_approved: dict[tuple[str, str], int] = {}
        self.us_demand = 0.0
        self._step_starts: dict[tuple[str, str], int] = {}

        # institutions
        self.insts = {
            iid: InstitutionState.build(iid, spec, sc.states) for iid, spec in sc.institutions.items()
        }
        self.exclusive: dict[str, set[str]] = {}
        for c in sc.compatibility:
            self.exclusive.setdefault(c.a, set()).add(c.b)
            self.exclusive.setdefault(c.b, set()).add(c.a)

        # agents
        info = self.tables.state_info
        for iso3 in sc.states:
            LatinState(self, iso3, info[iso3])
        self.us = UnitedStates(self)
        # Mesa 3.3 counts agent ids per model in a class-level dict keyed by the model, which keeps
        # every model alive for the life of the process (0.3 MB a run in a sweep); this model
        # creates no agents after this point, so its counter can go
        mesa.Agent._ids.pop(self, None)
        self.states: list[LatinState] = list(self.agents_by_type[LatinState])
        self.by_iso = {s.iso3: s for s in self.states}
        self._idx = {s.iso3: i for i, s in enumerate(self.states)}
        self._iso_list = tuple(s.iso3 for s in self.states)
        sub = np.array([s.subregion for s in self.states])
        self._same_sub = (sub[:, None] == sub[None, :]).astype(float)
        np.fill_diagonal(self._same_sub, 0.0)
        self._n_sub = np.maximum(self._same_sub.sum(axis=1), 1.0)
        self._scope = {
            iid: np.array([s.iso3 in inst.scope for s in self.states], dtype=float)
            for iid, inst in self.insts.items()
        }
        #: per institution, 1.0 where a state counts as in it (talks count for US agreements)
        self._in = {iid: np.zeros(len(self.states)) for iid in self.insts}
        self._us_deal_insts = [
            iid for iid, i in self.insts.items() if i.includes_us and i.kind != "preference"
        ]
        #: 1.0 where a state holds the text of a US deal (concluded or further): what changes a bloc
        self._text = np.zeros(len(self.states))
        #: per bloc, how each state sees its character (political model pulled by members' deals)
        self._character: dict[str, np.ndarray] = {}
        self._gdp_share: dict[str, np.ndarray] = {}
        self._peers: dict[str, np.ndarray] = {}
        self._market: dict[str, np.ndarray] = {}

        # leaders and the election calendar
        self._terms = self.tables.terms
        t0 = self.calendar.start
        for s in self.states:
            self._update_economy(s, self.calendar.year(0))
            row = self.tables.trade_row(s.iso3, self.calendar.year(0))
            s.share_us, s.share_china, s.share_region = (
                row["share_us"],
                row["share_china"],
                row["share_region"],
            )
            self._install(s, self._term_at(s.iso3, t0))
            s.leaning_economic, s.leaning_contestation = s.economic, s.contestation
            s.lobby = self._lobby_target(s)
        self._china_prev = self._china(self.calendar.year(0) - 1)

        # starting memberships
        for st in sc.initial:
            if st.country in self.by_iso:
                state = self.by_iso[st.country]
                self.set_status(state, st.institution, st.status, action="initial", log=False)
                if st.since:
                    key = (st.country, st.institution)
                    self._step_starts[key] = self.calendar.step_of(st.since)
                    self._open_spell[key]["start"] = st.since
        for inst in self.insts.values():
            if inst.founded:
                inst.founded_step = 0
        self._interventions = sorted(sc.interventions, key=lambda iv: self.calendar.step_of(iv.date))

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
        # governments decide simultaneously, on the situation at the start of the quarter
        self._refresh()
        self.agents_by_type[LatinState].shuffle_do("step")
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
        if status is not None and state.iso3 not in inst.scope:
            raise ValueError(f"{state.iso3} is outside the scope of {iid}")
        if (
            status == "in_force"
            and action != "initial"
            and state.status.get(iid) not in ("ratified", "signed")
        ):
            raise ValueError(f"{state.iso3}/{iid}: in_force without signature")
        date = self.calendar.label(self.steps_done) if action != "initial" else ""
        key = (state.iso3, iid)
        old = state.status.get(iid)
        if old is not None:
            spell = self._open_spell.pop(key)
            spell["end"] = date
            self._spells.append(spell)
        if status is None:
            state.status.pop(iid, None)
            inst.members.discard(state.iso3)
            self.us_approved.pop(key, None)
            self._in[iid][self._idx[state.iso3]] = 0.0
        else:
            counts = US_TALKS if inst.kind == "us_agreement" else ACTIVE
            self._in[iid][self._idx[state.iso3]] = float(status in counts)
            state.status[iid] = status
            (inst.members.add if status in ACTIVE else inst.members.discard)(state.iso3)
            self._open_spell[key] = {
                "country": state.iso3,
                "institution": iid,
                "status": status,
                "start": date,
                "end": "",
            }
            self._step_starts[key] = self.steps_done
        i = self._idx[state.iso3]
        if inst.includes_us and inst.kind != "preference":
            self._text[i] = float(
                any(v in US_TEXT and self.insts[k].includes_us for k, v in state.status.items())
            )
        if log:
            act = action or {"member": "joined"}.get(status or "", status or "left")
            self.log_event(
                state.iso3, iid, act, forced=forced, actor=actor, utility=utility, p=p, terms=terms, note=note
            )

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
            "date": self.calendar.label(self.steps_done),
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
        status = {
            "requested": "requested",
            "acceding": "acceding",
            "joined": "member",
            "signed": "signed",
            "ratified": "ratified",
            "suspended": "suspended",
            "resumed": "member",
        }.get(action)
        binding = action in ("signed", "joined", "acceding")
        for other in self.exclusive.get(iid, ()):  # giving up what the move is exclusive with
            if binding and other in state.status:
                self.set_status(state, other, None, action="left", note=f"exclusive with {iid}")
        state.last_decision = {
            "date": self.date,
            "action": action,
            "institution": iid,
            "utility": u,
            **contrib,
        }
        self.set_status(state, iid, status, action=action, utility=u, terms=contrib)
        if action == "signed" and self.insts[iid].includes_us:
            self.us_demand += self.p.demand_step  # each deal raises the bar for the next

    @property
    def spells(self) -> list[dict]:
        """Membership spells (country, institution, status, start, end); open ones end ''."""
        every = [*self._spells, *(dict(s) for s in self._open_spell.values())]
        return sorted(every, key=lambda s: (s["country"], s["institution"], s["start"]))

    # --- what states see -----------------------------------------------------------------

    def _refresh(self) -> None:
        """Recompute per-step aggregates states read: peers, neighbours' deals, orientations."""
        self.open_insts = [i for i in self.insts.values() if i.open]
        n = len(self.states)
        econ = np.fromiter((s.economic for s in self.states), float, n)
        cont = np.fromiter((s.contestation for s in self.states), float, n)
        dist = rules.political_distance(econ[:, None], cont[:, None], econ[None, :], cont[None, :])
        aff = 1.0 - dist
        np.fill_diagonal(aff, 0.0)
        gdp = np.fromiter((s.gdp for s in self.states), float, n)
        total_gdp = float(gdp.sum()) or 1.0
        has_deal = np.minimum(1.0, sum(self._in[i] for i in self._us_deal_insts))
        nd = (self._same_sub @ has_deal) / self._n_sub
        self.neighbour_deals = dict(zip(self._iso_list, nd.tolist(), strict=True))
        year = self.calendar.year(self.steps_done)
        through = self.scenario.exogenous.bilateral_through
        if through is not None:
            year = min(year, through)
        bilateral = self.tables.bilateral_matrix(year, self._iso_list)
        drift = self.p.bloc_drift
        self.capacity = self.sponsor_capacity()
        for iid, inst in self.insts.items():
            inn = self._in[iid]
            # like-minded neighbours in count fully, ideological opposites hardly at all
            scope = self._scope[iid]
            others = scope.sum() - scope
            self._peers[iid] = ((aff * scope[None, :]) @ inn) / np.maximum(others, 1.0)
            # exports going to the members (or, before any, to the states it could take in)
            self._market[iid] = bilateral @ (inn if inst.members else self._scope[iid])
            if inst.kind == "bloc":
                # as each state sees it: the other members' share of US deals and of the region's GDP
                others = np.maximum(inn.sum() - inn, 1.0)
                with_deals = (inn @ self._text - inn * self._text) / others
                self._character[iid] = rules.bloc_character(inst.orientation, with_deals, drift)
                self._gdp_share[iid] = (inn @ gdp - inn * gdp) / total_gdp

    def market_in(self, iso3: str, iid: str) -> float:
        """Share of this state's exports that go to the institution's members (IMF DOTS)."""
        return float(self._market[iid][self._idx[iso3]])

    def peers_in(self, iso3: str, iid: str) -> float:
        return float(self._peers[iid][self._idx[iso3]])

    def character(self, state: LatinState, inst: InstitutionState) -> float:
        """The institution's orientation toward the US as ``state`` sees it now."""
        if inst.kind != "bloc":
            return inst.orientation
        return float(self._character[inst.id][self._idx[state.iso3]])

    def others_gdp_share(self, state: LatinState, inst: InstitutionState) -> float:
        """Share of the region's GDP held by the bloc's other members."""
        return float(self._gdp_share[inst.id][self._idx[state.iso3]]) if inst.kind == "bloc" else 0.0

    def access_at_risk(self, state: LatinState) -> float:
        """How much of the state's US market access Washington could withdraw (see rules)."""
        in_force = state.fta_stage == STAGE_RANK["in_force"]
        prefs = any(
            self.insts[k].kind == "preference" and v in ("member", "sanctioned")
            for k, v in state.status.items()
        )
        return rules.access_at_risk(in_force, prefs, self.p.mfn_access_risk)

    def oil_bill(self, state: LatinState) -> float:
        """The state's oil-import bill as a share of its GDP this year."""
        price = self.oil_price(self.calendar.year(self.steps_done))
        return rules.oil_bill(state.oil_imports_kbd, price, state.gdp)

    def preferences_at_risk(self, state: LatinState) -> float:
        """Unilateral preferences a state could lose: standing threat plus nearing expiry."""
        if state.status.get("ATPDEA") not in ("member", "sanctioned"):
            return 0.0
        now = self.calendar.time(self.steps_done)
        upcoming = [d for d in self._atpdea_expiry if d >= now]
        lapse = 0.0
        if upcoming:
            lapse = max(0.0, 1.0 - (upcoming[0] - now) / self.p.atpdea_horizon)
        return min(1.0, self.p.certification_threat + lapse)

    def requirements_met(
        self, state: LatinState, inst: InstitutionState, requires: list[str] | None = None
    ) -> bool:
        """Whether ``state`` holds what ``inst`` requires of a member (or ``requires``):
        ``us_agreement`` is a US deal signed or further, ``us_agreement_in_force`` one in force."""
        for r in inst.spec.requires if requires is None else requires:
            if r in ("us_agreement", "us_agreement_in_force"):
                held = US_DEAL if r == "us_agreement" else {"in_force"}
                if not any(
                    self.insts[k].includes_us and self.insts[k].kind != "preference" and v in held
                    for k, v in state.status.items()
                ):
                    return False
            elif state.status.get(r) not in ACTIVE:
                return False
        return True

    def conflict_cost(self, state: LatinState, iid: str) -> float:
        """What joining ``iid`` would cost in memberships it is exclusive with."""
        cost = 0.0
        for other in self.exclusive.get(iid, ()):
            if other in state.status:
                u, _ = state.value_of(self.insts[other])
                cost += max(0.0, u) + self.p.exit_cost
        return cost

    def sponsor_capacity(self) -> float:
        """What an oil-funded sponsor can spend: scales with the oil price."""
        oil = self.oil_price(self.calendar.year(self.steps_done))
        return self.p.sponsor_aid * oil / self.p.oil_reference

    def sponsor_in(self, inst: InstitutionState) -> bool:
        """A sponsor pays only while it is a member."""
        return inst.spec.sponsor is not None and inst.spec.sponsor in inst.members

    # --- US policy -----------------------------------------------------------------------

    def _window_steps(self, windows: list) -> frozenset[int]:
        """The steps a list of date windows (both ends inclusive) covers."""
        cal = self.calendar
        return frozenset(k for w in windows for k in range(cal.step_of(w.start), cal.step_of(w.end) + 1))

    def _policy_calendar(self) -> None:
        """Turn the US policy timeline into per-step lookups once, off the hot path."""
        pol = self.scenario.us_policy
        self._cl_steps = self._window_steps(pol.competitive_liberalization)
        self._tpa_steps = self._window_steps(pol.tpa)
        #: per step: (the majority's base approval rate, how strictly it applies the template)
        self._congress = [(0.0, 0.0)] * (self.calendar.n_steps + 1)
        for c in pol.congress:
            for k in self._window_steps([c]):
                if 0 <= k < len(self._congress):
                    self._congress[k] = (c.approval_rate, c.conditions)
        self._atpdea_expiry = sorted(parse_date(d) for d in pol.atpdea_expiry)
        self._no_new_steps = self._window_steps(pol.no_new_agreements)
        #: per institution whose members may suspend their own participation: from which step
        self._lapse_from: dict[str, int] = {}
        for iid, spec in self.scenario.institutions.items():
            flag = spec.participation_can_lapse
            if flag is True:
                self._lapse_from[iid] = 0
            elif isinstance(flag, str):
                self._lapse_from[iid] = self.calendar.step_of(flag)

    def us_takes_requests(self, inst: InstitutionState) -> bool:
        """Competitive liberalization: the US opens bilateral talks only while it is policy."""
        if not inst.open:
            return False
        if inst.id == "TPP":
            return True
        return self.steps_done in self._cl_steps

    def can_sign(self) -> bool:
        """Concluded talks can be signed only under trade promotion authority, and not while
        the US policy concludes no new agreements (``us_policy.no_new_agreements``)."""
        return self.steps_done in self._tpa_steps and self.steps_done not in self._no_new_steps

    def us_concludes(self) -> bool:
        """Whether the US closes bilateral talks now (not while it makes no new agreements)."""
        return self.steps_done not in self._no_new_steps

    def participation_can_lapse(self, inst: InstitutionState) -> bool:
        """Whether a member of ``inst`` may now suspend its own participation (scenario field
        ``participation_can_lapse``: off unless a scenario switches it on)."""
        start = self._lapse_from.get(inst.id)
        return start is not None and self.steps_done >= start

    def talks_long_enough(self, state: LatinState, iid: str) -> bool:
        """Talks conclude only after a minimum time at the table."""
        started = self._step_starts.get((state.iso3, iid), 0)
        return (self.steps_done - started) / self.calendar.steps_per_year >= self.p.min_negotiation_years

    def congress_hazard(self, state: LatinState) -> float:
        """Yearly chance Congress approves this partner's signed agreement now: the majority's
        rate, lowered by the partner's labour and tax record where the template applies."""
        rate, conditions = self._congress[min(self.steps_done, len(self._congress) - 1)]
        concern = self.tables.concern(state.iso3, self.calendar.year(self.steps_done))
        return rules.congress_hazard(rate, conditions * self.p.template_strictness, concern)

    def bring_into_force(self) -> None:
        """Agreements ratified at home and approved by Congress enter into force after a lag."""
        lag = self.p.implementation_years * self.calendar.steps_per_year
        for (iso3, iid), when in list(self.us_approved.items()):
            state = self.by_iso[iso3]
            if state.status.get(iid) != "ratified" or self.insts[iid].spec.entry_into_force:
                continue  # an agreement with a dated entry into force waits for its date
            ready = max(when, self._step_starts[(iso3, iid)])
            if self.steps_done - ready >= lag:
                self.set_status(state, iid, "in_force", actor="USA")
                self.us_approved.pop((iso3, iid))
                self._replace(state, self.insts[iid], forced=False)
                if state.status.get("ATPDEA") in ("member", "sanctioned"):
                    self.set_status(
                        state, "ATPDEA", None, action="lapsed", note="replaced by a free trade agreement"
                    )

    # --- scheduled events ----------------------------------------------------------------

    def _scheduled(self, t: int) -> None:
        cal = self.calendar
        now, nxt = cal.time(t), cal.time(t + 1)
        # institutions founded on a historical date (imposed: forced)
        for inst in self.insts.values():
            f = inst.spec.founding
            if not inst.founded and f is not None and f.date and cal.step_of(f.date) == t:
                self._found(inst, [self.by_iso[c] for c in f.founders if c in self.by_iso], forced=True)
            if inst.spec.conclusion and cal.step_of(inst.spec.conclusion) == t:
                for s in self.states:
                    if s.status.get(inst.id) == "negotiating":
                        self.set_status(
                            s,
                            inst.id,
                            "signed",
                            forced=True,
                            note="negotiations concluded on the scenario's date",
                        )
            spec = inst.spec
            if spec.entry_into_force and cal.step_of(spec.entry_into_force) == t:
                for s in self.states:
                    if s.status.get(inst.id) in ("signed", "ratified"):
                        self.set_status(s, inst.id, "in_force", forced=True, note=DATED)
                        self.us_approved.pop((s.iso3, inst.id), None)
                        self._replace(s, inst, forced=True)
            if spec.closing and cal.step_of(spec.closing) == t and not inst.closed:
                for s in self.states:
                    if inst.id in s.status:
                        self.set_status(s, inst.id, None, action="lapsed", forced=True, note=ENDED)
                inst.closed = True
                self.log_event("", inst.id, "lapsed", forced=True, note=ENDED)
        # ATPDEA's final expiry (a US policy date: forced)
        fin = self.scenario.us_policy.atpdea_final
        if fin and cal.step_of(fin) == t:
            for s in self.states:
                if s.status.get("ATPDEA") in ("member", "sanctioned"):
                    self.set_status(s, "ATPDEA", None, action="lapsed", forced=True, note="programme expired")
        # elections: terms starting in this step (the government in office at the start of the
        # run was installed with the state)
        eps = 1e-9
        for s in self.states:
            for term in self._terms.get(s.iso3, ()):
                if now - eps <= term["start_t"] < nxt - eps and (t > 0 or term["start_t"] > now + eps):
                    self._election(s, term)
        # interventions
        while self._interventions and cal.step_of(self._interventions[0].date) <= t:
            self._intervene(self._interventions.pop(0))

    def _replace(self, state: LatinState, inst: InstitutionState, forced: bool) -> None:
        """An agreement that replaces another (``replaces``) ends the state's status there on
        entering into force: NAFTA lapses when the USMCA takes its place."""
        old = inst.spec.replaces
        if old and old in state.status:
            self.set_status(state, old, None, action="lapsed", forced=forced, note=f"replaced by {inst.id}")

    def _term_at(self, iso3: str, t: float) -> dict:
        terms = self._terms[iso3]
        cur = terms[0]
        for term in terms:
            if term["start_t"] <= t + 1e-9:
                cur = term
        return cur

    def _election(self, s: LatinState, term: dict) -> None:
        """A new government: from the data (historical) or drawn from the electorate."""
        if self.scenario.elections == "historical":
            self._install(s, term)
            self.log_event(s.iso3, "", "election", forced=True, note=_position(s))
            return
        if term["irregular"]:
            return  # coups and impeachments are not the electorate's doing
        p = self.p
        growth = self._growth(s)
        # the economy rewards the incumbent's side, the lobby pulls right and toward the US
        incumbent = 1 if s.economic >= 0 else -1
        economic = (
            s.leaning_economic
            + p.election_lobby_pull * (s.lobby - 0.3)
            + p.election_economy_pull * (growth - 0.03) * incumbent
        )
        contestation = s.leaning_contestation - p.election_lobby_pull * (s.lobby - 0.3) / 2.0
        z1, z2 = self.rng.standard_normal(2)
        s.economic = max(-1.0, min(1.0, economic + p.election_sd * float(z1)))
        s.contestation = max(0.0, min(1.0, contestation + p.election_sd * float(z2) / 2.0))
        s.leader = f"elected {self.calendar.label(self.steps_done)}"
        s.irregular = False
        self.log_event(s.iso3, "", "election", note=_position(s))

    @staticmethod
    def _install(s: LatinState, term: dict) -> None:
        """A government from the leaders table takes office."""
        s.leader, s.irregular = term["leader"], bool(term["irregular"])
        s.economic, s.contestation = float(term["economic"]), float(term["contestation"])

    def _growth(self, s: LatinState) -> float:
        y = self.calendar.year(self.steps_done)
        a = self.tables.trade_row(s.iso3, y - 1)["gdp_usd_bn"]
        b = self.tables.trade_row(s.iso3, y)["gdp_usd_bn"]
        return b / a - 1.0 if a else 0.0

    def _intervene(self, iv: Any) -> None:
        note = iv.note or "scenario intervention"
        if iv.kind == "election":
            s = self.by_iso[iv.country]
            s.economic, s.contestation = iv.economic, iv.contestation
            s.leader = iv.leader or s.leader
            s.irregular = False
            self.log_event(s.iso3, "", "election", forced=True, note=f"{_position(s)}; {note}")
        elif iv.kind == "status":
            s = self.by_iso[iv.country]
            if iv.status == "in_force" and s.status.get(iv.institution) not in (
                "signed",
                "ratified",
            ):
                self.set_status(s, iv.institution, "signed", forced=True, note=note)
            self.set_status(s, iv.institution, iv.status, forced=True, note=note)
        elif iv.kind == "end_status":
            s = self.by_iso[iv.country]
            if iv.institution in s.status:
                self.set_status(s, iv.institution, None, action="left", forced=True, note=note)
        elif iv.kind == "found":
            inst = self.insts[iv.institution]
            self._found(inst, [self.by_iso[c] for c in iv.members], forced=True)

    def _found(self, inst: InstitutionState, founders: list[LatinState], forced: bool) -> None:
        inst.founded = True
        inst.founded_step = self.steps_done
        inst.closed = False
        self.log_event("", inst.id, "founded", forced=forced)
        status = "negotiating" if inst.kind == "us_agreement" else "member"
        for s in founders:
            if s.status.get(inst.id) is None:
                u, c = s.value_of(inst)
                self.set_status(
                    s,
                    inst.id,
                    status,
                    action="founded",
                    forced=forced,
                    utility=None if forced else u,
                    terms=None if forced else c,
                )

    # --- blocs ---------------------------------------------------------------------------

    def _blocs(self, t: int) -> None:
        p = self.p
        spy = self.calendar.steps_per_year
        for inst in self.insts.values():
            f = inst.spec.founding
            if not inst.founded and f is not None and f.endogenous:
                self._try_found(inst)
            if not inst.open or inst.kind != "bloc":
                continue
            members = [self.by_iso[c] for c in sorted(inst.members)]
            # accession needing the members' approval (their legislatures: slow-moving leaning)
            for s in self.states:
                if s.status.get(inst.id) != "acceding":
                    continue
                vetoes = [
                    m
                    for m in members
                    if rules.political_distance(
                        m.leaning_economic, m.leaning_contestation, s.economic, s.contestation
                    )
                    > p.approval_distance
                ]
                if not vetoes and self.random.random() < rules.per_step(p.accession_rate, spy):
                    self.set_status(
                        s, inst.id, "member", action="joined", note="accession approved by all members"
                    )
            # democratic clause: the others sanction (suspend) a member whose government came in
            # irregularly; "sanctioned" is their act, "suspended" the state's own
            for s in members:
                if (
                    inst.spec.democratic_clause
                    and s.irregular
                    and s.status.get(inst.id) == "member"
                    and self.random.random() < rules.per_step(p.clause_rate, spy)
                ):
                    self.set_status(s, inst.id, "sanctioned", note="democratic clause")
            if inst.spec.democratic_clause:
                for s in self.states:
                    if s.status.get(inst.id) == "sanctioned" and not s.irregular:
                        self.set_status(s, inst.id, "member", action="readmitted")
            # cohesion: the others sanction (suspend) a member far from their median
            if inst.spec.cohesion_rule and len(members) >= 3:
                for s in members:
                    others = [m for m in members if m is not s]
                    far = (
                        rules.political_distance(
                            s.economic,
                            s.contestation,
                            statistics.median(m.economic for m in others),
                            statistics.median(m.contestation for m in others),
                        )
                        > p.suspension_distance
                    )
                    if far and self.random.random() < rules.per_step(p.cohesion_rate, spy):
                        self.set_status(s, inst.id, "sanctioned", note="members' cohesion rule")

    def _try_found(self, inst: InstitutionState) -> None:
        """Endogenous founding: enough eligible states (with the sponsor) want it."""
        f = inst.spec.founding
        keen = []
        for s in self.states:
            if s.iso3 in inst.scope and self.requirements_met(s, inst):
                u, _ = s.value_of(inst)
                if u > self.p.inertia:
                    keen.append(s)
        sponsor = inst.spec.sponsor
        if sponsor and sponsor not in {s.iso3 for s in keen}:
            return
        # someone must propose it: a keen state holding what the proposer needs
        proposers = [s for s in keen if self.requirements_met(s, inst, f.proposer_requires)]
        if f.proposer_requires and not proposers:
            return
        rate = rules.per_step(self.p.founding_rate, self.calendar.steps_per_year)
        if len(keen) >= f.min_founders and self.random.random() < rate:
            self._found(inst, keen, forced=False)

    def _hemispheric(self, t: int) -> None:
        """Hemisphere-wide talks (FTAA): at the deadline every veto state must want it."""
        for inst in self.insts.values():
            if inst.kind != "hemispheric" or not inst.open or not inst.spec.deadline:
                continue
            if self.calendar.step_of(inst.spec.deadline) != t:
                continue
            values = {s.iso3: s.value_of(inst) for s in self.states if s.iso3 in inst.scope}
            refusing = [c for c, (u, _) in values.items() if u <= 0]
            for c in refusing:
                u, terms = values[c]
                self.log_event(c, inst.id, "declined", utility=u, terms=terms)
            vetoed = [c for c in inst.spec.veto_states if c in refusing]
            if vetoed:
                inst.closed = True
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

    def _lobby_target(self, s: LatinState) -> float:
        """The export lobby's stake (rules.lobby_stake)."""
        return rules.lobby_stake(s.share_us, s.exports_gdp, s.state_exports, s.free_zone, self.p.lobby_scale)

    def _update_economy(self, s: LatinState, year: int) -> None:
        row = self.tables.trade_row(s.iso3, year)
        s.gdp = row["gdp_usd_bn"]
        s.exports_gdp = min(1.0, row["exports_usd_bn"] / row["gdp_usd_bn"]) if row["gdp_usd_bn"] else 0.0

    def _dynamics(self, t: int) -> None:
        """Trade creation by deals in force, China's pull on commodity exporters, the lobby."""
        p = self.p
        spy = self.calendar.steps_per_year
        year_next = self.calendar.year(t + 1)
        china_now = self._china(year_next)
        dlog = math.log(china_now / self._china(year_next - 1)) * self.scenario.exogenous.china_strength
        creation = rules.per_step(p.trade_creation, spy)
        adjust = rules.per_step(p.lobby_adjust, spy)
        lean = rules.per_step(p.leaning_adjust, spy)
        for s in self.states:
            if self.calendar.year(t) != year_next:
                self._update_economy(s, year_next)
            # trade creation: a US deal in force pulls exports toward the US out of the region and
            # the rest of the world, in proportion to their size
            if any(v == "in_force" and self.insts[k].includes_us for k, v in s.status.items()):
                others = 1.0 - s.share_us - s.share_china
                if others > 1e-12:
                    d_us = creation * others
                    s.share_region *= 1.0 - d_us / others
                    s.share_us += d_us
            # China's demand moves a commodity exporter's China share; the other markets rescale
            cn = s.share_china + p.china_pull * s.commodity * dlog / spy * (1.0 - s.share_china)
            cn = min(0.95, max(0.0, cn))
            k = (1.0 - cn) / (1.0 - s.share_china)
            s.share_us *= k
            s.share_region *= k
            s.share_china = cn
            s.lobby += adjust * (self._lobby_target(s) - s.lobby)
            s.leaning_economic += lean * (s.economic - s.leaning_economic)
            s.leaning_contestation += lean * (s.contestation - s.leaning_contestation)

    # --- model-level indicators ----------------------------------------------------------

    def us_ftas_in_force(self) -> int:
        return sum(
            1
            for s in self.states
            if any(
                v == "in_force" and self.insts[k].includes_us and self.insts[k].kind != "preference"
                for k, v in s.status.items()
            )
        )

    def bloc_size(self, iid: str) -> int:
        return sum(1 for s in self.states if s.status.get(iid) == "member")

    def alignment_index(self) -> float:
        """GDP-weighted mean alignment: +1 US deal in force, +0.5 pending, -1 ALBA."""
        tot = sum(s.gdp for s in self.states)
        return sum(s.gdp * ALIGNMENT_SCORE[s.alignment] for s in self.states) / tot if tot else 0.0


def _position(s: LatinState) -> str:
    return f"{s.leader} (economic {s.economic:+.2f}, contestation {s.contestation:.2f})"


def _members_reporter(iid: str):
    def report(m: TradeBlocsModel) -> int:
        return len(m.insts[iid].members)

    return report
