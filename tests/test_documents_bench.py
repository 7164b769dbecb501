"""bench/documents.py still works: one deal, its PDF rendered and measured, every figure printed.

Only that each figure is there; never how fast or how big.
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
ITEMS = ("first PDF of the process", "one-page PDF, wall clock", "one-page PDF, CPU", "its HTML alone",
         "worker peak RSS before the first PDF", "worker peak RSS after", "Python's peak allocations")


def test_the_documents_bench_prints_every_figure(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'documents.db'}"
    done = subprocess.run([sys.executable, str(BENCH / "documents.py"), "--database", url, "--fresh",
                           "--repeat", "1"], cwd=BENCH, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    assert ", 1 page(s)" in done.stdout  # a one-page PDF, as pdfinfo counts it
    rows = [line for line in done.stdout.splitlines() if line.startswith("| ")]
    for item in ITEMS:
        assert any(row.startswith(f"| {item}") and any(ch.isdigit() for ch in row) for row in rows), item
