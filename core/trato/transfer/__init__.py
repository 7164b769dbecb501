"""CSV import and export for every entity, shared by the UI, the CLI and the benchmarks.

- `reading`: bytes or a file into rows (encoding and delimiter found, streamed).
- `mapping`: column headers to fields, by name or label in English or Spanish.
- `cells`: cell text into field values and field values into cell text.
- `imports`: start, preview, run, resume and undo an import (`core_import`).
- `export`: records into CSV, streamed, or into a file by a background job.

This package imports nothing at load time: `trato.models` imports its
tables while the rest of Trato is still loading.
"""
