# ruff: noqa: E501 - one case a line reads best
"""Writes the malformed-scenario corpus in this folder (run it after changing the cases).

Each file is a scenario that must be refused with a one-line error; its first line says what
the error must contain (``# expect: TEXT``). tests/test_malformed.py runs every file.
"""

from __future__ import annotations

from pathlib import Path

from tradeblocs.sim.parameters import PARAMETER_SPECS

HERE = Path(__file__).resolve().parent
BASE = "extends: baseline_2003_2016\n"

#: every declared parameter gets an infinite and a huge value (beyond any hard bound)
PARAMS = list(PARAMETER_SPECS)


def cases() -> dict[str, tuple[str, str | bytes]]:
    """file stem -> (expected text in the error, file body)."""
    out: dict[str, tuple[str, str | bytes]] = {}
    for p in PARAMS:
        out[f"param_{p}_inf"] = (f"parameters.{p}", BASE + f"parameters:\n  {p}: .inf\n")
        out[f"param_{p}_huge"] = (f"parameters.{p}", BASE + f"parameters:\n  {p}: 1.0e+12\n")
    for p in ("w_influence", "temperature", "lcd_appeal"):
        out[f"param_{p}_nan"] = (f"parameters.{p}", BASE + f"parameters:\n  {p}: .nan\n")
        out[f"param_{p}_negative_inf"] = (f"parameters.{p}", BASE + f"parameters:\n  {p}: -.inf\n")
        out[f"param_{p}_text"] = (f"parameters.{p}", BASE + f"parameters:\n  {p}: lots\n")
    out.update({
        "unknown_parameter": ("parameters.w_charisma", BASE + "parameters:\n  w_charisma: 1\n"),
        "exo_china_inf": ("exogenous.china_strength", BASE + "exogenous:\n  china_strength: .inf\n"),
        "exo_china_negative": ("exogenous.china_strength", BASE + "exogenous:\n  china_strength: -1\n"),
        "exo_china_huge": ("exogenous.china_strength", BASE + "exogenous:\n  china_strength: 1.0e+9\n"),
        "exo_oil_scale_nan": ("exogenous.oil_scale", BASE + "exogenous:\n  oil_scale: .nan\n"),
        "exo_oil_price_nan": ("exogenous.oil_price", BASE + "exogenous:\n  oil_price: {2005: .nan}\n"),
        "exo_oil_price_negative": ("exogenous.oil_price", BASE + "exogenous:\n  oil_price: {2005: -30}\n"),
        "seed_negative": ("seed", BASE + "seed: -1\n"),
        "seed_huge": ("seed", BASE + "seed: 99999999999999999999999\n"),
        "seed_text": ("seed", BASE + "seed: abc\n"),
        "duplicate_top_key": ("duplicate key 'name'", BASE + "name: a\nname: b\n"),
        "duplicate_parameter": ("duplicate key 'w_peer'", BASE + "parameters:\n  w_peer: 1\n  w_peer: 2\n"),
        "duplicate_section": ("duplicate key 'parameters'", BASE + "parameters: {}\nparameters: {}\n"),
        "duplicate_state": ("duplicate state 'MEX'", BASE + "states: [MEX, PER, MEX]\n"),
        "unknown_state": ("unknown country code 'XYZ'", BASE + "states: [MEX, XYZ]\n"),
        "empty_states": ("states", BASE + "states: []\n"),
        "time_end_before_start": ("time.end", BASE + "time: {start: 2010Q1, end: 2005Q1}\n"),
        "time_start_2030": ("time.start", BASE + "time: {start: 2030Q1, end: 2031Q1}\n"),
        "time_end_9999": ("time.end", BASE + "time: {start: 2003Q1, end: 9999Q4}\n"),
        "time_start_year_0": ("time.start", BASE + "time: {start: 0000Q1, end: 2016Q4}\n"),
        "time_impossible_day": ("2003-02-31", BASE + "time: {start: 2003-02-31, end: 2016Q4}\n"),
        "time_quarter_5": ("2003Q5", BASE + "time: {start: 2003Q5, end: 2016Q4}\n"),
        "time_month_13": ("2003-13", BASE + "time: {start: 2003-13, end: 2016Q4}\n"),
        "time_not_a_date": ("time.start", BASE + "time: {start: soon, end: 2016Q4}\n"),
        "time_steps_per_year": ("time.steps_per_year", BASE + "time: {steps_per_year: 3}\n"),
        "window_cl_reversed": (
            "us_policy.competitive_liberalization[0].end",
            BASE + "us_policy:\n  competitive_liberalization: [{start: 2008Q1, end: 2004Q1}]\n",
        ),
        "window_tpa_reversed": ("us_policy.tpa[0].end", BASE + "us_policy:\n  tpa: [{start: 2007Q3, end: 2002Q3}]\n"),
        "window_congress_reversed": (
            "us_policy.congress[0].end",
            BASE + "us_policy:\n  congress: [{start: 2010Q1, end: 2006Q1, approval_rate: 0.5}]\n",
        ),
        "window_far_future": ("us_policy.tpa[0].end", BASE + "us_policy:\n  tpa: [{start: 2002Q3, end: 9000Q1}]\n"),
        "window_impossible_date": ("2004-02-30", BASE + "us_policy:\n  tpa: [{start: 2004-02-30, end: 2007Q2}]\n"),
        "congress_rate_above_one": (
            "approval_rate", BASE + "us_policy:\n  congress: [{start: 2004Q1, end: 2006Q1, approval_rate: 2}]\n"
        ),
        "intervention_outside_run": (
            "interventions[0].date",
            BASE + "interventions:\n  - {date: 2021Q1, kind: election, country: PER, economic: 0.1, contestation: 0.2}\n",
        ),
        "intervention_unknown_country": (
            "interventions[0].country",
            BASE + "interventions:\n  - {date: 2006Q2, kind: election, country: XYZ, economic: 0.1, contestation: 0.2}\n",
        ),
        "intervention_contestation_5": (
            "interventions[0].contestation",
            BASE + "interventions:\n  - {date: 2006Q2, kind: election, country: PER, economic: 0.1, contestation: 5}\n",
        ),
        "intervention_unknown_kind": (
            "interventions[0].kind", BASE + "interventions:\n  - {date: 2006Q2, kind: coup, country: PER}\n"
        ),
        "intervention_impossible_date": (
            "2006-02-30",
            BASE + "interventions:\n  - {date: 2006-02-30, kind: election, country: PER, economic: 0.1, contestation: 0.2}\n",
        ),
        "initial_unknown_status": (
            "initial[0].status", BASE + "initial:\n  - {country: PER, institution: CAN, status: boss}\n"
        ),
        "initial_duplicate": (
            "initial[1]",
            BASE + "initial:\n  - {country: PER, institution: CAN, status: member}\n"
            "  - {country: PER, institution: CAN, status: member}\n",
        ),
        "institution_bad_kind": (
            "institutions.ALBA.kind", BASE + "institutions:\n  ALBA: {kind: empire}\n"
        ),
        "institution_depth_inf": ("institutions.ALBA.depth", BASE + "institutions:\n  ALBA: {depth: .inf}\n"),
        "elections_unknown": ("elections", BASE + "elections: random\n"),
        "extends_dev_zero": ("/dev/zero", "extends: /dev/zero\nname: x\n"),
        "extends_dev_null": ("/dev/null", "extends: /dev/null\nname: x\n"),
        "extends_directory": ("directory", "extends: /tmp\nname: x\n"),
        "extends_missing": ("extends: file not found", "extends: no_such_scenario_here\nname: x\n"),
        "extends_self": ("circular", "extends: extends_self.yaml\nname: x\n"),
        "extends_number": ("extends", "extends: 5\nname: x\n"),
        "data_trade_dev_null": ("data.trade", BASE + "data: {trade: /dev/null}\n"),
        "data_trade_dev_zero": ("data.trade", BASE + "data: {trade: /dev/zero}\n"),
        "data_trade_directory": ("data.trade", BASE + "data: {trade: /tmp}\n"),
        "data_trade_missing": ("data.trade", BASE + "data: {trade: /no/such/file.csv}\n"),
        "data_leaders_directory": ("data.leaders", BASE + "data: {leaders: /}\n"),
        "data_unknown_table": ("data.gdp", BASE + "data: {gdp: x.csv}\n"),
        "alias_bomb": ("rejected YAML", BASE + _bomb()),
        "alias_bomb_in_parameters": ("rejected YAML", BASE + "parameters:\n" + _bomb(indent="  ", key="w_peer")),
        "deep_nesting_flow": ("rejected YAML", BASE + "description: " + "[" * 200 + "]" * 200 + "\n"),
        "deep_nesting_block": ("rejected YAML", BASE + "".join(f"{'  ' * i}k{i}:\n" for i in range(60)) + "  " * 60 + "x: 1\n"),
        "many_aliases": ("rejected YAML", BASE + "a: &a 1\nb: [" + ", ".join(["*a"] * 500) + "]\n"),
        "not_utf8": ("not UTF-8", BASE.encode() + b"description: caf\xe9 \xff\xfe\n"),
        "top_level_list": ("top level must be a mapping", "- a\n- b\n"),
        "top_level_scalar": ("top level must be a mapping", "just text\n"),
        "syntax_error": ("not valid YAML", BASE + "parameters: {w_peer: [1, 2}\n"),
        "tab_indent": ("not valid YAML", BASE + "parameters:\n\tw_peer: 1\n"),
        "python_object_tag": ("not valid YAML", BASE + "name: !!python/object/apply:os.system ['true']\n"),
        "no_institutions": ("institutions", "name: bare\n"),
        "name_missing_no_extends": ("name", "institutions: {}\n"),
        "states_not_a_list": ("states", BASE + "states: MEX\n"),
        "compatibility_unknown": ("compatibility[0].a", BASE + "compatibility:\n  - {a: NATO, b: ALBA}\n"),
        "institution_map_category_unknown": (
            "institutions.ALBA.map_category", BASE + "institutions:\n  ALBA: {map_category: empire}\n"
        ),
        "institution_requests_outside_policy_text": (
            "institutions.TPP.requests_outside_policy",
            BASE + "institutions:\n  TPP: {requests_outside_policy: sometimes}\n",
        ),
        "exo_oil_scale_huge": ("exogenous.oil_scale", BASE + "exogenous:\n  oil_scale: 1.0e+9\n"),
    })  # fmt: skip
    return out


def _bomb(indent: str = "", key: str = "lol") -> str:
    """A "billion laughs" document: nine levels of ten aliases each."""
    lines = [f'{indent}{key}0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    for i in range(1, 9):
        refs = ", ".join([f"*l{i - 1}"] * 10)
        lines.append(f"{indent}{key}{i}: &l{i} [{refs}]")
    return "\n".join(lines) + "\n"


def main() -> None:
    for old in HERE.glob("*.yaml"):
        old.unlink()
    for stem, (expect, body) in cases().items():
        head = f"# expect: {expect}\n".encode()
        data = body if isinstance(body, bytes) else body.encode()
        (HERE / f"{stem}.yaml").write_bytes(head + data)
    print(f"{len(cases())} files written to {HERE}")


if __name__ == "__main__":
    main()
