"""What the command line prints: styled text, tables in box-drawing characters, and the two consoles.

A command prints a few small tables: figures, who pays and who benefits, the overview by line. This
module lays them out, word-wraps what does not fit the terminal, and styles them with ANSI codes on
a terminal only (not when piped, not with ``NO_COLOR``; ``FORCE_COLOR`` forces them). The tables look
as rich draws them (a heavy head, light rows), but cost no import: rich takes about 20 ms to import and
15 ms to lay out the tables of ``mkba run``, a tenth of the command's time (docs/architecture.md,
"Start-up"). Rich stays for what it does best, the live progress bars of long runs
(:func:`mkba.cli.common.progress_bar`), and Typer uses it for ``--help``.

What a user wrote (names, labels, paths) is printed exactly as written: nothing is read as markup.

Layer: the command line; imports nothing of mkba.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import Iterable, Sequence
from typing import IO, Literal

#: ANSI select-graphic-rendition codes of the styles the command line uses.
SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
#: The width of piped output (files, CI logs): wider than a terminal's 80-column default.
PIPED_WIDTH = 120
ELLIPSIS = "…"

Justify = Literal["left", "right", "center"]


class Text:
    """Text in spans, each with a style (``"bold"``, ``"dim"``, ``"bold red"``) or none.

    Examples
    --------
    >>> Text.assemble(("Saldo", "bold"), ": ", "[b] stays as written").plain
    'Saldo: [b] stays as written'
    """

    __slots__ = ("spans",)

    def __init__(self, text: str = "", style: str | None = None) -> None:
        self.spans: list[tuple[str, str | None]] = [(text, style)] if text else []

    @classmethod
    def assemble(cls, *parts: str | tuple[str, str] | Text) -> Text:
        """Text from parts: plain strings, ``(text, style)`` pairs or other texts, in order."""
        new = cls()
        for part in parts:
            if isinstance(part, Text):
                new.spans.extend(part.spans)
            elif isinstance(part, tuple):
                new.spans.append(part)
            elif part:
                new.spans.append((part, None))
        return new

    @property
    def plain(self) -> str:
        """The text without its styles."""
        return "".join(text for text, _ in self.spans)

    def __str__(self) -> str:
        return self.plain

    def __repr__(self) -> str:
        return f"Text({self.plain!r})"

    def styled(self, style: str | None) -> Text:
        """This text with ``style`` added under its own styles (a column's style under a cell's)."""
        if not style:
            return self
        new = Text()
        new.spans = [(text, f"{style} {own}" if own else style) for text, own in self.spans]
        return new

    def cut(self, start: int, end: int) -> Text:
        """The characters ``start:end`` of the text, with their styles."""
        new = Text()
        at = 0
        for text, style in self.spans:
            lo, hi = max(start - at, 0), min(end - at, len(text))
            if lo < hi:
                new.spans.append((text[lo:hi], style))
            at += len(text)
        return new

    def wrap(self, width: int, ellipsis: bool = False) -> list[Text]:
        """The text word-wrapped to ``width`` columns; its own line breaks kept.

        A word longer than the width is cut with an ellipsis (``ellipsis``, in tables) or broken
        over lines.
        """
        lines: list[Text] = []
        plain = self.plain
        start = 0
        for part in plain.split("\n"):
            for lo, hi in _word_lines(part, max(width, 1), ellipsis):
                line = self.cut(start + lo, start + hi)
                if hi - lo > width:  # one word too long for the column
                    line = line.cut(0, max(width - 1, 0))
                    line.spans.append((ELLIPSIS, None))
                lines.append(line)
            start += len(part) + 1
        return lines

    def render(self, color: bool) -> str:
        """The text as a string, with ANSI styles when ``color``."""
        if not color:
            return self.plain
        return "".join(_sgr(text, style) for text, style in self.spans)


def _sgr(text: str, style: str | None) -> str:
    codes = [SGR[word] for word in (style or "").split() if word in SGR]
    return f"\x1b[{';'.join(codes)}m{text}\x1b[0m" if codes and text else text


def _word_lines(text: str, width: int, ellipsis: bool) -> list[tuple[int, int]]:
    """Where greedy word wrapping breaks ``text`` (one line, no newlines): (start, end) per line."""
    if len(text) <= width:
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start = end = None  # the line being filled: from the start of its first word to the end of its last
    at = 0
    for word in text.split(" "):
        lo, hi = at, at + len(word)
        at = hi + 1
        if not word:
            continue
        if start is not None and end is not None and hi - start <= width:
            end = hi
            continue
        if start is not None and end is not None:
            lines.append((start, end))
        while not ellipsis and hi - lo > width:  # fold a long word
            lines.append((lo, lo + width))
            lo += width
        start, end = lo, hi
    if start is not None and end is not None:
        lines.append((start, end))
    return lines or [(0, 0)]


def _fit(text: Text, width: int, justify: Justify) -> Text:
    """``text`` (at most ``width`` wide) padded to ``width``, justified."""
    room = width - len(text.plain)
    if room <= 0:
        return text
    if justify == "right":
        return Text.assemble(" " * room, text)
    if justify == "center":
        return Text.assemble(" " * (room // 2), text, " " * (room - room // 2))
    return Text.assemble(text, " " * room)


class Column:
    """A table's column: header, justification, a style for every cell, widest, and wrapping."""

    __slots__ = ("header", "justify", "max_width", "no_wrap", "style")

    def __init__(
        self,
        header: str | Text = "",
        justify: Justify = "left",
        style: str | None = None,
        max_width: int | None = None,
        no_wrap: bool = False,
    ) -> None:
        self.header = header if isinstance(header, Text) else Text(header)
        self.justify: Justify = justify
        self.style = style
        self.max_width = max_width
        self.no_wrap = no_wrap


