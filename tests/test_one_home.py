"""One home per concept: the documented replay, dates, headline outcomes and "US deal" are each
defined once in ``sim`` and every reader agrees with it."""

from __future__ import annotations

import subprocess
import sys
import tomllib
from importlib import resources
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from tradeblocs.sim import documented
from tradeblocs.sim.dates import Calendar, last_year_ended, parse_date, period_end, period_label, to_year
from tradeblocs.sim.institutions import ACTIVE, STAGE_RANK
from tradeblocs.sim.output import headline, outcomes, us_ftas_by_year
from tradeblocs.sim.us_deal import alignment, is_us_deal, us_deal_ids

ROOT = Path(__file__).resolve().parents[1]


def _history(tmp_path: Path, rows: str) -> Path:
    """A small history file with the shipped file's columns."""
    p = tmp_path / "h.csv"
    p.write_text("date,country,institution,action,source,note\n" + rows)
    return p


# --- the documented replay ---------------------------------------------------------------------


def test_the_record_ships_with_sim_and_sim_never_imports_analysis() -> None:
    shipped = resources.files("tradeblocs.sim") / "data" / "history_events.csv"
    assert Path(str(shipped)) == documented.HISTORY_CSV
    assert documented.HISTORY_CSV.exists()
    data = tomllib.loads((ROOT / "pyproject.toml").read_text())["tool"]["setuptools"]["package-data"]
    assert "data/*.csv" in data["tradeblocs.sim"]
    code = (
        "import sys; import tradeblocs.sim.documented, tradeblocs.sim.us_deal, tradeblocs.sim.output, "
        "tradeblocs.sim.viz.history, tradeblocs.sim.viz.plots, tradeblocs.sim.viz.panels; "
        "print([m for m in sys.modules if m.startswith('tradeblocs.analysis')])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_one_table_decides_what_each_action_leaves(tmp_path: Path) -> None:
    """Declining ends talks as walking away does; the US vote changes no status; acceding is a
    bloc's status and no US stage; a state's own suspension and a sanction are statuses but not "in"."""
    assert documented.ACTION_STATUS["declined"] is None
    assert documented.ACTION_STATUS["suspended_talks"] is None
    assert "us_approved" not in documented.ACTION_STATUS
    assert "acceding" not in STAGE_RANK and documented.ACTION_STATUS["acceding"] == "acceding"
    assert not {"suspended", "sanctioned", "acceding"} & ACTIVE
    h = _history(
        tmp_path,
        "2004-01-01,URY,US_FTA,negotiating,s,\n"
        "2005-01-01,URY,US_FTA,us_approved,s,\n"
        "2006-09-28,URY,US_FTA,declined,s,\n"
        "2006-07-04,VEN,MERCOSUR,acceding,s,\n"
        "2012-07-31,VEN,MERCOSUR,joined,s,\n"
        "2012-06-06,PER,PACIFIC_ALLIANCE,signed,s,\n"
        "2011-04-28,CHL,PACIFIC_ALLIANCE,founded,s,\n"
        "2015-07-20,CHL,PACIFIC_ALLIANCE,in_force,s,\n",
    )
    got = {(s.country, s.institution, s.status, s.start, s.end) for s in documented.spells(h)}
    assert got == {
        ("URY", "US_FTA", "negotiating", "2004-01-01", "2006-09-28"),
        ("VEN", "MERCOSUR", "acceding", "2006-07-04", "2012-07-31"),
        ("VEN", "MERCOSUR", "member", "2012-07-31", ""),
        ("PER", "PACIFIC_ALLIANCE", "member", "2012-06-06", ""),  # a bloc's treaty step makes a member
        ("CHL", "PACIFIC_ALLIANCE", "member", "2011-04-28", ""),  # and keeps one
    }
    assert documented.treaty_step("PACIFIC_ALLIANCE", "in_force", h)
    assert not documented.treaty_step("US_FTA", "in_force", h)


def test_an_event_counts_from_just_after_its_date(tmp_path: Path) -> None:
    h = _history(tmp_path, "2004-01-01,CHL,US_FTA,in_force,s,\n2006-01-01,CHL,US_FTA,withdrew,s,\n")
    assert documented.statuses_before(2004.0, h) == {}
    assert documented.statuses_before(2004.01, h) == {("CHL", "US_FTA"): "in_force"}
    assert documented.statuses_before(2006.0, h) == {("CHL", "US_FTA"): "in_force"}
    assert documented.statuses_before(2006.01, h) == {}


def test_a_history_file_without_its_columns_is_a_clear_error(tmp_path: Path) -> None:
    p = tmp_path / "bad.csv"
    p.write_text("date,country,action\n2004-01-01,CHL,in_force\n")
    with pytest.raises(ValueError, match=r"missing columns \['institution', 'source'\]"):
        documented.load_events(p)


def test_the_score_and_the_app_read_the_same_replay(baseline) -> None:
    from tradeblocs.analysis.fig_data import status_count
    from tradeblocs.analysis.history import history_spells, load_history
    from tradeblocs.sim.viz.history import documented_series

    spells = history_spells()
    assert spells[["country", "institution", "status", "start", "end"]].values.tolist() == [
        [s.country, s.institution, s.status, s.start, s.end] for s in documented.spells()
    ]
    assert len(load_history()) == len(documented.load_events())
    times = np.arange(2003.0, 2017.0, 0.25) + 0.125  # mid-quarter: no event falls on one
    us = us_deal_ids(baseline.institutions)
    app = documented_series(times, us, ["ALBA", "MERCOSUR", "PACIFIC_ALLIANCE"])
    assert app["us_ftas_in_force"] == status_count(spells, times, us, {"in_force"}).astype(int).tolist()
    for b in ("ALBA", "MERCOSUR", "PACIFIC_ALLIANCE"):
        assert app[f"members_{b}"] == status_count(spells, times, [b], set(ACTIVE)).astype(int).tolist()


# --- "US deal" ---------------------------------------------------------------------------------


def test_a_us_deal_includes_the_us_and_is_no_preference(baseline) -> None:
    assert is_us_deal("us_agreement", True) and is_us_deal("hemispheric", True)
    assert not is_us_deal("preference", True) and not is_us_deal("bloc", False)
    ids = us_deal_ids(baseline.institutions)
    assert "FTAA" in ids and "ATPDEA" not in ids and "MERCOSUR" not in ids
    as_dicts = {k: v.model_dump(mode="json") for k, v in baseline.institutions.items()}
    assert us_deal_ids(as_dicts) == ids  # a resolved scenario file reads the same


def test_the_map_category_rule_is_the_models(baseline_run) -> None:
    us = us_deal_ids(baseline_run.insts)
    for s in baseline_run.states:
        assert alignment(s.status, us, baseline_run.map_categories) == s.alignment, s.iso3
    cats = {"MERCOSUR": "mercosur"}
    assert alignment({"US_FTA": "concluded"}, ["US_FTA"], cats) == "us_fta_pending"
    assert alignment({"MERCOSUR": "acceding"}, ["US_FTA"], cats) == "none"
    assert alignment({"MERCOSUR": "member"}, ["US_FTA"], cats) == "mercosur"


# --- headline outcomes -------------------------------------------------------------------------


def test_the_summary_and_the_result_row_are_the_same_numbers(baseline_run) -> None:
    h, row = headline(baseline_run), outcomes(baseline_run)
    assert row["us_ftas_in_force"] == h["us_ftas_in_force"]
    assert round(row["us_alignment_index"], 4) == h["us_alignment_index"]
    assert {k: row[f"members_{k}"] for k in h["bloc_members"]} == h["bloc_members"]
    assert row["n_events"] == h["events"] and row["n_chosen"] == h["chosen_events"]
    assert row["end_date"] == h["last_step_date"]
    by_year = us_ftas_by_year(baseline_run)
    assert {f"us_ftas_{y}": n for y, n in by_year.items()}.items() <= row.items()
    assert by_year[max(by_year)] == h["us_ftas_in_force"]


# --- dates -------------------------------------------------------------------------------------


@pytest.mark.parametrize("spy", [1, 2, 4, 12])
def test_every_label_a_calendar_writes_reads_back(spy: int) -> None:
    cal = Calendar("2003", "2016-12", spy)
    for k in range(cal.n_steps):
        assert parse_date(cal.label(k)) == pytest.approx(cal.time(k))
        assert period_label(cal.time(k), spy) == cal.label(k)
        assert period_end(cal.label(k)) == pytest.approx(cal.time(k + 1))


def test_empty_dates_and_period_ends() -> None:
    assert np.isnan(to_year("")) and np.isnan(to_year(None)) and np.isnan(to_year(float("nan")))
    assert to_year(" ", missing=np.inf) == np.inf and to_year("2006Q2") == 2006.25
    assert period_end("2009") == 2010.0 and period_end("2009-06") == pytest.approx(2009.5)
    assert period_end("2009-06-30") == parse_date("2009-06-30")
    assert period_label(2011.32) == "2011Q2"
    assert pd.Series(["2006H2", ""]).map(to_year).iloc[0] == 2006.5


def test_the_last_year_a_run_ended_whatever_its_periods() -> None:
    """The score reads the last year end a run reached off its last label: a quarterly run's is
    as before, and yearly, half-yearly and monthly runs are no longer read by a quarter's rule."""
    for label in ("2016Q4", "2016H2", "2016-12", "2016", "2017Q1"):
        assert last_year_ended(label) == 2016, label
    for label in ("2016Q3", "2016H1", "2016-10", "2015"):
        assert last_year_ended(label) == 2015, label
