"""Strict reading of YAML/TOML/JSON (mkba.io.documents)."""

from pathlib import Path

import pytest

from mkba.errors import MkbaError
from mkba.io.documents import parse_yaml, read_document, validate
from mkba.pricelist.items import PriceListFile
from mkba.pricelist.registry import Registry
from mkba.scenario.model import load_scenario

DATA = Path(__file__).parent / "data"
EXAMPLES = Path(__file__).resolve().parents[1] / "scenarios"


def test_duplicate_key_is_rejected_with_its_line():
    text = "name: a\nversion: '1'\nname: b\n"
    with pytest.raises(MkbaError) as info:
        parse_yaml(text, "dup.yaml")
    assert info.value.line == 3
    assert info.value.file == "dup.yaml"
    assert "duplicate key 'name'" in info.value.message
    assert "first given on line 1" in info.value.message


def test_duplicate_key_in_a_nested_mapping_names_its_field():
    text = "items:\n  - id: a\n    amount: 1\n    amount: 2\n"
    with pytest.raises(MkbaError) as info:
        parse_yaml(text)
    assert info.value.line == 4
    assert info.value.field == "items[0].amount"


def test_duplicate_key_in_json_is_rejected(tmp_path):
    path = tmp_path / "dup.json"
    path.write_text('{"a": 1, "a": 2}')
    with pytest.raises(MkbaError, match="duplicate key 'a'"):
        read_document(path)


@pytest.mark.parametrize("word", ["no", "yes", "on", "off", "No", "Y", "n"])
def test_yaml_1_1_booleans_stay_text(word):
    assert parse_yaml(f"answer: {word}\n").data == {"answer": word}


def test_true_and_false_are_booleans():
    assert parse_yaml("a: true\nb: false\n").data == {"a": True, "b": False}


def test_leading_zero_reads_as_decimal():
    data = parse_yaml("a: 012\nc: -08\n").data
    assert data == {"a": 12, "c": -8}
    assert isinstance(data["a"], int)


@pytest.mark.parametrize("number", ["5_0", "0x5", "0o5", "0b1", "0_12", "1_000.5", "-0x1F", "0o17"])
@pytest.mark.parametrize("positions", [False, True])
def test_numbers_not_plain_decimal_are_refused_at_their_line_by_both_parsers(number, positions):
    # docs/formats.md: integers are decimal; `horizon: 5_0` once ran 50 years
    with pytest.raises(MkbaError, match="not a plain decimal number") as exc:
        parse_yaml(f"name: x\nhorizon: {number}\n", "s.yaml", positions=positions)
    assert (exc.value.file, exc.value.line, exc.value.field) == ("s.yaml", 2, "horizon")
    with pytest.raises(MkbaError, match="not a plain decimal number") as exc:
        parse_yaml(f"participants:\n  {number}: 3\n", "s.yaml", positions=positions)
    assert exc.value.line == 2
    assert parse_yaml(f"a: '{number}'\nb: +5\nc: Tabel {number}\n").data == {
        "a": number,
        "b": 5,
        "c": f"Tabel {number}",
    }


@pytest.mark.parametrize("positions", [False, True])
@pytest.mark.parametrize(
    "text, line",
    [
        ('participants: {2025: 10, "02025": 1000}\n', 1),
        ('participants:\n  2026: 60\n  "2026": 6000\n', 3),
        ('participants:\n  "2026": 60\n  "02026": 6000\n', 3),
    ],
)
def test_the_same_year_spelt_two_ways_is_a_duplicate_key_in_yaml(text, line, positions):
    with pytest.raises(MkbaError, match=r"duplicate key .*the same key as") as exc:
        parse_yaml(text, "s.yaml", positions=positions)
    assert (exc.value.line, exc.value.field.split(".")[0]) == (line, "participants")


