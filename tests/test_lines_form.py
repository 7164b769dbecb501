"""Lines on the generic pages: the form's grid posts them with the parent, totals come from the server, the
detail page shows them as a table."""
from __future__ import annotations

import re
from decimal import Decimal

import pytest
from werkzeug.datastructures import MultiDict
from trato_ledger import plugin as ledger_plugin

from trato import records

LINE = "ledger_order_line"


@pytest.fixture
def ledger_app(make_app):
    return make_app(plugins=["ledger"], extra_plugins={"ledger": ledger_plugin})


@pytest.fixture
def user(make_user, ledger_app):
    return make_user(name="Ana Pérez", app=ledger_app)


@pytest.fixture
def web(client_as, user, ledger_app):
    return client_as(user, app=ledger_app)


def line(token: str, **values: str) -> dict[str, str]:
    out = {f"lines.{LINE}.{token}.{name}": value for name, value in values.items()}
    return out


def form(*rows: tuple[str, dict[str, str]], **values: str) -> MultiDict:
    """A posted order form: its fields, then each row's order input and fields, in order."""
    out = [(k, v) for k, v in values.items()] + [(f"lines.{LINE}.shown", "1")]
    for token, fields in rows:
        out.append((f"lines.{LINE}", token))
        out += list(line(token, **fields).items())
    return MultiDict(out)


def test_the_new_form_has_an_empty_grid_and_a_new_row_comes_from_the_server(web):
    page = web.get("/r/ledger_order/new")
    html = page.get_data(as_text=True)
    assert 'id="lines-ledger_order_line"' in html and "Add line" in html
    row = web.get(f"/r/ledger_order/lines/{LINE}/row").get_data(as_text=True)
    token = re.search(rf'name="lines\.{LINE}" value="(n[0-9a-f]+)"', row).group(1)
    assert f'name="lines.{LINE}.{token}.quantity"' in row
    assert f'name="lines.{LINE}.{token}.product_id"' in row and 'data-picker="lookup"' in row
    assert f'id="lines-{LINE}-{token}-total"' in row
    assert "owner_id" not in row


def test_saving_the_form_writes_the_order_and_its_lines_in_the_posted_order(ledger_app, web, user):
    posted = form(("nb", {"description": "Table", "quantity": "1", "unit_price": "100", "unit_price_currency": "EUR"}),
                  ("na", {"description": "Chairs", "quantity": "3", "unit_price": "10",
                          "unit_price_currency": "EUR", "discount": "10"}), name="A-1")
    saved = web.post("/r/ledger_order/new", data=posted)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    with ledger_app.app_context():
        made = records.query("ledger_order", user=user).page().items[0]
        lines = records.lines("ledger_order", made.id, user=user)[LINE]
    assert [(x["description"], x["position"]) for x in lines] == [("Table", 1), ("Chairs", 2)]
    assert made["total"].amount == Decimal("127.00")
    detail = web.get(saved.headers["Location"]).get_data(as_text=True)
    table = detail[detail.index('class="table table-sm card-table lines-table-detail"'):]
    assert table.index("Table") < table.index("Chairs") and "27.00" in table and "127.00" in detail


def test_an_edit_moves_changes_and_removes_lines_under_the_orders_version(ledger_app, web, user):
    with ledger_app.app_context():
        made = records.create("ledger_order", {"name": "A-1", "lines": [
            {"description": "a", "quantity": "1"}, {"description": "b", "quantity": "2"}]}, user=user)
        a, b = records.lines("ledger_order", made.id, user=user)[LINE]
    page = web.get(f"/r/ledger_order/{made.id}/edit").get_data(as_text=True)
    assert f'name="lines.{LINE}.i{a.id}.id" value="{a.id}"' in page
    posted = form((f"i{b.id}", {"id": str(b.id), "version": str(b.version), "description": "b", "quantity": "5"}),
                  name="A-1", version=str(made.version), owner_id=str(user.id))
    assert web.post(f"/r/ledger_order/{made.id}/edit", data=posted).status_code == 302
    with ledger_app.app_context():
        assert [(x["description"], x["quantity"], x["position"])
                for x in records.lines("ledger_order", made.id, user=user)[LINE]] == [("b", Decimal("5"), 1)]
        assert records.get("ledger_order", made.id, user=user).version == made.version + 1


