"""Projects (docs/method.md, section 8): alternatives against a nulalternatief, variants, PM-posten.

The properties of the issue hold for generated projects: a nulalternatief of nothing gives deltas
equal to the alternative's own result; an alternative against itself gives zero deltas and
P(delta_npv > 0) = 0; a ``set:`` change gives what the same edit in the file gives; removing a
line the nulalternatief has gives a delta equal to minus that line's present value (a saving).
"""

from __future__ import annotations

import json
import math

import pytest
import yaml
from conftest import core_pricelist_data, invoke_cli, write_yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import mkba
from mkba.errors import MkbaError

SETTINGS = {"price_year": 2015, "start_year": 2015, "horizon": 4, "discount_rate": 0.03}


def scenario(name: str, costs=(), effects=(), pm=(), participants=None, **extra) -> dict:
    data = {"format": "mkba-scenario/1", "name": name, **SETTINGS, **extra}
    if participants:
        data["participants"] = participants
    for key, value in (("costs", costs), ("effects", effects), ("pm", pm)):
        if value:
            data[key] = list(value)
    return data


def cost(line_id: str, amount: float, payer: str = "gemeente", **kw) -> dict:
    return {"id": line_id, "payer": payer, "amount": amount, "per": "year", "years": [2015, 2018], **kw}


def effect(line_id: str, quantity: float, item: str = "zorg-dag", **kw) -> dict:
    return {"id": line_id, "item": item, "kind": "avoided_cost", "quantity": quantity, **kw}


@pytest.fixture
def folder(tmp_path, core_pricelist_path):
    """A folder with the test price list; scenarios in it name it by path."""
    write_yaml(tmp_path / "prijzen.yaml", core_pricelist_data())
    return tmp_path


def write_project(folder, alternatives: list[dict], scenarios: dict[str, dict], **top) -> str:
    for name, data in scenarios.items():
        write_yaml(folder / name, {**data, "pricelist": str(folder / "prijzen.yaml")})
    project = {"format": "mkba-project/1", "name": "Testproject", **top, "alternatives": alternatives}
    return str(write_yaml(folder / "project.yaml", project))


def line_of(path: str, text: str) -> int:
    return next(
        n for n, line in enumerate(open(path, encoding="utf-8").read().splitlines(), 1) if text in line
    )


# -- results -----------------------------------------------------------------------------------------
def basic(folder) -> str:
    base = scenario("Regulier", costs=[cost("bestaande-hulp", 10_000)])
    alt = scenario(
        "Nieuw",
        costs=[cost("team", 25_000)],
        effects=[effect("minder-zorg", 50.0, per="year", years=[2016, 2018], attribution=0.5)],
        participants={2015: 10},
        pm=[{"id": "cohesie", "label": "Cohesie", "stakeholder": "bewoners", "direction": "positive", "size": "+",
             "assumption": "test"}],
    )  # fmt: skip
    return write_project(
        folder,
        [
            {"id": "regulier", "label": "Regulier", "scenario": "regulier.yaml"},
            {"id": "nieuw", "label": "Nieuw", "scenario": "nieuw.yaml"},
            {"id": "nieuw-goedkoop", "based_on": "nieuw", "set": {"costs.team.amount": 15_000}},
        ],
        {"regulier.yaml": base, "nieuw.yaml": alt},
        baseline="regulier",
    )


def test_deltas_are_each_alternative_minus_the_nulalternatief(folder):
    result = mkba.load_project(basic(folder)).evaluate()
    base = result.results["regulier"]
    for alt_id in ("nieuw", "nieuw-goedkoop"):
        own, delta = result.results[alt_id], result.delta(alt_id)
        for name in ("pv_costs", "pv_benefits", "npv"):
            assert delta[name] == pytest.approx(getattr(own, name) - getattr(base, name), abs=1e-9)
        assert delta["fiscal"]["npv"] == pytest.approx(own.fiscal_npv - base.fiscal_npv, abs=1e-9)
        gemeente = {r["stakeholder"]: r for r in own.stakeholder_rows()}["gemeente"]["npv"]
        base_gemeente = {r["stakeholder"]: r for r in base.stakeholder_rows()}["gemeente"]["npv"]
        assert delta["stakeholders"]["gemeente"]["npv"] == pytest.approx(gemeente - base_gemeente, abs=1e-9)
    # the cheaper variant ranks first, by delta_npv
    assert result.ranking() == ["nieuw-goedkoop", "nieuw"]
    frame = result.compare()
    assert frame.set_index("id").loc["nieuw-goedkoop", "rank"] == 1


