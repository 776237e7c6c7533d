"""Finding price lists by name and version, and resolving ``extends`` and ``overrides``.

Lists are found by name in a :class:`Registry` of folders laid out as
``<folder>/<name>/<version>.yaml``; ``name`` alone means its newest version.
Imports: :mod:`mkba.io`, the price list models (:mod:`mkba.pricelist.items`), the index, and the
table layout reader (:mod:`mkba.pricelist.exporting`).
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Iterable
from pathlib import Path

import pydantic

from mkba.errors import MkbaError
from mkba.io import paths
from mkba.io.documents import SUFFIXES, Document, read_document, validate
from mkba.io.files import read_input, same_file
from mkba.pricelist.index import PriceIndex, default_index
from mkba.pricelist.items import (
    DEFAULT_PRICELIST,
    TABLE_SUFFIXES,
    PriceItem,
    PriceList,
    PriceListFile,
    unknown_item_message,
)


def _version_key(version: str) -> tuple[tuple[int, int, str], ...]:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"[._-]", version))


def parse_ref(ref: str) -> tuple[str, str | None]:
    """``'name@version'`` -> ``('name', 'version')``; ``'name'`` -> ``('name', None)``."""
    name, _, version = ref.partition("@")
    return name, (version or None)


def looks_like_path(ref: str) -> bool:
    """Whether a price list reference is a file (a list's suffix, or a path separator), not a name."""
    return ref.lower().endswith(SUFFIXES + TABLE_SUFFIXES) or "/" in ref or os.sep in ref


def price_list_folders(folders: str | Path | Iterable[str | Path]) -> tuple[Path, ...]:
    """The extra folders of price lists a caller gives: one folder, or several, each an existing folder.

    A single path (``"gemeente/prijslijsten"``) is one folder, not a sequence of characters; a
    folder that does not exist is refused rather than skipped, so that a misspelt folder cannot
    leave the lists in it unseen.

    Parameters
    ----------
    folders : str, Path or iterable of them
        As given to :class:`Registry`, :func:`load_pricelist`, :func:`mkba.evaluate` or
        :func:`mkba.evaluate_many`.

    Returns
    -------
    tuple of Path

    Raises
    ------
    MkbaError
        For a path that is not an existing folder (field ``folders``).

    Examples
    --------
    >>> price_list_folders("scenarios/pricelists")
    (PosixPath('scenarios/pricelists'),)
    >>> price_list_folders(["scenarios/prijslijsten"])
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: folders: the folder 'scenarios/prijslijsten' does not exist; expected a folder of price lists
    """
    given = [folders] if isinstance(folders, (str, os.PathLike)) else list(folders)
    for folder in given:
        text = str(folder)
        if not text.strip() or not Path(folder).is_dir():  # "" would be the current folder, unasked
            there = text.strip() and Path(folder).exists()
            what = f"{text!r} is a file" if there else f"the folder {text!r} does not exist"
            raise MkbaError(f"{what}; expected a folder of price lists", field="folders")
    return tuple(Path(folder) for folder in given)


class Registry:
    """Folders of versioned price lists, laid out as ``<folder>/<name>/<version>.yaml``.

    Parameters
    ----------
    folders : sequence of path, optional
        Extra folders, searched before the bundled lists. The environment
        variable ``MKBA_PRICELISTS`` (paths separated by ``os.pathsep``) adds more.
    include_bundled : bool
        Whether the bundled lists (``pricelists/``) are searched too.

    Examples
    --------
    >>> import mkba
    >>> registry = mkba.Registry()
    >>> list(registry.available()["nl-sociaal-domein"])  # its versions, oldest first
    ['2024.1', ...]
    >>> registry.load("nl-sociaal-domein@2024.1")
    PriceList('nl-sociaal-domein@2024.1', 70 items)
    >>> registry.path_of("nl-sociaal")
    Traceback (most recent call last):
    ...
    mkba.errors.MkbaError: no price list named 'nl-sociaal'; did you mean nl-sociaal-domein? ...
    """

    def __init__(self, folders: str | Path | Iterable[str | Path] = (), include_bundled: bool = True) -> None:
        env = [p for p in os.environ.get("MKBA_PRICELISTS", "").split(os.pathsep) if p]
        self.folders = [*price_list_folders(folders), *map(Path, env)]
        #: ``name@version`` found in more than one folder, to the files (filled by :meth:`available`).
        self.shadows: dict[str, list[Path]] = {}
        if include_bundled:
            self.folders.append(paths.bundled_pricelists())

    def available(self) -> dict[str, dict[str, Path]]:
        """Every list name to its versions (oldest first) and their files."""
        found: dict[str, dict[str, Path]] = {}
        self.shadows = {}
        for folder in reversed(self.folders):
            if not folder.is_dir():
                continue
            for sub in sorted(folder.iterdir()):
                if not sub.is_dir() or sub.name in ("index", "mappings"):
                    continue
                for file in sub.iterdir():
                    if file.suffix.lower() in SUFFIXES:
                        versions = found.setdefault(sub.name, {})
                        if file.stem in versions and versions[file.stem].resolve() != file.resolve():
                            self.shadows.setdefault(f"{sub.name}@{file.stem}", [versions[file.stem]]).append(
                                file
                            )
                        versions[file.stem] = file
        return {
            name: dict(sorted(v.items(), key=lambda kv: _version_key(kv[0])))
            for name, v in sorted(found.items())
        }

    def path_of(self, ref: str) -> Path:
        """The file of ``name[@version]``; the newest version when none is given.

        Parameters
        ----------
        ref : str
            ``'nl-sociaal-domein@2024.1'``, or ``'nl-sociaal-domein'`` for its newest version
            (versions compare part by part, numbers as numbers: ``2024.10`` is newer than ``2024.9``).

        Returns
        -------
        Path
            The list's file, from the first folder that has it.

        Raises
        ------
        MkbaError
            An unknown name (naming the nearest and the available ones), an unknown version (naming
            the available ones), or a ``name@version`` found in two folders with different content.

        Examples
        --------
        >>> import mkba
        >>> mkba.Registry().path_of("nl-sociaal-domein@2024.1").name
        '2024.1.yaml'
        """
        name, version = parse_ref(ref)
        lists = self.available()
        if name not in lists:
            near = difflib.get_close_matches(name, list(lists), n=3, cutoff=0.5)
            hint = f"; did you mean {', '.join(near)}?" if near else ""
            known = ", ".join(lists) or "none"
            raise MkbaError(f"no price list named {name!r}{hint} (available: {known})")
        versions = lists[name]
        if version is None:
            version = list(versions)[-1]
        if version not in versions:
            raise MkbaError(
                f"price list {name!r} has no version {version!r}; available: {', '.join(versions)}"
            )
        _check_one_content(f"{name}@{version}", self.shadows.get(f"{name}@{version}", []))
        return versions[version]

    def load(self, ref: str | Path, index: PriceIndex | None = None) -> PriceList:
        """Load and resolve a list by ``name[@version]`` or by file path.

        Parameters
        ----------
        ref : str or Path
            ``name[@version]`` (as :meth:`path_of`), optionally pinned to its content with
            ``#sha256:`` and at least 12 hex digits of :attr:`PriceList.sha256`; or a file: a
            :class:`~pathlib.Path`, or a string with a path separator or a list's suffix (``.yaml``,
            ``.yml``, ``.toml``, ``.json``, or a ``.csv`` / ``.xlsx`` table as exported).
        index : PriceIndex, optional
            The index every item's price year must lie in (default: the bundled CBS CPI).

        Returns
        -------
        PriceList
            The list after following ``extends`` and applying ``overrides``; amounts in euro per
            unit, each in its item's own price year.

        Raises
        ------
        MkbaError
            As :meth:`path_of`; naming file, line and field when a list (or a base it extends)
            does not fit the format, its ``extends`` does not resolve or makes a cycle, or a price
            year is outside ``index`` (one without an assumed inflation); when a bundled list is not
            its published content, or the content is not the pinned one.

        Examples
        --------
        >>> import mkba
        >>> mkba.Registry().load("nl-sociaal-domein@2024.1#sha256:33783c574cc0")
        PriceList('nl-sociaal-domein@2024.1', 70 items)
        """
        pin = None
        if isinstance(ref, str) and "#sha256:" in ref and not looks_like_path(ref.partition("#")[0]):
            ref, _, pin = ref.partition("#sha256:")
        path = Path(ref) if isinstance(ref, Path) or looks_like_path(str(ref)) else self.path_of(ref)
        if path.resolve().parent.parent == paths.bundled_pricelists().resolve():
            _check_manifest(path)
        loaded = self._resolve(path, index, ())
        if pin is not None and (len(pin) < 12 or not loaded.sha256.startswith(pin.lower())):
            raise MkbaError(
                f"price list {ref} is pinned to content sha256:{pin}, but its content is "
                f"sha256:{loaded.sha256}; expected the pinned content (at least 12 hex digits)",
                file=str(path),
            )
        return loaded

    def files_of(self, ref: str | Path | None = None) -> list[Path]:
        """The files loading ``ref`` reads, found as :meth:`load` finds them, before anything is loaded.

        The list's file (with every copy of its ``name@version`` in another folder, which is read to
        compare), the file of every list its ``extends`` chain names, and the price index that price
        years are checked against by default (the bundled CBS CPI). A command uses them to refuse an
        output that would overwrite one of its inputs.

        Parameters
        ----------
        ref : str or Path, optional
            As :meth:`load` takes it (a ``#sha256:`` pin is left aside); default: the bundled
            default list. A relative file is relative to the current folder, as :meth:`load` reads it.

        Returns
        -------
        list of Path
            Each file once, the list's own first and the index last. What cannot be found (an
            unknown name, a missing file, a base that does not resolve) is left out: loading the
            list reports it, with its line.

        Examples
        --------
        >>> import mkba
        >>> [p.name for p in mkba.Registry().files_of("nl-sociaal-domein@2024.1")]
        ['2024.1.yaml', 'cbs-cpi.yaml']
        """
        if ref is None or (isinstance(ref, str) and not looks_like_path(ref)):
            ref = str(ref or DEFAULT_PRICELIST).partition("#sha256:")[0]
        todo = self._files_named(ref, Path.cwd())
        found: list[Path] = []
        while todo and len(found) < 256:  # an 'extends' cycle ends here too (loading reports it)
            file = todo.pop(0)
            if any(same_file(file, seen) for seen in found):
                continue
            found.append(file)
            extends = _extends_of(file)
            if extends is not None:  # as _load_base resolves it: a file beside the list that extends
                todo += self._files_named(extends, file.parent)
        return [*found, paths.bundled_index()]

    def _files_named(self, ref: str | Path, near: Path) -> list[Path]:
        """The files ``ref`` means: a file (relative to ``near``), or ``name[@version]`` with its copies."""
        if isinstance(ref, Path) or looks_like_path(ref):
            file = near / ref  # an absolute path stays itself
            return [file] if file.is_file() else []
        try:
            chosen = self.path_of(ref)
        except MkbaError:
            return []
        return [*self.shadows.get(f"{chosen.parent.name}@{chosen.stem}", []), chosen]

    def _in_folders(self, path: Path) -> bool:
        """Whether ``path`` is a list file of one of the registry's folders (``<folder>/<name>/...``)."""
        folder = path.resolve().parent.parent
        return any(folder == f.resolve() for f in self.folders if f.is_dir())

    def _resolve(self, path: Path, index: PriceIndex | None, seen: tuple[str, ...]) -> PriceList:
        spec, doc = _read_spec(path, index)
        _check_file_name(spec, path, doc, self._in_folders(path))
        ref = f"{spec.name}@{spec.version}"
        if ref in seen:
            cycle = " -> ".join((*seen, ref))
            raise MkbaError(
                f"'extends' makes a cycle: {cycle}",
                file=doc.file,
                line=doc.line_of(("extends",)),
                field="extends",
            )
        items: dict[str, PriceItem] = {}
        origin: dict[str, str] = {}
        chain: tuple[str, ...] = ()
        if spec.extends is not None:
            base = self._load_base(spec.extends, path, doc, index, (*seen, ref))
            _check_currency(spec, base, doc)
            items, origin, chain = dict(base.items), dict(base.origin), base.chain
            _apply_overrides(spec, base, doc, index, items, origin)
        for item in spec.items:
            items[item.id] = item
            origin[item.id] = ref
        return PriceList(
            spec.name,
            spec.version,
            spec.title,
            items,
            origin,
            (ref, *chain),
            path,
            spec.published,
            spec.currency,
        )

    def _load_base(
        self, extends: str, path: Path, doc: Document, index: PriceIndex | None, seen: tuple[str, ...]
    ) -> PriceList:
        line = doc.line_of(("extends",))
        if looks_like_path(extends):
            base_path = (path.parent / extends).resolve()
            if not base_path.exists():
                raise MkbaError(
                    f"the base list {extends!r} does not exist (looked at {base_path})",
                    file=doc.file,
                    line=line,
                    field="extends",
                )
        else:
            try:
                base_path = self.path_of(extends)
            except MkbaError as exc:
                raise MkbaError(
                    f"'extends: {extends}' does not resolve: {exc.message}",
                    file=doc.file,
                    line=line,
                    field="extends",
                ) from None
        return self._resolve(base_path, index, seen)


def _extends_of(file: Path) -> str | None:
    """What the list in ``file`` extends, as written; None for none, a table or a file that cannot be read."""
    if file.suffix.lower() not in SUFFIXES:
        return None
    try:
        data = read_document(file).data
    except MkbaError:
        return None
    extends = data.get("extends") if isinstance(data, dict) else None
    return extends if isinstance(extends, str) and extends else None


def _check_one_content(ref: str, files: list[Path]) -> None:
    """Refuse a ``name@version`` found in two places with different content, naming both.

    Raises
    ------
    MkbaError
        Naming the two files.
    """
    import hashlib

    digests: dict[str, Path] = {}
    for file in files:
        digest = hashlib.sha256(read_input(file)).hexdigest()
        if digests and digest not in digests:
            first = next(iter(digests.values()))
            raise MkbaError(
                f"{ref} is found twice with different content: {first} and {file}; "
                "a published version never changes (give the changed list a new version)",
                file=str(file),
            )
        digests[digest] = file


def _check_manifest(path: Path) -> None:
    """A bundled list must match its line of ``pricelists/MANIFEST.sha256``.

    Raises
    ------
    MkbaError
        Naming the file, when its content is not the published one.
    """
    import hashlib

    root = paths.bundled_pricelists()
    manifest = root / "MANIFEST.sha256"
    if not manifest.is_file():  # pragma: no cover - an installation without the manifest
        return
    wanted = {}
    for line in manifest.read_text(encoding="utf-8").splitlines():
        digest, _, name = line.strip().partition("  ")
        wanted[name] = digest
    key = f"{path.parent.name}/{path.name}"
    if key in wanted and hashlib.sha256(read_input(path)).hexdigest() != wanted[key]:
        raise MkbaError(
            "the bundled price list differs from its published content (pricelists/MANIFEST.sha256); "
            "reinstall mkba",
            file=str(path),
        )


def _read_spec(path: Path, index: PriceIndex | None) -> tuple[PriceListFile, Document]:
    """A list's file as written (before ``extends``), from a list file or an exported table."""
    if path.suffix.lower() in TABLE_SUFFIXES:  # a list exported as a table (mkba pricelist export)
        from mkba.pricelist.exporting import read_pricelist_table  # openpyxl and CSV only for tables

        spec = read_pricelist_table(path, index=index)
        return spec, Document(spec.model_dump(mode="json"), str(path))
    doc = read_document(path)
    return validate(PriceListFile, doc, context={"index": index or default_index()}), doc


def _check_currency(spec: PriceListFile, base: PriceList, doc: Document) -> None:
    """A list and its base share one currency."""
    if base.currency == spec.currency:
        return
    key = "currency" if "currency" in spec.model_fields_set else "extends"
    said = (
        f"says currency {spec.currency}" if key == "currency" else f"names no currency (so {spec.currency})"
    )
    raise MkbaError(
        f"this list {said}, but its base {base.ref} is in "
        f"{base.currency}; expected one currency in an 'extends' chain "
        f"(set 'currency: {base.currency}' or extend a list in {spec.currency})",
        file=doc.file,
        line=doc.line_of((key,)),
        field=key,
    )


#: Fields of an item that describe its figure: an override with a new amount or price year drops them.
_OF_THE_FIGURE = ("low", "high", "note", "code")


def _apply_overrides(
    spec: PriceListFile,
    base: PriceList,
    doc: Document,
    index: PriceIndex | None,
    items: dict[str, PriceItem],
    origin: dict[str, str],
) -> None:
    """Apply ``spec``'s overrides to the inherited ``items`` (in place), noting each in ``origin``."""
    ref = f"{spec.name}@{spec.version}"
    own = {item.id for item in spec.items}
    for i, override in enumerate(spec.overrides):
        if override.id in own:  # the list's own item would replace the override without a word
            raise MkbaError(
                f"{override.id!r} is both an item of this list and an override; expected one of the two "
                "(an item replaces the inherited one whole, an override changes some of its fields)",
                file=doc.file,
                line=doc.line_of(("overrides", i, "id")),
                field=f"overrides[{i}].id",
            )
        if override.id not in items:
            raise MkbaError(
                unknown_item_message(override.id, base) + "; an override must name an inherited item "
                "(add new items under 'items')",
                file=doc.file,
                line=doc.line_of(("overrides", i, "id")),
                field=f"overrides[{i}].id",
            )
        inherited = items[override.id].model_dump()
        if override.new_figure:  # the base's range, note and code describe the base's figure
            inherited |= dict.fromkeys(_OF_THE_FIGURE)
        merged = inherited | override.model_dump(exclude_none=True)
        try:
            items[override.id] = PriceItem.model_validate(merged, context={"index": index or default_index()})
        except pydantic.ValidationError as exc:
            raise MkbaError(
                f"the overridden item is not valid: {exc.errors()[0]['msg'].removeprefix('Value error, ')}",
                file=doc.file,
                line=doc.line_of(("overrides", i)),
                field=f"overrides[{i}]",
            ) from None
        origin[override.id] = f"{origin[override.id]} < {ref}"


def _check_file_name(spec: PriceListFile, path: Path, doc: Document, in_folders: bool = False) -> None:
    """In a registry folder, ``<name>/<version>.yaml`` must agree with the file's content: a pin
    ``name@version`` must never resolve to another list."""
    if in_folders and path.parent.name != spec.name:
        raise MkbaError(
            f"the file is in the folder {path.parent.name!r} but says name {spec.name!r}; "
            "expected the folder to be the list's name",
            file=doc.file,
            line=doc.line_of(("name",)),
            field="name",
        )
    if (in_folders or path.parent.name == spec.name) and path.stem != spec.version:
        raise MkbaError(
            f"the file is named {path.name!r} but says version {spec.version!r}; "
            "expected the file name to be the version",
            file=doc.file,
            line=doc.line_of(("version",)),
            field="version",
        )


def load_pricelist(
    ref: str | Path | PriceList | None = None,
    *,
    folders: str | Path | Iterable[str | Path] = (),
    index: PriceIndex | None = None,
) -> PriceList:
    """Load a price list by ``name[@version]``, by path, or the bundled default.

    Parameters
    ----------
    ref : str, Path or PriceList, optional
        ``'nl-sociaal-domein@2024.1'``, ``'nl-sociaal-domein'`` (newest version),
        a file path, or an already loaded list. Default: the bundled default
        list, newest version.
    folders : path or sequence of paths
        Extra folders of lists, searched before the bundled ones (:func:`price_list_folders`).
    index : PriceIndex, optional
        The index used to check price years (default: bundled CBS CPI).

    Returns
    -------
    PriceList
        Every item (amounts in euro per unit, each in its own price year) after ``extends`` and
        ``overrides``, with where each came from.

    Raises
    ------
    MkbaError
        For an unknown name or version (naming the nearest), or a file that does not fit the
        format (naming file, line and field).

    Examples
    --------
    >>> import mkba
    >>> pricelist = mkba.load_pricelist("nl-sociaal-domein@2024.1")
    >>> pricelist.ref, pricelist.currency, len(pricelist)
    ('nl-sociaal-domein@2024.1', 'EUR', 70)
    >>> pricelist["huisarts-consult"].amount  # euro per contact, in prices of 2022
    30.87
    >>> mkba.load_pricelist("pricelists/nl-sociaal-domein/2024.1.yaml").ref  # by file
    'nl-sociaal-domein@2024.1'
    """
    if isinstance(ref, PriceList):
        return ref
    return Registry(folders).load(ref or DEFAULT_PRICELIST, index=index)
