"""What a reader of the report (a wethouder, a gemeenteraad) needs to read it right.

From a simulated reading of the Dutch HTML/PDF report: the SIB section says its price level, what
(cw) means and at which outcome level it is, and why the payer's avoided costs differ from the MKBA
table; the project report has the sources, assumptions and defaults of each alternative; a printed
table does not repeat its total row on each page; an own template in the current folder is found and a
broken one is named with its line.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from mkba.report import numbers
from tests.conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
BZC = SCENARIOS / "buzinezzclub-rotterdam.yaml"
RF = SCENARIOS / "sib" / "resultaatfinanciering-gemeente.yaml"
PROJECT = SCENARIOS / "frontlijnteam-project.yaml"
TUTORIAL = SCENARIOS / "tutorial.yaml"


def text_of(html: str) -> str:
    """The visible words of an HTML fragment, spaces normalised (non-breaking ones too)."""
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html)).replace(numbers.NBSP, " ")).strip()


def section(html: str, sid: str) -> str:
    """The HTML of ``<section id="sid">`` up to its end."""
    start = html.index(f'<section id="{sid}"')
    return html[start : html.index("</section>", start)]


def scenario_html(path: Path) -> str:
    from mkba.report.html.build import analyse
    from mkba.report.html.render import scenario_report
    from mkba.result import evaluate

    result = evaluate(path)
    return scenario_report(result, analyse(result))


@pytest.fixture(scope="module")
def bzc_sib() -> str:
    return text_of(section(scenario_html(BZC), "sib"))


def test_the_sib_section_says_its_price_level_and_what_cw_means(bzc_sib):
    assert "euro's van prijspeil 2014, het prijspeil van het contract" in bzc_sib
    assert "de rest van dit rapport rekent in prijspeil 2024" in bzc_sib
    assert "(cw) is contante waarde: verdisconteerd tegen 2,25 % per jaar naar 2014" in bzc_sib
    assert "verwachte uitkomstniveau: Bijstandsdagen bespaard per jongere" in bzc_sib
    assert (
        "referentieniveau: Bijstandsdagen bespaard per jongere (t.o.v. landelijk gemiddelde) 212,92"
        in bzc_sib
    )


def test_the_sib_section_reconciles_the_payers_avoided_costs_with_the_mkba(bzc_sib):
    # the MKBA table: € 1.419.937 for the gemeente; the contract: € 1.032.013 (prices of 2014, expected level)
    said = re.search(r"Daarom wijken .*?= € [\d.]+\.", bzc_sib)
    assert said, bzc_sib
    sentence = said.group(0)
    assert "€ 1.032.013" in sentence and "€ 1.419.937" in sentence
    assert "indexfactor 0,7631 (naar prijspeil 2014)" in sentence and "202,78 / 212,92" in sentence


def test_a_contract_at_the_scenarios_prices_says_so_and_still_reconciles():
    sib = text_of(section(scenario_html(RF), "sib"))
    assert "euro's van prijspeil 2024, net als de rest van dit rapport" in sib
    assert "indexfactor" not in sib
    assert "€ 609.458 × 38,33 / 40,00 (verwacht niveau / referentieniveau) = € 584.064" in sib


@pytest.fixture(scope="module")
def project_html() -> str:
    from mkba.project import load_project
    from mkba.report.html.render import project_report

    return project_report(load_project(PROJECT).evaluate())


def test_the_project_report_has_sources_and_defaults_per_alternative(project_html):
    assert 'href="#bronnen"' in project_html
    sources = text_of(section(project_html, "bronnen"))
    assert sources.startswith("Aannames en bronnen")
    # the default that replaced the list price of the OTS (the workbook says it; now the report too)
    assert "Gebruikte standaardwaarden" in sources
    assert (
        "€ 7.426,50 per jaar (prijspeil 2012)" in sources and "PERT(6.444,00; 7.623,00; 7.623,00)" in sources
    )
    assert "Gebruikte prijzen uit de prijslijst" in sources
    # each alternative in turn, the nulalternatief first; a shared line is shown once
    heads = re.findall(r"<h3>(.*?)</h3>", section(project_html, "bronnen"))
    assert heads[:3] == [
        "Nulalternatief - reguliere hulp",
        "Frontlijnteam (elf generalisten)",
        "Frontlijnteam, vermeden OTS tegen het vervolgtarief",
    ]
    assert sources.count("Huisuitzettingen in de wijk (kosten)") == 1
    # the alternative that values the avoided OTS at the follow-up tariff shows that tariff and its source
    last = sources[sources.index("Frontlijnteam, vermeden OTS tegen het vervolgtarief") :]
    assert "Eigen prijzen van posten (niet uit de prijslijst)" in last
    assert "OTS, normbedrag na de eerste twaalf maanden € 6.444 jaar 2012" in last and "art. 5" in last


def test_the_scenario_report_shows_the_defaults_it_used():
    sources = text_of(section(scenario_html(SCENARIOS / "frontlijnteam-regulier.yaml"), "bronnen"))
    assert "Gebruikte standaardwaarden" in sources and "€ 7.426,50 per jaar" in sources


def test_a_printed_total_row_is_not_repeated_and_short_tables_stay_together(project_html):
    css = (ROOT / "mkba" / "report" / "html" / "templates" / "report.css").read_text(encoding="utf-8")
    printed = css[css.index("@media print") :]
    assert re.search(r"tfoot\s*\{\s*display:\s*table-row-group;\s*\}", printed)
    assert re.search(r"\.keep\s*\{\s*break-inside:\s*avoid;\s*\}", printed)
    # 8 rows and a total: kept on one page
    assert re.search(r'<div class="keep">\s*<table class="line-deltas compact">', project_html)


def test_an_own_template_in_the_current_folder_is_found(tmp_path):
    (tmp_path / "mine.html.j2").write_text("{% extends 'report.html.j2' %}\n", encoding="utf-8")
    run = invoke_cli("report", TUTORIAL, "-o", "m1.html", "--template", "mine.html.j2", cwd=tmp_path)
    assert run.returncode == 0, run.stderr
    assert (tmp_path / "m1.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_a_template_syntax_error_names_the_file_and_line(tmp_path):
    (tmp_path / "bad.html.j2").write_text(
        "{% extends 'report.html.j2' %}\n{% block content %}\n{% if x %}\n{% endblock %}\n", encoding="utf-8"
    )
    run = invoke_cli("report", TUTORIAL, "-o", "m2.html", "--template", "bad.html.j2", cwd=tmp_path)
    assert run.returncode == 2
    assert "bad.html.j2:4: the report template is not valid: Encountered unknown tag 'endblock'" in run.stderr
    assert not (tmp_path / "m2.html").exists()


def test_a_template_that_extends_a_missing_one_names_it(tmp_path):
    (tmp_path / "mine.html.j2").write_text("{% extends 'nope.html.j2' %}\n", encoding="utf-8")
    run = invoke_cli("report", TUTORIAL, "-o", "m3.html", "--template", "mine.html.j2", cwd=tmp_path)
    assert run.returncode == 2 and "'nope.html.j2' that it uses does not exist" in run.stderr


def test_the_monte_carlo_note_names_the_sib_only_where_there_is_one():
    from mkba.report.html.build import analyse
    from mkba.report.html.render import scenario_report
    from mkba.result import evaluate

    def montecarlo(path: Path) -> str:
        result = evaluate(path)
        return text_of(section(scenario_report(result, analyse(result, simulate=50)), "montecarlo"))

    without = montecarlo(SCENARIOS / "buuv-haarlem.yaml")
    assert "elke trekking geeft hetzelfde saldo" in without and "SIB" not in without
    with_sib = montecarlo(RF)
    assert "Wat wel varieert, zijn de uitkomstniveaus van het SIB-contract" in with_sib
    assert "als dat er is" not in with_sib


def test_run_simulate_of_a_sib_says_the_outcome_levels_are_drawn():
    run = invoke_cli("run", RF, "--simulate", "50")
    assert run.returncode == 0, run.stderr
    said = " ".join(run.stdout.split())
    assert "De uitkomstniveaus van het SIB-contract worden wel getrokken" in said
    assert f"mkba sib {RF} --simulate 50" in said  # the path as given: the command runs as printed
    assert "geen invoer van het scenario heeft een verdeling. Geef een aantal" not in said


def test_a_histogram_has_a_count_axis_title_and_says_its_colours_and_zero_line():
    import numpy as np

    from mkba.report.chartspec import histogram_chart
    from mkba.report.html.svg import render_svg

    svg = render_svg(histogram_chart("nl", np.linspace(-100.0, 300.0, 400)), "nl")
    for words in ("Aantal trekkingen", "trekkingen onder € 0", "trekkingen van € 0 of meer", "lijn bij € 0"):
        assert f">{words}</text>" in unescape(svg), words


def test_the_per_year_table_says_which_columns_are_discounted():
    per_year = text_of(section(scenario_html(SCENARIOS / "buuv-haarlem.yaml"), "partijen"))
    assert "Kosten, baten en netto kasstroom: bedragen van dat jaar, niet verdisconteerd" in per_year
    assert "Cumulatief contant: de netto stromen verdisconteerd tegen 2,25 % naar 2014" in per_year


def test_the_sib_schedule_and_chart_carry_the_contracts_price_level():
    sib = section(scenario_html(BZC), "sib")
    assert (
        '<h3>Betaalschema (euro)</h3>\n  <p class="note">Bedragen van prijspeil 2014, het prijspeil van het contract'
        in sib
    )
    assert "Betaler: betalingen en vermeden kosten per jaar (prijspeil 2014)</figcaption>" in sib


def test_the_markdown_price_list_says_units_and_natures_in_dutch():
    run = invoke_cli("pricelist", "show", "nl-sociaal-domein", "--format", "md")
    assert run.returncode == 0, run.stderr
    rows = [r.split(" | ") for r in run.stdout.splitlines() if r.startswith("| `")]
    units, natures = {r[2] for r in rows}, {r[7].removesuffix(" (referentiewaarde)") for r in rows}
    assert {"hour", "day", "year", "month"}.isdisjoint(units) and "uur" in units
    assert natures <= {"middelen", "overdracht"}


def test_counts_in_the_uncertainty_texts_agree_with_the_number(tmp_path):
    # "van alle 1 onzekere invoerwaarden" and "(1 onzekere invoerwaarden)"; "1 trekkingen"
    import mkba
    from mkba.cli.uncertainty import point_note
    from mkba.report.html.build import analyse
    from mkba.report.html.render import scenario_report

    def render_report(result, simulate):
        return scenario_report(result, analyse(result, simulate=simulate, seed=1), template="report.html.j2")

    one = mkba.load_scenario(TUTORIAL).with_changes(set={"effects.loon.success": 0.5})
    result = mkba.evaluate(one)
    assert (
        point_note(result.model)
        == "Puntschatting: elke onzekere invoer op zijn gemiddelde (1 onzekere invoerwaarde)"
    )
    page = unescape(render_report(result, simulate=1))
    assert "1 trekking (startgetal" in page and "van 1 onzekere invoerwaarde tegelijk" in page
    two = unescape(render_report(mkba.evaluate(TUTORIAL), simulate=200))
    assert "200 trekkingen (startgetal" in two and "van alle 2 onzekere invoerwaarden tegelijk" in two
