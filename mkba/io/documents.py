"""Strict reading of YAML, TOML and JSON files, with positions for errors.

YAML is read as YAML 1.2 (core schema), which avoids YAML 1.1's surprises:
- a duplicate key is an error (PyYAML would keep the last one silently),
- dates and times stay text, so that pydantic validates them,
- only ``true``/``false`` are booleans (``no`` is the text "no"),
- numbers are plain decimal (``012`` is 12); a plain scalar that is not a plain decimal number
  but reads as one elsewhere (YAML 1.1's ``5_0``, YAML 1.2's ``0x1F`` and ``0o17``, ``0b1``) is
  refused with its line rather than read as a number or as text; quoted, it is text,
- a key written twice is an error in YAML, JSON and TOML alike, also a year spelt two ways
  (``2025``, ``"2025"`` and ``"02025"``); other keys of digits stay distinct names (``"1"`` and
  ``"01"``), see :class:`KeysSeen`.

Two parsers read the same YAML 1.2 core schema: a fast one (``yaml_rs``, in
Rust) for the data, and a strict pure-Python one (PyYAML with YAML 1.2
resolvers) that also records the line of every key and item. The second runs
only when a line is needed for a message, or when a plain scalar in the text may be a number that
is not plain decimal (the fast parser reads ``5_0`` as 50; a cheap scan of the bytes finds such a
scalar and passes over comments and quoted text), so that loading a large price list stays fast
(measured in the benchmarks, docs/architecture.md). Validation errors from pydantic are turned
into one :class:`MkbaError`, in plain words ("expected a whole number, got 7.5"; see ``_WORDING``).

Untrusted files are read within limits (docs/security.md): the file is a regular file within
the size limit (:func:`mkba.io.files.read_input`); a control character (other than tab, line
feed and carriage return) is refused with its line and column; YAML may hold at most
:data:`MAX_ALIASES` aliases and :data:`MAX_NODES` nodes once they are expanded (a "billion
laughs" is refused before it is expanded); nesting deeper than :data:`MAX_DEPTH` is refused in
YAML, JSON and TOML; every exception of a parser becomes one :class:`MkbaError` naming the file
(and its line: JSON and TOML documents record the line of every key too, TOML as a best effort).
A file of another mkba format than the one expected (a scenario given as a price list) is refused
by its ``format:``.
"""

from __future__ import annotations

import difflib
import json
import math
import re
import types
import typing
from collections.abc import Iterable
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
_NOT_PLAIN_DECIMAL = (
    r"[-+]?(?:0[xXoObB][0-9a-fA-F_]*|[0-9][0-9_]*_[0-9_]*(?:\.[0-9_]*)?(?:[eE][-+]?[0-9_]+)?"
    r"|[0-9]*\.[0-9_]*_[0-9_]*(?:[eE][-+]?[0-9_]+)?|[0-9]+(?:\.[0-9]*)?[eE][-+]?[0-9]*_[0-9_]*)"
)
#: A number that is not a plain decimal number (``5_0``, ``0x1F``, ``0o17``, ``0b1``, ``1_000.5``):
#: mkba refuses it as a plain YAML scalar, and quotes it as text when it writes YAML.
YAML11_NUMBER = re.compile(f"^{_NOT_PLAIN_DECIMAL}$")
# Where such a number stands as a whole plain scalar: at the start of a line (after '---' or a BOM),
# after ':', '[', '{', ',' or '- '/'? ' (and an anchor or tag), and up to its end (a line end, ' #',
# ',', ']', '}' or ': '). A comment or quoted text ('# tabel 2019_2020', "'0x5'") and a word with
# such a part ('0-18_jaar') do not match; a false match (a line inside a block scalar) only costs
# the strict parse, which decides. Kept in step with the strict parser by
# tests/test_loading.py::test_the_scan_finds_every_number_the_strict_parser_refuses.
_MAYBE_NOT_PLAIN_DECIMAL = re.compile(
    rb"(?:^(?:\xef\xbb\xbf)?(?:---)?|\r(?:---)?|[:\[{,]|[-?](?=[ \t]))[ \t]*(?:[&!][^\s,\[\]{}]*[ \t]+)*"
    + _NOT_PLAIN_DECIMAL.encode()
    + rb"(?=[ \t]*(?:[\r\n#,\]}]|\Z|:(?:\s|\Z)))",
    re.M,
)
# Bytes before a '_' in such a number ('5_0', '.5_0', '1e_5', '1e-_5'), and after a '0' ('0x1F').
_DIGIT_OR_DOT = np.isin(np.arange(256), list(b"0123456789."))
_EXPONENT = np.isin(np.arange(256), list(b"eE"))
_SIGN = np.isin(np.arange(256), list(b"+-"))
_BASE = np.isin(np.arange(256), list(b"xXoObB"))
#: The most digits of a number (Python's own limit of converting text to a whole number).
MAX_DIGITS = 4300
_LONG_NUMBER = re.compile("[0-9]{" + str(MAX_DIGITS + 1) + ",}")
_MAX_BITS = int(MAX_DIGITS * 3.3219) + 1  # at least as many bits as MAX_DIGITS decimal digits hold
_TOML_AT = re.compile(r"\s*\(at line (\d+), column (\d+)\)|\s*\(at end of document\)")

_yaml_rs: types.ModuleType | None
try:  # the fast YAML 1.2 parser; without it everything still works, only slower
    import yaml_rs as _yaml_rs_module

    _yaml_rs = _yaml_rs_module
except ImportError:  # pragma: no cover
    _yaml_rs = None

Path_ = tuple[str | int, ...]


#: The suffixes of a YAML file; any suffix but .toml and .json is read as YAML too.
YAML_SUFFIXES = (".yaml", ".yml")
#: The suffixes of the files :func:`read_document` reads by their kind (a price list, a scenario, a project).
SUFFIXES = (*YAML_SUFFIXES, ".toml", ".json")


