"""The state inspector's decision history: every choice a government made, term by term.

Each decision is one diverging bar on a shared axis (the six weighted utility terms, positive to
the right, negative to the left; each term has a colour and a fill pattern), with its net utility
(a diamond), the utility of staying put (a dashed rule: the model's ``inertia``) and the
probability the logit rule gave the move. Sharing one axis across decisions lets a reader compare
them: was the request for US talks pushed more by the export lobby or by coercion, and how did
that change by the signature? The view on US-agreement decisions answers "why did it ask for
talks?". A table with the numbers follows the chart.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from .. import us_deal
from ..decision import TERMS
from .mapview import short_name
from .words import STATE_ACTIONS, inst_words

if TYPE_CHECKING:
    from ..model import TradeBlocsModel

TERM_LABELS = {
    "econ": "economic",
    "coercion": "coercion",
    "influence": "influence",
    "ideology": "ideology",
    "peer": "peer",
    "cost": "cost",
}
#: Colour (Okabe-Ito) and fill pattern of each term: told apart without colour too.
TERM_STYLE: dict[str, tuple[str, str]] = {
    "econ": ("#E69F00", "solid"),
    "coercion": ("#D55E00", "hatch"),
    "influence": ("#0072B2", "solid"),
    "ideology": ("#CC79A7", "dots"),
    "peer": ("#009E73", "backhatch"),
    "cost": ("#8c8c8c", "cross"),
}
VIEWS = ("US agreement", "All decisions")


def decisions(model: TradeBlocsModel, iso3: str, us_only: bool = False) -> list[dict]:
    """The state's own choices (events with a utility), oldest first; ``us_only`` keeps those on
    an agreement with the United States."""
    out = []
    for e in model.events:
        if e.get("country") != iso3 or e.get("utility") is None:
            continue
        if us_only and not is_us_deal(model, e.get("institution", "")):
            continue
        out.append(e)
    return out


def is_us_deal(model: TradeBlocsModel, iid: str) -> bool:
    """Whether an institution of the model is a US deal (``sim.us_deal``; None of it: no)."""
    inst = model.insts.get(iid)
    return inst is not None and us_deal.is_us_deal(inst.kind, inst.includes_us)


def choice_probability(event: dict) -> float | None:
    """The probability the logit rule gave the chosen move, where it was recorded."""
    for key in ("p_choice", "p", "probability"):
        v = event.get(key)
        if isinstance(v, int | float):
            return float(v)
    return None


def decision_words(event: dict) -> str:
    """A decision in a few words, without the state's name ("asked for talks on a US FTA")."""
    template = STATE_ACTIONS.get(str(event.get("action")))
    if template is None:
        return f"{str(event.get('action', '')).replace('_', ' ')} {short_name(event.get('institution', ''))}"
    return template.format(who="", inst=inst_words(event.get("institution", ""))).strip()


def _patterns() -> str:
    out = ["<defs>"]
    for k, (colour, kind) in TERM_STYLE.items():
        lines = {
            "solid": "",
            "hatch": '<path d="M0,6L6,0" stroke="#fff" stroke-width="1.3"/>',
            "backhatch": '<path d="M0,0L6,6" stroke="#fff" stroke-width="1.3"/>',
            "dots": '<circle cx="3" cy="3" r="1.1" fill="#fff"/>',
            "cross": '<path d="M0,3H6M3,0V6" stroke="#fff" stroke-width="1"/>',
        }[kind]
        out.append(
            f'<pattern id="tbp-{k}" width="6" height="6" patternUnits="userSpaceOnUse">'
            f'<rect width="6" height="6" fill="{colour}"/>{lines}</pattern>'
        )
    out.append("</defs>")
    return "".join(out)


def term_legend() -> str:
    """Swatches of the six terms with their patterns, the utility diamond and the stay rule."""
    items = []
    for k in TERMS:
        items.append(
            f'<span class="tb-legend-item"><svg width="14" height="11" aria-hidden="true">'
            f'{_patterns()}<rect width="14" height="11" fill="url(#tbp-{k})"/></svg> '
            f"{TERM_LABELS[k]}</span>"
        )
    items.append('<span class="tb-legend-item">\u25c6 net utility</span>')
    items.append('<span class="tb-legend-item">\u2506 utility of staying put</span>')
    return '<div class="tb-legend">' + "".join(items) + "</div>"


