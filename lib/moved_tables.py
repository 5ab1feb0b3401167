"""Moving a model to another app without losing its rows.

The new app's migration declares the model in its state
(``SeparateDatabaseAndState``) and then runs ``adopt_tables``: on a database
made before the move, the old app's table is renamed to the new name and the
old content type relabelled (so permissions, groups' grants and admin history
follow); on a fresh database the table is created.
"""

from django.db import migrations


def adopt_tables(app_label: str, tables: dict[str, str], *, from_app: str) -> migrations.RunPython:
    """``tables``: model name in ``app_label`` -> the table it had in ``from_app``."""

    def forwards(apps, schema_editor):
        existing = set(schema_editor.connection.introspection.table_names())
        for model_name, old_table in tables.items():
            model = apps.get_model(app_label, model_name)
            if old_table in existing:
                schema_editor.alter_db_table(model, old_table, model._meta.db_table)
            else:
                schema_editor.create_model(model)
        _relabel(apps, schema_editor, tables, old=from_app, new=app_label)

    def backwards(apps, schema_editor):
        for model_name, old_table in tables.items():
            model = apps.get_model(app_label, model_name)
            schema_editor.alter_db_table(model, model._meta.db_table, old_table)
        _relabel(apps, schema_editor, tables, old=app_label, new=from_app)

    return migrations.RunPython(forwards, backwards)


def _relabel(apps, schema_editor, tables, *, old: str, new: str) -> None:
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(schema_editor.connection.alias)
    for model_name in tables:
        moving = content_types.filter(app_label=old, model=model_name)
        if content_types.filter(app_label=new, model=model_name).exists():
            moving.delete()  # the new one was made already (by an earlier migrate): the old is stale
        else:
            moving.update(app_label=new)
