"""Mail in against a real IMAP server (a private Dovecot), the MTA pipe as a real process, and bad mail."""
from __future__ import annotations

import os
import re
import subprocess
import sys
import tempfile
import types
from collections.abc import Iterator
from email.message import EmailMessage
from pathlib import Path

import pytest
from sqlalchemy import func, select

from trato import db, extras, hookimpl, records
from trato.mailin import imap, take
from trato.mailin.logged import received_mail
from trato.mailin.models import Mailbox, MailLink, ReceivedMail

from .support.mail_in_servers import PASSWORD, USER, CuttingRelay, Dovecot

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="session")
def dovecot() -> Iterator[Dovecot]:
    folder = Path(tempfile.mkdtemp(prefix="trato-dovecot-"))
    os.chmod(folder, 0o755)  # dovecot's own users walk into it
    server = Dovecot(folder / "dovecot")
    yield server
    server.stop()


@pytest.fixture
def imap_box(dovecot: Dovecot) -> Dovecot:
    dovecot.empty()
    return dovecot


@pytest.fixture
def crm(make_app):
    return make_app(plugins=["contacts", "sales"])


def mid(subject: str) -> str:
    """The Message-ID the test messages get from their subject."""
    return re.sub(r"[^a-z0-9]+", "-", subject.lower()) + "@client.example"


def message(subject: str, *, sender: str = "Ana Ruiz <ana@client.example>", to: str = "crm@ours.example",
            message_id: str | None = None, in_reply_to: str | None = None, attachment: bytes | None = None,
            name: str = "offer.pdf", body: str = "Hello,\n\nsee attached.") -> bytes:
    msg = EmailMessage()
    msg["From"], msg["To"], msg["Subject"] = sender, to, subject
    msg["Message-ID"] = f"<{message_id or mid(subject)}>"
    msg["Date"] = "Mon, 07 Dec 2026 10:00:00 +0100"
    if in_reply_to:
        msg["In-Reply-To"] = f"<{in_reply_to}>"
        msg["References"] = f"<older@ours.example> <{in_reply_to}>"
    msg.set_content(body)
    if attachment is not None:
        maintype, subtype = ("application", "pdf") if attachment.startswith(b"%PDF") else ("application", "zip")
        msg.add_attachment(attachment, maintype=maintype, subtype=subtype, filename=name)
    return msg.as_bytes()


def sent_by_outbox(app, entity: str, record_id: int, links=()) -> str:
    """Queue a message in mail out's outbox from a record (and shown on `links`' timelines); its Message-ID."""
    from trato.mail import outbox

    with app.app_context():
        session = db.session()
        sent = outbox.queue(session, sender="crm@ours.example", to=["eva@elsewhere.example"], subject="Your quote",
                            text="Here it is.", entity=entity, record_id=record_id, links=links)
        session.commit()
        return sent.message_id


def emails(entity: str, record_id: int) -> list[ReceivedMail]:
    """The received messages on a record's timeline (in an app context)."""
    return received_mail(entity, record_id, 50)


def mailbox(app, port: int, **values) -> int:
    with app.extensions["trato"].sessionmaker() as session:
        box = Mailbox(name=values.pop("name", "sales"), host=values.pop("host", "127.0.0.1"), port=port,
                      security="none",
                      username=USER, password=PASSWORD, folder="INBOX", **values)
        session.add(box)
        session.commit()
        return box.id


def rows(app, model=ReceivedMail):
    with app.extensions["trato"].sessionmaker() as session:
        return list(session.scalars(select(model).order_by(model.id)))


