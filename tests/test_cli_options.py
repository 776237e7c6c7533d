"""Options are said in mkba's one line: bad values Typer checks, empty paths, the API's fields.

Each test runs the command line in process and asserts exit code 2, one line on standard error in
mkba's form (``error: <option>: <what was expected>``), the option named, and no traceback.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import invoke_cli

from mkba.errors import MkbaError

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"
VARIANTS = ROOT / "scenarios" / "tutorial-varianten.csv"
RIKERS = ROOT / "scenarios" / "sib" / "nyc-rikers-able.yaml"


def one_line(done, start: str, *words: str) -> None:
    """Exit code 2 and one message in mkba's form, starting with ``error: <start>``."""
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and "Usage:" not in done.stderr, done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    assert done.stderr.startswith(f"error: {start}"), done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


# -- a value Typer converts: choices and numbers -------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "start", "expected"),
    [
        (["run", TUTORIAL, "--lang", "fr"], "--lang", "expected 'nl' or 'en', got 'fr'"),
        (["check", TUTORIAL, "--lang", "de"], "--lang", "expected 'nl' or 'en', got 'de'"),
        (["sib", RIKERS, "--lang", "fr"], "--lang", "expected 'nl' or 'en', got 'fr'"),
        (["pricelist", "list", "--lang", "fr"], "--lang", "expected 'nl' or 'en', got 'fr'"),
        (
            ["pricelist", "show", "nl-sociaal-domein", "--format", "xml"],
            "--format",
            "expected 'table', 'csv', 'json' or 'md', got 'xml'",
        ),
        (["schema", "foo"], "KIND", "expected 'scenario', 'pricelist' or 'project', got 'foo'"),
        (["run", TUTORIAL, "--simulate", "abc"], "--simulate", "expected a whole number, got 'abc'"),
        (["run", TUTORIAL, "--simulate", "1e3"], "--simulate", "expected a whole number, got '1e3'"),
        (["run", TUTORIAL, "--discount-rate", "abc"], "--discount-rate", "expected a number, got 'abc'"),
        (["run", TUTORIAL, "--seed", "x"], "--seed", "expected a whole number, got 'x'"),
        (["run", TUTORIAL, "--price-year", "20x"], "--price-year", "expected a whole number, got '20x'"),
        (["run", TUTORIAL, "--chunk-size", "1.5"], "--chunk-size", "expected a whole number, got '1.5'"),
        (["run", TUTORIAL, "--workers", "two"], "--workers", "expected a whole number, got 'two'"),
        (["sib", RIKERS, "--simulate", "x"], "--simulate", "expected a whole number, got 'x'"),
        (["report", TUTORIAL, "-o", "r.html", "--seed", "x"], "--seed", "expected a whole number"),
        (
            ["pricelist", "show", "nl-sociaal-domein", "--price-year", "x"],
            "--price-year",
            "expected a whole number, got 'x'",
        ),
    ],
)
def test_a_value_typer_cannot_convert_is_said_in_mkbas_one_line(tmp_path, args, start, expected):
    done = invoke_cli(*args, cwd=tmp_path)
    one_line(done, f"{start}: {expected}")
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(
    ("args", "start", "words"),
    [
        (["run"], "SCENARIO: required, not given", ["mkba run --help"]),
        (["batch", TUTORIAL, "--changes", VARIANTS], "--output: required, not given", []),
        (["run", TUTORIAL, "--jsn", "x.json"], "--jsn: no such option; did you mean --json?", []),
        (["run", TUTORIAL, "-h"], "-h: no such option; did you mean --help?", ["mkba run --help"]),
        (["sib", TUTORIAL, "-x"], "-x: no such option", ["mkba sib --help"]),
        (["run", TUTORIAL, "--simulate"], "--simulate: expected a value after the option", []),
        (["run", TUTORIAL, "--tornado=yes"], "--tornado: takes no value", []),
        (["run", TUTORIAL, "extra"], "got unexpected extra argument(s) (extra)", ["mkba run --help"]),
        (["nosuch"], "no such command 'nosuch'", ["mkba --help"]),
    ],
)
def test_other_usage_errors_are_one_line_too(args, start, words):
    one_line(invoke_cli(*args), start, *words)


def test_a_group_without_its_command_still_shows_its_help():
    done = invoke_cli("pricelist")
    assert "Usage:" in done.stdout + done.stderr and "error:" not in done.stderr


