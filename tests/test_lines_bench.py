"""bench/lines.py still runs: only that each figure is printed, never how fast."""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path


def test_the_lines_bench_still_runs_and_prints_every_figure(tmp_path):
    """An order of 20 lines, one run."""
    bench = Path(__file__).resolve().parent.parent / "bench"
    done = subprocess.run([sys.executable, str(bench / "lines.py"), "--database", f"sqlite:///{tmp_path / 'b.db'}",
                           "--lines", "20", "--repeat", "1"], cwd=bench, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    for step in ("records.create with 20 lines", "records.update", "GET the edit form"):
        assert step in done.stdout
