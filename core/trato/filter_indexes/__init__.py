"""Indexes for what users filter on, made once their filters run slow.

Indexing every field would make every write pay for indexes nobody reads,
so Trato watches instead: a list page (or its count) that took longer than
the `slow_filter_ms` setting notes each field and operator it filtered on
(`core_slow_filter`: how many slow runs, the slowest). Once a field's
operator has been slow `filter_index_after` times, the index that serves it
(kinds.py) is queued as a background job (`core.build_filter_index`, build.py) that
makes it, on PostgreSQL with `CREATE INDEX CONCURRENTLY`, so no write
waits. Admins see what was indexed and why under Admin → Filter indexes,
and may drop an index (it is then not made again) or bring it back.

The indexes follow the entities like the search and sort indexes:
`keep.sync` (run with `search.sync_all`) drops those whose field is gone or
whose type no longer takes the index, and makes again any one lost.
"""
