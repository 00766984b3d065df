"""Scenario files: YAML validated with pydantic, with ``extends:`` inheritance.

A counterfactual names the file it extends and overrides a few keys; mappings merge key by
key, lists and scalars replace. Every error names the file, the key path and the problem.
"""

from __future__ import annotations

import hashlib
import json
import os
from functools import cache
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, create_model, field_validator

from .dates import Calendar, parse_date
from .inputs import MAX_TABLE_BYTES, InputError, check_regular_file, load_yaml_file
from .parameters import EXOGENOUS_SPECS, OIL_PRICE_LIMITS, PARAMETER_SPECS, Spec
from .tables import LAC19


def _shipped_scenario_dir() -> Path:
    """The named scenarios: ``scenarios/`` beside the package in a source checkout, the same
    folder installed as package data beside it in a regular install (see pyproject.toml)."""
    here = Path(__file__).resolve().parent
    for cand in (here / "scenarios", here.parent / "scenarios"):
        if cand.is_dir():
            return cand
    return here.parent / "scenarios"


SCENARIO_DIR = _shipped_scenario_dir()
#: Environment variable naming the user's own scenario folders (``os.pathsep``-separated);
#: they are searched for bare names before the shipped ones. ``tradeblocs --scenarios DIR`` sets it.
SCENARIO_PATH_ENV = "TRADEBLOCS_SCENARIOS"


def scenario_dirs() -> list[Path]:
    """Folders searched for a scenario given by bare name: the user's, then the shipped one."""
    user = [Path(d) for d in os.environ.get(SCENARIO_PATH_ENV, "").split(os.pathsep) if d.strip()]
    return [*user, SCENARIO_DIR]


STATUSES = (
    "requested",
    "negotiating",
    "concluded",
    "signed",
    "ratified",
    "in_force",
    "member",
    "acceding",
    "suspended",
    "sanctioned",
)
#: ``suspended``: the state stopped taking part without leaving (its own choice, where the
#: institution allows it: ``participation_can_lapse``); ``sanctioned``: the others (a bloc's
#: democratic clause or cohesion rule) or the US (preferences withdrawn) shut it out.


#: Map categories an institution's members get (``Institution.map_category``); the others
#: (``us_fta``, ``us_fta_pending``, ``none``) follow from a state's deals with the US.
MapCategory = Literal["alba", "mercosur"]

#: requirement names that stand for a deal with the US rather than an institution id
US_REQUIREMENTS = ("us_agreement", "us_agreement_in_force")
#: the requirement of a bloc built on its members' free-trade agreements: one in force with
#: each member (for founders, with each other founder)
TRADE_REQUIREMENT = "trade_agreements_with_members"


class ScenarioError(InputError):
    """A scenario file is malformed; the message names the file, key path and problem."""


class _Strict(BaseModel):
    # allow_inf_nan=False: every number in a scenario must be finite (an inf weight once gave
    # inf/nan utilities in events.csv)
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)


class _Fixed(_Strict):
    """A part of a scenario that a model reads once and shares between the runs of that
    scenario (sim/fixed.py): read-only, so a changed scenario is built anew (``scenario_with``,
    overrides), never edited in place under a model that has read it."""

    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


def _check_date(v: str | None) -> str | None:
    if v is not None:
        parse_date(v)
    return None if v is None else str(v)


class Window(_Fixed):
    """A span of model time, both ends inclusive, e.g. ``{start: 2002Q3, end: 2007Q2}``."""

    start: str
    end: str
    _v = field_validator("start", "end", mode="before")(lambda v: _check_date(str(v)))


class CongressPeriod(Window):
    """How readily the US Congress approves signed agreements in a period (hazard per year)."""

    approval_rate: float = Field(ge=0, le=1)
    conditions: float = Field(
        0.0,
        ge=0,
        le=1,
        description="how strictly the majority applies the May 2007 labour/transparency template",
    )


class TimeSpec(_Fixed):
    start: str = "2003Q1"
    end: str = "2016Q4"
    steps_per_year: Literal[1, 2, 4, 12] = 4
    _v = field_validator("start", "end", mode="before")(lambda v: _check_date(str(v)))


