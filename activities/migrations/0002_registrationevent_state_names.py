from django.db import migrations


class Migration(migrations.Migration):
    """The four decision logs share lib.models.StateChange: from_state and to_state, as welfare and feedback had."""

    dependencies = [("activities", "0001_initial")]

    operations = [
        migrations.RenameField("registrationevent", "from_status", "from_state"),
        migrations.RenameField("registrationevent", "to_status", "to_state"),
    ]
