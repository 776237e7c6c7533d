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
import inspect
import re
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import typer

from mkba.cli.common import WHOLE_RANGES, bound, err, styled
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
#: Per command, the fields of the API it calls that one of its options gives under another name (a field
#: named as an option's parameter is found from the command's signature), and that option: an
#: error of the API naming the field names the option the user typed (``mkba batch --sheet x`` on a
#: workbook without that sheet: ``--sheet: the workbook has no sheet 'x'``). Applied by
#: :func:`mkba.cli.common.command_options`; keys are command names (``"pricelist import"`` for a
#: command of a group).
OPTION_FIELDS: dict[str, dict[str, str]] = {
    "batch": {"sheet": "--sheet"},  # mkba.batch.evaluate_many(sheet=)
    "sib": {"levels": "--outcome"},  # mkba.sib.model.SibModel.point(levels=)
    "run": {"input": "--break-even"},  # mkba.engine.model.Model.input_index(name)
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
        metavar="",  # a switch
        is_eager=True,
        callback=_version,
    ),
) -> None:
    """Maatschappelijke kosten-batenanalyse (MKBA) for the Dutch social domain."""


def _function(command: str, module: str, name: str) -> Any:
    function = getattr(importlib.import_module(f"mkba.cli.{module}"), name)
    return _guarded(function, _option_fields(function, OPTION_FIELDS.get(command, {})))


def _option_fields(function: Callable[..., Any], declared: dict[str, str]) -> dict[str, Any]:
    """The fields an error of the API may name for a value one of ``function``'s options gives.

    Each option's parameter (``price_year``: ``--price-year``), found from the signature, for an
    error that names no file; and the fields ``declared`` (:data:`OPTION_FIELDS`) under another name,
    which may name a file (:class:`mkba.cli.common.OptionField`).
    """
    import inspect

    from mkba.cli.common import OptionField

    fields: dict[str, OptionField] = {}
    for name, parameter in inspect.signature(function).parameters.items():
        if type(parameter.default).__name__ != "OptionInfo":
            continue
        long = [d for d in parameter.default.param_decls or () if d.startswith("--")]
        fields[name] = OptionField(
            long[0] if long else "--" + name.replace("_", "-"), name, parameter.default.default
        )
    by_option = {said.option: said for said in fields.values()}
    for field, option in declared.items():
        fields[field] = OptionField(option, by_option[option].param, by_option[option].default, file_ok=True)
    return fields


def _typed(ctx: typer.Context, given: dict[str, Any]) -> frozenset[str]:
    """The parameters of the running command the user gave (typed, or from the environment), not defaulted."""
    said = {"COMMANDLINE", "ENVIRONMENT"}
    return frozenset(name for name in given if getattr(ctx.get_parameter_source(name), "name", None) in said)


def _guarded(command: Callable[..., Any], options: dict[str, Any] | None = None) -> Callable[..., Any]:
    """``command`` run inside :func:`mkba.cli.common.command_options` (its signature kept for Typer).

    ``options``: the fields of the API that the command's options give (:func:`_option_fields`).
    """

    @functools.wraps(command)
    def guarded(**given: Any) -> Any:
        from mkba.cli.common import command_options

        ctx = given.pop(_CONTEXT)
        with command_options(given, options, typed=_typed(ctx, given)):
            return command(**given)

    # Typer reads the signature: the command's own, and its context (which options were typed)
    signature = inspect.signature(command)
    context = inspect.Parameter(_CONTEXT, inspect.Parameter.KEYWORD_ONLY, annotation=typer.Context)
    guarded.__signature__ = signature.replace(  # type: ignore[attr-defined]
        parameters=[*signature.parameters.values(), context]
    )
    return guarded


#: The name under which a guarded command receives Typer's context (no command has a parameter of it).
_CONTEXT = "mkba_context"


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
            app.command(name)(_function(name, *where))
    if command in (None, "pricelist"):
        group = typer.Typer(
            help="Versioned price lists (maatschappelijke prijslijsten).", no_args_is_help=True
        )
        for name, where in PRICELIST_COMMANDS.items():
            group.command(name)(_function(f"pricelist {name}", *where))
        app.add_typer(group, name="pricelist")
    return app


