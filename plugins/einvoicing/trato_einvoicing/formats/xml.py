"""What the XML syntaxes share: elements in prefixed namespaces, and numbers and dates written as EN 16931
expects them (amounts with two decimals, no exponent)."""
from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Mapping

from lxml import etree

TWO = Decimal("0.01")


class Builder:
    """Makes elements named "prefix:local" in the namespaces given."""

    def __init__(self, namespaces: Mapping[str, str]) -> None:
        self.namespaces = dict(namespaces)

    def qname(self, name: str) -> str:
        prefix, local = name.split(":")
        return f"{{{self.namespaces[prefix]}}}{local}"

    def root(self, name: str) -> etree._Element:
        return etree.Element(self.qname(name), nsmap=self.namespaces)

    def add(self, parent: etree._Element, name: str, text: str | None = None, **attributes: str) -> etree._Element:
        element = etree.SubElement(parent, self.qname(name), {k: v for k, v in attributes.items() if v})
        if text is not None:
            element.text = text
        return element


def amount(value: Decimal) -> str:
    return f"{value.quantize(TWO):f}"


def number(value: Decimal) -> str:
    """A quantity, price or percentage with the decimals it needs, never in exponent form."""
    text = f"{value.normalize():f}"
    return text if text not in ("-0", "") else "0"


def serialize(root: etree._Element) -> bytes:
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)


def ymd(day: date) -> str:
    return day.strftime("%Y%m%d")
