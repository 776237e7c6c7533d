"""What the command-line modules share: consoles, the language option, euro formatting."""

from __future__ import annotations

import math
import sys
from enum import Enum

import typer
from rich.console import Console

# Piped output (files, CI logs) gets a wider page than rich's 80-column default.
out = Console(width=None if sys.stdout.isatty() else 120)
err = Console(stderr=True, width=None if sys.stderr.isatty() else 120)


class Lang(str, Enum):
    """Language of labels: Dutch (default) or English."""

    nl = "nl"
    en = "en"


PRICELISTS_DIR_OPTION = typer.Option(
    None, "--pricelists-dir", help="Extra folder of price lists (<name>/<version>.yaml).")


def euro(x: float | None, cents: bool = False) -> str:
    """``€ 1,234`` (or ``€ 1,234.56`` with ``cents``); ``-`` for none or not a number."""
    if x is None or not math.isfinite(x):
        return "-"
    return f"€ {x:,.2f}" if cents else f"€ {x:,.0f}"
