"""bench/calendars.py still works: a row of figures for each call. Only that each figure is there; never how fast."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
ITEMS = ("working_time_between, with pauses (cold)", "working_time_between, with pauses (warm)",
         "add_working_time hours=16", "add_working_time days=3", "is_working_day")


def test_the_calendars_bench_prints_every_figure() -> None:
    done = subprocess.run([sys.executable, str(BENCH / "calendars.py"), "--count", "50"], cwd=BENCH,
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    for item in ITEMS:
        assert any(row.startswith(f"| {item}") and row.split("|")[2].strip() == "50" for row in rows), item
