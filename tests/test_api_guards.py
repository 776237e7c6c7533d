"""The library's guards: what the command line refuses, :func:`mkba.evaluate` and :class:`mkba.Result` refuse too.

Each test reproduces a finding of the API review (/tmp/review/api/findings.md): a result written over
the scenario or a price list it was computed from (3), an output suffix or an argument of the wrong
type accepted silently (10), a distribution object that made the JSON writer crash (7), misuse that
gave a raw AttributeError or TypeError (8). Each refusal is one :class:`~mkba.errors.MkbaError` that
names the argument (or the file), raised before anything is written; every input stays unchanged.
"""

from __future__ import annotations

import json
import re
import shutil
from functools import partial
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import SMALL_SCENARIO, small_list

import mkba
from mkba.errors import MkbaError
from mkba.io import paths

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def result() -> mkba.Result:
    return mkba.evaluate(TUTORIAL)


@pytest.fixture
def copied(tmp_path) -> Path:
    """The tutorial, copied: a failing guard harms only the copy."""
    return Path(shutil.copy(TUTORIAL, tmp_path / "s.yaml"))


@pytest.fixture
def chain(tmp_path) -> tuple[Path, Path, Path, Path]:
    """A folder of lists, ``child@1`` extending ``base@1`` (JSON, so that ``.json`` names them), and a
    scenario that names ``child@1``."""
    lists = tmp_path / "lists"
    base = write_json(lists / "base" / "1.json", small_list("base", "1"))
    child = write_json(
        lists / "child" / "1.json", {**small_list("child", "1"), "extends": "base@1", "items": []}
    )
    scenario = tmp_path / "s.yaml"
    scenario.write_text(yaml.safe_dump({**SMALL_SCENARIO, "pricelist": "child@1"}), encoding="utf-8")
    return lists, base, child, scenario


def refused(call, field: str, *words: str) -> MkbaError:
    with pytest.raises(MkbaError) as caught:
        call()
    assert caught.value.field == field, str(caught.value)
    for word in words:
        assert word in str(caught.value), str(caught.value)
    return caught.value


# -- 3. a result is never written over a file it was computed from ------------------------------------
@pytest.mark.parametrize("writer", ["to_json", "to_excel"])
def test_a_result_is_not_written_over_its_scenario(copied, writer):
    before = copied.read_bytes()
    result = mkba.evaluate(copied)
    error = refused(lambda: getattr(result, writer)(copied), "path", "is also an input of this result")
    assert error.file == str(copied)
    assert copied.read_bytes() == before


def test_a_variant_is_not_written_over_the_scenario_it_was_made_from(copied):
    before = copied.read_bytes()
    variant = mkba.load_scenario(copied).with_changes(set={"discount_rate": 0.03})
    refused(lambda: mkba.evaluate(variant).to_json(copied), "path", "is also an input of this result")
    assert copied.read_bytes() == before


@pytest.mark.parametrize("how", ["named", "given", "loaded"])
def test_the_price_list_its_extends_chain_and_folder_are_inputs_of_a_result(chain, how):
    lists, base, child, scenario = chain
    given = {"named": None, "given": "child@1", "loaded": mkba.load_pricelist("child@1", folders=[lists])}[
        how
    ]
    result = mkba.evaluate(scenario, given, folders=[lists])
    assert result.model.pricelist.chain == ("child@1", "base@1")
    before = {p: p.read_bytes() for p in (base, child)}
    for listed in (child, base):
        refused(partial(result.to_json, listed), "path", "is also an input of this result", listed.name)
    another = write_json(lists / "other" / "1.json", small_list("other", "1"))  # a list it did not read
    refused(lambda: result.to_json(another), "path", "price-list folder", "this result reads")
    assert {p: p.read_bytes() for p in (base, child)} == before
    assert result.to_json(lists / "out.json")  # beside the folders' lists: a new file is fine


