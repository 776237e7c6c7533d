"""Batch evaluation (issue 16): many variants of one scenario, the same numbers however it runs."""

from __future__ import annotations

import math
import os
import re
import typing
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import invoke_cli, kill_a_worker_during
from hypothesis import given, settings
from hypothesis import strategies as st

import mkba
from mkba.batch import evaluate_many
from mkba.errors import MkbaError

TUTORIAL = "scenarios/tutorial.yaml"
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


@pytest.fixture(autouse=True)
def _in_root(monkeypatch):
    monkeypatch.chdir(ROOT)


def one_by_one(table: pd.DataFrame) -> dict[tuple[str, str, str], float | None]:
    """The peer: each row as its own scenario (with_changes), evaluated alone with mkba.evaluate."""
    base = mkba.load_scenario(TUTORIAL)
    out = {}
    for row in table.to_dict("records"):
        changes = {k: v for k, v in row.items() if k != "id" and not (isinstance(v, float) and math.isnan(v))}
        result = mkba.evaluate(base.with_changes(set=changes))
        for name, value in result.summary().items():
            out[(row["id"], name, "total")] = value
        for r in result.stakeholder_rows():
            for name in ("pv_costs", "pv_benefits", "npv"):
                out[(row["id"], name, r["stakeholder"])] = r[name]
        for name in ("pv_costs", "pv_benefits", "npv"):
            out[(row["id"], name, "fiscal")] = getattr(result, f"fiscal_{name}")
    return out


def as_dict(frame: pd.DataFrame) -> dict[tuple[str, str, str], float | None]:
    return {
        (r.id, r.figure, r.stakeholder): (None if r.value is None or r.value != r.value else r.value)
        for r in frame.itertuples()
    }


def table(n: int = 7) -> pd.DataFrame:
    rng = np.random.default_rng(4)
    return pd.DataFrame(
        {
            "id": [f"gemeente-{i}" for i in range(n)],
            "participants.2025": rng.integers(5, 90, n).astype(float),
            "costs.opstart.amount": rng.uniform(5_000, 60_000, n),
            "effects.minder-huisartsbezoek.success": rng.uniform(0, 1, n),
            "discount_rate": rng.uniform(0, 0.05, n),
        }
    )


def test_every_variant_equals_its_own_evaluation_bit_for_bit():
    changes = table()
    changes.loc[3, "costs.opstart.amount"] = np.nan  # an empty cell keeps the base value
    got = as_dict(evaluate_many(TUTORIAL, changes))
    want = one_by_one(changes)
    assert set(got) == set(want)
    for key, value in want.items():
        if key[1] == "payback_year" and value is not None:
            value = float(value)
        assert got[key] == value, key


def test_structural_changes_take_the_row_by_row_path_with_the_same_numbers():
    changes = table(4)
    changes["effects.minder-bijstand.item"] = ["bijstand-maand", "bijstand-jongere-maand"] * 2
    got = as_dict(evaluate_many(TUTORIAL, changes))
    assert got == {
        k: (float(v) if k[1] == "payback_year" and v is not None else v)
        for k, v in one_by_one(changes).items()
    }


def test_processes_give_the_same_numbers_as_one_process():
    changes = table(2_500)  # three blocks
    one = evaluate_many(TUTORIAL, changes)
    two = evaluate_many(TUTORIAL, changes, workers=2)
    pd.testing.assert_frame_equal(one, two, check_exact=True)


def test_a_dask_cluster_gives_the_same_numbers(tmp_path):
    distributed = pytest.importorskip("dask.distributed")
    changes = table(2_100)
    here = evaluate_many(TUTORIAL, changes)
    for n_workers in (1, 2):
        cluster = distributed.LocalCluster(
            n_workers=n_workers, threads_per_worker=1, processes=True, dashboard_address=None,
            local_directory=str(tmp_path),
        )  # fmt: skip
        with cluster, distributed.Client(cluster) as client:
            there = evaluate_many(TUTORIAL, changes, client=client)
        pd.testing.assert_frame_equal(here, there, check_exact=True)


def test_a_worker_killed_mid_run_fails_the_run_with_one_message():
    changes = table(6_000)  # a structural column: row by row, seconds of work per block
    changes["effects.minder-bijstand.item"] = ["bijstand-maand", "bijstand-jongere-maand"] * 3_000
    outcome = kill_a_worker_during(lambda: evaluate_many(TUTORIAL, changes, workers=2))
    assert "result" not in outcome  # never a partial result returned as whole
    assert "worker process stopped" in outcome["error"].message


