from django.db import migrations, models


def move_permission(apps, schema_editor):
    """On a database from before the move, the statistics permission hung on the back office's
    budget model (now ``welfare.budget``): move it here, with every grant of it, and drop the back
    office's last content types."""
    alias = schema_editor.connection.alias
    content_types = apps.get_model("contenttypes", "ContentType").objects.using(alias)
    permissions = apps.get_model("auth", "Permission").objects.using(alias)
    old = permissions.filter(
        codename="view_statistics", content_type__app_label__in=["backoffice", "welfare"], content_type__model="budget"
    )
    if old.exists():
        holder, _ = content_types.get_or_create(app_label="dashboard", model="statistics")
        if permissions.filter(content_type=holder, codename="view_statistics").exists():
            old.delete()
        else:
            old.update(content_type=holder, name="Can view the statistics")
    content_types.filter(app_label="backoffice").delete()


class Migration(migrations.Migration):
    initial = True

    dependencies = [
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("members", "0006_importjob_moved_here"),
        ("welfare", "0004_budget_moved_here"),
    ]

    operations = [
        migrations.CreateModel(
            name="Statistics",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
            ],
            options={
                "verbose_name": "statistics",
                "verbose_name_plural": "statistics",
                "permissions": [("view_statistics", "Can view the statistics")],
                "managed": False,
                "default_permissions": (),
            },
        ),
        migrations.RunPython(move_permission, migrations.RunPython.noop),
    ]
