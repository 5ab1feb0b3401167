"""Indexes for the officers' member changelist and admin search (issue 8).

* ``(name, id)``: the changelist's order, so a page is read from the index instead of
  sorting every member.
* PostgreSQL only (nothing happens on SQLite): a trigram index (pg_trgm) on each field
  the admin searches, in capitals and with every non-ASCII character doubled ("顾明" →
  "顾顾明明"), so that a Chinese term of two characters (most names have two or three)
  has trigrams to look up. The expression must stay exactly the one ``members.search``
  writes (tests check with EXPLAIN).
"""

from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations, models

DOUBLED = r"REGEXP_REPLACE(UPPER({}), '([^\x01-\x7f])', '\1\1', 'g')"
# New entries wait in a list that every search reads through before they join the index
# proper (4 MB by default: some 20 ms per index and search); a short list keeps searches fast.
PENDING_LIST_KB = 128
SEARCH_INDEXES = {
    "member_name_search_idx": ("members_member", "name"),
    "member_number_search_idx": ("members_member", "membership_number"),
    "member_employee_no_search_idx": ("members_member", "employee_number"),
    "member_phone_search_idx": ("members_member", "phone"),
    "member_email_search_idx": ("members_member", "email"),
    "user_email_search_idx": ("members_user", "email"),
}


def add_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name, (table, column) in SEARCH_INDEXES.items():
            expression = DOUBLED.format(column)
            schema_editor.execute(
                f"CREATE INDEX {name} ON {table} USING gin (({expression}) gin_trgm_ops) "
                f"WITH (gin_pending_list_limit = {PENDING_LIST_KB})"
            )


def remove_search_indexes(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        for name in SEARCH_INDEXES:
            schema_editor.execute(f"DROP INDEX IF EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("members", "0002_roles")]

    operations = [
        migrations.AddIndex(
            model_name="member", index=models.Index(fields=["name", "id"], name="member_changelist_order_idx")
        ),
        TrigramExtension(),
        migrations.RunPython(add_search_indexes, remove_search_indexes),
    ]