class Table:
    """A table as the command line prints it: a title, a bold heavy head, light rows.

    Columns are as wide as their widest cell; when the table is wider than the terminal, the widest
    wrapping columns give way first (down to their longest word), and cells wrap at spaces.

    Examples
    --------
    >>> table = Table("Partij", "Saldo", title="Wie betaalt")
    >>> table.add_row("Gemeente", "€ -262.044")
    >>> print("\\n".join(line.plain for line in table.lines(80)))
    Wie betaalt
    ┏━━━━━━━━━━┳━━━━━━━━━━━━┓
    ┃ Partij   ┃ Saldo      ┃
    ┡━━━━━━━━━━╇━━━━━━━━━━━━┩
    │ Gemeente │ € -262.044 │
    └──────────┴────────────┘
    """

    def __init__(
        self,
        *headers: str,
        title: str | None = None,
        title_justify: Justify = "left",
        show_header: bool = True,
        box: bool | None = True,
        pad_edge: bool = True,
    ) -> None:
        self.columns = [Column(h) for h in headers]
        self.rows: list[list[Text]] = []
        self.title = title
        self.title_justify: Justify = title_justify
        self.show_header = show_header
        self.box = bool(box)
        self.pad_edge = pad_edge

    def add_column(
        self,
        header: str | Text = "",
        justify: Justify = "left",
        style: str | None = None,
        max_width: int | None = None,
        no_wrap: bool = False,
    ) -> None:
        """Add a column (before any row)."""
        self.columns.append(Column(header, justify, style, max_width, no_wrap))

    def add_row(self, *cells: str | Text | None) -> None:
        """Add a row: one cell per column (missing cells are empty)."""
        row = [c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells]
        self.rows.append(row + [Text()] * (len(self.columns) - len(row)))

    def _widths(self, width: int) -> list[int]:
        """Each column's width in characters for a console ``width`` wide."""
        natural, least = [], []
        for j, col in enumerate(self.columns):
            head = col.header.plain.split("\n") if self.show_header else []
            body = [line for row in self.rows for line in row[j].plain.split("\n")]
            widest = max((len(line) for line in head + body), default=0)
            widest = min(widest, col.max_width) if col.max_width else widest
            # figures (right-justified) keep each line whole; text gives way down to its longest word
            whole = body if col.justify == "right" else []
            words = [w for line in head + body if line not in whole for w in line.split(" ")]
            fewest = max([len(w) for w in words] + [len(line) for line in whole], default=0)
            natural.append(max(widest, 1))
            least.append(natural[-1] if col.no_wrap else max(min(fewest, natural[-1]), 1))
        room = width - self._frame()
        widths = list(natural)
        for floor in (least, [1] * len(widths)):  # first down to the longest word, then cut words
            while sum(widths) > room:
                give = [j for j, c in enumerate(self.columns) if not c.no_wrap and widths[j] > floor[j]]
                if not give:
                    break
                widest = max(give, key=lambda j: widths[j])
                widths[widest] -= 1
        return widths

    def _frame(self) -> int:
        """Characters of borders and padding around the cells of one line."""
        n = len(self.columns)
        if self.box:
            return 3 * n + 1  # "│ " before each cell, " " after, and the last "│"
        return 2 * n - (0 if self.pad_edge else 2)

    def lines(self, width: int) -> list[Text]:
        """The table, line by line, for a console ``width`` characters wide."""
        if not self.columns:
            return []
        widths = self._widths(width)
        out: list[Text] = []
        if self.title:
            title = Text(self.title, "italic")
            total = sum(widths) + self._frame()
            out.extend(
                _fit(t, total, self.title_justify) if self.title_justify != "left" else t
                for t in title.wrap(width)
            )
        heavy = self.box and self.show_header
        if self.box:
            out.append(_rule(widths, "┏━┳┓" if heavy else "┌─┬┐"))
        if self.show_header:
            header = [col.header.styled("bold") for col in self.columns]
            out.extend(self._row(header, widths, "┃" if heavy else "│"))
            if self.box:
                out.append(_rule(widths, "┡━╇┩"))
        for row in self.rows:
            cells = [cell.styled(col.style) for cell, col in zip(row, self.columns, strict=True)]
            out.extend(self._row(cells, widths, "│"))
        if self.box:
            out.append(_rule(widths, "└─┴┘"))
        return out

    def _row(self, cells: Sequence[Text], widths: Sequence[int], bar: str) -> list[Text]:
        wrapped = [
            cell.wrap(w, ellipsis=True) if not col.no_wrap else [cell]
            for cell, w, col in zip(cells, widths, self.columns, strict=True)
        ]
        height = max(len(w) for w in wrapped)
        lines = []
        for i in range(height):
            parts: list[str | Text] = []
            for j, (cell_lines, w, col) in enumerate(zip(wrapped, widths, self.columns, strict=True)):
                cell = _fit(cell_lines[i] if i < len(cell_lines) else Text(), w, col.justify)
                if self.box:
                    parts += [bar + " ", cell, " "]
                else:
                    left = "" if j == 0 and not self.pad_edge else " "
                    right = "" if j == len(widths) - 1 and not self.pad_edge else " "
                    parts += [left, cell, right]
            if self.box:
                parts.append(bar)
            lines.append(Text.assemble(*parts))
        return lines


