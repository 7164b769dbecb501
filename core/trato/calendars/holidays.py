"""Spain's holidays as shipped data (spain.json), and Easter, which several of them follow.

Only the days common to the whole country are shipped as national; the
Easter-dependent regional days (Jueves Santo, Lunes de Pascua) are offered
by name, since which community keeps which changes from year to year.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import date, timedelta
from functools import cache
from pathlib import Path
from typing import Any

from ..i18n import _
from .schedule import CalendarError

# The Easter-dependent days a caller may ask for besides the national ones (regional in most communities).
EASTER_EXTRAS = ("maundy_thursday", "easter_monday")


@dataclass(frozen=True)
class HolidayDate:
    day: date
    name: str
    kind: str


def easter_sunday(year: int) -> date:
    """Easter Sunday of the Gregorian calendar (the anonymous algorithm of Meeus, Jones and Butcher)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 22 * m) // 451
    month, day = divmod(h + m - 7 * n + 114, 31)
    return date(year, month, day + 1)


@cache
def _data() -> dict[str, Any]:
    return json.loads(Path(__file__).with_name("spain.json").read_text(encoding="utf-8"))  # type: ignore[no-any-return]


def spain_years() -> range:
    """The years whose holidays are shipped."""
    first, last = _data()["years"]
    return range(first, last + 1)


def spain(year: int, extras: tuple[str, ...] = (), language: str = "en") -> list[HolidayDate]:
    """Spain's national holidays of `year`, plus the Easter-dependent `extras` asked for, in date order."""
    years = spain_years()
    if year not in years:
        raise CalendarError(_("Spain's holidays are shipped for %(first)s to %(last)s only.",
                              first=years.start, last=years.stop - 1), "year")
    unknown = set(extras) - set(EASTER_EXTRAS)
    if unknown:
        raise CalendarError(_("Unknown holiday: %(name)s.", name=", ".join(sorted(unknown))), "extras")
    lang = language if language in ("en", "es") else "en"
    data = _data()
    found = [HolidayDate(date(year, f["month"], f["day"]), f[lang], "national") for f in data["fixed"]]
    easter = easter_sunday(year)
    found += [HolidayDate(easter + timedelta(days=e["offset"]), e[lang], e["kind"])
              for e in data["easter"] if e["kind"] == "national" or e["key"] in extras]
    return sorted(found, key=lambda h: h.day)
