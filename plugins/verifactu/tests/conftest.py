"""Offer verifactu and the plugins it needs to the testing kit whether or not they are pip-installed, and the
tests' shared helpers (tests/verifactu_support.py) to the test modules under any import mode."""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PLUGINS_DIR = ROOT.parent
for path in (ROOT, ROOT / "tests", PLUGINS_DIR / "invoicing", PLUGINS_DIR / "invoicing" / "tests",
             PLUGINS_DIR / "contacts", PLUGINS_DIR / "catalog"):
    if str(path) not in sys.path:
        sys.path.insert(0, str(path))
