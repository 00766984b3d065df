"""``tradeblocs report``: a run (or several seeds, or a comparison) as one self-contained HTML
file a researcher can open offline, send or publish, with every figure also as PNG and SVG.

The HTML carries its images inline (base64 PNG) and its style in the page, with no link to
the network, so it opens the same on a laptop in the field as on the web. Sections:
run summary, membership timeline (with the run's anachronisms: events before their institution
existed in history), the hemisphere at three moments, why they chose (with Peru beside Kat's
account), the hemisphere's course, counterfactuals (``--compare``: differences paired over common
seeds, each course over the baseline's with bands, maps side by side) and the fit to the
documented history (from ``analysis.score`` where it is available).
"""

from __future__ import annotations

import argparse
import html
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd

from .cliargs import int_range, out_file
from .fig_data import RunError, RunSet, load_run_set

#: the report's sections in order: (html id, heading); tests check every one is there
SECTIONS = [
    ("summary", "The run"),
    ("timeline", "Membership timeline"),
    ("hemisphere", "The hemisphere at three moments"),
    ("why", "Why they chose"),
    ("course", "The hemisphere's course"),
    ("counterfactuals", "Counterfactuals"),
    ("fit", "Fit to the documented history"),
]
#: shown only when the runs go past the documented record (analysis.fig_forecast.goes_past)
FORECAST_SECTION = ("forecast", "Forecast beyond the calibration window")

CSS = """
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; margin: 0 auto;
       max-width: 1180px; padding: 1.5em 2em 4em; color: #222; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.2em; } h2 { border-bottom: 1px solid #ccc;
     padding-bottom: 0.2em; margin-top: 2.2em; }
nav ol { columns: 2; padding-left: 1.2em; } .meta { color: #555; font-size: 0.92em; }
figure { margin: 1.2em 0; } figure img { max-width: 100%; height: auto;
         border: 1px solid #eee; } figcaption { font-size: 0.92em; color: #333; }
table { border-collapse: collapse; font-size: 0.88em; margin: 0.6em 0; }
th, td { border-bottom: 1px solid #ddd; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
.note { background: #f6f6f6; border-left: 4px solid #999; padding: 0.6em 1em; }
.error { background: #fdecea; border-left: 4px solid #c0392b; padding: 0.6em 1em; }
details { margin: 0.6em 0; } .files { color: #666; }
"""


def add_parser(sub: argparse._SubParsersAction) -> argparse.ArgumentParser:
    p = sub.add_parser(
        "report",
        help="turn a run (or seeds, or a comparison) into one self-contained HTML report",
        description="Write one self-contained HTML report (images embedded, opens offline) "
        "and every figure as PNG and SVG beside it. RUN_DIR is the output of `tradeblocs run`, "
        "or a folder holding several seeds' run folders (drawn as mean and band).",
    )
    p.add_argument("run_dir", type=Path, metavar="RUN_DIR", help="a run folder, or a folder of seeds")
    p.add_argument("--compare", type=Path, nargs="+", default=[], metavar="OTHER_RUN_DIR",
                   help="runs (or folders of seeds) to compare with RUN_DIR")  # fmt: skip
    p.add_argument("--out", type=out_file, default=None,
                   help="HTML file to write (default: RUN_DIR/report.html); the figures "
                   "go beside it as NAME-FIGURE.png/.svg")  # fmt: skip
    p.add_argument("--moments", nargs="+", default=None, metavar="PERIOD",
                   help="periods whose end the hemisphere maps show, e.g. 2003 2009 2016 "
                   "(default: the start, the middle year and the end of the run)")  # fmt: skip
    p.add_argument("--dpi", type=int_range(10, 1200, "dpi"), default=150,
                   help="PNG resolution (default 150)")  # fmt: skip
    p.add_argument("--quiet", action="store_true", help="print only the HTML path")
    return p


@dataclass
class Job:
    """One figure to make: its section, a label for progress lines, and the builder."""

    section: str
    label: str
    build: Callable[[], object]


def warn_nested_seeds(folder: Path) -> None:
    """Warn when a run folder also holds run folders: they look like seeds, but a run folder is
    reported as the one run it is, so the report would silently show one seed."""
    if not (folder / "summary.json").exists():
        return
    nested = [p for p in folder.iterdir() if (p / "summary.json").exists()]
    if nested:
        print(
            f"warning: {folder} is a run and also holds {len(nested)} run folder(s); only the run "
            "itself is reported. Put the seeds in a folder of their own (e.g. runs/base/s1, "
            "runs/base/s2) and report that folder.",
            file=sys.stderr,
        )


