"""``mkba run`` and ``mkba schema`` as a user calls them: a separate process, its exit code and output."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from conftest import CliRun, invoke_cli

import mkba

DATA = Path(__file__).parent / "data"
CORE = DATA / "core_scenario.yaml"
KEYS = {
    "pv_costs",
    "pv_benefits",
    "npv",
    "bcr",
    "net_return",
    "payback_year",
    "irr",
    "volunteer_value_pv",
    "stakeholders",
    "fiscal",
    "years",
    "net_flows",
    "provenance",
}


def mkba_cli(*args, cwd=None) -> CliRun:
    return invoke_cli(*args, cwd=cwd)


@pytest.fixture(scope="module")
def run_json(core_pricelist_path, tmp_path_factory):
    """``mkba run CORE --pricelist ... --json out.json`` once, with its process and the JSON."""
    out = tmp_path_factory.mktemp("cli") / "out.json"
    proc = mkba_cli("run", CORE, "--pricelist", core_pricelist_path, "--json", out)
    return proc, json.loads(out.read_text(encoding="utf-8"))


def test_run_exits_0_and_prints_the_saldo(run_json):
    proc, _ = run_json
    assert proc.returncode == 0, proc.stderr
    assert "Saldo" in proc.stdout
    assert "Core testscenario" in proc.stdout
    assert "Traceback" not in proc.stderr


def test_run_json_has_every_key(run_json):
    _, data = run_json
    assert set(data) >= KEYS
    for row in data["stakeholders"].values():
        assert {"pv_costs", "pv_benefits", "npv"} <= set(row)
    assert {"pv_costs", "pv_benefits", "npv"} <= set(data["fiscal"])
    prov = data["provenance"]
    assert {"name", "version", "sha256"} <= set(prov["pricelist"])
    assert {"name", "sha256"} <= set(prov["scenario"])
    assert {"price_year", "discount_rate", "mkba_version"} <= set(prov)


def test_run_json_equals_the_python_api(run_json, core_pricelist_path):
    _, data = run_json
    api = json.loads(mkba.evaluate(CORE, core_pricelist_path).to_json())
    assert data == api
    assert data["npv"] == mkba.evaluate(CORE, core_pricelist_path).npv  # exact, not rounded


def test_run_with_price_year_and_discount_rate_overrides(core_pricelist_path, tmp_path):
    out = tmp_path / "out.json"
    proc = mkba_cli(
        "run",
        CORE,
        "--pricelist",
        core_pricelist_path,
        "--price-year",
        2020,
        "--discount-rate",
        0.1,
        "--json",
        out,
    )
    assert proc.returncode == 0, proc.stderr
    data = json.loads(out.read_text())
    assert data["provenance"]["price_year"] == 2020 and data["provenance"]["discount_rate"] == 0.1
    api = mkba.evaluate(CORE, core_pricelist_path, price_year=2020, discount_rate=0.1)
    assert data["npv"] == api.npv and data["pv_costs"] == api.pv_costs
    assert data["npv"] != json.loads(mkba.evaluate(CORE, core_pricelist_path).to_json())["npv"]
    assert "prijspeil 2020" in proc.stdout and "10,00\u00a0%" in proc.stdout


def test_run_in_english(core_pricelist_path):
    proc = mkba_cli("run", CORE, "--pricelist", core_pricelist_path, "--lang", "en")
    assert proc.returncode == 0, proc.stderr
    assert "Net present value" in proc.stdout and "Who pays, who benefits" in proc.stdout
    assert "Saldo" not in proc.stdout


def test_bad_input_exits_2_with_one_message_and_no_traceback(core_pricelist_path, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(CORE.read_text().replace("    item: hulp-uur", "    item: hulp-uren"))
    line = bad.read_text().splitlines().index("    item: hulp-uren") + 1
    proc = mkba_cli("run", bad, "--pricelist", core_pricelist_path)
    assert proc.returncode == 2
    assert "Traceback" not in proc.stderr
    assert f"{bad}:{line}: effects[0].item (id 'minder-hulp'): unknown price item 'hulp-uren'" in proc.stderr
    assert "nearest: hulp-uur" in proc.stderr
    assert proc.stderr.count("error:") == 1
    assert proc.stdout == ""


def test_missing_file_exits_2(tmp_path):
    proc = mkba_cli("run", tmp_path / "nowhere.yaml")
    assert proc.returncode == 2 and "file not found" in proc.stderr and "Traceback" not in proc.stderr


def test_schema_prints_json_with_the_scenario_fields():
    proc = mkba_cli("schema")
    assert proc.returncode == 0, proc.stderr
    schema = json.loads(proc.stdout)
    for key in ("start_year", "horizon", "participants", "costs", "effects", "volunteers", "discount_rate"):
        assert key in schema["properties"]
    assert schema["properties"]["format"]["const"] == "mkba-scenario/1" or "mkba-scenario/1" in json.dumps(
        schema["properties"]["format"]
    )


def test_simulate_zero_is_refused_with_exit_code_2(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        "format: mkba-scenario/1\nname: t\nstart_year: 2020\nhorizon: 2\nprice_year: 2020\n"
        "costs:\n  - {id: k, payer: gemeente, amount: 10, per: once, year: 2020}\n"
    )
    done = invoke_cli("run", scenario, "--simulate", "0")
    assert done.returncode == 2 and "--simulate" in done.stderr and "Traceback" not in done.stderr


def _mkba(*args, cwd=None):
    return invoke_cli(*args, cwd=cwd)


def test_check_accepts_every_shipped_file_of_each_format():
    root = Path(__file__).resolve().parents[1]
    files = [
        *sorted((root / "scenarios").glob("*.yaml")),
        root / "pricelists/nl-sociaal-domein/2024.1.yaml",
        root / "pricelists/mappings/gmca-ucd-v1.4.yaml",
        root / "pricelists/index/cbs-cpi.yaml",
    ]
    done = _mkba("check", *files)
    assert done.returncode == 0, done.stderr
    assert done.stdout.count("ok: ") == len(files)


def test_check_stops_at_the_first_problem_with_file_line_and_field(tmp_path):
    good = tmp_path / "good.yaml"
    good.write_text(
        "format: mkba-scenario/1\nname: t\nstart_year: 2020\nhorizon: 2\nprice_year: 2020\n"
        "costs:\n  - {id: k, payer: gemeente, amount: 10, per: once, year: 2020}\n"
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "format: mkba-scenario/1\nname: t\nstart_year: 2020\nhorizon: 2\nprice_year: 2020\n"
        "participants: {2020: 5}\n"
        "effects:\n  - {id: e, item: huishoudelijke-hulp, kind: avoided_cost, quantity: 1}\n"
    )
    done = _mkba("check", good, bad)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert f"ok: {good}" in done.stdout
    assert f"{bad}:8: effects[0].item" in done.stderr and "huishoudelijke-hulp-uur" in done.stderr


def test_a_simulation_too_large_is_refused_before_it_starts(tmp_path):
    root = Path(__file__).resolve().parents[1]
    # streamed (bounded memory), but beyond the draws a run can take in reasonable time
    done = _mkba("run", root / "scenarios" / "tutorial.yaml", "--simulate", "10000000000")
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--simulate" in done.stderr and "1,000,000,000" in done.stderr
    # charts need every draw kept: then memory is the limit
    done = _mkba("run", root / "scenarios" / "tutorial.yaml", "--simulate", "1000000000", "--plots", tmp_path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "--simulate" in done.stderr and "GiB" in done.stderr


def test_an_import_with_a_malformed_name_is_one_message(tmp_path):
    data = Path(__file__).resolve().parent / "data"
    out = tmp_path / "imp.yaml"
    done = _mkba(
        "pricelist",
        "import",
        data / "pl_import.csv",
        "--mapping",
        data / "pl_import-mapping.yaml",
        "-o",
        out,
        "--name",
        "Bad Name",
    )
    assert done.returncode == 2 and "Traceback" not in done.stderr and "--name" in done.stderr
    assert not out.exists()


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_an_exported_table_is_a_price_list_for_show_check_and_run(tmp_path, suffix):
    root = Path(__file__).resolve().parents[1]
    table = tmp_path / f"lijst{suffix}"
    assert _mkba("pricelist", "export", "nl-sociaal-domein", "-o", table).returncode == 0
    shown = _mkba("pricelist", "show", table, "--format", "json")
    assert shown.returncode == 0, shown.stderr
    assert len(json.loads(shown.stdout)) == len(mkba.load_pricelist("nl-sociaal-domein"))
    assert _mkba("check", table).returncode == 0
    out = tmp_path / "r.json"
    ran = _mkba("run", root / "scenarios" / "tutorial.yaml", "--pricelist", table, "--json", out)
    assert ran.returncode == 0, ran.stderr
    direct = mkba.evaluate(root / "scenarios" / "tutorial.yaml")
    assert json.loads(out.read_text())["npv"] == pytest.approx(direct.npv, rel=1e-12)


def test_run_names_the_scenario_whose_price_list_cannot_be_found(tmp_path):
    root = Path(__file__).resolve().parents[1]
    text = (root / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    path = tmp_path / "s.yaml"
    path.write_text(
        text.replace("pricelist: nl-sociaal-domein@2024.1", "pricelist: nl-sociaal-domein@2099.9")
    )
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if t.startswith("pricelist:"))
    done = _mkba("run", path)
    assert done.returncode == 2 and f"{path}:{line}: pricelist" in done.stderr.replace("\n", "")
    assert "2099.9" in done.stderr and "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("lang", "title"), [("nl", "Monte Carlo: 20.000 trekkingen"), ("en", "Monte Carlo: 20,000 draws")]
)
def test_the_monte_carlo_table_counts_its_draws_in_the_readers_notation(lang, title):
    done = invoke_cli("run", "scenarios/tutorial.yaml", "--simulate", "20000", "--lang", lang)
    assert done.returncode == 0, done.stderr
    assert title in done.stdout


def test_the_paired_monte_carlo_of_a_project_counts_its_draws_in_dutch():
    done = invoke_cli("run", "scenarios/frontlijnteam-project.yaml", "--simulate", "20000")
    assert done.returncode == 0, done.stderr
    assert "Monte Carlo, gepaard (20.000 trekkingen" in done.stdout
    assert re.search(r"\d,\d\s%", done.stdout) and not re.search(r"\d\.\d%", done.stdout)  # 0,0 %, not 0.0%


def test_a_project_names_its_nulalternatief_without_saying_the_word_twice():
    # its label is "Nulalternatief - reguliere hulp": the terminal said "Nulalternatief: Nulalternatief - ..."
    for lang, said in (("nl", "Nulalternatief: reguliere hulp\n"), ("en", "Baseline: regular services\n")):
        done = invoke_cli("run", "scenarios/frontlijnteam-project.yaml", "--lang", lang)
        assert done.returncode == 0, done.stderr
        assert said in done.stdout, done.stdout
    done = invoke_cli("check", "scenarios/frontlijnteam-project.yaml")
    assert done.returncode == 0, done.stderr
    assert "(project, nulalternatief: reguliere hulp, 2 alternatieven)" in done.stdout, done.stdout


def test_a_projects_comparison_writes_its_ratios_in_the_readers_notation():
    """Extra baten per extra euro: ``0,06`` in Dutch, ``0.06`` in English (the last column)."""
    for lang, mark in (("nl", ","), ("en", ".")):
        done = invoke_cli("run", "scenarios/frontlijnteam-project.yaml", "--lang", lang)
        assert done.returncode == 0, done.stderr
        last = [
            line.rsplit("│", 2)[1].strip() for line in done.stdout.splitlines() if line.startswith("│    ")
        ]
        ratios = [cell for cell in last if re.fullmatch(r"-?\d+[.,]\d\d", cell)]
        assert len(ratios) == 2 and all(mark in r for r in ratios), last


@pytest.mark.parametrize("text", ["[concept]", "[b]fase[/b]", "[red]x[/red]", ":smile:"])
def test_what_a_user_wrote_is_printed_as_written(tmp_path, text):
    """Names and labels are never read as console markup or emoji codes: nothing is dropped or styled."""
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        f"format: mkba-scenario/1\nname: 'Plan {text}'\nstart_year: 2020\nhorizon: 2\nprice_year: 2020\n"
        f"costs:\n  - {{id: k, label: 'Opstart {text}', payer: gemeente, amount: 10, per: once, year: 2020}}\n",
        encoding="utf-8",
    )
    done = invoke_cli("run", scenario, "--xlsx", tmp_path / "uit.xlsx")
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())  # table cells wrap; compare without the line breaks
    assert f"Plan {text}" in flat
    assert f"Opstart {text}" in flat  # the line's label in the overview table
    assert str(tmp_path / "uit.xlsx") in flat


def test_an_error_about_a_file_with_brackets_names_it_as_written(tmp_path):
    missing = tmp_path / "[concept] plan.yaml"
    done = invoke_cli("run", missing)
    assert done.returncode == 2
    assert "[concept] plan.yaml" in " ".join(done.stderr.split())


def test_a_break_even_is_said_in_the_readers_language():
    args = ("run", "scenarios/frontlijnteam-leeuwarden.yaml", "--break-even", "price.huisuitzetting")
    dutch = invoke_cli(*args)
    assert dutch.returncode == 0, dutch.stderr
    said = " ".join(dutch.stdout[dutch.stdout.index("Omslagpunt") :].split())
    assert "het saldo blijft negatief over het hele bereik van € 5.000 tot € 10.000" in said
    for english in ("npv", "range", "support", "stays", "linear"):
        assert english not in said
    english = invoke_cli(*args, "--lang", "en")
    assert "the net present value stays negative over the whole range from €5,000 to €10,000" in " ".join(
        english.stdout.split()
    )


@pytest.mark.parametrize(
    ("lang", "words"),
    [
        (
            "nl",
            "Gebruikte standaardwaarden: basisjaar = 2025 (standaard: het startjaar); discontovoet = 2,25 %",
        ),
        ("en", "Defaults used: base year = 2025 (default: the start year); discount rate = 2.25%"),
    ],
)
def test_the_defaults_a_scenario_relies_on_are_said_in_the_readers_words(tmp_path, lang, words):
    import yaml

    data = yaml.safe_load((Path(__file__).parents[1] / "scenarios/tutorial.yaml").read_text(encoding="utf-8"))
    for key in ("base_year", "discount_rate"):
        data.pop(key, None)
    data["pricelist"] = "nl-sociaal-domein@2024.1"
    scenario = tmp_path / "defaults.yaml"
    scenario.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    done = invoke_cli("run", str(scenario), "--lang", lang)
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.replace("\xa0", " ").split())
    assert words in flat
    assert "start_year" not in flat and ("newest" not in flat if lang == "nl" else True)


@pytest.mark.parametrize(
    "option", [["--tornado"], ["--break-even", "discount_rate"], ["--workers", "2", "--simulate", "100"]]
)
def test_options_a_project_does_not_take_are_refused_not_ignored(option, tmp_path):
    out = tmp_path / "p.xlsx"
    done = invoke_cli("run", "scenarios/frontlijnteam-project.yaml", *option, "--xlsx", str(out))
    assert done.returncode == 2 and not out.exists()
    assert done.stderr.startswith(f"error: {option[0]}: applies to a scenario, not to a project")


def test_an_english_reader_gets_a_price_default_by_its_english_label():
    done = invoke_cli("run", "scenarios/frontlijnteam-leeuwarden.yaml", "--lang", "en")
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "price Child supervision order" in flat and "price Ondertoezichtstelling" not in flat


def test_a_reader_that_stops_reading_loses_no_file(tmp_path):
    """``mkba run ... --xlsx out | head``: the pipe closes before the tables are printed; the workbook
    is still written, without a message or a failing exit code."""
    import os
    import subprocess
    import sys

    read, write = os.pipe()
    os.close(read)  # the reader is gone before mkba writes a line
    out = tmp_path / "tutorial.xlsx"
    try:
        done = subprocess.run(
            [sys.executable, "-m", "mkba.cli", "run", "scenarios/tutorial.yaml", "--xlsx", str(out)],
            stdout=write,
            stderr=subprocess.PIPE,
            cwd=Path(__file__).resolve().parents[1],
            check=False,
        )
    finally:
        os.close(write)
    assert done.returncode == 0, done.stderr
    assert done.stderr == b"" and out.stat().st_size > 10_000


def test_the_tornado_writes_shares_as_the_break_even_does():
    """Shares in percent and prices in euro in the tornado's low and high, as in its break-even line."""
    done = invoke_cli(
        "run",
        "scenarios/frontlijnteam-leeuwarden.yaml",
        "--tornado",
        "--break-even",
        "effects.minder-ots.attribution",
    )
    assert done.returncode == 0, done.stderr
    flat = " ".join(done.stdout.split())
    assert "│ 50,0 % │ 75,0 % │" in flat and "50,0 % tot 75,0 %" in flat and "│ € 5.000 │ € 10.000 │" in flat