def test_line_deltas_add_up_to_the_delta_npv(folder):
    result = mkba.load_project(basic(folder)).evaluate()
    for alt_id in ("nieuw", "nieuw-goedkoop"):
        rows = [r for r in result.line_deltas(alt_id) if not r["transfer"] and not r["memo"]]
        assert sum(r["delta_pv"] for r in rows) == pytest.approx(result.delta(alt_id)["npv"], abs=1e-6)


def test_overview_table_of_a_scenario_adds_up_per_stakeholder_and_in_total(folder):
    result = mkba.load_project(basic(folder)).evaluate().results["nieuw"]
    table = result.table()
    money = table[~table["pm"] & ~table["memo"]]
    assert money.loc[~money["transfer"], "pv"].sum() == pytest.approx(result.npv, abs=1e-6)
    for row in result.stakeholder_rows():
        mine = money.loc[money["stakeholder"] == row["stakeholder"], "pv"].sum()
        assert mine == pytest.approx(row["npv"], abs=1e-6)
    pm = table[table["pm"]]
    assert pm["id"].tolist() == ["cohesie"] and math.isnan(pm["pv"].iloc[0])  # PM is never summed


def test_dominance_is_said_in_words_and_has_no_ratio(folder):
    base = scenario("Regulier", costs=[cost("bestaande-hulp", 10_000)])
    path = write_project(
        folder,
        [
            {"id": "regulier", "scenario": "regulier.yaml"},
            {"id": "zuiniger", "based_on": "regulier", "set": {"costs.bestaande-hulp.amount": 6_000}},
        ],
        {"regulier.yaml": base},
        baseline="regulier",
    )
    result = mkba.load_project(path).evaluate()
    delta = result.delta("zuiniger")
    assert delta["dominant"] and delta["bcr"] is None and result.dominant() == ["zuiniger"]
    done = invoke_cli("run", path)
    assert done.returncode == 0 and "is dominant" in done.stdout


def test_json_has_the_keys_the_format_fixes(folder):
    out = folder / "out.json"
    done = invoke_cli("run", basic(folder), "--json", out, "--simulate", "500", "--seed", "3")
    assert done.returncode == 0, done.stderr
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["project"] == "Testproject" and data["baseline"] == "regulier"
    alt = data["alternatives"][0]
    assert {"id", "npv", "pv_costs", "pv_benefits", "delta", "rank"} <= set(alt)
    assert {"npv", "pv_costs", "pv_benefits", "bcr", "dominant", "stakeholders", "fiscal"} <= set(
        alt["delta"]
    )
    assert data["pm"][0] == {
        "id": "cohesie", "alternative": "nieuw", "label": "Cohesie", "stakeholder": "bewoners",
        "direction": "positive", "size": "+",
    }  # fmt: skip
    sim = data["simulation"]["alternatives"]["nieuw"]
    assert {"p_delta_npv_positive", "p_best"} <= set(sim) and set(sim["delta_npv"]) == {"p5", "p50", "p95"}


