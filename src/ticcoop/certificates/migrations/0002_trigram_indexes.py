"""PostgreSQL only: pg_trgm GIN indexes for substring search (SQLite uses plain LIKE).

The expressions match what Django generates for ``icontains`` on PostgreSQL
(``UPPER(col::text) LIKE UPPER(%s)``), so the planner can use them.  The institution-name
index lives here, not in the registry app, so that the registry's migrations stay untouched.
"""

from django.db import migrations

INDEXES = [
    ("registry_institution", "name", "certificates_institution_name_trgm"),
    ("certificates_scopeitem", "parameter", "certificates_scope_parameter_trgm"),
    ("certificates_scopeitem", "standard_code", "certificates_scope_standard_trgm"),
]


def create(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    for table, column, name in INDEXES:
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS {name} ON {table} USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


def drop(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for _table, _column, name in INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("certificates", "0001_initial"),
        ("registry", "0002_sites_and_ties"),
    ]

    operations = [migrations.RunPython(create, drop)]
