"""The fingerprint reproduces AEAT's worked examples byte for byte.

Facts quoted from AEAT's "Detalle de las especificaciones técnicas para generación de la huella o hash de
los registros de facturación", version 0.1.2, section 6 (examples 6.1 first alta, 6.2 chained alta, 6.3
anulación): the input strings and their published SHA-256 values below are the specification's.
"""
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from trato_verifactu.fingerprint import (AltaFields, AnulacionFields, alta_input, amount_text, anulacion_input,
                                         date_text, fingerprint, timestamp_text)

EXAMPLE_1 = ("IDEmisorFactura=89890001K&NumSerieFactura=12345678/G33&FechaExpedicionFactura=01-01-2024"
             "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45&Huella="
             "&FechaHoraHusoGenRegistro=2024-01-01T19:20:30+01:00")
HUELLA_1 = "3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
EXAMPLE_2 = ("IDEmisorFactura=89890001K&NumSerieFactura=12345679/G34&FechaExpedicionFactura=01-01-2024"
             "&TipoFactura=F1&CuotaTotal=12.35&ImporteTotal=123.45"
             "&Huella=3C464DAF61ACB827C65FDA19F352A4E3BDC2C640E9E9FC4CC058073F38F12F60"
             "&FechaHoraHusoGenRegistro=2024-01-01T19:20:35+01:00")
HUELLA_2 = "F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
EXAMPLE_3 = ("IDEmisorFacturaAnulada=89890001K&NumSerieFacturaAnulada=12345679/G34"
             "&FechaExpedicionFacturaAnulada=01-01-2024"
             "&Huella=F7B94CFD8924EDFF273501B01EE5153E4CE8F259766F88CF6ACB8935802A2B97"
             "&FechaHoraHusoGenRegistro=2024-01-01T19:20:40+01:00")
HUELLA_3 = "177547C0D57AC74748561D054A9CEC14B4C4EA23D1BEFD6F2E69E3A388F90C68"

CET = timezone(timedelta(hours=1))


def alta(number: str, previous: str, second: int) -> AltaFields:
    """The spec's alta examples, built from typed values through the record's formatting."""
    return AltaFields(issuer_tax_id="89890001K", number=number, issue_date=date_text(date(2024, 1, 1)),
                      invoice_type="F1", cuota_total=amount_text(Decimal("12.35")),
                      importe_total=amount_text(Decimal("123.45")), previous=previous,
                      generated_at=timestamp_text(datetime(2024, 1, 1, 19, 20, second, tzinfo=CET)))


def test_the_first_alta_of_a_chain_is_aeats_example_6_1():
    first = alta("12345678/G33", "", 30)
    assert alta_input(first) == EXAMPLE_1
    assert fingerprint(first) == HUELLA_1


def test_a_chained_alta_is_aeats_example_6_2():
    second = alta("12345679/G34", HUELLA_1, 35)
    assert alta_input(second) == EXAMPLE_2
    assert fingerprint(second) == HUELLA_2


def test_an_anulacion_is_aeats_example_6_3():
    cancelled = AnulacionFields(issuer_tax_id="89890001K", number="12345679/G34",
                                issue_date=date_text(date(2024, 1, 1)), previous=HUELLA_2,
                                generated_at=timestamp_text(datetime(2024, 1, 1, 19, 20, 40, tzinfo=CET)))
    assert anulacion_input(cancelled) == EXAMPLE_3
    assert fingerprint(cancelled) == HUELLA_3


def test_values_are_formatted_as_the_record_writes_them():
    assert amount_text(Decimal("12.3")) == "12.30"
    assert amount_text(Decimal("-0.005")) == "-0.01"          # half up, away from zero
    assert amount_text(Decimal("1234567.125")) == "1234567.13"
    assert date_text(date(2027, 3, 9)) == "09-03-2027"
    summer = timezone(timedelta(hours=2))
    assert timestamp_text(datetime(2027, 7, 1, 8, 5, 3, 999, tzinfo=summer)) == "2027-07-01T08:05:03+02:00"
    with pytest.raises(ValueError):
        timestamp_text(datetime(2027, 7, 1, 8, 5, 3))


def test_blanks_around_a_value_do_not_count_and_any_field_changes_the_fingerprint():
    base = alta("12345678/G33", "", 30)
    assert fingerprint(AltaFields(**{**base.__dict__, "number": " 12345678/G33 "})) == HUELLA_1
    for name in base.__dict__:
        changed = AltaFields(**{**base.__dict__, name: getattr(base, name) + "0"})
        assert fingerprint(changed) != HUELLA_1, name