def test_a_reply_to_our_mail_lands_on_the_records_timeline_with_its_attachment(crm, make_record, imap_box,
                                                                              client_as):
    contact = make_record("contacts_contact", first_name="Ana", last_name="Ruiz", email="ana@client.example")
    other = make_record("contacts_contact", first_name="Eva", last_name="Gil", email="eva@elsewhere.example")
    account = make_record("contacts_account", name="Gil Hermanos")
    quote = sent_by_outbox(crm, "contacts_contact", other.id, links=[("contacts_account", account.id)])
    # The reply comes from an address no record has: only the conversation ties it to Eva's record.
    imap_box.append(message("Re: your quote", sender="Boss <boss@unknown.example>",
                            in_reply_to=quote, attachment=PDF))
    box = mailbox(crm, imap_box.port)
    with crm.app_context():
        result = imap.poll(box)
        assert (result.taken, result.error) == (1, "")
        notes = emails("contacts_contact", other.id)
        files = extras.attachments("contacts_contact", other.id, None)
        assert emails("contacts_contact", contact.id) == []
        assert [m.subject for m in emails("contacts_account", account.id)] == ["Re: your quote"]  # sent to it too
    assert [(m.subject, m.sender) for m in notes] == [("Re: your quote", "boss@unknown.example")]
    assert "see attached." in notes[0].body
    page = client_as("admin", app=crm).get(f"/r/contacts_contact/{other.id}/timeline?kind=emails")
    assert "Email received from Boss" in page.text and "Re: your quote" in page.text and "see attached." in page.text
    assert "offer.pdf" in client_as("admin", app=crm).get(f"/r/contacts_contact/{other.id}/timeline?kind=files").text
    assert [(f.file_name, f.content_type, f.size) for f in files] == [("offer.pdf", "application/pdf", len(PDF))]
    [mail] = rows(crm)
    assert (mail.status, mail.source, mail.message_id) == ("logged", "imap", mid("Re: your quote"))
    # A later answer in the same conversation, from Ana, lands on both: by thread and by her address.
    imap_box.append(message("Re: Re: your quote", in_reply_to=mid("Re: your quote")))
    with crm.app_context():
        assert imap.poll(box).taken == 1
    assert {(link.entity, link.record_id) for link in rows(crm, MailLink) if link.mail_id != mail.id} == {
        ("contacts_contact", other.id), ("contacts_account", account.id), ("contacts_contact", contact.id)}


def test_the_same_message_polled_twice_is_stored_once(crm, make_record, imap_box):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ANA@client.example")
    raw = message("Twice", attachment=PDF)
    imap_box.append(raw, raw)  # two UIDs, one Message-ID
    box = mailbox(crm, imap_box.port)
    with crm.app_context():
        first = imap.poll(box)
        session = crm.extensions["trato"].sessionmaker()
        with session.begin():
            session.get(Mailbox, box).last_uid = 0  # as if the UIDs had never been recorded
        again = imap.poll(box)
        assert len(emails("contacts_contact", contact.id)) == 1
        assert len(extras.attachments("contacts_contact", contact.id, None)) == 1
    assert (first.taken, first.duplicates, again.taken, again.duplicates) == (1, 1, 0, 2)
    assert len(rows(crm)) == 1


def test_a_connection_dropped_mid_fetch_loses_and_doubles_nothing(crm, make_record, imap_box):
    make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    imap_box.append(*(message(f"Number {n}") for n in range(1, 4)))
    relay = CuttingRelay(imap_box.port, cut_after=2)  # the second message's FETCH is cut short
    box = mailbox(crm, relay.port)
    try:
        with crm.app_context():
            cut = imap.poll(box)
    finally:
        relay.close()
    assert relay.cuts == 1 and cut.taken == 1 and cut.error
    [state] = rows(crm, Mailbox)
    assert state.last_uid == 1 and state.last_error == cut.error
    with crm.app_context():
        session = crm.extensions["trato"].sessionmaker()
        with session.begin():
            session.get(Mailbox, box).port = imap_box.port
        after = imap.poll(box)
    assert (after.taken, after.error) == (2, "")
    assert [m.subject for m in rows(crm)] == ["Number 1", "Number 2", "Number 3"]
    [state] = rows(crm, Mailbox)
    assert (state.last_uid, state.last_error) == (3, "")


def test_a_new_uidvalidity_reads_the_folder_again_without_doubling(crm, imap_box):
    imap_box.append(message("Before"))
    box = mailbox(crm, imap_box.port)
    with crm.app_context():
        assert imap.poll(box).taken == 1
    imap_box.empty()  # the folder rebuilt: new UIDVALIDITY, UIDs from 1 again
    imap_box.append(message("Before"), message("After"))
    with crm.app_context():
        result = imap.poll(box)
    assert (result.taken, result.duplicates) == (1, 1)
    assert [m.subject for m in rows(crm)] == ["Before", "After"]