@pytest.mark.parametrize(
    ("args", "usage"),
    [
        ([], "mkba [OPTIONS] COMMAND [ARGS]..."),
        (["run"], "mkba run [OPTIONS] SCENARIO"),
        (["sib"], "mkba sib [OPTIONS] SCENARIO"),
        (["report"], "mkba report [OPTIONS] SOURCE"),
        (["batch"], "mkba batch [OPTIONS] BASE"),
        (["check"], "mkba check [OPTIONS] FILES..."),
        (["schema"], "mkba schema [OPTIONS] [KIND]"),
        (["pricelist"], "mkba pricelist [OPTIONS] COMMAND [ARGS]..."),
        (["pricelist", "diff"], "mkba pricelist diff [OPTIONS] A B"),
    ],
)
def test_help_shows_no_type_after_a_switch_and_arguments_in_capitals(args, usage):
    # Typer showed "--help <bool>" (and "--version <bool>") and "Usage: mkba run [OPTIONS] {scenario}"
    done = invoke_cli(*args, "--help")
    assert done.returncode == 0, done.stderr
    assert f"Usage: {usage} " in done.stdout, done.stdout
    assert "<bool>" not in done.stdout and not re.search(r"\{[a-z_]+\}", done.stdout), done.stdout
    assert re.search(r"--help +Show this message and exit", done.stdout), done.stdout
    options = [line for line in done.stdout.splitlines() if re.match(r"^│ +(\* +)?--", line)]
    # an option says what it takes (N, FILE, [ID=]LEVEL), not Typer's <int>, <path> or <list[str]>
    assert not [line for line in options if re.search(r"<(int|float|str|path|list\[\w+\])>", line)], options
    if args and args != ["pricelist"]:  # the command's arguments in its panel, as in its usage line
        for name in usage.split("[OPTIONS] ")[1].replace("[", "").replace("]", "").split():
            row = re.search(rf"^│ [ *]+{re.escape(name.rstrip('.'))} .*$", done.stdout, re.M)
            assert row, (name, done.stdout)
            # its help, not Typer's type: "SCENARIO <path>" said nothing the help does not
            assert not re.search(r"<\w+>", row.group()), row.group()


# -- an empty path ---------------------------------------------------------------------------------------
@pytest.mark.parametrize("empty", ["", " "])
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["run", TUTORIAL, "--pricelists-dir", "{}"], "--pricelists-dir"),
        (["run", TUTORIAL, "--json", "{}"], "--json"),
        (["run", TUTORIAL, "--xlsx", "{}"], "--xlsx"),
        (["run", TUTORIAL, "--plots", "{}"], "--plots"),
        (["run", "{}"], "SCENARIO"),
        (["check", TUTORIAL, "{}"], "FILES"),
        (["check", TUTORIAL, "--pricelists-dir", "{}"], "--pricelists-dir"),
        (["pricelist", "list", "--pricelists-dir", "{}"], "--pricelists-dir"),
        (["pricelist", "export", "nl-sociaal-domein", "-o", "{}"], "--output"),
        (["pricelist", "import", "{}", "--mapping", "gmca-ucd-v1.4", "-o", "x.yaml"], "FILE"),
        (["pricelist", "import", VARIANTS, "--mapping", "{}", "-o", "x.yaml"], "--mapping"),
        (["report", TUTORIAL, "-o", "{}"], "--output"),
        (["report", TUTORIAL, "-o", "r.html", "--template", "{}"], "--template"),
        (["report", "{}", "-o", "r.html"], "SOURCE"),
        (["batch", TUTORIAL, "--changes", "{}", "-o", "o.csv"], "--changes"),
        (["batch", TUTORIAL, "--changes", VARIANTS, "-o", "{}"], "--output"),
        (["sib", RIKERS, "--json", "{}"], "--json"),
        (["sib", "{}"], "SCENARIO"),
    ],
)
def test_an_empty_path_is_refused_naming_the_option(tmp_path, args, option, empty):
    """``--pricelists-dir ""`` was read as the current folder, ``--json ""`` as the path '.'."""
    done = invoke_cli(*[empty if a == "{}" else a for a in args], cwd=tmp_path)
    one_line(done, f"{option}: expected ")
    assert f"got {empty!r}" in done.stderr, done.stderr
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


