"""`trato verifactu check` walks every chain: intact, it says so and exits 0; a row altered or removed behind
the application's back (raw SQL, the append-only trigger set aside first) is named, and it exits 1."""
from trato_verifactu import check
from verifactu_support import ISSUER, behind_the_apps_back, chain_of, customer, issued


def run(app):
    return app.test_cli_runner().invoke(args=["verifactu", "check"])


def test_an_intact_chain_passes(vf_app):
    with vf_app.app_context():
        for price in ("10.00", "20.00", "30.00"):
            issued(customer(), price)
    result = run(vf_app)
    assert (result.exit_code, result.output) == (0, f"Chain {ISSUER} is intact: 3 records.\n")


def test_an_amount_altered_in_the_database_is_named(vf_app):
    with vf_app.app_context():
        account = customer()
        records = [issued(account, price) for price in ("10.00", "20.00", "30.00")]
        altered = chain_of()[1]
        behind_the_apps_back("UPDATE verifactu_record SET importe_total = 2.42 WHERE id = :id", id=altered.id)
    result = run(vf_app)
    assert result.exit_code == 1
    assert result.output == (f"Chain {ISSUER}, record {altered.id} ({records[1]['number']}): its fingerprint does "
                             "not match its fields: the record was altered\n")


def test_a_removed_record_and_a_forged_link_are_named(vf_app):
    with vf_app.app_context():
        account = customer()
        for price in ("10.00", "20.00", "30.00", "40.00"):
            issued(account, price)
        chain = chain_of()
        behind_the_apps_back("DELETE FROM verifactu_submission WHERE record_id = :id",
                             "DELETE FROM verifactu_record WHERE id = :id", id=chain[1].id)
        reports = check.check_all()
    (report,) = reports
    assert not report.intact
    assert [(b.record_id, b.problem) for b in report.breaks] == [
        (chain[2].id, "record 2 of the chain is missing"),
        (chain[2].id, f"its previous record {chain[1].id} is missing from the chain"),
        (chain[2].id, f"its previous fingerprint {chain[1].fingerprint} does not match {chain[0].fingerprint}")]
    with vf_app.app_context():
        behind_the_apps_back("UPDATE verifactu_record SET previous_fingerprint = :forged WHERE id = :id",
                             forged=chain[0].fingerprint, id=chain[2].id)
        (report,) = check.check_all()
    assert [(b.record_id, b.problem) for b in report.breaks] == [
        (chain[2].id, "record 2 of the chain is missing"),
        (chain[2].id, f"its previous record {chain[1].id} is missing from the chain"),
        (chain[2].id, "its fingerprint does not match its fields: the record was altered")]


def test_with_no_chain_there_is_nothing_to_check(vf_app):
    result = vf_app.test_cli_runner().invoke(args=["verifactu", "check"])
    assert (result.exit_code, result.output) == (0, "There are no chains to check.\n")
