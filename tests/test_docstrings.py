"""The public API documents itself: numpydoc sections, units, a runnable example, no unshipped files.

Every name in ``mkba.__all__`` has a docstring with a summary, its ``Parameters`` (functions) and an
``Examples`` section; the examples run (doctest) and give what they show. Docstrings cite
``docs/method.md`` sections, never files the package does not ship.
"""

from __future__ import annotations

import doctest
import inspect
import re
from pathlib import Path

import pytest

import mkba

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [name for name in mkba.__all__ if name != "__version__"]


def _doc(name: str) -> str:
    return inspect.getdoc(getattr(mkba, name)) or ""


@pytest.mark.parametrize("name", PUBLIC)
def test_public_name_has_numpydoc_sections_and_an_example(name):
    obj = getattr(mkba, name)
    doc = _doc(name)
    assert doc, f"mkba.{name} has no docstring"
    assert "Examples\n--------" in doc, f"mkba.{name} has no Examples section"
    assert ">>>" in doc, f"mkba.{name}'s Examples section has no example"
    if inspect.isfunction(obj) and inspect.signature(obj).parameters:
        assert "Parameters\n----------" in doc, f"mkba.{name} has no Parameters section"


@pytest.mark.parametrize("name", PUBLIC)
def test_public_examples_run_and_give_what_they_show(name, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name files as a user in the repository would
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    tests = finder.find(getattr(mkba, name), name=f"mkba.{name}", globs={"mkba": mkba})
    assert tests and any(t.examples for t in tests)
    for test in tests:
        runner.run(test)
    assert runner.summarize(verbose=False).failed == 0


def test_money_figures_say_their_unit():
    # a public function about money says what its numbers are in
    for name in ("evaluate", "npv", "irr", "figures", "load_pricelist"):
        assert re.search(r"euro|fraction|per year|rate", _doc(name)), f"mkba.{name} names no unit"


def test_docstrings_cite_only_what_the_package_ships():
    unshipped = re.compile(r"METHOD\.md|FORMATS\.md|LAYOUT\.md|shared/|benchmarks/results")
    found = [
        f"{path.relative_to(ROOT)}:{n}"
        for path in (ROOT / "mkba").rglob("*.py")
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if unshipped.search(line)
    ]
    assert found == []
