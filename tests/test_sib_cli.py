"""``mkba sib``: the command line of the Social Impact Bond engine."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
import yaml
from conftest import CliRun, flat, invoke_cli
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
    other = json.loads(again.read_text())["simulation"]
    assert sim["streamed"] is True and 0 <= sim["quantile_error"] <= 0.005
    # streamed: counts and percentiles exactly the same at another chunk size, means to rounding
    mine, flat_other = flat(sim), flat(other)
    assert mine.keys() == flat_other.keys()
    for key, value in mine.items():
        if key.rsplit(".", 1)[-1] in ("mean", "std") or key.startswith("expected") or key.endswith("_mean"):
            assert flat_other[key] == pytest.approx(value, rel=1e-12, abs=1e-12), key
        else:
            assert flat_other[key] == value, key


def test_sib_outcome_by_id_and_errors(tmp_path):
    res = runner.invoke(app, ["sib", str(DATA), "--outcome", "uitkeringsdagen=350", "--lang", "en"])
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


def test_a_huge_level_a_flat_band_keeps_within_bounds_is_shown_not_a_traceback():
    """Rikers pays by bands that end: 1e300 % is paid as the top band, and the level is printed in full."""
    proc = _cli(str(ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"), "--outcome", "1e300")
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == "" and "1" + "0" * 20 in proc.stdout.replace(".", "")


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


# -- issue 11: the terminal in the reader's language and notation, parties by their labels -----------
SIB_FILES = [EXAMPLE, *sorted((ROOT / "scenarios" / "sib").glob("*.yaml"))]
#: Numbers in English notation: decimals after a point (202.78, -2.8%, 380,000.00), 0.954, 1,234,567.
ENGLISH_NUMBER = re.compile(r"\d\.\d{1,2}(?!\d)|(?<![\d.])0\.\d|\d,\d{3}(?:,|\.\d)|\d%")
#: Dutch notation: 1.234,56 and a space before %.
DUTCH_NUMBER = re.compile(r"\d,\d{2}(?!\d)|\d\s%")
#: Words of the program's own English, or code, that a Dutch reader must not meet.
ENGLISH_WORDS = re.compile(
    r"\b(?:the|payer|investors?|provider|guarantor|seed|none|draws?|median|percentile|expected)\b|"
    r"\bsib\.|\[\d+\]"
)


def _ids_with_labels(path: Path) -> dict[str, str]:
    """Ids of the contract's investors, outcomes and payers that carry a label: id -> label."""
    from mkba.sib.labels import outcome_label, party_label
    from mkba.sib.model import compile_sib

    sib = compile_sib(path)
    c = sib.contract
    found = {o.id: outcome_label(c, o.id) for o in c.outcomes}
    for name in [i.id for i in c.investors] + [p for p, _ in c.payer_shares]:
        found[name] = party_label(c, sib.scenario.stakeholders, name, "nl")
    return {k: v for k, v in found.items() if v != k}


def _plain(text: str) -> str:
    """The output with non-breaking spaces as spaces."""
    return text.replace("\u00a0", " ")


@pytest.mark.parametrize("path", SIB_FILES, ids=lambda p: p.stem)
def test_dutch_output_names_parties_by_label_in_dutch_notation(path):
    proc = _cli(str(path), "--simulate", "2000")
    assert proc.returncode == 0, proc.stderr
    text = _plain(proc.stdout)
    ids = _ids_with_labels(path)
    assert ids, "every example labels its parties and outcomes"
    words = {w for shown in ids.values() for w in re.findall(r"[\w-]+", shown)}
    for oid in set(ids) - words:  # an id is never shown where the contract gives a label
        assert not re.search(rf"(?<![\w-]){re.escape(oid)}(?![\w-])", text), oid
    assert ENGLISH_NUMBER.findall(text) == []
    assert DUTCH_NUMBER.search(text)
    assert "€ " in text or re.search(r"[A-Z]{3} \d", text)  # amounts carry their currency
    assert not re.search(r"\bsib\.|\[\d+\]", text)  # no paths into the file


