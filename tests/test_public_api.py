"""The plugin contract: plugins import only `trato`'s public names, and the plugin guide lists exactly those names."""
from __future__ import annotations

import ast
import re
from pathlib import Path
from string import Template

import trato

ROOT = Path(__file__).resolve().parent.parent
GUIDE = ROOT / "docs" / "plugin-guide.md"
PUBLIC = frozenset(trato.__all__)


def breaches(source: str, public: frozenset[str] = PUBLIC) -> list[str]:
    """What in `source` reaches past the public names: `trato.x` submodule imports, names `trato` does not export,
    and `extensions` (the app's internal state, `current_app.extensions["trato"]`)."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"line {node.lineno}: import {a.name}" for a in node.names if a.name.startswith("trato.")]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            if node.module.startswith("trato."):
                found.append(f"line {node.lineno}: from {node.module} import ...")
            elif node.module == "trato":
                found += [f"line {node.lineno}: from trato import {a.name}" for a in node.names
                          if a.name not in public]
        elif isinstance(node, ast.Attribute):
            if node.attr == "extensions":
                found.append(f"line {node.lineno}: .extensions")
            elif isinstance(node.value, ast.Name) and node.value.id == "trato" and node.attr not in public:
                found.append(f"line {node.lineno}: trato.{node.attr}")
    return sorted(found, key=lambda text: int(text.split(':')[0].split()[1]))


def plugin_sources() -> list[Path]:
    """Every module of the plugins in plugins/, migrations included (their tests may use the testing kit)."""
    return sorted(p for p in (ROOT / "plugins").glob("*/trato_*/**/*.py"))


def test_the_scan_finds_each_way_past_the_contract():
    source = """
import trato.models
from trato.records import RecordQuery
from trato import records, Secret
from flask import current_app
import trato
registry = current_app.extensions["trato"].entities
trato.models.User
trato.records.query
"""
    assert breaches(source) == ["line 2: import trato.models", "line 3: from trato.records import ...",
                                "line 4: from trato import Secret", "line 7: .extensions", "line 8: trato.models"]


def test_plugins_use_only_public_names():
    sources = plugin_sources()
    assert len(sources) > 30  # both plugins' modules were found
    found = {str(path.relative_to(ROOT)): b for path in sources if (b := breaches(path.read_text()))}
    assert found == {}


def test_the_scaffold_writes_plugins_that_use_only_public_names():
    """What `trato plugin new` writes is a plugin too: its package's modules keep the same rule."""
    sources = sorted((ROOT / "core/trato/scaffold/plugin/trato_NAME").rglob("*.py.tmpl"))
    assert len(sources) >= 4
    values = {"name": "inventory", "label": "Inventory", "label_es": "Inventario", "dist": "trato-inventory",
              "core_range": ">=0.1,<0.2", "core_head": "c001", "revision": "abc123", "date": "2026-12-07"}
    found = {str(path.relative_to(ROOT)): b for path in sources
             if (b := breaches(Template(path.read_text()).substitute(values)))}
    assert found == {}


def guide_names() -> set[str]:
    """The names in the first column of the plugin guide's table of public names (section 12)."""
    section = GUIDE.read_text().split("## 12. The public API", 1)[1].split("\n## ", 1)[0]
    names = set()
    for line in section.splitlines():
        if line.startswith("| `"):
            first_cell = line.split("|")[1]
            names |= {re.match(r"\w+", code).group(0) for code in re.findall(r"`([^`]+)`", first_cell)}
    return names


def test_the_guide_lists_exactly_what_trato_exports():
    assert guide_names() == set(trato.__all__)


def test_every_exported_name_exists():
    assert [name for name in trato.__all__ if not hasattr(trato, name)] == []
