"""The invoicing plugin's recurring part."""
