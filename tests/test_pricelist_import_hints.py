"""A new user's first price list import and checks: each mistake is met by a message saying what to do.

A CSV file separated by ``;`` (as Dutch Excel writes it) is read as such when the mapping states no
``delimiter``, but its decimal separator is never guessed; a mapping whose ``delimiter`` does not fit
the file says which would. ``mkba check`` on a result workbook says what the file is. A price year
outside the index says what can be done from where the user is: a scenario's ``assumed_inflation``
for ``mkba run``, a year within the index for ``mkba pricelist diff`` and ``show``.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest
from conftest import invoke_cli

from mkba.errors import MkbaError
from mkba.pricelist.importing import import_pricelist
from mkba.pricelist.index import default_index

ROOT = Path(__file__).resolve().parents[1]

#: A price list as Dutch Excel saves it as CSV: ';' between cells, decimal commas, '.' for thousands.
DUTCH_CSV = """\
Code;Omschrijving;Eenheid;Tarief;Jaar;Betaler
WMO-01;Huishoudelijke hulp;per uur;32,76;2022;Gemeente
WMO-02;Begeleiding;per uur;1.064,00;2022;Gemeente
"""

MAPPING = """\
format: mkba-mapping/1
name: tarieven
version: "2024.1"
title: Tarieven gemeente Voorbeeld
{extra}
fields:
  id: {{header: Code, slug: true}}
  label: {{header: Omschrijving}}
  unit: {{header: Eenheid, map: {{per uur: hour}}}}
  amount: {{header: Tarief}}
  price_year: {{header: Jaar}}
  payer: {{header: Betaler, slug: true}}
  nature: {{constant: resource}}
  confidence: {{constant: 3}}
  source_title: {{constant: Tarievenlijst 2022}}
"""


def files(tmp_path: Path, extra: str, csv: str = DUTCH_CSV) -> tuple[Path, Path]:
    """The CSV file and a mapping for it with the ``extra`` top-level keys (YAML lines)."""
    table = tmp_path / "tarieven.csv"
    table.write_text(csv, encoding="utf-8")
    mapping = tmp_path / "map.yaml"
    mapping.write_text(MAPPING.format(extra=extra), encoding="utf-8")
    return table, mapping


def import_error(tmp_path: Path, extra: str, csv: str = DUTCH_CSV) -> MkbaError:
    table, mapping = files(tmp_path, extra, csv)
    with pytest.raises(MkbaError) as info:
        import_pricelist(table, mapping)
    assert info.value.file == str(table)
    return info.value


# --------------------------------------------------------------------------- the CSV separator


def test_a_semicolon_file_read_with_a_stated_comma_says_which_delimiter_to_state(tmp_path):
    error = import_error(tmp_path, 'delimiter: ","\ndecimal_separator: ","')
    assert "the mapping names the column 'Code', which is not in the header" in error.message
    assert (
        "the header looks separated by ';': add `delimiter: \";\"` to the mapping "
        '(and `decimal_separator: ","` for decimal commas)' in error.message
    )
    assert "Headers found: 'Code;Omschrijving;Eenheid;Tarief;Jaar;Betaler'" in error.message


def test_a_tab_separated_file_read_with_a_stated_semicolon_says_so(tmp_path):
    error = import_error(tmp_path, 'delimiter: ";"\ndecimal_separator: ","', DUTCH_CSV.replace(";", "\t"))
    assert 'the header looks separated by a tab: add `delimiter: "\\t"` to the mapping' in error.message


def test_a_comma_file_read_with_a_stated_semicolon_says_so_without_decimal_commas(tmp_path):
    comma = DUTCH_CSV.replace("32,76", "32.76").replace("1.064,00", "1064.00").replace(";", ",")
    error = import_error(tmp_path, 'delimiter: ";"', comma)
    assert "the header looks separated by ',': add `delimiter: \",\"` to the mapping." in error.message
    assert "decimal_separator" not in error.message


def test_a_missing_column_that_no_separator_explains_keeps_the_nearest_headers(tmp_path):
    error = import_error(
        tmp_path, 'delimiter: ";"\ndecimal_separator: ","', DUTCH_CSV.replace("Code", "Kode")
    )
    assert "nearest: 'Kode'" in error.message and "looks separated" not in error.message


def test_a_semicolon_file_is_read_without_a_delimiter_when_the_decimal_separator_is_stated(tmp_path):
    table, mapping = files(tmp_path, 'decimal_separator: ","\nthousands_separator: "."')
    items = import_pricelist(table, mapping).items
    assert [(i.id, i.amount) for i in items] == [("wmo-01", 32.76), ("wmo-02", 1064.0)]


def test_a_semicolon_file_without_a_decimal_separator_is_refused_not_guessed(tmp_path):
    error = import_error(tmp_path, "")
    assert error.line == 1
    assert "the file is separated by ';' (its header has ';' and no ',')" in error.message
    assert "the mapping states no decimal_separator" in error.message
    assert 'add `decimal_separator: ","` for decimal commas' in error.message
    assert '`decimal_separator: "."` for decimal points' in error.message


def test_a_semicolon_file_with_a_stated_decimal_point_is_read_with_it(tmp_path):
    points = DUTCH_CSV.replace("32,76", "32.76").replace("1.064,00", "1064.00")
    table, mapping = files(tmp_path, 'decimal_separator: "."', points)
    assert [i.amount for i in import_pricelist(table, mapping).items] == [32.76, 1064.0]


def test_a_comma_file_is_read_as_before_without_a_delimiter(tmp_path):
    comma = DUTCH_CSV.replace("32,76", "32.76").replace("1.064,00", "1064.00").replace(";", ",")
    table, mapping = files(tmp_path, "", comma)
    assert [i.amount for i in import_pricelist(table, mapping).items] == [32.76, 1064.0]


def test_a_header_with_both_separators_is_read_with_the_commas(tmp_path):
    """A header holding ',' and ';' is not sniffed: the mapping's delimiter (',') stands, with the hint."""
    mixed = DUTCH_CSV.replace("Omschrijving", "Omschrijving, kort")
    error = import_error(tmp_path, 'decimal_separator: ","', mixed)
    assert "the header looks separated by ';'" in error.message


