"""One declaration per model parameter: its default, bounds, plausible range, label and roles.

Everything that needs a parameter's numbers reads them here, so they cannot disagree: the
scenario schema (``sim/scenario.py``: defaults, hard bounds, meanings), calibration's search
ranges (``analysis/calibrate.py``), the default sensitivity ranges (``analysis/sensitivity.py``)
and the app's sliders (``sim/viz/controls.py``). ``tests/test_parameters.py`` fails if one of
them declares a range of its own.

Two ranges per number:

- ``hard``: what a scenario may say at all; a value outside is an input error. Both sides are
  finite (``open_below`` marks a lower bound the value must stay strictly above).
- ``plausible``: what the model's documentation and the fit consider credible; calibration
  searches it, sensitivity samples it and a slider spans it. It lies inside ``hard`` and holds
  the default and every value a shipped scenario sets.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Spec:
    """One number a scenario sets: default, bounds, plausible range, label, meaning and roles."""

    default: float
    hard: tuple[float, float]
    plausible: tuple[float, float]
    label: str
    meaning: str
    #: calibration searches it (over ``plausible``)
    calibrate: bool = False
    #: a default parameter of ``tradeblocs sensitivity`` (sampled over ``plausible``)
    sensitivity: bool = False
    #: the app's slider step; None: no slider
    slider_step: float | None = None
    #: the lower hard bound itself is not allowed (a divisor or a scale that must be positive)
    open_below: bool = False

    def __post_init__(self) -> None:
        """Refuse an inconsistent declaration at import, before any scenario is read."""
        (lo, hi), (plo, phi) = self.hard, self.plausible
        if not lo < hi or not lo <= plo < phi <= hi:
            raise ValueError(f"{self.label}: plausible {self.plausible} must lie inside hard {self.hard}")
        if not plo <= self.default <= phi or (self.open_below and self.default <= lo):
            raise ValueError(f"{self.label}: default {self.default} outside plausible {self.plausible}")


#: Bounds of a probability or a share.
UNIT = (0.0, 1.0)
#: Bounds of a weight or other non-negative scale with no natural top.
SCALE = (0.0, 100.0)

#: The model's parameters (``scenario.parameters``), in the order a scenario file lists them.
PARAMETER_SPECS: dict[str, Spec] = {
    # weights of the utility terms (see sim/decision.py)
    "w_econ": Spec(1.0, SCALE, (0.0, 4.0), "Economic weight",
                   "weight of market access and a sponsor's aid in a choice",
                   calibrate=True, sensitivity=True),
    "w_coercion": Spec(1.0, SCALE, (0.0, 4.0), "Coercion weight",
                       "weight of what a state stands to lose by staying out of a US deal",
                       calibrate=True, sensitivity=True, slider_step=0.1),
    # 0..5, not 0..4: cf_strong_influence doubles the calibrated 2.06 to 4.12
    "w_influence": Spec(1.0, SCALE, (0.0, 10.0), "Influence weight",
                        "weight of the export lobby's pull toward the US market",
                        calibrate=True, sensitivity=True, slider_step=0.1),
    "w_ideology": Spec(1.0, SCALE, (0.0, 5.0), "Ideology weight",
                       "weight of a government's affinity with an institution's politics and economics",
                       calibrate=True, sensitivity=True, slider_step=0.1),
    "w_peer": Spec(1.0, SCALE, (0.0, 3.0), "Peer weight",
                   "weight of like-minded neighbours already in (the domino effect)",
                   calibrate=True, sensitivity=True, slider_step=0.1),
    "w_cost": Spec(1.0, SCALE, (0.0, 4.0), "Sovereignty-cost weight",
                   "weight of the sovereignty cost of an institution's commitments",
                   calibrate=True, sensitivity=True),
    # choice
    "inertia": Spec(1.0, SCALE, (0.2, 4.0), "Inertia", "utility of staying put", calibrate=True),
    "temperature": Spec(0.15, SCALE, (0.05, 0.4), "Choice noise", "logit noise of choices",
                        sensitivity=True, open_below=True),
    "economic_share": Spec(0.3, UNIT, (0.0, 0.4), "Economic share of affinity",
                           "weight of the economic axis (vs stance toward the US) in affinity",
                           calibrate=True),
    "political_weight": Spec(1.0, SCALE, (0.0, 4.0), "Political weight",
                             "extra affinity per unit of the region's GDP a bloc's members hold",
                             calibrate=True),
    # state-side details
    "lcd_appeal": Spec(1.5, (-100.0, 100.0), (0.0, 4.0), "Forum appeal",
                       "affinity of every government for a lowest-common-denominator forum",
                       calibrate=True),
    "lobby_scale": Spec(5.0, (0.0, 1000.0), (2.0, 10.0), "Lobby scale",
                        "lobby strength per unit of US exports/GDP", sensitivity=True, open_below=True),
    "lobby_adjust": Spec(0.1, UNIT, (0.02, 0.3), "Lobby adjustment",
                         "share of the gap to its stake the lobby closes per year"),
    "atpdea_horizon": Spec(3.0, SCALE, (1.0, 6.0), "Preference lapse horizon",
                           "years before expiry at which lapse risk starts to bite", open_below=True),
    "certification_threat": Spec(0.3, UNIT, (0.0, 0.6), "Decertification threat",
                                 "standing threat of decertification to a preference holder"),
    "bloc_drift": Spec(0.5, SCALE, (0.0, 6.0), "Bloc drift",
                       "how far the other members' US deals pull a bloc's character toward the US, "
                       "per unit of the trade it frees (at 2/content half the partners tip it fully)",
                       calibrate=True),
    "exit_cost": Spec(0.5, SCALE, (0.0, 2.0), "Exit cost",
                      "extra cost of leaving an institution one is in", calibrate=True),
    "exit_trade": Spec(10.0, SCALE, (0.0, 20.0), "Exit cost per trade at stake",
                       "extra cost of leaving a bloc per unit of exports sold to its members that "
                       "it frees (at 10, a fifth of exports to a customs union adds one unit)",
                       calibrate=True),
    "mfn_access_risk": Spec(0.3, UNIT, (0.0, 1.0), "Access at risk",
                            "share of access the US could withdraw from a state with neither deal "
                            "nor preferences", calibrate=True),
    # US side
    "us_accept_rate": Spec(0.6, UNIT, (0.1, 1.0), "US acceptance rate",
                           "yearly chance the US opens talks with a willing requester", calibrate=True),
    "us_negotiating_capacity": Spec(6.0, (1.0, 50.0), (3.0, 12.0), "US negotiating capacity",
                                    "partners the US can be in talks with at once (USTR's staff); "
                                    "later requests wait their turn", calibrate=True),
    "us_max_contestation": Spec(0.7, UNIT, (0.5, 0.9), "US walk-away contestation",
                                "contestation above which the US walks away from talks"),
    "us_walkaway_rate": Spec(0.5, UNIT, (0.1, 1.0), "US walk-away rate",
                             "yearly chance of walking away from an unwilling partner", calibrate=True),
    "demand_step": Spec(0.03, (0.0, 10.0), (0.0, 0.1), "US demand step",
                        "rise in US demands (sovereignty cost) with each deal signed"),
    "min_negotiation_years": Spec(1.5, SCALE, (0.5, 3.0), "Minimum talks (years)",
                                  "talks last at least this long", calibrate=True),
    "conclusion_rate": Spec(0.6, UNIT, (0.1, 1.0), "Conclusion rate",
                            "yearly chance talks conclude once the minimum time has passed",
                            calibrate=True),
    "template_strictness": Spec(2.0, SCALE, (0.0, 6.0), "Template strictness",
                                "how much a partner's labour and tax concerns lower approval under "
                                "the template", calibrate=True),
    "min_ratification_years": Spec(0.25, SCALE, (0.0, 1.0), "Ratification time (years)",
                                   "a partner's legislature ratifies a signed agreement no sooner",
                                   calibrate=True),
    "implementation_years": Spec(0.75, SCALE, (0.25, 1.5), "Implementation (years)",
                                 "from US approval to entry into force (the partner's implementing "
                                 "reforms)", calibrate=True),
    "atpdea_suspend_contestation": Spec(0.75, UNIT, (0.5, 1.0), "Preference suspension contestation",
                                        "contestation above which the US may suspend preferences",
                                        calibrate=True),
    "atpdea_suspend_rate": Spec(0.3, UNIT, (0.1, 0.6), "Preference suspension rate",
                                "yearly chance of that suspension", calibrate=True),
    # blocs
    "founding_rate": Spec(0.3, UNIT, (0.05, 1.0), "Founding rate",
                          "yearly chance an endogenous founding happens once its rule holds",
                          calibrate=True),
    "min_founding_years": Spec(1.0, SCALE, (0.0, 3.0), "Founding treaty time (years)",
                               "a bloc is founded only after its founders have wanted it this long: "
                               "its treaty is negotiated first", calibrate=True),
    "approval_distance": Spec(0.5, UNIT, (0.3, 0.8), "Veto distance",
                              "political distance above which a member vetoes an accession",
                              calibrate=True),
    "accession_rate": Spec(0.5, UNIT, (0.1, 1.0), "Accession rate",
                           "yearly chance the members ratify an unopposed accession", calibrate=True),
    # the members' sanctions, fitted like the rest: a clause can be applied within days (the
    # OAS suspended Honduras six days after the June 2009 coup: AG/RES. 2 (XXXVII-E/09) of
    # 2009-07-04, http://voltairenet.org/article161630.html) or never (no bloc sanctioned
    # Ecuador's Palacio government in 2005)
    "clause_rate": Spec(0.8, UNIT, (0.3, 1.0), "Democratic clause rate",
                        "yearly chance a democratic clause is applied to an irregular government",
                        calibrate=True),
    "suspension_distance": Spec(0.6, UNIT, (0.4, 0.9), "Suspension distance",
                                "distance from the other members' median that gets a member suspended",
                                calibrate=True),
    "cohesion_rate": Spec(0.5, UNIT, (0.1, 1.0), "Cohesion rate",
                          "yearly chance the cohesion rule is applied", calibrate=True),
    "sponsor_aid": Spec(1.0, SCALE, (0.0, 3.0), "Sponsor aid",
                        "value of a sponsor's aid at the reference oil price",
                        calibrate=True, sensitivity=True),
    "oil_reference": Spec(60.0, (0.0, 10000.0), (30.0, 100.0), "Reference oil price",
                          "oil price (US$) at which sponsor aid equals sponsor_aid", open_below=True),
    "oil_bill_reference": Spec(0.05, (0.0, 10.0), (0.02, 0.1), "Reference oil bill",
                               "oil-import bill (share of GDP) at which a member receives full aid",
                               open_below=True),
    # dynamics
    "trade_creation": Spec(0.03, UNIT, (0.0, 0.08), "Trade creation",
                           "yearly pull of the US share toward its ceiling once a deal is in force",
                           sensitivity=True),
    "china_pull": Spec(0.25, SCALE, (0.0, 0.5), "China pull",
                       "China share gained per unit log growth of its imports, pure commodity exporter",
                       sensitivity=True),
    # below 1: the other markets are rescaled by 1 - China's share
    "china_share_cap": Spec(0.95, (0.0, 0.99), (0.8, 0.99), "China share cap",
                            "the most of a state's exports China's pull can take"),
    "leaning_adjust": Spec(0.1, UNIT, (0.02, 0.3), "Electorate adjustment",
                           "yearly pull of the electorate's leaning toward the government's ideology"),
    # endogenous elections
    "election_sd": Spec(0.35, (0.0, 10.0), (0.1, 0.6), "Election noise",
                        "spread of an endogenous election's outcome around the electorate's leaning"),
    "election_lobby_pull": Spec(0.3, (-100.0, 100.0), (0.0, 1.0), "Lobby pull on elections",
                                "how far the export lobby pulls an election right and toward the US"),
    "election_economy_pull": Spec(2.0, (-100.0, 100.0), (0.0, 5.0), "Economy pull on elections",
                                  "how far growth above the reference rewards the incumbent's side"),
    "election_lobby_reference": Spec(0.3, UNIT, (0.1, 0.5), "Neutral lobby level",
                                     "lobby level that neither helps nor hurts the right in an election"),
    "election_growth_reference": Spec(0.03, (-1.0, 1.0), (0.0, 0.06), "Neutral growth",
                                      "yearly growth that neither rewards nor punishes the incumbent"),
}  # fmt: skip

#: The free numbers of ``scenario.exogenous`` (not parameters: the world the states live in).
EXOGENOUS_SPECS: dict[str, Spec] = {
    "china_strength": Spec(1.0, SCALE, (0.0, 2.0), "China boom strength",
                           "multiplier on China's import growth", slider_step=0.1),
    "oil_scale": Spec(1.0, SCALE, (0.0, 2.0), "Oil price scale", "multiplier on the oil price path"),
}  # fmt: skip
#: Bounds of a year's oil price override (``exogenous.oil_price``, US$ a barrel).
OIL_PRICE_LIMITS = (0.0, 10000.0)


def calibration_ranges() -> dict[str, tuple[float, float]]:
    """What calibration searches: each calibrated parameter over its plausible range."""
    return {k: s.plausible for k, s in PARAMETER_SPECS.items() if s.calibrate}


def sensitivity_ranges() -> dict[str, tuple[float, float]]:
    """What ``tradeblocs sensitivity`` varies by default, each over its plausible range."""
    return {k: s.plausible for k, s in PARAMETER_SPECS.items() if s.sensitivity}


def sliders() -> dict[str, tuple[str, float, float, float]]:
    """The app's sliders, parameters then exogenous knobs: name -> (label, min, max, step)."""
    specs = {**PARAMETER_SPECS, **EXOGENOUS_SPECS}
    return {k: (s.label, *s.plausible, s.slider_step) for k, s in specs.items() if s.slider_step}