@pytest.mark.parametrize(
    "name, text, line",
    [
        ("p.json", '{\n "participants": {"2025": 10,\n  "02025": 1000}\n}', 3),
        ("p.toml", 'name = "x"\n[participants]\n2025 = 10\n"02025" = 1000\n', 4),
    ],
)
def test_the_same_year_spelt_two_ways_is_a_duplicate_key_in_json_and_toml(tmp_path, name, text, line):
    from mkba.io.documents import read_document

    (tmp_path / name).write_text(text)
    with pytest.raises(MkbaError, match="duplicate key '02025': the same key as '2025'") as exc:
        read_document(tmp_path / name)
    assert (exc.value.line, exc.value.field) == (line, "participants.02025")


@pytest.mark.parametrize("positions", [False, True])
@pytest.mark.parametrize(
    "text, keys",
    [
        ('investors: {"1": a, "01": b}\n', ["1", "01"]),
        ('stakeholders:\n  "7": a\n  "007": b\n  "0007": c\n', ["7", "007", "0007"]),
        (
            'codes: {"02025": a, "002025": b, "12025": c, "012025": d}\n',
            ["02025", "002025", "12025", "012025"],
        ),
    ],
)
def test_codes_of_digits_stay_distinct_keys(text, keys, positions):
    data = parse_yaml(text, "s.yaml", positions=positions).data
    assert [list(inner) for inner in data.values()] == [keys]


@pytest.mark.parametrize(
    "name, text",
    [
        ("c.json", '{"investors": {"1": "a", "01": "b", "001": "c"}}'),
        ("c.toml", '[investors]\n1 = "a"\n"01" = "b"\n001 = "c"\n'),
    ],
)
def test_codes_of_digits_stay_distinct_keys_in_json_and_toml(tmp_path, name, text):
    (tmp_path / name).write_text(text)
    assert list(read_document(tmp_path / name).data["investors"]) == ["1", "01", "001"]


@pytest.mark.parametrize("positions", [False, True])
@pytest.mark.parametrize(
    "text, first, second",
    [
        ('a: {1: x, "01": y}\n', 1, "01"),  # an integer key and a text that reads as it
        ('a: {"01": x, 1: y}\n', "01", 1),
        ('a: {"02025": x, "2025": y}\n', "02025", "2025"),  # a year and the same year spelt with a 0
    ],
)
def test_a_number_and_a_text_of_the_same_number_are_still_one_key(text, first, second, positions):
    with pytest.raises(MkbaError, match=f"duplicate key {second!r}: the same key as {first!r}"):
        parse_yaml(text, "s.yaml", positions=positions)


def test_check_data_on_python_data_keeps_codes_apart_and_years_together():
    from mkba.io.documents import Document, check_data

    check_data(Document({"a": {"1": 1, "01": 2, "0001": 3}}, "<dict>"))
    with pytest.raises(MkbaError, match="duplicate key '02025': the same key as 2025"):
        check_data(Document({"a": [{2025: 1, "02025": 2}]}, "<dict>"))


def test_a_scenario_with_a_year_given_twice_is_refused(tmp_path):
    text = (EXAMPLES / "tutorial.yaml").read_text().replace("  2026: 60\n", '  2026: 60\n  "2026": 6000\n')
    (tmp_path / "s.yaml").write_text(text)
    with pytest.raises(MkbaError, match="duplicate key '2026'") as exc:
        load_scenario(tmp_path / "s.yaml")
    assert text.splitlines()[exc.value.line - 1] == '  "2026": 6000'


def test_json_and_toml_validation_errors_name_the_line(tmp_path):
    (tmp_path / "s.json").write_text(
        '{\n "format": "mkba-scenario/1",\n "name": "x",\n "start_year": 2025,\n'
        ' "horizon": 2,\n "participants": {"2025": -1}\n}\n'
    )
    with pytest.raises(MkbaError) as exc:
        load_scenario(tmp_path / "s.json")
    assert exc.value.line == 6
    (tmp_path / "s.toml").write_text(
        'format = "mkba-scenario/1"\nname = "x"\nstart_year = 2025\nhorizon = 2\n\n'
        '[[costs]]\nid = "a"\npayer = "gemeente"\namount = 10\nper = "once"\nyear = 2025\n\n'
        '[[costs]]\nid = "b"\npayer = "gemeente"\namount = -10\nper = "once"\nyear = 2025\n'
    )
    with pytest.raises(MkbaError) as exc:
        load_scenario(tmp_path / "s.toml")
    assert (exc.value.line, exc.value.field) == (16, "costs[1].amount (id 'b')")


