"""The Typer application: every command listed in one place, and the exit-code contract.

Commands live in their own modules (:mod:`mkba.cli.run`, :mod:`mkba.cli.check`,
:mod:`mkba.cli.pricelist`, :mod:`mkba.cli.sib`, ...), listed in :data:`COMMANDS`;
:func:`build_app` registers them (only the one called, when a call names one), and
:func:`run_app` runs the application in process and maps an :class:`~mkba.errors.MkbaError` to one
message and exit code 2. ``app`` is the application with every command, built on first access.

Every command runs inside :func:`mkba.cli.common.command_options` (:func:`_guarded`): the options
several commands share (``--pricelist``, ``--pricelists-dir``, ``--workers``, ``--scheduler``) are
checked in that one place before the command does any work, also when the run would not use them.
"""

from __future__ import annotations

import functools
import importlib
from collections.abc import Callable, Sequence
from typing import Any

import typer

from mkba.cli.common import err, styled
from mkba.errors import MkbaError

#: Every command: its name, and the module and function that carry it ("pricelist" is a group).
COMMANDS: dict[str, tuple[str, str]] = {
    "run": ("run", "run"),
    "check": ("check", "check"),
    "schema": ("check", "schema"),
    "version": ("check", "version_command"),
    "sib": ("sib", "sib_command"),
    "batch": ("batch", "batch"),
    "report": ("report", "report"),
}
PRICELIST_COMMANDS: dict[str, tuple[str, str]] = {
    "list": ("pricelist", "pricelist_list"),
    "show": ("pricelist", "pricelist_show"),
    "diff": ("pricelist", "pricelist_diff"),
    "import": ("pricelist", "pricelist_import"),
    "export": ("pricelist", "pricelist_export"),
}
HELP = "Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain."


def _version(value: bool) -> None:
    if value:  # Typer calls an eager option's callback also when it is not given
        from mkba.cli.check import print_version

        print_version(value)


def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the mkba version and exit.",
        is_eager=True,
        callback=_version,
    ),
) -> None:
    """Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain."""


def _function(module: str, name: str) -> Any:
    return _guarded(getattr(importlib.import_module(f"mkba.cli.{module}"), name))


def _guarded(command: Callable[..., Any]) -> Callable[..., Any]:
    """``command`` run inside :func:`mkba.cli.common.command_options` (its signature kept for Typer)."""

    @functools.wraps(command)
    def guarded(**given: Any) -> Any:
        from mkba.cli.common import command_options

        with command_options(given):
            return command(**given)

    return guarded


def build_app(command: str | None = None) -> typer.Typer:
    """The application with every command, or with ``command`` only (what one call needs).

    Registering one command imports one command module and makes Typer read one signature, which
    keeps a short command's start-up short (docs/architecture.md, "Start-up"); ``--help`` and
    unknown names get every command, so that the list and "did you mean" stay whole.
    """
    app = typer.Typer(help=HELP, no_args_is_help=True, pretty_exceptions_enable=False, add_completion=False)
    app.callback(invoke_without_command=False)(_root)
    for name, where in COMMANDS.items():
        if command in (None, name):
            app.command(name)(_function(*where))
    if command in (None, "pricelist"):
        group = typer.Typer(
            help="Versioned price lists (maatschappelijke prijslijsten).", no_args_is_help=True
        )
        for name, where in PRICELIST_COMMANDS.items():
            group.command(name)(_function(*where))
        app.add_typer(group, name="pricelist")
    return app


def _command_of(args: Sequence[str]) -> str | None:
    """The command named in ``args`` if it is one of mkba's, else None (all commands are needed)."""
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in COMMANDS or first == "pricelist" else None


def run_app(args: Sequence[str]) -> int:
    """Run the application on ``args`` in this process and return the exit code.

    An :class:`~mkba.errors.MkbaError` prints ``error: <file>:<line>: <field>: <message>`` on
    standard error and gives 2; a usage error (unknown option, missing argument) gives 2 with
    Typer's message; ``--help`` gives 0. Only Typer's public exceptions are named: Typer carries its
    own copy of click, so ``click`` itself need not be installed.
    """
    command = typer.main.get_command(build_app(_command_of(args)))
    try:
        command.main(args=list(args), prog_name="mkba", standalone_mode=False)
    except MkbaError as exc:
        err.print(styled(("error:", "bold red"), " ", str(exc)), soft_wrap=True)
        return 2
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0))
    except typer.Abort:
        err.print("aborted")
        return 1
    except typer.TyperException as exc:  # a usage error: unknown option, missing argument, bad value
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:  # pragma: no cover - every usage error of Typer 0.29 can show itself
            err.print(str(exc))
        return int(getattr(exc, "exit_code", 2))
    return 0


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole application, for tools and tests that want a Typer object
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