# -- the API's field said as the command's option ---------------------------------------------------------
def test_a_sheet_the_workbook_lacks_names_the_sheet_option(tmp_path):
    import openpyxl

    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "varianten"
    for n, row in enumerate(VARIANTS.read_text(encoding="utf-8").splitlines()):
        cells = row.split(",")
        sheet.append(cells if n == 0 else [cells[0], *(float(c) if c else None for c in cells[1:])])
    table = tmp_path / "varianten.xlsx"
    book.save(table)
    out = tmp_path / "o.csv"
    done = invoke_cli("batch", TUTORIAL, "--changes", table, "-o", out, "--sheet", "nosuch")
    one_line(done, f"{table}: --sheet: the workbook has no sheet 'nosuch'")
    assert not out.exists()
    assert (
        invoke_cli("batch", TUTORIAL, "--changes", table, "-o", out, "--sheet", "varianten").returncode == 0
    )


def test_an_unknown_outcome_names_the_outcome_option():
    one_line(invoke_cli("sib", RIKERS, "--outcome", "nosuchid=3"), "--outcome: unknown outcome 'nosuchid'")


def test_the_wrapper_says_an_api_field_as_the_option_only_when_the_user_gave_it():
    """Every command runs in one wrapper (cli.app): an API error about a value an option gave names the option."""
    from mkba.cli import app
    from mkba.cli.batch import batch
    from mkba.cli.common import command_options
    from mkba.cli.run import run

    def said(fields, given, **where):
        with pytest.raises(MkbaError) as info, command_options(given, fields):
            raise MkbaError("wrong", **where)
        return info.value.field

    batch_fields = app._option_fields(batch, app.OPTION_FIELDS["batch"])
    assert said(batch_fields, {"sheet": "x"}, file="t.xlsx", field="sheet") == "--sheet"  # its workbook
    assert said(batch_fields, {"sheet": None}, file="t.xlsx", field="sheet") == "sheet"  # not given
    assert said(batch_fields, {"sheet": "x"}, file="t.csv", line=1, field="sheet") == "sheet"  # a column
    run_fields = app._option_fields(run, app.OPTION_FIELDS["run"])
    assert said(run_fields, {"price_year": 2100}, field="price_year") == "--price-year"
    assert said(run_fields, {"price_year": None}, field="price_year") == "price_year"  # the scenario's
    assert said(run_fields, {"price_year": 2100}, file="s.yaml", field="price_year") == "price_year"
    assert said(run_fields, {"break_even": ["x"]}, field="input") == "--break-even"


def test_an_error_about_a_value_no_option_gave_names_no_option(tmp_path):
    # the scenario's own figures (no --discount-rate, --pricelist or --outcome given)
    scenario = tmp_path / "s.yaml"
    text = TUTORIAL.read_text(encoding="utf-8").replace("discount_rate: 0.0225", "discount_rate: -0.99")
    scenario.write_text(text.replace("horizon: 5", "horizon: 200"), encoding="utf-8")
    done = invoke_cli("run", scenario)
    assert done.returncode == 2 and "--discount-rate" not in done.stderr, done.stderr


def test_a_files_own_field_named_like_an_option_keeps_its_name(tmp_path):
    # a scenario key 'levels' and a change-table column 'sheet' are the file's, said at their line
    scenario = tmp_path / "rikers.yaml"
    scenario.write_text(RIKERS.read_text(encoding="utf-8") + "levels: 3\n", encoding="utf-8")
    done = invoke_cli("sib", scenario)
    assert done.returncode == 2 and "--outcome" not in done.stderr and ": levels: " in done.stderr
    table = tmp_path / "ch.csv"
    table.write_text("id,sheet\na,1\n", encoding="utf-8")
    done = invoke_cli("batch", TUTORIAL, "--changes", table, "-o", tmp_path / "o.csv")
    assert done.returncode == 2 and "--sheet" not in done.stderr and f"{table}:1: sheet" in done.stderr


