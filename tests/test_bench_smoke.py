"""bench/generate.py and bench/run.py still work: a 200-contact database, one quick pass of the workload.

Only that every item of the table is measured; never how fast (no test asserts on time).
"""
from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "bench"
ITEMS = ("API list, 50 rows", "API filter indexed field", "API filter custom field", "API prefix search",
         "API sorted by last_name", "API filtered + sorted", "API deep page", "API rep's own: filtered + sorted",
         "HTML list, 50 rows", "HTML filtered + sorted", "HTML deep page", "HTML rep's own: deep page",
         "account detail", "global search", "sales board, pipeline of", "sales board as the rep",
         "API create a contact", "API update a contact", "CSV import, 50 contacts", "CSV export",
         "add a custom text field", "cold start", "throughput of the filtered sorted API list, 8 clients",
         "throughput of the filtered sorted API list, 32 clients", "RSS of one worker",
         "API first_name__startswith=ab, by name [no index]", "HTML rep's own: city=",
         "API cf_interests__contains=events", "HTML cf_customer_since in one month (date range), by name [filter",
         "make the btree filter index on city", "write 50 contacts (record service, batches of 500) [no filter",
         "write 50 contacts (record service, batches of 500) [")


def bench(script: str, *args: str) -> str:
    done = subprocess.run([sys.executable, str(BENCH / script), *args], cwd=BENCH, capture_output=True, text=True,
                          timeout=300)
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


def test_generate_then_run_prints_every_item(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'bench.db'}"
    made = bench("generate.py", "--size", "200", "--seed", "1", "--database", url, "--fresh")
    assert " contacts_contact " in made and " 200 rows " in made
    table = bench("run.py", "--database", url, "--repeat", "1", "--quick").split("| item |", 1)[1]
    rows = [line for line in table.splitlines() if line.startswith("| ")]
    for item in ITEMS:
        assert any(row.startswith(f"| {item}") for row in rows), item
    assert not any("failed" in row for row in rows)
