"""The path language of variants: ``set``, ``remove`` and ``add`` on a scenario (docs/formats.md, "Project").

A path names a part of a scenario the way a reader would: a line by its ``id``
(``costs.<id>.<field>``, ``effects.<id>.<field>``, ``volunteers.<id>.<field>``, ``pm.<id>.<field>``),
a year of participants (``participants.<year>``), a top-level setting (``discount_rate``) or a part
of the SIB contract (``sib.max_return``, ``sib.outcomes.<id>.<field>``, ``sib.investors.<id>.<field>``).
A step into a list of items with ids takes an id (ids may themselves hold dots: the longest id that
fits is taken). Changes are applied to the scenario's plain data, which is then validated as a whole
(:func:`mkba.scenario.model.load_scenario`), so a variant is checked as strictly as a file.

Imports: :mod:`mkba.errors` and :mod:`mkba.io.documents` only (for positions and field names).
"""

from __future__ import annotations

import copy
import difflib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from mkba.errors import MkbaError

#: Scenario sections that are lists of items with an ``id``.
LINE_SECTIONS = ("costs", "effects", "volunteers", "pm")


@dataclass(frozen=True)
class Where:
    """Where a change was written, for messages: the file, and the line of each change."""

    file: str | None = None
    #: ("set" | "remove" | "add", key) -> line; key is the path (set, remove) or the section (add)
    lines: Mapping[tuple[str, str], int] = field(default_factory=dict)
    #: The field text in front of a change's path, e.g. ``alternatives[2]``.
    prefix: str = ""
    #: The line of the alternative itself, for problems not inside one change.
    line: int | None = None
    #: The line of every part of the lines an ``add`` brings: (section, position in the add list,
    #: key, ...) -> line, so that a problem found later inside an added line points at it.
    added_lines: Mapping[tuple, int] = field(default_factory=dict)

    def error(self, op: str, key: str, message: str, *, line: int | None = None) -> MkbaError:
        """An :class:`MkbaError` about change ``op`` of ``key``, at ``line`` or else at the change's line."""
        return MkbaError(
            message,
            file=self.file,
            line=line if line is not None else self.lines.get((op, key)),
            field=f"{self.prefix}.{op}.{key}" if self.prefix else f"{op}.{key}",
        )


@dataclass(frozen=True)
class Change:
    """One change of a variant, as recorded in a result's provenance."""

    op: str
    path: str
    value: Any = None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"op": self.op, "path": self.path}
        if self.op != "remove":
            out["value"] = self.value
        return out


def _nearest(name: str, names: Sequence[str]) -> str:
    near = difflib.get_close_matches(name, list(names), n=3, cutoff=0.5)
    return f"; did you mean {', '.join(repr(n) for n in near)}?" if near else ""


def _has_ids(node: Any) -> bool:
    return isinstance(node, list) and all(isinstance(x, dict) and "id" in x for x in node)


def _take_id(items: list[dict], parts: list[str]) -> tuple[int, int] | None:
    """Index of the item whose id is the longest dotted prefix of ``parts``, and how many parts it took."""
    best: tuple[int, int] | None = None
    for i, item in enumerate(items):
        id_parts = str(item["id"]).split(".")
        if parts[: len(id_parts)] == id_parts and (best is None or len(id_parts) > best[1]):
            best = (i, len(id_parts))
    return best


