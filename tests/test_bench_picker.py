"""bench/picker.py still works: a small accounts database, one timed pass of every keystroke, as both people.

Only that each keystroke's request is measured (its SQL replayed too); never how fast.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
# What README says picker.py types: every prefix, less those that end in a space.
TYPED = [w[:n] for w in ("transportes garcía", "zu") for n in range(1, len(w) + 1) if not w[:n].endswith(" ")]


def test_picker_times_every_keystroke_for_both_people(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'picker.db'}"
    done = subprocess.run([sys.executable, str(BENCH / "picker.py"), "--database", url, "--fresh",
                           "--accounts", "300", "--repeat", "1"], cwd=BENCH, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout.split("| item |", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    expected = [f"{who} q={typed!r}" for who in ("admin", "rep") for typed in TYPED]
    for item in expected:
        assert any(row.startswith(f"| {item} |") and row.count("|") == 7 for row in rows), item
    assert "300 accounts" in done.stdout
