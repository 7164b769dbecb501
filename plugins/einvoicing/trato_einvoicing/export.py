"""An issued invoice out as an e-invoice file: written, then checked with CEN's rules BEFORE anyone gets it.
An invoice the rules refuse is never handed out; `Incomplete` lists what is missing, by field."""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from trato import companies, records

from . import source
from .formats import SYNTAXES, facturx
from .validation import Problem, validate

KINDS = ("ubl", "cii", "facturx")


@dataclass(frozen=True)
class Exported:
    data: bytes
    filename: str
    media_type: str


class Incomplete(Exception):
    """The invoice breaks EN 16931's rules (a missing buyer country, no seller VAT id...)."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__("; ".join(p.message for p in problems))
        self.problems = problems

    def errors(self) -> dict[str, list[str]]:
        """{field key: [messages]}, as a 422 problem names them."""
        found: dict[str, list[str]] = {}
        for problem in self.problems:
            messages = found.setdefault(problem.field, [])
            if problem.message not in messages:  # a rule fails once per line it is broken on
                messages.append(problem.message)
        return found

    def messages(self) -> list[str]:
        return [message for messages in self.errors().values() for message in messages]


def _file_name(number: str, kind: str, extension: str) -> str:
    return f"{re.sub(r'[^A-Za-z0-9_.-]+', '-', number)}-{kind}.{extension}"


def checked_xml(invoice_id: int, syntax: str, *, user: Any) -> bytes:
    """The invoice in `syntax` ("ubl" or "cii"), valid under EN 16931; Incomplete, NotIssued or RecordNotFound
    otherwise."""
    xml = SYNTAXES[syntax].write(source.from_invoice(invoice_id, user=user))
    problems = validate(xml)
    if problems:
        raise Incomplete(problems)
    return xml


def export(invoice_id: int, kind: str, *, user: Any) -> Exported:
    """The file of `kind` (one of KINDS) for the issued invoice `invoice_id`, which `user` must be able to
    read."""
    if kind not in KINDS:
        raise ValueError(kind)
    xml = checked_xml(invoice_id, "cii" if kind == "facturx" else kind, user=user)
    invoice = records.get(source.INVOICE, invoice_id, user=user)
    if kind != "facturx":
        return Exported(xml, _file_name(invoice["number"], kind, "xml"), SYNTAXES[kind].MEDIA_TYPE)
    language = companies.company_for(source.INVOICE, invoice).locale.split("_")[0]
    pdf = facturx.write(source.INVOICE, invoice_id, xml, language=language)
    return Exported(pdf, _file_name(invoice["number"], "facturx", "pdf"), facturx.MEDIA_TYPE)
