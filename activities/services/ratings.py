"""Ratings: an attendee's score and comment once the activity is over."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from ..models import Rating, Registration
from .base import R


@transaction.atomic
def rating_submit(*, registration: Registration, score: int, comment: str = "") -> Rating:
    """An attendee rates the activity (1-5) once it is over; rating again replaces it."""
    if registration.status != R.ATTENDED:
        raise ValidationError(_("Only members who took part can rate an activity."))
    if not registration.activity.has_ended():
        raise ValidationError(_("You can rate the activity once it is over."))
    if score not in range(1, 6):
        raise ValidationError(_("Choose a rating from 1 to 5."))
    rating, _created = Rating.objects.update_or_create(
        registration=registration, defaults={"score": score, "comment": comment.strip()}
    )
    return rating
