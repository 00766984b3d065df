"""Mesa agents: the Latin American states, who choose, and the United States, who answers.

A state is a thin view onto its row of the model's arrays (sim/model.py): reading or setting
``share_us`` or ``contestation`` reads or sets the array entry, so the browser app, Mesa's
DataCollector and ``batch_run`` see agents as usual while the model computes on whole arrays.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import mesa
import numpy as np

from . import decision as rules
from . import us_deal, us_policy
from .institutions import CODE, CODES, US_PENDING, InstitutionState

if TYPE_CHECKING:
    from .model import TradeBlocsModel


class _Row:
    """An agent attribute stored in the model's per-state array of the same name."""

    def __init__(self, cast: type = float) -> None:
        self.cast = cast

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, agent: Any, owner: type | None = None) -> Any:
        if agent is None:
            return self
        return self.cast(getattr(agent.model, self.name)[agent.index])

    def __set__(self, agent: Any, value: Any) -> None:
        getattr(agent.model, self.name)[agent.index] = value
        agent.model._version += 1  # what the values of membership read has changed


class LatinState(mesa.Agent):
    """A Latin American or Caribbean state: its trade, its government, its memberships."""

    model: TradeBlocsModel

    gdp = _Row()  # US$ bn
    exports_gdp = _Row()
    share_us = _Row()
    share_china = _Row()
    share_region = _Row()
    #: the government's position: economic left (-1) to right (+1), contestation of the US (0-1)
    economic = _Row()
    contestation = _Row()
    leader = _Row(str)
    irregular = _Row(bool)
    #: the electorate's (and legislature's) slow-moving position on the same two axes
    leaning_economic = _Row()
    leaning_contestation = _Row()
    lobby = _Row()
    #: from the states table: how much of its exports are commodities, state firms' (no fifth
    #: column there), free-zone assembly (no domestic lobby either); its net oil imports
    commodity = _Row()
    state_exports = _Row()
    free_zone = _Row()
    oil_imports_kbd = _Row()

    def __init__(self, model: TradeBlocsModel, iso3: str, info: dict, index: int) -> None:
        super().__init__(model)
        self.iso3 = iso3
        #: the state's row in the model's arrays
        self.index = index
        self.name: str = info["name"]
        self.subregion: str = info["subregion"]
        self.lat: float = float(info["lat"])
        self.lon: float = float(info["lon"])
        self.last_decision: dict | None = None

    # --- derived -------------------------------------------------------------------------

    @property
    def status(self) -> dict[str, str]:
        """Institution id -> status (see sim/institutions.py), in the order the state took them;
        absent means "not in". A copy: change statuses through ``model.set_status``."""
        return self.model.status_of(self.index)

    @property
    def ideology(self) -> float:
        """A one-number summary of the government's position for display: the mean of its
        economic axis and its stance toward the US (-1 contestatory left, +1 pro-US right)."""
        return (self.economic + rules.us_stance(self.contestation)) / 2.0

    @property
    def share_rest(self) -> float:
        return max(0.0, 1.0 - self.share_us - self.share_china - self.share_region)

    @property
    def fta_stage(self) -> int:
        """Furthest stage (0 none .. 6 in force) of any agreement with the US (sim/us_deal.py)."""
        return us_deal.us_stage(self.status, self.model.us_deal_ids)

    @property
    def alignment(self) -> str:
        """Map category: alba, us_fta, us_fta_pending, mercosur or none (us_deal.alignment)."""
        return us_deal.alignment(self.status, self.model.us_deal_ids, self.model.map_categories)

    @property
    def memberships(self) -> str:
        return ";".join(f"{k}:{v}" for k, v in sorted(self.status.items()))

    # --- the utility of being in an institution ----------------------------------------

    def terms_for(self, inst: InstitutionState) -> dict[str, float]:
        """The six raw terms of membership of ``inst`` for this state, now."""
        return self.model.raw_terms(self, inst.id)

    def value_of(self, inst: InstitutionState) -> tuple[float, dict[str, float]]:
        """Utility of membership and each term's weighted contribution."""
        return self.model.value_of(self, inst.id)

    # --- choosing ------------------------------------------------------------------------

    def options(self) -> list[tuple[str, str, float, dict[str, float], int]]:
        """Every move open to the government now: (action, institution, utility, terms, sign);
        see sim/moves.py for which moves are open and sim/decision.py for what they are worth."""
        return self.model.state_options(self)

    def step(self) -> None:
        """Weigh the options and take at most one, by a seeded logit choice."""
        self.model.choose(self)