def test_the_cli_imports_a_dutch_csv_with_the_documented_mapping_keys(tmp_path):
    table, mapping = files(tmp_path, 'delimiter: ";"\ndecimal_separator: ","\nthousands_separator: "."')
    out = tmp_path / "mijn.csv"
    done = invoke_cli("pricelist", "import", table, "--mapping", mapping, "-o", out)
    assert done.returncode == 0, done.stderr
    assert "wmo-02" in out.read_text(encoding="utf-8")


# --------------------------------------------------------------------------- a result workbook checked


def test_check_says_a_result_workbook_is_not_a_price_list(tmp_path):
    workbook = tmp_path / "uitkomst.xlsx"
    done = invoke_cli("run", ROOT / "scenarios" / "tutorial.yaml", "--xlsx", workbook)
    assert done.returncode == 0, done.stderr
    checked = invoke_cli("check", workbook)
    assert checked.returncode == 2
    message = " ".join(checked.stderr.split())
    assert "this is a result workbook of mkba run (sheets 'Samenvatting', 'Kasstromen', ...)" in message
    assert "not a price list" in message and "check the scenario or project" in message
    assert "expected a sheet 'list'" not in message


@pytest.mark.parametrize(
    ("sheets", "said"),
    [
        (["Vergelijking", "Nul Samenvatting", "Nul Kasstromen", "A1 Samenvatting"], "'Samenvatting'"),
        (["Overview", "Summary", "Inputs", "Cashflows"], "'Summary', 'Cashflows'"),
    ],
)
def test_a_project_or_english_result_workbook_is_recognised(tmp_path, sheets, said):
    workbook = tmp_path / "uitkomst.xlsx"
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for title in sheets[1:]:
        book.create_sheet(title)
    book.save(workbook)
    checked = invoke_cli("check", workbook)
    assert checked.returncode == 2 and said in checked.stderr
    assert "result workbook of mkba run" in checked.stderr


def test_another_workbook_keeps_the_layout_message(tmp_path):
    workbook = tmp_path / "blad.xlsx"
    book = openpyxl.Workbook()
    book.active.title = "Samenvatting"  # a summary alone is no result
    book.save(workbook)
    checked = invoke_cli("check", workbook)
    assert checked.returncode == 2
    assert "expected a sheet 'list' (mkba's export layout)" in checked.stderr
    assert "result workbook" not in checked.stderr


# --------------------------------------------------------------------------- the import's help


def test_import_help_says_what_output_it_writes():
    done = invoke_cli("pricelist", "import", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.replace("│", " ").split())
    assert "The price list file to write: .yaml, .csv or .xlsx (by the suffix)." in text


# --------------------------------------------------------------------------- price years beyond the index


def _years() -> str:
    index = default_index()
    return f"from {index.first_year} to {index.last_year}"


def test_run_with_a_price_year_beyond_the_index_names_the_scenario_key():
    done = invoke_cli("run", ROOT / "scenarios" / "tutorial.yaml", "--price-year", "2100")
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "--price-year: price year 2100 is outside the price index 'cbs-cpi'" in message
    assert f"use a year {_years()}, or set `assumed_inflation` in the scenario file" in message
    assert "state an assumed yearly inflation" not in message


@pytest.mark.parametrize(
    "command",
    [
        ("pricelist", "diff", "nl-sociaal-domein@2024.1", "nl-sociaal-domein@2025.1"),
        ("pricelist", "show", "nl-sociaal-domein"),
    ],
)
def test_diff_and_show_with_a_price_year_beyond_the_index_name_its_years(command):
    done = invoke_cli(*command, "--price-year", "1990")
    assert done.returncode == 2
    message = " ".join(done.stderr.split())
    assert "--price-year: price year 1990 is outside the price index 'cbs-cpi'" in message
    assert f"expected a price year {_years()}, the years of the index" in message
    assert "assumed" not in message  # no command here can state an assumed inflation


def test_the_python_diff_and_frame_take_a_year_beyond_an_index_with_assumed_inflation():
    from mkba import diff, load_pricelist

    index = default_index().with_assumed_inflation(0.02)
    old, new = load_pricelist("nl-sociaal-domein@2024.1"), load_pricelist("nl-sociaal-domein@2025.1")
    assert diff(old, new, price_year=2030, index=index).attrs["price_year"] == 2030
    assert (new.to_frame(price_year=2030, index=index)["price_year"] == 2030).all()
