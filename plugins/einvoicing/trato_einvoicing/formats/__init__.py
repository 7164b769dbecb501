"""The syntaxes an e-invoice is written in, each a module with `NAME`, `MEDIA_TYPE`, `write(EInvoice) -> bytes`
(and, for those that can be validated, `RULES`: the CEN XSLT under rules/). UBL 2.1 and CII (D16B) carry
EN 16931; Factur-X is a PDF carrying the CII. Spain's Facturae 3.2.2, for public bodies, will be one more
module here beside them (it has its own slots for the equivalence surcharge and the IRPF withholding)."""
from __future__ import annotations

from types import ModuleType

from . import cii, ubl

SYNTAXES: dict[str, ModuleType] = {"ubl": ubl, "cii": cii}
