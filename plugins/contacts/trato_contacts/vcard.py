"""vCard files as phones and mail programs write them (2.1, 3.0 and 4.0): parsed into cards, and written back.

Reading unfolds continuation lines, decodes 2.1's quoted-printable values,
splits structured values (N, ADR) on unescaped semicolons and unescapes
`\\n`, `\\,`, `\\;` and `\\\\`. A problem is reported with the card's number
and line; the caller decides what to keep (contacts imports all or nothing).
Writing produces 3.0 or 4.0 with lines folded at 75 octets.
"""
from __future__ import annotations

import quopri
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _

VERSIONS = ("2.1", "3.0", "4.0")
FOLD_AT = 75  # octets per physical line, CRLF excluded (RFC 6350 3.2)
YEARLESS = re.compile(r"^--\d{2}-?\d{2}$")  # 4.0's birthday without a year ("--0412"): read as no birthday
NAME = re.compile(r"^(?:[A-Za-z0-9-]+\.)?([A-Za-z0-9-]+)$")  # an optional group ("item1.") and the property


@dataclass
class Prop:
    """One content line: property name (upper case), parameters (names upper case, values as given) and value."""

    name: str
    params: dict[str, list[str]]
    value: str
    line: int

    @property
    def types(self) -> set[str]:
        """The TYPE parameter's values in lower case, 2.1's bare parameters ("TEL;CELL:") included."""
        return {t.lower() for t in self.params.get("TYPE", [])}


@dataclass
class Card:
    number: int  # 1-based position in the file
    line: int
    props: list[Prop] = field(default_factory=list)

    def all(self, name: str) -> list[Prop]:
        """The card's properties called `name`, those marked preferred first."""
        found = [p for p in self.props if p.name == name]
        return sorted(found, key=lambda p: not ("pref" in p.types or "PREF" in p.params))

    def first(self, name: str) -> Prop | None:
        found = self.all(name)
        return found[0] if found else None


@dataclass(frozen=True)
class Problem:
    card: int  # 0 when the problem is outside any card
    line: int
    message: str

    def __str__(self) -> str:
        if self.card:
            return _("Card %(card)s (line %(line)s): %(message)s", card=self.card, line=self.line,
                     message=self.message)
        return _("Line %(line)s: %(message)s", line=self.line, message=self.message)


def _split(text: str, separator: str) -> list[str]:
    """`text` split on `separator` where it is not escaped with a backslash."""
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append("\\" + char)
            escaped = False
        elif char == "\\":
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    if escaped:
        current.append("\\")
    parts.append("".join(current))
    return parts


def unescape(text: str) -> str:
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) in "nN" else m.group(1), text)


def escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("\n", "\\n").replace(",", "\\,").replace(";", "\\;")


def components(prop: Prop) -> list[str]:
    """A structured value (N, ADR, ORG) as its unescaped components."""
    return [unescape(part).strip() for part in _split(prop.value, ";")]


def text(prop: Prop | None) -> str:
    """A single value, unescaped (a list value such as `NICKNAME:a,b` keeps its commas)."""
    return unescape(prop.value).strip() if prop else ""


def _logical_lines(content: str) -> Iterator[tuple[int, str]]:
    """The file's lines, continuation lines joined, with the number of each logical line's first line."""
    current: list[str] = []
    start = 0
    quoted_printable = False
    for number, raw in enumerate(content.splitlines(), 1):
        if current and raw[:1] in (" ", "\t"):
            current.append(raw[1:])
            continue
        if current and quoted_printable and current[-1].endswith("="):
            current[-1] = current[-1][:-1]  # a quoted-printable soft line break
            current.append(raw)
            continue
        if current:
            yield start, "".join(current)
        current, start = [raw], number
        quoted_printable = "QUOTED-PRINTABLE" in raw.split(":", 1)[0].upper()
    if current:
        yield start, "".join(current)


def _params(parts: list[str]) -> dict[str, list[str]]:
    params: dict[str, list[str]] = {}
    for part in parts:
        if "=" in part:
            key, raw = part.split("=", 1)
            values = [v.strip('"') for v in re.findall(r'"[^"]*"|[^,]+', raw)]
        else:  # 2.1: "TEL;WORK;VOICE:" means TYPE=WORK,VOICE; "QUOTED-PRINTABLE" means ENCODING=...
            key, values = ("ENCODING" if part.upper() in ("QUOTED-PRINTABLE", "BASE64", "8BIT") else "TYPE"), [part]
        params.setdefault(key.strip().upper(), []).extend(values)
    return params