class NotYAML(MkbaError):
    """A file that YAML cannot parse: its first problem, at its line where the parser says one."""


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
    #: The syntax of ``text`` (``yaml``, ``json`` or ``toml``), for finding lines when first needed.
    syntax: str = "yaml"

    @property
    def lines(self) -> dict[Path_, int]:
        """Key path to line; for YAML parsed on the fast path, JSON and TOML, computed on first use."""
        if self._lines is None:
            text = self.text.decode("utf-8", "replace").removeprefix("\ufeff")
            if self.syntax == "json":
                self._lines = _json_lines(text)[0]
            elif self.syntax == "toml":
                self._lines = _toml_lines(text)
            else:
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
        # a key written twice alike, which the constructor would keep the last of; a year spelt two
        # ways (2025, "2025") is two keys here, and check_data refuses it, as for every parser
        seen: dict[Any, int] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else str(key_node.value)
            line = key_node.start_mark.line + 1
            _plain_number(key_node, (*path, key), file)
            if key_node.tag == "tag:yaml.org,2002:int":
                key = int(key)
            if key in seen:
                raise duplicate_key(key, (key, seen[key]), file, line, (*path, key))
            seen[key] = line
            _walk(value_node, (*path, key), lines, file, inside)
            lines[(*path, key)] = line
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _walk(item, (*path, i), lines, file, inside)
    else:
        _plain_number(node, path, file)


def _plain_number(node: yaml.Node, path: Path_, file: str) -> None:
    """Refuse a plain scalar that is not a plain decimal number but reads as one (``5_0``, ``0x1F``)."""
    value = node.value
    plain = getattr(node, "style", "'") in (None, "")  # None from PyYAML's parser, "" from libyaml's
    if plain and isinstance(value, str) and YAML11_NUMBER.match(value):
        raise MkbaError(
            f"{value} is not a plain decimal number (no '_', 0x, 0o or 0b); "
            f"expected a number such as {_decimal_example(value)}, or quotes for text",
            file=file,
            line=node.start_mark.line + 1,
            field=format_path(path) or None,
        )


def _decimal_example(text: str) -> str:
    try:
        return str(int(text.replace("_", ""), 0))
    except ValueError:
        try:
            return repr(float(text.replace("_", "")))
        except ValueError:
            return "50"


def _as_year(key: Any) -> tuple[int, bool] | None:
    """The whole number a key of digits reads as, and whether it is written as a number: an integer
    key or a year of 4 digits without a leading zero (``2025``, ``"2025"``; not ``"02025"``, ``"1"``)."""
    if isinstance(key, int) and not isinstance(key, bool):
        return key, True
    if isinstance(key, str) and key.isascii() and key.isdigit():
        return int(key), len(key) == 4 and key[0] != "0"
    return None


class KeysSeen:
    """The keys of one mapping so far, to find a key given twice.

    A year written ``2025``, ``"2025"`` or ``"02025"`` is one key (pydantic reads each as 2025 where
    a mapping is keyed by year), so two of them are a duplicate: two keys are the same when they
    are equal, or when they read as the same whole number and one of them is written as a number
    (:func:`_as_year`). Other texts of digits are names and stay distinct (``"1"`` and ``"01"``,
    codes of stakeholders or investors).
    """

    def __init__(self) -> None:
        self._info: dict[Any, Any] = {}
        self._numbers: dict[int, list[tuple[Any, bool]]] = {}

    def add(self, key: Any, info: Any) -> tuple[Any, Any] | None:
        """Record ``key`` (with ``info``, such as its line); the earlier key and its info if the
        same key was seen before."""
        if key in self._info:
            return key, self._info[key]
        year = _as_year(key)
        if year is not None:
            number, written_as_number = year
            for other, other_as_number in self._numbers.get(number, ()):
                if written_as_number or other_as_number:
                    return other, self._info[other]
            self._numbers.setdefault(number, []).append((key, written_as_number))
        self._info[key] = info
        return None


def duplicate_key(
    key: Any, first: tuple[Any, int | None], file: str, line: int | None, path: Path_
) -> MkbaError:
    """The error of a key given twice (``first``: the earlier spelling and its line)."""
    spelt, first_line = first
    message = (
        f"duplicate key {key!r}" + (f" (first given on line {first_line})" if first_line else "")
        if spelt == key
        else f"duplicate key {key!r}: the same key as {spelt!r}"
        + (f" (given on line {first_line})" if first_line else "")
    )
    message += "; expected each key once"
    parent = format_path(path[:-1])
    return MkbaError(message, file=file, line=line, field=f"{parent}.{key}" if parent else str(key))


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


def check_data(doc: Document, text: str | None = None) -> Document:
    """Refuse what a parser lets through and mkba does not take, in one walk of the data: nesting
    deeper than :data:`MAX_DEPTH`, a number of more than :data:`MAX_DIGITS` digits (found in ``text``
    for its line), and two keys of one mapping that mean the same (``2025`` and ``"02025"``, see
    :class:`KeysSeen`), at the second. NaN and infinities are refused by the models.

    Raises
    ------
    MkbaError
        Naming the file; for a key given twice, the line of the second key and both spellings.
    """
    file = doc.file
    todo: list[tuple[Any, Path_]] = [(doc.data, ())]
    while todo:
        value, path = todo.pop()
        if len(path) > MAX_DEPTH:
            raise MkbaError(f"nested more than {MAX_DEPTH} levels deep; expected plain data", file=file)
        if isinstance(value, dict):
            _check_numeric_keys(value, path, doc)
            todo.extend((v, (*path, k)) for k, v in value.items())
        elif isinstance(value, list):
            todo.extend((v, (*path, i)) for i, v in enumerate(value))
        elif isinstance(value, int) and value.bit_length() > _MAX_BITS:
            if text is not None:
                _too_long(text, file)
            raise MkbaError(
                f"number too long; expected a number of at most {MAX_DIGITS:,} digits",
                file=file,
                field=format_path(path) or None,
            )
    return doc


