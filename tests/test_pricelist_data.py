"""The bundled price lists as data: every price sourced, ranged sensibly, indexable, one item per concept.

These tests read the YAML files with plain PyYAML (not through mkba), so that they check the data and
not mkba's reading of it. ``docs/pricelist.md`` is generated from the newest list and must be current.
"""

from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

import pytest
import yaml
from conftest import invoke_cli

from mkba.pricelist.units import UNITS

ROOT = Path(__file__).resolve().parents[1]
LISTS = sorted((ROOT / "pricelists" / "nl-sociaal-domein").glob("*.yaml"))
NEWEST = LISTS[-1]
CPI = yaml.safe_load((ROOT / "pricelists" / "index" / "cbs-cpi.yaml").read_text(encoding="utf-8"))["values"]


def items(path: Path) -> list[dict]:
    return yaml.safe_load(path.read_text(encoding="utf-8"))["items"]


def stem(label: str) -> str:
    """A label's concept: lower case, without bracketed remarks and punctuation (digits kept: age bands)."""
    text = re.sub(r"\(.*?\)", "", label.lower())
    return " ".join(re.sub(r"[^0-9a-zà-ÿ]+", " ", text).split())


def test_the_newest_list_is_broad():
    found = items(NEWEST)
    assert len(found) >= 200
    categories = {i["category"] for i in found}
    for wanted in ("jeugd", "werk-en-inkomen", "wmo", "wonen", "veiligheid-en-justitie", "onderwijs", "zorg"):
        assert wanted in categories
    assert sum(i.get("kind") == "reference_value" and i["unit"] == "qaly" for i in found) == 3


@pytest.mark.parametrize("path", [NEWEST], ids=lambda p: p.name)
def test_every_item_has_a_source_with_url_and_where(path):
    missing = [
        i["id"]
        for i in items(path)
        if not (i["source"].get("title") and i["source"].get("url") and i["source"].get("where"))
    ]
    assert missing == []


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_ranges_hold_their_amount_units_are_known_and_every_price_year_has_a_cpi(path):
    for item in items(path):
        low, high = item.get("low", item["amount"]), item.get("high", item["amount"])
        assert low <= item["amount"] <= high, item["id"]
        assert item["unit"] in UNITS, item["id"]
        assert item["price_year"] in CPI, item["id"]
        assert 1 <= item["confidence"] <= 5


@pytest.mark.parametrize("path", LISTS, ids=lambda p: p.name)
def test_no_two_items_for_one_concept(path):
    seen: dict[tuple[str, str], list[str]] = defaultdict(list)
    for item in items(path):
        seen[(stem(item["label"]), item["unit"])].append(item["id"])
    assert {k: v for k, v in seen.items() if len(v) > 1} == {}


def test_the_reference_page_is_current():
    done = invoke_cli("pricelist", "show", f"nl-sociaal-domein@{NEWEST.stem}", "--format", "md")
    assert done.returncode == 0, done.stderr
    page = (ROOT / "docs" / "pricelist.md").read_text(encoding="utf-8")
    assert page == done.stdout, "docs/pricelist.md is stale: regenerate it with the command in its header"


def test_the_reference_page_shows_every_price_with_its_source():
    page = (ROOT / "docs" / "pricelist.md").read_text(encoding="utf-8")
    for item in items(NEWEST):
        row = next(line for line in page.splitlines() if line.startswith(f"| `{item['id']}` |"))
        assert item["source"]["url"] in row
        whole, cents = f"{item['amount']:,.2f}".split(".")
        assert f"{whole.replace(',', '.')},{cents}" in row  # Dutch notation


def test_the_index_says_which_years_are_official_and_how_others_were_derived():
    index = yaml.safe_load((ROOT / "pricelists" / "index" / "cbs-cpi.yaml").read_text(encoding="utf-8"))
    status = index.get("status", {})
    for year, value in index["values"].items():
        entry = status.get(year, {"kind": "official"})
        assert entry["kind"] in ("official", "provisional", "derived")
        if entry["kind"] == "derived":  # says how, and the figure follows from it
            rate = float(re.findall(r"x (1\.\d+)", entry["how"])[0])
            assert value == pytest.approx(index["values"][year - 1] * rate, abs=0.006), year
    page = (ROOT / "docs" / "pricelist.md").read_text(encoding="utf-8")
    assert "| 2021 | 110,44 | afgeleid" in page and "| 2019 | 106,16 | officieel |" in page