def test_the_bundled_list_and_the_index_are_inputs_of_a_result(tmp_path, monkeypatch):
    copy = tmp_path / "bundled"
    shutil.copytree(paths.bundled_pricelists(), copy)
    monkeypatch.setattr(paths, "bundled_pricelists", lambda: copy)
    result = mkba.evaluate(TUTORIAL)  # nl-sociaal-domein@2024.1
    listed, index = copy / "nl-sociaal-domein" / "2024.1.yaml", copy / "index" / "cbs-cpi.yaml"
    assert {listed, index} <= {p.resolve() for p in result.input_files()}
    before = {p: p.read_bytes() for p in (listed, index)}
    for path in (listed, index):
        refused(partial(result.to_excel, path), "path", "is also an input of this result")
    assert {p: p.read_bytes() for p in (listed, index)} == before


def test_the_api_and_the_command_line_collect_the_same_inputs(chain):
    from mkba.cli.common import input_files
    from mkba.result import scenario_input_files

    lists, base, child, scenario = chain
    result = mkba.evaluate(scenario, folders=[lists])
    cli = input_files(scenario, None, folders=[lists])
    assert cli == scenario_input_files(scenario, named="child@1", folders=[lists])
    resolved = {p.resolve() for p in result.input_files()}
    assert {p.resolve() for p in cli} == resolved
    assert {base.resolve(), child.resolve(), scenario.resolve(), lists.resolve()} <= resolved


# -- 10. the format a file name says, and arguments of the type they take --------------------------
@pytest.mark.parametrize(
    ("writer", "name", "said"),
    [("to_excel", "x.csv", "ending in .xlsx"), ("to_json", "x.xlsx", "ending in .json")],
)
def test_an_output_suffix_that_is_not_the_format_written_is_refused(result, tmp_path, writer, name, said):
    refused(lambda: getattr(result, writer)(tmp_path / name), "path", said)
    assert not (tmp_path / name).exists()


def test_a_device_passes_the_suffix_check(result):
    assert result.to_json("/dev/null")


@pytest.mark.parametrize("lang", ["fr", "de", "NL", None])
def test_a_language_other_than_nl_or_en_is_refused(result, tmp_path, lang):
    refused(lambda: mkba.evaluate(TUTORIAL, lang=lang), "lang", "expected 'nl' or 'en'")
    if lang is not None:  # to_excel's None is the result's own language
        refused(lambda: result.to_excel(tmp_path / "x.xlsx", lang=lang), "lang")
        assert not (tmp_path / "x.xlsx").exists()


@pytest.mark.parametrize("price_year", ["2024", 2024.5, 2024.0, True])
def test_a_price_year_that_is_not_an_int_is_refused(price_year):
    refused(lambda: mkba.evaluate(TUTORIAL, price_year=price_year), "price_year", "expected a whole year")


@pytest.mark.parametrize("rate", ["0.03", True, [0.03]])
def test_a_discount_rate_that_is_not_a_real_number_is_refused(rate):
    refused(lambda: mkba.evaluate(TUTORIAL, discount_rate=rate), "discount_rate", "expected a number")


def test_numpy_numbers_are_taken_as_numbers():
    result = mkba.evaluate(TUTORIAL, price_year=np.int64(2024), discount_rate=np.float64(0.03))
    plain = mkba.evaluate(TUTORIAL, price_year=2024, discount_rate=0.03)
    assert type(result.price_year) is int and type(result.discount_rate) is float
    assert result.npv == plain.npv
    provenance = json.loads(result.to_json())["provenance"]
    assert provenance["price_year"] == 2024 and provenance["discount_rate"] == 0.03


# -- 7. a distribution object given to with_changes is written as the file format writes it ----------
def test_a_distribution_object_from_with_changes_is_written_to_json():
    given = mkba.Triangular(dist="triangular", low=0.2, mode=0.3, high=0.5)
    variant = mkba.load_scenario(TUTORIAL).with_changes(set={"effects.minder-huisartsbezoek.success": given})
    changes = json.loads(mkba.evaluate(variant).to_json())["provenance"]["scenario"]["changes"]
    assert changes == [
        {
            "op": "set",
            "path": "effects.minder-huisartsbezoek.success",
            "value": {"dist": "triangular", "low": 0.2, "mode": 0.3, "high": 0.5},
        }
    ]