def _check_numeric_keys(mapping: dict, path: Path_, doc: Document) -> None:
    """Two keys of ``mapping`` that mean the same number: refused at the second."""
    # a parsed mapping's keys are distinct: only keys of digits can still mean the same
    numeric = [k for k in mapping if type(k) is int or (type(k) is str and k.isdigit())]
    if len(numeric) < 2:
        return
    seen = KeysSeen()
    for key in numeric:
        earlier = seen.add(key, None)
        if earlier is not None:
            first = (earlier[0], doc.line_of((*path, earlier[0])))
            raise duplicate_key(key, first, doc.file, doc.line_of((*path, key)), (*path, key))


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
        raise NotYAML(
            f"not valid YAML: {exc.problem or exc.context}", file=file, line=mark.line + 1 if mark else None
        ) from None
    except yaml.YAMLError as exc:
        raise NotYAML(f"not valid YAML: {str(exc).splitlines()[0] if str(exc) else exc}", file=file) from None
    except RecursionError:
        raise MkbaError(f"nested too deeply; expected at most {MAX_DEPTH} levels", file=file) from None
    except (ValueError, TypeError, OverflowError) as exc:  # e.g. an integer of more than 4300 digits
        _too_long(text, file)
        raise NotYAML(f"not valid YAML: {exc}", file=file) from None
    return data, lines


def _too_long(text: str, file: str) -> None:
    """Refuse a number of more digits than Python converts (its message names a setting of Python's)."""
    found = _LONG_NUMBER.search(text)
    if found is not None:
        raise MkbaError(
            f"number too long ({len(found.group()):,} digits); expected a number of at most "
            f"{MAX_DIGITS:,} digits",
            file=file,
            line=text.count("\n", 0, found.start()) + 1,
        )


def _may_hold_number_form(raw: bytes) -> bool:
    """Whether a plain scalar of a YAML text may be a number that is not plain decimal (``5_0``).

    Every such number holds a ``_`` after a digit, a ``.`` or an exponent, or a ``0x``/``0o``/``0b``:
    those places are found at once (numpy), and only their lines are searched with
    :data:`_MAYBE_NOT_PLAIN_DECIMAL`, which passes over comments and quoted text.
    """
    ahead = np.frombuffer(b"\n\n\n" + raw, dtype=np.uint8)  # 3 bytes so that [i - 3] stays in the text
    under = np.flatnonzero(ahead == ord("_"))
    one, two, three = ahead[under - 1], ahead[under - 2], ahead[under - 3]
    number = _DIGIT_OR_DOT[one] | (_EXPONENT[one] & _DIGIT_OR_DOT[two])
    number |= _SIGN[one] & _EXPONENT[two] & _DIGIT_OR_DOT[three]
    zero_x = np.flatnonzero((ahead[:-1] == ord("0")) & _BASE[ahead[1:]])
    checked_to = -1
    for at in np.sort(np.concatenate([under[number], zero_x])).tolist():
        if at - 3 < checked_to:
            continue  # its line was searched already
        end = raw.find(b"\n", at - 3)
        checked_to = len(raw) if end < 0 else end
        if _MAYBE_NOT_PLAIN_DECIMAL.search(raw, raw.rfind(b"\n", 0, at - 3) + 1, checked_to):
            return True
    return False


def parse_yaml(text: str | bytes, file: str = "<string>", *, positions: bool = False) -> Document:
    """Parse YAML 1.2 text strictly; see the module docstring.

    Parameters
    ----------
    positions : bool
        Record every line now (the strict parser) rather than when first needed.
    """
    raw = text.encode() if isinstance(text, str) else text
    if positions or _yaml_rs is None or _may_hold_number_form(raw):
        # the fast parser reads 5_0 as 50: the strict one refuses it, with its line
        data, lines = _strict_parse(raw, file)
        return check_data(Document(data, file, lines, raw))
    text = _decode(raw, file, "YAML")
    _alias_budget(raw, file)
    try:
        data = _yaml_rs.loads(text, parse_datetime=False)
    except (KeyboardInterrupt, SystemExit):  # pragma: no cover
        raise
    except BaseException as exc:  # also a Rust panic (pyo3 PanicException)
        _strict_parse(raw, file)  # raises the message with the line, if it sees the problem too
        _too_long(text, file)
        first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
        raise NotYAML(f"not valid YAML: {first}", file=file) from None
    if data is None:
        raise MkbaError("the file is empty; expected a YAML mapping", file=file)
    return check_data(Document(data, file, None, raw), text)


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
            found = _TOML_AT.search(str(exc))
            line = int(found.group(1)) if found and found.group(1) else None
            message = _TOML_AT.sub("", str(exc))
            raise MkbaError(f"not valid TOML: {message}", file=file, line=line) from None
        except (RecursionError, ValueError, OverflowError) as exc:
            _too_long(text, file)
            raise MkbaError(f"not valid TOML: {exc or 'nested too deeply'}", file=file) from None
        data = _plain(data)
        return check_data(Document(data, file, None, raw, "toml"), text)
    if suffix == ".json":
        return check_data(Document(_json_data(raw, file), file, None, raw, "json"))
    try:  # any other name is read as YAML (a scenario saved as .txt still loads)
        return parse_yaml(raw, file)
    except NotYAML as exc:
        if suffix in YAML_SUFFIXES:
            raise
        kind = f"a {suffix} file" if suffix else "a file without a suffix"
        raise MkbaError(
            f"{exc.message} (this is {kind}: mkba reads YAML (.yaml, .yml), TOML (.toml) and JSON (.json))",
            file=exc.file,
            line=exc.line,
        ) from None


