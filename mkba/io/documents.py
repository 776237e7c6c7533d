"""Strict reading of YAML, TOML and JSON files, with positions for errors.

YAML is read as YAML 1.2 (core schema), which avoids YAML 1.1's surprises:
- a duplicate key is an error (PyYAML would keep the last one silently),
- dates and times stay text, so that pydantic validates them,
- only ``true``/``false`` are booleans (``no`` is the text "no"),
- integers are decimal (``012`` is 12), or ``0o``/``0x`` prefixed.

Two parsers read the same YAML 1.2 core schema: a fast one (``yaml_rs``, in
Rust) for the data, and a strict pure-Python one (PyYAML with YAML 1.2
resolvers) that also records the line of every key and item. The second runs
only when a line is needed for a message, so that loading a large price list
stays fast (measured in the benchmarks, docs/architecture.md). Validation errors from
pydantic are turned into one :class:`MkbaError`.

Untrusted files are read within limits (docs/security.md): the file is a regular file within
the size limit (:func:`mkba.io.files.read_input`); a control character (other than tab, line
feed and carriage return) is refused with its line and column; YAML may hold at most
:data:`MAX_ALIASES` aliases and :data:`MAX_NODES` nodes once they are expanded (a "billion
laughs" is refused before it is expanded); nesting deeper than :data:`MAX_DEPTH` is refused in
YAML, JSON and TOML; every exception of a parser becomes one :class:`MkbaError` naming the file.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import types
import typing
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pydantic
from pydantic_core import ErrorDetails

from mkba.errors import MkbaError
from mkba.io.files import read_input

if TYPE_CHECKING:
    import yaml

#: The most YAML aliases (``*name``) a file may hold.
MAX_ALIASES = 1_000
#: The most values (mappings, lists and scalars) a document may hold once its aliases are expanded.
MAX_NODES = 2_000_000
#: The deepest nesting of mappings and lists a document may have.
MAX_DEPTH = 64

_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# An anchor starts a node: at a line's start or after white space, '-', ':', ',', '[' or '{' (a '&'
# inside a URL's query string is not one).
_ANCHOR = re.compile(rb"(?:^|[\s\[{,:-])&[^\s&]")
_LINE_START = re.compile(rb"(?m)^[ \-?]*")
_BRACKET = re.compile(r"[\[\]{}]")

_yaml_rs: types.ModuleType | None
try:  # the fast YAML 1.2 parser; without it everything still works, only slower
    import yaml_rs as _yaml_rs_module

    _yaml_rs = _yaml_rs_module
except ImportError:  # pragma: no cover
    _yaml_rs = None

Path_ = tuple[str | int, ...]


@dataclass
class Document:
    """The parsed content of a file and where each part of it stands.

    Attributes
    ----------
    data : Any
        Plain Python data (dicts, lists, scalars).
    file : str
        The file name used in messages.
    lines : dict
        Key path (tuple of keys and indices) to 1-based line number; empty for
        formats without positions.
    text : bytes
        The raw bytes read, for content hashes.
    """

    data: Any
    file: str
    _lines: dict[Path_, int] | None = field(default_factory=dict, repr=False)
    text: bytes = b""

    @property
    def lines(self) -> dict[Path_, int]:
        """Key path to line; for YAML parsed on the fast path, computed on first use."""
        if self._lines is None:
            self._lines = _strict_parse(self.text, self.file)[1]
        return self._lines

    def line_of(self, path: Path_) -> int | None:
        """Line of ``path`` or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.lines:
                return self.lines[path]
            if not path:
                return None
            path = path[:-1]


def _walk(
    node: yaml.Node, path: Path_, lines: dict[Path_, int], file: str, inside: frozenset[int] = frozenset()
) -> None:
    import yaml  # only here, when a line is needed: see mkba.io.strict_yaml

    lines[path] = node.start_mark.line + 1
    if id(node) in inside:
        raise MkbaError(
            "a YAML alias refers to the node that contains it; expected plain data",
            file=file,
            line=node.start_mark.line + 1,
            field=format_path(path),
        )
    inside = inside | {id(node)}
    if isinstance(node, yaml.MappingNode):
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            if key_node.tag == "tag:yaml.org,2002:int":
                key = int(key.replace("_", ""))
            line = key_node.start_mark.line + 1
            if key in seen:
                raise MkbaError(
                    f"duplicate key {key!r} (first given on line {seen[key]}); expected each key once",
                    file=file,
                    line=line,
                    field=format_path((*path, key)),
                )
            seen[key] = line
            _walk(value_node, (*path, key), lines, file, inside)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, file, inside)