def resolve(data: dict, path: str, fields_at: Callable[[tuple], set[str]]) -> tuple[Any, Any, tuple]:
    """Find the container and key that ``path`` names in the scenario ``data``.

    Parameters
    ----------
    data : dict
        The scenario's plain data.
    path : str
        A dotted path, e.g. ``effects.minder-ots.attribution``.
    fields_at : callable
        ``fields_at(loc)``: the field names the scenario model allows at ``loc`` (a tuple of keys and
        indices), to refuse a misspelt field before anything is changed.

    Returns
    -------
    (container, key, loc)
        ``container[key]`` is the value the path names (it may not exist yet: a field left to its
        default); ``loc`` is its location in ``data``.

    Raises
    ------
    ValueError
        Saying which step of the path is unknown and what was expected there.
    """
    parts = path.split(".")
    if not path or any(p == "" for p in parts):
        raise ValueError(f"expected a dotted path such as effects.<id>.success, got {path!r}")
    node: Any = data
    loc: tuple = ()
    i = 0
    while i < len(parts):
        part = parts[i]
        last = i == len(parts) - 1
        if _has_ids(node) or (isinstance(node, list) and not node and loc and loc[-1] in LINE_SECTIONS):
            found = _take_id(node, parts[i:])
            if found is None:
                ids = [str(x["id"]) for x in node]
                known = ", ".join(ids) or "none"
                raise ValueError(
                    f"no item with id {part!r} in {'.'.join(map(str, loc))}{_nearest(part, ids)} (ids: {known})"
                )
            index, used = found
            if i + used == len(parts):
                return node, index, (*loc, index)
            node, loc, i = node[index], (*loc, index), i + used
            continue
        if isinstance(node, dict):
            if loc == ("participants",):
                if not part.isdigit():
                    raise ValueError(
                        f"participants are keyed by year; expected participants.<year>, got {part!r}"
                    )
                key: Any = int(part)
                allowed: set[str] = set()
            else:
                key = part
                allowed = fields_at(loc)
                if key not in node and allowed and key not in allowed:
                    raise ValueError(
                        f"unknown field {key!r} at {'.'.join(parts[:i]) or 'the top'}"
                        f"{_nearest(key, sorted(allowed))} (expected one of: {', '.join(sorted(allowed))})"
                    )
            if last:
                return node, key, (*loc, key)
            if key not in node:
                if key in LINE_SECTIONS or key == "participants":
                    node[key] = [] if key in LINE_SECTIONS else {}
                elif allowed and key in allowed:
                    node[key] = {}
                else:
                    raise ValueError(f"{'.'.join(parts[: i + 1])!r} is not in the scenario")
            node, loc, i = node[key], (*loc, key), i + 1
            continue
        raise ValueError(f"cannot step into {part!r}: {'.'.join(parts[:i])} holds a value, not fields")
    raise ValueError(f"expected a dotted path, got {path!r}")  # pragma: no cover - the loop returns


def plain(value: Any) -> Any:
    """A value given from Python as a file would give it: plain numbers, dicts and lists.

    A numpy scalar (``np.int64(50)``, ``np.float64(0.03)``, ``np.bool_``: what a DataFrame or a
    numpy sum gives) becomes its Python ``int``, ``float``, ``bool`` or ``str``, a distribution object
    (:class:`~mkba.scenario.distributions.Triangular`, ...) the mapping a file writes (``{"dist":
    "triangular", ...}``), at any depth of a dict or list (a tuple becomes a list). Anything else is
    returned as it is (a bool stays a bool). The one such rule: changes made in code record it, and a
    batch's cells are read with it.

    Parameters
    ----------
    value : object
        A value given from Python: a number, a text, a distribution, or a dict or list of them.

    Returns
    -------
    object
        The same value in Python's own types, as YAML or JSON would read it; never raises.

    Examples
    --------
    >>> import numpy as np
    >>> plain({"low": np.float64(0.2), "n": [np.int64(3)], "ok": np.bool_(True)})
    {'low': 0.2, 'n': [3], 'ok': True}
    """
    if isinstance(value, np.generic):
        return value.item()  # a numpy scalar: its Python int, float, bool or str
    if hasattr(value, "model_dump"):  # a distribution (a pydantic model): as the file format writes it
        return plain(value.model_dump(mode="json", by_alias=True, exclude_none=True))
    if isinstance(value, Mapping):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(item) for item in value]
    return value


def _paths(given: str | Sequence[str] | None) -> Sequence[str]:
    """``remove``'s paths: a single path is one path, not its characters."""
    return (given,) if isinstance(given, str) else (given or ())


