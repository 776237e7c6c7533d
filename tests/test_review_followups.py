"""Follow-ups of the review of this change: one rule in one place, and what it changed for a user.

A project's results keep the extra price-list folders (so their outputs protect them), a shared setting
changed in code is recorded as a plain number, the same-footing check of a project changed in code
names the way to fix it in code, and the project's one "did you mean" helper.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
import yaml
from conftest import invoke_cli, run_doctests, small_list

import mkba
from mkba.errors import MkbaError
from mkba.io import documents
from mkba.io.documents import close_match, did_you_mean
from mkba.report.html.context import defaults_used
from mkba.scenario.changes import plain
from mkba.scenario.project import IN_CODE, IN_THE_FILE, check_same_footing

ROOT = Path(__file__).resolve().parents[1]
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"


# -- Project.evaluate passes its folders on -----------------------------------------------------------
def test_a_project_result_protects_the_price_list_folders_it_was_valued_with(tmp_path):
    lists = tmp_path / "lists"
    (lists / "mine").mkdir(parents=True)
    (lists / "mine" / "1.0.yaml").write_text(yaml.safe_dump(small_list("mine", "1.0")), encoding="utf-8")
    (lists / "other").mkdir()
    kept = lists / "other" / "2.0.json"  # a list of the folder, in the format to_json writes
    kept.write_text(json.dumps(small_list("other", "2.0")), encoding="utf-8")
    before = kept.read_text(encoding="utf-8")
    result = mkba.load_project(PROJECT).evaluate(folders=str(lists))  # one folder, as a str
    for alternative in result.results.values():
        assert alternative.folders == (lists,)
    one = next(iter(result.results.values()))
    with pytest.raises(MkbaError, match="is an existing file of a price-list folder") as caught:
        one.to_json(kept)
    assert caught.value.field == "path"
    assert kept.read_text(encoding="utf-8") == before


def test_a_project_refuses_a_price_list_folder_that_does_not_exist(tmp_path):
    with pytest.raises(MkbaError, match="does not exist") as caught:
        mkba.load_project(PROJECT).evaluate(folders=tmp_path / "missing")
    assert caught.value.field == "folders"


# -- plain numbers in the provenance -------------------------------------------------------------------
def test_a_shared_setting_changed_in_code_is_recorded_as_a_plain_number():
    project = mkba.load_project(PROJECT).with_changes(set={"discount_rate": np.float64(0.04)})
    [change] = project.changes
    assert type(change["value"]) is float and repr(change["value"]) == "0.04"
    assert change == {"alternative": None, "op": "set", "path": "discount_rate", "value": 0.04}


@pytest.mark.parametrize(
    ("given", "expected"),
    [(np.bool_(True), True), (np.int64(3), 3), (np.str_("a"), "a"), ((np.float64(0.5),), [0.5])],
)
def test_plain_gives_pythons_own_types_for_every_numpy_scalar(given, expected):
    # one rule for changes made in code and a batch's cells (batch kept its own copy for np.generic)
    got = plain(given)
    assert got == expected and type(got) is type(expected)


def test_plain_shows_what_its_docstring_says():
    from mkba.scenario import changes

    run_doctests(plain, changes)


# -- the same footing, checked in code -----------------------------------------------------------------
def test_a_project_changed_in_code_off_footing_is_told_to_use_with_changes():
    project = mkba.load_project(PROJECT)
    alt = project.alternatives[0]
    alt.scenario = alt.scenario.with_changes(set={"discount_rate": 0.055})
    with pytest.raises(MkbaError) as caught:
        project.check_footing()
    exc = caught.value
    assert exc.message.endswith(
        "alternatives are valued on the same footing: set it for every alternative with "
        "Project.with_changes(set={'discount_rate': ...})"
    )
    assert "project file" not in exc.message
    assert (exc.file, exc.line, exc.field) == (
        str(PROJECT),
        None,
        "alternatives[1].discount_rate",
    )


def test_the_footing_check_is_public_and_says_a_line_where_it_is_given_one():
    scenario = mkba.load_scenario(TUTORIAL)
    other = scenario.with_changes(set={"discount_rate": 0.04})
    rows = [("a", scenario, ()), ("b", scenario, ()), ("c", other, {"discount_rate"})]
    asked = []

    def line_of(path: tuple) -> int:
        asked.append(path)
        return 12

    with pytest.raises(MkbaError) as caught:
        check_same_footing(rows, file="p.yaml", line_of=line_of)
    assert asked == [("alternatives", 2, "set", "discount_rate")]  # 'c' sets it: at its set: line
    assert (caught.value.file, caught.value.line, caught.value.field) == (
        "p.yaml",
        12,
        "alternatives[2].discount_rate",
    )
    assert caught.value.message.endswith(IN_THE_FILE.format(key="discount_rate"))
    check_same_footing(rows, given={"discount_rate"})  # a setting given for all is not compared
    with pytest.raises(MkbaError) as in_code:
        check_same_footing(rows, remedy=IN_CODE)
    assert in_code.value.line is None
    assert in_code.value.message.endswith("Project.with_changes(set={'discount_rate': ...})")
    from mkba.scenario import project

    run_doctests(check_same_footing, project)


# -- one "did you mean" -------------------------------------------------------------------------------
@pytest.mark.parametrize("function", [close_match, did_you_mean])
def test_the_did_you_mean_helpers_show_what_they_say(function):
    run_doctests(function, documents)


def test_did_you_mean_is_the_one_wording():
    assert did_you_mean("yaer", ["year", "once"]) == "; did you mean 'year'?"
    assert did_you_mean("zzz", ["year"]) == ""
    assert close_match("quanity", {"quantity", "unit"}) == "quantity"


def test_a_misspelt_required_key_is_said_once_as_the_unknown_key(tmp_path):
    data = yaml.safe_load(TUTORIAL.read_text(encoding="utf-8"))
    line = data["effects"][0]
    line["quanity"] = line.pop("quantity")
    path = tmp_path / "s.yaml"
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    with pytest.raises(MkbaError) as caught:
        mkba.load_scenario(path)
    assert "unknown key 'quanity'; did you mean 'quantity'?" in caught.value.message
    assert "required but missing" not in str(caught.value)


# -- the defaults taken, in one wording ----------------------------------------------------------------
def test_mkba_run_says_the_defaults_in_the_reports_words():
    path = ROOT / "scenarios" / "buuv-haarlem.yaml"
    words = defaults_used(mkba.evaluate(path, lang="en"))
    assert words and words[0] == "base year = 2014 (default: the start year)"
    done = invoke_cli("run", str(path), "--lang", "en")
    assert done.returncode == 0, done
    assert " ".join("; ".join(words).split()) in " ".join(done.stdout.split())