def test_a_wrong_password_is_a_clear_state_on_the_mailbox(crm, imap_box):
    box = mailbox(crm, imap_box.port)
    with crm.app_context():
        session = crm.extensions["trato"].sessionmaker()
        with session.begin():
            session.get(Mailbox, box).password = "wrong"
        result = imap.poll(box)
    assert "AUTHENTICATIONFAILED" in result.error
    [state] = rows(crm, Mailbox)
    assert state.last_error == result.error and state.polled_at is not None and state.last_uid == 0


def pipe(app, raw: bytes, *args: str, database_url: str | None = None) -> subprocess.CompletedProcess[bytes]:
    settings = app.extensions["trato"].settings
    env = {**os.environ, "TRATO_INSTANCE_PATH": str(settings.instance_path),
           "TRATO_DATABASE_URL": database_url or settings.database_url, "TRATO_SECRET_KEY": "test-secret-key"}
    return subprocess.run([sys.executable, "-m", "trato.cli", "mail-in", *args], input=raw, env=env,
                          capture_output=True, timeout=120)


def test_the_mta_pipe_answers_with_sysexits(crm, make_record):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    raw = message("Through the pipe", attachment=PDF)
    done = pipe(crm, raw)
    assert done.returncode == 0, done.stderr
    assert b"taken" in done.stdout
    again = pipe(crm, raw)
    assert again.returncode == 0 and b"already taken" in again.stdout
    with crm.app_context():
        assert [m.subject for m in emails("contacts_contact", contact.id)] == ["Through the pipe"]
        assert [f.file_name for f in extras.attachments("contacts_contact", contact.id, None)] == ["offer.pdf"]
    assert [(m.subject, m.source) for m in rows(crm)] == [("Through the pipe", "pipe")]
    assert pipe(crm, b"\x00\x01 this is no mail at all").returncode == 65
    assert pipe(crm, message("For nobody"), "--mailbox", "nosuch").returncode == 67
    away = "postgresql://nobody@127.0.0.1:1/none" if crm.extensions["trato"].settings.database_url.startswith(
        "postgresql") else f"sqlite:///{crm.extensions['trato'].settings.instance_path}/missing/none.db"
    failed = pipe(crm, message("Later"), database_url=away)
    assert failed.returncode == 75, failed.stderr
    assert len(rows(crm)) == 1


def test_an_unknown_sender_waits_in_the_inbox_or_becomes_a_lead(crm):
    box_id = mailbox(crm, 0, name="leads", host="", unknown_senders="lead", lead_entity="sales_lead")
    with crm.app_context():
        box = db.session().get(Mailbox, box_id)
        waiting = take(message("Who am I", sender="Zoe Diaz <zoe@new.example>"), "http")
        made = take(message("New here", sender="Luis Vidal Soto <luis@new.example>"), "pipe", box)
        auto = take(message("Out of office", sender="bot@new.example").replace(
            b"Subject:", b"Auto-Submitted: auto-replied\r\nSubject:"), "pipe", box)
        leads = records.query("sales_lead", user=None).page(limit=10).items
        assert [(r["first_name"], r["last_name"], r["email"]) for r in leads] == [
            ("Luis", "Vidal Soto", "luis@new.example")]
        assert [m.subject for m in emails("sales_lead", leads[0].id)] == ["New here"]
    assert (waiting.status, waiting.targets) == ("inbox", ())
    assert made.status == "lead" and made.targets == (("sales_lead", leads[0].id),)
    assert auto.status == "inbox"


def test_our_own_mail_coming_back_is_a_loop(crm, make_record):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    ours = sent_by_outbox(crm, "contacts_contact", contact.id)
    with crm.app_context():
        back = take(message("Our own", message_id=ours, to="ana@client.example"), "imap")
        tagged = take(message("Tagged").replace(b"Subject:", b"X-Trato-Outbox: 7\r\nSubject:"), "imap")
        assert emails("contacts_contact", contact.id) == []
    assert (back.status, back.targets, tagged.status) == ("loop", (), "loop")


