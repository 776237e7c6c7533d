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


def test_a_stream_that_cannot_encode_box_characters_gets_ascii_borders(monkeypatch):
    """A Windows code page (cp1252) has the euro sign but no box-drawing characters: no crash."""
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="cp1252")
    monkeypatch.setattr("sys.stdout", stream)
    table = Table("Partij", "Saldo", title="Wie betaalt")
    table.add_row("Súdwest-Fryslân", "€ -262.044")
    table.add_row("Zorgverzekeraars Nederland en anderen", "€ 8.359")
    Console().print(table, Text("Opmerking ✓"))
    stream.flush()
    written = raw.getvalue().decode("cp1252")
    assert "+-" in written and "| Súdwest-Fryslân" in written and "€ -262.044 |" in written
    assert "Opmerking ?" in written  # what the code page lacks becomes "?"


def test_wrapped_cells_keep_their_indentation():
    """Parties under a total are indented; a wrapped line stays under its party."""
    assert [line.plain for line in Text("  Lokaal fonds (cofinancier)").wrap(14, ellipsis=True)] == [
        "  Lokaal fonds",
        "  (cofinancie…",
    ]
    assert [line.plain for line in Text("  Fiscaal (publieke partijen)").wrap(12)] == [
        "  Fiscaal",
        "  (publieke",
        "  partijen)",
    ]


def test_a_currency_stays_with_its_amount_in_text_and_in_tables():
    lines = [line.plain for line in Text("de investering van € 680.000,00 terug").wrap(22)]
    assert "€ 680.000,00" in " | ".join(lines) and not any(line.endswith("€") for line in lines)
    table = Table("Post", "Gemeente", "Totaal")
    table.columns[1].justify = table.columns[2].justify = "right"
    table.add_row("Coaching door maatschappelijk werk", "€ -318.950", "GBP 1.000.000,00")
    lines = plain_lines(table, 48)
    assert any("€ -318.950" in line for line in lines) and any("GBP 1.000.000,00" in line for line in lines)


def test_text_is_cut_before_figures_and_headers_of_figures_before_text():
    table = Table()
    table.add_column("Post")
    table.add_column("Zorgverzekeraar", justify="right")
    table.add_row("Opstartkosten", "€ 8.359")
    assert plain_lines(table, 30)[1:4] == [
        "┃ Post          ┃ Zorgverze… ┃",  # the header of the figures gave way
        "┡━━━━━━━━━━━━━━━╇━━━━━━━━━━━━┩",
        "│ Opstartkosten │    € 8.359 │",
    ]


def test_wide_combining_and_control_characters_keep_the_borders_straight():
    table = Table("Partij", "Saldo")
    for name in (
        "Súdwest-Fryslân",
        "Su\u0301dwest-Frysla\u0302n",
        "📋 Klembord",
        "tab\there",
        "bel\x07\x1b[31m",
    ):
        table.add_row(name, "€ 1")
    lines = plain_lines(table, 120)
    from mkba.cli.terminal import cell_width

    assert len({cell_width(line) for line in lines}) == 1
    assert not any("\t" in line or "\x1b" in line or "\x07" in line for line in lines)


def test_headers_sit_on_the_last_line_of_the_head_and_cut_words_keep_their_style():
    table = Table()
    table.add_column("Post")
    table.add_column("Lokaal fonds (cofinancier)", justify="right")
    table.add_row("Start", "€ 1")
    head = plain_lines(table, 24)[1:3]
    assert "Post" not in head[0] and "Post" in head[1]
    cut = Text("Maatschappij", "bold").clipped(6)
    assert cut.spans == [("Maatsc"[:5], "bold"), ("…", "bold")]


def test_tables_accept_cells_and_columns_in_any_order():
    table = Table("a")
    table.add_row("1", "2")  # an extra cell gets a column
    table.add_column("c")  # rows added before get an empty cell
    table.add_row("x", "y", "z")
    assert [len(r) for r in table.rows] == [3, 3]
    assert len({len(line) for line in plain_lines(table, 40)}) == 1
    assert [line.plain for line in Text("abc def").wrap(0, ellipsis=True)] == ["…", "…"]
    assert [line.plain for line in Text("abc").wrap(0)] == ["a", "b", "c"]  # folded, nothing lost


def test_a_no_wrap_column_is_cut_only_when_nothing_else_gives_and_keeps_its_lines():
    table = Table()
    table.add_column("Post")
    table.add_column("2025", justify="right", no_wrap=True)
    table.add_row("Uitkomstbetalingen aan investeerders", "1.234.567,00\n2,00")
    lines = plain_lines(table, 30)
    assert "1.234.567,00" in lines[3] and "2,00" in lines[4]
    narrow = plain_lines(table, 12)
    assert all(len(line) <= 12 for line in narrow)


def test_identifiers_fold_after_a_hyphen_and_are_never_cut():
    table = Table()
    table.add_column("Id", fold=True)
    table.add_column("Omschrijving")
    ident = "gehandicaptenzorg-zg-auditief-verblijf-excl-dagbesteding-dag"
    table.add_row(ident, "Verblijf (per dag), auditief en communicatief gehandicapten")
    lines = plain_lines(table, 60)
    column = [line.split("│")[1].strip() for line in lines[3:-1]]
    assert "".join(column) == ident and all(part.endswith("-") for part in column[:-1])
    assert "…" not in "".join(column)


def test_an_ascii_stream_gets_eur_and_straight_borders(monkeypatch):
    raw = io.BytesIO()
    stream = io.TextIOWrapper(raw, encoding="ascii")
    monkeypatch.setattr("sys.stdout", stream)
    table = Table("Partij", "Saldo")
    table.columns[1].justify = "right"
    table.add_row("Súdwest-Fryslân", "€\xa0-262.044")
    table.add_row("Gemeente", "€\xa01")
    Console().print(table)
    stream.flush()
    lines = raw.getvalue().decode("ascii").splitlines()
    assert "| S?dwest-Frysl?n | EUR -262.044 |" in lines
    assert len({len(line) for line in lines}) == 1  # the borders stay straight


@given(
    cells=st.lists(
        st.tuples(st.text(min_size=0, max_size=30), st.text(alphabet="0123456789.,€ -", max_size=14)),
        min_size=0,
        max_size=5,
    ),
    width=st.integers(1, 200),
    options=st.tuples(st.booleans(), st.booleans(), st.booleans()),
)
def test_any_text_at_any_width_gives_a_rectangle(cells, width, options):
    """Whatever the cells hold (wide, combining, control characters, newlines) the borders line up."""
    from mkba.cli.terminal import cell_width

    no_wrap, fold, box = options
    table = Table(box=box)
    table.add_column("Post", fold=fold)
    table.add_column("Bedrag", justify="right", no_wrap=no_wrap)
    for row in cells:
        table.add_row(*row)
    lines = plain_lines(table, width)
    body = lines[1:] if table.title else lines
    assert len({cell_width(line) for line in body if box}) <= 1


def test_only_currencies_stick_to_the_amount_after_them():
    from mkba.cli.terminal import words

    text = "NYC Department of Correction pays USD 9.600.000"
    assert [text[a:b] for a, b in words(text)] == [
        "NYC",
        "Department",
        "of",
        "Correction",
        "pays",
        "USD 9.600.000",
    ]
