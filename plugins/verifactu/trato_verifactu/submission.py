"""Sending the records to AEAT's VERI*FACTU web service, as a background job.

Per issuer, the records not yet accepted go in chain order, up to 1,000 per message, in a SOAP 1.1 envelope
around the RegFactuSistemaFacturacion message (records_xml.envelope), posted over TLS with the company's
certificate as the client's. AEAT's answer is kept per record in `verifactu_submission`: Correcto and
AceptadoConErrores are "accepted", Incorrecto "rejected" (a person must look: a correction is a new record);
a transport failure or a SOAP fault marks the batch "error", tried again after a back-off, up to
MAX_ATTEMPTS times. Flow control: the next message of an issuer waits the TiempoEsperaEnvio AEAT answered
(`verifactu_chain.next_submission_at`). No lock is held while a message travels.

The certificate is a PEM file (certificate and key) named by the setting CERTIFICATE: a file, or a folder
holding `<tax id>.pem` per company. It is refused before anything is sent when it has expired, is not valid
yet, or does not name the issuer's tax id.
"""
from __future__ import annotations

import logging
import ssl
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from flask_babel import gettext as _
from lxml import etree
from sqlalchemy import select, update

from trato import JobContext, TratoError, companies, records, session

from . import config, records_xml
from .chain import tax_id_of
from .models import BillingRecord, Chain, Submission

log = logging.getLogger(__name__)
SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
BATCH, MAX_ATTEMPTS, DEFAULT_WAIT = 1000, 5, 60
STATES = {"Correcto": "accepted", "AceptadoConErrores": "accepted", "Incorrecto": "rejected"}
KINDS = {"Alta": "alta", "Anulacion": "anulacion"}


class SubmissionRefused(TratoError):
    """Nothing can be sent for this issuer as things stand (its certificate, its endpoint)."""


class TransportFailed(Exception):
    """The message did not get an answer AEAT's way: network, HTTP status, SOAP fault, unreadable answer."""


@dataclass(frozen=True)
class Answer:
    """AEAT's answer to one message: the wait before the next one, and per (number, kind) the record's state
    and its RespuestaLinea as XML."""

    wait_seconds: int
    lines: dict[tuple[str, str], tuple[str, str]]


def certificate_path(tax_id: str) -> Path:
    given = config.setting("CERTIFICATE")
    if not given:
        raise SubmissionRefused(_("Set the VeriFactu certificate (TRATO_VERIFACTU_CERTIFICATE) to send records."))
    path = Path(given)
    return path / f"{tax_id}.pem" if path.is_dir() else path


def check_certificate(path: Path, tax_id: str, now: datetime) -> None:
    """Refuse a certificate that is missing, out of its validity, or issued to someone else."""
    try:
        cert = x509.load_pem_x509_certificate(path.read_bytes())
    except (OSError, ValueError):
        raise SubmissionRefused(_("The VeriFactu certificate %(path)s cannot be read.", path=str(path))) from None
    if now > cert.not_valid_after_utc:
        raise SubmissionRefused(_("The VeriFactu certificate expired on %(day)s.",
                                  day=cert.not_valid_after_utc.date().isoformat()))
    if now < cert.not_valid_before_utc:
        raise SubmissionRefused(_("The VeriFactu certificate is valid only from %(day)s.",
                                  day=cert.not_valid_before_utc.date().isoformat()))
    named = [str(attribute.value) for attribute in cert.subject]
    if not any(tax_id in value for value in named):
        raise SubmissionRefused(_("The VeriFactu certificate is not the company's: it does not name %(tax_id)s.",
                                  tax_id=tax_id))


def soap_message(issuer: records_xml.Party, record_xmls: list[str]) -> bytes:
    envelope = etree.Element(f"{{{SOAP}}}Envelope", nsmap={"soapenv": SOAP})
    etree.SubElement(envelope, f"{{{SOAP}}}Header")
    etree.SubElement(envelope, f"{{{SOAP}}}Body").append(records_xml.envelope(issuer, record_xmls))
    return etree.tostring(envelope, xml_declaration=True, encoding="UTF-8")


def _local(element: etree._Element, name: str) -> list[etree._Element]:
    return element.xpath(f".//*[local-name() = '{name}']")  # type: ignore[no-any-return]


