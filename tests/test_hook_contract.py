"""The hook contract: every hook the core calls is documented and has a test of its own.

Documented means a docstring in core/trato/hooks/specs.py and a docs/hooks.md
that matches what `trato docs hooks` renders from them. Tested means a test
function named `test_hook_<name>` somewhere under tests/ (tests/test_hooks.py
holds the core's).
"""
from __future__ import annotations

import inspect
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from trato.cli import cli, misc
from trato.hooks.reference import render_reference, spec_functions

ROOT = Path(__file__).resolve().parents[1]
HOOKS = [name for name, _ in spec_functions()]


def test_the_core_has_hooks():
    assert {"blueprints", "navigation", "cli_commands", "plugin_disabled"} <= set(HOOKS)


@pytest.mark.parametrize("name, fn", spec_functions(), ids=HOOKS)
def test_every_hook_has_a_docstring(name, fn):
    doc = inspect.getdoc(fn) or ""
    assert len(doc.split()) >= 8, f"hook {name} needs a docstring that says when it is called and what it returns"


def test_docs_hooks_md_is_up_to_date():
    assert (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8") == render_reference(), \
        "docs/hooks.md is out of date: run `trato docs hooks`"


def test_trato_docs_hooks_writes_the_reference(tmp_path):
    misc.register(cli)
    output = tmp_path / "hooks.md"
    result = CliRunner().invoke(cli, ["docs", "hooks", "--output", str(output)])
    assert result.exit_code == 0, result.output
    assert output.read_text(encoding="utf-8") == render_reference()


def test_the_reference_shows_each_hook_with_its_signature_and_example():
    page = render_reference()
    assert "## navigation\n\n```python\ndef navigation(user: Any) -> list[NavItem]\n```" in page
    assert "Example:\n\n```python\n@hookimpl\ndef navigation(user):\n" in page
    assert "::" not in page


@pytest.mark.parametrize("name", HOOKS)
def test_every_hook_has_a_test_of_its_own(name):
    pattern = re.compile(rf"^\s*def test_hook_{name}\(", re.MULTILINE)
    sources = [p for p in (ROOT / "tests").rglob("test_*.py") if p.resolve() != Path(__file__).resolve()]
    assert any(pattern.search(p.read_text(encoding="utf-8")) for p in sources), \
        f"hook {name} has no test: write `def test_hook_{name}(...)` under tests/"
