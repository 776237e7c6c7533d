"""The example scenarios run from the command line, and their figures tell the story they claim.

Every figure checked here is recomputed by hand from the scenario file, the bundled price list and the
CPI file (read as plain YAML, not through mkba), with the discount factors of METHOD.md section 2.
"""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
import yaml
from conftest import CliRun, invoke_cli

import mkba

ROOT = Path(__file__).resolve().parents[1]
#: The example scenarios (project files, format mkba-project/1, have tests of their own).
SCENARIOS = sorted(
    p
    for p in (ROOT / "scenarios").glob("*.yaml")
    if "format: mkba-project/1" not in p.read_text(encoding="utf-8")
)
DOCS = ROOT / "docs" / "scenarios.md"
PRICELIST = ROOT / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml"
CPI = ROOT / "pricelists" / "index" / "cbs-cpi.yaml"
REL = 1e-9


# -- helpers ----------------------------------------------------------------------------------
def run_cli(*args: str, cwd: Path = ROOT) -> CliRun:
    return invoke_cli(*args, cwd=cwd)


_results: dict[str, dict] = {}


def result(name: str, tmp_path_factory) -> dict:
    """The JSON of `mkba run scenarios/<name>.yaml --json ...` (run once per session)."""
    if name not in _results:
        out = tmp_path_factory.mktemp("json") / f"{name}.json"
        proc = run_cli("run", str(ROOT / "scenarios" / f"{name}.yaml"), "--json", str(out))
        assert proc.returncode == 0, proc.stderr + proc.stdout
        _results[name] = json.loads(out.read_text(encoding="utf-8"))
    return _results[name]


def scenario(name: str) -> dict:
    return yaml.safe_load((ROOT / "scenarios" / f"{name}.yaml").read_text(encoding="utf-8"))


PRICES = {item["id"]: item for item in yaml.safe_load(PRICELIST.read_text(encoding="utf-8"))["items"]}
INDEX = {int(k): float(v) for k, v in yaml.safe_load(CPI.read_text(encoding="utf-8"))["values"].items()}


def price(item_id: str, to_year: int) -> float:
    """A price list amount indexed to ``to_year``: amount * I(to) / I(from)."""
    item = PRICES[item_id]
    return item["amount"] * INDEX[to_year] / INDEX[item["price_year"]]


def mean_price(item_id: str, to_year: int) -> float:
    """The mean of an item with a range, indexed: the PERT whose mean is the amount, its mode held
    inside [low, high] (docs/method.md, section 6); an amount at an end of its range moves the mean."""
    item = PRICES[item_id]
    low, high, amount = item["low"], item["high"], item["amount"]
    mode = min(max((6 * amount - low - high) / 4, low), high)
    return (low + 4 * mode + high) / 6 * INDEX[to_year] / INDEX[item["price_year"]]


def idx(from_year: int, to_year: int) -> float:
    return INDEX[to_year] / INDEX[from_year]


def df(year: int, base: int, rate: float = 0.0225) -> float:
    return (1 + rate) ** -(year - base)


def line(s: dict, group: str, line_id: str) -> dict:
    return next(x for x in s[group] if x["id"] == line_id)


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-6)


