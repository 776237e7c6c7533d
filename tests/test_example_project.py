"""The shipped example project (scenarios/frontlijnteam-project.yaml) runs end to end and says what
docs/projects.md says about it.

Every expected figure is computed here from the files themselves: the project's changes applied by hand
to the nulalternatief's YAML (plain dicts, not mkba's path language) and run as an ordinary scenario; the
deterministic lines' present values from their amounts and the discount factors of METHOD.md section 2;
the avoided costs from the bundled price list and CPI file read as plain YAML.
"""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path

import pytest
import yaml
from conftest import invoke_cli

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"
REGULIER = ROOT / "scenarios" / "frontlijnteam-regulier.yaml"
STANDALONE = ROOT / "scenarios" / "frontlijnteam-leeuwarden.yaml"
DOCS = ROOT / "docs" / "projects.md"
PRICELIST = ROOT / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml"
CPI = ROOT / "pricelists" / "index" / "cbs-cpi.yaml"
REL = 1e-9

PRICES = {item["id"]: item for item in yaml.safe_load(PRICELIST.read_text(encoding="utf-8"))["items"]}
INDEX = {int(k): float(v) for k, v in yaml.safe_load(CPI.read_text(encoding="utf-8"))["values"].items()}
SPEC = yaml.safe_load(PROJECT.read_text(encoding="utf-8"))
RATE = SPEC["discount_rate"]
START = SPEC["start_year"]
YEAR = SPEC["price_year"]


def df(y: int) -> float:
    return (1 + RATE) ** -(y - START)


def annuity(first: int, last: int) -> float:
    return sum(df(y) for y in range(first, last + 1))


def mean_price(item_id: str) -> float:
    """The item's point price in the project's price year: the mean of PERT(low, mode, high) with the
    mode chosen so the mean is the listed amount, clipped to the range (METHOD.md section 6)."""
    item = PRICES[item_id]
    amount, low, high = item["amount"], item.get("low"), item.get("high")
    if low is not None and high is not None and low < high:
        mode = min(max((6 * amount - low - high) / 4, low), high)
        amount = (low + 4 * mode + high) / 6
    return amount * INDEX[YEAR] / INDEX[item["price_year"]]


def close(a: float, b: float) -> bool:
    return math.isclose(a, b, rel_tol=REL, abs_tol=1e-6)


def alternative_spec(alt_id: str) -> dict:
    return next(a for a in SPEC["alternatives"] if a["id"] == alt_id)


def frontlijnteam_by_hand() -> dict:
    """regulier.yaml with the project's changes for `frontlijnteam`, applied to plain dicts."""
    data = yaml.safe_load(REGULIER.read_text(encoding="utf-8"))
    spec = alternative_spec("frontlijnteam")
    assert spec["based_on"] == "regulier"
    for path in spec["remove"]:
        section, line_id = path.split(".")
        data[section] = [x for x in data[section] if x["id"] != line_id]
    for section, lines in spec["add"].items():
        data.setdefault(section, []).extend(copy.deepcopy(lines))
    return data


def variant_by_hand() -> dict:
    data = frontlijnteam_by_hand()
    spec = alternative_spec("frontlijnteam-ots-tarief")
    assert spec["based_on"] == "frontlijnteam"
    assert spec["remove"] == ["effects.minder-ots.item"]
    (ots,) = [x for x in data["effects"] if x["id"] == "minder-ots"]
    del ots["item"]
    ots["price"] = copy.deepcopy(spec["set"]["effects.minder-ots.price"])
    assert set(spec["set"]) == {"effects.minder-ots.price"}
    return data


_runs: dict[str, dict] = {}


def run_json(key: str, path: Path, tmp_path_factory, *extra: str) -> dict:
    """The JSON of `mkba run PATH --json F [extra]` (once per session)."""
    if key not in _runs:
        out = tmp_path_factory.mktemp("json") / f"{key}.json"
        proc = invoke_cli("run", str(path), "--json", str(out), *extra)
        assert proc.returncode == 0, proc.stderr + proc.stdout
        _runs[key] = json.loads(out.read_text(encoding="utf-8"))
    return _runs[key]


def run_dict(key: str, data: dict, tmp_path_factory) -> dict:
    path = tmp_path_factory.mktemp("scenario") / f"{key}.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return run_json(key, path, tmp_path_factory)


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> dict:
    return run_json("project", PROJECT, tmp_path_factory)


