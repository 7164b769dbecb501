"""Working-time arithmetic as an SLA list does it: thousands of tickets, each a due time and a time spent.

No database: the calendar is a `Schedule` built once (Madrid office hours 09:00-14:00 and 15:00-18:00,
summer hours in July and August, Spain's national holidays 2026-2030), as a list page would build it.
Each row times one kind of call over --count random tickets opened between 2026 and 2030, first with
the day cache cold (a fresh Schedule), then warm; the spans measured reach up to --span days.

    python calendars.py --count 10000 --span 30
"""
from __future__ import annotations

import argparse
import random
import time
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from trato import calendars
from trato.calendars import Schedule
from trato.calendars.holidays import spain, spain_years
from trato.calendars.schedule import Season

MADRID = ZoneInfo("Europe/Madrid")
OFFICE = ((540, 840), (900, 1080))
SUMMER = Season("Jornada intensiva", (7, 1), (8, 31), (((480, 900),),) * 5 + ((), ()))


def office() -> Schedule:
    holidays = frozenset(h.day for year in spain_years() for h in spain(year))
    return Schedule(MADRID, (OFFICE,) * 5 + ((), ()), (SUMMER,), holidays)


def tickets(count: int, span: int, seed: int) -> list[tuple[datetime, datetime, list[tuple[datetime, datetime]]]]:
    """(opened, closed, pauses) for `count` tickets; a third of them waited once for the customer."""
    rng = random.Random(seed)
    first = datetime(2026, 1, 1, tzinfo=MADRID)
    rows = []
    for _n in range(count):
        opened = first + timedelta(minutes=rng.randrange(5 * 365 * 24 * 60))
        closed = opened + timedelta(minutes=rng.randrange(1, span * 24 * 60))
        pauses = []
        if rng.random() < 1 / 3:
            start = opened + (closed - opened) * rng.random()
            pauses.append((start, start + (closed - start) * rng.random()))
        rows.append((opened, closed, pauses))
    return rows


def timed(label: str, calls: int, fn) -> None:
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"| {label} | {calls:,} | {seconds * 1000:,.0f} | {seconds / calls * 1e6:,.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10000)
    parser.add_argument("--span", type=int, default=30, help="longest ticket, in calendar days")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    rows = tickets(args.count, args.span, args.seed)
    print(f"{args.count:,} tickets, spans up to {args.span} days, Europe/Madrid office calendar\n")
    print("| call | calls | total ms | µs per call |\n|---|---:|---:|---:|")
    cal = office()
    for state in ("cold", "warm"):  # the second pass finds every day's intervals kept by the first
        timed(f"working_time_between, with pauses ({state})", len(rows),
              lambda: [calendars.working_time_between(cal, a, b, p) for a, b, p in rows])
    cal = office()
    timed("add_working_time hours=16 (cold)", len(rows),
          lambda: [calendars.add_working_time(cal, a, hours=16) for a, _b, _p in rows])
    timed("add_working_time days=3", len(rows),
          lambda: [calendars.add_working_time(cal, a, days=3) for a, _b, _p in rows])
    timed("is_working_day", len(rows), lambda: [calendars.is_working_day(cal, a) for a, _b, _p in rows])


if __name__ == "__main__":
    main()
