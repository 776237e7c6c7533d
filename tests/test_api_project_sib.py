"""Projects and SIBs used as a library: misuse from Python ends in one MkbaError, not a wrong figure.

A project alternative changed in code is held to the same footing when evaluated (docs/method.md,
section 8), by the loader's rule and message; ``Project.with_changes`` varies a project in code and
keeps that footing. A SIB's outcome is taken by id or index wherever it is taken, ``who`` only as
``payer`` or ``investors``, and levels only one per outcome. The examples of docs/projects.md
("Varying an alternative in code") and docs/scale.md ("On one machine") hold.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import numpy as np
import pytest
from conftest import core_pricelist_data, write_yaml

import mkba
from mkba.errors import MkbaError

ROOT = Path(__file__).resolve().parents[1]
PROJECT = "scenarios/frontlijnteam-project.yaml"
SIB = "scenarios/buzinezzclub-rotterdam.yaml"


@pytest.fixture
def project():
    return mkba.load_project(PROJECT)


@pytest.fixture(scope="module")
def sib():
    from mkba.sib.model import compile_sib

    return compile_sib(SIB)


# -- the same footing, checked when evaluated ------------------------------------------------------------
def test_an_alternative_changed_in_code_off_footing_is_refused(project):
    alt = project.alternatives[0]
    alt.scenario = alt.scenario.with_changes(set={"discount_rate": 0.055})
    with pytest.raises(MkbaError) as caught:
        project.evaluate()
    exc = caught.value
    assert exc.file == PROJECT and exc.field == "alternatives[1].discount_rate"
    assert exc.message == (
        "alternative 'frontlijnteam' has discount_rate 0.055 but 'regulier' has 0.0225; "
        "alternatives are valued on the same footing: set it for every alternative with "
        "Project.with_changes(set={'discount_rate': ...})"
    )
    # a rate given to evaluate holds for every alternative: on one footing, and said in the provenance
    result = project.evaluate(discount_rate=0.04)
    assert {r.discount_rate for r in result.results.values()} == {0.04}
    assert result.to_dict()["provenance"]["discount_rate"] == 0.04


def test_another_scenario_put_in_is_refused(project):
    project.alternatives[1].scenario = mkba.load_scenario("scenarios/tutorial.yaml")
    with pytest.raises(MkbaError, match="alternatives are valued on the same footing"):
        project.evaluate()


def _two_scenarios(folder: Path, baseline: str | None) -> str:
    common = {"format": "mkba-scenario/1", "price_year": 2015, "start_year": 2015, "horizon": 4}
    cost = {"payer": "gemeente", "amount": 1000, "per": "year", "years": [2015, 2018]}
    pricelist = str(write_yaml(folder / "prijzen.yaml", core_pricelist_data()))
    for name, rate in (("a", 0.03), ("b", 0.04)):
        data = {**common, "name": name, "discount_rate": rate, "pricelist": pricelist}
        write_yaml(folder / f"{name}.yaml", {**data, "costs": [{"id": name, **cost}]})
    top = {"format": "mkba-project/1", "name": "P", **({"baseline": baseline} if baseline else {})}
    alts = [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "scenario": "b.yaml"}]
    return str(write_yaml(folder / "project.yaml", {**top, "alternatives": alts}))


@pytest.mark.parametrize("baseline", ["a", None])
def test_evaluate_says_what_the_loader_says(tmp_path, baseline):
    path = _two_scenarios(tmp_path, baseline)
    with pytest.raises(MkbaError) as loading:
        mkba.load_project(path)
    # the same project on one footing as read, then 'b' put back on its own rate in code
    write_yaml(tmp_path / "b.yaml", {**_read(tmp_path / "b.yaml"), "discount_rate": 0.03})
    project = mkba.load_project(path)
    b = next(a for a in project.definition.all if a.id == "b")
    b.scenario = b.scenario.with_changes(set={"discount_rate": 0.04})
    with pytest.raises(MkbaError) as evaluating:
        project.evaluate()
    # the loader's rule and words, with the remedy of a change made in code
    head = loading.value.message.removesuffix("set discount_rate in the project file for all")
    assert head != loading.value.message
    assert evaluating.value.message == head + (
        "set it for every alternative with Project.with_changes(set={'discount_rate': ...})"
    )
    assert evaluating.value.field == loading.value.field == "alternatives[1].discount_rate"


def _read(path: Path) -> dict:
    import yaml

    return yaml.safe_load(path.read_text(encoding="utf-8"))


def test_the_nothing_baseline_is_on_the_footing_too(tmp_path):
    path = _two_scenarios(tmp_path, None)
    write_yaml(tmp_path / "b.yaml", {**_read(tmp_path / "b.yaml"), "discount_rate": 0.03})
    project = mkba.load_project(path)
    for alt in project.alternatives:  # every alternative moved, 'nothing' left at the file's rate
        alt.scenario = alt.scenario.with_changes(set={"discount_rate": 0.05})
    with pytest.raises(
        MkbaError, match=re.escape("alternative 'niets' has discount_rate 0.03 but 'a' has 0.05")
    ):
        project.evaluate()
    # the supported way moves 'nothing' along, and the provenance says the rate used
    moved = mkba.load_project(path).with_changes(set={"discount_rate": 0.05})
    result = moved.evaluate()
    assert result.baseline.discount_rate == 0.05
    assert result.to_dict()["provenance"]["discount_rate"] == 0.05


# -- Project.with_changes --------------------------------------------------------------------------------
def test_with_changes_varies_one_alternative_and_records_it(project):
    before = project.evaluate().delta("frontlijnteam")
    lower = project.with_changes("frontlijnteam", set={"effects.minder-ots.attribution": 0.5})
    after = lower.evaluate()
    assert after.delta("frontlijnteam")["pv_benefits"] < before["pv_benefits"]
    assert project.evaluate().delta("frontlijnteam") == before  # the project read is unchanged
    change = {"op": "set", "path": "effects.minder-ots.attribution", "value": 0.5}
    out = after.to_dict()
    assert out["provenance"]["project"]["changes"] == [{"alternative": "frontlijnteam", **change}]
    assert change in out["alternatives"][0]["provenance"]["changes"]
    assert "changes" not in project.evaluate().to_dict()["provenance"]["project"]


def test_with_changes_of_a_shared_setting_moves_every_alternative(project):
    result = project.with_changes(set={"discount_rate": 0.055}).evaluate()
    assert {r.discount_rate for r in result.results.values()} == {0.055}
    assert result.to_dict()["provenance"]["discount_rate"] == 0.055
    same = project.evaluate(discount_rate=0.055)
    assert result.delta("frontlijnteam")["npv"] == pytest.approx(
        same.delta("frontlijnteam")["npv"], rel=1e-12
    )


@pytest.mark.parametrize(
    ("call", "words"),
    [
        (lambda p: p.with_changes("frontlijnteam", set={"discount_rate": 0.055}), "every alternative shares"),
        (lambda p: p.with_changes(set={"costs.frontlijnteam.amount": 1}), "name the alternative"),
        (lambda p: p.with_changes(remove=["effects.minder-ots"]), "name the alternative"),
        (lambda p: p.with_changes("nope", set={"x": 1}), "alternatives: regulier, frontlijnteam"),
        (lambda p: p.with_changes("frontlijnteam", set={"effects.minder-ots.atribution": 1}), "attribution"),
    ],
)
def test_with_changes_refuses_what_would_break_the_footing_or_is_unknown(project, call, words):
    with pytest.raises(MkbaError, match=re.escape(words)):
        call(project)


# -- ProjectResult.delta ---------------------------------------------------------------------------------
def test_an_unknown_alternative_is_one_mkba_error_naming_them(project):
    result = project.evaluate()
    for call in (result.delta, result.line_deltas):
        with pytest.raises(
            MkbaError, match=r"no alternative 'nope'.*regulier, frontlijnteam, frontlijnteam-ots-tarief"
        ):
            call("nope")
    assert result.delta("regulier")["npv"] == 0.0  # the nulalternatief's own deltas, as before


# -- SIB: who, outcomes, levels, draws ---------------------------------------------------------------------
@pytest.mark.parametrize("who", ["Payer", "gemeente", "investor", None])
def test_break_even_refuses_a_who_it_does_not_know(sib, who):
    with pytest.raises(MkbaError, match="'payer', 'investors'"):
        sib.break_even(0, who=who)
    with pytest.raises(MkbaError, match="'payer', 'investors'"):
        sib.gain_at(0, np.array([100.0]), who=who)


def test_break_even_payer_and_investors_differ(sib):
    payer, _ = sib.break_even(0, who="payer")
    investors, _ = sib.break_even(0, who="investors")
    assert round(payer, 2) == 61.15 and round(investors, 2) == 212.5


def test_an_outcome_is_taken_by_id_wherever_by_index(sib):
    assert sib.break_even("uitkeringsdagen") == sib.break_even(0)
    assert sib.break_even("uitkeringsdagen", who="investors") == sib.break_even(0, who="investors")
    by_id, by_index = sib.curve("uitkeringsdagen", n=11), sib.curve(0, n=11)
    assert all(np.array_equal(by_id[k], by_index[k], equal_nan=True) for k in by_index)
    assert sib.search_top("uitkeringsdagen") == sib.search_top(0)


@pytest.mark.parametrize("outcome", [5, -1, "nope", "uitkeringsdagn", True, 1.0])
def test_an_outcome_the_contract_lacks_is_one_mkba_error_naming_its_outcomes(sib, outcome):
    for call in (sib.break_even, sib.curve, sib.search_top):
        with pytest.raises(MkbaError, match=r"\(0 = uitkeringsdagen\)"):
            call(outcome)


@pytest.mark.parametrize("levels", [[100.0, 200.0], [[100.0, 200.0]], [], np.ones((2, 1, 1))])
def test_run_refuses_another_number_of_levels_than_outcomes(sib, levels):
    with pytest.raises(
        MkbaError, match=r"expected 1 level a row, one per outcome of the contract \(uitkeringsdagen\)"
    ):
        sib.run(levels)


def test_run_takes_one_level_per_outcome(sib):
    assert sib.run([[150.0], [250.0]]).outcome_payments_total.tolist() == [480000.0, 800000.0]
    assert sib.run([150.0]).outcome_payments_total.tolist() == [480000.0]


@pytest.mark.parametrize("n", [100.5, "10", True, float("nan"), None])
def test_simulate_sib_wants_a_whole_number_of_draws(sib, n):
    from mkba.sib.simulation import simulate_sib

    with pytest.raises(MkbaError, match="expected a whole number of draws"):
        simulate_sib(sib, n)


def test_simulate_sib_takes_a_whole_number_written_as_a_float(sib):
    from mkba.sib.simulation import simulate_sib

    kept = simulate_sib(sib, 2e3, seed=1, keep_draws=True)
    assert kept.levels.shape == (2000, 1)
    assert np.array_equal(kept.levels, simulate_sib(sib, np.int64(2000), seed=1, keep_draws=True).levels)


# -- the docs -----------------------------------------------------------------------------------------------
def _python_blocks(text: str) -> list[str]:
    return re.findall(r"```python\n(.*?)```", text, re.S)


def test_projects_md_varying_in_code_prints_what_it_says():
    page = (ROOT / "docs" / "projects.md").read_text(encoding="utf-8")
    section = page[page.index("### Varying an alternative in code") : page.index("## 10.")]
    code, refused = _python_blocks(section)[:2]
    shown = re.findall(r"```text\n(.*?)```", section, re.S)[0]
    scope: dict = {}
    exec(compile(code, "projects.md", "exec"), scope)  # the page's own example
    tables = [
        scope["lower"].evaluate().compare()[["id", "delta_npv", "rank"]].round(),
        scope["result"].compare()[["id", "delta_npv", "rank"]].round(),
    ]
    assert "\n\n".join(t.to_string() for t in tables) == shown.rstrip("\n")
    assert scope["result"].to_dict()["provenance"]["project"]["changes"] == [
        {"alternative": None, "op": "set", "path": "discount_rate", "value": 0.04}
    ]
    with pytest.raises(MkbaError) as caught:
        exec(compile(refused, "projects.md", "exec"), scope)
    said = " ".join(line.lstrip("# ") for line in refused.splitlines() if line.startswith("#"))
    assert said == f"mkba.MkbaError: {caught.value}"


def test_scale_md_local_cluster_example_runs_as_a_script():
    # Dask's workers are spawned and import the script again: it needs the guard (and mkba imported)
    page = (ROOT / "docs" / "scale.md").read_text(encoding="utf-8")
    block = next(b for b in _python_blocks(page) if "LocalCluster(" in b)
    tree = ast.parse(block)
    imported = {a.name for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom) for a in n.names}
    assert "mkba" in imported
    others = [n for n in tree.body if not isinstance(n, ast.Import | ast.ImportFrom)]
    assert len(others) == 1 and ast.unparse(others[0].test) == "__name__ == '__main__'"  # type: ignore[attr-defined]


def test_a_shared_setting_that_does_not_fit_an_alternative_names_it():
    # Project.with_changes(set={"horizon": 3}) said "costs[0].years[1]: year 2012 is outside the horizon"
    # without saying of which alternative
    project = mkba.load_project(ROOT / "scenarios" / "frontlijnteam-project.yaml")
    with pytest.raises(
        MkbaError, match=r"alternative '[\w-]+', with horizon changed: year \d+ is outside the horizon"
    ):
        project.with_changes(set={"horizon": 3})