@pytest.mark.parametrize(
    ("args", "said"),
    [
        # Typer's lax conversion read these as 20, 1 and 2: a Dutch reader writes twenty thousand so
        (
            ["run", TUTORIAL, "--simulate", "20.000"],
            "--simulate: expected a whole number without '.' between thousands (20000)",
        ),
        (
            ["sib", RIKERS, "--simulate", "100.000"],
            "--simulate: expected a whole number without '.' between thousands (100000)",
        ),
        (
            ["run", TUTORIAL, "--seed", "1.000"],
            "--seed: expected a whole number without '.' between thousands (1000)",
        ),
        # 2000 is what was meant, but --workers takes at most 1024: no hint it would then refuse
        (
            ["batch", TUTORIAL, "--changes", VARIANTS, "-o", "x.csv", "--workers", "2.000"],
            "--workers: expected a whole number in [1, 1024] (without '.' between thousands), got '2.000'",
        ),
        (
            ["run", TUTORIAL, "--simulate", "1000", "--workers", "2.000"],
            "--workers: expected a whole number in [1, 1024] (without '.' between thousands), got '2.000'",
        ),
        (
            ["run", TUTORIAL, "--simulate", "1000", "--workers", "1.000"],
            "--workers: expected a whole number without '.' between thousands (1000), got '1.000'",
        ),
        (["run", TUTORIAL, "--simulate", "20.5"], "--simulate: expected a whole number, got '20.5'"),
        (
            ["run", TUTORIAL, "--simulate", "1_000.000"],
            "--simulate: expected a whole number, got '1_000.000'",
        ),
        (
            ["run", TUTORIAL, "--discount-rate", "0,03"],
            "--discount-rate: expected a number with a decimal point (0.03), got '0,03'",
        ),
    ],
)
def test_a_number_typed_the_dutch_way_is_refused_not_read_smaller(tmp_path, args, said):
    one_line(invoke_cli(*args, cwd=tmp_path), said)
    assert not (tmp_path / "x.csv").exists()


def test_a_number_suggested_for_one_typed_with_thousands_is_one_the_option_takes():
    from mkba.cli.app import _value_problem
    from mkba.cli.common import WHOLE_RANGES

    for option, (low, high) in WHOLE_RANGES.items():
        for typed in ("1.000", "2.000", "2.200", "20.000", "1.000.000", "9.999.999.999.999.999"):
            said = _value_problem(typed, "whole", (low, high))
            meant = int(typed.replace(".", ""))
            assert said is not None and (f"({meant})" in said) == (low <= meant <= high), (option, said)