def test_json_and_toml_syntax_errors_name_the_line(tmp_path):
    from mkba.io.documents import read_document

    (tmp_path / "a.toml").write_text('name = "x"\nhorizon = = 3\n')
    with pytest.raises(MkbaError, match="not valid TOML") as exc:
        read_document(tmp_path / "a.toml")
    assert exc.value.line == 2 and "(at line" not in exc.value.message
    (tmp_path / "a.json").write_text('{"a": 1,\n "a": 2}')
    with pytest.raises(MkbaError, match="duplicate key 'a'") as exc:
        read_document(tmp_path / "a.json")
    assert exc.value.line == 2


@pytest.mark.parametrize("name", ["n.json", "n.yaml", "n.toml"])
def test_a_number_too_long_is_said_so(tmp_path, name):
    from mkba.io.documents import read_document

    digits = "9" * 5000
    text = {"n.json": '{"a": 1,\n "b": %s}', "n.yaml": "a: 1\nb: %s\n", "n.toml": "a = 1\nb = %s\n"}[name]
    (tmp_path / name).write_text(text % digits)
    with pytest.raises(MkbaError, match="number too long") as exc:
        read_document(tmp_path / name)
    assert exc.value.line == 2 and "sys.set_int_max_str_digits" not in str(exc.value)


def test_a_file_of_another_format_says_which_it_is():
    from mkba.pricelist.registry import load_pricelist

    with pytest.raises(
        MkbaError, match="this is a mkba-scenario/1 file; expected a mkba-pricelist/1 file"
    ) as exc:
        load_pricelist(EXAMPLES / "tutorial.yaml")
    assert exc.value.field == "format" and exc.value.line == 7


def test_unquoted_dates_and_times_stay_text():
    data = parse_yaml("published: 2024-06-01\nat: 2024-06-01 10:00:00\n").data
    assert data == {"published": "2024-06-01", "at": "2024-06-01 10:00:00"}


def test_lines_are_recorded_per_key_and_item():
    doc = parse_yaml("a: 1\nitems:\n  - id: x\n    amount: 3\n  - id: y\n")
    assert doc.lines[("a",)] == 1
    assert doc.lines[("items", 0, "amount")] == 4
    assert doc.lines[("items", 1)] == 5
    assert doc.line_of(("items", 1, "missing")) == 5


def test_invalid_yaml_names_the_line():
    with pytest.raises(MkbaError) as info:
        parse_yaml("a: [1, 2\nb: 3\n", "bad.yaml")
    assert info.value.file == "bad.yaml"
    assert info.value.line is not None and "not valid YAML" in info.value.message


def test_unknown_key_names_its_line_and_the_nearest_key(tmp_path):
    text = (DATA / "pl_small.yaml").read_text().replace("    amount: 32.5", "    amout: 32.5")
    path = tmp_path / "typo.yaml"
    path.write_text(text)
    line = text.splitlines().index("    amout: 32.5") + 1
    with pytest.raises(MkbaError) as info:
        validate(PriceListFile, read_document(path))
    assert info.value.line == line
    assert info.value.file == str(path)
    assert "unknown key 'amout'" in info.value.message
    assert "did you mean 'amount'?" in info.value.message
    assert info.value.field.startswith("items[0].amout")


def test_toml_json_and_yaml_of_the_same_shape_load_to_an_equal_list():
    lists = [
        Registry(include_bundled=False).load(DATA / f"pl_small.{suffix}")
        for suffix in ("yaml", "toml", "json")
    ]
    assert len(lists[0]) == 2
    for other in lists[1:]:
        assert other.items == lists[0].items
        assert other.published == lists[0].published


def test_missing_file_is_an_mkba_error(tmp_path):
    with pytest.raises(MkbaError, match="file not found"):
        read_document(tmp_path / "nope.yaml")


def test_empty_file_is_an_mkba_error():
    with pytest.raises(MkbaError, match="empty"):
        parse_yaml("", "empty.yaml")


