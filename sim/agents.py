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
        self.free_zone: float = float(info["free_zone_share"])  # assembly for export: no lobby either
        self.oil_imports_kbd: float = float(info["oil_net_imports_kbd"])
        self.gdp = 0.0  # US$ bn
        self.exports_gdp = 0.0
        self.share_us = self.share_china = self.share_region = 0.0
        #: the government's position: economic left (-1) to right (+1), contestation of the US (0-1)
        self.economic = 0.0
        self.contestation = 0.0
        self.leader = ""
        self.irregular = False
        #: the electorate's (and legislature's) slow-moving position on the same two axes
        self.leaning_economic = 0.0
        self.leaning_contestation = 0.0
        self.lobby = 0.0
        #: institution id -> status (see sim/institutions.py); absent means "not in"
        self.status: dict[str, str] = {}
        self.last_decision: dict | None = None

    # --- derived -------------------------------------------------------------------------

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
        """Furthest stage (0 none .. 6 in force) of any agreement with the US."""
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
        if stage == STAGE_RANK["in_force"]:
            return "us_fta"
        if stage >= STAGE_RANK["negotiating"]:
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
        orient = m.character(self, inst)
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
            coercion = rules.coercion_bloc(self.share_us, orient, m.access_at_risk(self))
        elif inst.kind == "preference":
            coercion = 0.0
        else:
            coercion = rules.coercion_us_deal(
                self.share_us, m.preferences_at_risk(self), m.neighbour_deals[self.iso3]
            )
        aid = 0.0
        if spec.economic_model == "social" and spec.sponsor:
            # the sponsor values the leadership it buys; members receive aid by their oil bill
            if spec.sponsor == self.iso3:
                aid = m.capacity
            elif m.sponsor_in(inst):
                aid = rules.sponsor_aid(m.capacity, m.oil_bill(self), p.oil_bill_reference)
        lcd = p.lcd_appeal if spec.political_model == "lowest_common_denominator" else 0.0
        weight = (
            1.0
            if inst.includes_us
            else rules.political_weight(m.others_gdp_share(self, inst), p.political_weight)
        )
        depth = spec.depth + (m.us_demand if inst.kind == "us_agreement" else 0.0)
        return {
            "econ": rules.econ_gain(market, spec.trade_content, aid),
            "coercion": coercion,
            "influence": rules.influence(self.lobby, orient),
            "ideology": rules.ideology_affinity(
                self.economic,
                self.contestation,
                orient,
                rules.ECONOMIC_LEAN[spec.economic_model],
                p.economic_share,
                lcd,
                weight,
            ),
            "peer": rules.peer_pressure(m.peers_in(self.iso3, inst.id)),
            "cost": rules.sovereignty_cost(depth, self.contestation, orient),
        }

    def value_of(self, inst: InstitutionState) -> tuple[float, dict[str, float]]:
        """Utility of membership and each term's weighted contribution."""
        contrib = rules.weigh(self.terms_for(inst), self.model.weights)
        return rules.utility(contrib), contrib

    # --- choosing ------------------------------------------------------------------------

    def options(self) -> list[tuple[str, str, float, dict[str, float], int]]:
        """Every move open to the government now: (action, institution, utility, terms, sign).

        Leaving or walking away is scored as minus the value of staying (sign -1) less the cost
        of exit; where the institution allows it, a member may instead suspend its own
        participation (half the exit cost, rules.suspend_utility) and later resume or leave.
        Talks conclude on both sides' time (the US step); signing concluded talks is
        the government's choice, and so is walking away at any stage before signature."""
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
                if st == "member" and m.participation_can_lapse(inst):
                    out.append(("suspended", inst.id, rules.suspend_utility(u, p.exit_cost), c, -1))
            elif st == "suspended":  # its own suspension (a sanction, "sanctioned", is not its move)
                u, c = self.value_of(inst)
                out.append(("resumed", inst.id, u - m.conflict_cost(self, inst.id), c, 1))
                out.append(("left", inst.id, rules.leave_suspended_utility(u, p.exit_cost), c, -1))
            elif kind == "us_agreement" and st in ("negotiating", "concluded"):
                u, c = self.value_of(inst)
                out.append(("suspended_talks", inst.id, -u - p.exit_cost, c, -1))
                if st == "concluded" and m.can_sign():
                    out.append(("signed", inst.id, u - m.conflict_cost(self, inst.id), c, 1))
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
        conclude = rules.per_step(p.conclusion_rate, spy)
        # Congress takes up trade once a quarter: one draw for every pending agreement, so deals
        # that pass the same test pass together (the October 2011 package)
        vote = m.random.random()
        for state in m.states:
            for iid, st in list(state.status.items()):
                inst = m.insts[iid]
                if inst.kind not in ("us_agreement", "hemispheric"):
                    continue
                willing = state.contestation <= p.us_max_contestation
                if st == "requested" and m.us_takes_requests(inst) and willing:
                    if m.random.random() < accept:
                        m.set_status(state, iid, "negotiating", actor="USA")
                elif st in ("negotiating", "concluded") and not willing and m.random.random() < walk:
                    m.set_status(state, iid, None, action="suspended_talks", actor="USA")
                elif (
                    st == "negotiating"
                    and inst.spec.conclusion is None
                    and m.us_concludes()
                    and m.talks_long_enough(state, iid)
                    and m.random.random() < conclude
                ):
                    m.set_status(state, iid, "concluded", actor="USA")
                elif (
                    st in ("signed", "ratified")
                    and (state.iso3, iid) not in m.us_approved
                    and vote < rules.per_step(m.congress_hazard(state), spy)
                ):
                    m.us_approved[(state.iso3, iid)] = m.steps_done
                    m.log_event(state.iso3, iid, "us_approved", actor="USA")
            if (
                state.status.get("ATPDEA") == "member"
                and state.contestation > p.atpdea_suspend_contestation
                and m.random.random() < rules.per_step(p.atpdea_suspend_rate, spy)
            ):
                m.set_status(state, "ATPDEA", "sanctioned", actor="USA")
        m.bring_into_force()
