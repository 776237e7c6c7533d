"""``mkba check``, ``mkba schema`` and ``mkba version``: validate files, print schemas, say the version."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path

import typer

from mkba._version import __version__
from mkba.cli.common import LANG_OPTION, PRICELISTS_DIR_OPTION, Lang, out
from mkba.errors import MkbaError
from mkba.report.vocabulary import baseline_name, counted, label


class SchemaKind(StrEnum):
    """The file formats whose JSON Schema ``mkba schema`` prints."""

    scenario = "scenario"
    pricelist = "pricelist"
    project = "project"


def schema(
    kind: SchemaKind = typer.Argument(SchemaKind.scenario, help="scenario, pricelist or project"),
) -> None:
    """Print the JSON Schema of scenario, price list or project files (for editors)."""
    from mkba.pricelist.items import PriceListFile
    from mkba.scenario.model import scenario_json_schema
    from mkba.scenario.project import project_json_schema

    makers = {
        SchemaKind.scenario: scenario_json_schema,
        SchemaKind.pricelist: PriceListFile.model_json_schema,
        SchemaKind.project: project_json_schema,
    }
    sys.stdout.write(json.dumps(makers[kind](), indent=2, ensure_ascii=False) + "\n")


def _check_scenario(path: Path, folders: Sequence[Path], lang: str) -> str:
    from mkba.engine.model import compile_scenario
    from mkba.result import scenario_pricelist
    from mkba.scenario.model import load_scenario

    scenario = load_scenario(path)
    pricelist = scenario_pricelist(scenario, folders=folders)  # as mkba run loads it
    if scenario.sib is not None:
        from mkba.sib.model import compile_sib

        compile_sib(scenario, folders=folders)
    model = compile_scenario(scenario, pricelist)
    return label("ck_scenario", lang).format(
        lines=counted(len(model.lines), "n_lines", lang),
        uncertain=counted(sum(i.uncertain for i in model.inputs), "n_uncertain", lang),
    )


def _check_project(path: Path, folders: Sequence[Path], lang: str) -> str:
    from mkba.engine.model import compile_scenario
    from mkba.project import load_project

    project = load_project(path)
    everyone = project.definition.all
    pricelist = project.load_pricelist(folders=folders)  # as mkba run loads it: errors name the project
    for alt in everyone:
        compile_scenario(alt.scenario, pricelist)
    return label("ck_project", lang).format(
        baseline=baseline_name(project.baseline.label_in(lang)),
        n=counted(len(project.alternatives), "n_alternatives", lang),
    )


def _check_pricelist(path: Path, folders: Sequence[Path], lang: str) -> str:
    from mkba.pricelist.registry import load_pricelist

    return f"{label('ck_pricelist', lang)} {load_pricelist(path, folders=folders).ref}"


def _check_mapping(path: Path, folders: Sequence[Path], lang: str) -> str:
    from mkba.pricelist.mapping import load_mapping

    return f"{label('ck_mapping', lang)} {load_mapping(path).name}"


def _check_index(path: Path, folders: Sequence[Path], lang: str) -> str:
    from mkba.pricelist.index import load_index

    return f"{label('ck_index', lang)} {load_index(path).name}"


CHECKS: dict[str, Callable[[Path, Sequence[Path], str], str]] = {
    "mkba-scenario/1": _check_scenario,
    "mkba-project/1": _check_project,
    "mkba-pricelist/1": _check_pricelist,
    "mkba-mapping/1": _check_mapping,
    "mkba-index/1": _check_index,
}


def check(
    files: list[Path] = typer.Argument(..., help="Scenario, project, price list, mapping or index files."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
    lang: Lang = LANG_OPTION,
) -> None:
    """Check files without computing anything: each is read, validated and its references resolved.

    A scenario is compiled against its price list (and its SIB contract checked); a project's
    alternatives likewise; a price list is resolved with what it extends. The first problem ends in
    one message and exit code 2.
    """
    from mkba.io.documents import read_document, top_mapping
    from mkba.pricelist.items import TABLE_SUFFIXES
    from mkba.pricelist.registry import load_pricelist

    folders = pricelists_dir or ()
    for path in files:
        if path.suffix.lower() in TABLE_SUFFIXES:
            try:
                ref = load_pricelist(path, folders=folders).ref
            except MkbaError as exc:
                _refuse_change_table(path)  # a table of another kind: say which, not the list's layout
                raise exc from None
            out.print(
                f"ok: {path} ({label('ck_pricelist', lang.value)} {ref}, {label('ck_table', lang.value)})",
                soft_wrap=True,
            )
            continue
        doc = read_document(path)
        kind = top_mapping(doc).get("format")  # a list, text or nothing at the top: said at line 1
        checker = CHECKS.get(kind) if isinstance(kind, str) else None
        if checker is None:
            what = "missing" if kind is None else f"unknown format {kind!r}"
            raise MkbaError(
                f"{what}; expected one of: {', '.join(CHECKS)}",
                file=str(path),
                line=doc.line_of(("format",)) if kind is not None else 1,
                field="format",
            )
        out.print(f"ok: {path} ({checker(path, folders, lang.value)})", soft_wrap=True)  # one line per file
    _print_shadows(folders, lang.value)


def _refuse_change_table(path: Path) -> None:
    """Refuse a change table of ``mkba batch`` (an ``id`` column and ``set:`` paths) given to ``mkba check``.

    Raises
    ------
    MkbaError
        Naming the file, what it looks like and how to check it; nothing when it does not look so.
    """
    from mkba.batch import read_changes

    try:
        columns = [str(c) for c in read_changes(path).columns]
    except MkbaError:
        return
    if "id" in columns and any("." in c for c in columns if c != "id"):
        raise MkbaError(
            "this is a change table of mkba batch (an id column and set: paths), not a price list; "
            "mkba check reads scenarios, projects, price lists, mappings and indexes: check a change "
            "table by running it, mkba batch BASE --changes FILE",
            file=str(path),
        )


def _print_shadows(folders: Sequence[Path], lang: str) -> None:
    """Say which ``name@version`` is found in more than one folder, and which file is used."""
    from mkba.pricelist.registry import Registry

    registry = Registry(folders)
    registry.available()
    for ref, files in sorted(registry.shadows.items()):
        shadowed = ", ".join(str(f) for f in files[:-1])
        out.print(label("ck_shadows", lang).format(ref=ref, used=files[-1], shadowed=shadowed))


def version_command() -> None:
    """Print the mkba version."""
    out.print(__version__)


def print_version(value: bool) -> None:
    """``mkba --version``: print the version and stop (an eager option's callback)."""
    if value:
        out.print(__version__)
        raise typer.Exit()