def apply_changes(
    data: dict,
    *,
    set_: Mapping[str, Any] | None = None,
    remove: str | Sequence[str] | None = None,
    add: Mapping[str, Sequence[dict]] | None = None,
    fields_at: Callable[[tuple], set[str]] = lambda loc: set(),
    where: Where | None = None,
) -> tuple[dict, list[Change], dict[tuple, tuple[str, str]]]:
    """Apply a variant's changes to a copy of a scenario's plain data.

    Parameters
    ----------
    data : dict
        The base scenario's plain data (left unchanged).
    set_ : mapping of path to value, optional
        New values: a number, a distribution ``{dist: ...}``, a text, or a whole line. A numpy number
        is taken as a number and a distribution object as its mapping (:func:`plain`).
    remove : path or sequence of path, optional
        Lines (``effects.<id>``), years of participants, or fields (reset to their default); a single
        path (a str) is one path.
    add : mapping of section to list of lines, optional
        New lines per section (``costs``, ``effects``, ``volunteers``, ``pm``); their ids must be new.
    fields_at : callable
        The field names the scenario model allows at a location (see :func:`resolve`).
    where : Where, optional
        The file and lines the changes were written at, for messages.

    Returns
    -------
    (data, changes, touched)
        The changed copy; the changes in order (for provenance); and for each changed location the
        ``(op, key)`` that changed it (so a validation error there points at the change).

    Raises
    ------
    MkbaError
        Naming the change's file, line and path: an unknown path, id or field, an id added twice.
    """
    where = where or Where()
    remove = _paths(remove)
    out = copy.deepcopy(data)
    changes: list[Change] = []
    touched: dict[tuple, tuple[str, str]] = {}
    for path, value in (set_ or {}).items():
        try:
            container, key, loc = resolve(out, str(path), fields_at)
        except ValueError as exc:
            raise where.error("set", str(path), str(exc)) from None
        value = plain(value)
        container[key] = copy.deepcopy(value)
        changes.append(Change("set", str(path), value))
        touched[loc] = ("set", str(path))
    _check_conflicts(out, remove or (), touched, fields_at, where)
    for path in remove or ():
        try:
            container, key, loc = resolve(out, str(path), fields_at)
            del container[key]
        except (ValueError, KeyError, IndexError) as exc:
            message = str(exc) if isinstance(exc, ValueError) else f"{path!r} is not in the scenario"
            raise where.error("remove", str(path), message) from None
        changes.append(Change("remove", str(path)))
    for section, lines in (add or {}).items():
        if section not in LINE_SECTIONS:
            raise where.error(
                "add",
                str(section),
                f"unknown section {section!r}; expected one of: {', '.join(LINE_SECTIONS)}",
            )
        if not isinstance(lines, list) or not all(isinstance(x, dict) for x in lines):
            raise where.error("add", section, "expected a list of lines, each with an id")
        target = out.setdefault(section, [])
        known = {str(x.get("id")) for sec in LINE_SECTIONS for x in out.get(sec, []) if isinstance(x, dict)}
        for j, line in enumerate(lines):
            if str(line.get("id")) in known:  # said at the added line's own id
                raise where.error(
                    "add",
                    section,
                    f"a line with id {line.get('id')!r} exists already; use set: to change it",
                    line=where.added_lines.get((section, j, "id")),
                )
            known.add(str(line.get("id")))
            touched[(section, len(target))] = ("add", section)
            line = plain(line)
            target.append(copy.deepcopy(line))
            changes.append(Change("add", f"{section}.{line.get('id')}", line))
    return out, changes, touched


def _check_conflicts(
    data: dict,
    remove: Sequence[str],
    touched: dict[tuple, tuple[str, str]],
    fields_at: Callable[[tuple], set[str]],
    where: Where,
) -> None:
    """Refuse a ``remove`` of what a ``set`` of the same variant changes (or of a line it changes
    inside): one of the two would be thrown away silently.

    Every location is found before anything is removed, so the positions of lines still agree.
    """
    sets = {loc: path for loc, (op, path) in touched.items() if op == "set"}
    for path in remove:
        try:
            loc = resolve(data, str(path), fields_at)[2]
        except ValueError:
            continue  # reported when the remove is applied
        for set_loc, set_path in sets.items():
            if set_loc[: len(loc)] == loc or loc[: len(set_loc)] == set_loc:
                line = where.lines.get(("set", set_path))
                at = f" (line {line})" if line else ""
                raise where.error(
                    "remove",
                    str(path),
                    f"the same variant sets {set_path}{at}; expected a field either set or removed, not both",
                )
