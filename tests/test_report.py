"""`tradeblocs report` end to end on small real runs: the HTML is made, holds every section,
opens without a network, and the figures are written beside it as PNG and SVG."""

from __future__ import annotations

import html
import json
import re

import numpy as np
import pytest
from scipy import stats
from tradeblocs.analysis import cli
from tradeblocs.analysis.report import SECTIONS

FIGURES = ("timeline", "hemisphere", "why", "peru", "course", "fit-events", "fit-paths")
STEPS = "20"  # 2003Q1-2007Q4: enough for requests, signatures and ALBA's founding


def run(*args: str) -> int:
    return cli.main(list(args))


@pytest.fixture(scope="module")
def runs(tmp_path_factory):
    """A single run, a folder of two seeds, and a counterfactual with the same two seeds."""
    root = tmp_path_factory.mktemp("runs")
    for name, seeds in (("single", [1]), ("seeds", [2, 3]), ("other", [2, 3])):
        scenario = "cf_no_competitive_liberalization" if name == "other" else "baseline_2003_2016"
        for s in seeds:
            out = root / name / f"s{s}" if name != "single" else root / name
            assert run("run", scenario, "--seed", str(s), "--steps", STEPS,
                       "--out", str(out), "--quiet") == 0  # fmt: skip
    return root


