"""EN 16931's business rules, run as CEN/TC 434 publishes them: the Schematron compiled to XSLT 2.0
(rules/, see its README.md), run with Saxon-HE (saxonche). The SVRL it answers lists the failed assertions;
those flagged "fatal" make an invoice invalid, "warning" ones do not.

`validate(xml)` is what the tests and every export run. A problem names the business rule, the field a user
fixes (in the user's language: the company's tax ID, the account's billing country...) and CEN's own words.
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from flask_babel import lazy_gettext as _l
from lxml import etree

RULES = Path(__file__).parent / "rules"
SVRL = "http://purl.oclc.org/dsdl/svrl"
UBL_ROOTS = {"urn:oasis:names:specification:ubl:schema:xsd:Invoice-2",
             "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"}
CII_ROOT = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

# The fields people fix, by key: what the problem list and the API's errors name.
FIELDS: dict[str, Any] = {
    "number": _l("Invoice number"),
    "issue_date": _l("Issue date"),
    "currency": _l("Currency"),
    "lines": _l("Invoice lines"),
    "line_description": _l("Line description"),
    "line_price": _l("Line price"),
    "seller_name": _l("Company legal name"),
    "seller_country": _l("Company country"),
    "seller_vat_id": _l("Company tax ID (VAT number)"),
    "buyer_name": _l("Customer name"),
    "buyer_country": _l("Customer's billing country"),
    "buyer_vat_id": _l("Customer's VAT number"),
    "vat_ids": _l("VAT numbers"),
    "exemption": _l("Exemption reason"),
    "vat_categories": _l("VAT of the lines"),
    "due_date": _l("Due date"),
    "payment_account": _l("Bank account (IBAN)"),
    "delivery": _l("Operation date and delivery country"),
    "rectified_invoice": _l("Rectified invoice"),
    "totals": _l("Totals"),
    "other": _l("Other"),
}
# CEN's rule ids -> the field key. A category's rules share their numbers (BR-S-02, BR-E-02...: the seller's
# VAT id; -10: the exemption reason), so those are matched by their suffix.
RULE_FIELDS = {
    "BR-02": "number", "BR-03": "issue_date", "BR-05": "currency", "BR-06": "seller_name", "BR-07": "buyer_name",
    "BR-08": "seller_country", "BR-09": "seller_country", "BR-10": "buyer_country", "BR-11": "buyer_country",
    "BR-16": "lines", "BR-25": "line_description", "BR-26": "line_price", "BR-27": "line_price",
    "BR-55": "rectified_invoice", "BR-61": "payment_account", "BR-CO-09": "vat_ids", "BR-CO-25": "due_date",
    "BR-CO-26": "seller_vat_id", "BR-O-11": "vat_categories", "BR-O-12": "vat_categories",
    "BR-O-13": "vat_categories", "BR-O-14": "vat_categories", "BR-IC-11": "delivery", "BR-IC-12": "delivery",
}
CATEGORY_RULES = {"02": "seller_vat_id", "03": "seller_vat_id", "04": "seller_vat_id", "10": "exemption"}
BOTH_VAT_IDS = ("BR-AE-02", "BR-AE-03", "BR-AE-04", "BR-IC-02", "BR-IC-03", "BR-O-02", "BR-O-03", "BR-O-04")


@dataclass(frozen=True)
class Problem:
    """One failed rule: its id (BR-11), the field to fix (a key of FIELDS), CEN's text, where, how bad."""

    rule: str
    field: str
    text: str
    location: str = ""
    flag: str = "fatal"

    @property
    def label(self) -> str:
        """The field's name in the current language."""
        return str(FIELDS[self.field])

    @property
    def message(self) -> str:
        return f"{self.label} ({self.rule}): {self.text}"


class NotAnInvoice(ValueError):
    """The bytes are not XML, or XML that is neither a UBL nor a CII invoice."""


def field_of(rule: str) -> str:
    if rule in RULE_FIELDS:
        return RULE_FIELDS[rule]
    if rule in BOTH_VAT_IDS:
        return "vat_ids"
    parts = rule.split("-")
    if len(parts) == 3 and parts[0] == "BR" and parts[2] in CATEGORY_RULES:
        return CATEGORY_RULES[parts[2]]
    if rule.startswith("BR-CO-") or rule.startswith("BR-DEC-"):
        return "totals"
    return "other"


def _root(xml: bytes) -> etree._Element:
    try:
        return etree.fromstring(xml, parser=etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise NotAnInvoice(str(exc)) from None


def syntax_of(root: etree._Element) -> str:
    """"ubl" or "cii" by the document's root element; NotAnInvoice otherwise."""
    namespace = etree.QName(root).namespace
    if namespace in UBL_ROOTS:
        return "ubl"
    if namespace == CII_ROOT:
        return "cii"
    raise NotAnInvoice(etree.QName(root).text)


class _Saxon:
    """One Saxon processor per process (SaxonC wants a single one), the two stylesheets compiled once."""

    def __init__(self) -> None:
        from saxonche import PySaxonProcessor

        self.processor = PySaxonProcessor(license=False)
        self.lock = threading.Lock()
        self.compiled: dict[str, Any] = {}

    def run(self, stylesheet: str, xml: str) -> str:
        with self.lock:  # a compiled stylesheet is shared; SaxonC's Python objects are not thread-safe
            if stylesheet not in self.compiled:
                compiler = self.processor.new_xslt30_processor()
                self.compiled[stylesheet] = compiler.compile_stylesheet(stylesheet_file=str(RULES / stylesheet))
            document = self.processor.parse_xml(xml_text=xml)
            return str(self.compiled[stylesheet].transform_to_string(xdm_node=document))


@lru_cache(maxsize=1)
def _saxon() -> _Saxon:
    return _Saxon()


STYLESHEETS = {"ubl": "EN16931-UBL-validation.xslt", "cii": "EN16931-CII-validation.xslt"}


def validate(xml: bytes, *, warnings: bool = False) -> list[Problem]:
    """The EN 16931 rules `xml` (a UBL or CII invoice) breaks: the fatal ones, and the warnings too with
    `warnings`. NotAnInvoice when it is neither."""
    root = _root(xml)  # read whatever its encoding, handed to Saxon as text without a declaration
    report = etree.fromstring(_saxon().run(STYLESHEETS[syntax_of(root)], etree.tostring(root, encoding="unicode"))
                              .encode("utf-8"))
    problems = []
    for failed in report.iter(f"{{{SVRL}}}failed-assert"):
        flag = failed.get("flag") or "fatal"
        if flag != "fatal" and not warnings:
            continue
        rule = failed.get("id") or ""
        text = " ".join("".join(failed.itertext()).split())
        problems.append(Problem(rule, field_of(rule), text, failed.get("location") or "", flag))
    return problems
