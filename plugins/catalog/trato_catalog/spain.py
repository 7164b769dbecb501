"""Spain's taxes as shipped data: IVA, recargo de equivalencia and IRPF with their dated rates, the tax
categories, and the fiscal positions that map them per customer regime (Ley 37/1992 del IVA, Ley 35/2006 del
IRPF). Made once, when the plugin is first enabled, in the enabling transaction; administrators change them
afterwards like any other record.

Rates before a change are kept so that documents dated then get them: IVA 18 % and 8 %, recargo 4 % and 1 %
until 31 August 2012 (Real Decreto-ley 20/2012).
"""
from __future__ import annotations

from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from trato import Base

from .models import FiscalPosition, FiscalRule, Tax, TaxCategory, TaxRate

D = Decimal
BEFORE_2012 = (date(2010, 7, 1), date(2012, 8, 31))
SINCE_2012 = (date(2012, 9, 1), None)

# code: (kind, name en, name es, [(rate, valid_from, valid_to)])
TAXES: dict[str, tuple[str, str, str, list[tuple[Decimal, date, date | None]]]] = {
    "IVA21": ("vat", "VAT general 21 %", "IVA general 21 %", [(D("18"), *BEFORE_2012), (D("21"), *SINCE_2012)]),
    "IVA10": ("vat", "VAT reduced 10 %", "IVA reducido 10 %", [(D("8"), *BEFORE_2012), (D("10"), *SINCE_2012)]),
    "IVA4": ("vat", "VAT super-reduced 4 %", "IVA superreducido 4 %", [(D("4"), date(2010, 7, 1), None)]),
    "IVA0": ("vat", "VAT 0 %", "IVA 0 %", [(D("0"), date(2023, 1, 1), None)]),
    "RE5.2": ("surcharge", "Surcharge 5.2 %", "Recargo de equivalencia 5,2 %",
              [(D("4"), *BEFORE_2012), (D("5.2"), *SINCE_2012)]),
    "RE1.4": ("surcharge", "Surcharge 1.4 %", "Recargo de equivalencia 1,4 %",
              [(D("1"), *BEFORE_2012), (D("1.4"), *SINCE_2012)]),
    "RE0.5": ("surcharge", "Surcharge 0.5 %", "Recargo de equivalencia 0,5 %", [(D("0.5"), date(2010, 7, 1), None)]),
    "RE1.75": ("surcharge", "Surcharge on tobacco 1.75 %", "Recargo de equivalencia tabaco 1,75 %",
               [(D("1.75"), date(2010, 7, 1), None)]),
    "IRPF15": ("withholding", "IRPF professionals 15 %", "IRPF profesionales 15 %",
               [(D("15"), date(2015, 7, 12), None)]),
    "IRPF7": ("withholding", "IRPF new professionals 7 %", "IRPF nuevos profesionales 7 %",
              [(D("7"), date(2015, 7, 12), None)]),
    "IRPF19": ("withholding", "IRPF rentals 19 %", "IRPF arrendamientos 19 %", [(D("19"), date(2016, 1, 1), None)]),
}

EXEMPT = "Operación exenta de IVA (artículo 20 de la Ley 37/1992)."
NOT_SUBJECT = "Operación no sujeta a IVA (artículo 7 de la Ley 37/1992)."

# key: (kind, name en, name es, legal reason)
CATEGORIES: dict[str, tuple[str, str, str, str | None]] = {
    "general": ("general", "General", "General", None),
    "reduced": ("reduced", "Reduced", "Reducido", None),
    "super_reduced": ("super_reduced", "Super-reduced", "Superreducido", None),
    "zero": ("zero", "Zero rate", "Tipo cero", None),
    "tobacco": ("general", "Tobacco", "Tabaco", None),
    "exempt": ("exempt", "Exempt", "Exento", EXEMPT),
    "not_subject": ("not_subject", "Not subject", "No sujeto", NOT_SUBJECT),
}

DOMESTIC = {"general": ("IVA21", None), "reduced": ("IVA10", None), "super_reduced": ("IVA4", None),
            "zero": ("IVA0", None), "tobacco": ("IVA21", None), "exempt": (None, None), "not_subject": (None, None)}
SURCHARGE = {"general": ("IVA21", "RE5.2"), "reduced": ("IVA10", "RE1.4"), "super_reduced": ("IVA4", "RE0.5"),
             "zero": ("IVA0", None), "tobacco": ("IVA21", "RE1.75"), "exempt": (None, None),
             "not_subject": (None, None)}
NO_VAT = dict.fromkeys(CATEGORIES, (None, None))

# (name en, name es, regime, reverse charge, withholding, note, rules)
POSITIONS: list[tuple[str, str, str, bool, bool, str | None, dict[str, tuple[str | None, str | None]]]] = [
    ("Domestic business", "Nacional, empresa o profesional", "domestic", False, True, None, DOMESTIC),
    ("Domestic private customer", "Nacional, particular", "domestic", False, False, None, DOMESTIC),
    ("Equivalence surcharge", "Recargo de equivalencia", "surcharge", False, True, None, SURCHARGE),
    ("Intra-EU business", "Intracomunitario", "intra_eu", True, False,
     "Inversión del sujeto pasivo (artículo 84.Uno.2º de la Ley 37/1992); entrega intracomunitaria exenta "
     "(artículo 25).", NO_VAT),
    ("Export", "Exportación", "export", False, False,
     "Exportación exenta de IVA (artículo 21 de la Ley 37/1992).", NO_VAT),
    ("Canary Islands, Ceuta and Melilla", "Canarias, Ceuta y Melilla", "canary_ceuta_melilla", False, False,
     "Sin IVA: fuera del territorio de aplicación del impuesto (artículo 3 de la Ley 37/1992).", NO_VAT),
]


def install(session: Session, language: str) -> None:
    """Spain's taxes, tax categories and fiscal positions, in `language` ("en" or "es"), if there are no taxes."""
    if session.scalar(select(Tax.id).limit(1)) is not None:
        return
    spanish = language == "es"
    stamp = {"created_at": datetime.now(timezone.utc), "updated_at": datetime.now(timezone.utc), "version": 1}
    taxes = {code: _row(session, Tax, {"code": code, "name": es if spanish else en, "kind": kind, **stamp})
             for code, (kind, en, es, _rates) in TAXES.items()}
    session.execute(insert(TaxRate), [
        {"parent_id": taxes[code], "position": position, "rate": rate, "valid_from": start, "valid_to": end, **stamp}
        for code, (_kind, _en, _es, rates) in TAXES.items()
        for position, (rate, start, end) in enumerate(rates, start=1)])
    categories = {key: _row(session, TaxCategory, {"name": es if spanish else en, "kind": kind,
                                                   "legal_reason": reason, **stamp})
                  for key, (kind, en, es, reason) in CATEGORIES.items()}
    for en, es, regime, reverse, withholding, note, rules in POSITIONS:
        position_id = _row(session, FiscalPosition, {"name": es if spanish else en, "regime": regime,
                                                     "reverse_charge": reverse, "withholding": withholding,
                                                     "note": note, **stamp})
        session.execute(insert(FiscalRule), [
            {"parent_id": position_id, "position": position, "tax_category_id": categories[key],
             "vat_tax_id": taxes.get(vat), "surcharge_tax_id": taxes.get(surcharge), **stamp}
            for position, (key, (vat, surcharge)) in enumerate(rules.items(), start=1)])


def _row(session: Session, model: type[Base], values: dict[str, Any]) -> int:
    return session.execute(insert(model).returning(model.id), values).scalar_one()  # type: ignore[attr-defined]
