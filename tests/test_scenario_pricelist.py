"""The price list a scenario or project names: the files it reads, and one message when it cannot be used.

- :meth:`mkba.pricelist.registry.Registry.files_of` lists what loading a list reads (its file, the
  lists of its ``extends`` chain, the index); the command line counts them as inputs with it.
- :func:`mkba.result.scenario_pricelist` loads the list a scenario names, for ``mkba run``,
  ``mkba check`` and a project alike: a list that cannot be used is said at the ``pricelist:`` line.
- A project's own setting is said at the project file's line.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_LIST, SMALL_SCENARIO, invoke_cli, small_list

import mkba
from mkba.errors import MkbaError
from mkba.io import paths
from mkba.pricelist.registry import Registry

ROOT = Path(__file__).resolve().parents[1]

SCENARIO = SMALL_SCENARIO


def write(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if path.suffix == ".json":
        path.write_text(json.dumps(data), encoding="utf-8")
    else:
        path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def line_of(path: Path, text: str) -> int:
    return next(n for n, line in enumerate(path.read_text("utf-8").splitlines(), 1) if text in line)


# -- 1. Registry.files_of ------------------------------------------------------------------------------
def test_files_of_is_the_list_every_base_it_extends_and_the_index(tmp_path):
    lists = tmp_path / "lists"
    base = write(lists / "base" / "1.json", small_list("base", "1"))
    middle = write(
        lists / "middle" / "1.json", {**small_list("middle", "1"), "extends": "base@1", "items": []}
    )
    beside = write(tmp_path / "own" / "child.yaml", {**small_list("child", "1"), "items": []})
    child = write(tmp_path / "own" / "top.yaml", {**small_list("top", "1"), "extends": "./child.yaml"})
    write(beside, {**yaml.safe_load(beside.read_text("utf-8")), "extends": "middle@1"})
    registry = Registry([lists])
    assert registry.load(child).chain == ("top@1", "child@1", "middle@1", "base@1")  # what loading reads
    index = paths.bundled_index()
    assert registry.files_of(child) == [child, beside, middle, base, index]
    assert registry.files_of(str(child)) == [child, beside, middle, base, index]
    assert registry.files_of("middle@1#sha256:0123456789ab") == [middle, base, index]  # a pin set aside
    assert registry.files_of("middle") == [middle, base, index]  # the newest version


def test_files_of_leaves_out_what_cannot_be_found_and_ends_a_cycle(tmp_path):
    index = paths.bundled_index()
    registry = Registry([tmp_path])
    assert registry.files_of("no-such-list") == [index]
    assert registry.files_of(tmp_path / "missing.yaml") == [index]
    a = write(tmp_path / "a" / "1.yaml", {**small_list("a", "1"), "extends": "b@1"})
    b = write(tmp_path / "b" / "1.yaml", {**small_list("b", "1"), "extends": "a@1"})
    assert registry.files_of("a@1") == [a, b, index]
    with pytest.raises(MkbaError, match="cycle"):
        registry.load("a@1")
    assert Registry().files_of() == [Registry().path_of("nl-sociaal-domein"), index]  # the default


def test_files_of_names_every_copy_of_a_version_found_in_two_folders(tmp_path):
    one = write(tmp_path / "one" / "same" / "1.yaml", small_list("same", "1"))
    two = tmp_path / "two" / "same" / "1.yaml"
    two.parent.mkdir(parents=True)
    shutil.copy(one, two)
    files = Registry([tmp_path / "one", tmp_path / "two"]).files_of("same@1")
    assert sorted(map(str, files[:2])) == sorted([str(one), str(two)]) and files[2] == paths.bundled_index()


# -- 5. one message for a scenario's price list that cannot be used ------------------------------------------
@pytest.fixture
def unknown(tmp_path):
    """A scenario naming an unknown list, and a project whose alternative it is."""
    scenario = write(tmp_path / "s.yaml", {**SCENARIO, "pricelist": "nl-sociaal-domain@2024.1"})
    project = write(
        tmp_path / "p.yaml",
        {"format": "mkba-project/1", "name": "P", "alternatives": [{"id": "s", "scenario": "s.yaml"}]},
    )
    return scenario, project


def test_an_unknown_pricelist_gives_one_message_from_run_check_and_a_project(unknown):
    scenario, project = unknown
    line = line_of(scenario, "pricelist:")
    expected = (
        f"error: {scenario}:{line}: pricelist: the price list 'nl-sociaal-domain@2024.1' cannot be used: "
        "no price list named 'nl-sociaal-domain'; did you mean nl-sociaal-domein?"
    )
    said = {
        "run": invoke_cli("run", scenario),
        "check": invoke_cli("check", scenario),
        "run project": invoke_cli("run", project),
        "check project": invoke_cli("check", project),
        "report": invoke_cli("report", scenario, "-o", scenario.parent / "r.html"),
    }
    for how, done in said.items():
        assert done.returncode == 2 and done.stderr.startswith(expected), (how, done.stderr)
        assert len(done.stderr.strip().splitlines()) == 1, (how, done.stderr)
    assert len({done.stderr for done in said.values()}) == 1
    errors = []
    for call in (
        lambda: mkba.evaluate(scenario),
        lambda: mkba.load_project(project).evaluate(),
        lambda: mkba.load_project(project).load_pricelist(),
    ):
        with pytest.raises(MkbaError) as info:
            call()
        errors.append((info.value.file, info.value.line, info.value.field, info.value.message))
    assert errors == [(str(scenario), line, "pricelist", errors[0][3])] * 3


@pytest.mark.parametrize("broken", ["a negative amount", "a folder"])
def test_a_broken_list_the_scenario_names_is_said_at_its_pricelist_line_with_its_own_place(tmp_path, broken):
    """``mkba run`` gave the list's own error alone (for a folder: no word of the scenario); check wrapped it."""
    if broken == "a folder":
        (tmp_path / "lijst").mkdir()
        ref, inner = "./lijst", f"{tmp_path / 'lijst'}: is a folder"
    else:
        data = small_list("lijst", "1")
        data["items"][0]["amount"] = -32.5
        listed = write(tmp_path / "lijst.yaml", data)
        ref, inner = "./lijst.yaml", f"{listed}:{line_of(listed, 'amount:')}: items[0].amount"
    scenario = write(tmp_path / "s.yaml", {**SCENARIO, "pricelist": ref})
    line = line_of(scenario, "pricelist:")
    run, check = invoke_cli("run", scenario), invoke_cli("check", scenario)
    assert run.returncode == check.returncode == 2 and run.stderr == check.stderr, (run.stderr, check.stderr)
    assert run.stderr.startswith(
        f"error: {scenario}:{line}: pricelist: the price list {ref!r} cannot be used: "
    )
    assert inner in run.stderr and len(run.stderr.strip().splitlines()) == 1, run.stderr
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(scenario)
    assert (info.value.file, info.value.line, info.value.field) == (str(scenario), line, "pricelist")


