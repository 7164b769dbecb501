"""Documents out: records rendered to PDF and read back with pdftotext, as a reader of the PDF would see them."""
from __future__ import annotations

import re
import subprocess
import zlib
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import select

from trato import Money, documents, hookimpl, records
from trato.companies import forget as forget_companies
from trato.companies.models import Company
from trato.db import session as db_session
from trato.documents.models import DocumentTemplate, KeptDocument

PNG = bytes.fromhex(  # a 1x1 red pixel
    "89504e470d0a1a0a0000000d4948445200000001000000010802000000907753de0000000c4944415408d763f8cfc000000301"
    "0100c9fe92ef0000000049454e44ae426082")


def text_of(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text as pdftotext reads it, with runs of white space made one space."""
    source = tmp_path / "doc.pdf"
    source.write_bytes(pdf)
    out = subprocess.run(["pdftotext", "-layout", str(source), "-"], capture_output=True, check=True, text=True)
    return " ".join(out.stdout.split())


def inflated(pdf: bytes) -> bytes:
    """The PDF with its compressed streams (object streams, metadata) inflated, to look for what they hold."""
    parts = [pdf]
    for match in re.finditer(rb"stream\r?\n", pdf):
        try:
            parts.append(zlib.decompressobj().decompress(pdf[match.end():]))
        except zlib.error:
            continue
    return b"\n".join(parts)


@pytest.fixture
def letterhead(trade_app):
    """The default company with a legal name, tax id, address and a logo in the upload folder."""
    with trade_app.app_context():
        folder = trade_app.extensions["trato"].settings.upload_path
        (folder / "logos").mkdir(parents=True, exist_ok=True)
        (folder / "logos" / "logo.png").write_bytes(PNG)
        session = db_session()
        company = session.scalar(select(Company).where(Company.is_default.is_(True)))
        company.legal_name, company.trade_name, company.tax_id = "Norte Distribuciones S.L.", "Nortedis", "B12345674"
        company.address_line1, company.postal_code, company.city = "Calle Mayor 1", "48001", "Bilbao"
        company.email, company.logo = "hola@nortedis.example", "logos/logo.png"
        session.commit()
        forget_companies()
    return trade_app


@pytest.fixture
def deal(letterhead, make_user):
    rep = make_user(app=letterhead)
    with letterhead.app_context():
        account = records.create("trade_account", {"name": "Acme Ibérica", "city": "Valencia"}, user=rep)
        made = records.create("trade_deal", {
            "name": "Renewal 2027", "account_id": account.id, "amount": Money(Decimal("1234.5"), "EUR"),
            "closes_on": date(2027, 3, 14), "stage": "won"}, user=rep)
    return rep, made


def test_a_record_pdf_shows_its_fields_labels_and_the_letterhead(deal, letterhead, tmp_path):
    rep, made = deal
    with letterhead.app_context():
        pdf = documents.render_pdf("trade_deal", made.id, user=rep, language="en")
    assert pdf.startswith(b"%PDF-")
    text = text_of(pdf, tmp_path)
    for expected in ("Deal: Renewal 2027", "Name Renewal 2027", "Amount €1,234.50", "Closes on Mar 14, 2027",
                     "Stage Won", "Account Acme Ibérica", "Norte Distribuciones S.L.", "Nortedis",
                     "Tax ID: B12345674", "Calle Mayor 1", "hola@nortedis.example"):
        assert expected in text, expected
    assert re.search(r"1 ?/ ?1$", text)  # the page counter of the footer
    assert b"/Subtype /Image" in pdf  # the logo, embedded from the instance's files


def test_a_spanish_user_gets_spanish_labels_money_and_dates(deal, letterhead, make_user, tmp_path):
    rep, made = deal
    with letterhead.app_context():
        rep.locale = "es"
        db_session().commit()
        text = text_of(documents.render_pdf("trade_deal", made.id, user=rep), tmp_path)
    for expected in ("Oportunidad: Renewal 2027", "Nombre Renewal 2027", "Importe 1.234,50 €",
                     "14 mar 2027", "NIF/CIF: B12345674", "Fecha:"):
        assert expected in text, (expected, text)
    assert "Amount" not in text and "Date:" not in text


def test_hidden_fields_and_related_records_out_of_scope_are_left_out(deal, letterhead, tmp_path, monkeypatch):
    rep, made = deal
    from trato import access

    real = access.field_rules

    def hide_amount(user, entity):
        rules = dict(real(user, entity))
        name = entity if isinstance(entity, str) else entity.name
        return rules | ({"amount": access.HIDDEN} if name == "trade_deal" else {})

    monkeypatch.setattr(access, "field_rules", hide_amount)
    with letterhead.app_context():
        text = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="en"), tmp_path)
    assert "Renewal 2027" in text and "1,234.50" not in text and "Amount" not in text


def test_lines_are_a_table_with_their_money_totals(deal, letterhead, make_user, tmp_path, monkeypatch):
    """The generic document shows each kind of line as a table (lines read through trato.records.lines, here
    standing in for a parent entity's: an account's deals)."""
    rep, made = deal
    with letterhead.app_context():
        account = records.get("trade_account", made["account_id"], user=rep)
        second = records.create("trade_deal", {"name": "Upgrade", "account_id": account.id,
                                               "amount": Money(Decimal("100.25"), "EUR")}, user=rep)

        def lines(entity, record_id, *, user):
            assert (entity, record_id, user) == ("trade_account", account.id, rep)
            return {"trade_deal": [records.get("trade_deal", i, user=user) for i in (made.id, second.id)]}

        monkeypatch.setattr(records, "lines", lines)
        text = text_of(documents.render_pdf("trade_account", account.id, user=rep, language="en"), tmp_path)
    table = text[text.index("Deals Name"):]
    assert table.startswith("Deals Name Account Stage Amount")
    for cell in ("Renewal", "Won", "€1,234.50", "Upgrade", "New", "€100.25"):
        assert cell in table, cell
    assert table.index("€1,234.50") < table.index("€100.25") < table.index("Total €1,334.75")


def test_an_issued_pdf_is_kept_unchanged_after_the_record_changes(deal, letterhead, client_as, tmp_path):
    rep, made = deal
    with letterhead.app_context():
        first = documents.issue("trade_deal", made.id, user=rep, language="en")
        kept = documents.kept("trade_deal", made.id, user=rep)
        assert first.sha256 and first.language == "en" and first.template == "generic"
        records.update("trade_deal", made.id, {"name": "Renamed deal"}, user=rep, version=made.version)
        again = documents.issue("trade_deal", made.id, user=rep, language="es")  # not rendered again
        assert again == first
        assert documents.kept("trade_deal", made.id) == kept
        files = __import__("trato").extras.attachments("trade_deal", made.id, rep)
        assert [(f.id, f.content_type) for f in files] == [(first.attachment_id, "application/pdf")]
        assert "Renamed deal" in documents.render_html("trade_deal", made.id, user=rep)  # a fresh render moves on
    assert "Renewal 2027" in text_of(kept, tmp_path) and "Renamed" not in text_of(kept, tmp_path)
    served = client_as(rep).get(f"/r/trade_deal/{made.id}/document.pdf")
    assert served.status_code == 200 and served.mimetype == "application/pdf" and served.data == kept


def test_nobody_deletes_an_issued_pdf(deal, letterhead, client_as, make_user):
    """Its uploader, an administrator, the API and the page all meet the same refusal; the file stays."""
    from trato import PermissionRefused, extras

    rep, made = deal
    with letterhead.app_context():
        issued = documents.issue("trade_deal", made.id, user=rep)
        for who in (rep, make_user(admin=True, app=letterhead)):
            with pytest.raises(PermissionRefused, match="kept for good"):
                extras.delete_attachment("trade_deal", made.id, issued.attachment_id, who)
        assert [f.kept for f in extras.attachments("trade_deal", made.id, rep)] == [True]
    client = client_as(rep)
    page = client.get(f"/r/trade_deal/{made.id}?tab=timeline").text
    assert f"/files/{issued.attachment_id}/delete" not in page
    refused = client.post(f"/r/trade_deal/{made.id}/files/{issued.attachment_id}/delete")
    assert refused.status_code == 403 and "kept for good" in refused.text
    with letterhead.app_context():
        assert documents.kept("trade_deal", made.id) is not None


def test_a_kept_pdf_changed_on_disk_is_not_served(deal, letterhead, client_as):
    rep, made = deal
    with letterhead.app_context():
        issued = documents.issue("trade_deal", made.id, user=rep)
        from trato.activity import storage
        from trato.activity.models import Attachment

        storage.path_of(db_session().get(Attachment, issued.attachment_id)).write_bytes(b"%PDF-1.7 forged")
    answer = client_as(rep).get(f"/r/trade_deal/{made.id}/document.pdf")
    assert answer.status_code == 422 and "no longer matches what was issued" in answer.text


def test_the_pdf_button_and_route_follow_the_users_access(deal, letterhead, make_user, client_as, tmp_path):
    rep, made = deal
    page = client_as(rep).get(f"/r/trade_deal/{made.id}").text
    header = re.search(r'data-slot="record-header">(.*?)</div>', page, re.S).group(1)
    assert f'href="/r/trade_deal/{made.id}/document.pdf"' in header and ">PDF</a>" in header
    answer = client_as(rep).get(f"/r/trade_deal/{made.id}/document.pdf?lang=es")
    assert answer.status_code == 200 and "Oportunidad: Renewal 2027" in text_of(answer.data, tmp_path)
    other = make_user(app=letterhead)  # the default role sees its own records only
    assert client_as(other).get(f"/r/trade_deal/{made.id}/document.pdf").status_code == 404
    assert client_as(rep).get("/r/trade_deal/999999/document.pdf").status_code == 404
    assert client_as(rep).get("/r/no_such_entity/1/document.pdf").status_code == 404
    assert client_as(rep).get(f"/r/trade_deal/{made.id}/document.pdf?lang=fr").status_code == 422


class ExtraFields:
    """A plugin that adds a merge field (as invoicing adds its tax breakdown)."""

    @hookimpl
    def document_context(entity, record, context, user):
        if entity == "trade_deal":
            context["taxes"] = [{"rate": "21 %", "amount": "[amount]" if record is None else "259,25 €"}]


def test_hook_document_context(deal, letterhead, client_as, tmp_path):
    rep, made = deal
    host = letterhead.extensions["trato"].plugins
    host.pm.register(ExtraFields, name="extra-fields")
    host.hook._cache.clear()
    try:
        body = ('{% extends "layout.html" %}{% block content %}<h1>{{ record.name }}</h1>'
                '{% for t in taxes %}<p>VAT {{ t.rate }}: {{ t.amount }}</p>{% endfor %}{% endblock %}')
        admin = client_as("admin", app=letterhead)
        saved = admin.post("/admin/documents/trade_deal/en", data={"body": body})
        assert saved.status_code == 302  # the editor's trial render saw the hook's field (record None)
        with letterhead.app_context():
            text = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="en"), tmp_path)
        assert "Renewal 2027" in text and "VAT 21 %: 259,25 €" in text
    finally:
        host.pm.unregister(name="extra-fields")
        host.hook._cache.clear()


@pytest.mark.parametrize("body, problem", [
    ("{{ record.__class__ }}", "Line 1 reaches for “__class__”, which is part of Python's internals"),
    ("{{ cycler.__init__.__globals__ }}", "reaches for “__globals__”"),
    ("<p>\n{{ record|attr('__class__') }}</p>", "Line 2 reaches for “__class__”"),
    ("{{ record['_sa_instance_state'] }}", "reaches for “_sa_instance_state”"),
    ("{{ lipsum.__globals__ }}", "reaches for “__globals__”"),
    ("{{ cycler }}", "Line 1 uses “cycler”, which is not a merge field."),
    ("{{ config }}", "Line 1 uses “config”, which is not a merge field."),
    ("<h1>\n\n{{ record.nickname }}</h1>", "Line 3 uses a merge field that does not exist: 'dict object' has no "
                                            "attribute 'nickname'"),
    ("{{ record.name.upper }}", "A method or function cannot be printed"),
    ("{% for x in record %}{{ x }}", "syntax error on line 1"),
    ("{{ ''.__class__.__mro__[1].__subclasses__() }}", "reaches for"),
    ("{{ (record.items|list)[0].__class__ }}", "reaches for “__class__”"),
    ("{{ record.update({'a': 1}) }}", "Line 1 was refused"),
])
def test_the_editor_refuses_bad_templates_with_the_line(deal, letterhead, client_as, body, problem):
    admin = client_as("admin", app=letterhead)
    answer = admin.post("/admin/documents/trade_deal/en", data={"body": body})
    assert answer.status_code == 422
    assert problem in answer.text.replace("&#39;", "'").replace("&#34;", '"')
    assert "Traceback" not in answer.text
    with letterhead.app_context():
        assert db_session().scalar(select(DocumentTemplate)) is None  # nothing saved


def test_a_bad_template_met_at_render_time_is_a_422_never_a_500(deal, letterhead, client_as):
    """A template saved before a field was removed (or written to the table directly) fails with its message."""
    rep, made = deal
    with letterhead.app_context():
        db_session().add(DocumentTemplate(entity="trade_deal", language="en", name="x",
                                          body="<p>{{ record.discount }}</p>\n{{ record.__class__ }}"))
        db_session().commit()
        with pytest.raises(documents.TemplateRefused, match="Line 1 uses a merge field that does not exist") as info:
            documents.render_html("trade_deal", made.id, user=rep, language="en")
        assert info.value.line == 1
    answer = client_as(rep).get(f"/r/trade_deal/{made.id}/document.pdf?lang=en")
    assert answer.status_code == 422 and "discount" in answer.text and "Traceback" not in answer.text
    with letterhead.app_context():
        row = db_session().scalar(select(DocumentTemplate))
        row.body = "{{ record.__class__ }}"
        db_session().commit()
        with pytest.raises(documents.TemplateRefused, match="unsafe"):
            documents.render_html("trade_deal", made.id, user=rep, language="en")


def test_an_admin_template_replaces_the_default_per_language_and_resets(deal, letterhead, client_as, tmp_path):
    rep, made = deal
    admin = client_as("admin", app=letterhead)
    editor = admin.get("/admin/documents/trade_deal/es")
    assert editor.status_code == 200 and "{{ record.name }}" in editor.text and "{{ company.tax_id }}" in editor.text
    body = ('{% extends "layout.html" %}{% block content %}<h1>Presupuesto {{ record.name }}</h1>'
            '<p>Total: {{ record.amount }}</p>{% endblock %}')
    assert admin.post("/admin/documents/trade_deal/es", data={"body": body}).status_code == 302
    with letterhead.app_context():
        spanish = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="es"), tmp_path)
        english = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="en"), tmp_path)
    assert "Presupuesto Renewal 2027" in spanish and "Total: 1.234,50 €" in spanish and "Nortedis" in spanish
    assert "Presupuesto" not in english and "Deal: Renewal 2027" in english
    listing = admin.get("/admin/documents").text
    assert "Edited here" in listing and "Generic document" in listing
    preview = admin.post("/admin/documents/trade_deal/es/preview",
                         data={"body": body.replace("Presupuesto", "Borrador"), "record": str(made.id)})
    assert preview.status_code == 200 and "Borrador Renewal 2027" in text_of(preview.data, tmp_path)
    assert admin.post("/admin/documents/trade_deal/es/reset").status_code == 302
    with letterhead.app_context():
        assert "Oportunidad: Renewal 2027" in text_of(
            documents.render_pdf("trade_deal", made.id, user=rep, language="es"), tmp_path)


def test_the_admin_screens_are_for_admins(letterhead, client_as):
    user = client_as("user", app=letterhead)
    assert user.get("/admin/documents").status_code == 403
    assert user.get("/admin/documents/trade_deal/en").status_code == 403
    assert user.post("/admin/documents/trade_deal/en", data={"body": "x"}).status_code == 403
    admin = client_as("admin", app=letterhead)
    assert admin.get("/admin/documents/trade_deal/fr").status_code == 404
    assert admin.get("/admin/documents/nothing/en").status_code == 404


def test_a_theme_template_overrides_the_generic_one(deal, make_app, make_user, tmp_path, monkeypatch):
    """The active theme's documents/<entity>.<lang>.html, then <entity>.html, win over the generic document."""
    import trato.documents.templates as lookup
    import trato.themes
    from trato.resources import resource_dir

    themes = tmp_path / "themes"
    (themes / "ours" / "templates" / "documents").mkdir(parents=True)
    (themes / "default").symlink_to(resource_dir("themes") / "default")
    folder = themes / "ours" / "templates" / "documents"
    (folder / "trade_deal.html").write_text('{% extends "layout.html" %}{% block content %}'
                                            '<h1>Theme deal {{ record.name }}</h1>{% endblock %}')
    (folder / "trade_deal.es.html").write_text("<h1>Tema {{ record.name }} {{ _('Date') }}</h1>")
    monkeypatch.setattr(trato.themes, "resource_dir", lambda name: themes)
    monkeypatch.setattr(lookup, "resource_dir", lambda name: themes)
    from tests.conftest import sample

    app = make_app(plugins=["trade"], extra_plugins={"trade": sample("trade")}, theme="ours")
    rep = make_user(app=app)
    with app.app_context():
        made = records.create("trade_deal", {"name": "Themed"}, user=rep)
        english = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="en"), tmp_path)
        spanish = text_of(documents.render_pdf("trade_deal", made.id, user=rep, language="es"), tmp_path)
        account = records.create("trade_account", {"name": "Plain"}, user=rep)
        generic = documents.render_html("trade_account", account.id, user=rep, language="en")
        assert documents.issue("trade_deal", made.id, user=rep, language="es").template == "theme:trade_deal.es.html"
    assert "Theme deal Themed" in english and spanish == "Tema Themed Fecha"
    assert "Account: Plain" in generic