def check_text(text: str, file: str) -> None:
    """Refuse a control character (other than tab, line feed, carriage return), with its position.

    Raises
    ------
    MkbaError
        Naming the file, the line and the column of the first control character.
    """
    found = _CONTROL.search(text)
    if found is None:
        return
    line = text.count("\n", 0, found.start()) + 1
    column = found.start() - (text.rfind("\n", 0, found.start()) + 1) + 1
    raise MkbaError(
        f"control character {found.group()!r} at column {column}; expected plain text", file=file, line=line
    )


def _decode(raw: bytes, file: str, what: str) -> str:
    """UTF-8 text without control characters (a byte order mark is allowed)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise MkbaError(
            f"not UTF-8 text; expected a UTF-8 encoded {what} file", file=file, line=line
        ) from None
    check_text(text, file)
    return text.removeprefix("\ufeff")


def _rough_depth(raw: bytes) -> int:
    """An upper bound of a YAML text's nesting: the longest run of indentation and ``-``/``?``
    at the start of a line, plus the number of opening brackets."""
    starts = max((len(line) - len(line.lstrip(b" -?")) for line in raw.split(b"\n")), default=0)
    steps = np.frombuffer(raw, dtype=np.uint8)
    opens = (steps == ord("[")) | (steps == ord("{"))
    closes = (steps == ord("]")) | (steps == ord("}"))
    nesting = int(np.cumsum(opens.astype(np.int64) - closes).max(initial=0))  # brackets in text only add
    return starts + nesting


def _alias_budget(raw: bytes, file: str) -> None:
    """Refuse YAML with too many aliases, or too many nodes or levels once they are expanded.

    Only the parser's events are read (nothing is expanded, no recursion), so a "billion laughs"
    or a thousand nested brackets is refused in the time it takes to read it. Text without an
    anchor (``&name``) and without deep indentation or many brackets is passed at once.
    """
    if not _ANCHOR.search(raw) and _rough_depth(raw) <= MAX_DEPTH:
        return
    import yaml

    from mkba.io.strict_yaml import LINE_LOADER

    _bracket_depth(raw.decode("utf-8", "replace"), file)
    sizes: dict[str, tuple[int, int]] = {}  # anchor -> (nodes, depth) once expanded
    stack: list[list[Any]] = [[None, 0, 0]]  # [anchor, nodes, depth of children]
    aliases = 0
    try:
        for event in yaml.parse(raw, Loader=LINE_LOADER):
            if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
                stack.append([event.anchor, 1, 0])
                continue
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                nodes, depth = sizes.get(str(event.anchor), (1, 0))
            elif isinstance(event, yaml.ScalarEvent):
                nodes, depth = 1, 0
                if event.anchor:
                    sizes[event.anchor] = (1, 0)
            elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)) and len(stack) > 1:
                anchor, nodes, inner = stack.pop()
                depth = inner + 1
                if anchor:
                    sizes[anchor] = (nodes, depth)
            else:
                continue
            top = stack[-1]
            top[1] += nodes
            top[2] = max(top[2], depth)
            _budget(aliases, top[1], len(stack) - 1 + depth, event, file)
    except yaml.YAMLError:
        return  # the parse proper reports it, with its line


def _budget(aliases: int, nodes: int, depth: int, event: Any, file: str) -> None:
    line = event.start_mark.line + 1 if event.start_mark else None
    if aliases > MAX_ALIASES:
        raise MkbaError(f"more than {MAX_ALIASES:,} YAML aliases; expected plain data", file=file, line=line)
    if nodes > MAX_NODES:
        raise MkbaError(
            f"the YAML aliases expand to more than {MAX_NODES:,} values; expected plain data",
            file=file,
            line=line,
        )
    if depth > MAX_DEPTH:
        raise MkbaError(
            f"nested more than {MAX_DEPTH} levels deep; expected plain data", file=file, line=line
        )


def check_depth(data: Any, file: str) -> None:
    """Refuse data nested deeper than :data:`MAX_DEPTH` (NaN and infinities are refused by the models).

    Raises
    ------
    MkbaError
        Naming the file.
    """
    todo: list[tuple[Any, Path_]] = [(data, ())]
    while todo:
        value, path = todo.pop()
        if len(path) > MAX_DEPTH:
            raise MkbaError(f"nested more than {MAX_DEPTH} levels deep; expected plain data", file=file)
        if isinstance(value, dict):
            todo.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            todo.extend((v, (*path, i)) for i, v in enumerate(value))


def _strict_parse(raw: bytes, file: str) -> tuple[Any, dict[Path_, int]]:
    """Parse with the pure-Python strict loader: the data and the line of every part."""
    import yaml

    from mkba.io.strict_yaml import LINE_LOADER

    text = _decode(raw, file, "YAML")
    _alias_budget(raw, file)
    try:
        loader = LINE_LOADER(text)
        try:
            node = loader.get_single_node()
            if node is None:
                raise MkbaError("the file is empty; expected a YAML mapping", file=file)
            lines: dict[Path_, int] = {}
            _walk(node, (), lines, file)
            data = loader.construct_document(node)
        finally:
            loader.dispose()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        raise MkbaError(
            f"not valid YAML: {exc.problem or exc.context}", file=file, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise MkbaError(
            f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc}", file=file
        ) from None
    except RecursionError:
        raise MkbaError(f"nested too deeply; expected at most {MAX_DEPTH} levels", file=file) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        raise MkbaError(f"not valid YAML: {exc}", file=file) from None
    check_depth(data, file)
    return data, lines


def parse_yaml(text: str | bytes, file: str = "<string>", *, positions: bool = False) -> Document:
    """Parse YAML 1.2 text strictly; see the module docstring.

    Parameters
    ----------
    positions : bool
        Record every line now (the strict parser) rather than when first needed.
    """
    raw = text.encode() if isinstance(text, str) else text
    if positions or _yaml_rs is None:
        data, lines = _strict_parse(raw, file)
        return Document(data, file, lines, raw)
    text = _decode(raw, file, "YAML")
    _alias_budget(raw, file)
    try:
        data = _yaml_rs.loads(text, parse_datetime=False)
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException as exc:  # also a Rust panic (pyo3 PanicException)
        _strict_parse(raw, file)  # raises the message with the line, if it sees the problem too
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise MkbaError(f"not valid YAML: {first}", file=file) from None
    if data is None:
        raise MkbaError("the file is empty; expected a YAML mapping", file=file)
    check_depth(data, file)
    return Document(data, file, None, raw)


def read_document(path: str | Path) -> Document:
    """Read a YAML (``.yaml``/``.yml``), TOML (``.toml``) or JSON (``.json``) file."""
    path = Path(path)
    file = str(path)
    raw = read_input(path)
    suffix = path.suffix.lower()
    if suffix == ".toml":
        import tomllib  # only for TOML files

        text = _decode(raw, file, "TOML")
        _bracket_depth(text, file)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise MkbaError(f"not valid TOML: {exc}", file=file) from None
        except (RecursionError, ValueError, OverflowError) as exc:
            raise MkbaError(f"not valid TOML: {exc or 'nested too deeply'}", file=file) from None
        data = _plain(data)
        check_depth(data, file)
        return Document(data, file, {}, raw)
    if suffix == ".json":
        text = _decode(raw, file, "JSON")
        _bracket_depth(text, file)
        try:
            data = json.loads(
                text,
                object_pairs_hook=_json_pairs(file),
                parse_constant=_json_constant,
                parse_float=_json_float,
            )
        except json.JSONDecodeError as exc:
            raise MkbaError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from None
        except (RecursionError, ValueError, OverflowError) as exc:
            raise MkbaError(f"not valid JSON: {exc or 'nested too deeply'}", file=file) from None
        check_depth(data, file)
        return Document(data, file, {}, raw)
    return parse_yaml(raw, file)


def _bracket_depth(text: str, file: str) -> None:
    """Refuse JSON or TOML whose brackets nest deeper than :data:`MAX_DEPTH` (before parsing).

    Brackets inside strings count too, so this is an upper bound; a real file stays far below it.
    """
    if text.count("[") + text.count("{") <= 4 * MAX_DEPTH:
        return
    depth = 0
    deepest = 0
    for found in _BRACKET.finditer(text):
        if found.group() in "[{":
            depth += 1
            deepest = max(deepest, depth)
        else:
            depth -= 1
    if deepest > 4 * MAX_DEPTH:
        raise MkbaError(f"nested more than {MAX_DEPTH} levels deep; expected plain data", file=file)


def _json_constant(name: str) -> float:
    raise ValueError(f"{name} is not a number mkba accepts; expected a finite number")


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"{text} is beyond the range of numbers; expected a finite number")
    return value


def _plain(value: Any) -> Any:
    """TOML dates and times back to text, as for YAML."""
    import datetime as dt

    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, (dt.date, dt.time, dt.datetime)):
        return value.isoformat()
    return value


def _json_pairs(file: str) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for key, value in pairs:
            if key in out:
                raise MkbaError(f"duplicate key {key!r}; expected each key once", file=file)
            out[key] = value
        return out

    return hook


def format_path(path: Path_) -> str:
    """``('items', 3, 'amount')`` -> ``items[3].amount``."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += ("." if out else "") + str(part)
    return out