@pytest.fixture(scope="module")
def single_report(runs, tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "report.html"
    assert run("report", str(runs / "single"), "--out", str(out), "--dpi", "50") == 0
    return out


def test_report_has_every_section_and_figure(single_report, capsys):
    text = single_report.read_text(encoding="utf-8")
    for sid, heading in SECTIONS:
        assert f'<section id="{sid}"><h2>{html.escape(heading)}</h2>' in text, sid
        assert f'href="#{sid}"' in text
    for name in FIGURES:
        assert f'<figure id="fig-{name}">' in text
        assert "<figcaption>" in text
    assert "No comparison requested" in text  # the section is there, saying how to fill it


def test_report_opens_without_network(single_report):
    text = single_report.read_text(encoding="utf-8")
    refs = re.findall(r'(?:src|href)\s*=\s*["\']([^"\']*)', text)
    assert refs, "expected images and links"
    assert not [r for r in refs if re.match(r"\s*(https?:)?//", r)], "no network references"
    images = re.findall(r'<img [^>]*src="([^"]*)"', text)
    assert len(images) == len(FIGURES)
    assert all(src.startswith("data:image/png;base64,") for src in images)
    assert "@import" not in text and "<script" not in text
    alts = re.findall(r'<img [^>]*alt="([^"]+)"', text)
    assert len(alts) == len(FIGURES)


def test_png_and_svg_beside_the_html_with_title_and_caption(single_report):
    for name in FIGURES:
        png = single_report.parent / f"report-{name}.png"
        svg = single_report.parent / f"report-{name}.svg"
        assert png.stat().st_size > 1000 and svg.stat().st_size > 1000, name
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
        assert b"Description" in png.read_bytes()  # caption in the PNG's text chunks
        assert "<dc:title>" in svg.read_text(encoding="utf-8")


def test_seeds_and_compare(runs, tmp_path, capsys):
    out = tmp_path / "cmp.html"
    code = run("report", str(runs / "seeds"), "--compare", str(runs / "other"),
               str(runs / "single"), "--out", str(out), "--dpi", "50")  # fmt: skip
    printed = capsys.readouterr().out
    assert code == 0
    assert "[1/8] membership timeline" in printed and str(out.resolve()) in printed.splitlines()[-1]
    text = out.read_text(encoding="utf-8")
    for name in ("compare", "course-compare", "hemisphere-compare"):
        assert (tmp_path / f"cmp-{name}.png").exists() and (tmp_path / f"cmp-{name}.svg").exists()
    section = text[text.index('<section id="counterfactuals">') : text.index('<section id="fit">')]
    assert "US FTAs in force" in section and "US-alignment index" in section
    assert "paired t over 2 seeds" in section  # the counterfactual ran the same two seeds
    assert "no common seeds" in section  # seed 1 alone against seeds 2 and 3: not paired
    assert '<figure id="fig-course-compare">' in section and '<figure id="fig-hemisphere-compare">' in section
    assert "range across 2 seeds" in text  # replicate bands in the course figure's caption
    assert "anachronism" in text.lower()


def test_paired_differences_match_tradeblocs_compare():
    import pandas as pd
    from tradeblocs.analysis.compare import paired_interval
    from tradeblocs.analysis.figures import paired

    base = pd.DataFrame({"seed": [1, 2, 3, 4], "x": [3.0, 4.0, 6.0, 5.0]})
    other = pd.DataFrame({"seed": [4, 2, 3, 9], "x": [9.0, 7.0, 8.0, 1.0]})  # seeds 2, 3, 4 common
    d = paired(base, other, "x")
    mean, half = paired_interval(np.array([3.0, 2.0, 4.0]))
    assert d["pairs"] == 3 and d["difference"] == pytest.approx(mean)
    assert (d["low"], d["high"]) == pytest.approx((mean - half, mean + half))
    same = paired(base, base.assign(x=base["x"] + 1), "x")
    assert (same["low"], same["high"]) == (1.0, 1.0) and "same difference" in same["note"]
    apart = paired(base, pd.DataFrame({"seed": [7, 8], "x": [1.0, 2.0]}), "x")
    assert apart["pairs"] == 0 and "no common seeds" in apart["note"]


def test_anachronisms_are_events_before_the_institution_existed():
    from types import SimpleNamespace

    import pandas as pd
    from tradeblocs.analysis.fig_data import anachronisms, founding_dates

    founded = founding_dates()
    assert int(founded["PACIFIC_ALLIANCE"]) == 2011 and int(founded["ALBA"]) == 2004
    assert "FTAA" not in founded  # its record opens with the 2005 refusal, not a founding
    events = pd.DataFrame({
        "date": ["2006Q3", "2011Q3", "2004Q3", "2005Q1"], "country": ["PER", "PER", "VEN", "BOL"],
        "institution": ["PACIFIC_ALLIANCE", "PACIFIC_ALLIANCE", "ALBA", "ALBA"],
        "action": ["joined", "joined", "founded", "joined"], "forced": [False] * 4,
    })  # fmt: skip
    early = anachronisms(SimpleNamespace(events=events, steps_per_year=4))
    assert list(zip(early["date"], early["institution"], strict=True)) == [
        ("2006Q3", "PACIFIC_ALLIANCE"), ("2004Q3", "ALBA")]  # fmt: skip
    assert early["founded"].iloc[0] == "2011Q2" and early["years_early"].iloc[0] > 4


def test_difference_matches_welch():
    from tradeblocs.analysis.figures import difference

    a, b = np.array([3.0, 4.0, 6.0, 5.0]), np.array([7.0, 9.0, 8.0])
    d = difference(a, b)
    ci = stats.ttest_ind(b, a, equal_var=False).confidence_interval(0.95)
    assert d["difference"] == pytest.approx(b.mean() - a.mean())
    assert (d["low"], d["high"]) == pytest.approx((ci.low, ci.high))
    one = difference(np.array([3.0]), np.array([5.0]))
    assert one["difference"] == 2.0 and np.isnan(one["low"]) and "no interval" in one["note"]


def test_a_folder_without_runs_is_a_clear_error(tmp_path, capsys):
    assert run("report", str(tmp_path)) == 2
    assert "no run found" in capsys.readouterr().err


def test_maps_fall_back_to_capitals_without_shapes(runs, tmp_path, monkeypatch):
    from tradeblocs.analysis import fig_map
    from tradeblocs.analysis.fig_data import load_run_set

    ring = [[-80, -5], [-70, -5], [-70, -15], [-80, -5]]
    square = {"type": "Feature", "properties": {"ISO3": "PER"},
              "geometry": {"type": "Polygon", "coordinates": [ring]}}  # fmt: skip
    path = tmp_path / "shapes.geojson"
    path.write_text(json.dumps({"type": "FeatureCollection", "features": [square]}))
    assert set(fig_map.load_shapes(path)) == {"PER"}
    monkeypatch.setattr(fig_map, "GEOJSON", tmp_path / "missing.geojson")
    fig = fig_map.hemisphere_figure(load_run_set(runs / "single"), moments=["2004", "2006"])
    assert "capitals (no country shapes" in fig.caption
    assert [ax.get_title() for ax in fig.fig.axes[:2]] == ["end of 2004Q4", "end of 2006Q4"]