def history_svg(events: list[dict], stay: float) -> str:
    """The decisions as diverging bars on one shared axis, with utility, stay rule and p."""
    if not events:
        return ""
    neg = max(sum(-min(0.0, float(e.get(k) or 0)) for k in TERMS) for e in events)
    pos = max(max(sum(max(0.0, float(e.get(k) or 0)) for k in TERMS) for e in events), stay, 0.5)
    neg = max(neg, 0.5)
    w, left, right, row, top = 320, 112, 36, 22, 16
    plot = w - left - right
    scale = plot / (neg + pos)
    zero = left + neg * scale
    h = top + row * len(events) + 4
    out = [
        f'<svg class="tb-history" viewBox="0 0 {w} {h}" width="100%" xmlns="http://www.w3.org/2000/svg" '
        f'font-family="sans-serif" font-size="9" role="img" aria-label="Decision history">',
        _patterns(),
    ]
    tick = 1.0 if neg + pos <= 8 else 2.0
    v = -tick * int(neg / tick)
    while v <= pos + 1e-9:
        x = zero + v * scale
        tick_label = "0" if abs(v) < 1e-9 else f"{v:+.0f}"
        out.append(
            f'<line class="tb-grid" x1="{x:.1f}" x2="{x:.1f}" y1="{top - 3}" y2="{h - 2}"/>'
            f'<text x="{x:.1f}" y="{top - 6}" text-anchor="middle">{tick_label}</text>'
        )
        v += tick
    sx = zero + stay * scale
    out.append(
        f'<line class="tb-stay" x1="{sx:.1f}" x2="{sx:.1f}" y1="{top - 3}" y2="{h - 2}" '
        'stroke-dasharray="3 2"><title>utility of staying put</title></line>'
    )
    for i, e in enumerate(events):
        y = top + i * row
        label = f"{e['date']} {ACTION_SHORT.get(str(e['action']), str(e['action']).replace('_', ' '))}"
        out.append(
            f'<text x="2" y="{y + 9}" font-weight="600">{escape(label)}</text>'
            f'<text x="2" y="{y + 18}" class="tb-muted-svg">'
            f"{escape(short_name(e.get('institution', '')))}</text>"
        )
        xp, xn = zero, zero
        for k in TERMS:
            val = float(e.get(k) or 0.0)
            bw = abs(val) * scale
            if bw < 0.05:
                continue
            if val >= 0:
                x, xp = xp, xp + bw
            else:
                xn -= bw
                x = xn
            out.append(
                f'<rect data-term="{k}" x="{x:.1f}" y="{y + 3}" width="{bw:.1f}" height="{row - 8}" '
                f'fill="url(#tbp-{k})"><title>{TERM_LABELS[k]} {val:+.2f}</title></rect>'
            )
        u = float(e["utility"])
        ux, uy = zero + u * scale, y + 3 + (row - 8) / 2
        out.append(
            f'<polygon class="tb-utility" points="{ux:.1f},{uy - 6:.1f} {ux + 4:.1f},{uy:.1f} '
            f'{ux:.1f},{uy + 6:.1f} {ux - 4:.1f},{uy:.1f}"><title>net utility {u:+.2f}</title></polygon>'
        )
        p = choice_probability(e)
        ptxt = f"p {p:.2f}" if p is not None else "p \u2014"
        out.append(f'<text x="{w - 2}" y="{y + 12}" text-anchor="end">{ptxt}</text>')
    out.append(f'<line class="tb-axis" x1="{zero:.1f}" x2="{zero:.1f}" y1="{top - 3}" y2="{h - 2}"/>')
    out.append("</svg>")
    return "".join(out)


ACTION_SHORT = {
    "requested": "asked for talks",
    "signed": "signed",
    "ratified": "ratified",
    "joined": "joined",
    "acceding": "applied to join",
    "left": "left",
    "withdrew": "withdrew",
    "suspended_talks": "broke off talks",
    "declined": "declined",
}


def history_table(events: list[dict], stay: float) -> str:
    """The numbers behind the chart: the six terms, the utility, staying put and p."""
    head = "".join(f"<th>{TERM_LABELS[k][:5]}</th>" for k in TERMS)
    rows = []
    for e in events:
        p = choice_probability(e)
        cells = "".join(f"<td>{float(e.get(k) or 0):+.2f}</td>" for k in TERMS)
        rows.append(
            f"<tr><td>{escape(str(e['date']))}</td><td>{escape(decision_words(e))}</td>{cells}"
            f"<td><b>{float(e['utility']):+.2f}</b></td><td>{stay:+.2f}</td>"
            f"<td>{'' if p is None else f'{p:.2f}'}</td></tr>"
        )
    return (
        f'<table class="tb-dec-table"><tr><th>date</th><th>decision</th>{head}<th>utility</th>'
        f"<th>stay</th><th>p</th></tr>{''.join(rows)}</table>"
    )


def verdict(events: list[dict]) -> str:
    """For a request for US talks: did the export lobby's pull (influence) or coercion weigh more?"""
    req = [e for e in events if e.get("action") == "requested"]
    if not req:
        return ""
    e = req[0]
    inf, coe = float(e.get("influence") or 0), float(e.get("coercion") or 0)
    lead = "influence (the export lobby)" if inf >= coe else "coercion (what it stood to lose)"
    return (
        f"Asked for talks in {escape(str(e['date']))}: {lead} weighed more "
        f"(influence {inf:+.2f}, coercion {coe:+.2f}); utility {float(e['utility']):+.2f}."
    )


def decisions_html(model: TradeBlocsModel, iso3: str, view: str) -> str:
    """The decision-history block of the inspector for one state and view."""
    us_only = view == VIEWS[0]
    events = decisions(model, iso3, us_only=us_only)
    stay = float(getattr(model.p, "inertia", 0.0))
    title = "Why did it ask for talks? Its US-agreement decisions" if us_only else "Every decision it made"
    if not events:
        what = "no decision on a US agreement" if us_only else "no decision of its own"
        return (
            f'<div class="tb-subtitle">{title}</div>'
            f'<div class="tb-muted" data-testid="tb-no-decisions">So far {what} in this run.</div>'
        )
    why = verdict(events) if us_only else ""
    return (
        f'<div class="tb-subtitle" data-testid="tb-decisions-title">{title} ({len(events)})</div>'
        + (f'<div class="tb-verdict">{why}</div>' if why else "")
        + term_legend()
        + history_svg(events, stay)
        + '<details class="tb-details"><summary>the numbers</summary>'
        + history_table(events, stay)
        + "</details>"
    )