@pytest.mark.parametrize(
    ("column", "values", "field", "line", "message"),
    [
        ("costs.opstrat.amount", [1.0, 2.0], "costs.opstrat.amount", 1, "no item with id 'opstrat'"),
        (
            "participants.2025",
            [10.0, "veel"],
            "row 'b', column participants.2025",
            3,
            "expected a number, got 'veel'",
        ),
        (
            "effects.minder-huisartsbezoek.success",
            [0.5, 1.5],
            "row 'b', column effects.minder-huisartsbezoek.success",
            3,
            "share",
        ),
    ],
)
def test_bad_tables_are_refused_before_any_work_naming_row_and_column(
    tmp_path, column, values, field, line, message
):
    path = tmp_path / "changes.csv"
    pd.DataFrame({"id": ["a", "b"], column: values}).to_csv(path, index=False)
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), line, field)
    assert message in info.value.message
    out = tmp_path / "out.parquet"
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", out)
    assert done.returncode == 2 and "Traceback" not in done.stderr and not out.exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("discount_rate", "2.25", "did you mean 0.0225?"),
        ("discount_rate", "0.5", "expected a discount rate in [-0.99, 0.25]"),  # no percentage slip
        ("participants.2025", "1e9", "expected a number of participants in [0, 1e+08]"),
        ("costs.opstart.amount", "1e20", "expected a number of at most 1e+15 in size"),
        ("costs.coaching.quantity", "1e300", "expected a number of at most 1e+15 in size"),
        ("volunteers.bestuur.hours", "1e20", "expected a number of at most 1e+15 in size"),
        ("effects.minder-huisartsbezoek.quantity", "1e20", "expected a number of at most 1e+15 in size"),
        ("discount_rate", "NaN", "expected a finite number, got 'NaN'"),
        ("discount_rate", "nan", "expected a finite number"),
        ("participants.2025", "-nan", "expected a finite number"),
        ("costs.opstart.amount", "inf", "expected a finite number"),
        ("effects.minder-huisartsbezoek.duration", "0", "expected a whole number in [1, 200], got 0"),
        ("horizon", "5.5", "expected a whole number, got 5.5"),
        ("costs.opstart.year", "2040", "outside the horizon"),
    ],
)
def test_values_a_file_refuses_are_refused_in_a_table_naming_file_row_and_column(
    tmp_path, column, value, message
):
    # the vectorised path once took 2.25 as a discount rate and NaN as "keep the base"
    path = tmp_path / "gemeenten.csv"
    path.write_text(f"id,{column}\nok,\na,{value}\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 3, f"row 'a', column {column}")
    assert message in info.value.message
    assert str(info.value).startswith(f"{path}:3: row 'a', column {column}: ")


def test_a_column_given_twice_is_refused_by_its_name(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("id,discount_rate,discount_rate\na,0.01,0.02\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.line, info.value.field, info.value.message) == (
        1,
        "discount_rate",
        "column given twice; expected each column once",
    )


def test_a_column_given_twice_in_a_dataframe_is_refused():
    frame = pd.DataFrame([["a", 0.01, 0.02]], columns=["id", "discount_rate", "discount_rate"])
    with pytest.raises(MkbaError, match="column given twice"):
        evaluate_many(TUTORIAL, frame)


def test_only_an_empty_cell_keeps_the_base(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("id,discount_rate,participants.2025\na,,\nb,0.03,\n", encoding="utf-8")
    out = evaluate_many(TUTORIAL, path)
    npv = out[(out.figure == "npv") & (out.stakeholder == "total")].set_index("id")["value"]
    base = mkba.evaluate(TUTORIAL).npv
    assert npv["a"] == base and npv["b"] != base


def test_a_repeated_id_is_refused_with_its_row(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("id,participants.2025\na,10\nb,20\na,30\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert info.value.line == 4 and info.value.field == "id" and "given twice" in info.value.message


@pytest.mark.parametrize("text", ["id,participants.2025\n", "id,participants.2025\n\n\n"])
def test_a_table_without_rows_is_refused_and_writes_nothing(tmp_path, text):
    # a header alone gave "0 varianten", exit code 0 and a result file with only its header
    path = tmp_path / "changes.csv"
    path.write_text(text, encoding="utf-8")
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "out.csv")
    assert (
        done.returncode == 2
        and f"{path}:1: the change table has no rows" in done.stderr
        and "Traceback" not in done.stderr
    )
    assert not (tmp_path / "out.csv").exists()
    with pytest.raises(MkbaError, match="has no rows"):
        evaluate_many(TUTORIAL, pd.DataFrame({"id": [], "participants.2025": []}))


def test_the_command_writes_parquet_and_csv_that_read_back(tmp_path):
    path = tmp_path / "changes.csv"
    table(5).to_csv(path, index=False)
    frames = []
    for name in ("out.parquet", "out.csv"):
        done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / name)
        assert done.returncode == 0, done.stderr
        frames.append(
            pd.read_parquet(tmp_path / name) if name.endswith("parquet") else pd.read_csv(tmp_path / name)
        )
    assert list(frames[0].columns) == ["id", "figure", "stakeholder", "value"]
    assert np.allclose(frames[0]["value"].fillna(0), frames[1]["value"].fillna(0), rtol=1e-12)
    totals = frames[0][(frames[0].figure == "npv") & (frames[0].stakeholder == "total")]
    assert totals["id"].tolist() == [f"gemeente-{i}" for i in range(5)]


def test_the_batch_says_what_it_wrote_in_the_readers_language(tmp_path):
    path = tmp_path / "changes.csv"
    path.write_text("id,participants.2025\na,10\nb,20\n", encoding="utf-8")
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "uit.csv")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("2 varianten, ") and "kengetallen ->" in done.stdout
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "out.csv", "--lang", "en")
    assert done.stdout.startswith("2 variants, ") and "figures ->" in done.stdout
    # one variant is one: "1 varianten" was printed
    path.write_text("id,participants.2025\na,10\n", encoding="utf-8")
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "een.csv")
    assert done.stdout.startswith("1 variant, ") and "kengetallen ->" in done.stdout