def main(args: argparse.Namespace) -> int:
    import matplotlib

    matplotlib.use("Agg")  # files only, even where a display exists
    try:
        base = load_run_set(args.run_dir)
        others = [load_run_set(p) for p in args.compare]
    except RunError as e:
        print(f"error: {e}", file=sys.stderr)
        return 2
    for folder in (args.run_dir, *args.compare):
        warn_nested_seeds(folder)
    label_runs(base, others)
    out = args.out or (args.run_dir / "report.html")
    out = out if out.suffix.lower() in (".html", ".htm") else out / "report.html"
    out.parent.mkdir(parents=True, exist_ok=True)
    say = (lambda _msg: None) if args.quiet else print
    html_text, failures = build_report(base, others, out, args.moments, args.dpi, say)
    out.write_text(html_text, encoding="utf-8")
    if not args.quiet:
        print(f"report written to {out.resolve()}")
    else:
        print(out)
    return 1 if failures else 0


def label_runs(base: RunSet, others: list[RunSet]) -> None:
    """Give each compared run set a distinct name: its scenario, or its folder where the
    scenario name is already taken (e.g. the same scenario with other parameters)."""
    taken = {base.label}
    for rs in others:
        if rs.label in taken:
            rs.label = rs.path.name if rs.path.name not in taken else str(rs.path)
        taken.add(rs.label)


def build_report(
    base: RunSet,
    others: list[RunSet],
    out: Path,
    moments: list[str] | None = None,
    dpi: int = 150,
    say: Callable[[str], None] = print,
) -> tuple[str, list[str]]:
    """Make every figure (saved beside ``out``), and return the HTML text and the list of
    figures that failed (each failure is also shown in its section)."""
    from .fig_forecast import forecast_figure, goes_past
    from .fig_map import hemisphere_compare_figure, hemisphere_figure
    from .fig_timeline import timeline_figure
    from .fig_why import peru_figure, why_figure
    from .figures import compare_figure, compare_table, course_compare_figure, course_figure, save_figure

    table = compare_table(base, others) if others else None
    jobs = [
        Job("timeline", "membership timeline", lambda: timeline_figure(base)),
        Job("hemisphere", "hemisphere at three moments", lambda: hemisphere_figure(base, moments)),
        Job("why", "why they chose", lambda: why_figure(base)),
        Job("why", "Peru beside Kat's account", lambda: peru_figure(base)),
        Job("course", "the hemisphere's course", lambda: course_figure(base)),
    ]
    forecast = goes_past(base)
    if forecast:
        jobs.append(Job("forecast", "forecast: who takes part", lambda: forecast_figure(base)))
    if table is not None:
        jobs += [
            Job("counterfactuals", "counterfactual courses over the baseline's",
                lambda: course_compare_figure(base, others)),
            Job("counterfactuals", "counterfactual maps beside the baseline's",
                lambda: hemisphere_compare_figure(base, others, moments)),
            Job("counterfactuals", "counterfactual differences", lambda: compare_figure(base, table)),
        ]  # fmt: skip
    parts: dict[str, list[str]] = {sid: [] for sid, _ in [*SECTIONS, FORECAST_SECTION]}
    failures = []
    for k, job in enumerate(jobs, 1):
        t0 = time.perf_counter()
        try:
            saved = save_figure(job.build(), out.parent, out.stem, dpi)
        except Exception as e:  # a broken figure must not cost the researcher the others
            failures.append(job.label)
            parts[job.section].append(
                f'<p class="error">The figure "{html.escape(job.label)}" could not be made: '
                f"{html.escape(type(e).__name__)}: {html.escape(str(e))}</p>"
            )
            print(f"[{k}/{len(jobs)}] {job.label}: FAILED ({type(e).__name__}: {e})",
                  file=sys.stderr)  # fmt: skip
            continue
        parts[job.section].append(figure_html(saved, k))
        say(f"[{k}/{len(jobs)}] {job.label} ({time.perf_counter() - t0:.1f} s): "
            f"{saved.png.name}, {saved.svg.name}")  # fmt: skip
    parts["summary"].insert(0, summary_html(base, others))
    parts["timeline"].append(anachronisms_html(base, others))
    parts["why"].insert(1, kat_html(base))
    parts["why"].append(decisions_html(base))
    parts["counterfactuals"].insert(0, compare_html(base, table))
    if forecast:
        parts["forecast"].append(forecast_html(base))
    say("fit to the documented history: scoring")
    parts["fit"].append(fit_html(base, out, dpi, len(jobs) + 1))
    return page(base, others, parts), failures