def _json_data(raw: bytes, file: str) -> Any:
    text = _decode(raw, file, "JSON")
    _bracket_depth(text, file)
    try:
        data = json.loads(
            text,
            object_pairs_hook=_json_pairs,
            parse_constant=_json_constant,
            parse_float=_json_float,
            parse_int=_json_int,
        )
    except json.JSONDecodeError as exc:
        raise MkbaError(f"not valid JSON: {exc.msg}", file=file, line=exc.lineno) from None
    except _DuplicateKey as exc:
        line, field_name = _json_duplicate(text)
        raise MkbaError(
            f"duplicate key {exc.key!r}; expected each key once", file=file, line=line, field=field_name
        ) from None
    except (RecursionError, ValueError, OverflowError) as exc:
        _too_long(text, file)
        message = str(exc) or "nested too deeply"
        line = None
        if "beyond the range" in message or "not a number mkba accepts" in message:
            word = message.split(" ", 1)[0]
            at = text.find(word)
            line = text.count("\n", 0, at) + 1 if at >= 0 else None
        raise MkbaError(f"not valid JSON: {message}", file=file, line=line) from None
    return data


def _json_int(text: str) -> int:
    if len(text) > MAX_DIGITS:
        raise ValueError("number too long")  # _too_long finds it and its line
    return int(text)


def _json_duplicate(text: str) -> tuple[int | None, str | None]:
    """The line and path of the first key given twice in a JSON object."""
    try:
        found = _json_lines(text)[1]
    except (ValueError, IndexError):  # pragma: no cover - a malformed rest of the text
        return None, None
    if found is None:  # pragma: no cover - the parser saw it, the scan should too
        return None, None
    path, line = found
    return line, format_path(path)


_JSON_TOKEN = re.compile(r'\s*(?:([{}\[\]:,])|(")|([^\s{}\[\]:,"]+))')


def _json_lines(text: str) -> tuple[dict[Path_, int], tuple[Path_, int] | None]:
    """The line of every key and list item of a (valid) JSON text, and the first key given twice."""
    from bisect import bisect_right
    from json.decoder import scanstring  # type: ignore[attr-defined]

    starts = [0] + [i + 1 for i, c in enumerate(text) if c == "\n"]
    lines: dict[Path_, int] = {}
    # frames: [path, is an object, index of the next item, expecting a key, keys seen, last key]
    stack: list[list[Any]] = []
    duplicate: tuple[Path_, int] | None = None
    pos = 0
    while True:
        token = _JSON_TOKEN.match(text, pos)
        if token is None:
            break
        at = token.start(token.lastindex or 1)
        line = bisect_right(starts, at)
        pos = token.end()
        top = stack[-1] if stack else None
        punct = token.group(1)
        if punct in (":",):
            continue
        if punct == ",":
            if top is not None:
                top[3] = top[1]
                if not top[1]:
                    top[2] += 1
            continue
        if punct in ("}", "]"):
            stack.pop()
            continue
        if token.group(2):
            value, pos = scanstring(text, pos)
            if top is not None and top[1] and top[3]:
                key_path = (*top[0], value)
                if value in top[4] and duplicate is None:
                    duplicate = (key_path, line)
                top[4].add(value)
                lines.setdefault(key_path, line)
                top[5] = value
                top[3] = False
                continue
        here = _json_here(top, lines, line)
        if punct in ("{", "["):
            stack.append([here, punct == "{", 0, punct == "{", set(), None])
    return lines, duplicate


def _json_here(top: list[Any] | None, lines: dict[Path_, int], line: int) -> Path_:
    """The path of the value that starts on ``line`` (and record an item's line)."""
    if top is None:
        lines.setdefault((), line)
        return ()
    if top[1]:
        return (*top[0], top[5])
    path = (*top[0], top[2])
    lines.setdefault(path, line)
    return path


