"""A CSV cell over the reader's limit (a 10 MB cell) is refused naming its row and column, never a 500."""
from __future__ import annotations

import io
from html import unescape

import pytest

from trato.schema import EntitySpec, FieldSpec, create_entity
from trato.transfer.errors import TransferError
from trato.transfer.reading import open_csv

from .conftest import en

BIG = "x" * 10 * 1024 * 1024


@pytest.fixture
def client(app, admin, client_as):
    """An admin's client, and the entity `x_contact` with a long text field (made outside any request)."""
    with app.app_context():
        create_entity(EntitySpec("contact", en("Contact", "Contacto"), en("Contacts", "Contactos"), [
            FieldSpec("name", "text", en("Name", "Nombre"), required=True),
            FieldSpec("notes", "long_text", en("Notes", "Notas")),
            FieldSpec("email", "email", en("Email", "Correo electrónico"))]))
    return client_as(admin)


def _upload(client, data: bytes):
    return client.post("/r/x_contact/import", data={"file": (io.BytesIO(data), "big.csv")},
                       content_type="multipart/form-data")


@pytest.mark.parametrize(("data", "where"), [
    (f"name,notes,email\nAna,short,ana@example.com\nBea,{BIG},bea@example.com\n", "Row 3, column 2 (“notes”)"),
    (f'name;email;notes\r\n"Ana";ana@example.com;"{BIG}"\r\n', "Row 2, column 3 (“notes”)"),
    (f'name,notes\nAna,"a quote that never ends\n{BIG}\n', "Row 2, column 2 (“notes”)"),
])
def test_the_reader_names_the_row_and_column_of_a_cell_over_the_limit(data, where):
    with pytest.raises(TransferError) as refused:
        list(open_csv(data.encode()).rows())
    assert str(refused.value).startswith(where) and "1 MB" in str(refused.value)


def test_the_mapping_page_of_a_file_with_a_10_mb_cell_says_where_it_is(client):
    data = f"name,notes,email\nAna,short,ana@example.com\nBea,{BIG},bea@example.com\n".encode()
    uploaded = _upload(client, data)
    assert uploaded.status_code == 302
    page = client.get(uploaded.headers["Location"])
    shown = unescape(page.get_data(as_text=True))
    assert page.status_code == 422
    assert "Row 3, column 2 (“notes”) holds more than 1 MB of text" in shown


def test_a_cell_over_the_limit_further_down_is_said_at_preview(client):
    rows = "".join(f"Person {n},note {n},p{n}@example.com\n" for n in range(8))
    data = f"name,notes,email\n{rows}Bea,{BIG},bea@example.com\n".encode()
    mapping_url = _upload(client, data).headers["Location"]
    page = client.get(mapping_url)
    assert page.status_code == 200 and 'name="header" value="notes"' in page.get_data(as_text=True)
    previewed = client.post(mapping_url, data={"header": ["name", "notes", "email"], "col0": "name",
                                               "col1": "notes", "col2": "email", "mode": "create"})
    assert previewed.status_code == 422
    shown = unescape(previewed.get_data(as_text=True))
    assert "Row 10, column 2 (“notes”) holds more than 1 MB of text" in shown
    assert 'name="header" value="notes"' in shown  # the mapping is still there to change