# --- HTML pieces ----------------------------------------------------------------------------


def figure_html(saved, number: int) -> str:
    """A figure with its caption, the image inline as a data: URI, and the files beside."""
    alt = html.escape(f"{saved.title}. {saved.caption}", quote=True)
    return (
        f'<figure id="fig-{saved.name}"><img src="data:image/png;base64,{saved.png_base64}" '
        f'alt="{alt}"><figcaption><b>Figure {number}. {html.escape(saved.title)}.</b> '
        f'{html.escape(saved.caption)} <span class="files">(also '
        f'<a href="{html.escape(saved.png.name)}">PNG</a>, '
        f'<a href="{html.escape(saved.svg.name)}">SVG</a>)</span></figcaption></figure>'
    )


def frame_html(df: pd.DataFrame, digits: int = 2) -> str:
    """A data frame as a plain HTML table (escaped), floats rounded for reading."""
    return df.to_html(index=False, border=0, na_rep="", float_format=lambda x: f"{x:.{digits}f}")


def _mean_range(series: pd.Series) -> str:
    if len(series) == 1:
        return f"{series.iloc[0]:.2f}".rstrip("0").rstrip(".")
    return f"{series.mean():.2f} ({series.min():.2f} to {series.max():.2f})"


def summary_html(base: RunSet, others: list[RunSet]) -> str:
    """What was run (scenario, seeds, version) and where it ended, for each run set."""
    run = base.primary
    s = run.summary
    desc = run.scenario.get("description", "")
    meta = [
        f"scenario <b>{html.escape(str(s.get('scenario')))}</b> (hash {s.get('scenario_hash')})",
        f"{base.n} seed{'s' if base.n > 1 else ''}: " + ", ".join(str(x) for x in base.seeds),
        f"{s.get('steps')} steps, through {s.get('end_date')}",
        f"tradeblocs {s.get('version')}" + (f", commit {s['git_commit']}" if s.get("git_commit") else ""),
    ]
    rows = {}
    for rs in [base, *others]:
        col = f"{rs.label} ({rs.n} seed{'s' if rs.n > 1 else ''})"
        rows[col] = {o: _mean_range(rs.outcomes[o]) for o in rs.outcomes.columns[2:]}
    table = pd.DataFrame(rows).rename_axis("outcome at the end of the run").reset_index()
    out = [f"<p>{html.escape(desc)}</p>" if desc else "",
           f'<p class="meta">{" · ".join(meta)}</p>',
           "<p>Where the run ended (mean over seeds, with the range across seeds in brackets "
           "when there are several):</p>", frame_html(table)]  # fmt: skip
    forced = s.get("forced_events")
    if forced is not None:
        out.append(
            f'<p class="meta">{s.get("chosen_events")} decisions chosen by governments, '
            f"{forced} events imposed by the scenario (forced) in seed {run.seed}.</p>"
        )
    return "\n".join(out)


def kat_html(base: RunSet) -> str:
    """Kat's account of Peru, paraphrased, and where this run stands against it."""
    from .fig_why import KAT_ACCOUNT, peru_verdict

    items = "".join(f"<li>{html.escape(p.lstrip('- '))}</li>" for p in KAT_ACCOUNT[1:])
    return (
        f'<div class="note"><p><b>{html.escape(KAT_ACCOUNT[0])}</b></p><ul>{items}</ul>'
        f'<p>{html.escape(peru_verdict(base.primary))}</p><p class="meta">Source: Kat (2022), '
        "competitive liberalization and the US-Peru free trade agreement (seed document); "
        "paraphrased.</p></div>"
    )


def decisions_html(base: RunSet) -> str:
    """The numbers behind the decision figures, folded away for readers who want them."""
    from tradeblocs.sim.decision import TERMS

    from .fig_why import main_decisions

    dec = main_decisions(base.primary)
    if dec.empty:
        return ""
    cols = ["panel", "date", "country", "institution", "action", "utility", *TERMS]
    return details("Numbers behind the decision figure", frame_html(dec[cols], 3))