_TOML_HEADER = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(?:#.*)?$")
_TOML_KEY = re.compile(
    r"""^\s*((?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_-]+|"[^"]*"|'[^']*'))*)\s*="""
)
_TOML_PART = re.compile(r"""[A-Za-z0-9_-]+|"([^"]*)"|'([^']*)'""")


def _toml_keys(text: str) -> list[str]:
    return [m.group(1) if m.group(1) is not None else m.group(2) if m.group(2) is not None else m.group(0)
            for m in _TOML_PART.finditer(text)]  # fmt: skip


def _toml_lines(text: str) -> dict[Path_, int]:
    """The line of each table, array of tables and key of a TOML text: a best effort (a value
    inside a multi-line array or inline table has the line of its key)."""
    lines: dict[Path_, int] = {(): 1}
    counts: dict[Path_, int] = {}
    table: Path_ = ()
    in_string: str | None = None
    for number, line in enumerate(text.splitlines(), 1):
        if in_string is not None:
            if line.count(in_string) % 2 == 1:
                in_string = None
            continue
        header = _TOML_HEADER.match(line)
        key = _TOML_KEY.match(line) if header is None else None
        if header is not None:
            table = _toml_table(_toml_keys(header.group(2)), header.group(1) == "[[", counts)
            lines.setdefault(table, number)
        elif key is not None:
            parts = _toml_keys(key.group(1))
            for n in range(1, len(parts) + 1):
                lines.setdefault((*table, *parts[:n]), number)
            for quote in ('"""', "'''"):
                if line.count(quote) % 2 == 1:
                    in_string = quote
    return lines


def _toml_table(parts: list[str], array: bool, counts: dict[Path_, int]) -> Path_:
    """The data path of a table header; an array of tables counts its items."""
    path: Path_ = ()
    for n, part in enumerate(parts):
        path = (*path, part)
        if path in counts and (n < len(parts) - 1 or not array):
            path = (*path, counts[path] - 1)
    if array:
        counts[path] = counts.get(path, 0) + 1
        path = (*path, counts[path] - 1)
    return path


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


class _DuplicateKey(Exception):
    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise _DuplicateKey(key)
        out[key] = value
    return out


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


def hints_at(model: type, loc: Path_) -> list[Any]:
    """The type hints a value at ``loc`` inside ``model`` may have, as the model declares them.

    Parameters
    ----------
    model : type
        A pydantic model (a scenario, a price list, ...).
    loc : tuple of str and int
        Keys and list indices into a value of ``model``, e.g. ``("effects", 0, "success")``.

    Returns
    -------
    list
        The hints found there (a best effort): a field's own validators and bounds are kept, as
        ``Annotated`` metadata (a :class:`mkba.scenario.fields.Within`, say); unions and ``Annotated``
        along the way are taken apart (:func:`expand_hints`). A key that names no field of a model is
        passed over (pydantic puts union tags into a location); empty where ``loc`` steps into a
        value that has no parts (a number, a text) or into a list by a key.

    Examples
    --------
    >>> from mkba.scenario.model import Scenario
    >>> [hint] = hints_at(Scenario, ("effects", 0, "success"))
    >>> hint.__metadata__[-1].func
    Within(low=0, high=1, high_open=False, name='a share')
    """
    candidates: list[Any] = [model]
    for part in loc:
        candidates = [inner for cand in expand_hints(candidates) for inner in _types_inside(cand, part)]
    return candidates


def fields_at(model: type, loc: Path_) -> set[str]:
    """The field names (by alias where a field has one) a closed model allows at ``loc``.

    Parameters
    ----------
    model : type
        A pydantic model.
    loc : tuple of str and int
        Keys and list indices into a value of ``model``; ``()`` for its top.

    Returns
    -------
    set of str
        A best effort, for hints in messages and to refuse a misspelt field of a ``set:`` path:
        empty where ``loc`` holds no model.

    Examples
    --------
    >>> from mkba.scenario.model import Scenario
    >>> "success" in fields_at(Scenario, ("effects", 0)), fields_at(Scenario, ("participants",))
    (True, set())
    """
    names: set[str] = set()
    for cand in expand_hints(hints_at(model, loc)):
        if _is_model(cand):
            names |= {f.alias or n for n, f in cand.model_fields.items()}
    return names


def _is_model(cand: Any) -> bool:
    return isinstance(cand, type) and issubclass(cand, pydantic.BaseModel)


def _types_inside(cand: Any, part: str | int) -> list[Any]:
    """The types that may stand at ``part`` (a key or an index) inside a value of type ``cand``; a
    model's field with its validators (pydantic keeps them apart from the annotation) as ``Annotated``."""
    if _is_model(cand):
        if not isinstance(part, str):
            return []
        info = cand.model_fields.get(part)
        if info is None:
            info = next((f for f in cand.model_fields.values() if f.alias == part), None)
        if info is None:
            return [cand]  # not a field: a union tag in loc
        if info.metadata:
            return [typing.Annotated[(info.annotation, *info.metadata)]]
        return [info.annotation]
    origin = typing.get_origin(cand)
    if origin in (list, tuple) and isinstance(part, int):
        return list(typing.get_args(cand)[:1])
    if origin is dict:
        return [typing.get_args(cand)[1]]
    return []


def expand_hints(hints: list[Any]) -> list[Any]:
    """Type hints with ``Annotated`` and unions taken apart into their members.

    Parameters
    ----------
    hints : list
        Type hints, e.g. from :func:`hints_at`.

    Returns
    -------
    list
        The plain types they stand for, in order (repeats kept): ``Annotated[T, ...]`` becomes ``T``
        (or, where its metadata has a ``deferred_type()``, the type that returns: a model built on
        first use), ``A | B`` becomes ``A`` and ``B``.

    Examples
    --------
    >>> import typing
    >>> expand_hints([typing.Annotated[int | None, "meta"], str])
    [<class 'int'>, <class 'NoneType'>, <class 'str'>]
    """
    out: list[Any] = []
    for t in hints:
        origin = typing.get_origin(t)
        if origin is typing.Annotated:
            deferred = [m.deferred_type() for m in t.__metadata__ if hasattr(m, "deferred_type")]
            out.extend(expand_hints(deferred or [typing.get_args(t)[0]]))
        elif origin in (typing.Union, types.UnionType):
            out.extend(expand_hints(list(typing.get_args(t))))
        else:
            out.append(t)
    return out


#: What a text field's pattern asks for, in words (the patterns of mkba's formats; pydantic would print
#: the regular expression).
_PATTERN_WORDS = {
    r"^[a-z0-9][a-z0-9_.-]*$": "an id of lower-case letters, digits, '_', '.' and '-' (e.g. huisarts-consult)",
    r"^[a-z][a-z0-9_-]*$": "a stakeholder id of lower-case letters, digits, '_' and '-' (e.g. gemeente)",
    r"^[A-Z]{3}$": "a currency as three capital letters, ISO 4217 (e.g. EUR, GBP, USD)",
    r"^[0-9A-Za-z][0-9A-Za-z._-]*$": "a version of letters, digits, '.', '_' and '-' (e.g. \"2025.1\")",
    r"^[A-Za-z]{1,3}$": "a column letter (e.g. C)",
    r"^[A-Za-z]{1,3}[1-9][0-9]*$": "a cell such as C3",
}


def _got(value: Any, as_kind: bool = False) -> str:
    """A value given, as a message names it: ``7.5``, ``'ja'``, ``true``, ``a list``, ``a mapping``.

    Parameters
    ----------
    value : Any
        The value read from the file.
    as_kind : bool
        Name the kind of a number or a text too (``a number (5)``, ``text ('vijf')``), for a message
        that asked for another kind.

    Returns
    -------
    str
        Plain words, never a Python class name.

    Examples
    --------
    >>> _got([40, 60]), _got(7.5), _got("ja"), _got(True), _got(None), _got(5, as_kind=True)
    ('a list', '7.5', "'ja'", 'true', 'an empty value', 'a number (5)')
    """
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, (list, tuple)):
        return "a list"
    if value is None:
        return "an empty value"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        shown = _number(value)
        return f"a number ({shown})" if as_kind else shown
    if isinstance(value, str):
        shown = repr(value if len(value) <= 60 else value[:57] + "...")
        return f"text ({shown})" if as_kind else shown
    return "a value of another kind"


