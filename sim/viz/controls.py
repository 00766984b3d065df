"""The model the browser app runs and the controls that rebuild it.

Mesa's SolaraViz rebuilds a model on Reset with ``ModelClass(**model_parameters)``. The app's
controls are per-session reactive values bound to the sidebar inputs, and the model is told about
them through one fixed parameter (``controls``), so that Reset always reads exactly what the
screen shows, also after a scenario switch has set every input to the new scenario's values.
"""

from __future__ import annotations

import math
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import solara

from ..model import DEFAULT_SCENARIO, TradeBlocsModel
from ..parameters import EXOGENOUS_SPECS, PARAMETER_SPECS, sliders
from ..scenario import SCENARIO_DIR, load_scenario, scenario_dirs

#: Environment variable through which ``tradeblocs viz SCENARIO`` names the first scenario.
SCENARIO_ENV = "TRADEBLOCS_VIZ_SCENARIO"

#: Sliders: name -> (label, min, max, step), each declared with a slider step in
#: sim/parameters.py and spanning its plausible range: four weights, then ``china_strength``
#: (an exogenous knob that scales China's demand path).
SLIDERS: dict[str, tuple[str, float, float, float]] = sliders()
SWITCHES: dict[str, str] = {
    "competitive_liberalization": "US competitive liberalization",
    "endogenous_elections": "Endogenous elections",
}


def outside_scenario() -> Path | None:
    """The scenario file ``tradeblocs viz PATH`` opened when it lies outside ``scenarios/``."""
    given = os.environ.get(SCENARIO_ENV)
    if not given or not Path(given).is_file():
        return None
    path = Path(given).resolve()
    return None if path.parent == SCENARIO_DIR.resolve() else path


def scenario_choices() -> list[str]:
    """Scenario names for the picker: the files in ``scenarios/``, baseline first, plus the
    stem of a file opened from elsewhere. Read afresh each time so new files show up."""
    names = sorted({p.stem for d in scenario_dirs() for p in d.glob("*.yaml")})
    names.sort(key=lambda n: (n != DEFAULT_SCENARIO, n))
    extra = outside_scenario()
    if extra is not None and extra.stem not in names:
        names.append(extra.stem)
    return names


def scenario_source(name: str) -> str | Path:
    """What to load for a picker name: the outside file for its stem, else the name itself."""
    extra = outside_scenario()
    return extra if extra is not None and name == extra.stem else name


def initial_scenario() -> str:
    """The picker name the app opens with: from ``$TRADEBLOCS_VIZ_SCENARIO``, or the baseline."""
    given = os.environ.get(SCENARIO_ENV)
    if not given:
        return DEFAULT_SCENARIO
    return Path(given).stem if Path(given).suffix in (".yaml", ".yml") else given


def parse_seed(text: Any, default: int) -> int:
    """The seed typed in the box as an int; blank or not a whole number means ``default``."""
    try:
        return int(str(text).strip())
    except (TypeError, ValueError):
        return default


def _plain(value: Any) -> Any:
    return value.value if isinstance(value, solara.Reactive) else value


@dataclass
class Controls:
    """One session's inputs, each a reactive value the matching sidebar input is bound to."""

    scenario: solara.Reactive[str]
    seed: solara.Reactive[str]
    values: dict[str, solara.Reactive[Any]] = field(default_factory=dict)
    #: the session's model, as SolaraViz holds it: the scrubber puts a rebuilt model here
    model: solara.Reactive[Any] | None = None

    @classmethod
    def for_model(cls, model: VizModel) -> Controls:
        s = model.settings()
        return cls(
            scenario=solara.reactive(s["scenario"]),
            seed=solara.reactive(str(s["seed"])),
            values={k: solara.reactive(s[k]) for k in (*SLIDERS, *SWITCHES)},
        )

    def show(self, model: VizModel) -> None:
        """Set every input to what ``model`` runs with (after a scenario switch)."""
        s = model.settings()
        self.seed.value = str(s["seed"])
        for k, rv in self.values.items():
            rv.value = s[k]

    def current(self) -> dict[str, Any]:
        """The inputs as plain values, as VizModel's keyword arguments."""
        return {"scenario": self.scenario.value, "seed": self.seed.value,
                **{k: rv.value for k, rv in self.values.items()}}  # fmt: skip

    def model_params(self) -> dict[str, Any]:
        """SolaraViz ``model_params``: inputs bound to these reactive values, plus the fixed
        ``controls`` parameter through which a Reset reads them."""
        params: dict[str, Any] = {
            "scenario": {"type": "Select", "label": "Scenario", "value": self.scenario,
                         "values": scenario_choices()},
            "seed": {"type": "InputText", "label": "Random seed", "value": self.seed},
        }  # fmt: skip
        for k, (label, lo, hi, step) in SLIDERS.items():
            shown = f"{label}: {self.values[k].value:.1f}"  # Solara's slider shows no number
            params[k] = {"type": "SliderFloat", "label": shown, "value": self.values[k],
                         "min": lo, "max": hi, "step": step}  # fmt: skip
        for k, label in SWITCHES.items():
            params[k] = {"type": "Checkbox", "label": label, "value": self.values[k]}
        params["controls"] = self
        return params


