"""The command line's tables and consoles (mkba.cli.terminal): layout, wrapping, styles, streams."""

from __future__ import annotations

import io

import pytest
from hypothesis import given
from hypothesis import strategies as st

from mkba.cli.terminal import Console, Table, Text

words = st.text(alphabet="abcdefghij€.,-()", min_size=1, max_size=14)
sentences = st.lists(words, min_size=1, max_size=12).map(" ".join)


def plain_lines(table: Table, width: int) -> list[str]:
    return [line.plain for line in table.lines(width)]


def test_a_table_looks_as_the_terminal_shows_it():
    table = Table(title="Wie betaalt")
    table.add_column("Partij")
    table.add_column("Saldo", justify="right")
    table.add_row("Gemeente", "€ -262.044")
    table.add_row("Zorgverzekeraar", "€ 8.359")
    assert plain_lines(table, 120) == [
        "Wie betaalt",
        "┏━━━━━━━━━━━━━━━━━┳━━━━━━━━━━━━┓",
        "┃ Partij          ┃      Saldo ┃",
        "┡━━━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ Gemeente        │ € -262.044 │",
        "│ Zorgverzekeraar │    € 8.359 │",
        "└─────────────────┴────────────┘",
    ]


@given(cells=st.lists(st.tuples(sentences, sentences), min_size=1, max_size=6), width=st.integers(20, 140))
def test_no_line_is_wider_than_the_console_when_the_words_fit(cells, width):
    table = Table("Post", "Toelichting")
    for row in cells:
        table.add_row(*row)
    lines = plain_lines(table, width)
    assert len({len(line) for line in lines[1:]}) == 1  # a rectangle
    assert all(len(line) <= width for line in lines)


@given(text=sentences, width=st.integers(4, 60))
def test_wrapping_keeps_every_word_that_fits(text, width):
    lines = [line.plain for line in Text(text).wrap(width)]
    assert all(len(line) <= width for line in lines)
    if all(len(w) <= width for w in text.split(" ")):
        assert " ".join(lines).split() == text.split()  # nothing lost, nothing cut


def test_figures_are_never_wrapped_text_gives_way_first():
    table = Table()
    table.add_column("Post")
    table.add_column("Gemeente", justify="right")
    table.add_row("Coaching door maatschappelijk werk in de wijk", "€ -318.950")
    lines = plain_lines(table, 40)
    assert any("€ -318.950" in line for line in lines)  # the amount on one line
    assert max(len(line) for line in lines) <= 40


def test_a_word_too_long_for_its_column_is_cut_with_an_ellipsis():
    table = Table()
    for name in ("A", "B", "C"):
        table.add_column(name)
    table.add_row("huisartsconsulten", "zorgverzekeraars", "gemeentebegroting")
    lines = plain_lines(table, 30)
    assert any("…" in line for line in lines)
    assert all(len(line) <= 30 for line in lines)


def test_no_wrap_and_max_width_columns():
    table = Table()
    table.add_column("", max_width=6)
    table.add_column("2025", justify="right", no_wrap=True)
    table.add_row("Uitkomstbetalingen", "1.234.567,00")
    lines = plain_lines(table, 120)
    assert "│ 1.234.567,00 │" in lines[3]
    assert lines[3].startswith("│ Uitko… │") or lines[3].startswith("│ Uitkom")


def test_a_table_without_box_or_header_is_two_aligned_columns():
    table = Table(show_header=False, box=None, pad_edge=False)
    table.add_column(style="bold")
    table.add_column(justify="right")
    table.add_row("Saldo", "€ -460.158")
    table.add_row("Baten per geïnvesteerde euro", "0,17")
    assert plain_lines(table, 120) == [
        "Saldo" + " " * 25 + "€ -460.158",  # two spaces between the columns, figures to the right
        "Baten per geïnvesteerde euro" + " " * 8 + "0,17",
    ]


def test_what_a_user_wrote_is_printed_as_written(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    Console().print(Text.assemble(("Opstart [b]fase[/b]", "bold"), " :smile: [red]x[/red]"))
    assert buffer.getvalue() == "Opstart [b]fase[/b] :smile: [red]x[/red]\n"


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("tty", "env", "coloured"),
    [
        (False, {}, False),  # piped: plain text
        (True, {}, True),
        (True, {"NO_COLOR": "1"}, False),
        (False, {"FORCE_COLOR": "1"}, True),
        (True, {"TERM": "dumb"}, False),
    ],
)
def test_styles_only_on_a_terminal(monkeypatch, tty, env, coloured):
    for name in ("NO_COLOR", "FORCE_COLOR", "TERM"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    stream = _Tty() if tty else io.StringIO()
    monkeypatch.setattr("sys.stderr", stream)
    Console(stderr=True).print(Text.assemble(("error:", "bold red"), " bad input"))
    written = stream.getvalue()
    assert ("\x1b[1;31merror:\x1b[0m" in written) is coloured
    assert written.replace("\x1b[1;31m", "").replace("\x1b[0m", "") == "error: bad input\n"


def test_piped_output_is_120_wide_and_long_text_wraps_unless_soft(monkeypatch):
    buffer = io.StringIO()
    monkeypatch.setattr("sys.stdout", buffer)
    console = Console()
    assert console.width == 120
    long = " ".join(["woord"] * 50)  # 299 characters: 20 words (119) a line
    console.print(long)
    assert [len(line) for line in buffer.getvalue().splitlines()] == [119, 119, 59]
    buffer.truncate(0)
    buffer.seek(0)
    console.print(long, soft_wrap=True)
    assert buffer.getvalue() == long + "\n"
