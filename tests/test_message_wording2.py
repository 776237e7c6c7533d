"""Messages of a new user's second review: distributions, unknown keys and lines speak alike.

- A distribution's errors read like every other field's (``expected ..., got ...``, ``unknown key
  'hi'; did you mean 'high'?``, ``this field is required but missing``), at the distribution's line.
- A distribution's parameters are numbers, never text, as every other number of a scenario.
- An unknown key without a close match is followed by ``; expected one of: ...``.
- An unknown price item and a unit that does not convert name the line's id, as other line messages do.
"""

from __future__ import annotations

import re
from pathlib import Path

import pydantic
import pytest

import mkba
from mkba.errors import MkbaError
from mkba.io import documents

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = (ROOT / "scenarios" / "tutorial.yaml").read_text(encoding="utf-8")
#: The tutorial's first distribution, on the line 'minder-bijstand'.
SUCCESS = "    success: {dist: uniform, low: 0.2, high: 0.4}"
#: pydantic's own wording, which a message of mkba never shows.
RAW = re.compile(r"Field required|Input should|Extra inputs|are not permitted|valid number")


def _written(tmp_path: Path, old: str, new: str) -> tuple[Path, int]:
    """The tutorial with its first ``old`` replaced by ``new``, and the line ``new`` starts on."""
    assert old in TUTORIAL, old
    text = TUTORIAL.replace(old, new, 1)
    path = tmp_path / "s.yaml"
    path.write_text(text, encoding="utf-8")
    return path, text[: text.index(new)].count("\n") + 1


def _load_error(tmp_path: Path, old: str, new: str) -> tuple[MkbaError, int]:
    path, line = _written(tmp_path, old, new)
    with pytest.raises(MkbaError) as info:
        mkba.load_scenario(path)
    return info.value, line


@pytest.mark.parametrize(
    ("success", "message"),
    [
        (
            "{dist: uniform, low: 0.2, hi: 0.4}",
            "invalid distribution: unknown key 'hi'; did you mean 'high'? Expected one of: dist, high, low",
        ),
        (
            "{dist: triangular, low: 0.1, mode: 0.2, hi: 0.4}",
            "invalid distribution: unknown key 'hi'; did you mean 'high'? Expected one of: dist, high, low, mode",
        ),
        (
            "{dist: pert, low: 0.2, high: 0.4}",
            "invalid distribution: mode: this field is required but missing",
        ),
        ("{dist: normal, mean: 0.3, sd: -0.1}", "invalid distribution: sd: expected a number > 0, got -0.1"),
        (
            "{dist: uniform, low: 0.2, high: 0.4, mode: 0.3}",
            "invalid distribution: unknown key 'mode'; expected one of: dist, high, low",
        ),
        ("{dist: beta, a: 2, b: 0}", "invalid distribution: b: expected a number > 0, got 0"),
    ],
)
def test_a_distribution_error_reads_like_every_other_field(tmp_path, success, message):
    err, line = _load_error(tmp_path, SUCCESS, f"    success: {success}")
    assert err.message == message
    assert not RAW.search(str(err)), str(err)
    assert err.line == line
    assert err.field == "effects[1].success (id 'minder-bijstand')"


def test_a_misspelt_key_of_a_distribution_is_said_once(tmp_path):
    # 'hi' for 'high': the unknown key names the field, so 'high' is not also said to be missing
    err, _ = _load_error(tmp_path, SUCCESS, "    success: {dist: uniform, low: 0.2, hi: 0.4}")
    assert "'hi'" in err.message and "high" in err.message
    assert "missing" not in err.message and "also:" not in err.message


def test_a_wrong_dist_still_lists_the_distributions(tmp_path):
    err, _ = _load_error(tmp_path, SUCCESS, "    success: {dist: unifrom, low: 0.2, high: 0.4}")
    assert err.message == (
        "invalid distribution: expected dist: triangular, uniform, pert, normal or beta; "
        "got 'unifrom', did you mean 'uniform'?"
    )


def test_describe_errors_is_the_wording_of_a_file():
    class Range(pydantic.BaseModel):
        model_config = pydantic.ConfigDict(extra="forbid")
        low: float
        high: float

    with pytest.raises(pydantic.ValidationError) as info:
        Range.model_validate({"low": [1], "hi": 1})
    assert [words for _, words in documents.describe_errors(info.value.errors(), Range)] == [
        "unknown key 'hi'; did you mean 'high'? Expected one of: high, low",
        "expected a number, got a list",
    ]


@pytest.mark.parametrize(
    ("success", "message"),
    [
        ("{dist: uniform, low: '0.2', high: 0.4}", "invalid distribution: low: expected a number, got '0.2'"),
        (
            "{dist: pert, low: 0.1, mode: '0.2', high: 0.4}",
            "invalid distribution: mode: expected a number, got '0.2'",
        ),
        ("{dist: uniform, low: true, high: 0.4}", "invalid distribution: low: expected a number, got true"),
        ("{dist: normal, mean: 0.3, sd: '0.1'}", "invalid distribution: sd: expected a number, got '0.1'"),
        (
            "{dist: normal, mean: 0.3, sd: 0.1, clip: ['0', 1]}",
            "invalid distribution: clip[0]: expected a number, got '0'",
        ),
        ("{dist: beta, a: 2, b: '8'}", "invalid distribution: b: expected a number, got '8'"),
    ],
)
def test_a_parameter_of_a_distribution_given_as_text_is_refused(tmp_path, success, message):
    # as amount: '25000' is refused as text, so is low: '0.2'
    err, line = _load_error(tmp_path, SUCCESS, f"    success: {success}")
    assert err.message == message
    assert err.line == line


def test_a_distribution_built_in_code_takes_numbers_only():
    with pytest.raises(pydantic.ValidationError):
        mkba.Uniform(dist="uniform", low="0.2", high=0.4)
    assert mkba.Uniform(dist="uniform", low=0, high=1).mean == 0.5  # a whole number is a number


def test_an_unknown_key_without_a_close_match_is_followed_by_a_separator(tmp_path):
    err, _ = _load_error(tmp_path, "horizon: 5\n", "xyzzy: 5\n")
    assert err.message.startswith("unknown key 'xyzzy'; expected one of: ")
    assert " Expected" not in err.message.split("\n")[0]


def test_an_unknown_key_with_a_close_match_keeps_its_question(tmp_path):
    err, _ = _load_error(tmp_path, "horizon: 5\n", "horizn: 5\n")
    assert err.message.startswith("unknown key 'horizn'; did you mean 'horizon'? Expected one of: ")


def _evaluate_error(tmp_path: Path, old: str, new: str) -> tuple[MkbaError, int]:
    path, line = _written(tmp_path, old, new)
    scenario = mkba.load_scenario(path)
    with pytest.raises(MkbaError) as info:
        mkba.evaluate(scenario)
    return info.value, line


def test_an_unknown_price_item_names_the_line_id(tmp_path):
    old = "    item: maatschappelijk-werk-consult"
    err, line = _evaluate_error(tmp_path, old, "    item: maatschappelijk-werk-consul")
    assert err.field == "costs[3].item (id 'coaching')"
    assert err.message.startswith("unknown price item 'maatschappelijk-werk-consul'")
    assert err.line == line


def test_a_unit_that_does_not_convert_names_the_line_id(tmp_path):
    old = "    unit: contact "
    err, line = _evaluate_error(tmp_path, old, "    unit: hour    ")
    assert err.field == "effects[0].unit (id 'minder-huisartsbezoek')"
    assert err.message.startswith("cannot convert 'hour' to 'contact'")
    assert err.line == line
