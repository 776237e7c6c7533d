"""Shared fixtures: a small price list with round numbers, the CPI values, scenario builders.

The test price list (``core_pricelist``) has amounts that make hand calculations easy and price
years inside the bundled CPI series (2000-2025). ``cpi`` reads the CPI values straight from the
bundled file (not through mkba), so that expected indexation factors are computed independently.
``make_scenario`` builds a scenario dict; ``run`` evaluates one against the test list.
"""

from __future__ import annotations

import copy
import doctest
import json
import os
from pathlib import Path

import hypothesis
import pytest
import yaml

# Hypothesis explores new random examples on a developer's machine; in CI it replays a fixed sequence,
# so that a red CI run is reproducible (local runs keep finding new cases and store them in .hypothesis/).
hypothesis.settings.register_profile("ci", derandomize=True, deadline=None, print_blob=True)
if os.environ.get("CI"):
    hypothesis.settings.load_profile("ci")


#: The test price list: id -> (unit, amount, price_year, payer, nature, recipient, low, high).
CORE_ITEMS = {
    "hulp-uur": ("hour", 50.0, 2015, "gemeente", "resource", None, None, None),
    "begeleiding-maand": ("month", 600.0, 2015, "gemeente", "resource", None, None, None),
    "zorg-dag": ("day", 100.0, 2020, "zorgverzekeraar", "resource", None, 80.0, 130.0),
    "detentie-dag": ("day", 200.0, 2015, "rijk", "resource", None, None, None),
    "plaats-jaar": ("year", 52000.0, 2015, "woningcorporatie", "resource", None, None, None),
    "training-week": ("week", 520.0, 2015, "uwv", "resource", None, None, None),
    "sessie": ("session", 80.0, 2018, "gemeente", "resource", None, None, None),
    "bijstand-maand": ("month", 1000.0, 2015, "gemeente", "transfer", None, None, None),
    "ww-maand": ("month", 1500.0, 2015, "uwv", "transfer", "huishoudens", None, None),
    "vervanging-uur": ("hour", 20.0, 2015, "samenleving", "resource", None, None, None),
    "vervanging-uur-2010": ("hour", 16.0, 2010, "samenleving", "resource", None, None, None),
}


#: A small scenario on the items of tests/data/pl_small.yaml (tests set its ``pricelist``).
SMALL_SCENARIO = {
    "format": "mkba-scenario/1",
    "name": "Klein",
    "price_year": 2024,
    "start_year": 2025,
    "horizon": 2,
    "participants": {2025: 10},
    "costs": [{"id": "c", "payer": "gemeente", "amount": 100, "per": "participant_year", "duration": 1}],
    "effects": [{"id": "e", "item": "uur-hulp", "kind": "avoided_cost", "quantity": 2}],
}


#: A small price list file (a few items of the bundled list, a price year inside the CPI series).
SMALL_LIST = Path(__file__).parent / "data" / "pl_small.yaml"


def small_list(name: str = "pl-small", version: str = "1.0", **more) -> dict:
    """tests/data/pl_small.yaml as a dict, named ``name`` at ``version`` (and ``more`` fields)."""
    data = yaml.safe_load(SMALL_LIST.read_text(encoding="utf-8"))
    data.update(name=name, version=version, published=str(data.get("published")), **more)
    return data


def run_doctests(function, module) -> None:
    """Run the examples of ``function``'s docstring (in ``module``'s names); they must be there and pass."""
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = doctest.DocTestFinder(recurse=False).find(function, globs=vars(module).copy())
    assert tests and any(t.examples for t in tests)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def core_pricelist_data(scale: dict[str, float] | None = None) -> dict:
    """The test price list as a dict (amounts of ``scale``'s items multiplied)."""
    items = []
    for item_id, (unit, amount, year, payer, nature, recipient, low, high) in CORE_ITEMS.items():
        factor = (scale or {}).get(item_id, 1.0)
        item = {
            "id": item_id,
            "label": item_id.replace("-", " ").capitalize(),
            "unit": unit,
            "amount": amount * factor,
            "price_year": year,
            "payer": payer,
            "nature": nature,
            "confidence": 3,
            "source": {"title": "Testprijzen (ronde getallen)"},
        }
        if recipient:
            item["recipient"] = recipient
        if low is not None:
            item["low"], item["high"] = low * factor, high * factor
        items.append(item)
    return {
        "format": "mkba-pricelist/1",
        "name": "core-test",
        "version": "1.0",
        "title": "Testlijst met ronde getallen",
        "items": items,
    }


def write_yaml(path: Path, data: dict) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture(scope="session")
def core_pricelist_path(tmp_path_factory) -> Path:
    """The test price list written as YAML (a file outside any registry folder)."""
    return write_yaml(tmp_path_factory.mktemp("pricelist") / "core-test.yaml", core_pricelist_data())


@pytest.fixture(scope="session")
def core_pricelist(core_pricelist_path):
    import mkba

    return mkba.load_pricelist(core_pricelist_path)


