"""A column mapping's number separators: what the user wrote is what a refusal points at.

``thousands_separator: "."`` without a ``decimal_separator`` (the natural mapping for a Dutch file)
collides with the default decimal point: the refusal stands at the ``thousands_separator`` line and
says to add ``decimal_separator: ","``; two equal separators both written are refused at the
``decimal_separator`` line. A CSV file separated by ``;`` or a tab has its decimal separator never
guessed, whether the mapping states that delimiter or it is read from the header: the mapping must
state ``decimal_separator``, and the file is refused before any row is read.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from mkba.errors import MkbaError
from mkba.pricelist.importing import import_pricelist
from mkba.pricelist.mapping import load_mapping

#: A price list as Dutch Excel saves it as CSV: ';' between cells, decimal commas, '.' for thousands.
DUTCH_CSV = """\
Code;Omschrijving;Eenheid;Tarief;Jaar;Betaler
WMO-01;Huishoudelijke hulp;per uur;32,76;2022;Gemeente
WMO-02;Begeleiding;per uur;1.064,00;2022;Gemeente
"""

#: The same list with decimal points and no thousands separator: ``1.064`` is 1.064 or 1064.
POINTS_CSV = DUTCH_CSV.replace("32,76", "32.76").replace("1.064,00", "1.064")

HEAD = """\
format: mkba-mapping/1
name: tarieven
version: "2024.1"
title: Tarieven gemeente Voorbeeld
"""

FIELDS = """\
fields:
  id: {header: Code, slug: true}
  label: {header: Omschrijving}
  unit: {header: Eenheid, map: {per uur: hour}}
  amount: {header: Tarief}
  price_year: {header: Jaar}
  payer: {header: Betaler, slug: true}
  nature: {constant: resource}
  confidence: {constant: 3}
  source_title: {constant: Tarievenlijst 2022}
"""

REFUSAL = "and the mapping states no decimal_separator"


def write_mapping(tmp_path: Path, keys: str, fields: str = FIELDS) -> Path:
    """A mapping file with the top-level ``keys`` (YAML lines) after the list's name and title."""
    path = tmp_path / "m.yaml"
    path.write_text(HEAD + keys + fields, encoding="utf-8")
    return path


def line_of(path: Path, key: str) -> int:
    """The 1-based line of the file on which ``key:`` starts."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return next(n for n, text in enumerate(lines, 1) if text.startswith(f"{key}:"))


def import_from(tmp_path: Path, keys: str, csv: str, fields: str = FIELDS) -> list[tuple[str, float]]:
    table = tmp_path / "tarieven.csv"
    table.write_text(csv, encoding="utf-8")
    items = import_pricelist(table, write_mapping(tmp_path, keys, fields)).items
    return [(item.id, item.amount) for item in items]


def import_refusal(tmp_path: Path, keys: str, csv: str) -> MkbaError:
    table = tmp_path / "tarieven.csv"
    table.write_text(csv, encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        import_pricelist(table, write_mapping(tmp_path, keys))
    assert info.value.file == str(table)
    return info.value


# --------------------------------------------------------------------------- M2: equal separators


def test_a_thousands_point_without_a_decimal_separator_is_refused_at_its_line(tmp_path):
    path = write_mapping(tmp_path, 'delimiter: ";"\nthousands_separator: "."\n')
    with pytest.raises(MkbaError) as info:
        load_mapping(path)
    error = info.value
    assert error.line == line_of(path, "thousands_separator") != 1
    assert error.field == "thousands_separator"
    assert "'.' is also the decimal separator, as decimal_separator is not given" in error.message
    assert 'add decimal_separator: "," (decimal commas, 1.234,56)' in error.message
    assert "must differ" not in error.message


@pytest.mark.parametrize(("separator", "other"), [(".", ","), (",", ".")])
def test_two_equal_separators_both_written_are_refused_at_the_decimal_separator(tmp_path, separator, other):
    keys = f'thousands_separator: "{separator}"\ndecimal_separator: "{separator}"\n'
    path = write_mapping(tmp_path, keys)
    with pytest.raises(MkbaError) as info:
        load_mapping(path)
    error = info.value
    assert error.line == line_of(path, "decimal_separator")
    assert error.field == "decimal_separator"
    assert f"{separator!r} is the thousands_separator too" in error.message
    assert f'thousands_separator: "{other}"' in error.message


def test_a_thousands_point_with_decimal_commas_is_read(tmp_path):
    keys = 'delimiter: ";"\ndecimal_separator: ","\nthousands_separator: "."\n'
    assert import_from(tmp_path, keys, DUTCH_CSV) == [("wmo-01", 32.76), ("wmo-02", 1064.0)]


# --------------------------------------------------------------------------- M3: a stated delimiter


@pytest.mark.parametrize("csv", [DUTCH_CSV, POINTS_CSV], ids=["decimal-commas", "ambiguous-points"])
def test_a_stated_semicolon_without_a_decimal_separator_is_refused_not_guessed(tmp_path, csv):
    error = import_refusal(tmp_path, 'delimiter: ";"\n', csv)
    assert error.line == 1
    assert "the file is separated by ';' (as the mapping's delimiter says)" in error.message
    assert REFUSAL in error.message
    assert 'add `decimal_separator: ","` for decimal commas' in error.message
    assert '`decimal_separator: "."` for decimal points' in error.message


def test_a_stated_tab_without_a_decimal_separator_is_refused(tmp_path):
    error = import_refusal(tmp_path, 'delimiter: "\\t"\n', DUTCH_CSV.replace(";", "\t"))
    assert "the file is separated by a tab (as the mapping's delimiter says)" in error.message
    assert REFUSAL in error.message


def test_the_refusal_comes_before_any_row_is_read(tmp_path):
    broken = DUTCH_CSV + "WMO-03;Dagbesteding;per week;veel;2022;Gemeente\n"
    error = import_refusal(tmp_path, 'delimiter: ";"\n', broken)
    assert REFUSAL in error.message and "veel" not in error.message


@pytest.mark.parametrize(
    ("keys", "csv", "amounts"),
    [
        (
            'delimiter: ";"\ndecimal_separator: ","\n',
            DUTCH_CSV.replace("1.064,00", "1064,00"),
            [32.76, 1064.0],
        ),
        ('delimiter: ";"\ndecimal_separator: "."\n', POINTS_CSV, [32.76, 1.064]),
        ("", POINTS_CSV.replace(";", ","), [32.76, 1.064]),
        ('delimiter: ","\n', POINTS_CSV.replace(";", ","), [32.76, 1.064]),
    ],
    ids=["stated-commas", "stated-points", "comma-file", "stated-comma-file"],
)
def test_a_stated_decimal_separator_or_a_comma_file_is_read_as_before(tmp_path, keys, csv, amounts):
    assert [amount for _, amount in import_from(tmp_path, keys, csv)] == amounts


def test_a_stated_semicolon_is_not_refused_when_no_number_is_read_from_a_column(tmp_path):
    fields = FIELDS.replace("{header: Tarief}", "{constant: 10}")
    assert import_from(tmp_path, 'delimiter: ";"\n', DUTCH_CSV, fields) == [("wmo-01", 10), ("wmo-02", 10)]