def _number(value: float) -> str:
    """A number as a message shows it: ``7.5``, ``1900``, ``1e+20``; a long whole number by its digits."""
    if isinstance(value, int) and abs(value) >= 10**15:
        return f"a whole number of {len(str(abs(value)))} digits"
    if isinstance(value, float) and value.is_integer() and abs(value) < 10**15:
        return str(int(value))
    return repr(value) if isinstance(value, float) else str(value)


def _metadata(hint: Any) -> list[Any]:
    """The metadata of ``hint``'s ``Annotated`` layers (a ``Field(...)`` taken apart), outermost first."""
    out: list[Any] = []
    while typing.get_origin(hint) is typing.Annotated:
        for meta in hint.__metadata__:
            meta = getattr(meta, "func", meta)  # a validator's own bounds (fields.Within)
            out.extend(
                [meta, *getattr(meta, "metadata", [])]
                if isinstance(meta, pydantic.fields.FieldInfo)
                else [meta]
            )
        hint = typing.get_args(hint)[0]
    return out


def _pattern_noun(hint: Any) -> tuple[str, str | None] | None:
    """What a text with a known pattern is called and an example of it: ``("stakeholder id", "gemeente")``."""
    for meta in _metadata(hint):
        words = _PATTERN_WORDS.get(str(getattr(meta, "pattern", "")))
        if words:
            noun = re.split(r" of | as ", words, maxsplit=1)[0].removeprefix("an ").removeprefix("a ")
            example = re.search(r"\(e\.g\. ([^),]+)", words)
            return noun, example.group(1).strip('"') if example else None
    return None


def _key_words(hint: Any) -> tuple[str, str | None] | None:
    """The keys of a mapping in words, and an example key: a year, a period, a stakeholder id."""
    kinds = expand_hints([hint])
    if kinds == [int]:
        return "year", "2025"
    if int in kinds and str in kinds:
        return "period", "2025"
    if kinds == [str]:
        return _pattern_noun(hint) or ("name", None)
    return None


def _value_words(hint: Any) -> tuple[str, str | None] | None:
    """The values of a mapping in words, and an example value: a number, true/false, a mapping."""
    kinds = [k for k in expand_hints([hint]) if k is not type(None)]
    if float in kinds or int in kinds:
        # an example only where the model bounds the number: 0.5 for a share, 40 otherwise
        highs = [float(getattr(m, k)) for m in _metadata(hint) for k in ("high", "le", "lt") if hasattr(m, k)]
        return "number", (None if not highs else "0.5" if min(highs) <= 1 else "40")
    if kinds == [bool]:
        return "true/false", "true"
    if kinds == [str]:
        return "text", None
    models = [k for k in kinds if _is_model(k)]
    if len(models) == 1:
        first = _field_example(models[0])
        return "{...}", "{" + first + "}" if first else None
    return None


def _field_example(model: type[pydantic.BaseModel]) -> str | None:
    """``public: true``: a field of ``model`` (a required one first) whose value a simple example shows."""
    fields = sorted(model.model_fields.items(), key=lambda item: not item[1].is_required())
    for name, info in fields:
        hint = typing.Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation
        kinds = [k for k in expand_hints([hint]) if k is not type(None)]
        words = None if all(_is_model(k) for k in kinds) else _value_words(hint)  # no model inside a model
        if words and words[1]:
            return f"{info.alias or name}: {words[1]}"
    return None


def _a_mapping(err: ErrorDetails, model: type) -> str:
    """``expected year: number pairs (e.g. 2025: 40), got a list``, or plain ``a mapping`` where the
    model does not say what the keys and values are."""
    got = _got(err.get("input"), as_kind=True)
    for hint in expand_hints(hints_at(model, tuple(err["loc"]))):
        if typing.get_origin(hint) is dict:
            key_hint, value_hint = typing.get_args(hint)
            key, value = _key_words(key_hint), _value_words(value_hint)
            if key and value:
                example = f" (e.g. {key[1]}: {value[1]})" if key[1] and value[1] else ""
                return f"expected {key[0]}: {value[0]} pairs{example}, got {got}"
        elif _is_model(hint) and (first := _field_example(hint)):
            return f"expected a mapping (key: value pairs such as {first}), got {got}"
    return f"expected a mapping (key: value pairs), got {got}"


def close_match(name: str, names: Iterable[str]) -> str | None:
    """The one of ``names`` closest to ``name`` (a misspelling of it), or None.

    Parameters
    ----------
    name : str
        What was given, e.g. an unknown key or id.
    names : iterable of str
        What could have been meant.

    Returns
    -------
    str or None
        The closest name (by :func:`difflib.get_close_matches`, its default cutoff), or None when
        none is close.

    Examples
    --------
    >>> close_match("yaer", ["year", "once"])
    'year'
    >>> close_match("x", ["year"]) is None
    True
    """
    near = difflib.get_close_matches(name, list(names), n=1)
    return near[0] if near else None


def did_you_mean(name: str, names: Iterable[str]) -> str:
    """The end of a message for something unknown: ``; did you mean 'year'?``, or ``""``.

    The project's one wording of the hint (see :func:`close_match`).

    Parameters
    ----------
    name : str
        What was given.
    names : iterable of str
        What could have been meant.

    Returns
    -------
    str
        ``"; did you mean 'NAME'?"`` for the closest name, or ``""`` when none is close.

    Examples
    --------
    >>> "unknown sheet 'Blad 1'" + did_you_mean("Blad 1", ["Blad1", "Prijzen"])
    "unknown sheet 'Blad 1'; did you mean 'Blad1'?"
    """
    meant = close_match(name, names)
    return f"; did you mean {meant!r}?" if meant else ""


