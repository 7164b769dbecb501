"""The invoicing plugin's billing part."""