@pytest.fixture(scope="session")
def scaled_pricelist(tmp_path_factory):
    """``scaled_pricelist({'hulp-uur': 2.0})``: the test list with some amounts multiplied."""
    import mkba

    folder = tmp_path_factory.mktemp("scaled")
    cache: dict = {}

    def make(scale: dict[str, float]):
        key = json.dumps(scale, sort_keys=True)
        if key not in cache:
            path = write_yaml(folder / f"scaled-{len(cache)}.yaml", core_pricelist_data(scale))
            cache[key] = mkba.load_pricelist(path)
        return cache[key]

    return make


@pytest.fixture(scope="session")
def cpi() -> dict[int, float]:
    """The bundled CPI values by year, read from the file with plain YAML."""
    from mkba.io import paths

    data = yaml.safe_load(paths.bundled_index().read_text(encoding="utf-8"))
    return {int(year): float(value) for year, value in data["values"].items()}


def _scenario(**fields) -> dict:
    base = {
        "format": "mkba-scenario/1",
        "name": "Testscenario",
        "price_year": 2015,
        "start_year": 2015,
        "horizon": 5,
        "discount_rate": 0.0,
    }
    base.update(copy.deepcopy(fields))
    return {k: v for k, v in base.items() if v is not None}


@pytest.fixture(scope="session")
def make_scenario():
    """``make_scenario(horizon=3, costs=[...])``: a scenario dict; a field set to None is left out.

    Defaults: price_year 2015 (CPI = 100), start_year 2015, horizon 5, discount_rate 0.
    """
    return _scenario


@pytest.fixture(scope="session")
def run(core_pricelist):
    """``run(scenario_dict, **evaluate_kwargs)``: the point Result against the test price list."""
    import mkba

    def evaluate(scenario, pricelist=None, **kwargs):
        return mkba.evaluate(scenario, pricelist if pricelist is not None else core_pricelist, **kwargs)

    return evaluate


@pytest.fixture(scope="session")
def stakeholder():
    """``stakeholder(result, name)``: that row of the per-stakeholder table as a dict (zeros if absent)."""

    def row(result, name: str) -> dict:
        table = result.stakeholder_table().set_index("stakeholder")
        if name not in table.index:
            return {"pv_costs": 0.0, "pv_benefits": 0.0, "npv": 0.0, "public": False}
        return table.loc[name].to_dict()

    return row


# -- the command line, in process -----------------------------------------------------------------------
class CliRun:
    """What one in-process ``mkba`` call gave: ``returncode``, ``stdout`` and ``stderr`` (as a process's)."""

    def __init__(self, returncode: int, stdout: str, stderr: str) -> None:
        self.returncode, self.stdout, self.stderr = returncode, stdout, stderr

    def __repr__(self) -> str:
        return f"CliRun(returncode={self.returncode}, stdout={self.stdout[-400:]!r}, stderr={self.stderr[-400:]!r})"


def invoke_cli(*args, cwd=None) -> CliRun:
    """Run ``mkba ARGS`` through :func:`mkba.cli.main` in this process (so coverage counts it).

    Standard output and error are captured as text; ``cwd`` is entered for the call and left after.
    """
    import contextlib
    import io

    from mkba.cli import main

    stdout, stderr = io.StringIO(), io.StringIO()
    before = os.getcwd()
    try:
        if cwd is not None:
            os.chdir(cwd)
        with contextlib.redirect_stdout(stdout), contextlib.redirect_stderr(stderr):
            code = main([str(a) for a in args])
    finally:
        os.chdir(before)
    return CliRun(code, stdout.getvalue(), stderr.getvalue())


def flat(d: dict, prefix: str = "") -> dict:
    """A nested dict as one level: ``{"a.b": value}`` (to compare summaries key by key)."""
    out: dict = {}
    for key, value in d.items():
        if isinstance(value, dict):
            out.update(flat(value, f"{prefix}{key}."))
        else:
            out[f"{prefix}{key}"] = value
    return out


def kill_a_worker_during(work) -> dict:
    """Run ``work()`` on a thread, kill one of its worker processes mid-run, and say how it ended.

    Returns ``{"result": ...}`` when ``work`` returned, ``{"error": MkbaError}`` when it raised one.
    Only a process that ``work`` started is killed: one left by an earlier test (a Dask worker
    shutting down) is not a worker of this run. A run still going after three minutes fails the
    test, its workers killed, rather than hold up the test run at its exit.
    """
    import multiprocessing
    import signal
    import threading
    import time

    from mkba.errors import MkbaError

    outcome: dict = {}
    before = {p.pid for p in multiprocessing.active_children()}

    def run() -> None:
        try:
            outcome["result"] = work()
        except MkbaError as exc:
            outcome["error"] = exc

    def workers() -> list[int]:
        return [p.pid for p in multiprocessing.active_children() if p.pid not in before]

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    deadline = time.time() + 60
    while not workers() and time.time() < deadline:
        time.sleep(0.01)
    time.sleep(0.3)
    started = workers()
    assert started, "no worker started"
    os.kill(started[0], signal.SIGKILL)
    thread.join(180)
    if thread.is_alive():
        for pid in workers():
            os.kill(pid, signal.SIGKILL)
        pytest.fail("the run went on for three minutes after one of its workers was killed")
    return outcome


def local_cluster(folder):
    """A two-worker Dask cluster on this machine (skips the test without ``dask.distributed``)."""
    distributed = pytest.importorskip("dask.distributed")
    return distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None, local_directory=str(folder)
    )