def test_bad_mail_is_kept_with_a_note_saying_what_was_wrong(crm, make_record):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    broken = (b"From: ana@client.example\r\nSubject: Broken\r\nMessage-ID: <broken@client.example>\r\n"
              b"Content-Type: multipart/mixed; boundary=\"nowhere\"\r\n\r\nno boundary ever comes\r\n")
    charset = (b"From: ana@client.example\r\nSubject: Charset\r\nMessage-ID: <charset@client.example>\r\n"
               b"Content-Type: text/plain; charset=x-klingon\r\n\r\nqapla\xe9 caf\xc3\xa9\r\n")
    big = message("Big", attachment=b"PK\x03\x04" + os.urandom(30 * 1024 * 1024), name="huge.zip")
    with crm.app_context():
        results = [take(raw, "pipe") for raw in (broken, charset, big)]
        notes = emails("contacts_contact", contact.id)
        assert extras.attachments("contacts_contact", contact.id, None) == []
    assert [r.status for r in results] == ["logged"] * 3
    by_subject = {m.subject: m for m in rows(crm)}
    assert "MIME" in by_subject["Broken"].notes
    assert "x-klingon" in by_subject["Charset"].notes and "qapla" in by_subject["Charset"].body
    assert "huge.zip refused" in by_subject["Big"].notes and "over the limit of 25 MB" in by_subject["Big"].notes
    assert by_subject["Big"].size > 30 * 1024 * 1024
    assert any("huge.zip refused" in n.notes for n in notes) and len(notes) == 3
    with crm.app_context():
        from trato.mailin.intake import raw_of
        assert raw_of(by_subject["Big"]) == big  # the message itself is kept whole


