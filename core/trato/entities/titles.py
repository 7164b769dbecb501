"""How a record is named: a title pattern such as "{first_name} {last_name}" or "{contact_id} — {deal_id}".

A pattern names fields in braces; each is shown as people read it (an
option's label, a related record's own title), and what an empty field
leaves behind (doubled spaces, a dangling dash) is tidied away, so that
"{first_name} {last_name}" of a contact with no first name is just the last
name. A plugin's entity declares `EntityInfo(title_pattern=...)` (or
`title_parts`, fields joined by spaces); an administrator gives a custom
entity's on its admin page.
"""
from __future__ import annotations

from collections.abc import Callable, Collection
from string import Formatter

from .errors import EntityError

SEPARATORS = " -—–,;:·|/"


def pattern_fields(pattern: str, known: Collection[str]) -> list[str]:
    """The fields `pattern` names, in order; EntityError when it is malformed or names a field not `known`."""
    try:
        pieces = list(Formatter().parse(pattern))
    except ValueError:
        raise EntityError(f"title pattern {pattern!r} has an unmatched brace") from None
    names = []
    for _literal, name, spec, conversion in pieces:
        if name is None:
            continue
        if not name or spec or conversion:
            raise EntityError(f"title pattern {pattern!r}: write each field as {{name}}")
        if name not in known:
            raise EntityError(f"title pattern {pattern!r} names {name!r}, which is not a field")
        names.append(name)
    if not names:
        raise EntityError(f"title pattern {pattern!r} names no field")
    return names


def parts_pattern(parts: Collection[str]) -> str | None:
    """The pattern of `EntityInfo.title_parts`: the fields joined by spaces."""
    return " ".join(f"{{{name}}}" for name in parts) or None


def render(pattern: str, text_of: Callable[[str], str]) -> str:
    """`pattern` with each field's text; "" when every field is empty.

    An empty field takes the text that leads to it along (the one after it,
    for a field that comes first), so that "{contact_id} — {deal_id}"
    without a deal is the contact's name alone.
    """
    pieces: list[tuple[str, str | None]] = [(literal, text_of(name) if name else None)
                                            for literal, name, _spec, _conversion in Formatter().parse(pattern)]
    if not any(text for _literal, text in pieces):
        return ""
    out, skip_next_literal, seen_text = [], False, False
    for literal, text in pieces:
        if skip_next_literal:
            literal, skip_next_literal = "", False
        if text == "":  # an empty field: drop the text leading to it, or (first of all) the text after it
            if seen_text:
                continue
            skip_next_literal = True
            continue
        out.append(literal)
        if text:
            out.append(text)
            seen_text = True
    return " ".join("".join(out).split()).strip(SEPARATORS)
