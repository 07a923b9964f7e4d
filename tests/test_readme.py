"""The README's configuration table and the settings never drift apart."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_environment_variable_the_settings_read_is_documented():
    settings = (ROOT / "config" / "settings.py").read_text()
    names = set(re.findall(r'env\.\w+\(\s*"([A-Z_][A-Z0-9_]*)"', settings))
    names |= set(re.findall(r'workflow_mode\("([A-Z_]+)"', settings))
    readme = (ROOT / "README.md").read_text()
    missing = sorted(n for n in names if f"`{n}`" not in readme)
    assert len(names) > 50
    assert not missing, f"settings not in the README's table: {missing}"


def test_the_readme_shows_the_two_commands():
    readme = (ROOT / "README.md").read_text()
    assert "make run" in readme and "make test" in readme
