"""The README's first screen gives exactly two commands, and CI runs the test command as written."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def _commands() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    first_screen = text.split("\n---", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", first_screen, flags=re.S)


def test_first_screen_has_two_commands():
    commands = _commands()
    assert len(commands) == 2
    assert "mkba run" in commands[0] and "pip install" in commands[0]
    assert "pytest" in commands[1] and "pip install" in commands[1]


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert _commands()[1] in [line.strip() for line in ci]


def test_main_command_names_an_existing_scenario():
    scenario = _commands()[0].split("mkba run", 1)[1].split()[0]
    assert (ROOT / scenario).is_file()
