"""The ``mkba`` command line: one module per command; each parses, calls the API and prints.

Layer: the top. It may import every other subpackage; nothing imports it. An
:class:`~mkba.errors.MkbaError` raised anywhere below becomes one message on standard error
and exit code 2 (:func:`main`). Only this layer draws progress bars (numeric code reports
progress through a callback) and only this layer writes to the terminal.

:func:`main` answers ``mkba --version`` before importing anything heavy, so that it starts fast.
Run as the ``mkba`` command, it also keeps Python's cyclic garbage collector out of the imports
(docs/architecture.md, "Start-up").
"""

from __future__ import annotations

import gc
import os
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
    if argv is not None:  # called from Python: leave the collector as the caller has it
        from mkba.cli.app import run_app

        return run_app(args)
    # The ``mkba`` command: importing allocates some 50,000 long-lived objects and frees none, so
    # collecting during the imports finds nothing, and scanning them again later (up to the final
    # collection at exit) costs about a sixth of a short command's time. They are moved to the
    # permanent generation (gc.freeze), as Python's documentation suggests for objects that live
    # as long as the process; the collector runs as usual for everything the command then creates.
    # Pydantic looks for plugins (observability hooks) by reading the entry points of every installed
    # distribution when it builds its first validator: 5 ms of a short command, for plugins that the
    # command line never uses. Typer turns the search off for its own validators; the command does the
    # same for mkba's, unless the user has set PYDANTIC_DISABLE_PLUGINS (set it empty to load plugins).
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    gc.disable()
    try:
        from mkba.cli.app import run_app
    finally:
        gc.freeze()
        gc.enable()
    code = run_app(args)
    try:  # what is still buffered; a reader that is gone loses nothing it asked for
        sys.stdout.flush()
    except BrokenPipeError:
        from mkba.cli.terminal import reader_gone

        reader_gone(sys.stdout)
    return code