# -- every example ----------------------------------------------------------------------------
def test_there_are_examples():
    names = {p.stem for p in SCENARIOS}
    assert {"buzinezzclub-rotterdam", "buuv-haarlem", "frontlijnteam-leeuwarden", "tutorial"} <= names


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_example_runs_and_adds_up(path: Path, tmp_path_factory):
    data = result(path.stem, tmp_path_factory)
    for key in ("pv_costs", "pv_benefits", "npv", "volunteer_value_pv"):
        assert math.isfinite(data[key]), key
    assert close(data["npv"], data["pv_benefits"] - data["pv_costs"])
    if data["bcr"] is not None:
        assert math.isfinite(data["bcr"]) and close(data["bcr"], data["pv_benefits"] / data["pv_costs"])
    for name, row in data["stakeholders"].items():
        for key in ("pv_costs", "pv_benefits", "npv"):
            assert math.isfinite(row[key]), (name, key)
    # The societal saldo is the sum over stakeholders (transfers cancel: METHOD.md section 3).
    assert math.isclose(
        data["npv"], sum(r["npv"] for r in data["stakeholders"].values()), rel_tol=1e-9, abs_tol=1e-3
    )
    public = [r for r in data["stakeholders"].values() if r["public"]]
    assert math.isclose(data["fiscal"]["npv"], sum(r["npv"] for r in public), rel_tol=1e-9, abs_tol=1e-3)
    assert all(math.isfinite(x) for x in data["net_flows"])


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_every_line_is_sourced_or_an_assumption(path: Path):
    s = yaml.safe_load(path.read_text(encoding="utf-8"))
    lines = [*s.get("costs", []), *s.get("effects", []), *s.get("volunteers", [])]
    assert lines
    for x in lines:
        assert x.get("source") or x.get("assumption"), f"{path.name}: line {x['id']} has neither"
        price_ = x.get("price")
        if isinstance(price_, dict):  # an inline price needs its own provenance too
            assert price_.get("source") or x.get("assumption"), f"{path.name}: price of {x['id']}"


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.stem)
def test_docs_quote_the_computed_figures(path: Path, tmp_path_factory):
    """docs/scenarios.md pastes each example's headline figures: they must be today's."""
    data = result(path.stem, tmp_path_factory)
    text = DOCS.read_text(encoding="utf-8")
    sections = re.split(r"\n## ", text)
    section = next((s for s in sections if f"scenarios/{path.name}" in s), None)
    assert section is not None, f"docs/scenarios.md has no section naming scenarios/{path.name}"
    for key in ("pv_costs", "pv_benefits", "npv"):
        assert f"{data[key]:,.0f}" in section, (key, f"{data[key]:,.0f}")
    if data["bcr"] is not None:
        assert f"{data['bcr']:.2f}" in section
    for name, row in data["stakeholders"].items():
        assert f"{row['npv']:,.0f}" in section, (name, f"{row['npv']:,.0f}")


def test_readme_main_command_works():
    commands = {"scenarios/buzinezzclub-rotterdam.yaml"}
    for readme in (ROOT / "README.md", ROOT / "scenarios" / "README.md"):
        if readme.is_file():
            commands |= set(
                re.findall(r"mkba run (scenarios/[\w.-]+\.yaml)", readme.read_text(encoding="utf-8"))
            )
    for scenario_path in sorted(commands):
        proc = run_cli("run", scenario_path)
        assert proc.returncode == 0, proc.stderr
        assert "Saldo" in proc.stdout or "npv" in proc.stdout.lower()


def test_scenarios_readme_lists_every_example():
    text = (ROOT / "scenarios" / "README.md").read_text(encoding="utf-8")
    for path in SCENARIOS:
        assert path.name in text