def _declared_field(spec: Spec) -> Any:
    """A pydantic Field from a declaration in sim/parameters.py: default, hard bounds, meaning."""
    lo, hi = spec.hard
    below = {"gt": lo} if spec.open_below else {"ge": lo}
    return Field(spec.default, **below, le=hi, description=spec.meaning)


def _declared_model(name: str, specs: dict[str, Spec]) -> type[_Strict]:
    """A strict model with one float field per declaration, so no field is written twice."""
    fields: dict[str, Any] = {k: (float, _declared_field(s)) for k, s in specs.items()}
    return create_model(name, __base__=_Strict, __module__=__name__, **fields)


class Parameters(_declared_model("DeclaredParameters", PARAMETER_SPECS)):  # type: ignore[misc]
    """Decision weights and dynamics; each field is declared once, in sim/parameters.py."""


class Founding(_Fixed):
    """Either a historical date (a forced event) or an endogenous rule."""

    date: str | None = None
    endogenous: bool = False
    min_founders: int = Field(2, ge=1)
    proposer_requires: list[str] = Field(
        default_factory=list,
        description="what the state that proposes the founding must hold, e.g. [us_agreement_in_force]",
    )
    founders: list[str] = Field(
        default_factory=list,
        description="states that found it on the historical date (forced), e.g. [MEX] for USMCA talks",
    )
    _v = field_validator("date", mode="before")(lambda v: _check_date(v))


class Institution(_Fixed):
    name: str
    kind: Literal["us_agreement", "bloc", "preference", "hemispheric"]
    economic_model: Literal["strategic", "social", "productive", "hybrid", "none"]
    political_model: Literal["acquiescent", "autonomist", "counter_hegemonic", "lowest_common_denominator"]
    scope: list[str] | Literal["all"] = "all"
    includes_us: bool = False
    trade_content: float = Field(0.0, ge=0, le=1)
    depth: float = Field(0.3, ge=0, le=1, description="sovereignty cost of membership")
    founding: Founding | None = None
    sponsor: str | None = None
    accession: Literal["open", "approval"] = "open"
    democratic_clause: bool = False
    cohesion_rule: bool = False
    markets: list[Literal["us", "members", "china"]] | None = Field(
        None,
        description="markets whose access is its economic gain (default: us if the US is in, else members)",
    )
    requires: list[str] = Field(
        default_factory=list, description="statuses needed first, e.g. [us_agreement]"
    )
    conclusion: str | None = Field(None, description="date negotiations conclude (TPP: forced)")
    deadline: str | None = Field(None, description="hemispheric: date all veto states must agree")
    veto_states: list[str] = Field(default_factory=list)
    entry_into_force: str | None = Field(
        None,
        description="date it enters into force for every state that signed it (forced); "
        "before it, it cannot enter into force (USMCA: July 2020)",
    )
    closing: str | None = Field(
        None, description="date it ends for everyone (forced): every status in it lapses (TPP, 2017)"
    )
    replaces: str | None = Field(
        None, description="institution it succeeds: entering into force ends a state's status there"
    )
    participation_can_lapse: bool | str = Field(
        False,
        description="members may suspend their own participation without leaving (status "
        "suspended) and later resume or leave: true, or the date from which they may",
    )
    requests_outside_policy: bool = Field(
        False,
        description="the US takes requests for it even outside competitive liberalization windows (TPP)",
    )
    negotiates_as_one: bool = Field(
        False,
        description="a bloc whose members negotiate trade with third parties jointly (Mercosur "
        "Decision 32/00): at hemispheric talks, if one member refuses, every member declines",
    )
    plurilateral: bool = Field(
        False,
        description="one text for all its parties (CAFTA-DR): the US launches the round with every "
        "waiting requester at once, concludes with everyone at the table at once, and a newcomer "
        "docks into a text the others have concluded: no minimum time at the table, no seat at "
        "USTR's table, ahead of its queue",
    )
    map_category: MapCategory | None = Field(
        None,
        description="the map category a member (or a deal) gives a state in the alignment display",
    )
    _v = field_validator("conclusion", "deadline", "entry_into_force", "closing", mode="before")(
        lambda v: _check_date(v)
    )

    @field_validator("participation_can_lapse", mode="before")
    @classmethod
    def _lapse(cls, v: bool | str) -> bool | str:
        if isinstance(v, bool):
            return v
        return _check_date(str(v))