def test_pdfa_output_carries_the_embedded_file_and_pdfa_metadata(deal, letterhead, tmp_path):
    rep, made = deal
    xml = b'<?xml version="1.0"?><Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>'
    with letterhead.app_context():
        pdf = documents.render_pdf("trade_deal", made.id, user=rep, language="en", pdfa=True,
                                   attachments=[documents.EmbeddedFile("invoice.xml", xml, "application/xml", "Data",
                                                                       "UBL invoice")])
    (tmp_path / "a.pdf").write_bytes(pdf)
    listed = subprocess.run(["pdfdetach", "-list", str(tmp_path / "a.pdf")], capture_output=True, text=True,
                            check=True).stdout
    assert "invoice.xml" in listed
    subprocess.run(["pdfdetach", "-saveall", "-o", str(tmp_path), str(tmp_path / "a.pdf")], check=True)
    assert (tmp_path / "invoice.xml").read_bytes() == xml
    inside = inflated(pdf)
    assert b"/AFRelationship /Data" in inside and b"/Subtype /application#2fxml" in inside
    assert re.search(rb"pdfaid:part[>=\"']+3", inside) and re.search(rb"pdfaid:conformance[>=\"']+B", inside)
    assert b"/OutputIntents" in inside and b"/AF " in inside
    with pytest.raises(ValueError, match="AFRelationship"):
        documents.EmbeddedFile("x.xml", xml, "application/xml", "Attached")


