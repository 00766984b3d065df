"""Regenerate the README's images in docs/ (run from the repository root).

    python docs/make_images.py             # the report figures (runs the scenarios itself)
    python -m pytest -m browser tests/test_viz_browser.py -k screenshot
    python docs/make_images.py --screenshot  # then copy the app's screenshot

The report figures come from three seeds of the calibrated baseline and of the counterfactual
without competitive liberalization, drawn by the report's own figure code at a low resolution;
the fit figure from 20 seeds of the calibrated baseline, the forecast figure from 20 seeds of
the forecast scenario.
The app screenshot is the one the browser test takes (Peru's US-agreement decisions of
2003-2006 in the inspector, at 2007Q1). Every image is reduced to 256 colours to stay small.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOCS = ROOT / "docs"
BASE, CF = "baseline_calibrated", "cf_no_competitive_liberalization"
SEEDS = (1, 2, 3)
MANY = tuple(range(1, 21))
FORECAST = "forecast_2017_2020"


def small_png(src: Path, dst: Path, width: int | None = None) -> None:
    """``src`` as a 256-colour PNG at ``dst``, scaled down to ``width`` pixels if given."""
    from PIL import Image

    im = Image.open(src).convert("RGB")
    if width and im.width > width:
        im = im.resize((width, round(im.height * width / im.width)), Image.LANCZOS)
    im.quantize(colors=256, method=Image.Quantize.MEDIANCUT).save(dst, optimize=True)
    print(f"{dst.relative_to(ROOT)}: {dst.stat().st_size // 1024} kB")


def figures() -> None:
    """Run the scenarios and draw the timeline, the decision bars and the counterfactual's course."""
    import matplotlib

    matplotlib.use("Agg")
    from tradeblocs.analysis.fig_data import load_run_set
    from tradeblocs.analysis.fig_fit import fit_figure, paths_figure
    from tradeblocs.analysis.fig_forecast import forecast_figure
    from tradeblocs.analysis.fig_timeline import timeline_figure
    from tradeblocs.analysis.fig_why import why_figure
    from tradeblocs.analysis.figures import course_compare_figure, save_figure
    from tradeblocs.analysis.score import score_run

    with tempfile.TemporaryDirectory() as tmp:
        runs = Path(tmp)
        for scenario, folder, seeds in ((BASE, "base", SEEDS), (CF, "cf", SEEDS), (BASE, "many", MANY),
                                        (FORECAST, "forecast", MANY)):  # fmt: skip
            for s in seeds:
                out = runs / folder / f"s{s}"
                cmd = [sys.executable, "-m", "tradeblocs.analysis.cli", "run", scenario, "--seed", str(s)]
                subprocess.run([*cmd, "--out", str(out), "--quiet"], check=True, cwd=ROOT)
        base, cf = load_run_set(runs / "base"), load_run_set(runs / "cf")
        fit = score_run(runs / "many")
        for name, fig, width in (
            ("fig-timeline.png", timeline_figure(base), 1224),
            ("fig-why.png", why_figure(base), 807),
            ("fig-course-compare.png", course_compare_figure(base, [cf]), 1100),
            ("fig-fit-events.png", fit_figure(fit["events"], len(MANY)), 1100),
            ("fig-fit-paths.png", paths_figure(fit["paths"]), 900),
            ("fig-forecast.png", forecast_figure(load_run_set(runs / "forecast")), 1100),
        ):
            saved = save_figure(fig, runs / "figs", "docs", dpi=90)
            small_png(saved.png, DOCS / name, width)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--screenshot", action="store_true",
                   help="only copy test-artifacts/viz.png (from the browser test) to docs/")  # fmt: skip
    args = p.parse_args()
    if args.screenshot:
        small_png(ROOT / "test-artifacts" / "viz.png", DOCS / "viz-screenshot.png")
        return 0
    figures()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