def test_paired_simulation_is_the_same_at_any_chunk_size(folder):
    path = basic(folder)
    data = yaml.safe_load((folder / "nieuw.yaml").read_text(encoding="utf-8"))
    data["effects"][0]["attribution"] = {"dist": "uniform", "low": 0.3, "high": 0.7}
    write_yaml(folder / "nieuw.yaml", data)
    result = mkba.load_project(path).evaluate()
    a = result.simulate(3_000, seed=5, chunk_size=3_000)
    b = result.simulate(3_000, seed=5, chunk_size=257)
    for alt_id, mine in a["alternatives"].items():
        theirs = b["alternatives"][alt_id]
        for key in ("delta_npv_mean", "delta_npv_sd"):  # sums in another order: equal to rounding
            assert mine.pop(key) == pytest.approx(theirs.pop(key), rel=1e-12)
    assert a == b  # counts, exceedances and quantiles: identical
    assert a["quantile_error"] <= 0.005
    # both variants draw the attribution from one stream: their difference is the cost change only
    from mkba.uncertainty.paired import paired_npv

    models = [result.results[i].model for i in ("nieuw", "nieuw-goedkoop")]
    draws = paired_npv(models, ["nieuw", "nieuw-goedkoop"], 1_000, seed=1)
    gap = draws.npv[1] - draws.npv[0]
    assert gap.max() - gap.min() < 1e-6 and gap[0] > 0


# -- properties ----------------------------------------------------------------------------------------
amounts = st.floats(100, 100_000, allow_nan=False)
quantities = st.floats(0, 500, allow_nan=False)


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(team=amounts, quantity=quantities, attribution=st.floats(0, 1))
def test_against_nothing_the_deltas_are_the_alternatives_own_result(folder, team, quantity, attribution):
    alt = scenario(
        "Nieuw", costs=[cost("team", team)],
        effects=[effect("minder-zorg", quantity, per="year", years=[2015, 2018], attribution=attribution)],
    )  # fmt: skip
    path = write_project(folder, [{"id": "nieuw", "scenario": "nieuw.yaml"}], {"nieuw.yaml": alt})
    result = mkba.load_project(path).evaluate()
    own, delta = result.results["nieuw"], result.delta("nieuw")
    assert result.project.baseline.is_nothing
    for name in ("pv_costs", "pv_benefits", "npv"):
        assert delta[name] == getattr(own, name)
    for row in own.stakeholder_rows():
        assert delta["stakeholders"][row["stakeholder"]]["npv"] == row["npv"]


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(team=amounts, low=st.floats(0, 0.5), width=st.floats(0.01, 0.5))
def test_an_alternative_against_itself_has_zero_deltas_and_never_wins(folder, team, low, width):
    uncertain = {"dist": "uniform", "low": low, "high": low + width}
    alt = scenario(
        "Zelf", costs=[cost("team", team)],
        effects=[effect("minder-zorg", 40.0, per="year", years=[2015, 2018], attribution=uncertain)],
    )  # fmt: skip
    path = write_project(
        folder,
        [{"id": "zelf", "scenario": "zelf.yaml"}, {"id": "kopie", "scenario": "zelf.yaml"}],
        {"zelf.yaml": alt},
        baseline="zelf",
    )
    result = mkba.load_project(path).evaluate()
    delta = result.delta("kopie")
    assert (
        delta["npv"] == 0 and delta["pv_costs"] == 0 and delta["pv_benefits"] == 0 and not delta["dominant"]
    )
    sim = result.simulate(2_000, seed=11)
    assert sim["alternatives"]["kopie"]["p_delta_npv_positive"] == 0
    assert sim["alternatives"]["kopie"]["delta_npv"] == {"p5": 0.0, "p50": 0.0, "p95": 0.0}


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(new_amount=amounts, new_quantity=quantities, rate=st.floats(0, 0.1))
def test_a_set_change_gives_what_the_same_edit_in_the_file_gives(folder, new_amount, new_quantity, rate):
    base = scenario(
        "Basis",
        costs=[cost("team", 20_000)],
        effects=[effect("minder-zorg", 10.0, per="year", years=[2015, 2018])],
    )
    edited = scenario(
        "Basis", costs=[cost("team", new_amount)],
        effects=[effect("minder-zorg", new_quantity, per="year", years=[2015, 2018])], discount_rate=rate,
    )  # fmt: skip
    path = write_project(
        folder,
        [
            {"id": "basis", "scenario": "basis.yaml"},
            {"id": "bewerkt", "scenario": "bewerkt.yaml"},
            {"id": "variant", "based_on": "basis",
             "set": {"costs.team.amount": new_amount, "effects.minder-zorg.quantity": new_quantity}},
        ],
        {"basis.yaml": base, "bewerkt.yaml": edited},
        discount_rate=rate,
    )  # fmt: skip
    result = mkba.load_project(path).evaluate()
    by_file, by_set = result.results["bewerkt"], result.results["variant"]
    assert by_set.npv == by_file.npv and by_set.pv_costs == by_file.pv_costs
    assert by_set.stakeholder_rows() == by_file.stakeholder_rows()


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(existing=amounts, team=amounts)
def test_removing_a_line_the_nulalternatief_has_is_a_saving_of_its_present_value(folder, existing, team):
    base = scenario("Regulier", costs=[cost("bestaande-dienst", existing), cost("beheer", 1_000)])
    path = write_project(
        folder,
        [
            {"id": "regulier", "scenario": "regulier.yaml"},
            {"id": "vervangen", "based_on": "regulier", "remove": ["costs.bestaande-dienst"]},
        ],
        {"regulier.yaml": base},
        baseline="regulier",
    )
    result = mkba.load_project(path).evaluate()
    line_pv = next(
        r["pv"] for r in result.baseline.line_rows() if r["id"] == "bestaande-dienst"
    )  # < 0: a cost
    delta = result.delta("vervangen")
    assert delta["pv_costs"] == pytest.approx(line_pv, rel=1e-12)  # negative: the costs go down by its PV
    row = next(r for r in result.line_deltas("vervangen") if r["id"] == "bestaande-dienst")
    assert row["pv"] == 0 and row["delta_pv"] == pytest.approx(-line_pv, rel=1e-12)