def _rule(widths: Sequence[int], chars: str) -> Text:
    """A border line: ``chars`` is the left corner, the line, the crossing and the right corner."""
    left, line, cross, right = chars[0], chars[1], chars[2], chars[3]
    return Text(left + cross.join(line * (w + 2) for w in widths) + right)


class Console:
    """Standard output or standard error, written at the width of the terminal (120 when piped).

    Styles are written as ANSI codes on a terminal only, never into a file or a pipe, and not when
    ``NO_COLOR`` is set; ``FORCE_COLOR`` writes them anyway. The stream is looked up at each print
    (``sys.stdout`` as it is then), so output redirected by a caller or a test is followed.
    """

    def __init__(self, stderr: bool = False) -> None:
        self.stderr = stderr

    @property
    def file(self) -> IO[str]:
        """The stream written to now."""
        return sys.stderr if self.stderr else sys.stdout

    def isatty(self) -> bool:
        """Whether the stream is a terminal."""
        try:
            return self.file.isatty()
        except (AttributeError, ValueError):
            return False

    @property
    def width(self) -> int:
        """Characters per line: the terminal's (or ``COLUMNS``), else 120."""
        if self.isatty():
            return shutil.get_terminal_size((80, 24)).columns
        return PIPED_WIDTH

    @property
    def color(self) -> bool:
        """Whether styles are written (as ANSI codes)."""
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return self.isatty() and os.environ.get("TERM") != "dumb"

    def print(self, *objects: str | Text | Table, soft_wrap: bool = False) -> None:
        """Print texts (joined by a space) or tables, each on lines of their own.

        Text is word-wrapped at the console's width unless ``soft_wrap`` (one long line, for the
        terminal to wrap: messages a user may copy, such as paths).
        """
        width, color = self.width, self.color
        lines: list[Text] = []
        texts: list[str | Text] = []
        for obj in [*objects, None]:
            if obj is None or isinstance(obj, Table):
                if texts:
                    joined = Text.assemble(*_spaced(texts))
                    lines.extend([joined] if soft_wrap else joined.wrap(width))
                    texts = []
                if obj is not None:
                    lines.extend(obj.lines(width))
            else:
                texts.append(obj)
        self.file.write("".join(line.render(color).rstrip() + "\n" for line in lines) if lines else "\n")


def _spaced(texts: Iterable[str | Text]) -> list[str | Text]:
    parts: list[str | Text] = []
    for text in texts:
        if parts:
            parts.append(" ")
        parts.append(text)
    return parts
