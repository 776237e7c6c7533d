"""The Typer application: every command registered in one place, and the exit-code contract.

Commands live in their own modules (:mod:`mkba.cli.run`, :mod:`mkba.cli.check`,
:mod:`mkba.cli.pricelist`, :mod:`mkba.cli.sib`); :func:`run_app` runs the application in
process and maps an :class:`~mkba.errors.MkbaError` to one message and exit code 2.
"""

from __future__ import annotations

from collections.abc import Sequence

import typer
from rich.markup import escape

from mkba.cli import batch, check, pricelist, report, run, sib
from mkba.cli.common import err
from mkba.errors import MkbaError

app = typer.Typer(
    help="Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
pricelist_app = typer.Typer(
    help="Versioned price lists (maatschappelijke prijslijsten).", no_args_is_help=True
)
app.add_typer(pricelist_app, name="pricelist")


@app.callback(invoke_without_command=False)
def _root(
    version: bool = typer.Option(
        False,
        "--version",
        "-V",
        help="Print the mkba version and exit.",
        is_eager=True,
        callback=check.print_version,
    ),
) -> None:
    """Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain."""


app.command("run")(run.run)
app.command("check")(check.check)
app.command("schema")(check.schema)
app.command("version")(check.version_command)
app.command("sib")(sib.sib_command)
app.command("batch")(batch.batch)
app.command("report")(report.report)
pricelist_app.command("list")(pricelist.pricelist_list)
pricelist_app.command("show")(pricelist.pricelist_show)
pricelist_app.command("diff")(pricelist.pricelist_diff)
pricelist_app.command("import")(pricelist.pricelist_import)
pricelist_app.command("export")(pricelist.pricelist_export)


def run_app(args: Sequence[str]) -> int:
    """Run the application on ``args`` in this process and return the exit code.

    An :class:`~mkba.errors.MkbaError` prints ``error: <file>:<line>: <field>: <message>`` on
    standard error and gives 2; a usage error (unknown option, missing argument) gives 2 with
    Typer's message; ``--help`` gives 0. Only Typer's public exceptions are named: Typer carries its
    own copy of click, so ``click`` itself need not be installed.
    """
    command = typer.main.get_command(app)
    try:
        command.main(args=list(args), prog_name="mkba", standalone_mode=False)
    except MkbaError as exc:
        err.print("[bold red]error:[/bold red] " + escape(str(exc)), highlight=False, soft_wrap=True)
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
