"""The fit score on hand-made histories: perfect, shifted, forced, and a do-nothing run."""

from __future__ import annotations

import pandas as pd
import pytest

from analysis.history import history_as_run, history_spells
from analysis.score import quick_fit


@pytest.fixture(scope="module")
def perfect():
    return history_as_run()


def test_history_has_at_least_60_dated_sourced_events():
    from analysis.history import load_history

    h = load_history()
    assert len(h) >= 60 and h["source"].astype(bool).all()


def test_a_run_that_is_the_record_scores_one(perfect):
    spells, events = perfect
    fit = quick_fit(spells, events)
    assert fit["f1"] == pytest.approx(1.0)
    assert fit["f1_2016"] == pytest.approx(1.0)
    assert fit["accuracy"] == pytest.approx(1.0)
    assert fit["timing_median"] == pytest.approx(0.0)
    assert fit["within_1y"] == pytest.approx(1.0)
    assert fit["missed"] == 0 and fit["spurious"] == 0


def _shift(events: pd.DataFrame, country: str, inst: str, action: str, new_date: str) -> pd.DataFrame:
    ev = events.copy()
    mask = (ev.country == country) & (ev.institution == inst) & (ev.action == action)
    assert mask.sum() == 1
    ev.loc[mask, "date"] = new_date
    return ev


def test_a_shifted_event_scores_its_shift(perfect):
    spells, events = perfect
    ev = _shift(events, "PER", "US_FTA", "in_force", "2011-02-01")  # two years late
    from analysis.score import timing_fit

    tf = timing_fit(ev)
    row = tf["table"][(tf["table"].country == "PER") & (tf["table"].action == "in_force")
                      & (tf["table"].institution == "US_FTA")]  # fmt: skip
    assert row["error_years"].iloc[0] == pytest.approx(2.0, abs=0.01)


def with_chile_in_alba(spells: pd.DataFrame) -> pd.DataFrame:
    """The record plus a membership that never happened."""
    invented = {"country": "CHL", "institution": "ALBA", "status": "member", "start": "2010Q1", "end": ""}
    return pd.concat([spells, pd.DataFrame([invented])])


def test_a_missing_status_lowers_f1_and_an_invented_one_is_a_false_positive(perfect):
    spells, events = perfect
    fewer = spells[~((spells.country == "HND") & (spells.institution == "ALBA"))]
    assert quick_fit(fewer, events)["f1"] < 1.0
    extra = with_chile_in_alba(spells)

    fit = quick_fit(extra, events)
    assert fit["f1"] < 1.0 and fit["accuracy"] < 1.0


def test_forced_events_are_excluded_and_counted(perfect):
    spells, events = perfect
    extra = with_chile_in_alba(spells)

    ev = pd.concat(
        [
            events,
            pd.DataFrame(
                [
                    {
                        "date": "2010Q1",
                        "country": "CHL",
                        "institution": "ALBA",
                        "action": "joined",
                        "forced": True,
                        "utility": None,
                    }
                ]
            ),
        ]
    )
    fit = quick_fit(extra, ev)
    assert fit["f1"] == pytest.approx(1.0)  # the imposed membership is not scored
    assert fit["forced_excluded"] >= 7  # its year-end cells 2010..2016
    assert fit["spurious"] == 0


def test_do_nothing_scores_below_the_record():
    spells = history_spells()
    start = spells[spells.start_year < 2003][["country", "institution", "status", "start", "end"]].copy()
    start["end"] = ""
    fit = quick_fit(start, pd.DataFrame(columns=["date", "country", "institution", "action", "forced"]))
    assert 0.0 < fit["f1"] < 0.9
