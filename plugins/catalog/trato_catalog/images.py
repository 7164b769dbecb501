"""A product's images: the image files attached to it (the core's attachments), shown in a panel on its page."""
from __future__ import annotations

from typing import Any

from flask import url_for
from flask_babel import lazy_gettext as _l

from trato import Fragment, RecordData, extras


def images_of(product: RecordData, user: Any) -> list[Any]:
    """The product's attached images (PNG, JPEG, GIF, WebP), oldest first, for a user who may see it."""
    return [a for a in extras.attachments("catalog_product", product.id, user)
            if a.content_type in ("image/png", "image/jpeg", "image/gif", "image/webp")]


def panel(product: RecordData, user: Any) -> list[Fragment]:
    found = images_of(product, user)
    if not found:
        return []
    return [Fragment(_l("Images"), "catalog/images.html",
                     {"images": found, "base": url_for("records.detail", entity="catalog_product",
                                                       record_id=product.id)}, priority=20)]
