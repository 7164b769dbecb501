"""Mail templates: checked when saved (a missing merge field is an error at its field), previewed on sample merge
fields, filled into the compose form on a record, and a template that fails at render time (a field removed
since) is a 422 with the message, never a 500."""
from __future__ import annotations

from trato.mail.models import MailTemplate

from .test_send_from_record import _app, _records

NEW = "/admin/mail/templates/new/contacts_account/en"


def test_a_missing_merge_field_is_refused_at_its_field_when_saved(make_app, smtp, client_as):
    app = _app(make_app, smtp)
    admin = client_as("admin", app=app)
    page = admin.get(NEW).get_data(as_text=True)
    assert "{{ record.name }}" in page  # the merge fields listed
    body = admin.post(NEW, data={"name": "Hello", "subject": "About {{ record.name }}",
                                 "body": "Dear {{ record.nickname }},\nthanks.", "action": "save"})
    text = body.get_data(as_text=True)
    assert body.status_code == 422 and 'id="body-error"' in text and "nickname" in text and "line 1" in text.lower()
    subject = admin.post(NEW, data={"name": "Hello", "subject": "About {{ client }}", "body": "Hi", "action": "save"})
    text = subject.get_data(as_text=True)
    assert subject.status_code == 422 and 'id="subject-error"' in text
    assert "“client”, which is not a merge field" in text
    syntax = admin.post(NEW, data={"name": "Hello", "subject": "S", "body": "{% if %}", "action": "save"})
    assert syntax.status_code == 422 and "syntax error" in syntax.get_data(as_text=True)
    with app.extensions["trato"].sessionmaker() as s:
        assert s.query(MailTemplate).count() == 0


def test_a_template_is_previewed_saved_and_filled_in_on_a_record(make_app, smtp, make_record, make_user, client_as):
    inbox, _port = smtp
    app = _app(make_app, smtp)
    user, account, _ann, _bob = _records(app, make_record, make_user)
    admin = client_as("admin", app=app)
    form = {"name": "Quote follow-up", "subject": "Your quote, {{ record.name }} & co",
            "body": "Dear {{ record.name }},\n\nyour email is {{ record.email }}.\n{{ user.name }}"}
    preview = admin.post(NEW, data=form | {"action": "preview"}).get_data(as_text=True)
    assert "Your quote, [Name] &amp; co" in preview and "Dear [Name]," in preview
    saved = admin.post(NEW, data=form | {"action": "save"}, follow_redirects=True)
    assert "The mail template Quote follow-up was saved." in saved.get_data(as_text=True)
    with app.extensions["trato"].sessionmaker() as s:
        template_id = s.query(MailTemplate).one().id
    browser = client_as(user, app=app)
    compose = browser.get(f"/r/contacts_account/{account.id}/email").get_data(as_text=True)
    assert "Quote follow-up" in compose
    filled = browser.get(f"/r/contacts_account/{account.id}/email/template?template={template_id}",
                         headers={"HX-Request": "true"})
    text = filled.get_data(as_text=True)
    assert filled.status_code == 200 and 'value="Your quote, Acme &amp; co"' in text
    assert "Dear Acme,\n\nyour email is office@acme.example.\nSara Sales" in text
    browser.post(f"/r/contacts_account/{account.id}/email", data={
        "to": "office@acme.example", "subject": "Your quote, Acme & co", "body": "Dear Acme,"})
    assert inbox.messages[0]["Subject"] == "Your quote, Acme & co"


def test_a_template_failing_at_render_time_is_a_clear_422(make_app, smtp, make_record, make_user, client_as):
    app = _app(make_app, smtp)
    user, account, _ann, _bob = _records(app, make_record, make_user)
    with app.extensions["trato"].sessionmaker() as s:  # as if the field it used was removed after it was saved
        broken = MailTemplate(entity="contacts_account", language="en", name="Old", subject="Hi",
                              body="Fax: {{ record.fax_number }}")
        s.add(broken)
        s.commit()
        broken_id = broken.id
    filled = client_as(user, app=app).get(f"/r/contacts_account/{account.id}/email/template?template={broken_id}")
    text = filled.get_data(as_text=True)
    assert filled.status_code == 422 and "fax_number" in text and 'id="mail-template-error"' in text


def test_the_template_pages_in_spanish(make_app, smtp, client_as):
    app = _app(make_app, smtp)
    page = client_as("admin", app=app).get("/admin/mail/templates", headers={"Accept-Language": "es"})
    assert "Plantillas de correo" in page.get_data(as_text=True)