def test_two_takers_of_one_message_at_once_store_it_once(crm, make_record):
    import threading

    make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    raw = message("Raced")
    results, barrier = [], threading.Barrier(4)

    def run() -> None:
        with crm.app_context():
            barrier.wait()
            results.append(take(raw, "pipe"))

    threads = [threading.Thread(target=run) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(r.duplicate for r in results) == [False, True, True, True]
    assert len({r.mail_id for r in results}) == 1
    with crm.extensions["trato"].sessionmaker() as session:
        assert session.scalar(select(func.count(MailLink.id))) == 1


@hookimpl
def _casedesk_hook(mail):
    """The sample plugin's `mail_received`: mail to the support mailbox becomes a record of its own (email to
    case); mail from a sender called "crash" makes the plugin fail."""
    if mail.sender.startswith("crash@"):
        raise RuntimeError("casedesk is down")
    if mail.mailbox != "support" or mail.auto_submitted:
        return None
    case = records.create("contacts_account", {"name": f"Case: {mail.subject}"}, user=None)
    return "contacts_account", case.id


@pytest.fixture
def casedesk_app(make_app, monkeypatch, tmp_path):
    from trato import Plugin

    module = types.ModuleType("trato_casedesk_hooks")
    module.__file__ = str(tmp_path / "trato_casedesk_hooks.py")
    module.mail_received = _casedesk_hook
    monkeypatch.setitem(sys.modules, "trato_casedesk_hooks", module)
    plugin = Plugin(name="casedesk", label="Case desk", hooks="trato_casedesk_hooks")
    return make_app(plugins=["contacts", "sales", "casedesk"], extra_plugins={"casedesk": plugin})


def test_hook_mail_received(casedesk_app, make_record):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ana@client.example", app=casedesk_app)
    box_id = mailbox(casedesk_app, 0, name="support", host="")
    with casedesk_app.app_context():
        box = db.session().get(Mailbox, box_id)
        claimed = take(message("Printer on fire", attachment=PDF), "pipe", box)
        ignored = take(message("Just saying hi"), "pipe")  # not the support mailbox: not claimed
        failed = take(message("Boom", sender="crash@client.example", to="ana@client.example"), "pipe", box)
        [case] = records.query("contacts_account", user=None).page(limit=10).items
        assert case["name"] == "Case: Printer on fire"
        assert [f.file_name for f in extras.attachments("contacts_account", case.id, None)] == ["offer.pdf"]
        assert len(emails("contacts_contact", contact.id)) == 3  # matched by address all the same
    assert claimed.status == "claimed" and set(claimed.targets) == {("contacts_account", case.id),
                                                                     ("contacts_contact", contact.id)}
    assert ignored.status == "logged" and ignored.targets == (("contacts_contact", contact.id),)
    assert failed.status == "logged"
    by_subject = {m.subject: m for m in rows(casedesk_app)}
    assert by_subject["Printer on fire"].claimed_by == "contacts_account"
    assert "casedesk is down" in by_subject["Boom"].notes


def test_the_http_endpoint_takes_a_raw_message(crm, make_record, api_client_as):
    contact = make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    admin, rep = api_client_as("admin", app=crm), api_client_as("user", app=crm)
    raw = message("Over HTTP", attachment=PDF)
    sent = admin.post("mail/in", data=raw, headers={"Content-Type": "message/rfc822"})
    assert sent.status_code == 201, sent.get_json()
    body = sent.get_json()
    assert body["status"] == "logged" and body["duplicate"] is False
    assert body["records"] == [{"entity": "contacts_contact", "id": contact.id}]
    again = admin.post("mail/in", data=raw, headers={"Content-Type": "message/rfc822"})
    assert again.status_code == 200 and again.get_json()["duplicate"] is True and again.get_json()["id"] == body["id"]
    with crm.app_context():
        assert [f.file_name for f in extras.attachments("contacts_contact", contact.id, None)] == ["offer.pdf"]

    def problem(response, status, field):
        assert response.status_code == status and response.mimetype == "application/problem+json"
        assert field in response.get_json()["errors"], response.get_json()

    problem(admin.post("mail/in", data=b"\x00garbage", headers={"Content-Type": "message/rfc822"}), 422, "body")
    problem(admin.post("mail/in?mailbox=nosuch", data=raw, headers={"Content-Type": "message/rfc822"}), 422,
            "mailbox")
    problem(admin.post("mail/in", json={"raw": "x"}), 415, "Content-Type")
    problem(rep.post("mail/in", data=raw, headers={"Content-Type": "message/rfc822"}), 403, "Authorization")
    assert crm.test_client().post("/api/v1/mail/in", data=raw).status_code == 401
    assert len(rows(crm)) == 1


def test_admins_set_up_a_mailbox_and_the_password_is_never_shown(crm, client_as, imap_box):
    admin = client_as("admin", app=crm)
    assert client_as("user", app=crm).get("/admin/mail-in/mailboxes").status_code in (403, 404)
    form = {"name": "sales", "active": "y", "host": "127.0.0.1", "port": str(imap_box.port), "security": "none",
            "username": USER, "password": PASSWORD, "folder": "INBOX", "unknown_senders": "lead", "lead_entity": ""}
    refused = admin.post("/admin/mail-in/mailboxes/new", data=form)
    assert refused.status_code == 422 and "Choose where leads are made." in refused.text
    assert PASSWORD not in refused.text
    saved = admin.post("/admin/mail-in/mailboxes/new", data={**form, "lead_entity": "sales_lead"})
    assert saved.status_code == 302
    [box] = rows(crm, Mailbox)
    assert (box.password, box.unknown_senders, box.lead_entity) == (PASSWORD, "lead", "sales_lead")
    page = admin.get(f"/admin/mail-in/mailboxes/{box.id}")
    assert page.status_code == 200 and PASSWORD not in page.text and 'value="sales"' in page.text
    kept = admin.post(f"/admin/mail-in/mailboxes/{box.id}", data={**form, "password": "", "lead_entity": "sales_lead",
                                                                  "folder": "INBOX"})
    assert kept.status_code == 302 and rows(crm, Mailbox)[0].password == PASSWORD  # empty keeps the saved one
    imap_box.append(message("Read by hand", sender="Nuevo <nuevo@new.example>"))
    read = admin.post(f"/admin/mail-in/mailboxes/{box.id}/poll", follow_redirects=True)
    assert "New messages taken in: 1" in read.text
    assert [m.status for m in rows(crm)] == ["lead"]
    es = client_as("admin", app=crm).get("/admin/mail-in/mailboxes", headers={"Accept-Language": "es"})
    assert "Buzones" in es.text


def test_the_inbox_lists_waiting_mail_and_admins_decide(crm, client_as, make_record):
    contact = make_record("contacts_contact", last_name="Ruiz", email="someone@else.example")
    with crm.app_context():
        first = take(message("Unknown one", sender="Zoe <zoe@new.example>", attachment=PDF), "http")
        second = take(message("Unknown two", sender="Luis Vidal <luis@new.example>"), "http")
        third = take(message("Unknown three", sender="spam@new.example"), "http")
    admin = client_as("admin", app=crm)
    page = admin.get("/admin/mail-in")
    assert page.status_code == 200 and all(s in page.text for s in ("Unknown one", "Unknown two", "Unknown three"))
    missing = admin.post(f"/admin/mail-in/{first.mail_id}/attach", data={"entity": "contacts_contact",
                                                                         "record_id": "999999"})
    assert missing.status_code == 422 and "There is no such record." in missing.text
    assert admin.post(f"/admin/mail-in/{first.mail_id}/attach",
                      data={"entity": "contacts_contact", "record_id": str(contact.id)}).status_code == 302
    assert admin.post(f"/admin/mail-in/{second.mail_id}/lead", data={"entity": "sales_lead"}).status_code == 302
    assert admin.post(f"/admin/mail-in/{third.mail_id}/discard").status_code == 302
    again = admin.post(f"/admin/mail-in/{third.mail_id}/discard")
    assert again.status_code == 422 and "This message was dealt with already." in again.text
    with crm.app_context():
        assert [m.subject for m in emails("contacts_contact", contact.id)] == ["Unknown one"]
        assert [f.file_name for f in extras.attachments("contacts_contact", contact.id, None)] == ["offer.pdf"]
        [made] = records.query("sales_lead", user=None).page(limit=5).items
        assert (made["first_name"], made["last_name"], made["email"]) == ("Luis", "Vidal", "luis@new.example")
    assert [m.status for m in rows(crm)] == ["logged", "lead", "discarded"]
    assert "No message here." in admin.get("/admin/mail-in").text


def test_two_workers_polling_one_mailbox_at_once_take_each_message_once(crm, make_record, imap_box):
    import threading

    from trato.jobs import JobContext
    from trato.mailin.tasks import poll_mailboxes

    make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    imap_box.append(*(message(f"Busy {n}") for n in range(12)))
    mailbox(crm, imap_box.port)
    figures, barrier = [], threading.Barrier(2)

    def worker() -> None:
        with crm.app_context():
            barrier.wait()
            figures.append(poll_mailboxes(JobContext(crm, None))["sales"])

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert all(f["error"] == "" for f in figures), figures
    assert sum(f["taken"] for f in figures) == 12
    assert sorted(m.subject for m in rows(crm)) == sorted(f"Busy {n}" for n in range(12))
    assert rows(crm, Mailbox)[0].last_uid == 12
    assert "core.poll_mailboxes" in crm.extensions["trato"].tasks


def test_a_failure_after_the_attachments_were_stored_leaves_no_file_behind(crm, make_record, monkeypatch):
    from trato.mailin import intake

    make_record("contacts_contact", last_name="Ruiz", email="ana@client.example")
    logged = intake.log_on

    def log_then_fail(*args):
        logged(*args)
        raise RuntimeError("the database went away")

    monkeypatch.setattr(intake, "log_on", log_then_fail)
    with crm.app_context(), pytest.raises(RuntimeError):
        take(message("Doomed", attachment=PDF), "pipe")
    uploads = crm.extensions["trato"].settings.upload_path
    assert [p for p in uploads.rglob("*") if p.is_file()] == []
    assert rows(crm) == []
    monkeypatch.setattr(intake, "log_on", logged)
    with crm.app_context():
        assert take(message("Doomed", attachment=PDF), "pipe").status == "logged"  # it comes again, and is taken
    assert len([p for p in uploads.rglob("*") if p.is_file()]) == 2  # the raw message and the PDF