def _data_path(data: Any, loc: Path_) -> tuple[Path_, list[str]]:
    """Split a pydantic ``loc`` into the part that exists in ``data`` and the rest.

    pydantic puts union tags and function names into ``loc``; those are not in
    the data, so they are passed over while walking it.
    """
    path: list[str | int] = []
    rest: list[str] = []
    node = data
    for part in loc:
        if isinstance(node, dict) and part in node:
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and str(part) in node:
            node = node[str(part)]
            path.append(str(part))
        elif isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node):
            node = node[part]
            path.append(part)
        elif isinstance(node, dict) and isinstance(part, str) and not rest:
            rest.append(part)
        else:
            continue
    return tuple(path), rest


def _fields_at(model: type, loc: Path_) -> set[str]:
    """The field names a closed model allows at ``loc`` (best effort, for hints)."""
    candidates: list[Any] = [model]
    for part in loc:
        candidates = [inner for cand in _expand(candidates) for inner in _types_inside(cand, part)]
    names: set[str] = set()
    for cand in _expand(candidates):
        if _is_model(cand):
            names |= {f.alias or n for n, f in cand.model_fields.items()}
    return names


def _is_model(cand: Any) -> bool:
    return isinstance(cand, type) and issubclass(cand, pydantic.BaseModel)


