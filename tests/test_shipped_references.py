"""Every file the project ships points at files a user has: nothing outside the repository."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
#: Paths of the workspace the project grew in, which a clone does not have.
OUTSIDE = re.compile(
    r"/work/|(?<![\w.])shared/(?:reference|seeds|data)|\bMETHOD\.md\b|\bFORMATS\.md\b|\bLAYOUT\.md\b"
)
#: What a user reads to run and understand mkba. (The released price lists' notes still name the
#: project's transcription files; a released version's text is not edited: a next version will cite
#: shipped copies.)
SHIPPED = ["README.md", "docs", "scenarios", "mkba"]
#: Generated from the newest price list, word for word (tests/test_pricelist_data.py).
GENERATED = {"docs/pricelist.md"}


def _files() -> list[Path]:
    found: list[Path] = []
    for name in SHIPPED:
        path = ROOT / name
        if path.is_file():
            found.append(path)
        else:
            found += [p for p in path.rglob("*") if p.suffix in {".md", ".yaml", ".py", ".j2", ".csv"}]
    return [p for p in found if str(p.relative_to(ROOT)) not in GENERATED]


def test_the_search_finds_the_files_it_reads():
    files = _files()
    assert ROOT / "scenarios" / "tutorial.yaml" in files and ROOT / "docs" / "method.md" in files
    assert len(files) > 100


@pytest.mark.parametrize("path", _files(), ids=lambda p: str(p.relative_to(ROOT)))
def test_a_shipped_file_points_at_nothing_outside_the_repository(path):
    # the tutorial sent users to /work/shared/METHOD.md, and the Frontlijnteam sources to
    # shared/reference/README.md: a clone has docs/method.md and docs/scenario-sources.md instead
    text = path.read_text(encoding="utf-8", errors="replace")
    hits = [
        f"{n}: {line.strip()[:100]}" for n, line in enumerate(text.splitlines(), 1) if OUTSIDE.search(line)
    ]
    assert hits == [], hits
