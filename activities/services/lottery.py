"""The lottery: places drawn once sign-up closes, fewer earlier places first, from a recorded seed."""

import random
import secrets
from collections import Counter
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import User

from ..models import Activity, LotteryDraw, Registration
from .base import R, _check_officer, _is_drawn, _lock_activity, _next_position, _taken, _when
from .registration import _notify_event, _transition

# The lottery favours members who got fewer places in activities this recent.
LOTTERY_LOOKBACK = timedelta(days=365)


def lottery_order(*, entrants: list[tuple[int, int]], seed: str) -> list[int]:
    """The order of a draw: ``entrants`` are ``(registration id, places in the
    last 12 months)``; fewer places come first, ties in a random order that
    depends only on ``seed``. The same input always gives the same order."""
    rng = random.Random(seed)  # a str seed is hashed with SHA-512: stable across runs and machines
    canonical = sorted(entrants)
    tie_breaker = {registration_id: rng.random() for registration_id, _prior in canonical}
    ranked = sorted(canonical, key=lambda entrant: (entrant[1], tie_breaker[entrant[0]]))
    return [registration_id for registration_id, _prior in ranked]


def _prior_places(*, member_ids: list[int], activity: Activity, now: datetime) -> dict[int, int]:
    """Places each member holds in other activities that started in the last 12 months or are still to come."""
    rows = (
        Registration.objects.filter(
            member_id__in=member_ids,
            status__in=Registration.PLACE_STATUSES,
            activity__starts_at__gte=now - LOTTERY_LOOKBACK,
        )
        .exclude(activity=activity)
        .values("member_id")
        .annotate(places=Count("id"))
    )
    return {row["member_id"]: row["places"] for row in rows}


def _lottery_explanation(*, draw_rows: list[dict], places: int, seed: str, waiting_list: bool) -> str:
    lines = [
        ngettext(
            "%(entrants)d member entered the draw for %(places)d places.",
            "%(entrants)d members entered the draw for %(places)d places.",
            len(draw_rows),
        )
        % {"entrants": len(draw_rows), "places": places},
        _(
            "Members who got fewer places in activities in the last 12 months were drawn first. Within each group "
            "the order is random, drawn with the seed %(seed)s: the same seed and the same entrants always give "
            "the same order, so anyone can check the draw."
        )
        % {"seed": seed},
    ]
    entered = Counter(row["prior_places"] for row in draw_rows)
    won = Counter(row["prior_places"] for row in draw_rows if row["outcome"] == R.CONFIRMED)
    for prior in sorted(entered):
        lines.append(
            _("Members with %(prior)d earlier places: %(entered)d entered, %(won)d got a place.")
            % {"prior": prior, "entered": entered[prior], "won": won[prior]}
        )
    if waiting_list and len(draw_rows) > places:
        lines.append(_("The others are on the waiting list in the order drawn."))
    return "\n".join(lines)


@transaction.atomic
def lottery_draw(*, activity: Activity, by: User | None, seed: str | None = None) -> LotteryDraw:
    """Draw the places of a lottery activity once its sign-up has closed.

    Winners are confirmed; the others go to the waiting list in the order
    drawn (or are told they were not drawn). Everybody gets an e-mail, and
    the draw (seed, input, outcome, explanation) is recorded. ``by`` is
    ``None`` when the scheduler draws.
    """
    activity = _lock_activity(activity)
    if by is not None:
        _check_officer(by=by, activity=activity, perm="activities.draw_activity")
    if not activity.is_lottery:
        raise ValidationError(_("This activity gives places first come, first served."))
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("Only a published activity can be drawn."))
    if _is_drawn(activity):
        raise ValidationError(_("The places of this activity have been drawn already."))
    now = timezone.now()
    if now < activity.signup_closes:
        raise ValidationError(
            _("Places are drawn when sign-up closes, on %(when)s.") % {"when": _when(activity.signup_closes)}
        )
    entrants = {
        registration.pk: registration
        for registration in activity.registrations.select_related("member__user").filter(status=R.PENDING)
    }
    prior = _prior_places(member_ids=[r.member_id for r in entrants.values()], activity=activity, now=now)
    seed = seed or secrets.token_hex(8)
    order = lottery_order(entrants=[(pk, prior.get(r.member_id, 0)) for pk, r in entrants.items()], seed=seed)
    places = max(activity.capacity - _taken(activity), 0)
    position = _next_position(activity)
    rows = []
    for rank, registration_id in enumerate(order, start=1):
        registration = entrants[registration_id]
        registration.activity = activity
        if rank <= places:
            event = _transition(registration, R.CONFIRMED, by=by)
            template = "activity-drawn"
        elif activity.waiting_list:
            event = _transition(registration, R.WAITING, by=by, position=position)
            position += 1
            template = "activity-not-drawn"
        else:
            event = _transition(registration, R.NOT_DRAWN, by=by)
            template = "activity-not-drawn"
        _notify_event(registration=registration, event=event, template=template)
        rows.append(
            {
                "rank": rank,
                "registration": registration_id,
                "member": registration.member_id,
                "name": registration.member.name,
                "prior_places": prior.get(registration.member_id, 0),
                "outcome": registration.status,
            }
        )
    return LotteryDraw.objects.create(
        activity=activity,
        seed=seed,
        drawn_at=now,
        by=by,
        places=places,
        entrants=len(rows),
        result=rows,
        explanation=_lottery_explanation(draw_rows=rows, places=places, seed=seed, waiting_list=activity.waiting_list),
    )


def lottery_verify(*, draw: LotteryDraw) -> bool:
    """Re-run a recorded draw from its seed and input: True if it gives the recorded order."""
    entrants = [(row["registration"], row["prior_places"]) for row in draw.result]
    recorded = [row["registration"] for row in sorted(draw.result, key=lambda row: row["rank"])]
    return lottery_order(entrants=entrants, seed=draw.seed) == recorded


def lottery_draw_due() -> int:
    """Draw every lottery whose sign-up has closed (the scheduler's job). Returns how many."""
    now = timezone.now()
    due = Activity.objects.published().filter(
        allocation=Activity.Allocation.LOTTERY, signup_closes_at__lte=now, lottery_draw__isnull=True
    )
    drawn = 0
    for activity in due:
        try:
            lottery_draw(activity=activity, by=None)
        except ValidationError:
            continue  # drawn meanwhile by an officer
        drawn += 1
    return drawn
