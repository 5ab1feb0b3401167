from django.db import migrations


class Migration(migrations.Migration):
    """The four decision logs share lib.models.StateChange: from_state and to_state, as welfare and feedback had."""

    dependencies = [("members", "0003_search_indexes")]

    operations = [
        migrations.RenameField("membershipevent", "from_status", "from_state"),
        migrations.RenameField("membershipevent", "to_status", "to_state"),
    ]