def compare_html(base: RunSet, table: pd.DataFrame | None) -> str:
    """The comparison table, or a note on how to ask for one."""
    if table is None:
        return ('<p class="note">No comparison requested. Run a counterfactual scenario and '
                "pass its folder with <code>--compare OTHER_RUN_DIR</code> to see the outcome "
                "differences here.</p>")  # fmt: skip
    t = table.copy()
    t["95% interval"] = [
        "" if pd.isna(lo) else f"{lo:+.2f} to {hi:+.2f}" for lo, hi in zip(t["low"], t["high"], strict=True)
    ]
    t["difference"] = t["difference"].map(lambda x: f"{x:+.2f}")
    t = t.drop(columns=["low", "high"])
    end = html.escape(str(base.primary.summary.get("end_date", "?")))
    return (
        f"<p>Outcomes at the end of the runs (end of {end}); "
        "difference = compared run minus base run, paired over the seeds both ran, as "
        "<code>tradeblocs compare</code> pairs them (the same seed meets the same random draws, "
        "so the difference shows the change, not the noise): the mean paired difference with its "
        "t-interval where two or more seeds are common, otherwise the point difference alone. "
        "An interval of width zero means every seed moved by the same amount. The figures below "
        "show each course over the baseline's and the maps side by side.</p>" + frame_html(t)
    )


def anachronisms_html(base: RunSet, others: list[RunSet]) -> str:
    """Simulated events dated before their institution existed in history, per run set (first
    seed, as the figures), or a line saying there are none."""
    from .fig_data import anachronisms

    out = []
    for rs in [base, *others]:
        early = anachronisms(rs.primary)
        who = f"{html.escape(rs.label)} (seed {rs.primary.seed})"
        if early.empty:
            out.append(f'<p class="meta">No anachronism in {who}: no simulated event comes before '
                       "its institution existed in history.</p>")  # fmt: skip
            continue
        counts = ", ".join(
            f"{html.escape(str(i))} {n}" for i, n in early["institution"].value_counts().items()
        )
        out.append(
            f'<p class="note"><b>Anachronisms in {who}:</b> {len(early)} simulated event(s) dated '
            f"before the institution existed in history ({counts}; founding dates from the history "
            "table; marked ! in the timeline and (!) in the decision figures).</p>"
            + details("The anachronistic events", frame_html(early))
        )
    return "\n".join(out)