def _command_of(args: Sequence[str]) -> str | None:
    """The command named in ``args`` if it is one of mkba's, else None (all commands are needed)."""
    first = next((a for a in args if not a.startswith("-")), None)
    return first if first in COMMANDS or first == "pricelist" else None


def run_app(args: Sequence[str]) -> int:
    """Run the application on ``args`` in this process and return the exit code.

    An :class:`~mkba.errors.MkbaError` prints ``error: <file>:<line>: <field>: <message>`` on
    standard error and gives 2; so does a usage error (a bad or empty value, an unknown option, a
    missing argument), as ``error: <option>: <what was expected>`` (:func:`usage_error`); ``--help``
    gives 0; Ctrl-C says so and gives :data:`INTERRUPTED` (130), never 0. Only Typer's public exceptions are named: Typer carries its own copy of click, so
    ``click`` itself need not be installed.
    """
    command = typer.main.get_command(build_app(_command_of(args)))
    _check_values_as_typed(command)
    _plain_help(command)
    try:
        # outside standalone mode Typer returns an exit code instead of raising it: 130 for Ctrl-C
        code = command.main(args=list(args), prog_name="mkba", standalone_mode=False)
    except MkbaError as exc:
        _print_error(exc)
        return 2
    except typer.Exit as exc:
        return int(getattr(exc, "exit_code", 0))
    except typer.Abort:
        err.print("aborted")
        return 1
    except typer.TyperException as exc:  # a usage error: unknown option, missing argument, bad value
        said = usage_error(exc)
        if said is not None:
            _print_error(said)
            return 2
        show = getattr(exc, "show", None)  # the help of a group called without a command
        if callable(show):
            show()
        else:  # pragma: no cover - every usage error of Typer 0.29 can show itself
            err.print(str(exc))
        return int(getattr(exc, "exit_code", 2))
    if code == INTERRUPTED:
        err.print("interrupted (Ctrl-C): the run stopped before it finished")
    return code if isinstance(code, int) and not isinstance(code, bool) else 0


#: The exit code of a run stopped with Ctrl-C (128 + SIGINT, as a shell reports it).
INTERRUPTED = 130


def _print_error(exc: MkbaError) -> None:
    err.print(styled(("error:", "bold red"), " ", str(exc)), soft_wrap=True)


def _check_values_as_typed(command: Any) -> None:
    """Make every path, whole-number and number parameter of ``command`` (and of its subcommands)
    check its value as typed, before Typer converts it.

    Typer reads ``--json ""`` as the path ``.`` (the current folder), and ``--simulate 20.000`` as
    20 (its lax conversion takes a whole float): a Dutch reader writes twenty thousand so, and mkba
    itself prints "20.000 trekkingen". Both are refused, naming the option (:func:`_value_problem`).
    """
    for sub in (getattr(command, "commands", None) or {}).values():
        _check_values_as_typed(sub)
    for param in command.params:
        described = getattr(param, "type_descriptor", None)
        annotation = getattr(described, "annotation", None)
        kinds: dict[Any, str] = {Path: "path", int: "whole", float: "number"}
        kind = "path" if annotation == list[Path] else kinds.get(annotation)
        if kind is not None:
            param.process_value = _checked(param, param.process_value, kind)


def _plain_help(command: Any) -> None:
    """Help screens of ``command`` (and of its subcommands) as mkba's own options are shown.

    Typer shows a type after ``--help`` (``<bool>``), which mkba's own switches leave out
    (``metavar=""``), and a required argument as ``{scenario}`` in the usage line. The help option
    gets no type, and an argument is named in capitals, as its messages name it (:func:`_param_name`),
    without Typer's type after it in its help row (its help says what it takes):
    ``Usage: mkba run [OPTIONS] SCENARIO``, ``mkba check [OPTIONS] FILES...``, ``mkba schema [KIND]``.
    """
    for sub in (getattr(command, "commands", None) or {}).values():
        _plain_help(sub)
    shown = command.get_help_option(typer.Context(command))  # the context gives the option's names
    if shown is not None:
        shown.metavar = ""
    for param in command.params:
        if param.param_type_name == "argument" and param.metavar is None:
            param.metavar = str(param.name).upper()
            param.get_usage_pieces = functools.partial(_usage_pieces, param)
            param.display_type_rich = _no_type  # its help says what file it takes; not Typer's <path>
        elif param.param_type_name == "option" and param.metavar is None and not param.is_flag:
            param.metavar = _option_metavar(param)


