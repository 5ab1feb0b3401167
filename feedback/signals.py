"""``Feedback.supporter_count`` follows the supports.

Receivers rather than the support services: every way a support row comes
and goes (the services, the admin, a cascade, a test factory) passes here,
and the update runs in the same transaction as the insert or delete.
"""

from django.db.models import F
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from .models import Feedback, FeedbackSupport


@receiver(post_save, sender=FeedbackSupport)
def count_support(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        Feedback.objects.filter(pk=instance.feedback_id).update(supporter_count=F("supporter_count") + 1)


@receiver(post_delete, sender=FeedbackSupport)
def uncount_support(sender, instance, **kwargs):
    Feedback.objects.filter(pk=instance.feedback_id, supporter_count__gt=0).update(
        supporter_count=F("supporter_count") - 1
    )
