"""The ``mkba`` command line: one module per command; each parses, calls the API and prints.

Layer: the top. It may import every other subpackage; nothing imports it. An
:class:`~mkba.errors.MkbaError` raised anywhere below becomes one message on standard error
and exit code 2 (:func:`main`). Only this layer draws progress bars (numeric code reports
progress through a callback) and only this layer writes to the terminal.

:func:`main` answers ``mkba --version`` before importing anything heavy, so that it starts fast.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line with ``argv`` (default: ``sys.argv[1:]``) and return its exit code.

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments after the program name, e.g. ``["run", "scenario.yaml"]``.

    Returns
    -------
    int
        0 on success, 2 for bad input (one message on standard error), 1 when interrupted.

    Examples
    --------
    >>> from mkba.cli import main
    >>> main(["--version"])  # doctest: +SKIP
    0.2.0
    0
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if args in (["--version"], ["-V"]):
        from mkba._version import __version__

        sys.stdout.write(__version__ + "\n")
        return 0
    from mkba.cli.app import run_app

    return run_app(args)