def test_a_base_or_price_list_changed_between_calls_is_read_again(tmp_path):
    """In a notebook the base scenario and the price list change between calls: no stale results."""
    import shutil

    import pandas as pd
    import yaml

    root = Path(__file__).resolve().parents[1]
    table = pd.DataFrame({"id": ["a"], "participants.2025": [50]})

    def npv(result: pd.DataFrame) -> float:
        return float(result.query("figure == 'npv' and stakeholder == 'total'")["value"].iloc[0])

    data = yaml.safe_load((root / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8"))
    first = npv(mkba.evaluate_many(mkba.load_scenario(data), table))
    data["costs"][1]["amount"] *= 10
    changed = mkba.load_scenario(data)
    assert npv(mkba.evaluate_many(changed, table)) == pytest.approx(
        mkba.evaluate(changed.with_changes({"participants.2025": 50})).npv
    )
    assert npv(mkba.evaluate_many(changed, table)) != first
    # a price list file edited between two calls
    listed = tmp_path / "lijst.yaml"
    shutil.copy(root / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml", listed)
    data = yaml.safe_load((root / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8"))
    scenario = mkba.load_scenario(data)
    before = npv(mkba.evaluate_many(scenario, table, pricelist=listed))
    listed.write_text(
        listed.read_text(encoding="utf-8").replace("amount: 30.87", "amount: 3087", 1), encoding="utf-8"
    )
    after = npv(mkba.evaluate_many(scenario, table, pricelist=listed))
    assert after != before


def test_a_volunteer_lines_value_column_changes_that_line_not_the_shared_price():
    """``volunteers.<id>.value`` names the line's price item: an item id is taken, a bare number refused."""
    import pandas as pd

    root = Path(__file__).resolve().parents[1]
    tutorial = root / "scenarios" / "tutorial.yaml"
    out = mkba.evaluate_many(
        tutorial, pd.DataFrame({"id": ["a"], "volunteers.bestuur.value": ["mantelzorg-uur"]})
    )
    alone = mkba.evaluate(
        mkba.load_scenario(tutorial).with_changes({"volunteers.bestuur.value": "mantelzorg-uur"})
    )
    got = out.query("figure == 'volunteer_value_pv' and stakeholder == 'total'")["value"].item()
    assert got == alone.volunteer_value_pv != mkba.evaluate(tutorial).volunteer_value_pv
    with pytest.raises(mkba.MkbaError, match=r"volunteers\.buddy\.value"):
        mkba.evaluate_many(tutorial, pd.DataFrame({"id": ["a"], "volunteers.buddy.value": [25.0]}))


# -- change tables from spreadsheets: Excel workbooks, Dutch CSV, text that looks like a number ------
NUMBERS = {
    "id": ["klein", "groot", "duur"],
    "participants.2025": [10, 40, None],
    "costs.opstart.amount": [1234.56, None, 25000],
    "effects.minder-huisartsbezoek.success": [0.35, 0.8, None],
}


def npv_by_id(frame: pd.DataFrame) -> dict[str, float]:
    return frame.query("figure == 'npv' and stakeholder == 'total'").set_index("id")["value"].to_dict()


def workbook(path: Path, rows: list[list], *, sheets: tuple[str, ...] = ("Varianten",)) -> Path:
    """A small .xlsx file: ``rows`` on the last of ``sheets`` (the others hold a note)."""
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    book.active.title = sheets[0]
    for name in sheets[1:]:
        book.create_sheet(name)
    for name in sheets[:-1]:
        book[name]["A1"] = "Uitleg: de varianten staan op het laatste blad."
    for row in rows:
        book[sheets[-1]].append(row)
    book.save(path)
    return path


def test_an_xlsx_change_table_gives_the_numbers_of_the_same_table_in_python(tmp_path):
    frame = pd.DataFrame(NUMBERS)
    rows = [list(frame.columns)] + [[None if v != v else v for v in r] for r in frame.itertuples(index=False)]
    rows.insert(2, [None] * 4)  # an empty row is no variant
    path = workbook(tmp_path / "varianten.xlsx", rows)
    got = evaluate_many(TUTORIAL, path)
    pd.testing.assert_frame_equal(got, evaluate_many(TUTORIAL, frame), check_exact=True)
    out = tmp_path / "uit.parquet"
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", out)
    assert done.returncode == 0, done.stderr
    pd.testing.assert_frame_equal(pd.read_parquet(out), got, check_exact=True)


def test_an_xlsx_change_table_on_a_named_sheet(tmp_path):
    rows = [["id", "participants.2025"], ["a", 10], ["b", 20]]
    path = workbook(tmp_path / "tabel.xlsx", rows, sheets=("Uitleg", "Gemeenten"))
    with pytest.raises(MkbaError, match="expected an 'id' column"):
        evaluate_many(TUTORIAL, path)  # the first sheet is read unless another is named
    got = evaluate_many(TUTORIAL, path, sheet="Gemeenten")
    assert list(npv_by_id(got)) == ["a", "b"]
    with pytest.raises(MkbaError, match=r"no sheet 'gemeenten'; did you mean 'Gemeenten'\?") as info:
        evaluate_many(TUTORIAL, path, sheet="gemeenten")
    assert info.value.file == str(path)
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "--sheet", "Gemeenten", "-o", tmp_path / "u.csv")
    assert done.returncode == 0, done.stderr
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "--sheet", "Blad9", "-o", tmp_path / "v.csv")
    assert done.returncode == 2 and "Blad9" in done.stderr and "Traceback" not in done.stderr


def _refused_at_row_b(path, message, tmp_path) -> None:
    """A table whose row 'b' (line 3) has a bad costs.opstart.amount: refused there, by the API and the command."""
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    where = (info.value.file, info.value.line, info.value.field)
    assert where == (str(path), 3, "row 'b', column costs.opstart.amount")
    assert message in info.value.message
    out = tmp_path / "uit.csv"
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", out)
    assert done.returncode == 2 and message in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("cell", "message"),
    [
        ("=B3*1000", "cell C3 holds a formula without a saved value"),
        ("#DIV/0!", "cell C3 holds the Excel error #DIV/0!"),
        ("0,35", "expected a number, got the text '0,35'; store it in the workbook as a number"),
        ("nan", "expected a finite number, got 'nan'"),
    ],
)
def test_an_xlsx_cell_that_cannot_be_read_is_refused_naming_file_row_and_column(tmp_path, cell, message):
    rows = [["id", "participants.2025", "costs.opstart.amount"], ["a", 10, 5000], ["b", 20, cell]]
    _refused_at_row_b(workbook(tmp_path / "tabel.xlsx", rows), message, tmp_path)


def test_an_xlsx_date_or_a_column_without_a_name_is_refused(tmp_path):
    import datetime as dt

    rows = [["id", "participants.2025"], ["a", dt.date(2025, 1, 1)]]
    with pytest.raises(MkbaError, match="cell B2 holds a date") as info:
        evaluate_many(TUTORIAL, workbook(tmp_path / "datum.xlsx", rows))
    assert (info.value.line, info.value.field) == (2, "row 'a', column participants.2025")
    rows = [["id", "participants.2025", None], ["a", 10, 0.3]]
    with pytest.raises(MkbaError, match="column C holds values but has no name") as info:
        evaluate_many(TUTORIAL, workbook(tmp_path / "naamloos.xlsx", rows))
    assert info.value.line == 1


def dutch_csv(path: Path, lines: list[str]) -> Path:
    """A CSV file as a Dutch Excel saves it ('CSV UTF-8'): a byte order mark, ';', CRLF."""
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    return path


def test_a_dutch_excel_csv_with_semicolons_and_decimal_commas(tmp_path):
    path = dutch_csv(
        tmp_path / "varianten.csv",
        [
            "id;participants.2025;costs.opstart.amount;effects.minder-huisartsbezoek.success",
            "klein;10;1.234,56;0,35",
            "groot;40;;0,8",
            ";;;",  # a row Excel writes for formatted empty cells: no variant
            "duur;;25.000;",
        ],
    )
    got = evaluate_many(TUTORIAL, path)
    pd.testing.assert_frame_equal(got, evaluate_many(TUTORIAL, pd.DataFrame(NUMBERS)), check_exact=True)
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "uit.parquet")
    assert done.returncode == 0, done.stderr


def test_a_tab_separated_table_is_read_with_decimal_points(tmp_path):
    path = tmp_path / "varianten.csv"
    path.write_text("id\tdiscount_rate\na\t0.03\n", encoding="utf-8")
    want = evaluate_many(TUTORIAL, pd.DataFrame({"id": ["a"], "discount_rate": [0.03]}))
    pd.testing.assert_frame_equal(evaluate_many(TUTORIAL, path), want, check_exact=True)


@pytest.mark.parametrize(
    ("value", "readings"),
    [
        ("45.000", "may be 45 (decimal point) or 45000"),
        ("-1.250", "may be -1.25 (decimal point) or -1250"),
        ("2.500.000", "may be 2500000"),
    ],
)
@pytest.mark.parametrize("quoted", [False, True])  # True: a value over two lines sends it to the csv module
def test_a_tab_separated_number_that_reads_two_ways_is_refused_not_guessed(tmp_path, value, readings, quoted):
    # a Dutch Excel saves "Tekst (tab gescheiden)" with '.' between thousands: 45.000 is not 45 there
    path = tmp_path / "varianten.txt.csv"
    label = '"twee\nregels"' if quoted else "een"
    path.write_text(
        f"id\tcosts.opstart.label\tcosts.opstart.amount\na\t{label}\t0.125\nb\tx\t{value}\n",
        encoding="utf-8",
    )
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.line, info.value.field) == (4 if quoted else 3, "row 'b', column costs.opstart.amount")
    assert readings in info.value.message and "45000, or 45.0" in info.value.message
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", tmp_path / "uit.csv")
    assert done.returncode == 2 and "Traceback" not in done.stderr and not (tmp_path / "uit.csv").exists()


