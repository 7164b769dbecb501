"""A small plugin adding a fiscal mark to invoices, for test_documents_fiscal_marks.py (a module of its own:
the plugin host imports its hooks by name)."""
from typing import Any

from trato import Plugin, RecordData, hookimpl

# A 1x1 PNG, as a data: URI (the only kind of image a document may fetch).
IMAGE = ("data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA"
         "60e6kgAAAABJRU5ErkJggg==")
marker = Plugin(name="marker", label="Marker", hooks="fiscal_mark_spy", requires=("invoicing",))


@hookimpl(trylast=True)
def document_context(entity: str, record: RecordData | None, context: dict[str, Any], user: Any) -> None:
    if entity == "invoicing_invoice":
        context["invoicing"]["fiscal_marks"].append({"image": IMAGE, "text": "Marca fiscal de prueba"})
