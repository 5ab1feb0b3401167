# The feedback changelist's order (newest first), read from an index instead of sorting every item (issue 8).

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0001_initial"),
    ]

    operations = [
        migrations.AddIndex(
            model_name="feedback",
            index=models.Index(fields=["-submitted_on", "id"], name="feedback_changelist_order_idx"),
        ),
    ]
