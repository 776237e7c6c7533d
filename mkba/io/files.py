"""The one place where files are checked before use, and written atomically.

Every file mkba reads goes through :func:`check_input` (or :func:`read_input`): it must be a
regular file no larger than :func:`max_input_bytes` (64 MiB, or ``MKBA_MAX_INPUT_BYTES``); a
folder, a device (``/dev/zero``), a FIFO or a socket is refused at once, without reading from it.

Every output path a command was given goes through :func:`check_output` *before any work*: it
must not be one of the command's inputs (also not through a symlink, a hard link or ``..``), its
folder must exist, and it must not be a folder. An output that is a character device (``/dev/null``)
is written through, never replaced; a FIFO or socket is refused. An input may also be a *folder* the
command reads price lists from (``<folder>/<name>/<version>.yaml``): an existing file in one of its
lists' folders is never replaced, and no existing file of the bundled price lists either (a second
line of defence, should a list a command reads be missing from its inputs). :func:`check_suffix`
refuses an output whose suffix is not the format written.

Every file mkba writes (price list exports, workbooks, JSON results) goes
through :func:`write_atomic`: the content is written to a temporary file in
the same folder, which is then moved into place. A failure leaves any earlier
file as it was and no temporary file behind, and an existing file keeps its
permissions. docs/security.md states these guarantees.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable, Iterable
from pathlib import Path

from mkba.errors import MkbaError
from mkba.io import paths

#: The default largest input file, in bytes (``MKBA_MAX_INPUT_BYTES`` overrides it).
MAX_INPUT_BYTES = 64 * 1024 * 1024

MaybePath = str | Path | None


def max_input_bytes() -> int:
    """The largest input file mkba reads: ``MKBA_MAX_INPUT_BYTES`` if set, else 64 MiB.

    Raises
    ------
    MkbaError
        When ``MKBA_MAX_INPUT_BYTES`` is not a whole number of at least 1.
    """
    given = os.environ.get("MKBA_MAX_INPUT_BYTES", "").strip()
    if not given:
        return MAX_INPUT_BYTES
    try:
        value = int(given)
    except ValueError:
        value = 0
    if value < 1:
        raise MkbaError(f"MKBA_MAX_INPUT_BYTES must be a whole number of bytes >= 1, got {given!r}")
    return value


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a FIFO (named pipe)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "not a regular file"


def check_input(path: str | Path) -> Path:
    """Check that ``path`` can be read safely: a regular file within the size limit.

    Nothing is opened: ``stat`` alone decides, so a FIFO or a device never blocks.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MkbaError
        Naming the file: not found, a folder, a device, a FIFO or a socket, or larger than
        :func:`max_input_bytes`.
    """
    path = Path(path)
    file = str(path)
    try:
        info = path.stat()
    except FileNotFoundError:
        raise MkbaError("file not found", file=file) from None
    except (OSError, ValueError) as exc:
        raise MkbaError(f"cannot read the file: {getattr(exc, 'strerror', None) or exc}", file=file) from None
    if not stat.S_ISREG(info.st_mode):
        raise MkbaError(f"is {_kind(info.st_mode)}; expected a regular file", file=file)
    limit = max_input_bytes()
    if info.st_size > limit:
        raise MkbaError(
            f"the file has {info.st_size:,} bytes, more than the limit of {limit:,} "
            "(set MKBA_MAX_INPUT_BYTES to read larger files)",
            file=file,
        )
    return path


def read_input(path: str | Path) -> bytes:
    """The bytes of an input file, after :func:`check_input`; never more than the limit.

    Raises
    ------
    MkbaError
        As :func:`check_input`, or when the file cannot be read.
    """
    path = check_input(path)
    limit = max_input_bytes()
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise MkbaError(f"cannot read the file: {exc.strerror or exc}", file=str(path)) from None
    if len(raw) > limit:
        raise MkbaError(f"the file is larger than the limit of {limit:,} bytes", file=str(path))
    return raw


def same_file(a: str | Path, b: str | Path) -> bool:
    """Whether two paths name one file: the same resolved path, or the same inode (a hard link).

    Parameters
    ----------
    a, b : str or Path
        The paths (a file that does not exist is the same as another only by its resolved path).

    Returns
    -------
    bool
    """
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        sa, sb = Path(a).stat(), Path(b).stat()
    except (OSError, ValueError):
        return False
    return (sa.st_dev, sa.st_ino) == (sb.st_dev, sb.st_ino)


def check_output(
    path: str | Path,
    *,
    inputs: Iterable[MaybePath] = (),
    option: str | None = None,
    reader: str = "this command",
) -> Path:
    """Check an output path before any work is done; see the module docstring.

    Parameters
    ----------
    path : str or Path
        The file the command will write.
    inputs : iterable of path
        Every file the command reads (``None`` entries are skipped); the output may be none of them.
    option : str, optional
        The option that gave the path (``--json``), for the message.
    reader : str
        What reads the inputs, for the message: ``"this command"``, or ``"this result"`` for a
        :class:`mkba.result.Result` that writes itself.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MkbaError
        Naming the file and the option: the output is an input, a folder, a FIFO or socket, or
        its folder does not exist.
    """
    path = Path(path)
    file = str(path)
    real = Path(os.path.realpath(path))
    given_inputs = [Path(given) for given in inputs if given is not None and str(given)]
    folders = [given for given in given_inputs if given.is_dir()]
    for given in given_inputs:
        if given not in folders and same_file(path, given):
            raise MkbaError(
                f"is also an input of {reader} ({given}); choose another output file so that "
                "the input is not overwritten",
                file=file,
                field=option,
            )
    for folder in folders:
        _check_not_in_registry(real, folder, file, option, reader=reader)
    _check_not_in_registry(real, paths.bundled_pricelists(), file, option, bundled=True, reader=reader)
    if real.is_dir():
        raise MkbaError("is a folder; expected a file name", file=file, field=option)
    if real.exists() and not real.is_file():
        mode = real.stat().st_mode
        if not stat.S_ISCHR(mode):
            raise MkbaError(f"is {_kind(mode)}; expected a regular file or a device", file=file, field=option)
    if not real.parent.is_dir():
        what = "is not a folder" if real.parent.exists() else "does not exist"
        raise MkbaError(f"the folder {str(path.parent)!r} {what}", file=file, field=option)
    return path


def _says_price_list(path: Path) -> bool:
    """Whether a file's first 8 KiB name the price list format (YAML, JSON or TOML); a table (a list
    exported to CSV or a workbook) is taken to be one, as its format cannot be read from its head."""
    if path.suffix.lower() in (".csv", ".xlsx"):
        return True
    try:
        with open(path, "rb") as f:
            head = f.read(8192)
    except OSError:
        return True  # cannot tell: keep it
    return b"mkba-pricelist/" in head


def _check_not_in_registry(
    real: Path,
    folder: Path,
    file: str,
    option: str | None,
    bundled: bool = False,
    reader: str = "this command",
) -> None:
    """Refuse to replace an existing price list of a price-list folder: ``<folder>/<name>/<file>``.

    In the bundled folder (``bundled``) every existing file is kept, at any depth (the lists, the
    price index, the mappings, the manifest). Elsewhere a file there is a list when it says so
    (``format: mkba-pricelist/1`` in its first bytes): an earlier result written beside the lists
    may be replaced. A new file (a new version of a list) is allowed.
    """
    if not real.is_file():
        return
    root = Path(os.path.realpath(folder))
    inside = real.is_relative_to(root) if bundled else (real.parent.parent == root and _says_price_list(real))
    if inside:
        what = "the bundled price lists" if bundled else "a price-list folder"
        raise MkbaError(
            f"is an existing file of {what} ({folder}), which {reader} reads and never "
            "overwrites; choose an output file outside that folder (or a new file name)",
            file=file,
            field=option,
        )


#: What each kind of output is written as: the suffixes it takes (the first is named) and what it is,
#: for messages. The command line's output options (``--json``, ``--xlsx``, ``-o``, ``--pdf``) and the
#: writers of :class:`mkba.result.Result` check their files against it (:func:`check_format`).
OUTPUT_FORMATS: dict[str, tuple[tuple[str, ...], str]] = {
    "json": ((".json",), "JSON"),
    "xlsx": ((".xlsx",), "an Excel workbook"),
    "html": ((".html", ".htm"), "HTML"),
    "pdf": ((".pdf",), "PDF"),
}


def check_format(path: str | Path, fmt: str, option: str) -> Path:
    """:func:`check_suffix` with the suffixes and the name of :data:`OUTPUT_FORMATS` ``[fmt]``.

    Parameters
    ----------
    path : str or Path
        The output file.
    fmt : {'json', 'xlsx', 'html', 'pdf'}
        The format written.
    option : str
        The option (or argument) that gave the path, for the message.

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MkbaError
        As :func:`check_suffix`: ``path: expected a file name ending in .xlsx (an Excel workbook is
        written), not '.csv'``.

    Examples
    --------
    >>> check_format("out.XLSX", "xlsx", "--xlsx").name
    'out.XLSX'
    """
    suffixes, what = OUTPUT_FORMATS[fmt]
    return check_suffix(path, suffixes, option, what)


def check_suffix(path: str | Path, suffixes: Iterable[str], option: str, what: str) -> Path:
    """Refuse an output whose suffix does not match the format written (``--json out.xlsx``).

    A character device (``/dev/null``) is written through whatever its name, so it passes.

    Parameters
    ----------
    path : str or Path
        The output file.
    suffixes : iterable of str
        The suffixes accepted (``".json"``), compared without regard to case; the first is named.
    option : str
        The option that gave the path, for the message.
    what : str
        What is written, for the message (``"JSON"``).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MkbaError
        ``--json: expected a file name ending in .json (JSON is written), not '.xlsx'``.
    """
    path = Path(path)
    accepted = tuple(s.lower() for s in suffixes)
    if path.suffix.lower() in accepted or _is_device(path):
        return path
    raise MkbaError(
        f"expected a file name ending in {' or '.join(accepted)} ({what} is written), "
        f"not {path.suffix or 'no suffix'!r}",
        file=str(path),
        field=option,
    )


def _is_device(path: Path) -> bool:
    try:
        return stat.S_ISCHR(path.stat().st_mode)
    except (OSError, ValueError):
        return False


def check_outputs(outputs: Iterable[tuple[str, MaybePath]], inputs: Iterable[MaybePath] = ()) -> None:
    """:func:`check_output` on each ``(option, path)`` given, and no two outputs one file.

    Raises
    ------
    MkbaError
        As :func:`check_output`, or when two options name the same file.
    """
    given = [(option, Path(p)) for option, p in outputs if p is not None]
    inputs = [p for p in inputs if p is not None]
    for i, (option, path) in enumerate(given):
        check_output(path, inputs=inputs, option=option)
        for other, earlier in given[:i]:
            if same_file(path, earlier):
                raise MkbaError(
                    f"{other} and {option} name the same file; expected a different file for each",
                    file=str(path),
                    field=option,
                )


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Call ``write(tmp)`` on a temporary file beside ``path``, then move it into place.

    The temporary file has the suffix of ``path`` (some writers choose the
    format by it); what ``write`` returns is ignored. An existing file at ``path`` keeps its permission bits; a
    new file gets the usual ones (``0o666`` less the umask).

    Returns
    -------
    Path
        ``path``.

    Raises
    ------
    MkbaError
        Naming the file, when ``path`` is a folder, when its folder does not
        exist, or when the file cannot be written (any :class:`OSError`,
        e.g. a full disk or no permission). An :class:`MkbaError` raised by
        ``write`` passes through unchanged. In every case no temporary file
        is left behind and an earlier file at ``path`` is unchanged.
    """
    given = Path(path)
    file = str(given)
    check_output(given)
    path = Path(os.path.realpath(given))  # through a symlink: the file it points to is replaced
    if path.exists() and not path.is_file():
        return _write_through(given, path, write)
    try:
        mode = stat.S_IMODE(path.stat().st_mode) if path.exists() else _new_file_mode()
        handle, tmp_name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=path.suffix, dir=path.parent)
    except OSError as exc:
        raise MkbaError(f"cannot write the file: {exc.strerror or exc}", file=file) from None
    os.close(handle)
    tmp = Path(tmp_name)
    try:
        write(tmp)
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        raise MkbaError(f"cannot write the file: {exc.strerror or exc}", file=file) from None
    finally:
        tmp.unlink(missing_ok=True)
    return given


def _write_through(given: Path, device: Path, write: Callable[[Path], object]) -> Path:
    """Write to a temporary file, then copy it into a device (``/dev/null``): never replace it."""
    file = str(given)
    with tempfile.TemporaryDirectory(prefix="mkba-") as folder:
        tmp = Path(folder) / f"out{given.suffix}"
        try:
            write(tmp)
            with open(tmp, "rb") as source, open(device, "wb") as target:
                while chunk := source.read(1 << 20):
                    target.write(chunk)
        except OSError as exc:
            raise MkbaError(f"cannot write the file: {exc.strerror or exc}", file=file) from None
    return given


def write_text_atomic(path: str | Path, text: str) -> Path:
    """Write ``text`` (UTF-8) to ``path`` atomically; see :func:`write_atomic`."""
    return write_atomic(path, lambda tmp: tmp.write_text(text, encoding="utf-8"))


def _new_file_mode() -> int:
    """The permission bits ``open()`` would give a new file: ``0o666`` less the umask."""
    return 0o666 & ~_umask()


def _umask() -> int:
    # Read, not set and reset, so that other threads never see a changed umask.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    return 0o022