def test_errors_are_shown_at_the_lines_field_and_the_input_is_kept(ledger_app, web, user):
    posted = form(("na", {"description": "ok", "quantity": "1"}), ("nb", {"description": "bad", "quantity": ""}),
                  ("nc", {"description": "worse", "quantity": "lots"}), name="A-1")
    refused = web.post("/r/ledger_order/new", data=posted)
    assert refused.status_code == 422
    html = refused.get_data(as_text=True)
    assert re.search(rf'id="lines\.{LINE}\.nb\.quantity-error">This field is required', html)
    assert re.search(rf'id="lines\.{LINE}\.nc\.quantity-error">[^<]*number', html)
    assert f'name="lines.{LINE}.nc.description" value="worse"' in html
    with ledger_app.app_context():
        assert records.query("ledger_order", user=user).count().value == 0


def test_totals_are_worked_out_by_the_server_as_the_user_types(web):
    posted = form(("na", {"quantity": "2", "unit_price": "10", "unit_price_currency": "EUR", "discount": "50"}),
                  ("nb", {"quantity": "1", "unit_price": "1.5", "unit_price_currency": "EUR"}), name="A-1")
    answer = web.post("/r/ledger_order/lines/totals", data=posted).get_data(as_text=True)
    assert re.search(rf'<output id="lines-{LINE}-na-total" hx-swap-oob="true">[^<]*10\.00', answer)
    assert re.search(r'data-field="total"><strong>[^<]*11\.50', answer)  # 2 × 10 − 50 % + 1.50
    mixed = form(("na", {"quantity": "1", "unit_price": "1", "unit_price_currency": "EUR"}),
                 ("nb", {"quantity": "1", "unit_price": "1", "unit_price_currency": "USD"}), name="A-1")
    assert web.post("/r/ledger_order/lines/totals", data=mixed).status_code == 200  # no totals yet, no error


def test_the_spanish_form_names_the_grid_in_spanish(web):
    html = web.get("/r/ledger_order/new", headers={"Accept-Language": "es"}).get_data(as_text=True)
    assert "Añadir línea" in html


def test_the_detail_page_lists_lines_once_not_also_as_a_related_tab(ledger_app, web, user):
    with ledger_app.app_context():
        made = records.create("ledger_order", {"name": "A-1", "lines": [{"description": "a", "quantity": "1"}]},
                              user=user)
    html = web.get(f"/r/ledger_order/{made.id}").get_data(as_text=True)
    assert 'class="table table-sm card-table lines-table-detail"' in html
    assert "tab=related-ledger_order_line" not in html  # no related tab of the lines by their parent_id


def test_a_stale_save_shows_the_lines_as_now_saved(ledger_app, web, user):
    with ledger_app.app_context():
        made = records.create("ledger_order", {"name": "A-1", "lines": [{"description": "a", "quantity": "1"}]},
                              user=user)
        line = records.lines("ledger_order", made.id, user=user)[LINE][0]
        records.update("ledger_order", made.id, {"lines": [{"id": line.id, "quantity": "4"}]}, user=user,
                       version=made.version)
    posted = form((f"i{line.id}", {"id": str(line.id), "description": "a", "quantity": "2"}), name="A-1",
                  version=str(made.version), owner_id=str(user.id))
    stale = web.post(f"/r/ledger_order/{made.id}/edit", data=posted)
    assert stale.status_code == 409
    html = stale.get_data(as_text=True)
    assert f'name="lines.{LINE}.i{line.id}.quantity" value="4' in html
    with ledger_app.app_context():
        assert records.lines("ledger_order", made.id, user=user)[LINE][0]["quantity"] == Decimal("4")
