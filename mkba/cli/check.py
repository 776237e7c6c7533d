"""``mkba check``, ``mkba schema`` and ``mkba version``: validate files, print schemas, say the version."""

from __future__ import annotations

import json
import sys
from enum import StrEnum
from pathlib import Path

import typer

from mkba._version import __version__
from mkba.cli.common import PRICELISTS_DIR_OPTION, out
from mkba.errors import MkbaError


class SchemaKind(StrEnum):
    scenario = "scenario"
    pricelist = "pricelist"


def schema(kind: SchemaKind = typer.Argument(SchemaKind.scenario, help="scenario or pricelist")) -> None:
    """Print the JSON Schema of scenario or price list files (for editors)."""
    from mkba.pricelist.items import PriceListFile
    from mkba.scenario.model import scenario_json_schema

    data = scenario_json_schema() if kind is SchemaKind.scenario else PriceListFile.model_json_schema()
    sys.stdout.write(json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def check(
    files: list[Path] = typer.Argument(..., help="Scenario, price list, mapping or index files."),
    pricelists_dir: list[Path] | None = PRICELISTS_DIR_OPTION,
) -> None:
    """Check files without computing anything: each is read, validated and its references resolved.

    A scenario is compiled against its price list (and its SIB contract checked); a price list is
    resolved with what it extends. The first problem ends in one message and exit code 2.
    """
    from mkba.engine.model import compile_scenario
    from mkba.io.documents import read_document
    from mkba.pricelist.index import load_index
    from mkba.pricelist.items import TABLE_SUFFIXES
    from mkba.pricelist.mapping import load_mapping
    from mkba.pricelist.registry import load_pricelist
    from mkba.scenario.model import load_scenario

    folders = pricelists_dir or ()
    for path in files:
        if path.suffix.lower() in TABLE_SUFFIXES:
            out.print(f"ok: {path} (price list {load_pricelist(path, folders=folders).ref}, exported table)")
            continue
        doc = read_document(path)
        kind = doc.data.get("format") if isinstance(doc.data, dict) else None
        if kind == "mkba-scenario/1":
            scenario = load_scenario(path)
            if scenario.sib is not None:
                from mkba.sib.model import compile_sib

                compile_sib(scenario, folders=folders)
            model = compile_scenario(scenario, load_pricelist(scenario.pricelist, folders=folders))
            what = f"scenario, {len(model.lines)} lines, {sum(i.uncertain for i in model.inputs)} uncertain inputs"
        elif kind == "mkba-pricelist/1":
            what = f"price list {load_pricelist(path, folders=folders).ref}"
        elif kind == "mkba-mapping/1":
            what = f"column mapping {load_mapping(path).name}"
        elif kind == "mkba-index/1":
            what = f"price index {load_index(path).name}"
        else:
            raise MkbaError(
                f"unknown format {kind!r}; expected mkba-scenario/1, mkba-pricelist/1, "
                "mkba-mapping/1 or mkba-index/1",
                file=str(path),
                line=doc.line_of(("format",)),
                field="format",
            )
        out.print(f"ok: {path} ({what})")


def version_command() -> None:
    """Print the mkba version."""
    out.print(__version__)


def print_version(value: bool) -> None:
    """``mkba --version``: print the version and stop (an eager option's callback)."""
    if value:
        out.print(__version__)
        raise typer.Exit()
