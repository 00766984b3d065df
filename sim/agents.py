"""Mesa agents: the Latin American states, who choose, and the United States, who answers."""

from __future__ import annotations

from typing import TYPE_CHECKING

import mesa

from . import decision as rules
from .institutions import STAGE_RANK, InstitutionState

if TYPE_CHECKING:
    from .model import TradeBlocsModel


class LatinState(mesa.Agent):
    """A Latin American or Caribbean state: its trade, its government, its memberships."""

    model: TradeBlocsModel

    def __init__(self, model: TradeBlocsModel, iso3: str, info: dict) -> None:
        super().__init__(model)
        self.iso3 = iso3
        self.name: str = info["name"]
        self.subregion: str = info["subregion"]
        self.lat: float = float(info["lat"])
        self.lon: float = float(info["lon"])
        self.commodity: float = float(info["commodity_intensity"])
        self.state_exports: float = float(info["state_export_share"])  # no fifth column there
        self.gdp = 0.0  # US$ bn
        self.exports_gdp = 0.0
        self.share_us = self.share_china = self.share_region = 0.0
        self.ideology = 0.0
        self.leader = ""
        self.irregular = False
        self.leaning = 0.0  # the electorate's (and legislature's) slow-moving ideology
        self.lobby = 0.0
        #: institution id -> status (see sim/institutions.py); absent means "not in"
        self.status: dict[str, str] = {}
        self.last_decision: dict | None = None

    # --- derived -------------------------------------------------------------------------

    @property
    def share_rest(self) -> float:
        return max(0.0, 1.0 - self.share_us - self.share_china - self.share_region)

    @property
    def fta_stage(self) -> int:
        """Furthest stage (0 none .. 5 in force) of any agreement with the US."""
        best = 0
        for iid, st in self.status.items():
            if st in STAGE_RANK and self.model.insts[iid].includes_us:
                best = max(best, STAGE_RANK[st])
        return best

    @property
    def alignment(self) -> str:
        """Map category: alba, us_fta, us_fta_pending, mercosur or none."""
        s = self.status
        if s.get("ALBA") == "member":
            return "alba"
        stage = self.fta_stage
        if stage == 5:
            return "us_fta"
        if stage >= 2:
            return "us_fta_pending"
        if s.get("MERCOSUR") == "member":
            return "mercosur"
        return "none"

    @property
    def memberships(self) -> str:
        return ";".join(f"{k}:{v}" for k, v in sorted(self.status.items()))

    # --- the utility of being in an institution ----------------------------------------

    def terms_for(self, inst: InstitutionState) -> dict[str, float]:
        """The six raw terms of membership of ``inst`` for this state, now."""
        m = self.model
        p = m.p
        orient = inst.effective_orientation
        spec = inst.spec
        market = 0.0
        for mk in inst.markets:
            if mk == "us":
                market += self.share_us
            elif mk == "china":
                market += self.share_china
            else:
                market += m.market_in(self.iso3, inst.id)
        if not inst.includes_us:
            coercion = rules.coercion_bloc(self.share_us, orient)
        elif inst.kind == "preference":
            coercion = 0.0
        else:
            coercion = rules.coercion_us_deal(
                self.share_us, m.preferences_at_risk(self), m.neighbour_deals[self.iso3]
            )
        aid = 0.0
        if spec.economic_model == "social" and spec.sponsor:
            # members receive aid (small economies most); the sponsor values the leadership it buys
            if spec.sponsor == self.iso3:
                aid = m.capacity
            else:
                aid = m.sponsor_aid(inst) / (1.0 + self.gdp / 20.0)
        lcd = p.lcd_appeal if spec.political_model == "lowest_common_denominator" else 0.0
        depth = spec.depth + (m.us_demand if inst.kind == "us_agreement" else 0.0)
        return {
            "econ": rules.econ_gain(market, spec.trade_content, aid),
            "coercion": coercion,
            "influence": rules.influence(self.lobby, orient),
            "ideology": rules.ideology_affinity(self.ideology, orient, lcd),
            "peer": rules.peer_pressure(m.peers_in(self.iso3, inst.id)),
            "cost": rules.sovereignty_cost(depth, self.ideology),
        }

    def value_of(self, inst: InstitutionState) -> tuple[float, dict[str, float]]:
        """Utility of membership and each term's weighted contribution."""
        contrib = rules.weigh(self.terms_for(inst), self.model.weights)
        return rules.utility(contrib), contrib

    # --- choosing ------------------------------------------------------------------------

    def options(self) -> list[tuple[str, str, float, dict[str, float], int]]:
        """Every move open to the government now: (action, institution, utility, terms, sign).

        Leaving is scored as minus the value of staying (sign -1) less the cost of exit."""
        m = self.model
        p = m.p
        out = []
        for inst in m.open_insts:
            if self.iso3 not in inst.scope:
                continue
            st = self.status.get(inst.id)
            kind = inst.kind
            if kind == "hemispheric" and st != "signed":
                continue  # hemispheric talks conclude all at once (TradeBlocsModel._hemispheric)
            if st is None:
                if kind == "preference" or not m.requirements_met(self, inst):
                    continue
                if kind == "us_agreement" and not m.us_takes_requests(inst):
                    continue
                u, c = self.value_of(inst)
                u -= m.conflict_cost(self, inst.id)
                if kind == "us_agreement":
                    action = "requested"
                elif inst.spec.accession == "approval":
                    action = "acceding"
                else:
                    action = "joined"
                out.append((action, inst.id, u, c, 1))
            elif st == "member" or (kind == "us_agreement" and st == "requested"):
                u, c = self.value_of(inst)
                action = "left" if st == "member" else "withdrew"
                out.append((action, inst.id, -u - p.exit_cost, c, -1))
            elif kind == "us_agreement" and st == "negotiating":
                u, c = self.value_of(inst)
                out.append(("suspended_talks", inst.id, -u - p.exit_cost, c, -1))
                if inst.spec.conclusion is None and m.can_sign(self, inst):
                    out.append(("signed", inst.id, u, c, 1))
            elif kind in ("us_agreement", "hemispheric") and st == "signed":
                u, c = self.value_of(inst)
                out.append(("ratified", inst.id, u, c, 1))
        return out

    def step(self) -> None:
        """Weigh the options and take at most one, by a seeded logit choice."""
        opts = self.options()
        if not opts:
            return
        m = self.model
        utils = [o[2] for o in opts]
        k = rules.logit_choice(utils, m.p.inertia, m.p.temperature, m.random.random())
        if k < 0:
            return
        action, iid, u, contrib, sign = opts[k]
        if sign < 0:  # the terms of leaving are those of staying, negated
            contrib = {t: -v for t, v in contrib.items()}
        m.record_choice(self, action, iid, u, contrib)


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
        approve = rules.per_step(m.congress_rate(), spy)
        for state in m.states:
            for iid, st in list(state.status.items()):
                inst = m.insts[iid]
                if inst.kind not in ("us_agreement", "hemispheric"):
                    continue
                willing = state.ideology >= p.us_min_ideology
                if st == "requested" and m.us_takes_requests(inst) and willing:
                    if m.random.random() < accept:
                        m.set_status(state, iid, "negotiating", actor="USA")
                elif st == "negotiating" and not willing and m.random.random() < walk:
                    m.set_status(state, iid, None, action="suspended_talks", actor="USA")
                elif (
                    st in ("signed", "ratified")
                    and (state.iso3, iid) not in m.us_approved
                    and m.random.random() < approve
                ):
                    m.us_approved[(state.iso3, iid)] = m.steps_done
                    m.log_event(state.iso3, iid, "us_approved", actor="USA")
            if (
                state.status.get("ATPDEA") == "member"
                and state.ideology < p.atpdea_suspend_ideology
                and m.random.random() < rules.per_step(p.atpdea_suspend_rate, spy)
            ):
                m.set_status(state, "ATPDEA", "suspended", actor="USA")
        m.bring_into_force()
