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

import copy
import dataclasses
import os
import re
import shutil
import sys
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import IO, Literal

#: ANSI select-graphic-rendition codes of the styles the command line uses.
SGR = {"bold": "1", "dim": "2", "italic": "3", "red": "31", "green": "32", "yellow": "33", "cyan": "36"}
#: The width of piped output (files, CI logs): wider than a terminal's 80-column default.
PIPED_WIDTH = 120
ELLIPSIS = "…"
#: The narrowest a folding column (identifiers) is made before other text columns are cut.
FOLDED = 16
#: Control characters are not printed (a label cannot move the cursor or colour the terminal); a tab
#: is four spaces. Line breaks stay.
_CONTROLS = {c: None for c in [*range(0x00, 0x20), *range(0x7F, 0xA0)] if c != 0x0A} | {0x09: "    "}
#: A currency before an amount (``€``, ``GBP``) stays on the amount's line: the signs and the ISO codes of
#: the currencies a contract is written in (not any three capitals: ``NYC Department`` is two words).
_CURRENCY = re.compile(r"€|\$|£|EUR|USD|GBP|CHF|CAD|AUD|NZD|JPY|DKK|SEK|NOK|PLN")

Justify = Literal["left", "right", "center"]


def cell_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: 2 for wide East Asian characters, 0 for combining marks.

    Examples
    --------
    >>> cell_width("Súdwest-Fryslân"), cell_width("表"), cell_width("a\u0301")
    (15, 2, 1)
    """
    if text.isascii():
        return len(text)
    return sum(_char_width(c) for c in text)


def _char_width(char: str) -> int:
    if unicodedata.combining(char) or unicodedata.category(char) in ("Mn", "Me", "Cf"):
        return 0
    return 2 if unicodedata.east_asian_width(char) in ("W", "F") else 1


def _clip(text: str, width: int) -> str:
    """The longest start of ``text`` at most ``width`` columns wide."""
    if cell_width(text) <= width:
        return text
    used = 0
    for i, char in enumerate(text):
        used += _char_width(char)
        if used > width:
            return text[:i]
    return text


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

    def mapped(self, change: Callable[[str], str]) -> Text:
        """This text with ``change`` applied to each span's characters (styles kept)."""
        new = Text()
        new.spans = [(change(text), style) for text, style in self.spans]
        return new

    def printable(self) -> Text:
        """This text without control characters (a tab becomes four spaces)."""
        new = Text()
        new.spans = [(text.translate(_CONTROLS), style) for text, style in self.spans]
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

    def clipped(self, width: int) -> Text:
        """The text cut to ``width`` columns with an ellipsis (in the style of the cut), if wider."""
        plain = self.plain
        if cell_width(plain) <= width:
            return self
        keep = len(_clip(plain, max(width - 1, 0)))
        kept = self.cut(0, keep)
        kept.spans.append((ELLIPSIS, self._style_at(keep)))
        return kept

    def _style_at(self, index: int) -> str | None:
        at = 0
        for text, style in self.spans:
            at += len(text)
            if index < at:
                return style
        return None

    def wrap(self, width: int, ellipsis: bool = False) -> list[Text]:
        """The text word-wrapped to ``width`` columns; its own line breaks and indentation kept.

        A currency stays with its amount (``€ 1.234``). A word longer than the width is cut with an
        ellipsis (``ellipsis``, in tables) or broken over lines. Continuation lines are indented as
        the first line is.
        """
        width = max(width, 1)
        lines: list[Text] = []
        start = 0
        for part in self.plain.split("\n"):
            indent = len(part) - len(part.lstrip(" "))
            if indent >= width:
                indent = 0
            for n, (lo, hi) in enumerate(_word_lines(part[indent:], width - indent, ellipsis)):
                line = self.cut(start + indent + lo, start + indent + hi)
                line = Text.assemble(self.cut(start, start + indent) if n == 0 else " " * indent, line)
                lines.append(line.clipped(width))
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


def words(text: str) -> list[tuple[int, int]]:
    """Where the words of ``text`` start and end; a currency is one word with the amount after it.

    Examples
    --------
    >>> [("Saldo € -460.158")[a:b] for a, b in words("Saldo € -460.158")]
    ['Saldo', '€ -460.158']
    """
    found: list[tuple[int, int]] = []
    glue = False
    at = 0
    for word in text.split(" "):
        lo, hi = at, at + len(word)
        at = hi + 1
        if not word:
            continue
        if glue and found and found[-1][1] == lo - 1:
            found[-1] = (found[-1][0], hi)
        else:
            found.append((lo, hi))
        glue = _CURRENCY.fullmatch(word) is not None
    return found


