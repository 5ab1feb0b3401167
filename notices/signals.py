"""Approving a grant of a scheme that requires it puts it on the notice board.

notices imports welfare, welfare knows nothing of notices: the notice is written by a
receiver of Django's ``post_save`` on welfare's ``RequestTransition`` (inside the
approval's transaction), and welfare asks ``services.payment_check`` before paying
through the one hook it offers (``welfare.services.payment_check_register``).
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from welfare.models import RequestTransition, WelfareRequest

from .services import notice_publish_for


@receiver(post_save, sender=RequestTransition, dispatch_uid="notices_publish_on_approval")
def publish_on_approval(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.to_state == WelfareRequest.State.APPROVED:
        notice_publish_for(request=instance.request)