# -- Buzinezzclub Rotterdam -------------------------------------------------------------------
def test_buzinezzclub_story(tmp_path_factory):
    s = scenario("buzinezzclub-rotterdam")
    data = result("buzinezzclub-rotterdam", tmp_path_factory)
    P, base = s["price_year"], s["start_year"]
    cohorts = s["participants"]
    assert sum(cohorts.values()) == 160  # sourced: two cohorts of 80

    def per_participant_pv(ln: dict, unit_price: float) -> float:
        """sum over cohorts and active years of n_c * quantity * success * price * DF."""
        q = ln["quantity"] * ln.get("success", 1.0) * unit_price
        if ln.get("unit") == "month" and PRICES[ln["item"]]["unit"] == "year":
            q /= 12
        lag, duration = ln.get("lag", 0), ln.get("duration", 1)
        return sum(
            n * q * df(y, base)
            for c, n in cohorts.items()
            for y in range(c + lag, c + lag + duration)
            if y <= base + s["horizon"] - 1
        )

    old = line(s, "effects", "minder-bijstand-21plus")
    young = line(s, "effects", "minder-bijstand-18-20")
    admin = line(s, "effects", "minder-uitvoeringskosten")
    wage = line(s, "effects", "inkomen-uit-werk")
    # The two bijstand lines together are the sourced 7 months per participant, split by age.
    assert old["quantity"] * old["duration"] == young["quantity"] * young["duration"] == 7
    assert close(old["success"] + young["success"], 1.0)
    bijstand = per_participant_pv(old, price("bijstand-maand", P)) + per_participant_pv(
        young, price("bijstand-jongere-maand", P)
    )
    saved_admin = per_participant_pv(admin, price("uitvoeringskosten-bijstand-jaar", P))
    wages = per_participant_pv(wage, price("minimumloon-maand", P))
    programme = line(s, "costs", "programma")
    setup = line(s, "costs", "opzet-en-meting")
    costs = sum(
        n * programme["amount"] * idx(programme["price_year"], P) * df(c, base) for c, n in cohorts.items()
    ) + setup["amount"] * idx(setup["price_year"], P) * df(setup["year"], base)
    # 680,000 invested: 2 x 80 x 3,750 + 80,000 (nominal, before indexing and discounting).
    assert sum(cohorts.values()) * programme["amount"] + setup["amount"] == 680_000

    sk = data["stakeholders"]
    # The avoided bijstand is a benefit to the gemeente and an equal loss to the deelnemers.
    assert close(sk["deelnemers"]["pv_costs"], bijstand)
    assert close(sk["gemeente"]["pv_benefits"], bijstand + saved_admin)
    assert close(sk["gemeente"]["npv"], bijstand + saved_admin)
    assert abs(sk["gemeente"]["pv_costs"]) < 1e-6  # before the SIB terms, the gemeente pays nothing
    assert close(sk["deelnemers"]["pv_benefits"], wages)
    assert close(sk["investeerders"]["pv_costs"], costs)
    # Transfers cancel: society gains only the real resources (administration saved, production).
    assert close(data["pv_benefits"], saved_admin + wages)
    assert close(data["pv_costs"], costs)
    assert data["fiscal"]["npv"] > 0 and not sk["investeerders"]["public"]


# -- BUUV Haarlem -----------------------------------------------------------------------------
def test_buuv_story(tmp_path_factory):
    s = scenario("buuv-haarlem")
    data = result("buuv-haarlem", tmp_path_factory)
    P, base = s["price_year"], s["start_year"]
    years = range(base, base + s["horizon"])
    assert s["participants"][2014] == 2000  # sourced: more than 2,000 matches in 2014
    cost = line(s, "costs", "exploitatie")
    assert cost["amount"] == 300_000  # sourced: about EUR 300,000 a year
    pv_cost = sum(
        cost["amount"] * idx(cost["price_year"], P) * df(y, base)
        for y in range(cost["years"][0], cost["years"][1] + 1)
    )
    hh = line(s, "effects", "minder-huishoudelijke-hulp")
    per_match = (
        hh["quantity"]
        * hh["success"]
        * (1 - hh["deadweight"])
        * hh["attribution"]
        * price("huishoudelijke-hulp-uur", P)
    )
    pv_benefit = sum(n * per_match * df(c, base) for c, n in s["participants"].items())
    gemeente = data["stakeholders"]["gemeente"]
    assert close(gemeente["pv_costs"], pv_cost)
    assert close(gemeente["pv_benefits"], pv_benefit)
    assert close(data["npv"], pv_benefit - pv_cost)
    # Volunteer hours are memo: capitalised and reported, but not in the saldo.
    hour = price("vervangingskosten-onbetaald-werk-uur", P)
    neighbours = line(s, "volunteers", "buren-helpen")
    brokers = line(s, "volunteers", "vrijwillige-makelaars")
    volunteer_pv = sum(
        n * neighbours["hours"] * hour * df(c, base) for c, n in s["participants"].items()
    ) + sum(brokers["hours"] * hour * df(y, base) for y in years)
    assert close(data["volunteer_value_pv"], volunteer_pv)
    assert all(v["as"] == "memo" for v in s["volunteers"])
    # The gemeente's expected EUR 3 per euro is not reached by the priced effects, not even if all
    # volunteer time were booked as a benefit (docs/scenarios.md explains why).
    assert data["bcr"] < 1 and (data["pv_benefits"] + data["volunteer_value_pv"]) / data["pv_costs"] < 3