class Compatibility(_Fixed):
    a: str
    b: str
    rule: Literal["exclusive"] = "exclusive"
    reason: str = ""


class InitialStatus(_Strict):
    country: str
    institution: str
    status: str
    since: str | None = None
    _v = field_validator("since", mode="before")(lambda v: _check_date(v))


class USPolicy(_Fixed):
    competitive_liberalization: list[Window] = Field(default_factory=list)
    tpa: list[Window] = Field(default_factory=list)
    congress: list[CongressPeriod] = Field(default_factory=list)
    atpdea_expiry: list[str] = Field(
        default_factory=list,
        description="dates the programme lapses unless renewed; last one is final",
    )
    atpdea_final: str | None = None
    no_new_agreements: list[Window] = Field(
        default_factory=list,
        description="windows in which the US concludes and signs no new agreement (TPA or not); "
        "only the scenario's dated acts (a renegotiation's conclusion) go ahead",
    )
    talks_paused: list[Window] = Field(
        default_factory=list,
        description="windows in which the US opens no new talks (a new administration's review "
        "of its trade policy); requests made meanwhile wait their turn",
    )
    _v = field_validator("atpdea_final", mode="before")(lambda v: _check_date(v))

    @field_validator("atpdea_expiry", mode="before")
    @classmethod
    def _dates(cls, v: list) -> list[str]:
        return [_check_date(str(x)) for x in v]


class Exogenous(_declared_model("DeclaredExogenous", EXOGENOUS_SPECS)):  # type: ignore[misc]
    """The world the states live in: China's boom and the oil price (knobs in sim/parameters.py)."""

    oil_price: dict[int, float] = Field(default_factory=dict, description="year -> US$ overrides")
    bilateral_through: int | None = Field(
        None,
        description="last year of the bilateral export-share table the model reads; later years "
        "repeat it (a forecast must not read the partner shares its blocs would explain)",
    )


class Intervention(_Strict):
    """A forced event: the scenario imposes it, the output marks it ``forced``."""

    date: str
    kind: Literal["election", "status", "end_status", "found"]
    country: str | None = None
    institution: str | None = None
    status: str | None = None
    economic: float | None = Field(None, ge=-1, le=1, description="economic left (-1) to right (+1)")
    contestation: float | None = Field(None, ge=0, le=1, description="contestation of the US, 0 to 1")
    leader: str | None = None
    members: list[str] = Field(default_factory=list)
    note: str = ""
    _v = field_validator("date", mode="before")(lambda v: _check_date(str(v)))


class DataPaths(_Fixed):
    """Replacement data tables (CSV paths); the shipped ones are used where a path is absent."""

    trade: str | None = None
    leaders: str | None = None
    states: str | None = None
    bilateral: str | None = None
    partner_record: str | None = None
    trade_agreements: str | None = None

    def shipped_or_given(self) -> dict[str, Path]:
        """Each table a run reads: the replacement given, else the shipped file (and the
        exogenous paths, which cannot be replaced)."""
        from .tables import DATA_DIR

        given = self.model_dump()
        out = {k: Path(v) if v else DATA_DIR / f"{k}.csv" for k, v in given.items()}
        return {**out, "exogenous": DATA_DIR / "exogenous.csv"}