@pytest.mark.parametrize(
    "path", [EXAMPLE, ROOT / "scenarios" / "sib" / "resultaatfinanciering-gemeente.yaml"]
)
def test_dutch_output_of_a_dutch_contract_has_no_english_word(path):
    """Contracts labelled in Dutch give output without a word of English (or of code)."""
    proc = _cli(str(path), "--simulate", "2000")
    assert proc.returncode == 0, proc.stderr
    text = _plain(proc.stdout)
    assert ENGLISH_WORDS.findall(text) == []


def test_buzinezzclub_in_dutch_shows_its_labels_and_amounts():
    text = _plain(_cli(str(EXAMPLE)).stdout)
    assert "Naar ABN AMRO Social Impact Fund" in text and "Naar Start Foundation" in text
    assert "Gemeente Rotterdam (betaler bijstand)" in text
    assert "€ 680.000,00" in text  # what the contract pays: to the cent
    assert "380.000,00" in text  # the schedule, in Dutch notation
    assert re.search(r"€ \d{1,3}(\.\d{3})+(?!,)\s", text)  # the payer's present values: whole euros
    assert re.search(r"-\d+,\d %", text)  # a negative IRR: -2,8 %


def test_english_output_has_english_labels_and_notation():
    proc = _cli(str(EXAMPLE), "--lang", "en", "--simulate", "2000")
    assert proc.returncode == 0, proc.stderr
    text = _plain(proc.stdout)
    assert "Payment schedule" in text and "To ABN AMRO Social Impact Fund" in text
    assert "abn-amro-sif" not in text
    assert "€680,000.00" in text and "380,000.00" in text
    assert re.search(r"-\d+\.\d%", text)  # -2.8%
    assert "Betaalschema" not in text and "Simulatie" not in text
    assert DUTCH_NUMBER.findall(text) == []


def test_no_break_even_is_said_in_words_of_the_language():
    path = ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml"
    nl, en = _plain(_cli(str(path)).stdout), _plain(_cli(str(path), "--lang", "en").stdout)
    nl, en = " ".join(nl.split()), " ".join(en.split())
    assert "geen: de betaler betaalt bij elk niveau tot 800" in nl and "pays more than it saves" not in nl
    assert "none: the payer pays more than it saves" in en


def test_a_contract_in_dollars_shows_dollars_and_the_savings_in_euro():
    path = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
    text = _plain(_cli(str(path), "--simulate", "3000").stdout)
    assert re.search(r"Uitkomstbetalingen\s*│\s*USD \d", text)  # what the contract pays: its currency
    assert re.search(r"Netto besparing betaler \(cw\)\s*│\s*€ \d", text)  # avoided costs: euro
    assert "Terugbetaald per geïnvesteerde USD" in text


def test_a_contract_on_dates_writes_them_as_its_reader_does():
    """DWP pays on dates: 30-09-2012 in Dutch, 30/09/2012 in English; never 2012-09-30."""
    path = ROOT / "scenarios" / "sib" / "dwp-innovation-fund-round1.yaml"
    nl, en = _plain(_cli(str(path)).stdout), _plain(_cli(str(path), "--lang", "en").stdout)
    assert "30-09-2012" in nl and "30/09/2012" in en
    assert "2012-09-30" not in nl and "2012-09-30" not in en


