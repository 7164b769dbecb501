"""The admin's field type list names the tax ID type for people, in their language, not as contacts_tax_id."""
from __future__ import annotations

import re


def _types(page: str) -> dict[str, str]:
    select = re.search(r'<select[^>]*name="field-type".*?</select>', page, re.S).group(0)
    return dict(re.findall(r'<option[^>]*value="([^"]+)"[^>]*>([^<]+)</option>', select))


def test_the_tax_id_type_has_a_label_in_each_language(contacts_app, client_as, make_user):
    english = _types(client_as("admin").get("/admin/entities/contacts_account").text)
    assert english["contacts_tax_id"] == "Tax ID (NIF, NIE, CIF, EU VAT)" and english["money"] == "Money"
    spanish = _types(client_as(make_user(admin=True, locale="es")).get("/admin/entities/contacts_account").text)
    assert spanish["contacts_tax_id"] == "NIF, NIE, CIF o IVA de la UE"