# -- the fast and the strict parser read the same YAML 1.2 ------------------------------------------
ROOT_DIR = __import__("pathlib").Path(__file__).resolve().parents[1]
YAML_FILES = sorted(
    p
    for folder in ("pricelists", "scenarios", "tests/data")
    for p in (ROOT_DIR / folder).rglob("*.y*ml")
    if p.parent.name != "bad"  # the catalogue of bad inputs: tests/test_bad_inputs.py
)


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT_DIR)))
def test_fast_and_strict_parsers_agree_on_every_yaml_file(path):
    from mkba.io.documents import _strict_parse, parse_yaml

    raw = path.read_bytes()
    try:
        strict = _strict_parse(raw, str(path))[0]
    except MkbaError as exc:  # a fixture that is broken on purpose: the fast path must refuse it too
        with pytest.raises(MkbaError) as fast_exc:
            parse_yaml(raw, str(path))
        assert fast_exc.value.line == exc.line
        return
    assert repr(parse_yaml(raw, str(path)).data) == repr(strict)  # repr: a NaN equals a NaN


def _no_strict_parse(monkeypatch):
    import mkba.io.documents as documents

    def refuse(*args, **kwargs):
        raise AssertionError("the strict parser ran")

    monkeypatch.setattr(documents, "_strict_parse", refuse)


@pytest.mark.parametrize(
    "extra",
    [
        "# tabel 2019_2020, zie 0x5\n",
        "note: 'Tabel 5_0 en 0o17'\n",
        'note: "2019_2020"\n',
        "note: tabel 2019_2020 # 0b1\n",
        "groups: [0-18_jaar, 19-65_jaar, '0x1F']\n",
        "0-18_jaar: kinderen\n",
        "note: prijzen 2019_2020\n",
        "url: https://example.org/a_0x5?b=5_0\n",
    ],
)
def test_a_comment_or_text_with_a_number_like_part_keeps_the_fast_parser(monkeypatch, extra):
    text = (DATA / "pl_small.yaml").read_text(encoding="utf-8")
    expected = parse_yaml(text).data
    expected_extra = parse_yaml(extra + "x: 1\n", positions=True).data  # the strict parser: text
    expected_extra.pop("x")
    _no_strict_parse(monkeypatch)
    assert parse_yaml(extra + text).data == {**expected_extra, **expected}
    assert parse_yaml(text + extra).data == {**expected, **expected_extra}


def test_the_fast_path_still_sends_a_plain_number_form_to_the_strict_parser(monkeypatch):
    _no_strict_parse(monkeypatch)
    with pytest.raises(AssertionError, match="the strict parser ran"):
        parse_yaml("note: x # 2019_2020\nhorizon: 5_0\n")


def test_the_scan_finds_every_number_the_strict_parser_refuses():
    """The cheap scan of the bytes must see every plain number form the strict parser refuses
    (a false alarm only costs time): tried in every place a plain scalar may stand."""
    import itertools

    from mkba.io.documents import _may_hold_number_form, _strict_parse

    numbers = ["5_0", "-0x1F", "+0o17", "0b1", "1_000.5", ".5_0", "1e1_0", "0_12", "0x"]
    places = [
        "a: {}\n", "a:   {}  # note\n", "a:\n  {}\n", "- {}\n", "- - {}\n", "a:\n  - {}\n",
        "{}: 1\n", "a:\n  {} : 1\n", "a: [1,{}]\n", "a: [{} , 1]\n", "a: {{b: {}}}\n",
        'a: {{"b":{}}}\n', "a: [\n  {}\n]\n", "a: &x {}\n", "a: !!str {}\n", "? {}\n: 1\n",
        "--- {}\n", "\ufeff{}: 1\n", "a: {}\r\nb: 1\r\n", "a: {}", "a: {{{}: 1}}\n", "a: 1\r{}: 2\r",
    ]  # fmt: skip
    for number, place in itertools.product(numbers, places):
        raw = place.format(number).encode()
        with pytest.raises(MkbaError, match="not a plain decimal number"):
            _strict_parse(raw, "x")
        assert _may_hold_number_form(raw), raw
        assert _may_hold_number_form(b"# 2019_2020\nb: '0x5'\n" + raw.removeprefix(b"\xef\xbb\xbf")), raw


