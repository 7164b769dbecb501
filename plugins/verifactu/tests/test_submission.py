"""Sending the records to AEAT, tested against a local stand-in on loopback (aeat_loopback.py: TLS with the
company's certificate as the client's, answering as AEAT's documentation shows); AEAT's own servers cannot
be reached from here. The message validates against AEAT's XSD; answers are kept per record; flow control
and the back-off after a failure are kept; a wrong certificate stops everything before it is sent."""
from datetime import datetime, timedelta, timezone

import pytest
from aeat_loopback import Loopback, company_certificate
from sqlalchemy import select
from trato_verifactu import cancelling
from trato_verifactu.models import Chain, Submission
from trato_verifactu.submission import SubmissionRefused, submit_issuer
from verifactu_support import ISSUER, chain_of, customer, issued

from trato import session

T = datetime(2027, 1, 15, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def aeat(vf_app, tmp_path):
    """The stand-in, trusting the company's certificate; the app pointed at it."""
    certificate = company_certificate(tmp_path, ISSUER)
    server = Loopback(tmp_path, [certificate])
    vf_app.config.update(VERIFACTU_ENDPOINT=server.url, VERIFACTU_CERTIFICATE=str(certificate),
                         VERIFACTU_CA_FILE=str(server.server_certificate))
    yield server
    server.close()


def states() -> list[tuple[str, str, int]]:
    return [(s.state, s.answer or "", s.attempts)
            for s in session().scalars(select(Submission).order_by(Submission.record_id))]


def test_records_go_in_one_message_answers_are_kept_and_flow_control_waits(vf, aeat):
    account = customer()
    first, second = issued(account, "10.00"), issued(account, "20.00")
    cancelling.cancel(first.id, user=None)
    aeat.behaviour.reject = {second["number"]}
    assert submit_issuer(ISSUER, now=T) == 3
    assert len(aeat.behaviour.received) == 1 and aeat.behaviour.schema_problems == []
    assert f"IDCES-{ISSUER}" in aeat.behaviour.client_subjects[0]
    kept = states()
    assert [(state, attempts) for state, _answer, attempts in kept] == [("accepted", 1), ("rejected", 1),
                                                                         ("accepted", 1)]
    assert "<tikR:EstadoRegistro>Correcto</tikR:EstadoRegistro>" in kept[0][1]
    assert "<tikR:CodigoErrorRegistro>1100</tikR:CodigoErrorRegistro>" in kept[1][1]
    assert "<tik:TipoOperacion>Anulacion</tik:TipoOperacion>" in kept[2][1]
    assert session().get(Chain, ISSUER, populate_existing=True).next_submission_at == T + timedelta(seconds=60)

    issued(account, "30.00")
    assert submit_issuer(ISSUER, now=T + timedelta(seconds=30)) == 0        # AEAT asked for 60 s
    assert len(aeat.behaviour.received) == 1
    assert submit_issuer(ISSUER, now=T + timedelta(seconds=61)) == 1        # only the new one: none twice
    assert states()[-1][0] == "accepted" and len(aeat.behaviour.received) == 2


def test_a_failure_is_kept_and_tried_again_after_a_back_off(vf, aeat):
    issued(customer(), "10.00")
    aeat.behaviour.faults = 1
    assert submit_issuer(ISSUER, now=T) == 1
    ((state, answer, attempts),) = states()
    assert (state, attempts) == ("error", 1) and "Servicio no disponible temporalmente" in answer
    assert session().get(Chain, ISSUER, populate_existing=True).next_submission_at == T + timedelta(seconds=120)
    assert submit_issuer(ISSUER, now=T + timedelta(seconds=119)) == 0
    assert submit_issuer(ISSUER, now=T + timedelta(seconds=121)) == 1
    assert [(s, a) for s, _answer, a in states()] == [("accepted", 2)]


def test_the_certificate_is_checked_before_anything_is_sent(vf, aeat, tmp_path):
    issued(customer(), "10.00")
    expired = company_certificate(tmp_path, ISSUER, days=(-400, -35))
    vf.config["VERIFACTU_CERTIFICATE"] = str(expired)
    with pytest.raises(SubmissionRefused, match="The VeriFactu certificate expired on"):
        submit_issuer(ISSUER)
    vf.config["VERIFACTU_CERTIFICATE"] = str(company_certificate(tmp_path, "A39200019"))
    with pytest.raises(SubmissionRefused, match=f"it does not name {ISSUER}"):
        submit_issuer(ISSUER)
    vf.config["VERIFACTU_CERTIFICATE"] = ""
    with pytest.raises(SubmissionRefused, match="Set the VeriFactu certificate"):
        submit_issuer(ISSUER)
    assert aeat.behaviour.received == [] and [s for s, _a, _n in states()] == ["pending"]
    assert len(chain_of()) == 1


def test_the_periodic_job_sends_each_issuers_records(vf_app, aeat):
    with vf_app.app_context():
        issued(customer(), "10.00")
    vf_app.extensions["trato"].tasks["verifactu.submit"]()
    with vf_app.app_context():
        assert [s for s, _a, _n in states()] == ["accepted"]