def alt(project: dict, alt_id: str) -> dict:
    return next(a for a in project["alternatives"] if a["id"] == alt_id)


def line(rows: list[dict], line_id: str) -> dict:
    (row,) = [r for r in rows if r["id"] == line_id]
    return row


# -- the file ------------------------------------------------------------------------------------
def test_check_accepts_the_project_and_names_its_alternatives():
    done = invoke_cli("check", str(PROJECT))
    assert done.returncode == 0, done.stderr
    assert "nulalternatief: reguliere hulp" in done.stdout and "2 alternatieven" in done.stdout


def test_every_added_line_is_sourced_or_an_assumption():
    for spec in SPEC["alternatives"]:
        for lines in spec.get("add", {}).values():
            for x in lines:
                assert x.get("source") or x.get("assumption"), x["id"]
        for path, value in spec.get("set", {}).items():
            if isinstance(value, dict) and "amount" in value:  # a new price carries its own source
                assert value.get("source"), path


def test_the_nulalternatief_is_reguliere_hulp_with_real_costs(project, tmp_path_factory):
    own = run_json("regulier", REGULIER, tmp_path_factory)
    assert project["baseline"] == "regulier"
    base = project["baseline_result"]
    assert base["pv_costs"] > 0 and base["pv_benefits"] == 0
    assert close(base["npv"], own["npv"]) and close(base["pv_costs"], own["pv_costs"])
    # the heavy-team line: 340,000 a year over 2008-2012, in the project's price year
    assert close(line(base["lines"], "zware-gezinsaanpak")["pv"], -340_000 * annuity(2008, 2012))
    # the price-list lines: 20 OTS child-years and 12 evictions a year at the items' point prices
    assert close(
        line(base["lines"], "ots")["pv"], -20 * mean_price("ondertoezichtstelling-jaar") * annuity(2008, 2012)
    )
    assert close(
        line(base["lines"], "huisuitzettingen")["pv"],
        -12 * mean_price("huisuitzetting") * annuity(2008, 2012),
    )


# -- deltas ----------------------------------------------------------------------------------------
def test_ids_and_ranking(project):
    assert [a["id"] for a in project["alternatives"]] == ["frontlijnteam", "frontlijnteam-ots-tarief"]
    assert project["ranking"] == ["frontlijnteam", "frontlijnteam-ots-tarief"]
    assert alt(project, "frontlijnteam")["rank"] == 1
    assert project["dominant"] == []


@pytest.mark.parametrize(
    ("alt_id", "build"),
    [("frontlijnteam", frontlijnteam_by_hand), ("frontlijnteam-ots-tarief", variant_by_hand)],
)
def test_a_delta_is_the_difference_of_the_two_scenarios_own_runs(project, tmp_path_factory, alt_id, build):
    own = run_dict(alt_id, build(), tmp_path_factory)
    base = run_json("regulier", REGULIER, tmp_path_factory)
    a = alt(project, alt_id)
    for key in ("npv", "pv_costs", "pv_benefits"):
        assert close(a[key], own[key]), key
        assert close(a["delta"][key], own[key] - base[key]), key
    for name, row in own["stakeholders"].items():
        theirs = base["stakeholders"].get(name, {"npv": 0.0})
        assert close(a["delta"]["stakeholders"][name]["npv"], row["npv"] - theirs["npv"]), name
    assert close(a["delta"]["fiscal"]["npv"], own["fiscal"]["npv"] - base["fiscal"]["npv"])
    assert a["delta"]["bcr"] == pytest.approx(a["delta"]["pv_benefits"] / a["delta"]["pv_costs"], rel=REL)


def test_the_removed_line_is_a_saving_equal_to_minus_its_present_value(project):
    rows = alt(project, "frontlijnteam")["lines"]
    removed = line(rows, "zware-gezinsaanpak")
    pv = -340_000 * annuity(2008, 2012)  # the line's own present value (a cost: negative)
    assert removed["pv"] == 0 and close(removed["baseline_pv"], pv)
    assert close(removed["delta_pv"], -pv) and removed["delta_pv"] > 0