def test_a_list_given_by_the_caller_is_its_own_error_not_the_scenarios(unknown):
    scenario, _ = unknown
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(scenario, "nope@1")
    assert info.value.file is None and "no price list named 'nope'" in info.value.message
    done = invoke_cli("run", scenario, "--pricelist", SMALL_LIST)  # the unknown list is not the one used
    assert done.returncode == 0, done.stderr


# -- 6. a project's own setting is said at the project file's line ----------------------------------------------
@pytest.mark.parametrize(
    ("key", "value", "words"),
    [
        ("pricelist", 5, "expected text, got a number (5)"),
        ("price_year", "abc", "whole number"),
        ("price_year", 2040, "outside the price index"),  # found when valued
        ("discount_rate", 2.25, "did you mean 0.0225?"),
        ("base_year", 1800, "1900"),
        ("start_year", 2300, "2200"),
        ("horizon", 0, "1"),
        ("pricelist", "./nowhere.yaml", "is not in"),  # found when the scenario names its list
        ("pricelist", "nope@1", "no price list named 'nope'"),
    ],
)
def test_a_projects_own_setting_is_said_at_the_project_files_line(tmp_path, key, value, words):
    write(tmp_path / "lijst.yaml", small_list("lijst", "1"))
    for name in ("a", "b"):
        write(tmp_path / f"{name}.yaml", {**SCENARIO, "name": name, "pricelist": "./lijst.yaml"})
    project = write(
        tmp_path / "p.yaml",
        {
            "format": "mkba-project/1",
            "name": "P",
            key: value,
            "alternatives": [{"id": "a", "scenario": "a.yaml"}, {"id": "b", "scenario": "b.yaml"}],
        },
    )
    with pytest.raises(MkbaError) as info:
        mkba.load_project(project).evaluate()
    err = info.value
    assert (err.file, err.line, err.field) == (str(project), line_of(project, f"{key}:"), key), str(err)
    assert words in err.message, err.message
    done = invoke_cli("run", project)
    assert done.returncode == 2 and done.stderr.startswith(f"error: {err}"), done.stderr
