"""Fill the certificate search key; on PostgreSQL index it with pg_trgm instead of the scope.

The trigram indexes of migration 0002 (scope parameter and standard, institution name)
served the old searches (one subquery per column); the certificates' and the institutions'
search keys replace them, so they go, which also makes imports cheaper.
"""

from collections import defaultdict

from django.db import migrations

from ticcoop.certificates.search import search_key

KEY_INDEX = "certificates_certificate_search_key_trgm"
OLD_INDEXES = {
    "certificates_scope_parameter_trgm": ("certificates_scopeitem", "parameter"),
    "certificates_scope_standard_trgm": ("certificates_scopeitem", "standard_code"),
    "certificates_institution_name_trgm": ("registry_institution", "name"),
}


def fill(apps, schema_editor):
    certificate_model = apps.get_model("certificates", "Certificate")
    scope_model = apps.get_model("certificates", "ScopeItem")
    scope = defaultdict(list)
    rows = scope_model.objects.order_by("certificate_id", "position", "pk")
    for certificate_id, parameter, standard in rows.values_list(
        "certificate_id", "parameter", "standard_code"
    ):
        scope[certificate_id].append((parameter, standard))
    holders = certificate_model.objects.values_list(
        "pk", "number", "institution__credit_code", "institution__name"
    )
    changed = [
        certificate_model(pk=pk, search_key=search_key(number, code, name, scope[pk]))
        for pk, number, code, name in holders
    ]
    certificate_model.objects.bulk_update(changed, ["search_key"], batch_size=500)


def create_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in OLD_INDEXES:
        schema_editor.execute(f"DROP INDEX IF EXISTS {name}")
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {KEY_INDEX} ON certificates_certificate "
        "USING gin (search_key gin_trgm_ops)"
    )


def drop_trigram_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {KEY_INDEX}")
    for name, (table, column) in OLD_INDEXES.items():
        schema_editor.execute(
            f"CREATE INDEX IF NOT EXISTS {name} ON {table} "
            f'USING gin ((UPPER("{column}"::text)) gin_trgm_ops)'
        )


class Migration(migrations.Migration):
    dependencies = [("certificates", "0003_search_key")]

    operations = [
        migrations.RunPython(fill, migrations.RunPython.noop),
        migrations.RunPython(create_trigram_index, drop_trigram_index),
    ]
