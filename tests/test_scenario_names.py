"""Party names: a misspelt stakeholder is refused, not booked as a new party of its own.

A scenario may name a party it does not declare under ``stakeholders:`` (docs/formats.md: the
section is "optional: attributes and extra names"), and names also come from the price list's payers.
A name that is neither, but nearly the same as one that is, is a misspelling: booked as it stands,
it would make a new party and leave the intended one at € 0. It is refused with the file, line and
field, by ``mkba check``, ``mkba run`` and the Python API alike (where names meet the price list:
:func:`mkba.compile_scenario`).
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import core_pricelist_data, invoke_cli, write_yaml

import mkba
from mkba import MkbaError
from mkba.scenario.model import near_miss

ROOT = Path(__file__).parent.parent
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"
TEXT = TUTORIAL.read_text(encoding="utf-8")
BENEFICIARY = "    beneficiary: zorgverzekeraar  # default: the item's payer"


def misspelt_tutorial(tmp_path: Path, old: str = BENEFICIARY, new: str | None = None) -> tuple[Path, int]:
    """The tutorial with ``old`` replaced (by default: the beneficiary misspelt); the file and that line."""
    assert TEXT.count(old) == 1, old
    new = new if new is not None else old.replace("zorgverzekeraar ", "zorgverzekeraarr ")
    path = tmp_path / "e10.yaml"
    path.write_text(TEXT.replace(old, new), encoding="utf-8")
    return path, TEXT.splitlines().index(old) + 1


def misspelling(err: MkbaError, name: str, meant: str) -> bool:
    # "did you mean 'gemeente'?", or with where the name comes from: "(a payer in core-test@1.0)?"
    said = re.escape(f"unknown stakeholder {name!r}; did you mean {meant!r}") + r"( \([^)]*\))?\?"
    return re.search(said, err.message) is not None


# -- the review's reproduction: check, run and the Python API ----------------------------------------
@pytest.mark.parametrize("command", ["check", "run"])
def test_a_misspelt_beneficiary_is_refused_by_check_and_run(tmp_path, command):
    path, line = misspelt_tutorial(tmp_path)
    done = invoke_cli(command, path)
    assert done.returncode == 2, done
    assert f"{path}:{line}: effects[0].beneficiary" in done.stderr, done.stderr
    assert (
        "did you mean 'zorgverzekeraar'?" in done.stderr and "declare it under stakeholders:" in done.stderr
    )
    assert "Traceback" not in done.stderr and "Zorgverzekeraarr" not in done.stdout


def test_a_misspelt_beneficiary_is_refused_by_the_python_api(tmp_path):
    path, line = misspelt_tutorial(tmp_path)
    scenario = mkba.load_scenario(path)  # the file's shape is fine; the name meets the price list later
    with pytest.raises(MkbaError) as info:
        mkba.compile_scenario(scenario, mkba.load_pricelist(scenario.pricelist))
    err = info.value
    assert (err.file, err.line, err.field) == (str(path), line, "effects[0].beneficiary")
    assert misspelling(err, "zorgverzekeraarr", "zorgverzekeraar")
    with pytest.raises(MkbaError, match="did you mean 'zorgverzekeraar'"):
        mkba.evaluate(path)


def test_a_misspelt_payer_of_a_cost_is_refused(tmp_path):
    old = "    payer: fonds"
    path, line = misspelt_tutorial(tmp_path, old, "    payer: fondss")
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(path)
    assert info.value.line == line and info.value.field.startswith("costs[")
    assert misspelling(info.value, "fondss", "fonds")


# -- which names are refused and which are not -------------------------------------------------------
def small(make_scenario, **fields) -> dict:
    return make_scenario(participants={2015: 10}, **fields)


def cost(payer: str) -> dict:
    return {"id": "team", "payer": payer, "amount": 1000, "per": "year", "years": [2015, 2016]}


def test_a_near_miss_of_a_price_list_payer_is_refused_undeclared(make_scenario, core_pricelist):
    # 'woningcorporatie' is not declared: it is a payer in the test price list only
    data = small(make_scenario, costs=[cost("woningcorporatei")])
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(data, core_pricelist)
    assert info.value.field == "costs[0].payer"
    assert misspelling(info.value, "woningcorporatei", "woningcorporatie")


def test_a_near_miss_of_a_declared_name_is_refused(make_scenario, core_pricelist):
    effect = {"id": "e", "price": {"amount": 10, "unit": "hour"}, "kind": "benefit", "quantity": 1}
    data = small(
        make_scenario,
        stakeholders={"buurtbewoners": {"label": "Buurtbewoners"}},
        effects=[{**effect, "beneficiary": "buurtbewoner"}],
    )
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(data, core_pricelist)
    assert info.value.field == "effects[0].beneficiary"
    assert misspelling(info.value, "buurtbewoner", "buurtbewoners")
    data["effects"] = [{**effect, "price": {**effect["price"], "payer": "buurtbewoner"}}]
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(data, core_pricelist)
    assert info.value.field == "effects[0].price.payer"


def test_a_misspelt_pm_stakeholder_and_volunteer_beneficiary_are_refused(make_scenario, core_pricelist):
    pm = {"id": "p", "label": "Rust", "stakeholder": "gemeete", "direction": "positive", "assumption": "t"}
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(small(make_scenario, costs=[cost("gemeente")], pm=[pm]), core_pricelist)
    assert info.value.field == "pm[0].stakeholder" and misspelling(info.value, "gemeete", "gemeente")
    volunteer = {"id": "v", "hours": 10, "per": "year", "years": [2015, 2015], "value": "vervanging-uur"}
    volunteer |= {"as": "benefit", "beneficiary": "samenlevng"}
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(small(make_scenario, volunteers=[volunteer]), core_pricelist)
    assert info.value.field == "volunteers[0].beneficiary" and misspelling(
        info.value, "samenlevng", "samenleving"
    )


def test_a_party_of_its_own_is_still_accepted(make_scenario, core_pricelist, stakeholder):
    # not declared, and like no known name: a party of its own, as the format allows
    result = mkba.evaluate(small(make_scenario, costs=[cost("bewoners")]), core_pricelist)
    assert stakeholder(result, "bewoners")["pv_costs"] == pytest.approx(2000)
    # declared, a near miss of a payer is a party of its own too
    data = small(make_scenario, costs=[cost("gemeenten")], stakeholders={"gemeenten": {"public": True}})
    result = mkba.evaluate(data, core_pricelist)
    assert stakeholder(result, "gemeenten")["pv_costs"] == pytest.approx(2000)


def test_a_variant_adding_a_misspelt_payer_is_refused_at_the_project_line(tmp_path):
    write_yaml(tmp_path / "prijzen.yaml", core_pricelist_data())
    settings = {"price_year": 2015, "start_year": 2015, "horizon": 4, "pricelist": "prijzen.yaml"}
    write_yaml(
        tmp_path / "a.yaml", {"format": "mkba-scenario/1", "name": "A", **settings, "costs": [cost("rijk")]}
    )
    added = {"id": "extra", "payer": "gemeentte", "amount": 5, "per": "once", "year": 2015}
    project = {
        "format": "mkba-project/1",
        "name": "P",
        "alternatives": [
            {"id": "a", "scenario": "a.yaml"},
            {"id": "b", "based_on": "a", "add": {"costs": [added]}},
        ],
    }
    path = write_yaml(tmp_path / "project.yaml", project)
    done = invoke_cli("check", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    line = next(n for n, text in enumerate(path.read_text().splitlines(), 1) if "payer: gemeentte" in text)
    assert (
        f"{path}:{line}: alternatives[1]" in done.stderr
        and "did you mean 'gemeente' (a payer in core-test@1.0)?" in done.stderr
    )


# -- the rule of nearness ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("name", "meant"),
    [
        ("zorgverzekeraarr", "zorgverzekeraar"),  # a letter added
        ("zorgverzekraar", "zorgverzekeraar"),  # left out
        ("gemeetne", "gemeente"),  # two swapped
        ("fondz", "fonds"),  # one changed, in a short name
        ("woningcorparatie", "woningcorporatie"),
        ("zorgverzekereer", "zorgverzekeraar"),  # two changed, in a long name
    ],
)
def test_near_misses(name, meant):
    assert near_miss(name, ["gemeente", "rijk", "fonds", "zorgverzekeraar", "woningcorporatie"]) == meant


@pytest.mark.parametrize(
    "name",
    [
        "wijk", "uvw", "bewoners", "investeerders", "mantelzorgers", "werkgevers",
        # parties of their own that a looser rule took for misspellings (a new-user review): the
        # opposite party two letters away, a suffix, a longer word
        "werknemers", "gemeente-a", "gemeente-b", "woningcorporatie-a", "deelnemers-a", "vrijwilligers-a",
        "samenleving-nl", "woningbouwcorporatie", "mantelzorg", "gemeente-ede", "provincie-utrecht", "uwv-west",
    ],
)  # fmt: skip
def test_names_that_are_not_near(name):
    known = ["gemeente", "rijk", "uwv", "zorgverzekeraar", "deelnemers", "samenleving", "fonds"]
    known += ["werkgevers", "woningcorporatie", "vrijwilligers", "provincie"]
    assert near_miss(name, [k for k in known if k != name]) is None


def test_the_refusal_says_where_the_name_meant_comes_from(make_scenario):
    # "werkgever" passed on the pinned 2024.1 list and was refused on 2025.1, which adds the payer
    # "werkgevers": the message says so, so that a newer list does not refuse a file without a reason
    import mkba

    data = make_scenario(
        costs=[{"id": "x", "payer": "werkgever", "amount": 100, "per": "once", "year": 2015}]
    )
    with pytest.raises(mkba.MkbaError) as info:
        mkba.evaluate(data, "nl-sociaal-domein@2025.1")
    assert "did you mean 'werkgevers' (a payer in nl-sociaal-domein@2025.1)?" in info.value.message
    data["costs"][0]["payer"] = "waterchap"  # a party no price list names, but mkba knows
    with pytest.raises(mkba.MkbaError, match=r"did you mean 'waterschap' \(a party mkba knows\)\?"):
        mkba.evaluate(data, "nl-sociaal-domein@2025.1")


@pytest.mark.parametrize(
    "path",
    sorted((ROOT / "scenarios").glob("*.yaml")) + sorted((ROOT / "scenarios" / "sib").glob("*.yaml")),
    ids=lambda p: p.name,
)
def test_every_bundled_scenario_and_project_still_checks(path):
    done = invoke_cli("check", path)
    assert done.returncode == 0, done.stderr
