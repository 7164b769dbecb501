"""A product's name in a language: documents print it in the customer's language."""
from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def product_name(product: Mapping[str, Any], language: str) -> str:
    """The name in `language` ("en", "es", "es_ES"), else the product's own name."""
    translated = product.get(f"name_{language.split('_')[0].lower()}")
    return translated or product["name"]
