from django.db import migrations


def create_roles(apps, schema_editor):
    from members.roles import sync_roles

    # Permissions of apps not migrated yet are granted after migrate (post_migrate).
    sync_roles(apps.get_model("auth", "Group"), apps.get_model("auth", "Permission"))


class Migration(migrations.Migration):
    dependencies = [
        ("members", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
