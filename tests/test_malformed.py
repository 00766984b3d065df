"""The malformed-input corpus (tests/malformed/*.yaml, written by make_corpus.py): every file
is refused by ``tradeblocs run`` with exit code 2, one line on stderr naming the file and the
expected key or problem, no traceback, and no output folder left behind."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from tradeblocs.analysis.cli import main

CORPUS = Path(__file__).resolve().parent / "malformed"
FILES = sorted(CORPUS.glob("*.yaml"))


def test_corpus_is_large_enough() -> None:
    assert len(FILES) >= 100


def _expected(path: Path) -> str:
    m = re.match(rb"# expect: (.*)\n", path.read_bytes())
    assert m, f"{path.name} has no '# expect:' line"
    return m.group(1).decode()


@pytest.mark.timeout(60)
@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_malformed_scenario_gets_one_line(path: Path, tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    out = tmp_path / "out"
    code = main(["run", str(path), "--out", str(out), "--quiet"])
    err = capsys.readouterr().err
    lines = err.strip().splitlines()
    assert code == 2, err
    assert len(lines) == 1, err
    assert lines[0].startswith("error: ") and str(path) in lines[0], lines[0]
    assert _expected(path) in lines[0], lines[0]
    assert len(lines[0]) < 400
    assert "Traceback" not in err
    assert not out.exists()


@pytest.mark.timeout(60)
def test_oversized_file_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    big = tmp_path / "big.yaml"
    big.write_text("extends: baseline_2003_2016\ndescription: '" + "x" * 1_100_000 + "'\n")
    assert main(["run", str(big), "--out", str(tmp_path / "o")]) == 2
    assert "more than" in capsys.readouterr().err


@pytest.mark.parametrize(
    "argv, expect",
    [
        (["run", "baseline_calibrated", "--seed", "-1"], "--seed"),
        (["run", "baseline_calibrated", "--steps", "0"], "--steps"),
        (["run", "baseline_calibrated", "--seed", "x"], "--seed"),
        (["run", "/dev/null"], "not a regular file"),
        (["run", "/"], "directory"),
        (["run", "baseline_calibrated", "--out", "/etc/hostname"], "not a folder"),
        (["sweep", "baseline_calibrated", "--chunk-size", "-3"], "--chunk-size"),
        (["sweep", "baseline_calibrated", "--lhs", "-5", "--range", "w_peer=0:1"], "--lhs"),
        (["sweep", "baseline_calibrated", "--scheduler", "notanaddress"], "--scheduler"),
        (["sweep", "baseline_calibrated", "-r", "0"], "--replicates"),
        (["sweep", "baseline_calibrated", "--workers", "0"], "--workers"),
        (["calibrate", "baseline_2003_2016", "--maxiter", "0"], "--maxiter"),
        (["calibrate", "baseline_2003_2016", "--holdout-from", "1990"], "--holdout-from"),
        (["viz", "--port", "70000"], "--port"),
        (["report", "x", "--dpi", "0"], "--dpi"),
        (["sensitivity", "baseline_calibrated", "--method", "sobol", "-n", "-1"], "--samples"),
    ],
)
def test_bad_arguments_get_one_line(
    argv: list[str], expect: str, tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch
) -> None:
    """In process, for speed; the command line itself is checked once below."""
    monkeypatch.chdir(tmp_path)
    try:
        code = main(argv)
    except SystemExit as stop:  # argparse's own refusal
        code = stop.code
    err = capsys.readouterr().err
    assert code == 2, err
    lines = err.strip().splitlines()
    assert len(lines) == 1 and expect in lines[0], err
    assert not list(tmp_path.iterdir()), "a refused command left files behind"


def test_a_bad_argument_on_the_command_line_gets_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    cmd = [sys.executable, "-m", "tradeblocs.analysis.cli", "sweep", "baseline_calibrated", "-r", "0"]
    r = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=60, env=env)
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and "--replicates" in lines[0], r.stderr
    assert not list(tmp_path.iterdir()), "a refused command left files behind"


def test_out_at_a_file_or_read_only_folder(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    ro = tmp_path / "ro"
    ro.mkdir()
    ro.chmod(0o500)
    try:
        # root ignores permission bits: then a folder on the kernel's read-only /sys stands in
        target = ro / "x" if not os.access(ro, os.W_OK) else Path("/sys/tradeblocs-test/x")
        code = main(["run", "baseline_calibrated", "--steps", "1", "--out", str(target), "--quiet"])
        err = capsys.readouterr().err.strip().splitlines()
        assert code == 2 and len(err) == 1, err
        assert "Permission denied" in err[0] or "Operation not permitted" in err[0], err[0]
    finally:
        ro.chmod(0o700)


def test_full_disk_is_one_line(tmp_path: Path, capsys: pytest.CaptureFixture, monkeypatch) -> None:
    """A full disk while writing a run (simulated: the writer raises ENOSPC) is one line."""
    import errno

    from tradeblocs.sim import output

    def full(*_a, **_k):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "o" / "events.csv"))

    monkeypatch.setattr(output, "write_run", full)
    code = main(["run", "baseline_calibrated", "--steps", "1", "--out", str(tmp_path / "o"), "--quiet"])
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and len(err) == 1 and "No space left on device" in err[0]


@pytest.mark.parametrize("name", ["../../x", "/etc/evil", "..", "a/../../b", "\u202e..\\x"])
def test_default_output_folders_stay_inside(name: str) -> None:
    """A scenario name becomes one harmless folder-name component under runs/ or sweeps/."""
    from tradeblocs.analysis.runner import default_out, safe_name

    assert "/" not in safe_name(name) and not safe_name(name).startswith(".")
    out = default_out("sweep", name)
    assert out.parent == Path("sweeps") and ".." not in out.parts


@pytest.mark.parametrize(
    "field, header, lacking",
    [
        ("trade_agreements", "a,b,source", "kind, in_force"),
        ("partner_record", "country,source", "year, labour_concern, tax_opacity"),
        ("bilateral", "country,partner,year,share", "source"),
    ],
)
def test_a_replacement_table_without_the_columns_the_model_reads_gets_one_line(
    field: str, header: str, lacking: str, tmp_path: Path, capsys: pytest.CaptureFixture
) -> None:
    table = tmp_path / f"{field}.csv"
    table.write_text(header + "\n", encoding="utf-8")
    sc = tmp_path / "sc.yaml"
    sc.write_text(f"extends: baseline_2003_2016\ndata: {{{field}: {table}}}\n", encoding="utf-8")
    out = tmp_path / "out"
    assert main(["run", str(sc), "--out", str(out), "--quiet"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(sc) in err[0] and f"data.{field}" in err[0], err
    assert f"lacks the column(s) {lacking}" in err[0] and not out.exists()
