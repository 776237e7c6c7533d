"""The command line's guards: every file a command reads is an input, options are checked up front.

Each test reproduces one finding of the bad-input review (a named price list, its ``extends`` chain
and the index overwritten by an output; a scenario's relative price list; malformed or empty option
values; ``--plots`` checked after the work; options that did nothing; output suffixes; options a
project report ignored) and asserts exit code 2, one message naming the option or file, no
traceback, and every input unchanged.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
import yaml
from conftest import SMALL_SCENARIO, invoke_cli

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.io.files import check_output

ROOT = Path(__file__).resolve().parents[1]
TUTORIAL = ROOT / "scenarios" / "tutorial.yaml"
PROJECT = ROOT / "scenarios" / "frontlijnteam-project.yaml"
SIB = ROOT / "tests" / "data" / "sib_buzinezzclub.yaml"
SMALL = ROOT / "tests" / "data" / "pl_small.yaml"

SCENARIO = SMALL_SCENARIO


def small_list(name: str = "pl-small", version: str = "1.0", **more) -> dict:
    data = yaml.safe_load(SMALL.read_text(encoding="utf-8"))
    data.update(name=name, version=version, **more)
    data["published"] = str(data.get("published"))
    return data


def write_json(path: Path, data: dict) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def scenario_on(path: Path, pricelist: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump({**SCENARIO, "pricelist": pricelist}, sort_keys=False), encoding="utf-8")
    return path


def refused(done, *words: str) -> None:
    assert done.returncode == 2, (done.stdout, done.stderr)
    assert "Traceback" not in done.stderr and done.stderr.startswith("error:"), done.stderr
    assert len(done.stderr.strip().splitlines()) == 1, done.stderr
    for word in words:
        assert word in done.stderr, done.stderr


@pytest.fixture
def registry(tmp_path):
    """A price-list folder with ``mylist@1`` (JSON, so that ``--json`` names it) and a scenario pinned to it."""
    lists = tmp_path / "lists"
    pinned = write_json(lists / "mylist" / "1.json", small_list("mylist", "1"))
    scenario = scenario_on(tmp_path / "s.yaml", "mylist@1")
    assert invoke_cli("run", scenario, "--pricelists-dir", lists).returncode == 0
    return lists, pinned, scenario


# -- 1. a list chosen by name, its chain and the index are inputs ------------------------------------
@pytest.mark.parametrize("how", ["--pricelists-dir", "MKBA_PRICELISTS"])
def test_a_list_found_by_name_is_an_input_of_run(registry, how, monkeypatch):
    lists, pinned, scenario = registry
    before = pinned.read_bytes()
    folder = ["--pricelists-dir", lists] if how == "--pricelists-dir" else []
    if how == "MKBA_PRICELISTS":
        monkeypatch.setenv("MKBA_PRICELISTS", str(lists))
    refused(invoke_cli("run", scenario, *folder, "--json", pinned), "--json", "is also an input")
    assert pinned.read_bytes() == before


def test_a_list_found_by_name_is_an_input_of_sib(tmp_path):
    lists = tmp_path / "lists"
    base = yaml.safe_load((ROOT / "pricelists" / "nl-sociaal-domein" / "2024.1.yaml").read_text("utf-8"))
    pinned = write_json(
        lists / "mylist" / "1.json",
        {**base, "name": "mylist", "version": "1"} | {"published": str(base.get("published"))},
    )
    contract = yaml.safe_load(SIB.read_text(encoding="utf-8")) | {"pricelist": "mylist@1"}
    scenario = tmp_path / "bond.yaml"
    scenario.write_text(yaml.safe_dump(contract, sort_keys=False, allow_unicode=True), encoding="utf-8")
    before = pinned.read_bytes()
    refused(invoke_cli("sib", scenario, "--pricelists-dir", lists, "--json", pinned), "--json", "input")
    assert pinned.read_bytes() == before


def test_a_list_found_by_name_is_an_input_of_report(registry):
    lists, pinned, scenario = registry
    before = pinned.read_bytes()
    refused(invoke_cli("report", scenario, "--pricelists-dir", lists, "-o", pinned), "-o", "input")
    assert pinned.read_bytes() == before


@pytest.fixture
def bundled(tmp_path, monkeypatch):
    """A copy of the bundled price lists, used in their place: a failing guard harms only the copy."""
    copy = tmp_path / "bundled"
    shutil.copytree(paths.bundled_pricelists(), copy)
    monkeypatch.setattr(paths, "bundled_pricelists", lambda: copy)
    return copy


def test_the_bundled_list_a_scenario_pins_and_the_index_are_inputs(bundled, tmp_path):
    pinned = bundled / "nl-sociaal-domein" / "2024.1.yaml"  # tutorial.yaml: nl-sociaal-domein@2024.1
    index = bundled / "index" / "cbs-cpi.yaml"
    before = {p: p.read_bytes() for p in (pinned, index)}
    refused(invoke_cli("report", TUTORIAL, "-o", pinned), "-o", "input")
    refused(invoke_cli("run", TUTORIAL, "--json", index), "--json", "is also an input")
    refused(invoke_cli("run", TUTORIAL, "--xlsx", index), "--xlsx", "is also an input")
    refused(invoke_cli("pricelist", "export", "nl-sociaal-domein@2024.1", "-o", pinned), "is also an input")
    assert {p: p.read_bytes() for p in before} == before
    manifest = bundled / "MANIFEST.sha256"  # any existing file of the bundled lists: never replaced
    with pytest.raises(MkbaError, match="bundled price lists"):
        check_output(manifest)
    assert check_output(tmp_path / "new.json") == tmp_path / "new.json"


def test_every_list_of_the_extends_chain_and_the_index_are_inputs(tmp_path):
    lists = tmp_path / "lists"
    base = write_json(lists / "base" / "1.json", small_list("base", "1"))
    write_json(lists / "child" / "1.json", {**small_list("child", "1"), "extends": "base@1", "items": []})
    scenario = scenario_on(tmp_path / "s.yaml", "child@1")
    assert invoke_cli("run", scenario, "--pricelists-dir", lists).returncode == 0
    before = base.read_bytes()
    refused(invoke_cli("run", scenario, "--pricelists-dir", lists, "--json", base), "is also an input")
    assert base.read_bytes() == before
    outside = tmp_path / "outside"  # a base by path, outside any price-list folder
    plain = write_json(outside / "base.json", small_list("plain-base", "1"))
    write_json(
        outside / "child.json", {**small_list("plain-child", "1"), "extends": "./base.json", "items": []}
    )
    scenario = scenario_on(tmp_path / "t.yaml", str(outside / "child.json"))
    before = plain.read_bytes()
    refused(invoke_cli("run", scenario, "--json", plain), "is also an input", "--json")
    assert plain.read_bytes() == before


def test_no_existing_file_of_a_price_list_folder_is_replaced(registry):
    lists, _, scenario = registry
    other = write_json(lists / "unused" / "2.json", small_list("unused", "2"))
    before = other.read_bytes()
    done = invoke_cli("run", scenario, "--pricelists-dir", lists, "--json", other)
    refused(done, "price-list folder", "--json")
    assert other.read_bytes() == before
    fresh = lists / "unused" / "3.json"  # a new file there is allowed
    assert invoke_cli("run", scenario, "--pricelists-dir", lists, "--json", fresh).returncode == 0
    # and so is writing it again: it is a result, not a price list (a second run was refused)
    assert invoke_cli("run", scenario, "--pricelists-dir", lists, "--json", fresh).returncode == 0


# -- 2. a scenario's relative price list ------------------------------------------------------------
def test_the_list_a_scenario_names_by_a_relative_path_is_protected_wherever_it_is_read(tmp_path):
    write_json(tmp_path / "pl.json", small_list())
    scenario = scenario_on(tmp_path / "sub" / "s.yaml", "./pl.json")
    here, beside = tmp_path / "pl.json", tmp_path / "sub" / "pl.json"
    shutil.copy(here, beside)
    for target in (here, beside):  # read from the current folder now; beside the scenario once resolved so
        before = target.read_bytes()
        done = invoke_cli(
            "run", scenario.relative_to(tmp_path), "--json", target.relative_to(tmp_path), cwd=tmp_path
        )
        refused(done, "is also an input")
        assert target.read_bytes() == before


# -- 3. pricelist export: the base of extends is an input ---------------------------------------------
def test_exporting_a_list_over_the_list_it_extends_is_refused(tmp_path):
    base = tmp_path / "base.yaml"
    shutil.copy(SMALL, base)
    child = tmp_path / "child.yaml"
    child.write_text(
        'format: mkba-pricelist/1\nname: child\nversion: "1"\ntitle: c\nextends: ./base.yaml\nitems: []\n',
        encoding="utf-8",
    )
    before = base.read_bytes()
    refused(invoke_cli("pricelist", "export", child, "-o", base), "--output", "is also an input")
    assert base.read_bytes() == before
    assert invoke_cli("pricelist", "export", child, "-o", tmp_path / "out.yaml").returncode == 0


# -- 4. --scheduler ------------------------------------------------------------------------------------
@pytest.mark.parametrize("address", ["foo", "tcp://", "http://x:1", "tcp://host:99999", ""])
@pytest.mark.parametrize("command", ["run", "sib", "batch"])
def test_a_malformed_scheduler_address_is_refused_before_any_work(tmp_path, command, address):
    args = {
        "run": ["run", TUTORIAL, "--simulate", "10"],
        "sib": ["sib", SIB, "--simulate", "10"],
        "batch": ["batch", TUTORIAL, "--changes", tmp_path / "none.csv", "-o", tmp_path / "o.csv"],
    }[command]
    done = invoke_cli(*args, "--scheduler", address)
    refused(done, "--scheduler", "tcp://host:port")
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", ["run", "sib", "batch"])
def test_workers_beside_a_scheduler_are_refused_not_ignored(tmp_path, command):
    """A cluster has its own workers: ``--workers 5`` with ``--scheduler`` did nothing, silently."""
    args = {
        "run": ["run", TUTORIAL, "--simulate", "10"],
        "sib": ["sib", SIB, "--simulate", "10"],
        "batch": ["batch", TUTORIAL, "--changes", tmp_path / "none.csv", "-o", tmp_path / "o.csv"],
    }[command]
    done = invoke_cli(*args, "--scheduler", "tcp://127.0.0.1:1", "--workers", "5")
    refused(done, "--workers", "applies without --scheduler")
    assert done.stdout == "" and list(tmp_path.iterdir()) == []


# -- 5. empty or useless option values ------------------------------------------------------------------
@pytest.mark.parametrize("value", ["", " ", "nl-sociaal-domein@", "@2024.1"])
def test_an_empty_price_list_reference_is_refused(value):
    refused(invoke_cli("run", TUTORIAL, "--pricelist", value), "--pricelist")
    refused(invoke_cli("pricelist", "show", value), "REF")


def test_a_pricelists_dir_that_is_not_a_folder_is_refused(tmp_path):
    for folder in (tmp_path / "nonexist", TUTORIAL):
        refused(invoke_cli("run", TUTORIAL, "--pricelists-dir", folder), "--pricelists-dir", str(folder))
        refused(invoke_cli("pricelist", "list", "--pricelists-dir", folder), "--pricelists-dir")
        refused(invoke_cli("check", TUTORIAL, "--pricelists-dir", folder), "--pricelists-dir")


# -- 6. --plots is checked up front ---------------------------------------------------------------------
def test_plots_is_checked_before_any_work(tmp_path):
    missing = tmp_path / "nonexist" / "dir"
    done = invoke_cli("run", TUTORIAL, "--plots", missing)
    refused(done, "--plots", "does not exist")
    assert done.stdout == "" and not (tmp_path / "nonexist").exists()
    (tmp_path / "f.txt").write_text("x")
    done = invoke_cli("run", TUTORIAL, "--plots", tmp_path / "f.txt" / "x")
    refused(done, "--plots")
    assert done.stdout == ""
    done = invoke_cli("run", TUTORIAL, "--plots", tmp_path / "charts")  # a new folder in an existing one
    assert done.returncode == 0 and (tmp_path / "charts" / "yearly_flows.png").is_file()


# -- 7. options that do nothing or conflict --------------------------------------------------------------
def test_option_values_are_checked_whether_or_not_they_are_used():
    refused(invoke_cli("run", TUTORIAL, "--workers", "-3"), "--workers")
    refused(invoke_cli("run", TUTORIAL, "--scheduler", "tcp://127.0.0.1:8786"), "--scheduler", "--simulate")
    refused(invoke_cli("sib", SIB, "--scheduler", "tcp://127.0.0.1:8786"), "--scheduler", "--simulate")


# -- 8. output suffixes ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("args", "option"),
    [
        (["report", TUTORIAL, "-o", "r.pdf"], "-o"),
        (["report", TUTORIAL, "--pdf", "y.html"], "--pdf"),
        (["run", TUTORIAL, "--json", "out.xlsx"], "--json"),
        (["run", TUTORIAL, "--xlsx", "out.txt"], "--xlsx"),
    ],
)
def test_an_output_suffix_that_is_not_the_format_written_is_refused(tmp_path, args, option):
    done = invoke_cli(*args, cwd=tmp_path)
    refused(done, option, "expected a file name ending in")
    assert list(tmp_path.iterdir()) == []


def test_a_device_passes_the_suffix_check():
    from mkba.io.files import check_suffix

    assert check_suffix("/dev/null", (".json",), "--json", "JSON") == Path("/dev/null")
    with pytest.raises(MkbaError, match=r"ending in \.json"):
        check_suffix("x.JSONL", (".json",), "--json", "JSON")


# -- 9. report refuses what a project run does not take ------------------------------------------------
def test_report_on_a_project_refuses_tornado_as_run_does(tmp_path):
    out = tmp_path / "t.html"
    refused(invoke_cli("report", PROJECT, "-o", out, "--tornado"), "--tornado", "project")
    refused(invoke_cli("run", PROJECT, "--tornado"), "--tornado", "project")
    assert not out.exists()


def test_a_well_formed_scheduler_address_is_used_by_run_and_batch(tmp_path):
    """The checks above must not refuse what they guard: a live cluster, with --workers left alone."""
    import json

    from conftest import local_cluster

    with local_cluster(tmp_path) as cluster:
        address = cluster.scheduler_address
        alone = invoke_cli("run", TUTORIAL, "--simulate", "2000", "--json", tmp_path / "a.json")
        on_dask = invoke_cli(
            "run", TUTORIAL, "--simulate", "2000", "--scheduler", address, "--json", tmp_path / "b.json"
        )
        assert alone.returncode == 0 and on_dask.returncode == 0, on_dask.stderr
        a, b = (json.loads((tmp_path / f"{x}.json").read_text()) for x in "ab")
        # on a cluster the draws stream (percentiles from a histogram); the means are the same draws'
        assert b["simulation"]["streamed"] is True
        assert b["simulation"]["npv_mean"] == pytest.approx(a["simulation"]["npv_mean"], rel=1e-12)
        varianten = Path(__file__).resolve().parents[1] / "scenarios" / "tutorial-varianten.csv"
        done = invoke_cli(
            "batch", TUTORIAL, "--changes", varianten, "-o", tmp_path / "o.csv", "--scheduler", address
        )
        assert done.returncode == 0, done.stderr


def test_messages_name_the_option_the_user_typed(tmp_path):
    varianten = ROOT / "scenarios" / "tutorial-varianten.csv"
    done = invoke_cli("batch", TUTORIAL, "--changes", varianten, "-o", tmp_path / "o.csv", "--sheet", "x")
    refused(done, "--sheet", "only for a .xlsx change table")
    a_file = tmp_path / "lijst.yaml"
    a_file.write_text("x", encoding="utf-8")
    refused(
        invoke_cli("run", TUTORIAL, "--pricelists-dir", a_file),
        "--pricelists-dir",
        "is a file; expected a folder",
    )


@pytest.mark.parametrize("command", ["run", "sib"])
def test_workers_without_a_simulation_are_refused_not_ignored(command):
    source = {"run": TUTORIAL, "sib": SIB}[command]
    refused(invoke_cli(command, source, "--workers", "4"), "--workers", "applies with --simulate")


@pytest.mark.parametrize(
    ("command", "option"),
    [
        ("run", "--seed"),
        ("run", "--chunk-size"),
        ("sib", "--seed"),
        ("sib", "--chunk-size"),
        ("report", "--seed"),
        ("run", "--workers"),  # --workers 1 typed: the default's value, but typed, and it would do nothing
    ],
)
def test_draw_options_without_a_simulation_are_refused_not_ignored(command, option, tmp_path):
    # --seed has a default, so only the source of its value tells a typed seed from none; a typed one
    # without --simulate changed nothing and said nothing
    source = {"run": TUTORIAL, "sib": SIB, "report": TUTORIAL}[command]
    outputs = ["-o", tmp_path / "r.html"] if command == "report" else []
    done = invoke_cli(command, source, *outputs, option, "1" if option == "--workers" else "7")
    refused(done, option, "applies with --simulate")
    assert not (tmp_path / "r.html").exists()


@pytest.mark.parametrize("option", ["--seed", "--chunk-size"])
def test_draw_options_left_at_their_defaults_or_with_a_simulation_are_taken(option, tmp_path):
    assert invoke_cli("run", TUTORIAL).returncode == 0  # the defaults were never typed
    done = invoke_cli("run", TUTORIAL, "--simulate", "200", option, "70", "--json", tmp_path / "r.json")
    assert done.returncode == 0, done.stderr
    simulation = json.loads((tmp_path / "r.json").read_text())["simulation"]
    assert simulation["n"] == 200
    if option == "--seed":
        assert simulation["seed"] == 70


def test_ctrl_c_is_said_and_never_exit_code_0(tmp_path, monkeypatch):
    # Typer returns 130 for Ctrl-C outside its standalone mode; mkba returned 0 and printed nothing,
    # so a script took an interrupted run for a finished one
    import mkba.cli.run

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(mkba.cli.run, "evaluate", interrupted)
    out = tmp_path / "r.json"
    done = invoke_cli("run", "scenarios/tutorial.yaml", "--json", out)
    assert done.returncode == 130
    assert "interrupted (Ctrl-C)" in done.stderr and "Traceback" not in done.stderr
    assert not out.exists()


@pytest.mark.parametrize(
    ("text", "words"),
    [
        (
            "- a\n",
            "expected a mapping (key: value pairs such as format: ...) at the top of the file, got a list",
        ),
        ("name: x\n", "format: missing; expected one of: mkba-scenario/1"),
        ("format: mkba-x/1\n", "format: unknown format 'mkba-x/1'; expected one of: mkba-scenario/1"),
    ],
)
def test_check_says_what_a_file_without_a_known_format_lacks(tmp_path, text, words):
    # a list at the top said "unknown format None"
    path = tmp_path / "x.yaml"
    path.write_text(text, encoding="utf-8")
    done = invoke_cli("check", path)
    refused(done, words)
    assert "None" not in done.stderr