def test_a_comma_separated_file_keeps_reading_a_decimal_point():
    from mkba.batch import _cell_value

    # only a tab-separated file can come from a Dutch Excel with '.' between thousands
    assert _cell_value("45.000", "number", "point") == 45.0
    assert _cell_value("0.125", "number", "tab") == 0.125


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("32.76", "expected a number like 1.234,56, got '32.76'"),  # a decimal point typed by mistake
        ("0.35", "expected a number like 1.234,56, got '0.35'"),
        ("0.035", "expected a number like 1.234,56, got '0.035'"),  # never 35
        ("1 234", "expected a number like 1.234,56, got '1 234'"),
        ("1.234.5", "expected a number like 1.234,56"),
        ("veel", "expected a number, got 'veel'"),
        ("nan", "expected a finite number, got 'nan'"),
        ("1,5e400", "expected a finite number, got '1,5e400'"),  # beyond a float: not read as infinity
        (
            "1.234e3",
            "expected a number like 1.234,56",
        ),  # groups and an exponent: the column reading's grammar
        ("\u0663", "expected a number like 1.234,56"),  # ASCII digits only, as a column is read
    ],
)
def test_a_number_a_decimal_comma_file_does_not_make_clear_is_refused(tmp_path, value, message):
    path = dutch_csv(tmp_path / "varianten.csv", ["id;costs.opstart.amount", "a;1.000", f"b;{value}"])
    _refused_at_row_b(path, message, tmp_path)