def test_every_options_help_is_shown_as_written():
    """Typer renders help with console markup: a help text like ``NAME[@VERSION]`` lost its brackets."""
    from typer.main import get_command

    from mkba.cli.app import build_app

    lost = []

    def walk(command, path):
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, [*path, name])
        if getattr(command, "commands", None):
            return
        shown = " ".join(re.sub(r"[│╭╮╰╯─]", " ", invoke_cli(*path, "--help").stdout).split())
        lost.extend(
            (path, p.name)
            for p in command.params
            if getattr(p, "help", None) and " ".join(p.help.split()) not in shown
        )

    walk(get_command(build_app()), [])
    assert lost == []


@pytest.mark.parametrize(
    ("scenario", "said"),
    [
        ("buuv-haarlem.yaml", "Elke trekking is gelijk: geen invoer van het scenario heeft een verdeling"),
        # a SIB's outcome levels are drawn even where the MKBA's inputs are not: say where they are
        ("buzinezzclub-rotterdam.yaml", "Het saldo van de MKBA is in elke trekking gelijk"),
        ("tutorial.yaml", None),
    ],
)
def test_a_monte_carlo_of_a_scenario_without_distributions_says_every_draw_is_the_same(scenario, said):
    done = invoke_cli(
        "run", Path(__file__).resolve().parents[1] / "scenarios" / scenario, "--simulate", "200"
    )
    assert done.returncode == 0, done.stderr
    text = " ".join(done.stdout.split())
    if said is None:
        assert "trekking is gelijk" not in text and "in elke trekking gelijk" not in text
    else:
        assert said in text
    assert ("mkba sib " in text) is scenario.startswith("buzinezzclub")


def test_the_sib_command_a_run_points_to_runs_as_printed(tmp_path):
    # it printed "mkba sib buzinezzclub-rotterdam.yaml --simulate 200": the file's name without its
    # folder, so the command a user copied said "file not found"
    scenario = Path(__file__).resolve().parents[1] / "scenarios" / "buzinezzclub-rotterdam.yaml"
    done = invoke_cli("run", scenario, "--simulate", "200", "--xlsx", tmp_path / "b.xlsx")
    assert done.returncode == 0, done.stderr
    printed = re.search(r"mkba sib (\S+) --simulate (\d+)", " ".join(done.stdout.split()))
    assert printed, done.stdout
    again = invoke_cli("sib", printed.group(1), "--simulate", printed.group(2))
    assert again.returncode == 0, again.stderr
    import openpyxl

    cells = [
        c.value
        for row in openpyxl.load_workbook(tmp_path / "b.xlsx")["Gevoeligheid"].iter_rows()
        for c in row
    ]
    note = next(v for v in cells if isinstance(v, str) and "mkba sib " in v)
    assert f"mkba sib {scenario} --simulate 200 --seed 20260101" in note