#: What an option takes, for its help row, where its type alone says too little (``<list[str]>``).
_METAVARS = {
    "--outcome": "[ID=]LEVEL",
    "--break-even": "INPUT",
    "--pricelist": "NAME[@VERSION]",
    "--scheduler": "ADDRESS",
    "--mapping": "FILE|NAME",
    "--plots": "FOLDER",
    "--discount-rate": "RATE",
    "--price-year": "YEAR",
}


def _option_metavar(param: Any) -> str | None:
    """An option's value in its help row: ``N``, ``RATE``, ``FILE``, ``[ID=]LEVEL`` (one value a use for
    a repeatable option) instead of Typer's ``<int>``, ``<path>``, ``<list[str]>``; a choice keeps its
    ``<nl|en>``."""
    named = next((_METAVARS[o] for o in param.opts if o in _METAVARS), None)
    if named is not None:
        return named
    kind = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    if typing.get_origin(kind) is list:  # repeatable: each use takes one
        (kind,) = typing.get_args(kind)
    shown: dict[Any, str] = {int: "N", float: "X", Path: "FILE", str: "TEXT"}
    return shown.get(kind)


def _no_type(ctx: Any) -> None:
    """No type after an argument's name in its help row (``SCENARIO``, not ``SCENARIO <path>``)."""
    return None


def _usage_pieces(param: Any, ctx: Any) -> list[str]:
    """An argument in the usage line: ``SCENARIO``, ``[KIND]`` when optional, ``FILES...`` when repeated."""
    name = param.metavar if param.required else f"[{param.metavar}]"
    return [name + ("..." if param.nargs != 1 else "")]


def _checked(param: Any, process: Callable[[Any, Any], Any], kind: str) -> Callable[[Any, Any], Any]:
    """``process`` (a parameter's conversion of its value), after refusing a value :func:`_value_problem` refuses."""

    def checked(ctx: Any, value: Any) -> Any:
        for one in value if isinstance(value, (list, tuple)) else [value]:
            problem = (
                _value_problem(one, kind, WHOLE_RANGES.get(_param_name(param)))
                if isinstance(one, str)
                else None
            )
            if problem:
                raise MkbaError(problem, field=_param_name(param))
        return process(ctx, value)

    return checked


_WHOLE_TYPED = re.compile(r"\s*[+-]?[0-9]+\s*")
_DUTCH_THOUSANDS = re.compile(r"\s*[+-]?[1-9][0-9]{0,2}(?:\.[0-9]{3})+\s*")


def _value_problem(value: str, kind: str, within: tuple[int, int] | None = None) -> str | None:
    """What is wrong with a value as typed for a path, a whole number or a number; None if nothing.

    An empty path; a whole number written with '.' between thousands or as a decimal (``20.000``,
    ``20.5``); a number with a decimal comma (``0,03``). Anything else is left to Typer's conversion.
    The number meant (``20000``) is suggested only where the option takes it (``within``, its bounds:
    ``--workers 2.000`` is not told to try 2000, which it refuses, but which numbers it takes).

    Examples
    --------
    >>> _value_problem("2.000", "whole", (1, 1024))
    "expected a whole number in [1, 1024] (without '.' between thousands), got '2.000'"
    >>> _value_problem("20.000", "whole", (1, 10**15))
    "expected a whole number without '.' between thousands (20000), got '20.000'"
    """
    if kind == "path":
        return None if value.strip() else f"expected a path, got {value!r}"
    if kind == "whole":
        if _WHOLE_TYPED.fullmatch(value) or not value.strip():
            return None
        if _DUTCH_THOUSANDS.fullmatch(value):
            plain = value.strip().replace(".", "")
            if within is not None and not within[0] <= int(plain) <= within[1]:
                low, high = bound(within[0]), bound(within[1])
                return f"expected a whole number in [{low}, {high}] (without '.' between thousands), got {value!r}"
            return f"expected a whole number without '.' between thousands ({plain}), got {value!r}"
        if "." in value or "," in value:  # 20.5, 1_000.000: never a whole number as typed
            return f"expected a whole number, got {value!r}"
        return None
    if re.fullmatch(r"\s*[+-]?[0-9]*,[0-9]+\s*", value):
        return f"expected a number with a decimal point ({value.strip().replace(',', '.')}), got {value!r}"
    return None