class Scenario(_Strict):
    name: str
    description: str = ""
    seed: int = 0
    time: TimeSpec = Field(default_factory=TimeSpec)
    elections: Literal["historical", "endogenous"] = "historical"
    states: list[str] = Field(default_factory=lambda: list(LAC19), min_length=1)
    data: DataPaths = Field(default_factory=DataPaths)
    parameters: Parameters = Field(default_factory=Parameters)
    us_policy: USPolicy = Field(default_factory=USPolicy)
    exogenous: Exogenous = Field(default_factory=Exogenous)
    institutions: dict[str, Institution]
    compatibility: list[Compatibility] = Field(default_factory=list)
    initial: list[InitialStatus] = Field(default_factory=list)
    interventions: list[Intervention] = Field(default_factory=list)

    def calendar(self) -> Calendar:
        return Calendar(self.time.start, self.time.end, self.time.steps_per_year)

    def content_hash(self) -> str:
        """Hash of the resolved scenario and the data tables it reads."""
        h = hashlib.sha256(json.dumps(self.model_dump(mode="json"), sort_keys=True).encode())
        for p in self.data.shipped_or_given().values():
            h.update(p.read_bytes())
        return h.hexdigest()[:16]


# ---------------------------------------------------------------------------------------------
# loading


def deep_merge(base: dict, over: dict) -> dict:
    """``over`` on top of ``base``: mappings merge key by key, everything else replaces."""
    out = dict(base)
    for k, v in over.items():
        if isinstance(v, dict) and isinstance(out.get(k), dict):
            out[k] = deep_merge(out[k], v)
        else:
            out[k] = v
    return out


def resolve_path(name: str | Path) -> Path:
    """A scenario path as given, or a bare name (no folder part) looked up in the user's
    scenario folders and then the shipped ``scenarios/``."""
    p = Path(name)
    if p.exists() or p.is_symlink():
        return check_regular_file(p, "scenario file")
    if len(p.parts) == 1 and str(p) not in ("", ".", ".."):
        for d in scenario_dirs():
            for cand in (d / p, d / f"{p}.yaml"):
                if cand.exists():
                    return check_regular_file(cand, "scenario file")
    where = ", ".join(str(d) for d in scenario_dirs())
    raise ScenarioError(f"{name}: scenario file not found (looked in . and {where})")


#: Longest ``extends`` chain followed (a loop is caught separately).
MAX_EXTENDS = 16


def read_raw(path: Path, seen: tuple[Path, ...] = ()) -> dict:
    if path.resolve() in seen:
        chain = " -> ".join(str(s) for s in (*seen, path))
        raise ScenarioError(f"{path}: extends: circular chain {chain}")
    if len(seen) >= MAX_EXTENDS:
        raise ScenarioError(f"{path}: extends: chain longer than {MAX_EXTENDS} files")
    try:
        raw = load_yaml_file(path)
    except InputError as e:
        raise ScenarioError(str(e)) from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ScenarioError(f"{path}: top level must be a mapping, got {type(raw).__name__}")
    parent = raw.pop("extends", None)
    if parent is None:
        return raw
    if not isinstance(parent, str) or not parent.strip():
        raise ScenarioError(f"{path}: extends: must be a file path or scenario name, got {parent!r}")
    ppath = (path.parent / str(parent)) if not Path(str(parent)).is_absolute() else Path(parent)
    if ppath.exists() or ppath.is_symlink():
        try:
            ppath = check_regular_file(ppath, "scenario file")
        except InputError as e:
            raise ScenarioError(f"{path}: extends: {e}") from None
    else:
        try:
            ppath = resolve_path(str(parent))
        except ScenarioError:
            raise ScenarioError(f"{path}: extends: file not found: {parent}") from None
    base = read_raw(ppath, (*seen, path.resolve()))
    return deep_merge(base, raw)


def _format_loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif part in ("function-before", "function-after") or str(part).startswith("function-"):
            continue
        else:
            out += ("." if out else "") + str(part)
    return out


def _describe(err: dict) -> str:
    msg = err["msg"]
    if err["type"] == "extra_forbidden":
        return "unknown key"
    ops = {
        "greater_than_equal": ">=",
        "less_than_equal": "<=",
        "greater_than": ">",
        "less_than": "<",
    }
    if err["type"] in ops:
        bound = next(iter(err.get("ctx", {}).values()), "?")
        if isinstance(bound, float) and bound.is_integer():
            bound = int(bound)
        return f"must be {ops[err['type']]} {bound}, got {err['input']!r}"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    if "input" in err and not isinstance(err["input"], dict):
        return f"{msg} (got {_short_repr(err['input'])})"
    return msg