# -- 8. misuse from Python is one MkbaError naming the argument -------------------------------------
@pytest.mark.parametrize(
    ("call", "field", "said"),
    [
        (lambda: mkba.evaluate(None), "scenario", "expected a Scenario"),
        (lambda: mkba.evaluate(42), "scenario", "got int 42"),
        (lambda: mkba.evaluate(TUTORIAL, 5), "pricelist", "expected a price list's name"),
        (lambda: mkba.evaluate(TUTORIAL, index="cbs"), "index", "expected a PriceIndex"),
    ],
    ids=["none", "int", "pricelist-int", "index-str"],
)
def test_evaluate_refuses_arguments_of_the_wrong_type(call, field, said):
    refused(call, field, said)


@pytest.mark.parametrize("writer", ["to_json", "to_excel"])
def test_a_file_name_that_is_not_a_path_is_refused(result, writer):
    refused(lambda: getattr(result, writer)(5), "path", "expected a file name")


def test_the_accepted_kinds_of_arguments_still_work(tmp_path):
    loaded = mkba.load_scenario(TUTORIAL)
    as_dict = yaml.safe_load(TUTORIAL.read_text(encoding="utf-8"))
    pricelist = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    npvs = {
        mkba.evaluate(given, listed, index=mkba.default_index()).npv
        for given in (str(TUTORIAL), TUTORIAL, loaded, as_dict)
        for listed in (None, "nl-sociaal-domein@2024.1", pricelist)
    }
    assert len(npvs) == 1
    written = mkba.evaluate(as_dict, lang="en").to_excel(str(tmp_path / "dict.XLSX"))
    assert written.exists()


def test_with_changes_takes_numpy_numbers_and_a_single_remove_path():
    # a value from a DataFrame (np.int64) was refused for participants.2025 ("expected a number"), and
    # remove="effects.loon" was split into characters ("unknown field 'e'")
    s = mkba.load_scenario(TUTORIAL)
    assert s.with_changes(set={"participants.2025": np.int64(50)}).participants[2025] == 50
    removed = s.with_changes(remove="effects.minder-huisartsbezoek")
    assert "minder-huisartsbezoek" not in [e.id for e in removed.effects]
    assert len(removed.effects) == len(s.effects) - 1
    dist = mkba.Triangular(dist="triangular", low=0.2, mode=0.3, high=0.5)
    v = s.with_changes(set={"effects.minder-huisartsbezoek.success": dist})
    assert v.changes[0].value == {"dist": "triangular", "low": 0.2, "mode": 0.3, "high": 0.5}


@pytest.mark.parametrize("call", ["registry", "load_pricelist", "evaluate", "evaluate_many"])
def test_one_price_list_folder_given_as_text_is_one_folder_and_a_missing_one_is_refused(call, tmp_path):
    # a folder given as a str was taken as its characters (s, c, e, ..., '/'): the file system's root
    # was searched and 'tmp' listed as a price list; a folder that does not exist was skipped in silence
    folder = "scenarios/pricelists"
    runs = {
        "registry": lambda f: mkba.Registry(f).available(),
        "load_pricelist": lambda f: mkba.load_pricelist("gemeente-maashorst", folders=f),
        "evaluate": lambda f: mkba.evaluate(TUTORIAL, "gemeente-maashorst", folders=f),
        "evaluate_many": lambda f: mkba.evaluate_many(
            TUTORIAL, ROOT / "scenarios" / "tutorial-varianten.csv", pricelist="gemeente-maashorst", folders=f
        ),
    }
    found = runs[call](str(ROOT / folder))
    if call == "registry":
        assert "gemeente-maashorst" in found and "tmp" not in found
    with pytest.raises(MkbaError, match="does not exist; expected a folder of price lists") as info:
        runs[call](str(tmp_path / "prijslijsten"))
    assert info.value.field == "folders" and info.value.line is None


@pytest.mark.parametrize(
    "change",
    [
        lambda s: s.participants.__setitem__(2025, -400.0),
        lambda s: s.costs.pop(),
        lambda s: s.effects[0].__dict__.__setitem__("quantity", 99.0),
    ],
)
def test_a_scenario_changed_in_place_is_refused_not_valued(change):
    # the model is frozen but its lists and mappings are not: participants[2025] = -400 was valued
    # unchecked (npv -460,158 became +669,442) and the result still named the file's hash, no change
    s = mkba.load_scenario(TUTORIAL)
    mkba.evaluate(s)
    change(s)
    for call in (lambda: mkba.evaluate(s), lambda: s.with_changes(set={"horizon": 5})):
        with pytest.raises(MkbaError, match="changed in place after it was read") as info:
            call()
        assert "with_changes" in info.value.message and info.value.file == str(TUTORIAL)
    fresh = mkba.load_scenario(TUTORIAL)
    assert mkba.evaluate(fresh.with_changes(set={"participants.2025": 80})).npv != mkba.evaluate(fresh).npv


