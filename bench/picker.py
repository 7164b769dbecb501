"""A relation picker typed into on a database of 200,000 accounts: each keystroke's lookup request, timed beside
the same SQL run directly on the same database.

The picker asks /r/contacts_account/lookup?q=<what is typed so far> at each keystroke (js/pickers.js, after a
250 ms pause); the table has one row per request, as the administrator (who sees every account) and as the
rep who owns the fewest (their scope is a small part of the table, which the database must find by index
too), and the second page of the shortest prefix (the keyset cursor). Issue 20 asks for under 50 ms each.

    python picker.py --database sqlite:////tmp/bench-picker.db --fresh
    python picker.py --database postgresql://postgres@127.0.0.1:5432/bench_picker --fresh

Without --fresh an existing bench database is used, and topped up to --accounts if it holds fewer.
"""
from __future__ import annotations

import argparse
import os
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

from sqlalchemy import func, select, text

from benchdb import ADMIN_EMAIL, REP_EMAIL, REPS, open_app, recreate, user
from fake import Fake
from generate import Owners, Writer, accounts, analyse, set_up
from run import Bench
from trato.testing import signed_in_client

ACCOUNTS = "contacts_account"
LOOKUP = f"/r/{ACCOUNTS}/lookup"
# What a user types, one keystroke at a time: a common word then a name, and a rarer name.
TYPED = ("transportes garcía", "zu")


def fill(app, wanted: int, seed: int) -> None:
    """The bench's people and plugins when missing, and accounts written raw up to `wanted`."""
    engine = app.extensions["trato"].engine
    with engine.connect() as conn:
        people = conn.scalar(text("SELECT count(*) FROM core_user WHERE email = :e"), {"e": ADMIN_EMAIL})
    if not people:
        set_up(app)
    with engine.connect() as conn:
        present = conn.scalar(select(func.count()).select_from(text(ACCOUNTS)))
    if present >= wanted:
        return
    start = time.perf_counter()
    writer = Writer(app, raw=True)
    writer.write(ACCOUNTS, accounts(Fake(seed), Owners(app), wanted - present))
    analyse(app)
    print(f"  {wanted - present:,} accounts written and analysed in {time.perf_counter() - start:.0f} s", flush=True)


def keystrokes(words: str) -> list[str]:
    """What the picker sends as `words` is typed: every prefix, less those ending in a space (no new word yet)."""
    return [words[:n] for n in range(1, len(words) + 1) if not words[:n].endswith(" ")]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", required=True, help="sqlite:////path/x.db or postgresql://.../bench*")
    parser.add_argument("--accounts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--fresh", action="store_true", help="drop and recreate the database first")
    parser.add_argument("--repeat", type=int, default=11, help="timed runs of each request (after one warm-up)")
    args = parser.parse_args()
    if args.fresh:
        recreate(args.database)
    with tempfile.TemporaryDirectory() as tmp:
        app = open_app(args.database, Path(tmp) / "instance")
        with app.app_context():
            fill(app, args.accounts, args.seed)
        bench = Bench(app, max(args.repeat, 1), quick=False)
        smallest = REP_EMAIL.format(REPS)  # owners are skewed: the last rep holds the fewest accounts
        bench.html["rep"] = signed_in_client(app, user(app, smallest))
        with bench.engine.connect() as conn:
            total = conn.scalar(select(func.count()).select_from(text(ACCOUNTS)))
            owned = conn.scalar(text(f"SELECT count(*) FROM {ACCOUNTS} a JOIN core_user u ON u.id = a.owner_id "
                                     "WHERE u.email = :e"), {"e": smallest})
        title = (f"{bench.engine.dialect.name}, {total:,} accounts ({smallest} owns {owned:,}), repeat "
                 f"{bench.times}; load average at start {os.getloadavg()[0]:.1f}")
        print(title, flush=True)
        for who in ("admin", "rep"):
            for words in TYPED:
                for typed in keystrokes(words):
                    bench.page(f"{who} q={typed!r}", f"{LOOKUP}?{urlencode({'q': typed})}", who)
            first = bench.html[who].get(f"{LOOKUP}?{urlencode({'q': TYPED[0][0]})}").get_json()
            if first["next"]:
                bench.page(f"{who} q={TYPED[0][0]!r} page 2", first["next"], who)
        bench.engine.dispose()
        print()
        print(bench.table(f"{title}, at the end {os.getloadavg()[0]:.1f}"))


if __name__ == "__main__":
    main()