def parse_answer(body: bytes) -> Answer:
    """AEAT's RespuestaRegFactuSistemaFacturacion (read by local names: its prefixes vary)."""
    try:
        root = etree.fromstring(body, etree.XMLParser(resolve_entities=False, no_network=True))
    except etree.XMLSyntaxError as exc:
        raise TransportFailed(f"unreadable answer: {exc}") from None
    fault = _local(root, "Fault")
    if fault:
        raise TransportFailed("SOAP fault: " + " ".join(fault[0].itertext()).strip())
    wait = _local(root, "TiempoEsperaEnvio")
    lines = {}
    for line in _local(root, "RespuestaLinea"):
        number = _local(line, "NumSerieFactura")
        operation = _local(line, "TipoOperacion")
        state = _local(line, "EstadoRegistro")
        if number and state:
            kind = KINDS.get(operation[0].text or "", "alta") if operation else "alta"
            lines[(number[0].text or "", kind)] = (STATES.get(state[0].text or "", "error"),
                                                   etree.tostring(line, encoding="unicode"))
    return Answer(int(wait[0].text) if wait and (wait[0].text or "").isdigit() else DEFAULT_WAIT, lines)


def post(url: str, body: bytes, cert: Path) -> bytes:
    context = ssl.create_default_context(cafile=config.setting("CA_FILE") or None)
    context.load_cert_chain(str(cert))
    request = urllib.request.Request(url, data=body, method="POST",
                                     headers={"Content-Type": "text/xml; charset=utf-8", "SOAPAction": '""'})
    try:
        with urllib.request.urlopen(request, context=context, timeout=60) as response:
            return response.read()  # type: ignore[no-any-return]
    except urllib.error.HTTPError as exc:
        answered = exc.read()
        if b"Fault" in answered:
            return answered       # parse_answer reports the fault's text
        raise TransportFailed(f"HTTP {exc.code}") from None
    except (OSError, ssl.SSLError) as exc:
        raise TransportFailed(str(exc)) from None


def _waiting(tax_id: str) -> list[BillingRecord]:
    query = (select(BillingRecord).join(Submission, Submission.record_id == BillingRecord.id)
             .where(BillingRecord.issuer_tax_id == tax_id, Submission.state.in_(("pending", "error")),
                    Submission.attempts < MAX_ATTEMPTS)
             .order_by(BillingRecord.position).limit(BATCH))
    return list(session().scalars(query))


def _issuer(tax_id: str) -> records_xml.Party:
    for company in companies.all_companies():
        if tax_id_of(company.tax_id) == tax_id:
            return records_xml.Party(company.legal_name or company.name, tax_id)
    return records_xml.Party(tax_id, tax_id)


def _record(batch: list[BillingRecord], states: dict[int, tuple[str, str]], wait: timedelta, now: datetime) -> None:
    """Keep each record's state and answer and the issuer's next allowed time, in one transaction."""
    with records.atomic():
        db = session()
        for record in batch:
            state, answer = states[record.id]
            db.execute(update(Submission).where(Submission.record_id == record.id).values(
                state=state, answer=answer, attempts=Submission.attempts + 1, updated_at=now))
        db.execute(update(Chain).where(Chain.issuer_tax_id == batch[0].issuer_tax_id)
                   .values(next_submission_at=now + wait))


def submit_issuer(tax_id: str, now: datetime | None = None) -> int:
    """Send the issuer's waiting records if flow control allows; how many were sent."""
    now = now or datetime.now(timezone.utc)
    head = session().get(Chain, tax_id, populate_existing=True)
    if head is None or (head.next_submission_at is not None and now < head.next_submission_at):
        return 0
    batch = _waiting(tax_id)
    if not batch:
        return 0
    cert = certificate_path(tax_id)
    check_certificate(cert, tax_id, now)
    body = soap_message(_issuer(tax_id), [record.xml for record in batch])
    session().rollback()      # no transaction (and no lock) held while the message travels
    try:
        answer = parse_answer(post(config.submission_url(), body, cert))
    except TransportFailed as exc:
        log.warning("verifactu: sending %d record(s) of %s failed: %s", len(batch), tax_id, exc)
        attempts = 1 + min(s.attempts for s in session().scalars(
            select(Submission).where(Submission.record_id.in_([r.id for r in batch]))))
        _record(batch, {r.id: ("error", str(exc)) for r in batch}, timedelta(seconds=DEFAULT_WAIT * 2 ** attempts),
                now)
        return len(batch)
    missing = ("error", "AEAT's answer has no line for this record")
    _record(batch, {r.id: answer.lines.get((r.number, r.kind), missing) for r in batch},
            timedelta(seconds=answer.wait_seconds), now)
    return len(batch)


def submit_pending(ctx: JobContext) -> None:
    """The periodic job: every issuer's waiting records, an issuer whose certificate is refused logged and
    skipped (its records stay pending)."""
    tax_ids = list(session().scalars(select(Chain.issuer_tax_id).order_by(Chain.issuer_tax_id)))
    for done, tax_id in enumerate(tax_ids, 1):
        try:
            submit_issuer(tax_id)
        except SubmissionRefused as exc:
            log.error("verifactu: records of %s not sent: %s", tax_id, exc)
        ctx.progress(done, len(tax_ids))
