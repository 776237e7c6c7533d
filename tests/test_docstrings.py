"""The public API documents itself: numpydoc sections, units, a runnable example, no unshipped files.

Every name in ``mkba.__all__`` has a docstring with a summary, its ``Parameters`` (functions) and an
``Examples`` section; the examples run (doctest) and give what they show. So does every public method
and property of those classes: a docstring, and for a method that takes arguments a ``Parameters``
section naming each and a ``Returns`` section unless it returns None. Docstrings cite
``docs/method.md`` sections, never files the package does not ship.
"""

from __future__ import annotations

import doctest
import inspect
import re
from pathlib import Path
from typing import Any

import pydantic
import pytest

import mkba

ROOT = Path(__file__).resolve().parents[1]
PUBLIC = [name for name in mkba.__all__ if name != "__version__"]


def _doc(name: str) -> str:
    return inspect.getdoc(getattr(mkba, name)) or ""


#: What pydantic gives every model (``model_config``, ``model_post_init``, ``model_dump``, ...): not ours.
MACHINERY = frozenset(dir(pydantic.BaseModel))


def _members(cls: type) -> dict[str, Any]:
    """The public methods and properties ``cls`` has from mkba (defined on it or on an mkba base).

    Names starting with ``_`` (dunders included), pydantic's machinery and data attributes (fields,
    dataclass defaults) are left out; a name comes from the first class of the MRO defining it.
    """
    found: dict[str, Any] = {}
    for klass in cls.__mro__:
        if not klass.__module__.startswith("mkba."):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_") or name in MACHINERY or name in found:
                continue
            if isinstance(attr, (property, classmethod, staticmethod)) or inspect.isfunction(attr):
                found[name] = attr
    return found


#: ``Class.member`` and the attribute as the class holds it (property, classmethod, function).
MEMBERS = {
    f"{name}.{member}": attr
    for name in PUBLIC
    if inspect.isclass(getattr(mkba, name))
    for member, attr in _members(getattr(mkba, name)).items()
}


def _function(attr: Any) -> Any:
    """The function behind a property, classmethod or staticmethod (what holds the docstring)."""
    return attr.fget if isinstance(attr, property) else getattr(attr, "__func__", attr)


def _arguments(attr: Any) -> list[str]:
    """The parameters a caller gives a method: all but ``self`` / ``cls``."""
    params = list(inspect.signature(_function(attr)).parameters)
    return params if isinstance(attr, staticmethod) else params[1:]


def _section(doc: str, title: str) -> str | None:
    """The text of numpydoc section ``title`` (up to the next section), or None."""
    match = re.search(rf"^{title}\n-{{{len(title)}}}\n(.*?)(?=^\w[\w ]*\n-{{3,}}\n|\Z)", doc, re.M | re.S)
    return match.group(1) if match else None


def _described(parameters: str) -> set[str]:
    """The names a Parameters section describes (``low, high : float`` describes two)."""
    heads = [line.partition(" : ")[0] for line in parameters.splitlines() if line[:1].strip()]
    return {name.strip().lstrip("*") for head in heads for name in head.split(",")}


def _member(name: str) -> Any:
    return pytest.param(name, id=name)


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


@pytest.mark.parametrize("member", [_member(m) for m in MEMBERS])
def test_public_members_have_docstrings_with_parameters_and_returns(member):
    attr = MEMBERS[member]
    doc = inspect.getdoc(_function(attr)) or ""
    assert doc, f"mkba.{member} has no docstring"
    arguments = [] if isinstance(attr, property) else _arguments(attr)
    if not arguments:
        return
    parameters = _section(doc, "Parameters")
    assert parameters is not None, f"mkba.{member} has no Parameters section"
    missing = [a for a in arguments if a not in _described(parameters)]
    assert missing == [], f"mkba.{member}'s Parameters section does not name {missing}"
    returns = inspect.signature(_function(attr)).return_annotation
    if returns not in (None, "None"):  # an unannotated method may return something: say what
        assert _section(doc, "Returns") is not None, f"mkba.{member} has no Returns section"


@pytest.mark.parametrize(
    "member", [m for m, attr in MEMBERS.items() if ">>>" in (_function(attr).__doc__ or "")]
)
def test_member_examples_run_and_give_what_they_show(member, monkeypatch):
    monkeypatch.chdir(ROOT)  # examples name files as a user in the repository would
    finder = doctest.DocTestFinder(recurse=False)
    runner = doctest.DocTestRunner(optionflags=doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE)
    for test in finder.find(_function(MEMBERS[member]), name=f"mkba.{member}", globs={"mkba": mkba}):
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