# -- Frontlijnteam Leeuwarden -----------------------------------------------------------------
def test_frontlijnteam_story(tmp_path_factory):
    s = scenario("frontlijnteam-leeuwarden")
    data = result("frontlijnteam-leeuwarden", tmp_path_factory)
    P, base = s["price_year"], s["start_year"]
    assert (P, base, s["horizon"]) == (2012, 2008, 5)

    assert "participants" not in s  # the effects are at area level: changes in the wijk as a whole

    def active_df(ln: dict) -> float:
        assert ln["per"] == "year" and ln["years"] == [2009, 2012]  # the team active from 2009 (LPBL)
        assert "drop_off" not in ln  # so every year of the range counts in full
        first, last = ln["years"]
        return sum(df(y, base) for y in range(first, last + 1))

    def mean_attribution(ln: dict) -> float:
        a = ln["attribution"]
        assert a == {"dist": "uniform", "low": 0.5, "high": 0.75}  # LPBL's 50-75 %
        return (a["low"] + a["high"]) / 2  # the point result uses the mean (docs/method.md, section 6)

    ots = line(s, "effects", "minder-ots")
    evictions = line(s, "effects", "minder-huisuitzettingen")
    heavy = line(s, "effects", "minder-zware-gezinsaanpak")
    assert ots["item"] == "ondertoezichtstelling-jaar"  # the OTS priced as an OTS, not as youth care
    pv_ots = ots["quantity"] * mean_price(ots["item"], P) * mean_attribution(ots) * active_df(ots)
    pv_evictions = (
        evictions["quantity"]
        * price("huisuitzetting", P)
        * mean_attribution(evictions)
        * active_df(evictions)
    )
    pv_heavy = (
        heavy["quantity"]
        * heavy["price"]["amount"]
        * idx(heavy["price"]["price_year"], P)
        * mean_attribution(heavy)
        * active_df(heavy)
    )
    start = line(s, "costs", "frontlijnteam-opstart")
    team = line(s, "costs", "frontlijnteam")
    pv_costs = start["amount"] * idx(start["price_year"], P) * df(start["year"], base) + sum(
        team["amount"] * idx(team["price_year"], P) * df(y, base)
        for y in range(team["years"][0], team["years"][1] + 1)
    )
    sk = data["stakeholders"]
    assert close(sk["provincie"]["pv_benefits"], pv_ots)
    assert close(sk["woningcorporatie"]["pv_benefits"], pv_evictions)
    assert close(sk["gemeente"]["pv_benefits"], pv_heavy)
    assert close(sk["gemeente"]["npv"], pv_heavy - pv_costs)
    assert close(data["pv_costs"], pv_costs)
    assert close(data["npv"], pv_ots + pv_evictions + pv_heavy - pv_costs)
    # The rebuild from public figures does not reach LPBL's published saldo (> EUR 2 million, 1.60 per
    # euro): the scenario was not tuned to it (docs/scenarios.md says what is missing).
    assert data["bcr"] < 1.6 and data["npv"] < 2_000_000