@pytest.mark.parametrize(
    ("cell", "shown", "like"),
    [("\t32.76 ", "32.76", True), (" 1, ", "1,", True), (" \u0663 ", "\u0663", True), ("1  234", "1 234", True),
     (" a.b", "a.b", True), ("veel ", "veel", False)],
)  # fmt: skip
def test_a_decimal_comma_cell_is_checked_once_and_shown_without_the_white_space_around_it(cell, shown, like):
    from mkba.batch import _cell_value

    with pytest.raises(ValueError) as info:
        _cell_value(cell, "number", "comma")
    expected = "expected a number like 1.234,56" if like else "expected a number"
    assert str(info.value).startswith(f"{expected}, got {shown!r}; a file separated by ';'")


def test_a_decimal_comma_number_is_the_number_the_price_list_importer_reads():
    from mkba.batch import _cell_value
    from mkba.pricelist.importing import parse_number

    for text in ["1.234,56", "0,35", "25.000", ",5", "-1,5e3", "+1.000", "1e3", "12,5E-2", "1.000.000,125"]:
        value = _cell_value(text, "number", "comma")
        assert value == parse_number(text, ",", "."), text
        assert isinstance(value, int) == ("," not in text and "e" not in text.lower()), text


def test_a_header_with_two_separators_or_a_line_with_too_many_cells_is_refused(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id;participants.2025,discount_rate\na;1,2\n", encoding="utf-8")
    with pytest.raises(MkbaError, match="both ',' and ';'") as info:
        evaluate_many(TUTORIAL, path)
    assert info.value.line == 1
    path.write_text("id;discount_rate\na;0,01\nb;0,02;0,03\n", encoding="utf-8")
    with pytest.raises(MkbaError, match="this line has 3 cells but the header names 2 columns") as info:
        evaluate_many(TUTORIAL, path)
    assert info.value.line == 3


def test_messages_name_the_line_of_the_file_after_an_empty_line(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text("id,discount_rate\na,0.01\n\nb,0.5\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.line, info.value.field) == (4, "row 'b', column discount_rate")


@pytest.fixture
def changes_seen(monkeypatch) -> list[dict]:
    """Every ``set:`` a batch hands to :meth:`Scenario.with_changes`, as it hands it."""
    from mkba.scenario.model import Scenario

    seen: list[dict] = []
    original = Scenario.with_changes

    def spy(self, set=None, *args, **kwargs):
        seen.append(dict(set or {}))
        return original(self, set, *args, **kwargs)

    monkeypatch.setattr(Scenario, "with_changes", spy)
    return seen


def labels_seen(seen: list[dict]) -> dict[str, object]:
    return {k: v for change in seen for k, v in change.items() if k.endswith(".label")}


def test_text_that_looks_like_a_number_stays_the_text_written_in_a_csv(tmp_path, changes_seen):
    path = tmp_path / "t.csv"
    path.write_text("id,costs.opstart.label,participants.2025\na,007,10\n", encoding="utf-8")
    evaluate_many(TUTORIAL, path)
    assert labels_seen(changes_seen) == {"costs.opstart.label": "007"}
    changes_seen.clear()
    path = dutch_csv(tmp_path / "nl.csv", ["id;costs.coordinator.label;participants.2025", "a;0,35;10"])
    evaluate_many(TUTORIAL, path)
    assert labels_seen(changes_seen) == {"costs.coordinator.label": "0,35"}
    changes_seen.clear()
    evaluate_many(TUTORIAL, pd.DataFrame({"id": ["a"], "costs.opstart.label": ["2025"]}))
    assert labels_seen(changes_seen) == {"costs.opstart.label": "2025"}


def test_text_that_looks_like_a_number_stays_text_in_an_xlsx(tmp_path, changes_seen):
    rows = [["id", "costs.opstart.label", "costs.coaching.label"], [363, "007", 2025]]
    evaluate_many(TUTORIAL, workbook(tmp_path / "t.xlsx", rows))
    # a number in a text field is the text the sheet shows; the id of gemeente 363 is '363'
    assert labels_seen(changes_seen) == {"costs.opstart.label": "007", "costs.coaching.label": "2025"}


def test_an_xlsx_whole_number_stored_as_text_is_read_and_ids_are_the_text_a_cell_shows(tmp_path):
    rows = [["id", "participants.2025"], [363.0, "120"], [14, 20]]
    got = evaluate_many(TUTORIAL, workbook(tmp_path / "t.xlsx", rows))
    want = evaluate_many(TUTORIAL, pd.DataFrame({"id": ["363", "14"], "participants.2025": [120, 20]}))
    pd.testing.assert_frame_equal(got, want, check_exact=True)
    from mkba.batch import _number_text

    assert (_number_text(2025.0), _number_text(0.35), _number_text(7)) == ("2025", "0.35", "7")
    rows = [["id", "participants.2025"], ["a", 10], [None, 20]]
    with pytest.raises(MkbaError, match="an empty id") as info:
        evaluate_many(TUTORIAL, workbook(tmp_path / "leeg.xlsx", rows))
    assert (info.value.line, info.value.field) == (3, "id")


@pytest.mark.parametrize(
    ("name", "content", "sheet", "message"),
    [
        (
            "t.xls",
            b"",
            None,
            "expected a .csv, .xlsx or .parquet change table, got '.xls'; save the workbook",
        ),
        ("t.csv", b"id,discount_rate\na,0.01\n", "Blad1", "a sheet is only for a .xlsx change table"),
        ("t.csv", "id;costs.opstart.label\nb\xe9;x\n".encode("cp1252"), None, "save as 'CSV UTF-8'"),
        ("t.parquet", b"not parquet", None, "cannot read the change table"),
    ],
)
def test_other_files_are_refused_saying_what_is_read(tmp_path, name, content, sheet, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(MkbaError, match=re.escape(message)) as info:
        evaluate_many(TUTORIAL, path, sheet=sheet)
    assert info.value.file == str(path)
    with pytest.raises(MkbaError, match=r"a sheet is only for a \.xlsx change table"):
        evaluate_many(TUTORIAL, pd.DataFrame({"id": ["a"]}), sheet="Blad1")


def test_a_parquet_table_keeps_its_text_and_its_numbers(tmp_path, changes_seen):
    from mkba.batch import read_changes

    path = tmp_path / "t.parquet"
    pd.DataFrame({"id": ["a"], "costs.opstart.label": ["007"], "participants.2025": [10]}).to_parquet(path)
    assert read_changes(path).attrs["file"] == str(path)
    evaluate_many(TUTORIAL, path)
    assert labels_seen(changes_seen) == {"costs.opstart.label": "007"}


# -- a setting of the whole table is no column; the fast reading refuses what the cell-by-cell one does --
@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("pricelist", "nope@1", "the price list is one for the whole table, the command's --pricelist"),
        ("pricelist", "nl-sociaal-domein@2024.1", "a change table cannot set pricelist"),
        ("format", "mkba-scenario/1", "a change table cannot set format"),
    ],
)
def test_a_column_the_batch_would_ignore_is_refused_by_its_name(tmp_path, column, value, message):
    # a pricelist column was once accepted and every row evaluated with the base's list
    path = tmp_path / "c.csv"
    path.write_text(f"id,participants.2025,{column}\na,10,{value}\n", encoding="utf-8")
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.file, info.value.line, info.value.field) == (str(path), 1, column)
    assert message in info.value.message
    with pytest.raises(MkbaError, match=f"cannot set {column}"):
        evaluate_many(TUTORIAL, pd.DataFrame({"id": ["a"], column: [value]}))
    out = tmp_path / "o.csv"
    done = invoke_cli("batch", TUTORIAL, "--changes", path, "-o", out)
    assert done.returncode == 2 and column in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


def read_both_ways(path: Path, monkeypatch) -> tuple[object, object]:
    """The CSV table as the fast reader (pandas) and as the csv module reads it: frame, lines, or the error."""
    import mkba.batch as batch

    def read():
        try:
            got = batch._read_csv(path, str(path), None)
        except MkbaError as exc:
            return str(exc)
        return list(got.frame.columns), got.frame.to_numpy(dtype=object).tolist(), got.lines

    fast = read()
    with monkeypatch.context() as m:
        m.setattr(batch, "_fast_csv", lambda *args: None)
        slow = read()
    return fast, slow


@pytest.mark.parametrize(
    "text",
    [
        'id,costs.opstart.label\na,"twee\nregels"\nb,x\n',  # a value over two lines: later lines shift
        "id,discount_rate\r\na,0.01\r\n\r\n  ,  \r\nb,\r\n",  # CRLF, an empty line, one of spaces
        "id,discount_rate,participants.2025\na,0.01\nb,0.02,3,\n",  # a short line; a trailing separator
        "id,discount_rate\na,0.01,5\n",  # one cell too many
        "id,,participants.2025\na,,1\nb,x,2\n",  # a column without a name holds a value
        'id,costs.opstart.label\na,"x""y"\nb,"a"b\n',  # quotes as the csv module reads them
        "id;participants.2025\na;1\x00\n",
        "",
    ],
)
def test_the_fast_csv_reading_gives_what_the_csv_module_gives(tmp_path, monkeypatch, text):
    path = tmp_path / "t.csv"
    path.write_bytes(text.encode("utf-8"))
    fast, slow = read_both_ways(path, monkeypatch)
    assert fast == slow


def test_numbers_read_a_column_at_a_time_are_read_as_one_cell_is(tmp_path):
    from mkba.batch import _cell_value, _numbers_of_texts

    cells = ["1", "-0", "007", "1.5", ".5", "1.", "1e3", "1e400", "1" + "0" * 400, " 2 ", "1_0", "٣", "nan"]
    comma = ["1.234,56", "1.000", ",5", "-1,5e3", "1.234e3", "0.035", "32.76", "1,5e400", " 1,5", "+1.000"]
    tab = [*cells, "45.000", "-1.250", "0.125", "1.250e3", "2.500.000", "12.5"]
    for numbers, texts in (("point", cells), ("comma", comma), ("tab", tab)):
        values, doubt = _numbers_of_texts(np.array(texts, dtype=object), numbers)
        for text, value, doubted in zip(texts, values, doubt):
            try:
                want = _cell_value(text, "number", numbers)
            except ValueError:
                assert doubted, text  # refused cell by cell, with its message
                continue
            assert doubted or (type(value), value) == (type(want), want), text


def test_the_first_bad_cell_is_refused_by_row_then_column_and_padded_numbers_are_read(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        "id,participants.2025,discount_rate\na, 10 ,0.01\nb,20,veel\nc,niets,0.02\n", encoding="utf-8"
    )
    with pytest.raises(MkbaError) as info:
        evaluate_many(TUTORIAL, path)
    assert (info.value.line, info.value.field) == (3, "row 'b', column discount_rate")
    path.write_text("id,participants.2025\na, 10 \n", encoding="utf-8")
    want = evaluate_many(TUTORIAL, pd.DataFrame({"id": ["a"], "participants.2025": [10]}))
    pd.testing.assert_frame_equal(evaluate_many(TUTORIAL, path), want, check_exact=True)


def test_a_text_that_reads_like_infinity_is_text_in_a_text_column():
    """'Inf' was refused as "expected a finite number" in a name column; in a number column it still is."""
    import pandas as pd

    tutorial = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial.yaml"
    out = mkba.evaluate_many(tutorial, pd.DataFrame({"id": ["a"], "name": ["Inf"]}))
    assert set(out["id"]) == {"a"}
    with pytest.raises(mkba.MkbaError, match="expected a finite number"):
        mkba.evaluate_many(tutorial, pd.DataFrame({"id": ["a"], "participants.2025": ["inf"]}))


def _bounds_in(annotation, seen=None):
    """Every (Within, also a number's size bound) an annotation holds, through unions, lists and dicts."""
    import typing

    import pydantic

    from mkba.scenario.fields import MAX_NUMBER, Within

    found = []
    for meta in getattr(annotation, "__metadata__", ()):
        if isinstance(meta, pydantic.AfterValidator) and isinstance(meta.func, Within):
            found.append(meta.func)
    for arg in typing.get_args(annotation):
        found += _bounds_in(arg)
    if found and annotation is not None:
        # a Number is also held to MAX_NUMBER in size before its bounds (fields._number_or_distribution)
        found = [Within(max(w.low, -MAX_NUMBER), min(w.high, MAX_NUMBER), w.high_open) for w in found]
    return found


def _scenario_fields():
    """(model, field name, annotation, loc) of every pydantic model a scenario file holds, the SIB
    contract's too; ``loc`` is a location of the field in a scenario's data (list items by index)."""
    import typing

    import pydantic

    from mkba.scenario.model import Scenario

    todo, seen, out = [(Scenario, ())], set(), []
    while todo:
        model, where = todo.pop()
        if model in seen:
            continue
        seen.add(model)
        hints = typing.get_type_hints(model, include_extras=True)
        for name in model.model_fields:
            loc = (*where, name)
            out.append((model, name, hints[name], loc))
            stack = [(hints[name], loc)]
            while stack:
                t, at = stack.pop()
                if isinstance(t, type) and issubclass(t, pydantic.BaseModel):
                    todo.append((t, at))
                for meta in getattr(t, "__metadata__", ()):  # the sib: contract, built on first use
                    if hasattr(meta, "deferred_type"):
                        stack.append((meta.deferred_type(), at))
                origin = typing.get_origin(t)
                step = (0,) if origin in (list, tuple) else (2025,) if origin is dict else ()
                stack.extend((arg, (*at, *step)) for arg in typing.get_args(t)[-1:] if step)
                if not step:
                    stack.extend((arg, at) for arg in typing.get_args(t))
    return out


def test_the_quick_bounds_of_a_change_table_are_the_scenario_models():
    # a plain number inside these bounds is taken without validating a scenario: were they looser than
    # the model's, a value a scenario file refuses would be evaluated. They are read off the model
    # (fields.Within), so they are its bounds, and none where it has none
    from mkba.batch import _bounds

    checked = set()
    todo = [(model, name, annotation, loc) for model, name, annotation, loc in _scenario_fields()]
    while todo:
        model, name, annotation, loc = todo.pop()
        quick = _bounds(loc)
        inner = [a for a in typing.get_args(annotation) if a is not type(None)]
        container = annotation if typing.get_origin(annotation) else (inner[0] if len(inner) == 1 else None)
        if typing.get_origin(container) in (list, dict):  # a number is no list: its items have bounds
            assert quick is None, (model.__name__, name, quick)
            step = 0 if typing.get_origin(container) is list else 2025
            todo.append((model, name, typing.get_args(container)[-1], (*loc, step)))
            continue
        model_bounds = _bounds_in(annotation)
        if loc[:1] == ("sib",):  # a contract's rules join its fields: each value is validated as a file
            assert quick is None, (model.__name__, name, quick)
            continue
        if not model_bounds:
            # a field without Within takes no quick plain number (VolunteerLine.value: a price item)
            assert quick is None, (model.__name__, name, quick)
            continue
        low, high, high_open = quick
        for w in model_bounds:
            assert low >= w.low, (model.__name__, name)
            assert high < w.high or (high == w.high and (high_open or not w.high_open)), (
                model.__name__,
                name,
            )
        assert low == max(w.low for w in model_bounds) and high == min(w.high for w in model_bounds)
        checked.add(name)
    assert {
        "success",
        "attribution",
        "deadweight",
        "drop_off",
        "amount",
        "quantity",
        "participants",
        "discount_rate",
    } <= checked


def _loc(column: str, base: str = TUTORIAL) -> tuple:
    """Where a change table's column stands in the base's data, as evaluate_many finds it."""
    from mkba.batch import _check_columns

    data = mkba.load_scenario(base)._doc.data
    return _check_columns(data, [column], "t.csv")[column]


#: The quick bounds as a hand-written table had them, by field name, before they were read off the
#: scenario model (a volunteer line's ``value`` aside: a price item, which the model gives no bounds).
HAND_TABLE = {
    **dict.fromkeys(["success", "attribution"], (0.0, 1.0, False)),
    **dict.fromkeys(["deadweight", "displacement", "drop_off", "optimism_bias"], (0.0, 1.0, True)),
    "discount_rate": (-0.99, 0.25, False),
    "2025": (0.0, 1e8, False),
    **dict.fromkeys(["amount", "quantity", "hours"], (0.0, 1e15, False)),
}


def test_the_quick_check_takes_the_columns_of_the_scenario_the_hand_written_table_took():
    # every field the tutorial's table may name: the same quick bounds as the table they replace
    from mkba.batch import _bounds, _check_columns
    from mkba.io.documents import fields_at
    from mkba.scenario.model import Scenario

    data = mkba.load_scenario(TUTORIAL)._doc.data
    columns = [f for f in sorted(fields_at(Scenario, ())) if f not in ("participants", "pricelist", "format")]
    columns.append("participants.2025")
    for section in ("costs", "effects", "volunteers"):
        for line in data[section]:
            names = sorted(fields_at(Scenario, (section, 0)))
            columns += [f"{section}.{line['id']}.{f}" for f in names]
            if "price" in names:
                inner = sorted(fields_at(Scenario, (section, 0, "price")))
                columns += [f"{section}.{line['id']}.price.{f}" for f in inner]
    assert set(QUICK_COLUMNS) <= set(columns)
    locs = _check_columns(data, columns, "t.csv")
    quick = {column: _bounds(loc) for column, loc in locs.items()}
    want = {column: HAND_TABLE.get(column.rsplit(".", 1)[-1]) for column in columns}
    for line in data["volunteers"]:  # a price item: text or {amount, ...}, never a plain number
        want[f"volunteers.{line['id']}.value"] = None
    assert quick == want


def test_a_number_where_a_volunteer_line_names_its_price_item_is_refused_at_its_first_row():
    # the hand-written table gave value, by its name, a number's bounds: 5 passed, and only 7e20 was
    # refused (at row b); the model's field has none, so every number there is validated, row a first
    table = pd.DataFrame({"id": ["a", "b"], "volunteers.buddy.value": [5.0, 7e20]})
    with pytest.raises(MkbaError, match=r"expected text, got a number \(5\)") as info:
        evaluate_many(TUTORIAL, table)
    assert (info.value.line, info.value.field) == (2, "row 'a', column volunteers.buddy.value")


#: Columns of the tutorial whose plain numbers the quick check takes without validating a scenario.
QUICK_COLUMNS = [
    "effects.minder-huisartsbezoek.success",
    "effects.minder-huisartsbezoek.attribution",
    "effects.minder-huisartsbezoek.deadweight",
    "effects.minder-huisartsbezoek.drop_off",
    "effects.minder-huisartsbezoek.quantity",
    "costs.coordinator.amount",
    "volunteers.buddy.hours",
    "participants.2025",
    "discount_rate",
]


def _scenario_takes(column, value) -> bool:
    from mkba.scenario.model import load_scenario

    try:
        load_scenario(TUTORIAL).with_changes(set={column: value})
    except MkbaError:
        return False
    return True


@pytest.mark.parametrize("column", QUICK_COLUMNS)
def test_the_quick_check_and_the_scenario_agree_at_the_edges_of_each_bound(column):
    # a plain number the quick check takes is not validated again: at each bound and just beyond it,
    # the quick check takes exactly what a scenario file takes
    from mkba.batch import _bounds, _plain_ok

    bounds = _bounds(_loc(column))
    low, high, _ = bounds
    for value in (low, high, math.nextafter(low, -math.inf), math.nextafter(high, math.inf)):
        assert _plain_ok(value, bounds) == _scenario_takes(column, value), (column, value)


@settings(max_examples=40, deadline=None)
@given(column=st.sampled_from(QUICK_COLUMNS), value=st.floats(-2, 2))
def test_a_value_the_quick_check_takes_is_one_a_scenario_file_takes(column, value):
    from mkba.batch import _bounds, _plain_ok

    if _plain_ok(value, _bounds(_loc(column))):
        assert _scenario_takes(column, value), (column, value)


def test_a_contract_value_that_breaks_a_rule_across_fields_is_refused_before_any_row_is_evaluated(tmp_path):
    # a level inside its own bounds, on an outcome measured per participant: the contract refuses a
    # level beside per_participant, and the table is refused at row a, before any evaluation
    import yaml

    data = yaml.safe_load(
        (Path(ROOT) / "scenarios" / "buzinezzclub-rotterdam.yaml").read_text(encoding="utf-8")
    )
    outcome = data["sib"]["outcomes"][0]
    level = outcome.pop("level")
    outcome["per_participant"] = {"success": 0.5, "value": 300.0}
    base = tmp_path / "per-deelnemer.yaml"
    base.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    assert level is not None and mkba.load_scenario(base).sib is not None  # the base itself is sound
    column = f"sib.outcomes.{outcome['id']}.level"
    evaluated = []
    from mkba import batch

    def counting(*args, **kwargs):
        evaluated.append(1)
        return run(*args, **kwargs)

    run = batch._run
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(batch, "_run", counting)
        with pytest.raises(MkbaError, match="level") as info:
            evaluate_many(base, pd.DataFrame({"id": ["a", "b"], column: [50.0, 60.0]}))
    assert info.value.field.startswith("row 'a'") and not evaluated


def test_a_loaded_price_list_reaches_the_workers_of_a_cluster(tmp_path):
    # a PriceList was sent to the workers as its text, "PriceList('nl-sociaal-domein@2024.1', 70 items)",
    # which a fresh worker could not load (forked processes hid it behind the parent's cache)
    from conftest import local_cluster

    distributed = pytest.importorskip("dask.distributed")
    listed = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    changes = table(1_500)
    here = evaluate_many(TUTORIAL, changes, pricelist=listed)
    with local_cluster(tmp_path) as cluster, distributed.Client(cluster) as client:
        there = evaluate_many(TUTORIAL, changes, pricelist=listed, client=client)
    pd.testing.assert_frame_equal(here, there, check_exact=True)