#: the status codes of a US deal on which the US still has something to decide
_US_ACTS_ON = frozenset(CODE[s] for s in US_PENDING)


class UnitedStates(mesa.Agent):
    """The hegemon under competitive liberalization: answers requests, negotiates, ratifies."""

    model: TradeBlocsModel
    iso3 = "USA"

    def step(self) -> None:
        m = self.model
        p = m.p
        spy = m.calendar.steps_per_year
        accept = rules.per_step(p.us_accept_rate, spy)
        walk = rules.per_step(p.us_walkaway_rate, spy)
        conclude = rules.per_step(p.conclusion_rate, spy)
        talks = m.cols.us_talks_cols
        prefs = m.cols.preference_cols.tolist()
        limit = p.atpdea_suspend_contestation
        # Congress takes up trade once a quarter: one draw for every pending agreement, so deals
        # that pass the same test pass together (the October 2011 package)
        vote = m.random.random() if m.congress_sits() else math.inf  # no vote: nothing passes
        # a plurilateral round concludes for everyone at the table at once: one draw per text
        rounds: dict[int, bool] = {}
        self._take_requests(accept)
        for i in m.us_pending():
            state, held = m.states[i], m.held[i]
            mine = [(j, CODES[c]) for j, c in held.items() if j in talks and c in _US_ACTS_ON]
            withdraw = [j for j in prefs if held.get(j) == CODE["member"]]
            contestation = float(m.contestation[state.index])
            willing = us_policy.willing_partner(contestation, p.us_max_contestation)
            for j, st in mine:
                iid, inst = m.cols.ids[j], m.insts[m.cols.ids[j]]
                if st == "requested":
                    continue  # taken in turn by _take_requests
                elif st in ("negotiating", "concluded") and not willing and m.random.random() < walk:
                    m.set_status(state, iid, None, action="suspended_talks", actor="USA")
                elif (
                    st == "negotiating"
                    and inst.spec.conclusion is None
                    and m.us_concludes()
                    and m.talks_long_enough(state, iid)
                    and self._draw(rounds, j, conclude)
                    and self._partner_concedes(state, j)
                ):
                    m.set_status(state, iid, "concluded", actor="USA")
                elif st not in ("signed", "ratified") or (state.iso3, iid) in m.us_approved:
                    continue
                elif us_policy.covered_by_act(bool(m.cols.is_["plurilateral"][j]), iid in m.acts_passed):
                    m.us_approved[(state.iso3, iid)] = m.steps_done
                    m.log_event(
                        state.iso3, iid, "us_approved", actor="USA", note="under the act already passed"
                    )
                elif self._passes(vote, state, iid):
                    m.us_approved[(state.iso3, iid)] = m.steps_done
                    m.log_event(state.iso3, iid, "us_approved", actor="USA")
                    if m.cols.is_["plurilateral"][j]:
                        m.acts_passed.add(iid)  # the text's implementing act, for every party
            # preferences the US withdraws from a government that contests it
            for j in withdraw:
                if contestation > limit and m.random.random() < rules.per_step(p.atpdea_suspend_rate, spy):
                    m.set_status(state, m.cols.ids[j], "sanctioned", actor="USA")
        m.bring_into_force()

    def _take_requests(self, accept: float) -> None:
        """Open talks with willing requesters, oldest request first, while USTR has room at the
        table: the oldest is taken with the yearly acceptance rate, and the later ones wait
        behind it."""
        m = self.model
        if not m.us_opens_talks():
            return
        cols = np.flatnonzero(m.cols.is_["us_agreement"])
        rows, where = np.nonzero(m.status[:, cols] == CODE["requested"])
        if not len(rows):
            return
        docks = m.docking_texts()  # a newcomer there takes no seat: the round's team docks it
        talks = np.flatnonzero(m.cols.is_["us_agreement"] & ~docks)
        in_talks = int((m.status[:, talks] == CODE["negotiating"]).sum())
        launches: dict[int, bool] = {}  # a plurilateral round is launched with all its requesters
        # a newcomer docking into a concluded text is not in USTR's queue: the round's team takes
        # it first; then oldest first, requests of the same quarter in a seeded random order
        queue = sorted(
            (not docks[cols[c]], int(m.since[i, cols[c]]), m.random.random(), int(i), int(cols[c]))
            for i, c in zip(rows, where, strict=True)
        )
        member_of = m.status[:, m.cols.is_["bloc"]] == CODE["member"]
        for *_, i, j in queue:
            if m.status[i, j] != CODE["requested"]:
                continue  # already taken to the table with a bloc partner this quarter
            if not m.us_takes_requests(m.insts[m.cols.ids[j]]) or not self._takes_up(i):
                continue
            if not docks[j] and not us_policy.room_at_the_table(in_talks, m.p.us_negotiating_capacity):
                continue
            if not self._draw(launches, j, accept):
                if docks[j]:
                    continue  # a docking not taken this quarter holds up nobody
                return  # the oldest waiting request not taken: the later ones wait behind it
            table = [i]
            if not m.cols.is_["plurilateral"][j]:  # a bilateral text: bloc partners come along
                waiting = np.flatnonzero(m.status[:, j] == CODE["requested"])
                mates = us_policy.table_mates(member_of, waiting, i)
                table = [int(k) for k in mates if k == i or self._takes_up(k)]
            for k in table:
                note = "with its bloc partners at one table" if len(table) > 1 else ""
                m.set_status(m.states[k], m.cols.ids[j], "negotiating", actor="USA", note=note)
            in_talks += 0 if docks[j] else len(table)

    def _passes(self, vote: float, state: LatinState, iid: str) -> bool:
        """Whether this quarter's vote in Congress approves the partner's signed deal: the one
        draw against its hazard, once it has been amended to the template where that applies."""
        m = self.model
        return (
            vote < rules.per_step(m.congress_hazard(state), m.calendar.steps_per_year)
            and m.amended_to_template(state, iid)
        )  # fmt: skip

    def _partner_concedes(self, state: LatinState, j: int) -> bool:
        """Whether the partner makes its last concessions this quarter (rules.partner_concedes):
        a plurilateral round closes for everyone at the table at once, so only a bilateral
        partner holds out on its own."""
        m = self.model
        if m.cols.is_["plurilateral"][j]:
            return True
        value = float(m.values()[0][state.index, j])
        return rules.partner_concedes(value, m.p.inertia, m.p.temperature, m.random.random())

    def _takes_up(self, i: int) -> bool:
        """us_policy.takes_up for state ``i`` now: willing, and free to negotiate alone."""
        m = self.model
        bound = bool((m.status[i, m.cols.is_["negotiates_as_one"]] == CODE["member"]).any())
        return us_policy.takes_up(float(m.contestation[i]), m.p.us_max_contestation, bound)

    def _draw(self, shared: dict[int, bool], j: int, rate: float) -> bool:
        """A seeded draw against ``rate``, taken once per quarter for a plurilateral text (its
        parties move together) and once per partner otherwise."""
        if not self.model.cols.is_["plurilateral"][j]:
            return self.model.random.random() < rate
        if j not in shared:
            shared[j] = self.model.random.random() < rate
        return shared[j]