def _split_params(head: str) -> list[str]:
    """`NAME;A=1;B="x;y"` split on the semicolons outside quotes."""
    return [p for p in re.findall(r'(?:"[^"]*"|[^;"])+', head)]


def _prop(number: int, line: str) -> Prop | str:
    """A content line as a Prop, or the problem with it."""
    head, colon, value = line.partition(":")
    while colon and head.count('"') % 2:  # a colon inside a quoted parameter value
        more, colon, value = value.partition(":")
        head += ":" + more
    if not colon:
        return _("this line has no “:” between the property and its value.")
    parts = _split_params(head)
    match = NAME.match(parts[0].strip()) if parts else None
    if not match:
        return _("“%(name)s” is not a property name.", name=head[:40])
    params = _params(parts[1:])
    if "QUOTED-PRINTABLE" in (e.upper() for e in params.get("ENCODING", [])):
        charset = (params.get("CHARSET") or ["utf-8"])[0]
        try:
            value = quopri.decodestring(value.encode("ascii", "replace")).decode(charset)
        except (LookupError, UnicodeDecodeError):
            return _("the quoted-printable value cannot be read as %(charset)s.", charset=charset)
    return Prop(match.group(1).upper(), params, value, number)


def parse(content: str) -> tuple[list[Card], list[Problem]]:
    """Every card of a file, and every problem found (cards with problems are still returned)."""
    cards: list[Card] = []
    problems: list[Problem] = []
    card: Card | None = None
    for number, line in _logical_lines(content.lstrip("\ufeff")):
        if not line.strip():
            continue
        prop = _prop(number, line)
        begins = not isinstance(prop, str) and prop.name == "BEGIN" and prop.value.strip().upper() == "VCARD"
        if card is None and not begins:
            problems.append(Problem(0, number, _("this line is outside any BEGIN:VCARD … END:VCARD.")))
            continue
        if isinstance(prop, str):
            problems.append(Problem(card.number if card else 0, number, prop))
            continue
        if begins:
            if card is not None:
                problems.append(Problem(card.number, number, _("the card has no END:VCARD before the next card.")))
            card = Card(len(cards) + 1, number)
            cards.append(card)
        elif prop.name == "END" and prop.value.strip().upper() == "VCARD":
            problems += _check(card)
            card = None
        else:
            card.props.append(prop)
    if card is not None:
        problems.append(Problem(card.number, card.line, _("the card has no END:VCARD: the file stops in the middle "
                                                          "of it.")))
        problems += _check(card)
    if not cards and not problems:
        problems.append(Problem(0, 1, _("the file holds no vCard (no BEGIN:VCARD).")))
    return cards, problems


def _check(card: Card) -> list[Problem]:
    problems = []
    version = card.first("VERSION")
    if version is None or version.value.strip() not in VERSIONS:
        problems.append(Problem(card.number, version.line if version else card.line,
                                _("the version must be 2.1, 3.0 or 4.0.")))
    if not text(card.first("FN")) and not any(components(card.first("N") or Prop("N", {}, "", 0))):
        problems.append(Problem(card.number, card.line, _("the card has no name (N or FN).")))
    for prop in card.all("BDAY"):
        if birthday(prop) is None and not YEARLESS.match(prop.value.strip()) and prop.value.strip():
            problems.append(Problem(card.number, prop.line,
                                    _("the birthday “%(value)s” is not a date.", value=prop.value.strip())))
    return problems


def birthday(prop: Prop | None) -> date | None:
    """BDAY as a date: 1984-12-08, 19841208 or with a time after it; None for none or a date without a year."""
    if prop is None:
        return None
    found = re.match(r"^(\d{4})-?(\d{2})-?(\d{2})(?:T.*)?$", prop.value.strip())
    if not found:
        return None
    try:
        return date(int(found.group(1)), int(found.group(2)), int(found.group(3)))
    except ValueError:
        return None


def fold(line: str) -> str:
    """A content line folded into physical lines of at most 75 octets, never splitting a character."""
    out, current, size = [], [], 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > FOLD_AT:
            out.append("".join(current))
            current, size = [" "], 1
        current.append(char)
        size += width
    out.append("".join(current))
    return "\r\n".join(out)


def write(props: list[tuple[str, str]], version: str) -> str:
    """A card from (name with parameters, already-escaped value) pairs, with BEGIN, VERSION and END around them."""
    lines = ["BEGIN:VCARD", f"VERSION:{version}", *(f"{name}:{value}" for name, value in props), "END:VCARD"]
    return "".join(fold(line) + "\r\n" for line in lines)
