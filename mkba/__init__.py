"""mkba: Dutch social cost-benefit analysis (maatschappelijke kosten-batenanalyse).

The public API; see the README and docs/ for how to use it.
"""

from .distributions import Beta, Normal, Pert, Triangular, Uniform
from .engine import Model, compile_scenario
from .errors import MkbaError
from .finance import irr, npv
from .index import PriceIndex, default_index, load_index
from .pricelist import PriceItem, PriceList, Registry, diff, load_pricelist
from .result import Result, evaluate, figures
from .scenario import Scenario, load_scenario

__all__ = [
    "Beta", "MkbaError", "Model", "Normal", "Pert", "PriceIndex", "PriceItem", "PriceList", "Registry",
    "Result", "Scenario", "Triangular", "Uniform", "compile_scenario", "default_index", "diff",
    "evaluate", "figures", "irr", "load_index", "load_pricelist", "load_scenario", "npv",
]
