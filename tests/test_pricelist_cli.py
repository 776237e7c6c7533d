"""``mkba pricelist list|show|diff`` for Dutch readers by default, English on request (issue 11)."""

from __future__ import annotations

import re

import yaml
from conftest import invoke_cli

import mkba

OLD, NEW = "nl-sociaal-domein@2024.1", "nl-sociaal-domein@2025.1"


def _flat(text: str) -> str:
    return " ".join(text.split())


def test_show_is_in_dutch_labels_units_and_notation():
    done = invoke_cli("pricelist", "show", NEW, "--price-year", "2024")
    assert done.returncode == 0, done.stderr
    flat = _flat(done.stdout)
    for word in ("Omschrijving", "Eenheid", "Bedrag", "Prijsjaar", "Betaler", "prijzen", "prijspeil 2024"):
        assert word in flat
    assert re.search(r"\b\d{1,3}(\.\d{3})*,\d{2}\b", flat)  # 1.234,56
    assert not re.search(r"\b\d{1,3}(,\d{3})+\.\d{2}\b", flat)  # never 1,234.56
    for english in (" amount ", " payer ", " nature ", " items"):
        assert english not in flat


def test_show_in_english_on_request():
    flat = _flat(invoke_cli("pricelist", "show", NEW, "--lang", "en").stdout)
    assert "Description" in flat and "Payer" in flat and "items" in flat
    assert re.search(r"\b\d+\.\d{2}\b", flat)


def test_diff_counts_and_columns_are_in_dutch():
    done = invoke_cli("pricelist", "diff", OLD, NEW)
    assert done.returncode == 0, done.stderr
    flat = _flat(done.stdout)
    assert re.search(r"\d+ nieuw, \d+ vervallen, \d+ gewijzigd, \d+ ongewijzigd", flat)
    assert "Bedrag A" in flat and "Reëel" in flat and "(2025)" in flat  # the real change, at 2025 prices
    assert re.search(r"-?\d+,\d %", flat)  # a change in percent, Dutch notation
    english = _flat(invoke_cli("pricelist", "diff", OLD, NEW, "--lang", "en").stdout)
    assert re.search(r"\d+ added, \d+ removed, \d+ changed, \d+ unchanged", english)


def test_diff_of_a_list_with_itself_says_so_without_an_empty_table():
    done = invoke_cli("pricelist", "diff", OLD, OLD)
    assert done.returncode == 0, done.stderr
    assert "0 nieuw, 0 vervallen, 0 gewijzigd" in _flat(done.stdout) and "Bedrag A" not in done.stdout
    assert "Bedrag A" in invoke_cli("pricelist", "diff", OLD, OLD, "--all").stdout  # asked for: every item


def test_list_in_both_languages():
    assert "Versies" in invoke_cli("pricelist", "list").stdout
    assert "Versions" in invoke_cli("pricelist", "list", "--lang", "en").stdout


def test_check_and_export_say_what_they_did_in_the_readers_language(tmp_path):
    dutch = invoke_cli("check", "scenarios/tutorial.yaml", "scenarios/frontlijnteam-project.yaml")
    assert dutch.returncode == 0, dutch.stderr
    assert "(scenario, 9 regels, 2 onzekere invoerwaarden)" in dutch.stdout
    assert "nulalternatief: reguliere hulp, 2 alternatieven" in dutch.stdout
    english = invoke_cli("check", "scenarios/tutorial.yaml", "--lang", "en")
    assert "(scenario, 9 lines, 2 uncertain inputs)" in english.stdout
    out = tmp_path / "lijst.csv"
    done = invoke_cli("pricelist", "export", OLD, "-o", out)
    assert done.returncode == 0, done.stderr
    assert re.search(r"^\d+ prijzen -> ", done.stdout) and out.exists()
    # a list of one price says so: "1 prijzen" was printed
    one = tmp_path / "een.yaml"
    one.write_text(
        yaml.safe_dump(
            {
                "format": "mkba-pricelist/1",
                "name": "een",
                "version": "1",
                "title": "Een prijs",
                "extends": None,
                "items": [
                    mkba.load_pricelist(OLD)["bijstand-maand"].model_dump(mode="json", exclude_none=True)
                ],
            }
        ),
        encoding="utf-8",
    )
    done = invoke_cli("pricelist", "export", one, "-o", tmp_path / "een.csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("1 prijs -> "), done.stdout
    shown = invoke_cli("pricelist", "show", one)
    assert "(een@1, 1 prijs)" in shown.stdout, shown.stdout


def test_check_counts_in_words_that_agree_with_the_number(tmp_path):
    """One line is 'regel', more are 'regels' (and 'line'/'lines' in English)."""
    from mkba.report.vocabulary import counted

    assert [counted(n, "n_lines") for n in (0, 1, 2)] == ["0 regels", "1 regel", "2 regels"]
    assert counted(1, "n_uncertain", "en") == "1 uncertain input"
    assert counted(1, "n_alternatives") == "1 alternatief"


def test_diff_names_the_changed_fields_in_the_readers_words():
    done = invoke_cli("pricelist", "diff", OLD, NEW)
    assert done.returncode == 0, done.stderr
    flat = _flat(done.stdout)
    assert "bron" in flat and "source" not in flat.replace("sources", "")
    english = _flat(invoke_cli("pricelist", "diff", OLD, NEW, "--lang", "en").stdout)
    assert "source" in english and " bron " not in english
    from mkba.cli.pricelist import _fields

    assert _fields("amount, price_year, shiny", "nl") == "bedrag, prijsjaar, shiny"