# -- Tutorial ---------------------------------------------------------------------------------
def test_tutorial_teaches_every_feature(tmp_path_factory):
    s = scenario("tutorial")
    data = result("tutorial", tmp_path_factory)
    P, base = s["price_year"], s["base_year"]
    end = s["start_year"] + s["horizon"] - 1
    assert {c["per"] for c in s["costs"]} == {"once", "year", "participant", "participant_year"}
    assert {v["as"] for v in s["volunteers"]} >= {"memo", "in_kind_cost"}
    assert any(isinstance(v, dict) and "dist" in v for e in s["effects"] for v in e.values())
    assert any(sp.get("public") for sp in s["stakeholders"].values())
    for x in [*s["costs"], *s["effects"], *s["volunteers"]]:
        # the texts are Dutch, as the report prints them: "Illustratief cijfer (tutorial)."
        assert "assumption" in x and "illustratie" in x["assumption"].lower()

    # The effect with every parameter, recomputed: zorgverzekeraar's only flow.
    e = line(s, "effects", "minder-huisartsbezoek")
    unit = (
        e["quantity"]
        * e["success"]
        * price(e["item"], P)
        * (1 - e["deadweight"])
        * e["attribution"]
        * (1 - e["displacement"])
        * (1 - e["optimism_bias"])
    )
    pv = sum(
        n * unit * (1 - e["drop_off"]) ** k * df(c + e["lag"] + k, base)
        for c, n in s["participants"].items()
        for k in range(e["duration"])
        if c + e["lag"] + k <= end
    )
    assert close(data["stakeholders"]["zorgverzekeraar"]["pv_benefits"], pv)

    # The transfer: the gemeente's bijstand saving is the deelnemers' loss (uniform success: its mean).
    b = line(s, "effects", "minder-bijstand")
    success = (b["success"]["low"] + b["success"]["high"]) / 2
    loss = sum(
        n * b["quantity"] * success * price("bijstand-maand", P) * df(c + b["lag"], base)
        for c, n in s["participants"].items()
    )
    assert close(data["stakeholders"]["deelnemers"]["pv_costs"], loss)
    assert close(data["stakeholders"]["gemeente"]["pv_benefits"], loss)

    # The per-year cost and the in-kind volunteer cost, recomputed.
    coord = line(s, "costs", "coordinator")
    assert close(
        data["stakeholders"]["fonds"]["pv_costs"],
        sum(coord["amount"] * df(y, base) for y in range(coord["years"][0], coord["years"][1] + 1)),
    )
    board = line(s, "volunteers", "bestuur")
    assert close(
        data["stakeholders"]["vrijwilligers"]["pv_costs"],
        sum(
            board["hours"] * board["value"]["amount"] * idx(board["value"]["price_year"], P) * df(y, base)
            for y in range(board["years"][0], board["years"][1] + 1)
        ),
    )


def test_the_example_municipal_list_overrides_one_tariff_of_the_national_list():
    pricelists = ROOT / "scenarios" / "pricelists"
    own = mkba.load_pricelist("gemeente-maashorst", folders=[pricelists])
    national = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    assert own.chain == ("gemeente-maashorst@2022.1", "nl-sociaal-domein@2024.1")
    assert own["huishoudelijke-hulp-uur"].amount == 29.33
    assert own.origin["huishoudelijke-hulp-uur"] == "nl-sociaal-domein@2024.1 < gemeente-maashorst@2022.1"
    changed = mkba.diff(national, own)
    assert changed.loc[changed["status"] != "unchanged", "id"].tolist() == ["huishoudelijke-hulp-uur"]
    assert len(own) == len(national)
    # the README's Python example runs as written
    result = mkba.evaluate(ROOT / "scenarios" / "buuv-haarlem.yaml", own, price_year=2025)
    assert result.model.pricelist.ref == "gemeente-maashorst@2022.1" and result.price_year == 2025
    # and it values the item at the municipality's tariff: a range whose end was the tariff (low = the
    # old tariff, high = the new) valued it at the range's PERT mean, 28.86, a price in no list
    (price,) = [i for i in result.model.inputs if i.name == "price.huishoudelijke-hulp-uur"]
    assert price.base == 29.33 and not price.uncertain
    assert not [d for d in result.provenance.get("defaults_used", []) if "huishoudelijke-hulp-uur" in str(d)]
