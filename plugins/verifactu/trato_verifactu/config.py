"""The plugin's settings: an environment variable TRATO_VERIFACTU_<NAME>, else the app's config key
VERIFACTU_<NAME>, else the default. Read at the moment of use, so a changed setting needs no restart."""
from __future__ import annotations

import os

from flask import current_app

# AEAT's ValidarQR service (Orden HAC/1177/2024 art. 21; AEAT's QR specification), per environment.
QR_URLS = {"test": "https://prewww2.aeat.es/wlpl/TIKE-CONT/ValidarQR",
           "production": "https://www2.agenciatributaria.gob.es/wlpl/TIKE-CONT/ValidarQR"}
# AEAT's VERI*FACTU SOAP service (SistemaFacturacion.wsdl), per environment.
SUBMISSION_URLS = {
    "test": "https://prewww1.aeat.es/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP",
    "production": "https://www1.agenciatributaria.gob.es/wlpl/TIKE-CONT/ws/SistemaFacturacion/VerifactuSOAP"}
DEFAULTS = {
    "ENVIRONMENT": "test",              # "test" (AEAT's pre-production) or "production"
    "TIME_ZONE": "Europe/Madrid",       # the offset FechaHoraHusoGenRegistro carries
    "INSTALLATION": "1",                # NumeroInstalacion: this install among the producer's
    "ENDPOINT": "",                     # the SOAP address; empty: the ENVIRONMENT's
    "CERTIFICATE": "",                  # PEM (certificate + key), or a folder of <tax id>.pem
    "CA_FILE": "",                      # the authorities to trust for the endpoint; empty: the system's
}


def setting(name: str) -> str:
    return str(os.environ.get(f"TRATO_VERIFACTU_{name}") or current_app.config.get(f"VERIFACTU_{name}")
               or DEFAULTS[name])


def qr_base_url() -> str:
    """The ValidarQR address of the configured environment; an unknown name counts as "test"."""
    return QR_URLS.get(setting("ENVIRONMENT"), QR_URLS["test"])


def submission_url() -> str:
    return setting("ENDPOINT") or SUBMISSION_URLS.get(setting("ENVIRONMENT"), SUBMISSION_URLS["test"])
