"""CSV import and export for every entity, shared by the UI, the CLI and the benchmarks.

- `reading`: bytes or a file into rows (encoding and delimiter found, streamed).
- `mapping`: column headers to fields, by name or label in English or Spanish; remembered.
- `cells`, `lookup`: cell text into field values (references found by title), and back.
- `rows`, `saving`: a batch of rows read, then written through the record service's bulk calls.
- `imports`, `undo`: start, preview, run, resume and undo an import (`core_import`, `models`).
- `export`, `xlsx`: records into CSV or XLSX, streamed, or into a file by a background job.
- `tasks`, `commands`: the background jobs and the `trato records ...` commands.

This package imports nothing at load time: `trato.models` imports its
tables while the rest of Trato is still loading.
"""