def test_plain_numbers_still_read(tmp_path):
    done = invoke_cli(
        "run", TUTORIAL, "--simulate", "200", "--seed", "7", "--discount-rate", "0.03", cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    assert "200 trekkingen" in done.stdout


PETERBOROUGH = ROOT / "scenarios" / "sib" / "peterborough-one-service.yaml"


@pytest.mark.parametrize(
    ("args", "said"),
    [
        (["run", TUTORIAL, "--break-even", "nope"], "--break-even: unknown input 'nope'"),
        (["run", TUTORIAL, "--pricelist", "nope"], "--pricelist: no price list named 'nope'"),
        (
            ["run", TUTORIAL, "--price-year", "2100"],
            "--price-year: price year 2100 is outside the price index",
        ),
        (
            ["pricelist", "show", "nl-sociaal-domein", "--price-year", "2100"],
            "--price-year: price year 2100 is outside",
        ),
        (["sib", PETERBOROUGH, "--outcome", "cohort-1-reconvictions=1e300"], "--outcome: outcome level"),
        (
            ["sib", RIKERS, "--simulate", "0"],
            "--simulate: expected a value in [1, 1,000,000,000], got 0",
        ),
    ],
)
def test_an_api_error_about_an_option_names_the_option(tmp_path, args, said):
    done = invoke_cli(*args, cwd=tmp_path)
    one_line(done, said)
    if "1e300" in args:
        assert "GBP 10,000,000,000,000.00" in done.stderr  # the contract's currency, not EUR


def test_the_same_field_in_a_scenario_file_is_said_at_its_line(tmp_path):
    scenario = tmp_path / "s.yaml"
    scenario.write_text(
        TUTORIAL.read_text(encoding="utf-8").replace("price_year: 2024", "price_year: 2100"), encoding="utf-8"
    )
    done = invoke_cli("run", scenario)
    assert done.returncode == 2 and "--price-year" not in done.stderr and ": price_year: " in done.stderr


def test_a_command_misspelt_is_one_sentence_with_the_one_meant():
    done = invoke_cli("rn", "x")
    one_line(done, "no such command 'rn'; did you mean 'run'? (see 'mkba --help')")
    one_line(invoke_cli("foo. Bar"), "no such command 'foo. Bar' (see 'mkba --help')")  # as typed


@pytest.mark.parametrize(
    ("old", "new", "said"),
    [
        (
            "discount_rate: 0.0225",
            "discount_rate: 0,0225",
            "discount_rate: expected a number with a decimal point (0.0225), not a decimal comma",
        ),
        (
            "dist: uniform, low: 0.2",
            "dist: unifrom, low: 0.2",
            "expected dist: triangular, uniform, pert, normal or beta; got 'unifrom', did you mean 'uniform'?",
        ),
    ],
)
def test_a_scenario_number_or_distribution_mistyped_says_what_was_meant(tmp_path, old, new, said):
    text = TUTORIAL.read_text(encoding="utf-8")
    assert old in text
    scenario = tmp_path / "s.yaml"
    scenario.write_text(text.replace(old, new, 1), encoding="utf-8")
    done = invoke_cli("run", scenario)
    assert done.returncode == 2 and said in done.stderr, done.stderr


def test_an_outcome_level_with_a_decimal_comma_says_to_write_a_point():
    one_line(
        invoke_cli("sib", RIKERS, "--outcome", "cohort-2013-bed-days=7,5"),
        "--outcome: cohort-2013-bed-days: expected a number as the level, got '7,5' (write a decimal point: 7.5)",
    )


def test_check_on_a_change_table_says_what_it_is(tmp_path):
    one_line(invoke_cli("check", VARIANTS), f"{VARIANTS}: this is a change table of mkba batch")
    other = tmp_path / "x.csv"
    other.write_text("a,b\n1,2\n", encoding="utf-8")  # no id, no set: paths: read as a price list table
    one_line(invoke_cli("check", other), f"{other}: expected the list's key, value rows")


def test_an_overflow_from_the_scenarios_own_discount_rate_is_said_at_its_line(tmp_path):
    scenario = tmp_path / "s.yaml"
    text = TUTORIAL.read_text(encoding="utf-8").replace("discount_rate: 0.0225", "discount_rate: -0.99")
    scenario.write_text(text.replace("horizon: 5", "horizon: 200"), encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("discount_rate:"))
    one_line(invoke_cli("run", scenario), f"{scenario}:{line}: discount_rate: the figures overflow")


def test_a_projects_discount_rate_out_of_range_is_said_as_a_scenarios(tmp_path):
    project = ROOT / "scenarios" / "frontlijnteam-project.yaml"
    text = project.read_text(encoding="utf-8")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if t.startswith("discount_rate:"))
    mine = tmp_path / "project.yaml"
    mine.write_text(re.sub(r"(?m)^discount_rate: .*$", "discount_rate: 0.3", text), encoding="utf-8")
    for name in ("frontlijnteam-leeuwarden.yaml", "frontlijnteam-regulier.yaml"):
        (tmp_path / name).write_text(
            (ROOT / "scenarios" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    one_line(
        invoke_cli("run", mine),
        f"{mine}:{line}: discount_rate: expected a discount rate in [-0.99, 0.25] (got 0.3)",
    )


def test_the_command_line_takes_the_draws_a_simulation_takes_and_refuses_more_before_any_work():
    # the command line took up to 10**15 draws: mkba sib printed its whole result, then refused 2e9
    from mkba.cli.common import MAX_DRAWS
    from mkba.sib.simulation import MAX_STREAMED
    from mkba.uncertainty import montecarlo

    assert MAX_DRAWS == montecarlo.MAX_DRAWS == MAX_STREAMED
    done = invoke_cli("sib", "scenarios/sib/nyc-rikers-able.yaml", "--simulate", str(MAX_DRAWS + 1))
    assert done.returncode == 2 and done.stdout == ""
    assert "--simulate: expected a value in [1, 1,000,000,000]" in done.stderr


# -- options several commands share ------------------------------------------------------------------
def _helps_of(option: str) -> dict[str, str]:
    """The help text of ``option`` on every command that has it, by command."""
    import typer

    from mkba.cli.app import build_app

    found: dict[str, str] = {}

    def walk(command, path: str) -> None:
        for name, sub in (getattr(command, "commands", None) or {}).items():
            walk(sub, f"{path} {name}".strip())
        for param in command.params:
            if option in getattr(param, "opts", ()):
                found[path] = param.help

    walk(typer.main.get_command(build_app()), "")
    return found


@pytest.mark.parametrize(
    ("option", "words"),
    [
        ("--lang", "Language of labels and numbers: nl (1.234,56) or en (1,234.56)."),
        ("--workers", "worker processes on this machine (1: this process"),
        ("--scheduler", "address of a Dask scheduler (tcp://host:8786)"),
    ],
)
def test_a_shared_option_is_described_alike_on_every_command(option, words):
    # --lang was "Language of labels." on one command and "Language of the report." on another, and
    # --workers did not say on which command 1 meant "this process"
    said = _helps_of(option)
    assert len(said) >= 3 if option != "--lang" else len(said) >= 9, said
    assert [cmd for cmd, text in said.items() if words.lower() not in text.lower()] == [], said
