"""An index for the officers' search by reference (issue 8), PostgreSQL only.

The admin searches references with ``UPPER(reference) LIKE 'WF-2026-0001%'``; a
``text_pattern_ops`` index on that expression answers such a prefix. Nothing happens on
SQLite. Worker names are searched through ``members.0003_search_indexes``.
"""

from django.db import migrations

INDEX = "welfare_reference_prefix_idx"


def add_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"CREATE INDEX {INDEX} ON welfare_welfarerequest ((UPPER(reference)) text_pattern_ops)")


def remove_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX}")


class Migration(migrations.Migration):
    dependencies = [("welfare", "0002_request_types")]

    operations = [migrations.RunPython(add_index, remove_index)]
