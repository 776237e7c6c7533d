"""Writing output files atomically: a failure never leaves a half-written file.

Every file mkba writes (price list exports, workbooks, JSON results) goes
through :func:`write_atomic`: the content is written to a temporary file in
the same folder, which is then moved into place. A failure leaves any earlier
file as it was and no temporary file behind, and an existing file keeps its
permissions.
"""

from __future__ import annotations

import os
import stat
import tempfile
from collections.abc import Callable
from pathlib import Path

from mkba.errors import MkbaError


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
    path = Path(path)
    file = str(path)
    if path.is_dir():
        raise MkbaError("is a folder; expected a file name", file=file)
    if not path.parent.is_dir():
        what = "is not a folder" if path.parent.exists() else "does not exist"
        raise MkbaError(f"the folder {str(path.parent)!r} {what}", file=file)
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
    return path


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
