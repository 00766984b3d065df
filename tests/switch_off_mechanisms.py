"""Switch each mechanism of the theory off in turn and show that a test fails.

    python tests/switch_off_mechanisms.py            # every mechanism
    python tests/switch_off_mechanisms.py exits      # one, by name

Each switch replaces one line of the model's code by the line that drops the mechanism, runs
the mechanism tests (``tests/test_mechanisms.py``, ``tests/test_decision.py``,
``tests/test_model.py``) and puts the line back, whatever happens. A mechanism whose switch
leaves every test passing is reported, and the script exits non-zero. Not collected by pytest
(its name does not start with ``test_``): it edits the source tree while it runs.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = ["tests/test_mechanisms.py", "tests/test_decision.py", "tests/test_model.py"]

#: name -> (file, the line as it is, the line with the mechanism switched off)
SWITCHES: dict[str, tuple[str, str, str]] = {
    "two-axis ideology": (
        "sim/decision.py",
        "    political = orientation * us_stance(contestation)",
        "    political = orientation",
    ),
    "contestation raises the cost of US commitments": (
        "sim/decision.py",
        "    return depth * (1.0 + contestation * (1.0 + orientation) / 2.0)",
        "    return depth",
    ),
    "talks conclude before signature": (
        "sim/agents.py",
        '                if st == "concluded" and m.can_sign():',
        "                if m.can_sign():",
    ),
    "Congress judges each partner": (
        "sim/decision.py",
        "    return rate * math.exp(-strictness * concern)",
        "    return rate",
    ),
    "one vote for every pending deal": (
        "sim/agents.py",
        "                    and vote < rules.per_step(m.congress_hazard(state), spy)",
        "                    and m.random.random() < rules.per_step(m.congress_hazard(state), spy)",
    ),
    "lobby of private domestic value added": (
        "sim/decision.py",
        "    domestic_private = (1.0 - state_share) * (1.0 - free_zone_share)",
        "    domestic_private = 1.0 - state_share",
    ),
    "coercion only where access can be withdrawn": (
        "sim/decision.py",
        "    return share_us * at_risk * min(0.0, orientation)",
        "    return share_us * min(0.0, orientation)",
    ),
    "oil aid follows the oil bill": (
        "sim/decision.py",
        "    return capacity * bill / reference_bill",
        "    return capacity",
    ),
    "partners' US deals change what a bloc is": (
        "sim/decision.py",
        "    return orientation + drift * others_with_us_deals * (1.0 - orientation)",
        "    return orientation",
    ),
    "political motive for accession": (
        "sim/decision.py",
        "    return 1.0 + weight * members_gdp_share",
        "    return 1.0",
    ),
    "members' consent to accession": (
        "sim/model.py",
        "                if not vetoes and self.random.random() < rules.per_step(p.accession_rate, spy):",
        "                if self.random.random() < rules.per_step(p.accession_rate, spy):",
    ),
    "a proposer holding a deal in force": (
        "sim/model.py",
        "        if f.proposer_requires and not proposers:",
        "        if False:",
    ),
}


def run_switch(name: str) -> bool:
    """True when some test fails with ``name`` switched off."""
    rel, on, off = SWITCHES[name]
    path = ROOT / rel
    text = path.read_text(encoding="utf-8")
    if text.count(on) != 1:
        raise SystemExit(f"{name}: the line to switch is not found once in {rel}: {on.strip()}")
    try:
        path.write_text(text.replace(on, off), encoding="utf-8")
        r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
                           cwd=ROOT, capture_output=True, text=True)  # fmt: skip
    finally:
        path.write_text(text, encoding="utf-8")
    return r.returncode != 0


def main(names: list[str]) -> int:
    names = names or list(SWITCHES)
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        raise SystemExit(f"unknown mechanism(s): {unknown}; known: {list(SWITCHES)}")
    silent = []
    for name in names:
        caught = run_switch(name)
        print(f"{'a test fails' if caught else 'NO TEST FAILS'}: {name} switched off")
        if not caught:
            silent.append(name)
    return 1 if silent else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