def _one_of(err: ErrorDetails, model: type) -> str:
    """``expected one of 'once', 'year', ..., got 'yaer'; did you mean 'year'?``"""
    expected = str(err.get("ctx", {}).get("expected", ""))
    choices = re.findall(r"'((?:[^'\\]|\\.)*)'", expected)
    given = err.get("input")
    msg = f"expected {'one of ' if len(choices) != 1 else ''}{expected}, got {_got(given)}"
    return msg + (did_you_mean(given, choices) if isinstance(given, str) else "")


#: pydantic's bound of a number (its ``ctx`` key) and how a message writes it.
_BOUNDS = {"ge": ">=", "gt": ">", "le": "<=", "lt": "<"}


def _within_bounds(err: ErrorDetails, model: type) -> str:
    """``expected a whole number in [1, 200], got 0``: both bounds where the model gives both."""
    ctx = err.get("ctx", {})
    hints = hints_at(model, tuple(err["loc"]))
    whole = bool(hints) and all(k is int for k in expand_hints(hints) if k is not type(None))
    what = "a whole number" if whole else "a number"
    bounds = {k: getattr(m, k) for h in hints for m in _metadata(h) for k in _BOUNDS if hasattr(m, k)}
    low = next(((k, bounds[k]) for k in ("ge", "gt") if k in bounds), None)
    high = next(((k, bounds[k]) for k in ("le", "lt") if k in bounds), None)
    if low and high and all(bounds.get(k) == v for k, v in ctx.items() if k in _BOUNDS):
        opens = "[" if low[0] == "ge" else "("
        closes = "]" if high[0] == "le" else ")"
        expected = f"in {opens}{_number(low[1])}, {_number(high[1])}{closes}"
    else:
        expected = " and ".join(f"{_BOUNDS[k]} {_number(v)}" for k, v in ctx.items() if k in _BOUNDS)
    given = err.get("input")
    if isinstance(given, str) and re.fullmatch(r"\s*[-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?\s*", given):
        given = float(given)  # a number read from text (a cell of a table) is shown as a number
    return f"expected {what} {expected}, got {_got(given)}"


def _length(err: ErrorDetails, model: type) -> str:
    """``expected at least 1 character, got ''``; ``expected at least 2 items, got 1``."""
    ctx = err.get("ctx", {})
    text = err["type"].startswith("string_")
    most = err["type"].endswith("too_long")
    bound = ctx.get("max_length" if most else "min_length")
    unit = "character" if text else "item"
    expected = f"{'at most' if most else 'at least'} {bound} {unit}{'' if bound == 1 else 's'}"
    got = _got(err.get("input")) if text else f"{ctx.get('actual_length', 'another number')}"
    return f"expected {'text of ' if text else ''}{expected}, got {got}"


def _pattern(err: ErrorDetails, model: type) -> str | None:
    """``expected a stakeholder id of lower-case letters, ..., got 'Gemeente'``, for mkba's own patterns."""
    words = _PATTERN_WORDS.get(str(err.get("ctx", {}).get("pattern", "")))
    return f"expected {words}, got {err.get('input')!r}" if words else None


def _text(err: ErrorDetails, model: type) -> str:
    """``expected text, got a number (2024)``, with a hint to quote a number or true/false."""
    given = err.get("input")
    msg = f"expected text, got {_got(given, as_kind=True)}"
    if isinstance(given, (int, float)) and not isinstance(given, bool):
        msg += f"; put it in quotes to make it text ('{_got(given)}')"
    return msg


def _expected(words: str, as_kind: bool = False) -> typing.Callable[[ErrorDetails, type], str]:
    """The wording of a kind of error that only says what was expected (``expected a list, got a
    number (5)``; ``as_kind``: name the kind of a number or a text given, see :func:`_got`)."""

    def say(err: ErrorDetails, model: type) -> str:
        return f"expected {words}, got {_got(err.get('input'), as_kind)}"

    return say


#: pydantic's kinds of error (``err["type"]``) and their wording: ``expected ..., got ...``. A kind
#: not here keeps pydantic's message (a validator of mkba words its own: ``Value error, ...``).
_WORDING: dict[str, typing.Callable[[ErrorDetails, type], str | None]] = {
    "dict_type": _a_mapping,
    "model_type": _a_mapping,
    "model_attributes_type": _a_mapping,
    "literal_error": _one_of,
    "enum": _one_of,
    "int_from_float": _expected("a whole number"),
    "int_parsing": _expected("a whole number"),
    "int_type": _expected("a whole number"),
    "bool_parsing": _expected("true or false"),
    "bool_type": _expected("true or false"),
    "float_parsing": _expected("a number"),
    "float_type": _expected("a number"),
    "finite_number": _expected("a finite number"),
    "string_type": _text,
    "list_type": _expected("a list", as_kind=True),
    "tuple_type": _expected("a list", as_kind=True),
    "greater_than": _within_bounds,
    "greater_than_equal": _within_bounds,
    "less_than": _within_bounds,
    "less_than_equal": _within_bounds,
    "too_short": _length,
    "too_long": _length,
    "string_too_short": _length,
    "string_too_long": _length,
    "string_pattern_mismatch": _pattern,
}


def _meant(err: ErrorDetails, model: type) -> str | None:
    """The field an unknown key (an ``extra_forbidden`` error) is a close match of, if any."""
    allowed = fields_at(model, tuple(err["loc"][:-1]))
    return close_match(str(err["loc"][-1]), allowed)


def _unknown_key(err: ErrorDetails, model: type) -> str:
    """``unknown key 'quanity'; did you mean 'quantity'? Expected one of: ...``, or without a close
    match ``unknown key 'xyzzy'; expected one of: ...``."""
    key = err["loc"][-1]
    allowed = sorted(fields_at(model, tuple(err["loc"][:-1])))
    meant = _meant(err, model)
    msg = f"unknown key {key!r}" + (f"; did you mean {meant!r}?" if meant else "")
    if allowed:
        msg += (" Expected" if meant else "; expected") + " one of: " + ", ".join(allowed)
    return msg