def test_the_figures_by_hand(project):
    """Costs are deterministic: the team and the referrals still made, less the removed line."""
    team = 385_000 + 770_000 * annuity(2009, 2012)
    afbouw = 212_500 * annuity(2008, 2011)
    removed = 340_000 * annuity(2008, 2012)
    ots = 5 * 0.625 * mean_price("ondertoezichtstelling-jaar") * annuity(2009, 2012)
    evictions = 3 * 0.625 * mean_price("huisuitzetting") * annuity(2009, 2012)
    d = alt(project, "frontlijnteam")["delta"]
    assert close(d["pv_costs"], team + afbouw - removed)
    assert close(d["pv_benefits"], ots + evictions)
    assert close(d["npv"], ots + evictions - (team + afbouw - removed))
    assert close(d["stakeholders"]["gemeente"]["npv"], removed - team - afbouw)
    assert close(d["stakeholders"]["provincie"]["npv"], ots)
    assert close(d["stakeholders"]["woningcorporatie"]["npv"], evictions)
    # regulier's OTS and eviction lines run on in the alternative and cancel line by line
    rows = alt(project, "frontlijnteam")["lines"]
    assert line(rows, "ots")["delta_pv"] == 0 and line(rows, "huisuitzettingen")["delta_pv"] == 0
    # the variant differs only in the price of an avoided OTS year
    v = alt(project, "frontlijnteam-ots-tarief")["delta"]
    ots_low = 5 * 0.625 * 6444 * annuity(2009, 2012)
    assert close(d["npv"] - v["npv"], ots - ots_low)
    assert close(v["pv_costs"], d["pv_costs"])


def test_line_deltas_add_up_to_the_delta_and_pm_is_never_summed(project):
    for a in project["alternatives"]:
        assert close(sum(r["delta_pv"] for r in a["lines"]), a["delta"]["npv"])
        assert not any(r["id"] in {p["id"] for p in project["pm"]} for r in a["lines"])
    pm = {(p["alternative"], p["id"]) for p in project["pm"]}
    for alt_id in ("frontlijnteam", "frontlijnteam-ots-tarief"):  # the variant inherits its base's PM
        assert {(alt_id, "kwaliteit-van-leven"), (alt_id, "minder-inzet-andere-hulpverleners")} <= pm
    assert not any(a == "regulier" for a, _ in pm)


def test_avoided_costs_equal_the_stand_alone_rebuild(project, tmp_path_factory):
    """The project's OTS and eviction effects are the stand-alone scenario's (docs/projects.md)."""
    standalone = run_json("standalone", STANDALONE, tmp_path_factory)
    rows = alt(project, "frontlijnteam")["lines"]
    for line_id in ("minder-ots", "minder-huisuitzettingen", "frontlijnteam", "frontlijnteam-opstart"):
        assert close(line(rows, line_id)["delta_pv"], line(standalone["lines"], line_id)["pv"]), line_id


# -- paired Monte Carlo --------------------------------------------------------------------------
def test_paired_simulation(project, tmp_path_factory):
    sim = run_json("simulated", PROJECT, tmp_path_factory, "--simulate", "4000", "--seed", "11")["simulation"]
    assert sim["n"] == 4000 and sim["seed"] == 11
    for alt_id in ("frontlijnteam", "frontlijnteam-ots-tarief"):
        s = sim["alternatives"][alt_id]
        assert s["p_delta_npv_positive"] == 0 and s["p_best"] == 0
        q = s["delta_npv"]
        assert q["p5"] < q["p50"] < q["p95"] < 0
        point = alt(project, alt_id)["delta"]["npv"]
        assert q["p5"] < point < q["p95"]
        assert s["delta_npv_mean"] == pytest.approx(point, rel=2e-3)
    assert sim["baseline_p_best"] == 1.0


def test_common_random_numbers_cancel_the_shared_uncertainty():
    """docs/projects.md: on the same draws, regulier's uncertain prices cancel in the delta, so the
    delta's spread is far smaller than the spread of the alternative's own saldo."""
    import numpy as np

    import mkba
    from mkba.uncertainty.montecarlo import monte_carlo

    result = mkba.load_project(PROJECT).evaluate()
    own = monte_carlo(result.results["frontlijnteam"].model, 20_000, seed=3).npv
    summary = result.simulate(20_000, seed=3)["alternatives"]["frontlijnteam"]["delta_npv"]
    own_width = float(np.percentile(own, 95) - np.percentile(own, 5))
    assert summary["p95"] - summary["p5"] < 0.5 * own_width


