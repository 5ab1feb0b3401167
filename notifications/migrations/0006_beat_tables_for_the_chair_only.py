"""Officers no longer see django-celery-beat's tables (issue 18): the roles are granted by
adding only (members.roles.sync_roles), so the view permissions given before are taken back here."""

from django.db import migrations

TAKEN_BACK = ["view_periodictask", "view_crontabschedule", "view_intervalschedule"]


def take_back(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    perms = Permission.objects.filter(content_type__app_label="django_celery_beat", codename__in=TAKEN_BACK)
    for group in Group.objects.filter(name__in=["Officer", "Welfare officer"]):
        group.permissions.remove(*perms)


class Migration(migrations.Migration):
    dependencies = [
        ("notifications", "0005_merge_0004_handed_over_0004_sms_channel"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("django_celery_beat", "0001_initial"),
    ]

    operations = [migrations.RunPython(take_back, migrations.RunPython.noop)]
