"""A local stand-in for AEAT's VERI*FACTU SOAP service, on loopback over TLS with client certificates, for
test_submission.py; and the certificates the tests need (made here, never real ones). It answers as AEAT's
documentation of RespuestaRegFactuSistemaFacturacion shows: TiempoEsperaEnvio, EstadoEnvio and a
RespuestaLinea per record. No tests here."""
from __future__ import annotations

import datetime as dt
import ipaddress
import ssl
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from lxml import etree
from trato_verifactu.records_xml import BASE, SF, schema_errors

SOAP = "http://schemas.xmlsoap.org/soap/envelope/"
TIKR = BASE + "RespuestaSuministro.xsd"


def make_certificate(folder: Path, name: str, subject: list[tuple[x509.ObjectIdentifier, str]],
                     days: tuple[int, int] = (-1, 365), server: bool = False) -> Path:
    """A self-signed certificate and its key in one PEM file; `days` its validity around today."""
    key = ec.generate_private_key(ec.SECP256R1())
    now = dt.datetime.now(dt.timezone.utc)
    names = x509.Name([x509.NameAttribute(oid, value) for oid, value in subject])
    builder = (x509.CertificateBuilder().subject_name(names).issuer_name(names).public_key(key.public_key())
               .serial_number(x509.random_serial_number())
               .not_valid_before(now + dt.timedelta(days=days[0])).not_valid_after(now + dt.timedelta(days=days[1])))
    if server:
        builder = builder.add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address(
            "127.0.0.1"))]), critical=False)
    cert = builder.sign(key, hashes.SHA256())
    path = folder / f"{name}.pem"
    path.write_bytes(cert.public_bytes(serialization.Encoding.PEM) + key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()))
    return path


def company_certificate(folder: Path, tax_id: str, days: tuple[int, int] = (-1, 365)) -> Path:
    """A representative's certificate as Spain's authorities issue them: the tax id in serialNumber."""
    return make_certificate(folder, f"company-{tax_id}-{days[1]}", [
        (NameOID.COMMON_NAME, "HERRAMIENTAS URIARTE SL"), (NameOID.SERIAL_NUMBER, f"IDCES-{tax_id}"),
        (NameOID.COUNTRY_NAME, "ES")], days)


@dataclass
class Behaviour:
    """How the stand-in answers: the wait it asks for, numbers it rejects, faults it gives first."""

    wait: int = 60
    reject: set[str] = field(default_factory=set)
    faults: int = 0
    received: list[bytes] = field(default_factory=list)
    schema_problems: list[str] = field(default_factory=list)
    client_subjects: list[str] = field(default_factory=list)


def _answer(body: bytes, behaviour: Behaviour) -> bytes:
    message = etree.fromstring(body).find(f"{{{SOAP}}}Body")[0]
    behaviour.schema_problems += schema_errors(message)
    lines = []
    for record in message.iter(f"{{{SF}}}RegistroAlta", f"{{{SF}}}RegistroAnulacion"):
        alta = record.tag.endswith("RegistroAlta")
        ids = [child.text for child in record.find(f"{{{SF}}}IDFactura")]
        state = "Incorrecto" if ids[1] in behaviour.reject else "Correcto"
        error = ("<tikR:CodigoErrorRegistro>1100</tikR:CodigoErrorRegistro><tikR:DescripcionErrorRegistro>"
                 "Valor o tipo incorrecto del campo</tikR:DescripcionErrorRegistro>") if state == "Incorrecto" else ""
        lines.append(
            f"<tikR:RespuestaLinea><tikR:IDFactura><tik:IDEmisorFactura>{ids[0]}</tik:IDEmisorFactura>"
            f"<tik:NumSerieFactura>{ids[1]}</tik:NumSerieFactura><tik:FechaExpedicionFactura>{ids[2]}"
            f"</tik:FechaExpedicionFactura></tikR:IDFactura><tikR:Operacion><tik:TipoOperacion>"
            f"{'Alta' if alta else 'Anulacion'}</tik:TipoOperacion></tikR:Operacion>"
            f"<tikR:EstadoRegistro>{state}</tikR:EstadoRegistro>{error}</tikR:RespuestaLinea>")
    return (f'<?xml version="1.0" encoding="UTF-8"?><env:Envelope xmlns:env="{SOAP}"><env:Header/><env:Body>'
            f'<tikR:RespuestaRegFactuSistemaFacturacion xmlns:tikR="{TIKR}" xmlns:tik="{SF}">'
            f"<tikR:CSV>A-TESTCSV0000001</tikR:CSV><tikR:TiempoEsperaEnvio>{behaviour.wait}</tikR:TiempoEsperaEnvio>"
            f"<tikR:EstadoEnvio>{'ParcialmenteCorrecto' if behaviour.reject else 'Correcto'}</tikR:EstadoEnvio>"
            f"{''.join(lines)}</tikR:RespuestaRegFactuSistemaFacturacion></env:Body></env:Envelope>").encode()


FAULT = (f'<env:Envelope xmlns:env="{SOAP}"><env:Body><env:Fault><faultcode>env:Server</faultcode>'
         "<faultstring>Codigo[103].Servicio no disponible temporalmente</faultstring></env:Fault></env:Body>"
         "</env:Envelope>").encode()


class Handler(BaseHTTPRequestHandler):
    behaviour: Behaviour

    def do_POST(self) -> None:  # noqa: N802 - http.server's name
        body = self.rfile.read(int(self.headers["Content-Length"]))
        behaviour = self.server.behaviour  # type: ignore[attr-defined]
        behaviour.received.append(body)
        behaviour.client_subjects.append(str(self.connection.getpeercert()["subject"]))
        if behaviour.faults:
            behaviour.faults -= 1
            status, answer = 500, FAULT
        else:
            status, answer = 200, _answer(body, behaviour)
        self.send_response(status)
        self.send_header("Content-Type", "text/xml; charset=utf-8")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, *args: object) -> None:
        return


class Loopback:
    """The stand-in, serving on 127.0.0.1 on a free port from a thread; `url`, `server_certificate`."""

    def __init__(self, folder: Path, trusted_clients: list[Path]) -> None:
        self.server_certificate = make_certificate(folder, "server", [(NameOID.COMMON_NAME, "127.0.0.1")],
                                                   server=True)
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(str(self.server_certificate))
        context.verify_mode = ssl.CERT_REQUIRED
        for client in trusted_clients:
            context.load_verify_locations(cafile=str(client))
        self.behaviour = Behaviour()
        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.behaviour = self.behaviour  # type: ignore[attr-defined]
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = f"https://127.0.0.1:{self.httpd.server_address[1]}/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