@pytest.mark.parametrize(
    "text, expected",
    [
        ("a: 1e5", 100000.0),
        ("a: .inf", float("inf")),
        ("a: +12", 12),
        ("a: 2024-06-01", "2024-06-01"),
        ("a: Yes", "Yes"),
        ("a: FALSE", False),
        ("a: ~", None),
        ("a: '012'", "012"),
        ("a: 012", 12),
    ],
)
def test_scalars_read_as_yaml_1_2_core_by_both_parsers(text, expected):
    from mkba.io.documents import _strict_parse, parse_yaml

    assert parse_yaml(text).data == {"a": expected}
    assert _strict_parse(text.encode(), "x")[0] == {"a": expected}


def test_lines_are_found_lazily_after_a_fast_parse():
    from mkba.io.documents import parse_yaml

    doc = parse_yaml("a: 1\nb:\n  c: [1, 2]\n  d: x\n")
    assert doc._lines is None  # nothing computed yet: the fast path records no positions
    assert doc.line_of(("b", "d")) == 4
    assert doc.line_of(("b", "c", 1)) == 3


def test_a_duplicate_key_names_both_lines_on_the_fast_path():
    from mkba.io.documents import parse_yaml

    with pytest.raises(MkbaError) as exc:
        parse_yaml("a: 1\nb: 2\na: 3\n", "f.yaml")
    assert exc.value.line == 3 and "first given on line 1" in exc.value.message


def test_an_alias_inside_itself_is_one_message_not_a_recursion_error():
    from mkba.io.documents import parse_yaml

    doc = parse_yaml("a: &a [1, *a]\n", "rec.yaml")
    with pytest.raises(MkbaError) as exc:
        doc.line_of(("a", 1))
    assert exc.value.line == 1 and "alias" in exc.value.message


def test_a_relative_price_list_is_found_next_to_the_scenario_wherever_it_runs(
    tmp_path, core_pricelist_path, monkeypatch
):
    """``pricelist: ./lijst.yaml`` names the file beside the scenario, as a project names its scenarios."""
    import shutil

    import mkba

    root = Path(__file__).resolve().parents[1]
    sub = tmp_path / "sub"
    sub.mkdir()
    shutil.copy(core_pricelist_path, sub / "lijst.yaml")
    text = (root / "tests" / "data" / "core_scenario.yaml").read_text(encoding="utf-8")
    (sub / "s.yaml").write_text("pricelist: ./lijst.yaml\n" + text, encoding="utf-8")
    elsewhere = tmp_path / "elders"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)  # no lijst.yaml here
    result = mkba.evaluate(sub / "s.yaml")
    assert result.model.pricelist.sha256 == mkba.load_pricelist(sub / "lijst.yaml").sha256
    assert mkba.load_scenario(sub / "s.yaml").pricelist == "./lijst.yaml"  # as written


def test_a_relative_price_list_not_beside_the_scenario_says_where_it_was_looked_for(
    tmp_path, core_pricelist_path, monkeypatch
):
    """A relative list was read from the current folder before: the message gives the rule and the path."""
    import shutil

    import mkba

    root = Path(__file__).resolve().parents[1]
    (tmp_path / "sub").mkdir()
    shutil.copy(
        core_pricelist_path, tmp_path / "lijst.yaml"
    )  # in the current folder, not beside the scenario
    text = (root / "tests" / "data" / "core_scenario.yaml").read_text(encoding="utf-8")
    (tmp_path / "sub" / "s.yaml").write_text("pricelist: ./lijst.yaml\n" + text, encoding="utf-8")
    monkeypatch.chdir(tmp_path)
    with pytest.raises(mkba.MkbaError, match="read from the folder of the file that names it") as info:
        mkba.evaluate("sub/s.yaml")
    assert (info.value.line, info.value.field) == (1, "pricelist") and "'../lijst.yaml'" in info.value.message
