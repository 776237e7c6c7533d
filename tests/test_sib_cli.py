"""``mkba sib``: the command line of the Social Impact Bond engine."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml
from conftest import CliRun, invoke_cli
from typer.testing import CliRunner

from mkba import MkbaError
from mkba.cli.app import app

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
EXAMPLE = ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"
SCENARIOS = [pytest.param(DATA, id="tests-data"), pytest.param(EXAMPLE, id="example")]
runner = CliRunner()


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sib_json(scenario, tmp_path):
    out = tmp_path / "sib.json"
    res = runner.invoke(app, ["sib", str(scenario), "--outcome", "200", "--json", str(out), "--lang", "en"])
    assert res.exit_code == 0, res.output
    assert "Payment schedule" in res.output and "Investor IRR" in res.output
    d = json.loads(out.read_text())
    for key in (
        "outcome_payments_total",
        "investor_irr",
        "investor_multiple",
        "payer_net_savings",
        "payer_break_even_outcome",
        "payments",
    ):
        assert key in d
    assert d["outcome_levels"] == {"uitkeringsdagen": 200.0}
    assert sum(d["payments"].values()) == pytest.approx(d["outcome_payments_total"], abs=1e-9)
    assert "simulation" not in d


@pytest.mark.parametrize("scenario", SCENARIOS)
def test_sib_simulate_and_plot(scenario, tmp_path):
    out, png = tmp_path / "sib.json", tmp_path / "curve.png"
    res = runner.invoke(
        app,
        ["sib", str(scenario), "--simulate", "5000", "--seed", "42", "--json", str(out), "--plot", str(png)],
    )
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    sim = json.loads(out.read_text())["simulation"]
    for key in (
        "n",
        "seed",
        "p_investor_loss",
        "p_payer_pays_more_than_saves",
        "investor_irr_p5",
        "investor_irr_p50",
        "investor_irr_p95",
        "investor_multiple_min",
        "expected_outcome_payments",
    ):
        assert key in sim
    assert sim["n"] == 5000 and sim["seed"] == 42
    again = tmp_path / "again.json"
    runner.invoke(
        app,
        [
            "sib",
            str(scenario),
            "--simulate",
            "5000",
            "--seed",
            "42",
            "--chunk-size",
            "777",
            "--json",
            str(again),
        ],
    )
    assert json.loads(again.read_text())["simulation"] == sim


def test_sib_outcome_by_id_and_errors(tmp_path):
    res = runner.invoke(app, ["sib", str(DATA), "--outcome", "uitkeringsdagen=350"])
    assert res.exit_code == 0 and "12.0%" in res.output
    res = runner.invoke(app, ["sib", str(DATA), "--outcome", "uitkeringsdag=350"])
    assert res.exit_code != 0 and "uitkeringsdagen" in str(res.exception)


def test_bad_contract_exits_2_with_file_line_field(tmp_path):
    data = yaml.safe_load(DATA.read_text())
    data["sib"]["seniority"] = ["abn-amro-sif", "start-foundaton"]
    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True))
    line = next(i for i, text in enumerate(path.read_text().splitlines(), 1) if "start-foundaton" in text)
    proc = invoke_cli("sib", path)
    assert proc.returncode == 2
    assert f"{path}:{line}: sib.seniority[1]" in proc.stderr.replace("\n", "")
    assert "start-foundation" in proc.stderr and proc.stdout == ""


def _cli(*args: str) -> CliRun:
    return invoke_cli("sib", *args)


def test_absurd_outcome_exits_2_without_a_negative_payment():
    proc = _cli(str(EXAMPLE), "--outcome", "1e300")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert proc.stdout == "" and "1e+300" in proc.stderr and "Traceback" not in proc.stderr
    assert "-92" not in proc.stderr


@pytest.mark.parametrize("name", ["x.txt", "x", "curve.PNG.bak"])
def test_plot_must_be_a_png_file(tmp_path, name):
    res = runner.invoke(app, ["sib", str(DATA), "--plot", str(tmp_path / name)])
    assert res.exit_code != 0 and isinstance(res.exception, MkbaError)
    assert "--plot" in res.exception.message and ".png" in res.exception.message
    assert list(tmp_path.iterdir()) == []


def test_plot_to_a_directory_or_missing_folder_is_refused(tmp_path):
    folder = tmp_path / "charts.png"
    folder.mkdir()
    res = runner.invoke(app, ["sib", str(DATA), "--plot", str(folder)])
    assert isinstance(res.exception, MkbaError) and "folder" in res.exception.message
    assert not (tmp_path / "charts.png.png").exists()
    missing = tmp_path / "missing" / "x.png"
    res = runner.invoke(app, ["sib", str(DATA), "--plot", str(missing)])
    assert isinstance(res.exception, MkbaError) and "does not exist" in res.exception.message
    assert not missing.parent.exists()
    proc = _cli(str(DATA), "--plot", str(missing))
    assert proc.returncode == 2 and "Traceback" not in proc.stderr


def test_plot_is_written_atomically(tmp_path):
    png = tmp_path / "curve.png"
    png.write_bytes(b"old")
    res = runner.invoke(app, ["sib", str(DATA), "--plot", str(png)])
    assert res.exit_code == 0, res.output
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert [p.name for p in tmp_path.iterdir()] == ["curve.png"]  # no temporary file left
    assert str(png) in res.output.replace("\n", "")


def test_piped_output_shows_whole_amounts():
    proc = _cli(str(EXAMPLE), "--outcome", "200", "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "…" not in proc.stdout
    assert "680,000.00" in proc.stdout and "380,000.00" in proc.stdout


@pytest.mark.parametrize("option", ["--json", "--xlsx"])
def test_outputs_to_a_folder_are_refused_before_computing(tmp_path, option):
    proc = _cli(str(DATA), option, str(tmp_path))
    assert proc.returncode == 2 and proc.stdout == "" and "Traceback" not in proc.stderr
    assert option in proc.stderr and "folder" in proc.stderr
    proc = _cli(str(DATA), option, str(tmp_path / "missing" / "out.file"))
    assert proc.returncode == 2 and "does not exist" in proc.stderr and not (tmp_path / "missing").exists()
