"""Approving a bereavement or illness request opens a care visit.

Direction of the dependency: care imports welfare, welfare knows nothing of care.
Care listens to Django's own ``post_save`` of welfare's ``RequestTransition``, the
row every state change writes inside ``welfare.services.request_transition``'s
transaction: whichever door approved the request (worker page, admin, action,
shell), the visit is opened with it, or not at all if the approval is rolled back.
"""

from django.db.models.signals import post_save
from django.dispatch import receiver

from welfare.models import RequestTransition, WelfareRequest

from .services import case_open_for_request


@receiver(post_save, sender=RequestTransition, dispatch_uid="care_open_on_approval")
def open_visit_on_approval(sender, instance, created, raw=False, **kwargs):
    if created and not raw and instance.to_state == WelfareRequest.State.APPROVED:
        case_open_for_request(request=instance.request)
