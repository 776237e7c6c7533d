"""Where the bundled data lives, installed or in a source checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent.parent  # mkba/, above mkba/io/


def bundled_pricelists() -> Path:
    """Folder of the bundled price lists (``pricelists/`` in the repository).

    A wheel carries it inside the package (``mkba/_bundled/pricelists``); an
    editable install or a source checkout reads the repository's folder.
    """
    inside = _PACKAGE / "_bundled" / "pricelists"
    return inside if inside.is_dir() else _PACKAGE.parent / "pricelists"


def bundled_index() -> Path:
    """The bundled CBS consumer price index file."""
    return bundled_pricelists() / "index" / "cbs-cpi.yaml"


def bundled_mappings() -> Path:
    """Folder of the bundled Excel/CSV column mappings."""
    return bundled_pricelists() / "mappings"