def validate(raw: dict, origin: str = "<scenario>") -> Scenario:
    """Validate a raw mapping; raise ScenarioError naming ``origin``, key path and problem."""
    try:
        sc = Scenario.model_validate(raw)
    except ValidationError as e:
        problems = [f"{_format_loc(err['loc'])}: {_describe(err)}" for err in e.errors()]
        raise ScenarioError(_one_line(origin, problems)) from None
    problems = _input_checks(sc) or _cross_check(sc)
    if problems:
        raise ScenarioError(_one_line(origin, problems))
    return sc


def _cross_check(sc: Scenario) -> list[str]:
    """Checks that span sections: known countries and institutions, dates inside the run."""
    out: list[str] = []
    known = known_states(sc.data.states)
    cal = sc.calendar()
    states = set(sc.states)
    insts = set(sc.institutions)

    def country(code: str | None, where: str) -> None:
        if code is not None and code not in known:
            out.append(f"{where}: unknown country code {code!r} (known: {', '.join(sorted(known))})")
        elif code is not None and code != "USA" and code not in states:
            out.append(f"{where}: country {code!r} is not among the scenario's states")

    def institution(iid: str | None, where: str) -> None:
        if iid is not None and iid not in insts:
            out.append(f"{where}: unknown institution {iid!r} (known: {', '.join(sorted(insts))})")

    def in_run(date: str | None, where: str) -> None:
        if date is not None and not cal.contains(date):
            out.append(f"{where}: date {date} is outside the run {sc.time.start}..{sc.time.end}")

    for i, s in enumerate(sc.states):
        country(s, f"states[{i}]")
    for iid, inst in sc.institutions.items():
        if inst.scope != "all":
            for j, c in enumerate(inst.scope):
                if c not in known:
                    out.append(f"institutions.{iid}.scope[{j}]: unknown country code {c!r}")
        for j, c in enumerate(inst.veto_states):
            country(c, f"institutions.{iid}.veto_states[{j}]")
        if inst.sponsor:
            country(inst.sponsor, f"institutions.{iid}.sponsor")
        reqs = [*inst.requires, *(inst.founding.proposer_requires if inst.founding else [])]
        for j, r in enumerate(reqs):
            if r not in (*US_REQUIREMENTS, TRADE_REQUIREMENT) and r not in insts:
                out.append(f"institutions.{iid}.requires[{j}]: unknown requirement {r!r}")
        if inst.founding:
            for j, c in enumerate(inst.founding.founders):
                country(c, f"institutions.{iid}.founding.founders[{j}]")
        if inst.replaces is not None:
            institution(inst.replaces, f"institutions.{iid}.replaces")
            if inst.replaces == iid:
                out.append(f"institutions.{iid}.replaces: an institution cannot replace itself")
    for i, c in enumerate(sc.compatibility):
        institution(c.a, f"compatibility[{i}].a")
        institution(c.b, f"compatibility[{i}].b")
    for i, s in enumerate(sc.initial):
        country(s.country, f"initial[{i}].country")
        institution(s.institution, f"initial[{i}].institution")
        if s.status not in STATUSES:
            out.append(f"initial[{i}].status: unknown status {s.status!r} (one of {', '.join(STATUSES)})")
    for i, iv in enumerate(sc.interventions):
        where = f"interventions[{i}]"
        in_run(iv.date, f"{where}.date")
        country(iv.country, f"{where}.country")
        institution(iv.institution, f"{where}.institution")
        for j, m in enumerate(iv.members):
            country(m, f"{where}.members[{j}]")
        if iv.kind == "election" and (iv.country is None or iv.economic is None or iv.contestation is None):
            out.append(f"{where}: an election needs country, economic and contestation")
        if iv.kind in ("status", "end_status") and (iv.country is None or iv.institution is None):
            out.append(f"{where}: a {iv.kind} intervention needs country and institution")
        if iv.kind == "status" and iv.status not in STATUSES:
            out.append(f"{where}.status: unknown status {iv.status!r} (one of {', '.join(STATUSES)})")
        if iv.kind == "found" and iv.institution is None:
            out.append(f"{where}: a found intervention needs institution")
    return out