def test_documents_fetch_nothing_but_data_and_the_instances_files(letterhead, tmp_path):
    from trato.documents.fetcher import InstanceFetcher

    inside = tmp_path / "uploads"
    inside.mkdir()
    (inside / "logo.png").write_bytes(PNG)
    fetcher = InstanceFetcher([inside])
    assert fetcher.fetch((inside / "logo.png").as_uri()).read() == PNG
    assert fetcher.fetch("data:text/plain;base64,aGk=").read() == b"hi"
    for url in ("file:///etc/passwd", (inside / ".." / "trato-test.db").as_uri(), "http://127.0.0.1:9/x.png",
                "https://example.com/font.woff", "ftp://example.com/a", "file://otherhost/etc/passwd"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)


def test_a_template_cannot_make_the_pdf_fetch_a_url_or_a_local_file(deal, letterhead, tmp_path):
    """WeasyPrint is given the instance fetcher: a server the template names gets no request, a file no read."""
    import socket
    import threading

    rep, made = deal
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(5)
    listener.settimeout(0.2)
    calls: list[bytes] = []

    def accept():
        try:
            connection, _address = listener.accept()
            calls.append(connection.recv(100))
            connection.close()
        except OSError:
            pass

    thread = threading.Thread(target=accept)
    thread.start()
    port = listener.getsockname()[1]
    body = (f'<link rel="stylesheet" href="http://127.0.0.1:{port}/s.css"><img src="http://127.0.0.1:{port}/i.png">'
            '<img src="file:///etc/hostname"><p>{{ record.name }}</p>')
    with letterhead.app_context():
        db_session().add(DocumentTemplate(entity="trade_deal", language="en", name="x", body=body))
        db_session().commit()
        pdf = documents.render_pdf("trade_deal", made.id, user=rep, language="en")
    thread.join()
    listener.close()
    assert calls == [] and "Renewal 2027" in text_of(pdf, tmp_path) and b"/Subtype /Image" not in pdf


