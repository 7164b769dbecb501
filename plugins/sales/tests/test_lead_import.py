"""Leads imported from a CSV file: a built-in select option is read by its value or its label in any language."""
from __future__ import annotations

import io

from trato import records

from tests.support.live import base_env, trato

# Values, Spanish and English labels of the lead's `source` options, mixed as files from different people are.
LEADS = "Apellidos,Origen\nPérez,Importación\nRuiz,Formulario web\nGil,manual\nSanz,Web form\n"
EXPECTED = {"Pérez": "import", "Ruiz": "web_form", "Gil": "manual", "Sanz": "web_form"}


def test_the_command_line_reads_an_options_spanish_label(tmp_path, trato_db_url):
    env = base_env(str(tmp_path / "instance"), trato_db_url, "")
    trato("init", env=env)
    trato("plugins", "enable", "contacts", env=env)
    trato("plugins", "enable", "sales", env=env)
    leads = tmp_path / "leads.csv"
    leads.write_text(LEADS, encoding="utf-8")
    result = trato("records", "import", "sales_lead", str(leads), env=env)
    assert "4 created, 0 updated, 0 failed" in result.stdout, result.stderr
    exported = trato("records", "export", "sales_lead", "--columns", "last_name,source", "--sort", "last_name",
                     env=env).stdout
    assert exported.lstrip("\ufeff").splitlines()[1:] == [
        "Gil,manual", "Pérez,import", "Ruiz,web_form", "Sanz,web_form"]


def test_the_web_import_reads_labels_in_any_language_whatever_the_users_language(sales_app, client_as, make_user):
    for locale in ("en", "es"):
        client = client_as(make_user(admin=True, locale=locale))
        uploaded = client.post("/r/sales_lead/import", data={"file": (io.BytesIO(LEADS.encode()), "leads.csv")},
                               content_type="multipart/form-data")
        mapping_url = uploaded.headers["Location"]
        form = {"header": ["Apellidos", "Origen"], "col0": "last_name", "col1": "source", "mode": "create"}
        result = client.get(client.post(mapping_url + "/run", data=form).headers["Location"])
        assert result.status_code == 200
        with sales_app.app_context():
            found = records.query("sales_lead", user=None).page(limit=100).items
            assert {lead["last_name"]: lead["source"] for lead in found} == EXPECTED
            records.bulk_delete("sales_lead", [lead.id for lead in found], user=None)


def test_the_command_line_skips_or_updates_leads_like_existing_ones(tmp_path, trato_db_url):
    """Leads match leads and contacts by the sales plugin's duplicate finder: a lead that is already a contact or
    a lead is skipped (counted), or updates the lead it looks like."""
    env = base_env(str(tmp_path / "instance"), trato_db_url, "")
    trato("init", env=env)
    trato("plugins", "enable", "contacts", env=env)
    trato("plugins", "enable", "sales", env=env)
    first = tmp_path / "first.csv"
    first.write_text("Apellidos,Correo electrónico,Origen\nPérez,ana@perez.example.es,manual\n", encoding="utf-8")
    trato("records", "import", "sales_lead", str(first), env=env)
    people = tmp_path / "people.csv"
    people.write_text("Apellidos,Correo electrónico\nUriarte,nerea@nortech.example.com\n", encoding="utf-8")
    trato("records", "import", "contacts_contact", str(people), env=env)
    again = tmp_path / "again.csv"
    again.write_text("Apellidos,Correo electrónico,Origen\nPérez,ANA@perez.example.es,web_form\n"
                     "Uriarte,nerea@nortech.example.com,web_form\nGil,gil@example.es,web_form\n", encoding="utf-8")
    skipped = trato("records", "import", "sales_lead", str(again), "--on-match", "skip", env=env)
    assert "1 created, 0 updated, 0 failed, 2 skipped as duplicates of existing records" in skipped.stdout
    updated = trato("records", "import", "sales_lead", str(again), "--on-match", "update", env=env)
    # Pérez updates the lead it is; Uriarte is only a contact, so a lead is made; Gil, imported above, is updated.
    assert "1 created, 2 updated, 0 failed" in updated.stdout, updated.stdout
    exported = trato("records", "export", "sales_lead", "--columns", "last_name,source", "--sort", "last_name",
                     env=env).stdout
    assert exported.lstrip("\ufeff").splitlines()[1:] == ["Gil,web_form", "Pérez,web_form", "Uriarte,web_form"]