def known_states(states_csv: str | None = None) -> frozenset[str]:
    """Country codes the states table knows (the shipped one: the 19 states and the USA)."""
    import pandas as pd

    from .tables import DATA_DIR

    return frozenset(pd.read_csv(states_csv or DATA_DIR / "states.csv", usecols=["iso3"])["iso3"])


def load_scenario(name: str | Path, overrides: dict[str, Any] | None = None) -> Scenario:
    """Load, merge ``extends`` chains, apply dotted-key ``overrides``, and validate."""
    path = resolve_path(name)
    return validate(with_overrides(read_raw(path), overrides), str(path))


def normalize_overrides(overrides: dict[str, Any]) -> dict[str, Any]:
    """The model's keyword shorthands as the scenario keys they stand for:
    ``competitive_liberalization=False`` empties the US policy window, ``china_strength`` is
    ``exogenous.china_strength``; everything else passes through."""
    out: dict[str, Any] = {}
    for key, value in overrides.items():
        if key == "competitive_liberalization":
            if not value:
                out["us_policy.competitive_liberalization"] = []
        elif key == "china_strength":
            out["exogenous.china_strength"] = value
        else:
            out[key] = value
    return out


def apply_override(raw: dict, dotted: str, value: Any) -> None:
    """Set ``a.b.c`` in a raw scenario mapping. A bare name is a top-level key where the
    scenario has one (``elections``, ``seed``), else a parameter (``w_influence``)."""
    if "." in dotted:
        parts = dotted.split(".")
    elif dotted in Scenario.model_fields:
        parts = [dotted]
    else:
        parts = ["parameters", dotted]
    node = raw
    for p in parts[:-1]:
        node = node.setdefault(p, {})
    node[parts[-1]] = value


def overrides_as_mapping(overrides: dict[str, Any] | None) -> dict:
    """Overrides (parameter names, dotted keys or the model's shorthands) as the nested mapping
    a scenario file would hold."""
    raw: dict = {}
    for key, value in normalize_overrides(dict(overrides or {})).items():
        apply_override(raw, key, value)
    return raw


def with_overrides(raw: dict, overrides: dict[str, Any] | None) -> dict:
    """A raw scenario mapping with overrides on top (``raw`` itself is left unchanged): the one
    way overrides apply, for a file loaded with overrides, a model built with keyword overrides
    and a sweep's points alike. A mapping-valued override merges key by key."""
    return deep_merge(raw, overrides_as_mapping(overrides))


def dump_yaml(sc: Scenario) -> str:
    return yaml.safe_dump(sc.model_dump(mode="json", exclude_none=True), sort_keys=False, allow_unicode=True)


# ---------------------------------------------------------------------------------------------
# input checks: everything a scenario may not say even though each value has the right type.
# Parameter and exogenous bounds are declared once, in sim/parameters.py, and pydantic enforces
# them through the generated fields; the checks below are what no single field can say.

#: Seeds are non-negative and fit numpy's seed sequence.
MAX_SEED = 2**63 - 1
MAX_REPR = 80


def _short_repr(value: Any) -> str:
    """``repr`` cut to a readable length, so an error stays one short line."""
    r = repr(value)
    r = " ".join(r.split())
    return r if len(r) <= MAX_REPR else r[: MAX_REPR - 3] + "..."


def _one_line(origin: str, problems: list[str]) -> str:
    """One line for the user: the first problem, and how many more there are."""
    first = f"{origin}: {problems[0]}"
    return first + (f" (and {len(problems) - 1} more problem(s))" if len(problems) > 1 else "")


def parameter_bounds(name: str) -> tuple[float, float]:
    """The hard bounds a parameter must lie within, as sim/parameters.py declares them."""
    return PARAMETER_SPECS[name].hard


