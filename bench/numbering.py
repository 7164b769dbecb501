"""Numbers per second from one numbering series under concurrent writers, beside the same SQL run directly.

Each writer is a thread with its own app context, session and connection, taking numbers one transaction
at a time for --seconds: through `trato.numbering.next_number` inside `records.atomic()`, then as the bare
statements it comes down to (lock the series row: `SELECT ... FOR UPDATE` on PostgreSQL, the write lock of
`BEGIN IMMEDIATE` on SQLite; read the period's counter; `UPDATE` it; commit). One series means every
writer waits for the one before, so the figure is the rate of that queue. At the end the numbers handed
out are checked: 1..N, no gap, no duplicate.

    python numbering.py --database sqlite:////tmp/bench-numbering.db --fresh
    python numbering.py --database postgresql://postgres@127.0.0.1:5432/bench_numbering --fresh
"""
from __future__ import annotations

import argparse
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from benchdb import open_app, recreate
from trato import numbering, records

CODE = "bench.numbers"
DIRECT_CODE = "bench.direct"


def run_writers(writers: int, seconds: float, take: Callable[[], int]) -> list[int]:
    """`take()` in a loop on each of `writers` threads for `seconds`; every number taken."""
    taken: list[list[int]] = [[] for _ in range(writers)]
    start = threading.Barrier(writers + 1)
    stop = threading.Event()

    def writer(n: int) -> None:
        start.wait()
        while not stop.is_set():
            taken[n].append(take())

    threads = [threading.Thread(target=writer, args=(n,)) for n in range(writers)]
    for thread in threads:
        thread.start()
    start.wait()
    time.sleep(seconds)
    stop.set()
    for thread in threads:
        thread.join()
    return [number for numbers in taken for number in numbers]


def through_trato(app) -> Callable[[], int]:
    def take() -> int:
        with app.app_context(), records.atomic():
            return numbering.next_number(CODE).sequence
    return take


def direct(app, series_id: int) -> Callable[[], int]:
    engine = app.extensions["trato"].engine
    lock = " FOR UPDATE" if engine.dialect.name == "postgresql" else ""

    def take() -> int:
        with engine.begin() as conn:
            conn.execute(text(f"SELECT id FROM core_series WHERE id = :s{lock}"), {"s": series_id})
            number = conn.scalar(text("SELECT next_number FROM core_series_counter WHERE series_id = :s "
                                      "AND period = 0"), {"s": series_id})
            conn.execute(text("UPDATE core_series_counter SET next_number = :n, last_issued = :l "
                              "WHERE series_id = :s AND period = 0"), {"n": number + 1, "l": number, "s": series_id})
            return int(number)
    return take


def fresh_series(app, code: str) -> int:
    """A series `code` at 1 (its counters cleared if it was there), and its id."""
    with app.app_context():
        found = [s for s in numbering.all_series() if s.code == code]
        series = found[0] if found else numbering.create_series(code, "B{seq:08}")
    with app.extensions["trato"].engine.begin() as conn:
        conn.execute(text("DELETE FROM core_series_counter WHERE series_id = :s"), {"s": series.id})
        conn.execute(text("INSERT INTO core_series_counter (series_id, period, next_number, last_issued) "
                          "VALUES (:s, 0, 1, 0)"), {"s": series.id})
    return series.id


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--writers", type=int, nargs="+", default=[1, 8])
    parser.add_argument("--seconds", type=float, default=5.0)
    args = parser.parse_args()
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(args.database, Path(tmp) / "instance")
        engine = app.extensions["trato"].engine
        print(f"{engine.dialect.name}, one series, {args.seconds:g} s per row")
        print(f"{'writers':>7}  {'how':<40} {'numbers/s':>10}  {'checked':<}")
        for writers in args.writers:
            for how, code, make in (("trato.numbering.next_number", CODE, lambda sid: through_trato(app)),
                                    ("SELECT ... FOR UPDATE / UPDATE, direct", DIRECT_CODE,
                                     lambda sid: direct(app, sid))):
                series_id = fresh_series(app, code)
                taken = run_writers(writers, args.seconds, make(series_id))
                ok = sorted(taken) == list(range(1, len(taken) + 1))
                print(f"{writers:>7}  {how:<40} {len(taken) / args.seconds:>10,.0f}  "
                      f"{'1..N, no gap or duplicate' if ok else 'GAP OR DUPLICATE'}", flush=True)
        engine.dispose()


if __name__ == "__main__":
    main()
