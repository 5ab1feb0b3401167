"""Trigram indexes for the officers' feedback search (PostgreSQL only; nothing happens on SQLite).

``UPPER(field)`` as Django's ``icontains`` writes it (pg_trgm comes from ``members.0003``): words
of three characters or more are found from the index. Unlike the members' short fields, these
texts are not indexed with doubled characters: checking a doubled copy of every matching text
costs more than it saves. The expression must stay Django's (tests check with EXPLAIN).
"""

from django.db import migrations

PENDING_LIST_KB = 128  # see members.0003_search_indexes
SEARCH_INDEXES = {
    "feedback_title_search_idx": "title",
    "feedback_body_search_idx": "body",
    "feedback_answer_search_idx": "official_answer",
}


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, column in SEARCH_INDEXES.items():
            schema_editor.execute(
                f"CREATE INDEX {name} ON feedback_feedback USING gin ((UPPER({column})) gin_trgm_ops) "
                f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
            )


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEARCH_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0002_changelist_index"),
        ("members", "0003_search_indexes"),
    ]

    operations = [migrations.RunPython(add_search_indexes, remove_search_indexes)]