def _param_name(param: Any) -> str:
    """How messages name a parameter: its long option (``--output``), or an argument in capitals."""
    opts = [o for o in getattr(param, "opts", None) or [] if o.startswith("-")]
    if not opts:
        return str(param.name).upper()
    return max(opts, key=len)


def usage_error(exc: Exception) -> MkbaError | None:
    """A usage error of Typer as mkba's one message: the option (or argument) and what was expected.

    A bad value (``--lang fr``: ``--lang: expected 'nl' or 'en', got 'fr'``; ``--simulate abc``:
    ``expected a whole number``), a missing argument or option, an unknown option (with the ones
    meant), an option without its value, an unknown command or an extra argument. None for what is
    not an error of the user's (the help a group without a command shows).

    Parameters
    ----------
    exc : Exception
        A usage error raised while Typer parses the arguments.

    Returns
    -------
    MkbaError or None
        Naming the option or argument (in capitals) as the field, where there is one.
    """
    if type(exc).__name__ == "NoArgsIsHelpError":
        return None
    ctx = getattr(exc, "ctx", None)
    help_hint = f"see '{ctx.command_path} --help'" if ctx is not None else "see 'mkba --help'"
    param = getattr(exc, "param", None)
    if param is not None:
        if type(exc).__name__ == "MissingParameter":
            return MkbaError(f"required, not given; {help_hint}", field=_param_name(param))
        return _bad_value(exc, param)
    option = getattr(exc, "option_name", None)
    message = str(getattr(exc, "message", "") or exc).rstrip(".")
    if option and (getattr(exc, "possibilities", None) is not None or type(exc).__name__ == "NoSuchOption"):
        # an unknown option; mkba has no short options but -o, and -h is the usual slip for --help
        meant = ["--help"] if option == "-h" else sorted(getattr(exc, "possibilities", None) or [])
        near = f"; did you mean {' or '.join(meant)}?" if meant else ""
        return MkbaError(f"no such option{near} ({help_hint})", field=option)
    if option:  # an option without its value, or a switch given one
        if "requires" in message:
            message = "expected a value after the option"
        elif "does not take a value" in message:
            message = "takes no value (it is a switch: give it or leave it out)"
        return MkbaError(message, field=option)
    message = message.replace(". Did you mean", "; did you mean")  # one sentence (click's two)
    return MkbaError(
        f"{message[:1].lower()}{message[1:].rstrip('?.')}{'?' if message.endswith('?') else ''} ({help_hint})"
    )


def _bad_value(exc: Exception, param: Any) -> MkbaError:
    """A value Typer could not convert: what the option takes, and the value as typed."""
    described = getattr(param, "type_descriptor", None)
    cause = exc.__cause__
    errors = cause.errors() if cause is not None and hasattr(cause, "errors") else []
    given = errors[0].get("input") if errors else None
    choices = getattr(described, "choices", None) if getattr(described, "is_choice", False) else None
    annotation = getattr(described, "annotation", None)
    if choices:
        names = [repr(getattr(c, "value", c)) for c in choices]
        expected = " or ".join([", ".join(names[:-1]), names[-1]] if len(names) > 1 else names)
    elif annotation is int:
        expected = "a whole number"
    elif annotation is float:
        expected = "a number"
    else:  # a type of Typer's own check: its words
        expected = str(getattr(exc, "message", exc)).removeprefix("Value error, ").rstrip(".")
        return MkbaError(expected, field=_param_name(param))
    got = f", got {given!r}" if isinstance(given, str) else ""
    return MkbaError(f"expected {expected}{got}", field=_param_name(param))


def __getattr__(name: str) -> Any:
    if name == "app":  # the whole application, for tools and tests that want a Typer object
        return build_app()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
