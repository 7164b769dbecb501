"""Rows that look like an existing record, as the entity's duplicate finder (the `duplicate_finders` hook) says:
created anyway, skipped and counted, or updating that record; the same from the wizard and the command line."""
from __future__ import annotations

import io
import re
from html import unescape

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from trato_trade import hooks as trade_hooks
from trato_trade import plugin as trade_plugin

from trato import records
from trato.db import Base
from trato.transfer import duplicates, imports
from trato.transfer.errors import TransferError

FILE = "Name,City\nacme ,Bilbao\nNueva SL,Getxo\nBeta,Vitoria\n".encode()


@pytest.fixture
def app(make_app):
    return make_app(plugins=["trade"], extra_plugins={"trade": trade_plugin})


@pytest.fixture
def admin(app, make_user):
    return make_user(admin=True, name="Ada Admin", app=app)


@pytest.fixture
def existing(app, admin):
    """Acme and Beta, already there."""
    with app.test_request_context():
        return [records.create("trade_account", {"name": name, "city": "Madrid"}, user=admin)
                for name in ("Acme", "Beta")]


def accounts(app) -> dict[str, list[str]]:
    with app.app_context():
        found: dict[str, list[str]] = {}
        for record in records.query("trade_account", user=None).order_by("id").page(limit=50).items:
            found.setdefault(record["name"].strip(), []).append(record["city"])
        return found


def run(app, admin, data: bytes = FILE, **options):
    with app.test_request_context():
        return imports.run(imports.start(data, "cuentas.csv", "trade_account", user=admin, **options).id)


def test_hook_duplicate_finders(app, admin, existing):
    with app.test_request_context():
        find = duplicates.finder("trade_account")
        assert find is trade_hooks.same_account_name and duplicates.finder("trade_deal") is None
        closest, same = duplicates.closest(find, "trade_account", {"name": " ACME"}, admin)
        assert closest.id == same.id == existing[0].id


def test_rows_like_an_existing_record_are_created_anyway_by_default(app, admin, existing):
    done = run(app, admin)
    assert (done.created, done.updated, done.skipped, done.on_match) == (3, 0, 0, "create")
    assert accounts(app) == {"Acme": ["Madrid"], "acme": ["Bilbao"], "Beta": ["Madrid", "Vitoria"],
                             "Nueva SL": ["Getxo"]}


def test_skipped_rows_are_counted_and_nothing_else_changes(app, admin, existing):
    done = run(app, admin, on_match="skip")
    assert (done.created, done.updated, done.failed, done.skipped) == (1, 0, 0, 2)
    assert accounts(app) == {"Acme": ["Madrid"], "Beta": ["Madrid"], "Nueva SL": ["Getxo"]}


def test_matching_rows_update_the_existing_record_and_undo_puts_it_back(app, admin, existing):
    done = run(app, admin, on_match="update")
    assert (done.created, done.updated, done.skipped) == (1, 2, 0)
    assert accounts(app) == {"acme": ["Bilbao"], "Beta": ["Vitoria"], "Nueva SL": ["Getxo"]}
    from trato.transfer import undo

    with app.test_request_context():
        undo.undo(done.id, user=admin)
    assert accounts(app) == {"Acme": ["Madrid"], "Beta": ["Madrid"]}


def test_two_rows_like_one_record_update_it_once(app, admin, existing):
    done = run(app, admin, b"Name,City\nAcme,Bilbao\nACME,Getxo\n", on_match="update")
    assert (done.updated, done.failed) == (1, 1)
    assert accounts(app) == {"Acme": ["Bilbao"], "Beta": ["Madrid"]}


def test_a_failed_import_leaves_the_matched_records_unchanged(app, admin, existing):
    """A row whose save breaks (the sample's after_save raises for an account called boom) fails the import: the
    update of the row matched before it, and the record created, are rolled back with it."""
    with pytest.raises(RuntimeError):
        run(app, admin, b"Name,City\nAcme,Bilbao\nNueva SL,Getxo\nboom,Soria\n", on_match="update")
    assert accounts(app) == {"Acme": ["Madrid"], "Beta": ["Madrid"]}
    with app.app_context():
        failed = imports.history(user=None)[0]
    assert (failed.status, failed.created, failed.updated, failed.rows_done) == ("failed", 0, 0, 0)


def test_an_entity_without_a_finder_can_only_create(app, admin):
    with app.test_request_context(), pytest.raises(TransferError, match="no way to find duplicates"):
        imports.start(b"Name,Stage\nX,new\n", "deals.csv", "trade_deal", user=admin, on_match="skip")


def test_the_wizard_offers_the_choice_and_previews_what_each_row_does(app, admin, existing, client_as):
    client = client_as(admin)
    uploaded = client.post("/r/trade_account/import", data={"file": (io.BytesIO(FILE), "cuentas.csv")},
                           content_type="multipart/form-data")
    mapping_url = uploaded.headers["Location"]
    page = unescape(client.get(mapping_url).get_data(as_text=True))
    assert "When a row to create looks like an existing record" in page
    assert 'name="on_match" value="create" checked' in page
    form = {"header": ["Name", "City"], "col0": "name", "col1": "city", "mode": "create", "on_match": "skip"}
    shown = unescape(client.post(mapping_url, data=form).get_data(as_text=True))
    assert 'name="on_match" value="skip" checked' in shown
    row = re.search(r'<tr id="preview-row-2">(.*?)</tr>', shown, re.S).group(1)
    assert "Skipped: it looks like Account “Acme”" in row
    assert accounts(app) == {"Acme": ["Madrid"], "Beta": ["Madrid"]}  # the preview wrote nothing
    result_url = client.post(mapping_url + "/run", data=form).headers["Location"]
    result = unescape(client.get(result_url).get_data(as_text=True))
    assert re.search(r'id="count-created">1<', result) and re.search(r'id="count-skipped">2<', result)
    assert "Skipped as duplicates of existing records" in result


def test_the_migration_makes_what_the_model_describes(app):
    """c018 against the import's model: autogenerate finds nothing to change in core_import."""
    with app.extensions["trato"].engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn, opts={"compare_type": True}), Base.metadata)
    assert [d for d in diffs if "core_import" in repr(d)] == []