# -- with_changes in Python -------------------------------------------------------------------------------
def test_with_changes_records_what_changed_in_the_provenance(folder, core_pricelist):
    path = write_yaml(folder / "s.yaml", scenario("S", costs=[cost("team", 20_000)]))
    base = mkba.load_scenario(path)
    variant = base.with_changes(set={"costs.team.amount": 30_000}, add={"costs": [cost("extra", 1_000)]})
    prov = mkba.evaluate(variant, core_pricelist).provenance["scenario"]
    assert prov["based_on_sha256"] == base.sha256 != prov["sha256"]
    assert prov["changes"] == [
        {"op": "set", "path": "costs.team.amount", "value": 30_000},
        {"op": "add", "path": "costs.extra", "value": cost("extra", 1_000)},
    ]
    assert "changes" not in mkba.evaluate(base, core_pricelist).provenance["scenario"]
    assert [c.id for c in base.costs] == ["team"]  # the base is left as it was


# -- bad input -----------------------------------------------------------------------------------------
def refused(path: str, *, text: str, field: str, message: str) -> None:
    with pytest.raises(MkbaError) as info:
        mkba.load_project(path)
    err = info.value
    assert err.file == path and err.line == line_of(path, text) and err.field == field, str(err)
    assert message in err.message, err.message
    out = f"{path}.json"
    done = invoke_cli("run", path, "--json", out)
    assert done.returncode == 2 and "Traceback" not in done.stderr and path in done.stderr
    assert not __import__("os").path.exists(out)


def test_a_based_on_cycle_is_refused(folder):
    path = write_project(
        folder,
        [
            {"id": "a", "scenario": "a.yaml"},
            {"id": "b", "based_on": "c"},
            {"id": "c", "based_on": "b"},
        ],
        {"a.yaml": scenario("A", costs=[cost("x", 1)])},
    )
    refused(path, text="based_on: c", field="alternatives[1].based_on", message="cycle: b -> c -> b")