def _types_inside(cand: Any, part: str | int) -> list[Any]:
    """The types that may stand at ``part`` (a key or an index) inside a value of type ``cand``."""
    if _is_model(cand):
        if not isinstance(part, str):
            return []
        info = cand.model_fields.get(part)
        if info is None:
            info = next((f for f in cand.model_fields.values() if f.alias == part), None)
        return [info.annotation] if info is not None else [cand]  # not a field: a union tag in loc
    origin = typing.get_origin(cand)
    if origin in (list, tuple) and isinstance(part, int):
        return list(typing.get_args(cand)[:1])
    if origin is dict:
        return [typing.get_args(cand)[1]]
    return []


def _expand(hints: list[Any]) -> list[Any]:
    """Type hints with ``Annotated`` and unions taken apart into their members."""
    out: list[Any] = []
    for t in hints:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            deferred = [m.deferred_type() for m in t.__metadata__ if hasattr(m, "deferred_type")]
            out.extend(_expand(deferred or [typing.get_args(t)[0]]))
        elif origin in (typing.Union, types.UnionType):
            out.extend(_expand(list(typing.get_args(t))))
        else:
            out.append(t)
    return out


def _describe(err: ErrorDetails, model: type) -> str:
    kind = err["type"]
    if kind == "extra_forbidden":
        key = err["loc"][-1]
        allowed = sorted(_fields_at(model, tuple(err["loc"][:-1])))
        hint = difflib.get_close_matches(str(key), allowed, n=1)
        msg = f"unknown key {key!r}"
        if hint:
            msg += f"; did you mean {hint[0]!r}?"
        if allowed:
            msg += " Expected one of: " + ", ".join(allowed)
        return msg
    if kind == "missing":
        return "this field is required but missing"
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    given = "input" in err and not (
        kind == "sib_contract" and err["input"] is None
    )  # a check of several fields
    if given and kind not in ("model_type", "dict_type") and not isinstance(err["input"], (dict, list)):
        msg += f" (got {err['input']!r})"
    return msg


def validation_error(exc: pydantic.ValidationError, doc: Document, model: type) -> MkbaError:
    """Turn a pydantic error into one :class:`MkbaError` pointing at the first problem.

    Further problems, if any, are listed after the first, one per line.
    """
    lines = []
    first: MkbaError | None = None
    errors = sorted(exc.errors(), key=lambda e: e["type"] != "extra_forbidden")
    for err in errors:
        path, rest = _data_path(doc.data, tuple(err["loc"]))
        line = doc.line_of(path)
        field_name = format_path(path + tuple(rest[:1]))
        item = _item_hint(doc.data, path)
        if item:
            field_name += f" (id {item!r})"
        one = MkbaError(_describe(err, model), file=doc.file, line=line, field=field_name or None)
        if first is None:
            first = one
        else:
            lines.append(str(one))
    assert first is not None
    if lines:
        shown = lines[:4]
        more = f"\n  ... and {len(lines) - 4} more" if len(lines) > 4 else ""
        first.message += "\n  also: " + "\n  also: ".join(shown) + more
    return first


def _item_hint(data: Any, path: Path_) -> str | None:
    """The ``id`` of the list item a path runs through, to help find it."""
    node = data
    found = None
    for part in path:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(part, int) and isinstance(node, dict) and isinstance(node.get("id"), str):
            found = node["id"]
    return found


M = typing.TypeVar("M", bound=pydantic.BaseModel)


def validate(model: type[M], doc: Document, context: dict[str, Any] | None = None) -> M:
    """Validate a document against a closed pydantic model, or raise :class:`MkbaError`."""
    if not isinstance(doc.data, dict):
        raise MkbaError(
            f"expected a mapping at the top of the file, got {type(doc.data).__name__}", file=doc.file, line=1
        )
    try:
        return model.model_validate(doc.data, context=context)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, doc, model) from None
