"""Switch each mechanism of the theory off in turn and show that a test fails.

    python tests/switch_off_mechanisms.py            # every mechanism
    python tests/switch_off_mechanisms.py exits      # one, by name

Each switch replaces one line of the model's code by the line that drops the mechanism, runs
the mechanism tests (``tests/test_mechanisms.py``, ``tests/test_decision.py``,
``tests/test_model.py``, ``tests/test_kernels.py``) and puts the line back, whatever happens.
A mechanism whose switch leaves every test passing is reported, and the script exits non-zero.
Not collected by pytest (its name does not start with ``test_``).

It switches lines in a temporary copy of the code and tests, imported ahead of the installed
package, never in the working tree: a commit made while it runs cannot pick up a switched-off
mechanism (one did, when the script still edited the tree in place).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TESTS = [
    "tests/test_mechanisms.py",
    "tests/test_decision.py",
    "tests/test_model.py",
    "tests/test_kernels.py",
]

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
        "sim/moves.py",
        '    second[CODE["concluded"]] = np.where(us_agreement & can_sign, MOVE["signed"], NONE)',
        '    second[CODE["concluded"]] = second[CODE["negotiating"]] = np.where('
        'us_agreement & can_sign, MOVE["signed"], NONE)',
    ),
    "Congress judges each partner": (
        "sim/decision.py",
        "    return rate * math.exp(-strictness * concern)",
        "    return rate",
    ),
    "a cohesion sanction outlasts the democratic clause's readmission": (
        "sim/model.py",
        'by_clause = (self.status[:, j] == CODE["sanctioned"]) & ~self.cohesion_sanctioned[:, j]',
        'by_clause = self.status[:, j] == CODE["sanctioned"]',
    ),
    "the partner's last concessions": (
        "sim/decision.py",
        "    return u >= 1.0 / (1.0 + math.exp(min((value - stay) / temperature, 700.0)))",
        "    return True",
    ),
    "unilateral preferences express no alignment": (
        "sim/decision.py",
        "    return 0.0 if unilateral_preference else 1.0",
        "    return 1.0",
    ),
    "one vote for every pending deal": (
        "sim/agents.py",
        "            vote < rules.per_step(m.congress_hazard(state), m.calendar.steps_per_year)",
        "            m.random.random() < rules.per_step(m.congress_hazard(state), m.calendar.steps_per_year)",
    ),
    "a deal signed before the template is amended before the vote": (
        "sim/agents.py",
        "            and m.amended_to_template(state, iid)",
        "            and True",
    ),
    "a second US deal adds no US access": (
        "sim/decision.py",
        "    return 0.0 if bound_elsewhere else stake",
        "    return stake",
    ),
    "the lobby's US stake is secured once bound": (
        "sim/kernels.py",
        "                lobby_stake = rules.new_us_access(lobby[i], bound)",
        "                lobby_stake = lobby[i]",
    ),
    "newcomers need a free-trade agreement with each member": (
        "sim/decision.py",
        "    need = linked[:, members] | np.eye(len(linked), dtype=bool)[:, members]",
        "    need = np.ones((len(linked), len(members)), dtype=bool)",
    ),
    "founders trade freely with one another": (
        "sim/decision.py",
        "    g.add_edges_from((a, b) for a in keen for b in keen if a < b and linked[a, b])",
        "    g.add_edges_from((a, b) for a in keen for b in keen if a < b)",
    ),
    "free-zone assembly is no domestic lobby": (
        "sim/decision.py",
        "    domestic_private = (1.0 - state_share) * (1.0 - free_zone_share)",
        "    domestic_private = 1.0 - state_share",
    ),
    "state exporters are no domestic lobby": (
        "sim/decision.py",
        "    domestic_private = (1.0 - state_share) * (1.0 - free_zone_share)",
        "    domestic_private = 1.0 - free_zone_share",
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
        "    pull = drift * trade_content * others_with_us_deals",
        "    pull = 0.0",
    ),
    "partners' US deals matter as far as the bloc frees trade": (
        "sim/decision.py",
        "    pull = drift * trade_content * others_with_us_deals",
        "    pull = drift * others_with_us_deals",
    ),
    "private exporters to a bloc's members are a lobby for it": (
        "sim/decision.py",
        "    return stake * trade_content",
        "    return 0.0",
    ),
    "the model counts the bloc-market lobby": (
        "sim/kernels.py",
        "                pull += rules.bloc_lobby(",
        "                pull += 0.0 * rules.bloc_lobby(",
    ),
    "political motive for accession": (
        "sim/decision.py",
        "    return 1.0 + weight * members_gdp_share",
        "    return 1.0",
    ),
    "peers weighted by how like-minded they are": (
        "sim/kernels.py",
        "                affinity[i, m] = 1.0 - rules.political_distance(",
        "                affinity[i, m] = 1.0 + 0.0 * rules.political_distance(",
    ),
    "members' consent to accession": (
        "sim/model.py",
        "                    if not vetoes and self.random.random() < rules.per_step(",
        "                    if self.random.random() < rules.per_step(",
    ),
    "a proposer holding a deal in force": (
        "sim/model.py",
        "        proposers = keen_rows & self.requirements(f.proposer_requires)"
        " if f.proposer_requires else keen_rows",
        "        proposers = keen_rows",
    ),
    "joining costs what it is exclusive with": (
        "sim/kernels.py",
        "                conflict[i, j] += max(0.0, value[i, e]) + exit_cost[i, e]",
        "                conflict[i, j] += 0.0",
    ),
    "leaving a bloc costs the trade at stake": (
        "sim/decision.py",
        "    return base + per_trade * members_share * trade_content",
        "    return base",
    ),
    "leaving costs the exit cost": (
        "sim/decision.py",
        '    "left": (-1.0, 0.0, 1.0, 0.0),',
        '    "left": (-1.0, 0.0, 0.0, 0.0),',
    ),
    "each signature raises the US's demands": (
        "sim/model.py",
        "            self.us_demand += self.p.demand_step  # each deal raises the bar for the next",
        "            pass",
    ),
    "a finite table at USTR": (
        "sim/us_policy.py",
        "    return partners_in_talks < int(capacity)",
        "    return True",
    ),
    "a plurilateral round moves together": (
        "sim/agents.py",
        '        if not self.model.cols.is_["plurilateral"][j]:',
        "        if True:",
    ),
    "bloc partners are taken to one table": (
        "sim/agents.py",
        '            if not m.cols.is_["plurilateral"][j]:  # a bilateral text: bloc partners come along',
        "            if False:",
    ),
    "one implementing act for a plurilateral text": (
        "sim/us_policy.py",
        "    return plurilateral and act_passed",
        "    return False",
    ),
    "a founding treaty takes its time": (
        "sim/decision.py",
        "    return steps_wanted >= round(min_years * steps_per_year)",
        "    return True",
    ),
    "a newcomer docks into a concluded text": (
        "sim/model.py",
        "            return True  # docking into a text the others have concluded",
        "            pass",
    ),
    "a newcomer to a concluded text takes no seat": (
        "sim/agents.py",
        "            if not docks[j] and not us_policy.room_at_the_table("
        "in_talks, m.p.us_negotiating_capacity):",
        "            if not us_policy.room_at_the_table(in_talks, m.p.us_negotiating_capacity):",
    ),
    "a legislature's time to ratify": (
        "sim/moves.py",
        "    return steps_since_signature >= round(min_years * steps_per_year)",
        "    return steps_since_signature >= 0",
    ),
    "a docking newcomer goes ahead of the queue": (
        "sim/agents.py",
        "            (not docks[cols[c]], int(m.since[i, cols[c]]), m.random.random(), int(i), int(cols[c]))",
        "            (True, int(m.since[i, cols[c]]), m.random.random(), int(i), int(cols[c]))",
    ),
    "TPA's notice before signature": (
        "sim/us_policy.py",
        "    return steps_since_conclusion >= 1",
        "    return True",
    ),
    "no talks opened during a US policy review": (
        "sim/model.py",
        "        return self.steps_done not in self.policy.paused_steps",
        "        return True",
    ),
    "no trade vote before a federal election": (
        "sim/us_policy.py",
        "    return year % 2 == 1 or month < 7",
        "    return True",
    ),
    "no separate talks with a member of a bloc that negotiates as one": (
        "sim/us_policy.py",
        "    return willing_partner(contestation, max_contestation) and not bound_to_negotiate_jointly",
        "    return willing_partner(contestation, max_contestation)",
    ),
    "a customs union negotiates as one": (
        "sim/decision.py",
        "    return any(refusing)",
        "    return False",
    ),
    "signing a concluded text carries the decision forward": (
        "sim/decision.py",
        '    "signed": (1.0, 1.0, 0.0, 1.0),',
        '    "signed": (1.0, 1.0, 0.0, 0.0),',
    ),
}


#: the folders pyproject.toml's package-dir maps into the ``tradeblocs`` package
PACKAGE_DIRS = ("sim", "analysis", "scenarios")


def copy_tree(tmp: Path) -> tuple[Path, dict[str, str]]:
    """A copy of the code and the tests in ``tmp``, and the environment that imports it: an
    import root whose ``tradeblocs`` maps the copied folders as package-dir does, put on
    PYTHONPATH ahead of the installed (editable) package. Checks that the copy is what imports."""
    tree, root = tmp / "tree", tmp / "import" / "tradeblocs"
    for d in (*PACKAGE_DIRS, "tests"):
        shutil.copytree(ROOT / d, tree / d, ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))
    shutil.copy2(ROOT / "pyproject.toml", tree / "pyproject.toml")
    root.mkdir(parents=True)
    for d in PACKAGE_DIRS:
        (root / d).symlink_to(tree / d, target_is_directory=True)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root.parent), os.environ.get("PYTHONPATH", "")])}
    where = subprocess.run([sys.executable, "-c", "import tradeblocs.sim.decision as d; print(d.__file__)"],
                           cwd=tree, env=env, capture_output=True, text=True, check=True).stdout  # fmt: skip
    if not Path(where.strip()).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"the copy in {tree} is not what imports (got {where.strip()}); nothing switched")
    return tree, env


def tests_fail(tree: Path, env: dict[str, str]) -> bool:
    """Whether the mechanism tests fail in the copy ``tree`` as it stands."""
    r = subprocess.run([sys.executable, "-m", "pytest", "-q", "-x", "-p", "no:cacheprovider", *TESTS],
                       cwd=tree, env=env, capture_output=True, text=True)  # fmt: skip
    return r.returncode != 0


def run_switch(name: str, tree: Path, env: dict[str, str]) -> bool:
    """True when some test fails with ``name`` switched off in the copy ``tree``."""
    rel, on, off = SWITCHES[name]
    path = tree / rel
    text = path.read_text(encoding="utf-8")
    if text.count(on) != 1:
        raise SystemExit(f"{name}: the line to switch is not found once in {rel}: {on.strip()}")
    try:
        path.write_text(text.replace(on, off), encoding="utf-8")
        return tests_fail(tree, env)
    finally:
        path.write_text(text, encoding="utf-8")


def main(names: list[str]) -> int:
    names = names or list(SWITCHES)
    unknown = [n for n in names if n not in SWITCHES]
    if unknown:
        raise SystemExit(f"unknown mechanism(s): {unknown}; known: {list(SWITCHES)}")
    with tempfile.TemporaryDirectory(prefix="tradeblocs-switch-") as tmp:
        return _switch_all(names, *copy_tree(Path(tmp)))


def _switch_all(names: list[str], tree: Path, env: dict[str, str]) -> int:
    if tests_fail(tree, env):  # a failure for any other reason would pass for a caught switch
        raise SystemExit(f"the mechanism tests fail in the copy {tree} with nothing switched off")
    silent = []
    for name in names:
        caught = run_switch(name, tree, env)
        print(f"{'a test fails' if caught else 'NO TEST FAILS'}: {name} switched off")
        if not caught:
            silent.append(name)
    return 1 if silent else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