@pytest.mark.parametrize(
    ("change", "shown", "message"),
    [
        ({"costs.tema.amount": 1}, "costs.tema.amount", "no item with id 'tema'"),
        ({"costs.team.amuont": 1}, "costs.team.amuont", "did you mean 'amount'"),
        ({"kosten.team.amount": 1}, "kosten.team.amount", "unknown field 'kosten'"),
    ],
)
def test_an_unknown_path_id_or_field_is_refused_at_its_line(folder, change, shown, message):
    path = write_project(
        folder,
        [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "based_on": "a", "set": change}],
        {"a.yaml": scenario("A", costs=[cost("team", 1_000)])},
    )
    refused(path, text=shown, field=f"alternatives[1].set.{shown}", message=message)


def test_a_changed_value_the_format_refuses_points_at_the_change(folder):
    path = write_project(
        folder,
        [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "based_on": "a", "set": {"costs.team.amount": -5}}],
        {"a.yaml": scenario("A", costs=[cost("team", 1_000)])},
    )
    with pytest.raises(MkbaError) as info:
        mkba.load_project(path)
    assert info.value.file == path and info.value.line == line_of(path, "costs.team.amount")
    assert "costs[0].amount" in info.value.field


def test_alternatives_on_different_settings_are_refused_unless_the_project_sets_them(folder):
    scenarios = {
        "a.yaml": scenario("A", costs=[cost("x", 1)]),
        "b.yaml": scenario("B", costs=[cost("x", 1)], discount_rate=0.05),
    }
    alternatives = [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "scenario": "b.yaml"}]
    path = write_project(folder, alternatives, scenarios)
    refused(path, text="id: b", field="alternatives[1].discount_rate", message="0.05 but 'a' has 0.03")
    path = write_project(folder, alternatives, scenarios, discount_rate=0.0225)
    result = mkba.load_project(path).evaluate()
    assert {r.discount_rate for r in result.results.values()} == {0.0225}


def test_duplicate_ids_and_a_pm_post_without_direction_are_refused(folder):
    path = write_project(
        folder,
        [{"id": "a", "scenario": "a.yaml"}, {"id": "a", "scenario": "a.yaml"}],
        {"a.yaml": scenario("A", costs=[cost("x", 1)])},
    )
    with pytest.raises(MkbaError, match="given twice: a"):
        mkba.load_project(path)
    bad = scenario(
        "A",
        costs=[cost("x", 1)],
        pm=[{"id": "p", "label": "P", "stakeholder": "bewoners", "assumption": "t"}],
    )
    path = write_yaml(folder / "pm.yaml", bad)
    done = invoke_cli("check", path)
    assert done.returncode == 2 and "pm[0]" in done.stderr and "direction" in done.stderr


def test_every_bilingual_label_follows_one_rule():
    # an alternative's, an input's and a line's label_in were three copies of one rule: now one function
    from mkba.engine.model import Input, Line, UsedDefault
    from mkba.scenario.fields import label_for
    from mkba.scenario.project import Alternative

    for nl, en in (("Regulier", "Regular"), ("Regulier", None), ("Regulier", "")):
        made = (
            Alternative("a", nl, en, None),  # type: ignore[arg-type]
            Input("x", ("x",), 0.0, 0.0, nl, en),
            Line("l", "cost", nl, "cost", [], 1.0, None, None, [], label_en=en),  # type: ignore[arg-type]
        )
        for lang in ("nl", "en"):
            assert {m.label_in(lang) for m in made} == {label_for(nl, en, lang)}
        assert label_for(nl, en, "en") == (en or nl) and label_for(nl, en, "nl") == nl
    # the JSON's defaults: the base year by its field, the others in words (the one-key map is gone)
    assert UsedDefault(2015, "start_year").text == "2015 (start_year)"
    assert UsedDefault(2024, "newest_index_year").text == "2024 (newest year of the price index)"
    assert UsedDefault(0.0225, "werkgroep_2020").text == "0.0225 (Werkgroep discontovoet 2020)"