@pytest.mark.parametrize("rate", [-1, -0.51, 1.5, float("nan"), float("inf"), "0.02", True])
def test_an_index_takes_only_the_inflation_a_scenario_may_assume(rate):
    # -1 turned every figure into 0 (every price times zero), and NaN was blamed on the scenario's
    # discount_rate at its line: the scenario field refuses both, the index took anything
    with pytest.raises(MkbaError, match=r"expected a yearly inflation from -0\.5 to 1\.0") as info:
        mkba.default_index().with_assumed_inflation(rate)
    assert info.value.field == "assumed_inflation"
    assert mkba.default_index().with_assumed_inflation(np.float64(0.02)).assumed_inflation == 0.02


@pytest.mark.parametrize("values", [{}, {2020: 0.0}, {2020: -3.0}, {2020: float("nan")}])
def test_an_index_series_holds_positive_values(values):
    with pytest.raises(MkbaError, match="expected"):
        mkba.PriceIndex(values)


@pytest.mark.parametrize("rate", [-1, -2, float("nan"), [0.05, -1.5]])
def test_npv_refuses_a_rate_at_or_below_minus_100_percent(rate):
    # mkba.npv(-2, [-100, 60, 60]) returned -100.0: (1 + rate) ** -t has no meaning there
    with pytest.raises(MkbaError, match=r"expected a rate above -1 \(-100 %\), got -?\d|nan") as info:
        mkba.npv(rate, [[-100, 60, 60], [-100, 60, 60]])
    assert info.value.field == "rate"
    assert mkba.npv(-0.5, [-100, 60, 60]) == pytest.approx(-100 + 120 + 240)


def test_evaluate_many_takes_a_loaded_price_list():
    # the hint said str | Path | None; a PriceList worked and mypy refused it
    import inspect

    from mkba.batch import evaluate_many

    assert "PriceList" in str(inspect.signature(evaluate_many).parameters["pricelist"].annotation)
    listed = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    frame = evaluate_many(TUTORIAL, ROOT / "scenarios" / "tutorial-varianten.csv", pricelist=listed)
    assert frame["id"].nunique() > 1


