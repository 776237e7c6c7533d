"""Batch evaluation (issue 16): many variants of one scenario, the same numbers however it runs."""

from __future__ import annotations

import math
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from conftest import invoke_cli, kill_a_worker_during

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
        ("discount_rate", "0.5", "expected a rate per year of at most 0.25"),
        ("participants.2025", "1e9", "expected a number of participants in [0, 1e+08]"),
        ("costs.opstart.amount", "1e20", "expected a number of at most 1e+15 in size"),
        ("costs.coaching.quantity", "1e300", "expected a number of at most 1e+15 in size"),
        ("volunteers.bestuur.hours", "1e20", "expected a number of at most 1e+15 in size"),
        ("effects.minder-huisartsbezoek.quantity", "1e20", "expected a number of at most 1e+15 in size"),
        ("discount_rate", "NaN", "expected a finite number, got 'NaN'"),
        ("discount_rate", "nan", "expected a finite number"),
        ("participants.2025", "-nan", "expected a finite number"),
        ("costs.opstart.amount", "inf", "expected a finite number"),
        ("effects.minder-huisartsbezoek.duration", "0", "greater than or equal to 1"),
        ("horizon", "5.5", "integer"),
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