def fit_html(base: RunSet, out: Path | None = None, dpi: int = 150, number: int = 0) -> str:
    """The honest fit against the documented history (all seeds), if it can be had: the
    headline, the per-event figure (saved beside ``out``), the documented paths with their hit
    rates, intervals and figure (the next number), and in a folded appendix the per-event,
    per-pair and per-seed tables."""
    try:
        from tradeblocs.analysis.fig_fit import fit_figure, paths_figure
        from tradeblocs.analysis.figures import save_figure
        from tradeblocs.analysis.score import INTERVAL, path_steps_table, path_summary, score_run
    except ImportError:
        return '<p class="note">No score available: the scoring module is not installed.</p>'
    try:
        result = score_run(base.path)
    except Exception as e:  # scoring is optional here; say why it is missing
        return (
            '<p class="note">No score available: scoring failed '
            f"({html.escape(type(e).__name__)}: {html.escape(str(e))}).</p>"
        )
    fit = result["fit"]
    out_html = [
        f"<p><b>{html.escape(str(result.get('headline', '')))}</b></p>",
        '<p class="meta">The headline counts every documented 2003-2016 event that the agents '
        "chose: not imposed by the scenario (forced), not a status held at the start, not a join "
        "of a lowest-common-denominator forum (read from each institution's political model; "
        "members join those in the quarter they are founded). A missed event counts as a failure, "
        "and in the median error as beyond the window. The forum joins, starting statuses and "
        "forced events are counted apart. Status F1 over year ends is secondary and leaves out "
        "the cells where run and record both still hold their starting status. For a "
        "counterfactual scenario read it as the distance from history, not as a test.</p>",
    ]
    events = result.get("events")
    if isinstance(events, pd.DataFrame) and not events.empty and out is not None:
        try:
            saved = save_figure(fit_figure(events, int(fit.get("seeds", 1))), out.parent, out.stem, dpi)
            out_html.append(figure_html(saved, number))
        except Exception as e:  # a broken figure must not cost the tables
            out_html.append(
                f'<p class="error">The fit figure could not be made: '
                f"{html.escape(type(e).__name__)}: {html.escape(str(e))}</p>"
            )
    paths = result.get("paths")
    if isinstance(paths, pd.DataFrame) and not paths.empty:
        shown = paths.rename(columns={"hit_share": "share of seeds"})[
            ["title", "steps", "from", "to", "share of seeds", "low", "high"]
        ]
        out_html.append(
            "<p>Documented paths (analysis/data/documented_paths.csv, each step a sourced "
            "event of the record): the share of seeds in which every step of the path is "
            "reproduced within a year by the agents' own choice, with its Wilson interval (low, "
            f"high; {100 * INTERVAL:.0f}%): {html.escape(path_summary(paths))}."
            "</p>" + frame_html(shown)
        )
        if out is not None:
            try:
                saved = save_figure(paths_figure(paths), out.parent, out.stem, dpi)
                out_html.append(figure_html(saved, number + 1))
            except Exception as e:  # a broken figure must not cost the tables
                out_html.append(
                    f'<p class="error">The paths figure could not be made: '
                    f"{html.escape(type(e).__name__)}: {html.escape(str(e))}</p>"
                )
        if isinstance(events, pd.DataFrame):
            out_html.append(details("Steps of each path, with each step's share of seeds",
                                    frame_html(path_steps_table(events))))  # fmt: skip
    appendix = []
    if isinstance(events, pd.DataFrame) and not events.empty:
        appendix.append(details("Each documented event: share of seeds within a year (fit_events.csv)",
                                frame_html(events)))  # fmt: skip
    table = result.get("table")
    if isinstance(table, pd.DataFrame) and {"tp", "fp", "fn"} <= set(table.columns):
        held = table[(table["tp"] + table["fp"] + table["fn"]) > 0]
        appendix.append(details("Status fit per state and institution (pairs either side held)",
                                frame_html(held, 3)))  # fmt: skip
        appendix.append(details("Full status fit table", frame_html(table, 3)))
    timing = result.get("timing")
    if isinstance(timing, pd.DataFrame) and not timing.empty:
        appendix.append(details("Timing of each documented event in each seed", frame_html(timing, 2)))
    if appendix:
        out_html.append("<h3>Appendix: the fit in detail</h3>" + "\n".join(appendix))
    return "\n".join(out_html)


def forecast_html(base: RunSet) -> str:
    """What the forecast section is, and the shares behind its figure, folded away."""
    from .fig_forecast import forecast_table, participation_shares

    table = forecast_table(participation_shares(base))
    return (
        '<p class="meta">The runs go past the last documented year: the years after it were not '
        "used in calibration, and only the scenario's exogenous acts (marked forced) reach into "
        "them. The fit section below scores the documented years only.</p>"
        + details(
            "Percent of seeds active at each year end (states never active left out)",
            frame_html(table, 0),
        )
    )


def details(summary: str, body: str) -> str:
    """A folded block the reader can open: long tables stay out of the way."""
    return f"<details><summary>{html.escape(summary)}</summary>{body}</details>"


def page(base: RunSet, others: list[RunSet], parts: dict[str, list[str]]) -> str:
    """The whole document: head with inline style, contents, sections, footer."""
    title = f"tradeblocs report: {base.label}"
    if others:
        title += " compared with " + ", ".join(o.label for o in others)
    shown = [*SECTIONS[:-1], FORECAST_SECTION, SECTIONS[-1]] if parts.get("forecast") else SECTIONS
    nav = "".join(f'<li><a href="#{sid}">{html.escape(h)}</a></li>' for sid, h in shown)
    body = "\n".join(
        f'<section id="{sid}"><h2>{html.escape(h)}</h2>\n' + "\n".join(parts[sid]) + "</section>"
        for sid, h in shown
    )
    stamp = datetime.now().strftime("%Y-%m-%d %H:%M")
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{html.escape(title)}</title><style>{CSS}</style></head>
<body><header><h1>{html.escape(title)}</h1>
<p class="meta">Run folder {html.escape(str(base.path))} · made {stamp} by
<code>tradeblocs report</code>. Self-contained: every image is embedded; no network needed.</p>
</header><nav><ol>{nav}</ol></nav>
{body}
</body></html>
"""