def test_the_payout_curve_takes_an_outcome_by_id(tmp_path):
    # docs/sib.md says outcomes go by id; plot_payout_curve gave a TypeError for an id, IndexError for 5
    from mkba.report.sib_chart import plot_payout_curve
    from mkba.sib.model import compile_sib

    sib = compile_sib(ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml")
    by_id = plot_payout_curve(sib, tmp_path / "a.png", outcome=sib.outcomes[0].id)
    assert by_id.stat().st_size > 10_000
    with pytest.raises(MkbaError, match=r"uitkeringsdagen|outcome"):
        plot_payout_curve(sib, tmp_path / "b.png", outcome=5)
    assert not (tmp_path / "b.png").exists()


def test_a_results_outputs_are_checked_against_its_inputs_found_once(tmp_path, monkeypatch):
    # every output read the price list chain again to find the inputs: four reads for --json --xlsx
    import mkba.result

    result = mkba.evaluate(TUTORIAL)
    calls = []
    found = mkba.result.scenario_input_files
    monkeypatch.setattr(
        mkba.result, "scenario_input_files", lambda *a, **k: calls.append(1) or found(*a, **k)
    )
    result.to_json(tmp_path / "r.json")
    result.to_excel(tmp_path / "r.xlsx")
    assert len(calls) == 1 and (tmp_path / "r.json").exists() and (tmp_path / "r.xlsx").exists()
    with pytest.raises(MkbaError, match="input of this result"):
        result.to_json(TUTORIAL)


@pytest.mark.parametrize("n", [2.5, True, "100", float("nan"), 0, -3])
@pytest.mark.parametrize("run", ["monte_carlo", "paired_npv", "simulate_sib"])
def test_every_simulation_takes_a_whole_number_of_draws(run, n):
    # simulate_sib refused 2.5 in words; monte_carlo and paired_npv raised a raw TypeError, each worded
    # its messages its own way, and none checked that the chunk size is a number
    from mkba.sib.model import compile_sib
    from mkba.sib.simulation import simulate_sib
    from mkba.uncertainty.montecarlo import monte_carlo
    from mkba.uncertainty.paired import paired_npv

    model = mkba.evaluate(TUTORIAL).model
    calls = {
        "monte_carlo": lambda n, c: monte_carlo(model, n, chunk_size=c),
        "paired_npv": lambda n, c: paired_npv([model, model], ["a", "b"], n, chunk_size=c),
        "simulate_sib": lambda n, c: simulate_sib(
            compile_sib(ROOT / "scenarios" / "buzinezzclub-rotterdam.yaml"), n, chunk_size=c
        ),
    }
    with pytest.raises(MkbaError, match="expected a whole number of draws >= 1") as info:
        calls[run](n, 100)
    assert info.value.field == "n"
    with pytest.raises(MkbaError, match="expected a chunk size >= 1") as info:
        calls[run](200, n)
    assert info.value.field == "chunk_size"
    assert calls[run](np.int64(200), 1e2) is not None  # numpy integers and whole floats are whole numbers


@pytest.mark.parametrize(
    ("setting", "value"), [("price_year", 2024.5), ("price_year", "2024"), ("discount_rate", "0.03")]
)
def test_compile_scenario_checks_a_runs_settings_as_evaluate_does(setting, value):
    # evaluate refused price_year=2024.5; the public compile_scenario took it and reported price year 2024.5
    s = mkba.load_scenario(TUTORIAL)
    with pytest.raises(MkbaError, match="expected a") as info:
        mkba.compile_scenario(s, mkba.load_pricelist(s.pricelist), **{setting: value})
    assert info.value.field == setting


def test_a_project_variants_result_never_writes_over_the_scenario_it_is_based_on(tmp_path):
    # a variant's file is the project; the alternative it is based_on was not among its inputs, so
    # results['frontlijnteam'].to_json('frontlijnteam-regulier.yaml') wrote over it
    for name in ("frontlijnteam-project.yaml", "frontlijnteam-regulier.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    before = (tmp_path / "frontlijnteam-regulier.yaml").read_bytes()
    result = mkba.load_project(tmp_path / "frontlijnteam-project.yaml").evaluate()
    variant = result.results["frontlijnteam"]
    assert variant.scenario.based_on_file == str(tmp_path / "frontlijnteam-regulier.yaml")
    for write in (variant.to_json, variant.to_excel):
        target = tmp_path / "frontlijnteam-regulier.yaml"
        with pytest.raises(MkbaError, match="input of this result"):
            write(target)
    assert (tmp_path / "frontlijnteam-regulier.yaml").read_bytes() == before


@pytest.mark.parametrize(("written", "meant"), [("maand", "month"), ("uur", "hour"), ("dagdeel", "daypart")])
def test_a_unit_written_as_readers_see_it_points_to_its_id(written, meant):
    # mkba pricelist show prints "maand"; a user who copied it got the English list and no hint
    from mkba.pricelist.units import check_unit

    with pytest.raises(ValueError, match=re.escape(f"did you mean '{meant}' ({written})?")):
        check_unit(written)
    assert check_unit(meant) == meant


def test_setting_a_field_of_a_scenario_says_how_to_make_a_variant():
    # pydantic said only "Instance is frozen"; the message now gives the with_changes path that works
    s = mkba.load_scenario(TUTORIAL)
    line = s.costs[0]
    for obj, name, path in ((s, "horizon", "horizon"), (line, "amount", f"costs.{line.id}.amount")):
        with pytest.raises(MkbaError, match=re.escape(f"scenario.with_changes(set={{'{path}': ...}})")):
            setattr(obj, name, 3)
    assert s.with_changes(set={f"costs.{line.id}.amount": 3}).costs[0].amount == 3