def _chart(monkeypatch, path: Path, tmp_path: Path, lang: str = "nl"):
    """The figure ``plot_payout_curve`` draws for the first outcome of ``path``, and all its texts."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from mkba.report.sib_chart import plot_payout_curve
    from mkba.sib.model import compile_sib

    seen = []
    close = plt.close
    monkeypatch.setattr(plt, "close", lambda fig=None: (seen.append(fig), close(fig)))
    plot_payout_curve(compile_sib(path), tmp_path / "c.png", lang=lang)
    texts = [t.get_text() for t in seen[0].findobj(matplotlib.text.Text)]
    return seen[0], texts


def test_the_payout_chart_speaks_dutch_and_names_what_the_contract_has(monkeypatch, tmp_path):
    fig, texts = _chart(monkeypatch, ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml", tmp_path)
    joined = " | ".join(texts)
    assert "break-even" not in joined and "Omslagpunt investeerders 10,00" in joined
    assert "Garantie betaalt" in joined and "Bodem" not in joined  # Rikers has a guarantee, no floor
    assert "(cohort-2013-bed-days)" not in joined  # the outcome by its label, not its id
    assert fig.axes[0].get_ylim()[0] <= 0  # the money axis starts at zero
    _, texts = _chart(monkeypatch, ROOT / "scenarios" / "sib" / "peterborough-one-service.yaml", tmp_path)
    assert "verwacht (8,40)" in texts  # the expected level as it is, not rounded to 8
    fig, texts = _chart(
        monkeypatch, ROOT / "scenarios" / "sib" / "resultaatfinanciering-gemeente.yaml", tmp_path
    )
    title = fig.axes[0].get_title()
    assert not [t for t in texts if "nvesteerders" in t and t != title]  # no zones, line or IRR axis
    assert len(fig.axes) == 1


@pytest.mark.parametrize(
    ("contract", "lang", "axis"),
    [
        ("nyc-rikers-able.yaml", "nl", "Bedrag in USD"),
        ("dwp-innovation-fund-round1.yaml", "en", "Amount in GBP"),
        ("resultaatfinanciering-gemeente.yaml", "nl", "Bedrag in euro"),
    ],
)
def test_the_payout_charts_money_axis_names_the_contracts_currency(
    monkeypatch, tmp_path, contract, lang, axis
):
    fig, _ = _chart(monkeypatch, ROOT / "scenarios" / "sib" / contract, tmp_path, lang)
    assert fig.axes[0].get_ylabel() == axis


def test_sib_outputs_are_checked_like_every_commands(tmp_path):
    """A wrong suffix, a missing folder or an input as output: refused before any work, exit 2."""
    for args, words in (
        (["--json", str(tmp_path / "x.xlsx")], "expected a file name ending in .json"),
        (["--xlsx", str(tmp_path / "x.json")], "ending in .xlsx"),
        (["--xlsx", str(tmp_path / "missing" / "x.xlsx")], "does not exist"),
        (["--json", str(DATA)], "is also an input"),
    ):
        done = _cli(str(DATA), *args)
        assert done.returncode == 2 and words in done.stderr and done.stdout == "", (args, done.stderr)


def test_a_level_the_contract_refuses_names_the_option_it_came_from():
    done = _cli(str(EXAMPLE), "--outcome", "uitkeringsdag=5")
    assert done.returncode == 2 and done.stderr.startswith(
        "error: --outcome: unknown outcome 'uitkeringsdag'"
    )
    assert len(done.stderr.strip().splitlines()) == 1


@pytest.mark.parametrize(
    ("contract", "differ"), [("peterborough-one-service.yaml", False), ("nyc-rikers-able.yaml", True)]
)
def test_a_simulation_of_fixed_levels_says_every_draw_is_the_same(tmp_path, contract, differ):
    out = tmp_path / "sim.json"
    done = invoke_cli("sib", ROOT / "scenarios" / "sib" / contract, "--simulate", "500", "--json", out)
    assert done.returncode == 0, done.stderr
    assert json.loads(out.read_text(encoding="utf-8"))["simulation"]["draws_differ"] is differ
    assert ("Elke trekking is gelijk" in " ".join(done.stdout.split())) is not differ


def test_a_simulation_beside_an_outcome_level_says_it_draws_the_contracts_levels():
    rikers = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"
    with_level = invoke_cli("sib", rikers, "--outcome", "0", "--simulate", "300")
    assert with_level.returncode == 0, with_level.stderr
    assert "--outcome geldt alleen voor de berekening hierboven" in " ".join(with_level.stdout.split())
    without = invoke_cli("sib", rikers, "--simulate", "300")
    assert "--outcome geldt" not in " ".join(without.stdout.split())