def _word_lines(text: str, width: int, ellipsis: bool) -> list[tuple[int, int]]:
    """Where greedy word wrapping breaks ``text`` (one line, no newlines): (start, end) per line."""
    if cell_width(text) <= width:
        return [(0, len(text))]
    lines: list[tuple[int, int]] = []
    start: int | None = None
    end = 0
    for lo, hi in words(text):
        if start is not None and cell_width(text[start:hi]) <= width:
            end = hi
            continue
        if start is not None:
            lines.append((start, end))
        while (
            not ellipsis and cell_width(text[lo:hi]) > width
        ):  # fold a long word, after a hyphen if one fits
            step = max(len(_clip(text[lo:hi], width)), 1)
            hyphen = text.rfind("-", lo, lo + step)
            step = hyphen + 1 - lo if hyphen > lo else step
            lines.append((lo, lo + step))
            lo += step
        start, end = lo, hi
    if start is not None:
        lines.append((start, end))
    return lines or [(0, 0)]


def _fit(text: Text, width: int, justify: Justify) -> Text:
    """``text`` (at most ``width`` wide) padded to ``width``, justified."""
    room = width - cell_width(text.plain)
    if room <= 0:
        return text
    if justify == "right":
        return Text.assemble(" " * room, text)
    if justify == "center":
        return Text.assemble(" " * (room // 2), text, " " * (room - room // 2))
    return Text.assemble(text, " " * room)


@dataclass(slots=True)
class Column:
    """A table's column: header, justification, a style for every cell, widest, and wrapping.

    ``no_wrap`` keeps each line of a cell whole (cut only when nothing else gives); ``fold`` breaks
    a word too long for the column over lines (after a hyphen) instead of cutting it: identifiers.
    """

    header: Text
    justify: Justify = "left"
    style: str | None = None
    max_width: int | None = None
    no_wrap: bool = False
    fold: bool = False

    @property
    def figures(self) -> bool:
        """Right-justified columns hold figures: they wrap or are cut only when nothing else gives."""
        return self.justify == "right"


class Table:
    """A table as the command line prints it: a title, a bold heavy head, light rows.

    Columns are as wide as their widest cell. When the table is wider than the console, the widest
    column gives way first, down to its longest word (cells wrap at spaces; a currency stays with its
    amount, so an amount is one word); then the headers of figures (right-justified columns), text,
    and at last figures themselves are cut with an ellipsis (:meth:`_widths`). Identifiers
    (``fold``) are folded over lines after a hyphen, never cut.

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
        self.columns = [Column(Text(h)) for h in headers]
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
        fold: bool = False,
    ) -> None:
        """Add a column (rows added before get an empty cell in it); the options are :class:`Column`'s."""
        text = header if isinstance(header, Text) else Text(header)
        self.columns.append(Column(text, justify, style, max_width, no_wrap, fold))
        for row in self.rows:
            row.append(Text())

    def add_row(self, *cells: str | Text | None) -> None:
        """Add a row: one cell per column; missing cells are empty, extra cells get a new column."""
        while len(cells) > len(self.columns):
            self.add_column()
        row = [c if isinstance(c, Text) else Text("" if c is None else str(c)) for c in cells]
        self.rows.append([c.printable() for c in row] + [Text()] * (len(self.columns) - len(row)))

    def mapped(self, change: Callable[[str], str]) -> Table:
        """A copy with ``change`` applied to its title, headers and cells (before it is laid out)."""
        new = copy.copy(self)
        new.title = change(self.title) if self.title else self.title
        new.columns = [dataclasses.replace(c, header=c.header.mapped(change)) for c in self.columns]
        new.rows = [[cell.mapped(change) for cell in row] for row in self.rows]
        return new

    def _measure(self, j: int) -> tuple[int, int, int]:
        """Column ``j``'s natural width (its widest line), its longest word and its widest cell line."""
        col = self.columns[j]
        body = [line for row in self.rows for line in row[j].plain.split("\n")]
        lines = (col.header.plain.split("\n") if self.show_header else []) + body
        widest = max((cell_width(line) for line in lines), default=0)
        if col.no_wrap:
            longest = widest
        else:
            longest = max((cell_width(line[a:b]) for line in lines for a, b in words(line)), default=0)
        cells = max((cell_width(line) for line in body), default=0)
        if col.max_width is not None:
            widest, longest, cells = (min(x, col.max_width) for x in (widest, longest, cells))
        return max(widest, 1), max(longest, 1), max(cells, 1)

    def _widths(self, width: int) -> list[int]:
        """Each column's width in characters for a console ``width`` wide.

        Each pass narrows the widest column it may, one character at a time, until the table fits:
        every wrapping column down to its longest word (an identifier to 16 characters, folded);
        the headers of figures down to nine characters (one cell cut rather than many); text down
        to eight; figures down to their widest cell (only their headers are
        cut); any wrapping column; then any column, ``no_wrap`` ones (identifiers) last.
        """
        measured = [self._measure(j) for j in range(len(self.columns))]
        widths = [natural for natural, _, _ in measured]
        n = len(widths)
        wraps = [not c.no_wrap for c in self.columns]
        figures = [c.figures and not c.no_wrap for c in self.columns]
        text = [not c.figures and not c.no_wrap for c in self.columns]
        passes = (
            (
                wraps,
                [
                    min(longest, FOLDED) if c.fold else longest
                    for c, (_, longest, _) in zip(self.columns, measured)
                ],
            ),
            (figures, [max(cells, min(longest, 9)) for _, longest, cells in measured]),
            (text, [min(w, 8) for w in widths]),
            (figures, [cells for _, _, cells in measured]),
            (wraps, [1] * n),
            ([True] * n, [1] * n),
        )
        room = width - self._frame()
        for may, floor in passes:
            while sum(widths) > room:
                give = [j for j in range(n) if may[j] and widths[j] > floor[j]]
                if not give:
                    break
                widths[max(give, key=lambda j: widths[j])] -= 1
        return widths

    def _frame(self) -> int:
        """Characters of borders and padding around the cells of one line."""
        n = len(self.columns)
        if self.box:
            return 3 * n + 1  # "│ " before each cell, " " after, and the last "│"
        return 2 * n - (0 if self.pad_edge else 2)

    def lines(self, width: int, ascii_only: bool = False) -> list[Text]:
        """The table, line by line, for a console ``width`` characters wide.

        ``ascii_only`` draws the borders with ``+``, ``-`` and ``|`` (a stream that cannot encode
        box-drawing characters).
        """
        if not self.columns:
            return []
        widths = self._widths(width)
        box = _ASCII if ascii_only else _BOX
        out: list[Text] = []
        total = sum(widths) + self._frame()
        if self.title:
            title = Text(self.title, "italic").printable()
            if self.title_justify == "left":  # as wide as the console, like the text around it
                out.extend(title.wrap(width))
            else:
                out.extend(_fit(t, total, self.title_justify) for t in title.wrap(min(total, width)))
        heavy = self.box and self.show_header
        if self.box:
            out.append(_rule(widths, box["top" if heavy else "top_plain"]))
        if self.show_header:
            header = [col.header.printable().styled("bold") for col in self.columns]
            out.extend(self._row(header, widths, box["head" if heavy else "bar"], bottom=True))
            if self.box:
                out.append(_rule(widths, box["head_rule"]))
        for row in self.rows:
            cells = [cell.styled(col.style) for cell, col in zip(row, self.columns, strict=True)]
            out.extend(self._row(cells, widths, box["bar"]))
        if self.box:
            out.append(_rule(widths, box["bottom"]))
        return out

    def _row(
        self, cells: Sequence[Text], widths: Sequence[int], bar: str, bottom: bool = False
    ) -> list[Text]:
        """One row's lines; a header row (``bottom``) puts short cells on its last line."""
        wrapped = [
            cell.wrap(w, ellipsis=not col.fold)
            if not col.no_wrap
            else [t.clipped(w) for t in cell.wrap(10**9)]
            for cell, w, col in zip(cells, widths, self.columns, strict=True)
        ]
        height = max(len(w) for w in wrapped)
        if bottom:
            wrapped = [[Text()] * (height - len(w)) + w for w in wrapped]
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


#: Border characters: corners and crossings of each rule (left, line, crossing, right), and the bars.
_BOX = {
    "top": "┏━┳┓",
    "top_plain": "┌─┬┐",
    "head": "┃",
    "head_rule": "┡━╇┩",
    "bar": "│",
    "bottom": "└─┴┘",
}
_ASCII = {"top": "+-++", "top_plain": "+-++", "head": "|", "head_rule": "+=++", "bar": "|", "bottom": "+-++"}


def _rule(widths: Sequence[int], chars: str) -> Text:
    """A border line: ``chars`` is the left corner, the line, the crossing and the right corner."""
    left, line, cross, right = chars[0], chars[1], chars[2], chars[3]
    return Text(left + cross.join(line * (w + 2) for w in widths) + right)


class Console:
    """Standard output or standard error, written at the width of the terminal (120 when piped).

    Styles are written as ANSI codes on a terminal only, never into a file or a pipe, and not when
    ``NO_COLOR`` is set; ``FORCE_COLOR`` writes them anyway. The stream is looked up at each print
    (``sys.stdout`` as it is then), so output redirected by a caller or a test is followed. A stream
    that cannot encode box-drawing characters (a Windows code page) gets borders in ``+-|`` and
    ``?`` for any other character it cannot encode.
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
        """Characters per line: the terminal's (``COLUMNS`` if set), else 120."""
        if not self.isatty():
            return PIPED_WIDTH
        if os.environ.get("COLUMNS", "").isdigit():
            return max(int(os.environ["COLUMNS"]), 1)
        try:
            return os.get_terminal_size(self.file.fileno()).columns
        except (AttributeError, ValueError, OSError):
            return shutil.get_terminal_size((80, 24)).columns

    @property
    def color(self) -> bool:
        """Whether styles are written (as ANSI codes)."""
        if os.environ.get("NO_COLOR"):
            return False
        if os.environ.get("FORCE_COLOR"):
            return True
        return self.isatty() and os.environ.get("TERM") != "dumb"

    @property
    def encoding(self) -> str:
        """The stream's encoding (UTF-8 when it names none)."""
        return getattr(self.file, "encoding", None) or "utf-8"

    def print(self, *objects: str | Text | Table, soft_wrap: bool = False) -> None:
        """Print texts (joined by a space) or tables, each on lines of their own.

        Text is word-wrapped at the console's width unless ``soft_wrap`` (one long line, for the
        terminal to wrap: messages a user may copy, such as paths).
        """
        width, color, encoding = self.width, self.color, self.encoding
        unicode = _encodes(encoding, "┏━┃│…€\xa0")
        change = None if unicode else _fallback(encoding)
        lines: list[Text] = []
        texts: list[str | Text] = []
        for obj in [*objects, None]:
            if obj is None or isinstance(obj, Table):
                if texts:
                    joined = Text.assemble(*_spaced(texts)).printable()
                    joined = joined.mapped(change) if change else joined
                    lines.extend([joined] if soft_wrap else joined.wrap(width))
                    texts = []
                if obj is not None:
                    table = obj.mapped(change) if change else obj
                    lines.extend(table.lines(width, ascii_only=not _encodes(encoding, "┏━┃│")))
            else:
                texts.append(obj)
        written = "".join(line.render(color).rstrip() + "\n" for line in lines) if lines else "\n"
        if change is not None:  # the ellipsis the layout added, one character for one
            written = written.replace(ELLIPSIS, ELLIPSIS if _encodes(encoding, ELLIPSIS) else ".")
        try:
            self.file.write(written)
        except BrokenPipeError:
            reader_gone(self.file)


def reader_gone(stream: IO[str]) -> None:
    """The reader of ``stream`` closed the pipe (``mkba run ... | head``): write the rest to nothing.

    The command goes on and finishes its work (a workbook, a report): only what it would have
    printed is dropped, silently, as Python's documentation advises for a broken pipe (its descriptor
    is pointed at the null device, so that no later write or the flush at exit fails).
    """
    try:
        null = os.open(os.devnull, os.O_WRONLY)
        os.dup2(null, stream.fileno())
        os.close(null)
    except (AttributeError, OSError, ValueError):  # not a file descriptor (a test's buffer): nothing to do
        pass


def _fallback(encoding: str) -> Callable[[str], str]:
    """For a stream in ``encoding`` (a code page): EUR for the euro sign, ? for what else it lacks."""

    def change(text: str) -> str:
        for char, plain in (("\xa0", " "), ("€", "EUR")):
            if char in text and not _encodes(encoding, char):
                text = text.replace(char, plain)
        return text.encode(encoding, "replace").decode(encoding)

    return change


def _encodes(encoding: str, chars: str) -> bool:
    try:
        chars.encode(encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True


def _spaced(texts: Iterable[str | Text]) -> list[str | Text]:
    parts: list[str | Text] = []
    for text in texts:
        if parts:
            parts.append(" ")
        parts.append(text)
    return parts
