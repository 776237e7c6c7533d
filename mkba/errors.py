"""The one error type users see.

Every mistake in a file a user wrote ends in a :class:`MkbaError` that names
the file, the line (where the format has lines), the field and what was
expected. The command line turns it into one message and exit code 2.
"""

from __future__ import annotations


class MkbaError(Exception):
    """A problem with user input, reported without a traceback.

    Parameters
    ----------
    message : str
        What is wrong and what was expected.
    file : str, optional
        The file the problem is in.
    line : int, optional
        1-based line number in ``file``.
    field : str, optional
        Dotted path of the offending field, e.g. ``items[3].amount``.

    Examples
    --------
    >>> import mkba
    >>> str(mkba.MkbaError("expected a number", file="s.yaml", line=3, field="costs[0].amount"))
    's.yaml:3: costs[0].amount: expected a number'
    >>> try:
    ...     mkba.load_scenario("missing.yaml")
    ... except mkba.MkbaError as exc:
    ...     print(exc.file, "-", exc.message)
    missing.yaml - file not found
    """

    def __init__(
        self,
        message: str,
        *,
        file: str | None = None,
        line: int | None = None,
        field: str | None = None,
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(str(self))

    def __str__(self) -> str:
        where = ""
        if self.file:
            where = self.file + (f":{self.line}" if self.line else "")
        parts = [p for p in (where, self.field) if p]
        head = ": ".join(parts)
        return f"{head}: {self.message}" if head else self.message
