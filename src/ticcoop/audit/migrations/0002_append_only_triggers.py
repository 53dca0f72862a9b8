"""The audit log and the chain's links are append-only in the database (PostgreSQL).

A row trigger refuses every UPDATE and DELETE, a statement trigger every TRUNCATE, whoever
sends them (the platform, the admin, psql).  Only a role allowed to ALTER the table (its
owner) can disable the triggers — a deliberate, visible act (docs/methods/audit-chain.md).
django-auditlog only ever INSERTs (LogEntryManager.log_create / log_m2m_changes).
Other databases (SQLite: development and tests) get no trigger; the hash chain still shows
any change there.
"""

from django.db import migrations

TABLES = ("auditlog_logentry", "audit_chainlink")

FUNCTION = """
CREATE OR REPLACE FUNCTION ticcoop_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'ticcoop: % on % refused: the audit trail is append-only', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;
"""


def create_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER ticcoop_append_only_rows BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION ticcoop_append_only()"
        )
        schema_editor.execute(
            f"CREATE TRIGGER ticcoop_append_only_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION ticcoop_append_only()"
        )


def drop_triggers(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS ticcoop_append_only_rows ON {table}")
        schema_editor.execute(f"DROP TRIGGER IF EXISTS ticcoop_append_only_truncate ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS ticcoop_append_only()")


class Migration(migrations.Migration):
    dependencies = [
        ("audit", "0001_chain_links"),
        ("auditlog", "0017_add_actor_email"),
    ]

    operations = [migrations.RunPython(create_triggers, drop_triggers)]
