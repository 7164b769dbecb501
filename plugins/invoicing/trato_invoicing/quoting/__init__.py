"""The invoicing plugin's quoting part."""
