"""The shape of the code: layers import only downwards, no import cycles, a light start.

docs/architecture.md draws the layers; this test holds the code to them. Every import counts,
also one inside a function (only those under ``if TYPE_CHECKING:`` are left out: they never run).
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "mkba"

#: The layers, lowest first. A module may import its own layer and the layers below it.
LAYERS = [
    ("mkba.errors", "mkba._version"),
    ("mkba.io",),
    ("mkba.pricelist",),
    ("mkba.scenario",),
    ("mkba.engine",),
    ("mkba.uncertainty",),
    ("mkba.sib",),
    ("mkba.result", "mkba.project", "mkba.batch"),
    ("mkba.report",),
    ("mkba.cli",),
]

#: Upward imports allowed by name, each with its reason.
ALLOWED_UPWARD = {
    # Result.to_excel, __repr__ and _repr_html_ are thin forwarders, as DataFrame.to_excel forwards
    # to pandas.io: imported inside the method, and the report modules name Result only for typing.
    ("mkba.result", "mkba.report.excel.workbook"),
    ("mkba.result", "mkba.report.text"),
    # ProjectResult.to_excel forwards the same way to the project workbook.
    ("mkba.project", "mkba.report.excel.project"),
    # Result.stakeholder_label names a stakeholder without a label of its own in the reader's words.
    ("mkba.result", "mkba.report.vocabulary"),
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules() -> dict[str, Path]:
    found = {module_name(p): p for p in PACKAGE.rglob("*.py") if "_bundled" not in p.parts}
    assert len(found) > 40, "the package was not found"
    return found


def _is_type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _imports(tree: ast.AST, here: str, is_package: bool, known: set[str]) -> set[str]:
    """The mkba modules ``here`` imports, at any depth, except under ``if TYPE_CHECKING:``."""
    found: set[str] = set()

    def resolve(name: str) -> str | None:
        while name and name not in known:
            name = name.rpartition(".")[0]
        return name or None

    def visit(node: ast.AST) -> None:
        if isinstance(node, ast.If) and _is_type_checking(node):
            for child in node.orelse:
                visit(child)
            return
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.startswith("mkba") and (target := resolve(alias.name)):
                    found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = here if is_package else here.rpartition(".")[0]
                for _ in range(node.level - 1):
                    base = base.rpartition(".")[0]
                source = f"{base}.{node.module}" if node.module else base
            else:
                source = node.module or ""
            if source.startswith("mkba"):
                for alias in node.names:
                    target = resolve(f"{source}.{alias.name}")
                    if target == resolve(source) or target is None:
                        target = resolve(source)
                    if target:
                        found.add(target)
        for child in ast.iter_child_nodes(node):
            visit(child)

    visit(tree)
    found.discard(here)
    return found


def import_graph() -> dict[str, set[str]]:
    mods = modules()
    known = set(mods)
    return {
        name: _imports(ast.parse(path.read_text(encoding="utf-8")), name, path.name == "__init__.py", known)
        for name, path in mods.items()
    }


def layer_of(module: str) -> int | None:
    for rank, prefixes in enumerate(LAYERS):
        if any(module == p or module.startswith(p + ".") for p in prefixes):
            return rank
    return None


def test_every_module_belongs_to_a_layer():
    unplaced = [m for m in modules() if m != "mkba" and layer_of(m) is None]
    assert unplaced == [], f"modules in no layer (add them to LAYERS and docs/architecture.md): {unplaced}"


def test_imports_flow_downwards_only():
    upward = []
    for source, targets in import_graph().items():
        if source == "mkba":  # the public API imports every layer, lazily
            continue
        for target in targets:
            upward_layer = target != "mkba" and layer_of(target) > layer_of(source)
            if target == "mkba" or (upward_layer and (source, target) not in ALLOWED_UPWARD):
                upward.append((source, target))
    assert upward == [], "imports that go up a layer:\n" + "\n".join(f"{a} -> {b}" for a, b in sorted(upward))


def test_no_import_cycles_not_even_through_imports_inside_functions():
    graph = import_graph()
    state: dict[str, int] = {}
    path: list[str] = []
    cycles: list[list[str]] = []

    def walk(node: str) -> None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                walk(nxt)
        path.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            walk(node)
    assert cycles == [], "import cycles:\n" + "\n".join(" -> ".join(c) for c in cycles)


def test_subpackages_say_what_lives_there_and_what_they_may_import():
    for init in PACKAGE.glob("*/__init__.py"):
        if "_bundled" in init.parts:
            continue
        doc = ast.get_docstring(ast.parse(init.read_text(encoding="utf-8")))
        assert doc and len(doc) > 80, f"{init.relative_to(ROOT)} has no docstring saying what lives there"
        assert "import" in doc.lower(), (
            f"{init.relative_to(ROOT)}'s docstring does not say what it may import"
        )


def test_the_package_ships_its_type_information():
    assert (PACKAGE / "py.typed").is_file()


def test_the_graph_reader_sees_imports_inside_functions_and_skips_type_checking(tmp_path):
    # the test of the tests: a function-level import is an edge; one under TYPE_CHECKING is not
    code = (
        "from typing import TYPE_CHECKING\n"
        "if TYPE_CHECKING:\n    from mkba.cli.app import app\n"
        "def f():\n    from mkba.report import text\n"
    )
    found = _imports(ast.parse(code), "mkba.engine.model", False, set(modules()))
    assert found == {"mkba.report.text"}


def _loaded_after(code: str) -> set[str]:
    heavy = ("pandas", "scipy", "openpyxl", "matplotlib", "jinja2", "dask")
    probe = f"{code}\nimport sys\nprint(' '.join(m for m in {heavy!r} if m in sys.modules))"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.split()[-len(heavy) :]) & set(heavy) if done.stdout.strip() else set()


@pytest.mark.parametrize(
    ("code", "allowed"),
    [
        ("import mkba", set()),
        ("from mkba.cli import main; main(['--version'])", set()),
        ("from mkba.cli import main; main(['run', 'scenarios/tutorial.yaml'])", set()),
    ],
    ids=["import mkba", "mkba --version", "mkba run"],
)
def test_heavy_libraries_load_only_where_they_are_used(code, allowed):
    assert _loaded_after(code) <= allowed


def _which_loaded(code: str, names: tuple[str, ...]) -> set[str]:
    probe = f"{code}\nimport sys\nprint('LOADED', *[m for m in {names!r} if m in sys.modules])"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.returncode == 0, done.stderr
    return set(done.stdout.rsplit("LOADED", 1)[1].split())


def test_mkba_run_without_a_contract_builds_no_contract_models_and_needs_no_pyyaml_babel_nor_rich():
    """Start-up (docs/architecture.md): the SIB models and the line-giving YAML parser wait until needed."""
    names = ("mkba.scenario.contract", "yaml")
    run = "from mkba.cli import main; main(['run', 'scenarios/tutorial.yaml'])"
    # Dutch numbers without Babel's locale data; tables without rich (mkba.cli.terminal)
    assert _which_loaded(run, (*names, "babel", "rich", "mkba.cli.check", "mkba.report.text")) == set()
    with_contract = (
        "import mkba; s = mkba.load_scenario('scenarios/buzinezzclub-rotterdam.yaml'); assert s.sib"
    )
    assert _which_loaded(with_contract, names) == {"mkba.scenario.contract"}
    bad_input = (
        "import mkba\ntry:\n    mkba.load_scenario('scenarios/tutorial.yaml').error('x', ('name',))"
        "\nexcept Exception: pass"
    )
    assert _which_loaded(bad_input, names) == {"yaml"}  # a line for a message: the strict parser


def test_the_command_keeps_the_collector_out_of_its_imports_and_python_callers_untouched():
    """As the ``mkba`` command, what the imports built is frozen and the collector is back on after."""
    probe = (
        "import gc, sys\nfrom mkba.cli import main\n"
        "sys.argv = ['mkba', 'run', 'scenarios/tutorial.yaml']\ncode = main()\n"
        "print('STATE', code, gc.isenabled(), gc.get_freeze_count() > 10000)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.rsplit("STATE", 1)[1].split() == ["0", "True", "True"], done.stderr
    from_python = (
        "import gc\nfrom mkba.cli import main\ncode = main(['run', 'scenarios/tutorial.yaml'])\n"
        "print('STATE', code, gc.isenabled(), gc.get_freeze_count())"
    )
    done = subprocess.run(
        [sys.executable, "-c", from_python], capture_output=True, text=True, cwd=ROOT, timeout=120
    )
    assert done.stdout.rsplit("STATE", 1)[1].split() == ["0", "True", "0"], done.stderr


def test_the_command_skips_pydantics_plugin_search_unless_the_user_asks_for_it():
    """As the ``mkba`` command, pydantic does not read every installed package's entry points."""
    probe = (
        "import os, sys\nfrom mkba.cli import main\n"
        "sys.argv = ['mkba', 'run', 'scenarios/tutorial.yaml']\ncode = main()\n"
        "from pydantic.plugin import _loader\n"
        "print('STATE', code, repr(os.environ['PYDANTIC_DISABLE_PLUGINS']), _loader._plugins is None)"
    )
    env = {k: v for k, v in os.environ.items() if k != "PYDANTIC_DISABLE_PLUGINS"}
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, cwd=ROOT, timeout=120, env=env
    )
    assert done.stdout.rsplit("STATE", 1)[1].split() == ["0", "'__all__'", "True"], done.stderr
    done = subprocess.run(  # the user's own setting (empty: load plugins) is kept
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=120,
        env={**env, "PYDANTIC_DISABLE_PLUGINS": ""},
    )
    assert done.stdout.rsplit("STATE", 1)[1].split() == ["0", "''", "False"], done.stderr
