"""A check of a whole file points at the line at fault, not at the file's first key.

A check that looks at several parts of a file (ids unique, the baseline one of them) knows which
part is wrong; its message carries that part's line and field, as every other message does.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from conftest import core_pricelist_data, invoke_cli, write_yaml

import mkba
from mkba import MkbaError

ROOT = Path(__file__).parent.parent
SCENARIOS = ROOT / "scenarios"


def edited(source: Path, folder: Path, old: str, new: str, name: str) -> tuple[Path, int]:
    """``source`` with the one ``old`` replaced by ``new``, written to ``folder``; the file and that line."""
    text = source.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path = folder / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path, text.splitlines().index(old.splitlines()[0]) + 1


def refused_at(path: Path, line: int, field: str, message: str) -> None:
    """``mkba check`` refuses ``path`` at ``line`` and ``field``, with exit code 2."""
    done = invoke_cli("check", path)
    assert done.returncode == 2 and "Traceback" not in done.stderr, done
    assert f"{path}:{line}: {field}" in done.stderr, done.stderr
    assert message in done.stderr, done.stderr


# -- scenarios -----------------------------------------------------------------------------------------
def test_a_duplicate_line_id_is_said_at_the_duplicate(tmp_path):
    path, line = edited(
        SCENARIOS / "tutorial.yaml", tmp_path, "  - id: intake\n", "  - id: opstart\n", "e8.yaml"
    )
    refused_at(path, line, "costs[2].id (id 'opstart')", "given twice: opstart, first at costs[0]")
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    assert (info.value.line, info.value.field) == (line, "costs[2].id (id 'opstart')")


def test_a_line_id_repeated_in_another_section_is_said_there(make_scenario, tmp_path):
    costs = [{"id": "team", "payer": "gemeente", "amount": 1, "per": "once", "year": 2015}]
    pm = [
        {"id": "rust", "label": "Rust", "stakeholder": "bewoners", "direction": "positive", "assumption": "t"}
    ]
    pm.append({**pm[0], "id": "team"})
    path = write_yaml(tmp_path / "s.yaml", make_scenario(costs=costs, pm=pm))
    first, line = [n for n, text in enumerate(path.read_text().splitlines(), 1) if text.endswith("id: team")]
    assert first < line  # the second one, under pm:, is at fault
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    assert (info.value.line, info.value.field) == (line, "pm[1].id (id 'team')")
    assert "given twice: team, first at costs[0]" in info.value.message


# -- projects ------------------------------------------------------------------------------------------
@pytest.fixture
def frontlijnteam(tmp_path) -> Path:
    """The shipped project and the scenario files it names, copied to a folder of their own."""
    for name in ("frontlijnteam-project.yaml", "frontlijnteam-regulier.yaml"):
        shutil.copy(SCENARIOS / name, tmp_path / name)
    text = (SCENARIOS / "frontlijnteam-project.yaml").read_text(encoding="utf-8")
    assert "frontlijnteam-leeuwarden.yaml\n" not in text.replace("# ", "")  # names no other file
    return tmp_path / "frontlijnteam-project.yaml"


def test_a_baseline_that_is_no_alternative_is_said_at_baseline(frontlijnteam, tmp_path):
    path, line = edited(frontlijnteam, tmp_path, "baseline: regulier\n", "baseline: regulir\n", "p1.yaml")
    refused_at(path, line, "baseline", "did you mean 'regulier'?")


def test_a_duplicate_alternative_id_is_said_at_the_duplicate(frontlijnteam, tmp_path):
    path, line = edited(
        frontlijnteam, tmp_path, "  - id: frontlijnteam-ots-tarief\n", "  - id: frontlijnteam\n", "p2.yaml"
    )
    refused_at(path, line, "alternatives[2].id", "alternative ids must be unique; given twice: frontlijnteam")


def small_project(folder: Path, variant: dict) -> Path:
    write_yaml(folder / "prijzen.yaml", core_pricelist_data())
    cost = {"id": "team", "payer": "gemeente", "amount": 1000, "per": "year", "years": [2015, 2016]}
    scenario = {"format": "mkba-scenario/1", "name": "A", "start_year": 2015, "horizon": 4, "costs": [cost]}
    write_yaml(folder / "a.yaml", {**scenario, "price_year": 2015, "pricelist": "prijzen.yaml"})
    alternatives = [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "based_on": "a", "label": "B", **variant}]
    return write_yaml(
        folder / "project.yaml", {"format": "mkba-project/1", "name": "P", "alternatives": alternatives}
    )


def line_with(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text().splitlines(), 1) if text in line)


def test_a_variant_setting_another_footing_is_said_at_its_set_line(tmp_path):
    path = small_project(tmp_path, {"set": {"costs.team.amount": 2000, "discount_rate": 0.04}})
    refused_at(path, line_with(path, "discount_rate: 0.04"), "alternatives[1].discount_rate", "same footing")


def test_an_added_line_with_an_id_that_exists_is_said_at_its_id(tmp_path):
    added = [
        {"id": "nieuw", "payer": "gemeente", "amount": 5, "per": "once", "year": 2015},
        {"id": "team", "payer": "gemeente", "amount": 5, "per": "once", "year": 2015},
    ]
    path = small_project(tmp_path, {"add": {"costs": added}})
    refused_at(path, line_with(path, "id: team"), "alternatives[1].add.costs", "'team' exists already")


def test_years_out_of_order_are_said_at_the_years_line(tmp_path):
    # said at the line's "- id:" (54) rather than at "years: [2029, 2025]" (60)
    text = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    assert "    years: [2025, 2029]\n" in text
    path = tmp_path / "t.yaml"
    path.write_text(
        text.replace("    years: [2025, 2029]\n", "    years: [2029, 2025]\n", 1), encoding="utf-8"
    )
    line = next(n for n, t in enumerate(path.read_text().splitlines(), 1) if t == "    years: [2029, 2025]")
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    assert info.value.line == line and info.value.field.endswith(".years (id 'coordinator')")
    assert "first <= last" in info.value.message


def test_a_repeated_alternative_says_where_the_first_is_and_based_on_gets_a_hint(tmp_path):
    for name in ("frontlijnteam-project.yaml", "frontlijnteam-regulier.yaml"):
        shutil.copy(ROOT / "scenarios" / name, tmp_path / name)
    project = tmp_path / "frontlijnteam-project.yaml"
    text = project.read_text(encoding="utf-8")
    assert "    based_on: regulier\n" in text
    project.write_text(
        text.replace("    based_on: regulier\n", "    based_on: regulir\n", 1), encoding="utf-8"
    )
    with pytest.raises(
        MkbaError, match=r"based_on names no alternative: 'regulir'; did you mean 'regulier'\?"
    ):
        mkba.load_project(project)
    twice = text.replace("  - id: frontlijnteam-ots-tarief\n", "  - id: frontlijnteam\n", 1)
    project.write_text(twice, encoding="utf-8")
    with pytest.raises(MkbaError, match=r"given twice: frontlijnteam, first at alternatives\[\d\]"):
        mkba.load_project(project)


def test_a_message_that_quotes_the_value_does_not_repeat_it(tmp_path):
    # "given twice: opstart, first at costs[0] (got 'opstart')"
    text = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
    path = tmp_path / "t.yaml"
    path.write_text(text.replace("  - id: intake\n", "  - id: opstart\n", 1), encoding="utf-8")
    with pytest.raises(MkbaError, match="given twice: opstart") as info:
        mkba.load_scenario(path)
    assert "(got" not in info.value.message
