from django.conf import settings
from django.db import migrations, models
from django.db.models import Count, IntegerField, OuterRef, Subquery
from django.db.models.functions import Coalesce


def count_supports(apps, schema_editor):
    """Fill ``supporter_count`` from the supports already given."""
    Feedback = apps.get_model("feedback", "Feedback")
    FeedbackSupport = apps.get_model("feedback", "FeedbackSupport")
    counted = (
        FeedbackSupport.objects.filter(feedback=OuterRef("pk"))
        .order_by()
        .values("feedback")
        .annotate(n=Count("pk"))
        .values("n")
    )
    # Only the items that have supports: the others keep the default 0.
    Feedback.objects.filter(pk__in=FeedbackSupport.objects.values("feedback")).update(
        supporter_count=Coalesce(Subquery(counted, output_field=IntegerField()), 0)
    )


class Migration(migrations.Migration):
    dependencies = [
        ("feedback", "0003_search_indexes"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="feedback",
            name="supporter_count",
            field=models.PositiveIntegerField(default=0, editable=False, verbose_name="supports"),
        ),
        migrations.RunPython(count_supports, migrations.RunPython.noop),
        migrations.AddIndex(
            model_name="feedback",
            index=models.Index(
                condition=models.Q(("published", True)), fields=["unit"], name="feedback_board_unit_idx"
            ),
        ),
    ]