def test_without_weasyprint_the_server_runs_and_the_pdf_says_what_is_missing(deal, letterhead, client_as,
                                                                             monkeypatch):
    import sys

    rep, made = deal
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # as if Pango were missing: the import fails
    client = client_as(rep)
    assert client.get(f"/r/trade_deal/{made.id}").status_code == 200
    answer = client.get(f"/r/trade_deal/{made.id}/document.pdf")
    assert answer.status_code == 503 and "libpango" in answer.text
    with letterhead.app_context():
        assert "Renewal 2027" in documents.render_html("trade_deal", made.id, user=rep)


def test_purging_a_record_forgets_its_kept_document(deal, letterhead):
    from trato.records.purge import purge_record

    rep, made = deal
    with letterhead.app_context():
        documents.issue("trade_deal", made.id, user=rep)
        records.delete("trade_deal", made.id, user=rep)
        purge_record("trade_deal", made.id, user=None)
        assert db_session().scalar(select(KeptDocument)) is None
        assert documents.issued("trade_deal", made.id) is None


def test_two_issues_at_once_keep_one_pdf(deal, letterhead, monkeypatch):
    """Two requests issue the same record at the same moment (real threads, real database): one PDF is kept, the
    other call gets that same document, and no second file is written."""
    import threading

    from trato.documents import keeping

    rep, made = deal
    if letterhead.extensions["trato"].engine.dialect.name == "postgresql":
        # Both calls find nothing issued and render before either stores: the unique row decides. (On SQLite the
        # first call's transaction holds the write lock from its first read, so the second waits and finds it.)
        both_rendered = threading.Barrier(2, timeout=60)
        original = keeping.keep

        def keep_together(*args, **kwargs):
            both_rendered.wait()
            return original(*args, **kwargs)

        monkeypatch.setattr(keeping, "keep", keep_together)
    results, errors = [], []

    def issue(language):
        try:
            with letterhead.app_context():
                results.append(documents.issue("trade_deal", made.id, user=rep, language=language))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    threads = [threading.Thread(target=issue, args=(lang,)) for lang in ("en", "es")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 2 and results[0] == results[1]
    with letterhead.app_context():
        assert len(db_session().scalars(select(KeptDocument)).all()) == 1
        files = __import__("trato").extras.attachments("trade_deal", made.id, rep)
        assert [f.id for f in files] == [results[0].attachment_id]
        stored = [p for p in letterhead.extensions["trato"].settings.upload_path.rglob("*")
                  if p.is_file() and p.parent.name != "logos"]
        assert len(stored) == 1


def test_an_orders_lines_come_from_the_lines_service(make_app, make_user, tmp_path):
    """A parent entity with line children (the ledger sample): its lines, in order, as a table with the totals,
    and the editor offers them as merge fields."""
    from tests.conftest import sample
    from trato.documents.editor import merge_fields

    app = make_app(plugins=["ledger"], extra_plugins={"ledger": sample("ledger")})
    rep = make_user(app=app)
    with app.app_context():
        order = records.create("ledger_order", {"name": "Pedido 7", "lines": [
            {"description": "Tornillos M6", "quantity": "100", "unit_price": {"amount": "0.13", "currency": "EUR"}},
            {"description": "Arandelas", "quantity": "3", "unit_price": {"amount": "2.10", "currency": "EUR"},
             "discount": "10"},
        ]}, user=rep)
        text = text_of(documents.render_pdf("ledger_order", order.id, user=rep, language="es"), tmp_path)
        offered = merge_fields(records.entity("ledger_order"), rep, "en")
    assert "Orden: Pedido 7" in text and "Total 18,67 €" in text  # the order's own total, computed on save
    table = text[text.index("Lines Descripción"):]
    assert table.index("Tornillos M6 100 0,13 € 13,00 €") < table.index("Arandelas 3 2,10 € 10 % 5,67 €")
    assert table.endswith("Total 18,67 € My company 1/1")  # the line totals summed, not the unit prices
    assert "lines.ledger_order_line.rows" in offered and "lines.ledger_order_line.totals" in offered
