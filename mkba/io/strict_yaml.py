"""The strict YAML 1.2 loader on PyYAML: the pure-Python parser that also gives every line.

Imported only when a line is needed for a message (or the fast parser is missing), so that the
happy path of ``mkba run`` does not pay for PyYAML (docs/architecture.md, "Start-up").
:mod:`mkba.io.documents` says which rules it follows; it refuses a plain scalar that is not a plain
decimal number but reads as one elsewhere (``5_0``, ``0x1F``, ``0o17``), which these resolvers
leave as text.
"""

from __future__ import annotations

import re

import yaml


class StrictLoader(yaml.SafeLoader):
    """A safe YAML loader without YAML 1.1 surprises (see module docstring)."""


StrictLoader.yaml_implicit_resolvers = {
    first: [
        (tag, rx)
        for tag, rx in resolvers
        if tag not in ("tag:yaml.org,2002:timestamp", "tag:yaml.org,2002:bool", "tag:yaml.org,2002:int")
    ]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:int",
    re.compile(r"^[-+]?[0-9]+$"),  # plain decimal only: 5_0, 0x1F, 0o17 are refused (documents._walk)
    list("-+0123456789"),
)
StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:float"]
    for first, resolvers in StrictLoader.yaml_implicit_resolvers.items()
}
StrictLoader.add_implicit_resolver(
    "tag:yaml.org,2002:float",
    re.compile(
        r"^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
        r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
    ),
    list("-+0123456789."),
)


def _construct_int(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> int:
    return int(loader.construct_scalar(node), 10)


def _construct_text(loader: yaml.SafeLoader, node: yaml.ScalarNode) -> str:
    return str(loader.construct_scalar(node))


StrictLoader.add_constructor("tag:yaml.org,2002:int", _construct_int)
StrictLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_text)


if hasattr(yaml, "CSafeLoader"):

    class _CStrictLoader(yaml.CSafeLoader):
        """The same rules as :class:`StrictLoader` on libyaml's C parser (about 3x faster)."""

    _CStrictLoader.yaml_implicit_resolvers = StrictLoader.yaml_implicit_resolvers
    _CStrictLoader.yaml_constructors = StrictLoader.yaml_constructors
    LINE_LOADER: type = _CStrictLoader
else:  # pragma: no cover
    LINE_LOADER = StrictLoader
