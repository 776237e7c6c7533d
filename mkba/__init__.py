"""mkba: Dutch social cost-benefit analysis (maatschappelijke kosten-batenanalyse).

The public API. Names are imported on first use (PEP 562), so that ``import mkba`` and the
command line start fast: numpy, pandas, scipy and openpyxl load only when a name that needs
them is used. See the README and ``docs/`` for how to use it, ``docs/architecture.md`` for
the map of the subpackages.

Examples
--------
>>> import mkba
>>> result = mkba.evaluate("scenarios/tutorial.yaml")  # doctest: +SKIP
>>> result.summary()["npv"]  # doctest: +SKIP
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

from mkba._version import __version__

#: Public name -> the module that defines it.
_EXPORTS: dict[str, str] = {
    "Beta": "mkba.scenario.distributions",
    "Normal": "mkba.scenario.distributions",
    "Pert": "mkba.scenario.distributions",
    "Triangular": "mkba.scenario.distributions",
    "Uniform": "mkba.scenario.distributions",
    "Model": "mkba.engine.model",
    "compile_scenario": "mkba.engine.model",
    "MkbaError": "mkba.errors",
    "irr": "mkba.engine.finance",
    "npv": "mkba.engine.finance",
    "PriceIndex": "mkba.pricelist.index",
    "default_index": "mkba.pricelist.index",
    "load_index": "mkba.pricelist.index",
    "PriceItem": "mkba.pricelist.items",
    "PriceList": "mkba.pricelist.items",
    "Registry": "mkba.pricelist.registry",
    "load_pricelist": "mkba.pricelist.registry",
    "diff": "mkba.pricelist.compare",
    "Project": "mkba.project",
    "ProjectResult": "mkba.project",
    "load_project": "mkba.project",
    "Result": "mkba.result",
    "evaluate": "mkba.result",
    "evaluate_many": "mkba.batch",
    "figures": "mkba.engine.figures",
    "Scenario": "mkba.scenario.model",
    "load_scenario": "mkba.scenario.model",
}

__all__ = [
    "Beta",
    "MkbaError",
    "Model",
    "Normal",
    "Pert",
    "PriceIndex",
    "PriceItem",
    "PriceList",
    "Project",
    "ProjectResult",
    "Registry",
    "Result",
    "Scenario",
    "Triangular",
    "Uniform",
    "__version__",
    "compile_scenario",
    "default_index",
    "diff",
    "evaluate",
    "evaluate_many",
    "figures",
    "irr",
    "load_index",
    "load_pricelist",
    "load_project",
    "load_scenario",
    "npv",
]

if TYPE_CHECKING:  # pragma: no cover - for type checkers and editors only
    from mkba.batch import evaluate_many
    from mkba.engine.figures import figures
    from mkba.engine.finance import irr, npv
    from mkba.engine.model import Model, compile_scenario
    from mkba.errors import MkbaError
    from mkba.pricelist.compare import diff
    from mkba.pricelist.index import PriceIndex, default_index, load_index
    from mkba.pricelist.items import PriceItem, PriceList
    from mkba.pricelist.registry import Registry, load_pricelist
    from mkba.project import Project, ProjectResult, load_project
    from mkba.result import Result, evaluate
    from mkba.scenario.distributions import Beta, Normal, Pert, Triangular, Uniform
    from mkba.scenario.model import Scenario, load_scenario


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'mkba' has no attribute {name!r}")
    value = getattr(import_module(module), name)
    globals()[name] = value  # later look-ups are plain attribute reads
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
