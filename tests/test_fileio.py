"""Atomic writing (mkba.io.files): the one writer behind every output file."""

import os
import stat
import tempfile
from pathlib import Path

import pytest

from mkba.errors import MkbaError
from mkba.io import files as fileio
from mkba.io.files import write_atomic, write_text_atomic


def mode_of(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_write_text_atomic_writes_utf8_and_returns_the_path(tmp_path):
    path = write_text_atomic(tmp_path / "out.txt", "prijs € 12,50\n")
    assert path == tmp_path / "out.txt"
    assert path.read_bytes() == "prijs € 12,50\n".encode()
    assert [p.name for p in tmp_path.iterdir()] == ["out.txt"]


def test_writing_to_a_folder_is_an_error_naming_it(tmp_path):
    folder = tmp_path / "results"
    folder.mkdir()
    (folder / "keep.txt").write_text("x")
    with pytest.raises(MkbaError, match="is a folder; expected a file name") as info:
        write_text_atomic(folder, "text")
    assert info.value.file == str(folder)
    assert folder.is_dir() and [p.name for p in folder.iterdir()] == ["keep.txt"]
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_writing_into_a_missing_folder_is_an_error_naming_the_file(tmp_path):
    path = tmp_path / "missing" / "out.txt"
    with pytest.raises(MkbaError, match="does not exist") as info:
        write_text_atomic(path, "text")
    assert info.value.file == str(path)
    assert list(tmp_path.iterdir()) == []


def test_writing_below_a_file_is_an_error(tmp_path):
    (tmp_path / "plain").write_text("x")
    with pytest.raises(MkbaError, match="is not a folder"):
        write_text_atomic(tmp_path / "plain" / "out.txt", "text")


def test_an_oserror_of_the_writer_is_an_mkba_error_and_keeps_the_old_file(tmp_path):
    path = write_text_atomic(tmp_path / "out.csv", "old\n")

    def half_written(tmp: Path) -> None:
        tmp.write_text("ne")
        raise OSError(28, "No space left on device")

    with pytest.raises(MkbaError, match="cannot write the file: No space left on device") as info:
        write_atomic(path, half_written)
    assert info.value.file == str(path)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


@pytest.mark.parametrize("error", [ValueError("bad value"), MkbaError("bad input"), KeyboardInterrupt()])
def test_any_other_failure_passes_through_and_leaves_no_temporary_file(tmp_path, error):
    path = write_text_atomic(tmp_path / "out.csv", "old\n")

    def failing(tmp: Path) -> None:
        tmp.write_text("new, half")
        raise error

    with pytest.raises(type(error)):
        write_atomic(path, failing)
    assert path.read_text() == "old\n"
    assert [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_temporary_file_that_cannot_be_made_is_an_mkba_error(tmp_path, monkeypatch):
    def refused(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(tempfile, "mkstemp", refused)
    with pytest.raises(MkbaError, match="cannot write the file: Permission denied"):
        write_text_atomic(tmp_path / "out.txt", "text")
    assert list(tmp_path.iterdir()) == []


def test_the_writer_gets_a_temporary_file_with_the_suffix_beside_the_target(tmp_path):
    seen = []
    write_atomic(tmp_path / "book.xlsx", lambda tmp: (seen.append(tmp), tmp.write_bytes(b"x")))
    assert seen[0].parent == tmp_path and seen[0].suffix == ".xlsx" and seen[0] != tmp_path / "book.xlsx"


def test_an_existing_file_keeps_its_mode(tmp_path):
    path = tmp_path / "out.txt"
    path.write_text("old")
    os.chmod(path, 0o640)
    write_text_atomic(path, "new")
    assert path.read_text() == "new" and mode_of(path) == 0o640


@pytest.mark.skipif(not Path("/proc/self/status").exists(), reason="the umask is read from /proc")
def test_a_new_file_gets_the_mode_of_a_plainly_written_one(tmp_path):
    old = os.umask(0o027)
    try:
        (tmp_path / "plain.txt").write_text("x")
        path = write_text_atomic(tmp_path / "out.txt", "x")
    finally:
        os.umask(old)
    assert mode_of(path) == mode_of(tmp_path / "plain.txt") == 0o640


def test_umask_falls_back_when_it_cannot_be_read(monkeypatch):
    def no_proc(*args, **kwargs):
        raise FileNotFoundError(2, "No such file or directory")

    monkeypatch.setattr("builtins.open", no_proc)
    assert fileio._umask() == 0o022


def test_an_input_folder_of_price_lists_keeps_its_lists_but_takes_new_files(tmp_path):
    lists = tmp_path / "lists"
    (lists / "mylist").mkdir(parents=True)
    existing = lists / "mylist" / "1.json"
    existing.write_text('{"format": "mkba-pricelist/1"}')
    (lists / "mylist" / "earlier-result.json").write_text("{}")  # written there before: not a list
    with pytest.raises(MkbaError, match="existing file of a price-list folder") as info:
        fileio.check_output(existing, inputs=[lists], option="--json")
    assert info.value.file == str(existing) and info.value.field == "--json"
    assert fileio.check_output(lists / "mylist" / "2.json", inputs=[lists]) == lists / "mylist" / "2.json"
    result = lists / "mylist" / "earlier-result.json"
    assert fileio.check_output(result, inputs=[lists]) == result
    (lists / "beside.json").write_text("{}")  # not a list: the registry reads <folder>/<name>/<file> only
    assert fileio.check_output(lists / "beside.json", inputs=[lists]) == lists / "beside.json"


def test_an_output_suffix_must_be_the_format_written(tmp_path):
    assert fileio.check_suffix(tmp_path / "r.JSON", (".json",), "--json", "JSON") == tmp_path / "r.JSON"
    with pytest.raises(
        MkbaError, match=r"ending in \.html or \.htm \(HTML is written\), not '\.pdf'"
    ) as info:
        fileio.check_suffix(tmp_path / "r.pdf", (".html", ".htm"), "-o", "HTML")
    assert info.value.field == "-o"
    with pytest.raises(MkbaError, match="not 'no suffix'"):
        fileio.check_suffix(tmp_path / "r", (".pdf",), "--pdf", "PDF")