def _describe(err: ErrorDetails, model: type) -> str:
    """One pydantic error in plain words: ``expected ..., got ...`` (see :data:`_WORDING`)."""
    kind = err["type"]
    if kind == "extra_forbidden":
        return _unknown_key(err, model)
    if kind == "missing":
        return "this field is required but missing"
    wording = _WORDING.get(kind)
    said = wording(err, model) if wording else None
    if said:
        return said
    msg = err["msg"]
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    given = "input" in err and not (
        kind == "sib_contract" and err["input"] is None
    )  # a check of several fields
    value = err.get("input")
    quoted = repr(value) in msg or (isinstance(value, str) and len(value) > 2 and value in msg)
    if given and not isinstance(value, (dict, list)) and not quoted:
        msg += f" (got {value!r})"  # unless the message says the value already
    return msg


def _said_by_unknown_key(errors: list[ErrorDetails], model: type) -> list[ErrorDetails]:
    """``errors`` without a required field's "missing" where an unknown key beside it is a close
    match of it (``quanity:`` for ``quantity:``): the unknown key's message already says so."""
    misspelt = set()
    for err in errors:
        if err["type"] == "extra_forbidden":
            meant = _meant(err, model)
            if meant is not None:
                misspelt.add((*err["loc"][:-1], meant))
    return [e for e in errors if not (e["type"] == "missing" and tuple(e["loc"]) in misspelt)]


def describe_errors(errors: list[ErrorDetails], model: type) -> list[tuple[ErrorDetails, str]]:
    """pydantic's errors in plain words, as every message of a file says them.

    The one wording of a validation error (see ``_WORDING``): ``expected ..., got ...``, ``unknown
    key 'hi'; did you mean 'high'? Expected one of: ...``, ``this field is required but missing``.
    Used for a whole file (:func:`validation_error`) and for a value validated on its own inside a
    field's validator (a distribution, :mod:`mkba.scenario.fields`).

    Parameters
    ----------
    errors : list of pydantic_core.ErrorDetails
        From :meth:`pydantic.ValidationError.errors`.
    model : type
        The model (or type) validated, whose fields the locations of ``errors`` run through: for the
        names an unknown key may have meant, and the bounds of a number.

    Returns
    -------
    list of (pydantic_core.ErrorDetails, str)
        Each error and its words, unknown keys first; a required field reported missing beside an
        unknown key that is a close match of it (``hi:`` for ``high:``) is left out, since the unknown
        key's words name it.

    Examples
    --------
    >>> import pydantic
    >>> class Range(pydantic.BaseModel):
    ...     model_config = pydantic.ConfigDict(extra="forbid")
    ...     low: float
    ...     high: float
    >>> try:
    ...     Range.model_validate({"low": "x", "hi": 1})
    ... except pydantic.ValidationError as exc:
    ...     [words for _, words in describe_errors(exc.errors(), Range)]
    ["unknown key 'hi'; did you mean 'high'? Expected one of: high, low", "expected a number, got 'x'"]
    """
    kept = sorted(_said_by_unknown_key(errors, model), key=lambda e: e["type"] != "extra_forbidden")
    return [(err, _describe(err, model)) for err in kept]


def validation_error(exc: pydantic.ValidationError, doc: Document, model: type) -> MkbaError:
    """Turn a pydantic error into one :class:`MkbaError` pointing at the first problem.

    Further problems, if any, are listed after the first, one per line. A required field reported
    missing beside an unknown key that is a close match of it (a misspelling) is left out: the unknown
    key's message names the field.
    """
    lines = []
    first: MkbaError | None = None
    for err, words in describe_errors(exc.errors(), model):
        path, rest = _data_path(doc.data, tuple(err["loc"]))
        line = doc.line_of(path)
        field_name = format_path(path + tuple(rest[:1]))
        item = _item_hint(doc.data, path)
        if item:
            field_name += f" (id {item!r})"
        one = MkbaError(words, file=doc.file, line=line, field=field_name or None)
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
    top_mapping(doc)
    _check_format(model, doc)
    try:
        return model.model_validate(doc.data, context=context)
    except pydantic.ValidationError as exc:
        raise validation_error(exc, doc, model) from None


def top_mapping(doc: Document) -> dict[Any, Any]:
    """The mapping at the top of a document, as every mkba file has one (``format: ...`` and more).

    Parameters
    ----------
    doc : Document
        A document read by :func:`read_document` or :func:`parse_yaml`.

    Returns
    -------
    dict
        ``doc.data``.

    Raises
    ------
    MkbaError
        At line 1 where the top is a list, a text, a number or empty, saying which in plain words.

    Examples
    --------
    >>> top_mapping(parse_yaml("- a", "list.yaml"))
    Traceback (most recent call last):
    mkba.errors.MkbaError: list.yaml:1: expected a mapping (key: value pairs such as format: ...) at the top of the file, got a list
    """
    if not isinstance(doc.data, dict):
        raise MkbaError(
            "expected a mapping (key: value pairs such as format: ...) at the top of the file, "
            f"got {_got(doc.data, as_kind=True)}",
            file=doc.file,
            line=1,
        )
    return doc.data


def _check_format(model: type[pydantic.BaseModel], doc: Document) -> None:
    """Refuse a file of another mkba format (a scenario where a price list is expected) at once,
    rather than with a list of its keys the model does not know."""
    info = model.model_fields.get("format")
    given = doc.data.get("format")
    if info is None or not isinstance(given, str) or not given.startswith("mkba-"):
        return
    expected = [v for v in typing.get_args(info.annotation) if isinstance(v, str)]
    if expected and given not in expected:
        raise MkbaError(
            f"this is a {given} file; expected a {' or '.join(expected)} file",
            file=doc.file,
            line=doc.line_of(("format",)),
            field="format",
        )