class VizModel(TradeBlocsModel):
    """TradeBlocsModel as the app builds it: UI-shaped arguments, hemisphere-level series only.

    Args:
        scenario: a picker name (a file in ``scenarios/`` or the stem of the file the app was
            opened with) or a path.
        seed: an int or the text of the seed box (blank: the scenario's seed).
        w_coercion, w_influence, w_ideology, w_peer, china_strength: values for the scenario's
            parameters (None: as the scenario has them).
        competitive_liberalization: False switches the US policy off; True keeps the scenario's
            windows, or where it has none makes it policy for the whole run; None: as written.
        endogenous_elections: True/False chooses the election mode (None: as written).
        controls: the app's per-session inputs; when given they supply every value above.
        **kwargs: any other TradeBlocsModel override (Mesa's parameter check wants this name).
    """

    def __init__(
        self,
        scenario: str | Path = DEFAULT_SCENARIO,
        seed: int | str | None = None,
        w_coercion: float | None = None,
        w_influence: float | None = None,
        w_ideology: float | None = None,
        w_peer: float | None = None,
        china_strength: float | None = None,
        competitive_liberalization: bool | None = None,
        endogenous_elections: bool | None = None,
        controls: Controls | None = None,
        **kwargs: Any,
    ) -> None:
        args = {
            "scenario": _plain(scenario), "seed": _plain(seed), "w_coercion": w_coercion,
            "w_influence": w_influence, "w_ideology": w_ideology, "w_peer": w_peer,
            "china_strength": china_strength,
            "competitive_liberalization": competitive_liberalization,
            "endogenous_elections": endogenous_elections,
        }  # fmt: skip
        if controls is not None:
            args.update(controls.current())
        overrides = dict(kwargs)
        self.scenario_file = str(args["scenario"])
        sc = load_scenario(scenario_source(self.scenario_file))
        for k in SLIDERS:
            if args[k] is not None:
                overrides[k] = float(_plain(args[k]))
        cl = _plain(args["competitive_liberalization"])
        if cl is False:
            overrides["competitive_liberalization"] = False
        elif cl and not sc.us_policy.competitive_liberalization:  # switched on where it was off
            span = {"start": sc.time.start, "end": sc.time.end}
            overrides["us_policy.competitive_liberalization"] = [span]
        endo = _plain(args["endogenous_elections"])
        if endo is not None:
            overrides["elections"] = "endogenous" if endo else "historical"
        self.seed_used = parse_seed(args["seed"], sc.seed) if args["seed"] is not None else sc.seed
        self.controls = controls
        #: what this model was built from, so the scrubber can rebuild it exactly
        self.build_args = {k: _plain(v) for k, v in args.items()} | {"seed": self.seed_used, **kwargs}
        super().__init__(sc, seed=self.seed_used, collect="model", **overrides)

    @property
    def display_date(self) -> str:
        """The date the app shows: the quarter the model is in, and at the end of the run the
        last quarter it simulated (2016Q4, not the 2017Q1 that would come next)."""
        return self.calendar.label(min(self.steps_done, self.calendar.n_steps - 1))

    def at_step(self, k: int) -> VizModel:
        """This run at step ``k``: itself moved on when ``k`` lies ahead, else the same model
        rebuilt (same scenario, seed and settings) and run to ``k``. The model is seeded and
        deterministic, so going back and forth shows the same history."""
        k = max(0, min(int(k), self.calendar.n_steps))
        if k >= self.steps_done:
            self.run(k)
            return self
        twin = VizModel(**self.build_args)
        twin.controls = self.controls
        return twin.run(k)

    def record_choice(self, state: Any, action: str, iid: str, u: float, contrib: dict[str, float]) -> None:
        """As the model does it, and note on the logged event the probability the logit rule gave
        the move (the inspector shows it). The options are weighed again for this: the state has
        not moved yet, so they are the ones it chose from."""
        p = self._choice_probability(state, action, iid)
        n = len(self.events)
        super().record_choice(state, action, iid, u, contrib)
        for e in self.events[n:]:
            if e.get("country") == state.iso3 and e.get("action") == action and e.get("institution") == iid:
                e["p_choice"] = p

    def _choice_probability(self, state: Any, action: str, iid: str) -> float | None:
        try:
            opts = state.options()
            stay, temp = float(self.p.inertia), float(self.p.temperature)
        except (AttributeError, TypeError):  # a model whose choice rule reads differently
            return None
        utils = [float(o[2]) for o in opts]
        chosen = [i for i, o in enumerate(opts) if o[0] == action and o[1] == iid]
        if not chosen or temp <= 0:
            return None
        top = max([stay, *utils])
        total = math.exp((stay - top) / temp) + sum(math.exp((x - top) / temp) for x in utils)
        return math.exp((utils[chosen[0]] - top) / temp) / total

    def settings(self) -> dict[str, Any]:
        """What this model runs with, in the app's terms (for the inputs and the info card)."""
        sc = self.scenario
        return {
            "scenario": self.scenario_file,
            "seed": self.seed_used,
            **{k: float(getattr(self.p, k)) for k in SLIDERS if k in PARAMETER_SPECS},
            **{k: float(getattr(sc.exogenous, k)) for k in SLIDERS if k in EXOGENOUS_SPECS},
            "competitive_liberalization": bool(sc.us_policy.competitive_liberalization),
            "endogenous_elections": sc.elections == "endogenous",
        }
