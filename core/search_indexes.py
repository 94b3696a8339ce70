"""Trigram indexes for the lists' text searches (issue 19), for migrations.

Django's `icontains` and `istartswith` compare `UPPER(column::text) LIKE UPPER(pattern)` on
PostgreSQL; a GIN index with pg_trgm's `gin_trgm_ops` on that very expression serves both,
wherever the text is in the value (a B-tree serves only prefixes). On other databases (SQLite)
the operation does nothing: the same lookups run there without an index, with the same answers.
The extension itself comes from TrigramExtension(), which does nothing off PostgreSQL either.
"""

from django.db import migrations


def trigram_index(name: str, table: str, column: str) -> migrations.RunPython:
    def forwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            q = schema_editor.quote_name
            schema_editor.execute(
                f"CREATE INDEX IF NOT EXISTS {q(name)} ON {q(table)} USING gin ((UPPER({q(column)}::text)) gin_trgm_ops)"
            )

    def backwards(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(f"DROP INDEX IF EXISTS {schema_editor.quote_name(name)}")

    return migrations.RunPython(forwards, backwards, elidable=False)