@cache
def data_years(trade_csv: str | None = None) -> tuple[int, int]:
    """First and last year the trade table (the scenario's or the shipped one) and the
    exogenous table both cover: a run must stay inside them."""
    import pandas as pd

    from .tables import DATA_DIR

    trade = pd.read_csv(trade_csv or DATA_DIR / "trade.csv", usecols=["year"])["year"]
    exo = pd.read_csv(DATA_DIR / "exogenous.csv", usecols=["year"])["year"]
    return max(int(trade.min()), int(exo.min())), min(int(trade.max()), int(exo.max()))


def _missing_columns(field: str, path: str) -> list[str]:
    """The columns a replacement for the ``field`` table lacks (tables.missing_columns), read
    from its header line; an unreadable header is an InputError."""
    import csv

    from .tables import missing_columns

    try:
        with open(path, newline="", encoding="utf-8") as f:
            header = next(csv.reader(f), [])
    except (OSError, UnicodeDecodeError, csv.Error) as e:
        raise InputError(f"{path}: cannot read the header of the data table: {e}") from None
    return missing_columns(f"{field}.csv", [h.strip() for h in header])


def _input_checks(sc: Scenario) -> list[str]:
    """Bounds, duplicates, ordered windows, dates inside the data and readable data files."""
    out: list[str] = []
    if not 0 <= sc.seed <= MAX_SEED:
        out.append(f"seed: must be between 0 and {MAX_SEED}, got {sc.seed}")
    lo, hi = OIL_PRICE_LIMITS
    for year, price in sc.exogenous.oil_price.items():
        if not lo <= price <= hi:
            out.append(f"exogenous.oil_price.{year}: must be between {lo:g} and {hi:g}, got {price!r}")
    for i, code in enumerate(sc.states):
        if code in sc.states[:i]:
            out.append(f"states[{i}]: duplicate state {code!r}")
    for i, s in enumerate(sc.initial):
        if any((s.country, s.institution) == (t.country, t.institution) for t in sc.initial[:i]):
            out.append(f"initial[{i}]: duplicate entry for {s.country} in {s.institution}")
    for field, p in sc.data.model_dump().items():
        if p is not None:
            try:
                check_regular_file(p, "data table", MAX_TABLE_BYTES)
                missing = _missing_columns(field, p)
            except InputError as e:
                out.append(f"data.{field}: {e}")
                continue
            if missing:
                out.append(f"data.{field}: {p}: lacks the column(s) {', '.join(missing)}")
    if out:
        return out
    start, end = parse_date(sc.time.start), parse_date(sc.time.end)
    if end < start:
        return [f"time.end: {sc.time.end} is before time.start {sc.time.start}"]
    try:
        first, last = data_years(sc.data.trade)
    except Exception as e:  # an unreadable table: say so in one line
        return [f"data.trade: cannot read the years it covers: {type(e).__name__}: {e}"]
    for key, t in (("time.start", start), ("time.end", end)):
        if not first <= t < last + 1:
            given = getattr(sc.time, key[5:])
            out.append(f"{key}: {given} is outside the years the data cover ({first}-{last})")
    windows = [("us_policy.competitive_liberalization", w) for w in sc.us_policy.competitive_liberalization]
    windows += [("us_policy.tpa", w) for w in sc.us_policy.tpa]
    windows += [("us_policy.congress", w) for w in sc.us_policy.congress]
    windows += [("us_policy.talks_paused", w) for w in sc.us_policy.talks_paused]
    windows += [("us_policy.no_new_agreements", w) for w in sc.us_policy.no_new_agreements]
    counts: dict[str, int] = {}
    for key, w in windows:
        i = counts[key] = counts.get(key, -1) + 1
        a, b = parse_date(w.start), parse_date(w.end)
        if b < a:
            out.append(f"{key}[{i}].end: {w.end} is before its start {w.start}")
        for part, t in (("start", a), ("end", b)):
            if not first - 50 <= t <= last + 50:
                out.append(f"{key}[{i}].{part}: {getattr(w, part)} is far outside the data ({first}-{last})")
    return out