# -- the guide -----------------------------------------------------------------------------------
def test_the_guide_quotes_todays_figures(project):
    text = DOCS.read_text(encoding="utf-8")
    assert "scenarios/frontlijnteam-project.yaml" in text
    for a in project["alternatives"]:
        for key in ("npv", "pv_costs", "pv_benefits"):
            assert f"{a['delta'][key]:,.0f}" in text, (a["id"], key)
    assert f"{project['baseline_result']['npv']:,.0f}" in text
    removed = line(alt(project, "frontlijnteam")["lines"], "zware-gezinsaanpak")["delta_pv"]
    assert f"{removed:,.0f}" in text
    assert re.search(r"mkba run scenarios/frontlijnteam-project\.yaml", text)


def test_the_project_workbook_holds_the_paired_monte_carlo_that_was_run(tmp_path):
    """`mkba run PROJECT --simulate N --xlsx`: the comparison sheet shows the paired simulation's figures."""
    import openpyxl

    import mkba

    xlsx = tmp_path / "project.xlsx"
    done = invoke_cli("run", PROJECT, "--simulate", "3000", "--seed", "7", "--xlsx", xlsx)
    assert done.returncode == 0, done.stderr
    result = mkba.load_project(PROJECT).evaluate()
    sim = result.simulate(3000, seed=7)
    ws = openpyxl.load_workbook(xlsx)["Vergelijking"]
    rows = {ws.cell(r, 1).value: r for r in range(1, ws.max_row + 1)}
    assert any(str(k).startswith("Monte Carlo, gepaard (3.000 trekkingen, startgetal 7") for k in rows)
    for alt in result.project.alternatives:
        r = rows[alt.label_in("nl")]  # the last row with the alternative's name: the simulation's
        s = sim["alternatives"][alt.id]
        assert ws.cell(r, 2).value == pytest.approx(s["p_delta_npv_positive"])
        assert ws.cell(r, 5).value == pytest.approx(s["delta_npv"]["p50"])
    assert ws.cell(rows[result.project.baseline.label_in("nl")], 3).value == pytest.approx(
        sim["baseline_p_best"]
    )
    parties = {ws.cell(r, 3).value for r in range(1, ws.max_row + 1)}
    assert "Bewoners" in parties and "bewoners" not in parties  # a stakeholder no scenario labels: its name


def test_the_project_overview_sums_to_each_alternatives_saldo(tmp_path):
    """The overview table has its sums (docs/method.md, section 8): the lines add up to the saldo row."""
    import mkba
    from mkba.report import numbers

    root = Path(__file__).resolve().parents[1]
    result = mkba.load_project(root / "scenarios" / "frontlijnteam-project.yaml").evaluate()
    rows = result.line_delta_rows()
    base = result.baseline.npv
    assert sum(r["baseline_pv"] for r in rows if not r["memo"]) == pytest.approx(base, abs=0.01)
    expected = []
    for alt in result.project.alternatives:
        delta = result.results[alt.id].npv - base
        assert sum(r["deltas"].get(alt.id, 0.0) for r in rows if not r["memo"]) == pytest.approx(
            delta, abs=0.01
        )
        expected.append(numbers.euro(delta, space=" "))
    shown = " ".join(invoke_cli("run", str(root / "scenarios" / "frontlijnteam-project.yaml")).stdout.split())
    overview = shown[shown.index("MKBA-overzichtstabel") : shown.index("PM-posten")]
    assert "Saldo (netto contante" in overview  # the label wraps in its cell
    assert all(text.replace("\xa0", " ") in overview.replace("\xa0", " ") for text in expected)
    html = tmp_path / "p.html"
    assert (
        invoke_cli(
            "report", str(root / "scenarios" / "frontlijnteam-project.yaml"), "-o", str(html)
        ).returncode
        == 0
    )
    page = html.read_text(encoding="utf-8")
    assert '<tr class="total">' in page and "Saldo (netto contante waarde)" in page


def test_the_docs_show_what_the_example_prints():
    """docs/projects.md, section 7, is the command's output as it is now (it drifted once)."""
    root = Path(__file__).resolve().parents[1]
    page = (root / "docs" / "projects.md").read_text(encoding="utf-8")
    start = page.index("`mkba run scenarios/frontlijnteam-project.yaml --simulate 20000` prints")
    block = page[page.index("```text\n", start) + len("```text\n") :]
    shown = block[: block.index("```\n")]
    done = invoke_cli("run", str(root / "scenarios" / "frontlijnteam-project.yaml"), "--simulate", "20000")
    assert done.returncode == 0, done.stderr
    assert done.stdout == shown
