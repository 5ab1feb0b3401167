"""Activity rules: who may sign up, places and the waiting list, the lottery,
attendance, ratings and calendar feeds.

Every change to the places of an activity (sign-up, cancellation, capacity,
draw, promotion) starts by locking the activity's row with
``_lock_activity``: ``SELECT ... FOR UPDATE`` on PostgreSQL, while on SQLite
the settings open every transaction with ``BEGIN IMMEDIATE`` so writers run
one after the other. Counting the places taken and taking one is therefore a
single step, and an activity is never over capacity however many workers
press "sign up" at the same moment.
"""

import random
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count, Max
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext

from members.models import Member, OrgUnit, User
from members.notify import member_notify
from members.scoping import user_may_see_unit

from .models import (
    Activity,
    CalendarFeed,
    EligibilityOverride,
    LotteryDraw,
    Rating,
    Registration,
    RegistrationEvent,
)

R = Registration.Status

# Officers may check members in from this long before the start.
CHECK_IN_OPENS_BEFORE = timedelta(hours=2)
# The lottery favours members who got fewer places in activities this recent.
LOTTERY_LOOKBACK = timedelta(days=365)


def _when(value: datetime) -> str:
    return date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _lock_activity(activity: Activity) -> Activity:
    """Re-read the activity and hold its row lock until the transaction ends."""
    return Activity.objects.select_for_update(of=("self",)).select_related("unit").get(pk=activity.pk)


def _check_officer(*, by: User | None, activity: Activity, perm: str) -> None:
    if not (
        by is not None and by.is_active and by.is_staff and by.has_perm(perm) and user_may_see_unit(by, activity.unit)
    ):
        raise PermissionDenied(_("You may not manage this activity."))


def _taken(activity: Activity) -> int:
    return activity.registrations.filter(status__in=Registration.PLACE_STATUSES).count()


def _next_position(activity: Activity) -> int:
    last = activity.registrations.filter(status=R.WAITING).aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _is_drawn(activity: Activity) -> bool:
    return LotteryDraw.objects.filter(activity=activity).exists()


# --- Eligibility --------------------------------------------------------------


@dataclass(frozen=True)
class Eligibility:
    """Whether a member may sign up for an activity, and if not, why."""

    reasons: tuple[str, ...] = ()
    overridden: bool = False

    @property
    def eligible(self) -> bool:
        return not self.reasons or self.overridden


def _unit_names(units: list[OrgUnit]) -> str:
    return pgettext("list separator", ", ").join(unit.name for unit in sorted(units, key=lambda unit: unit.path))


def eligibility_reasons(
    *, activity: Activity, member: Member, eligible_units: list[OrgUnit] | None = None
) -> list[str]:
    """Every rule of ``activity`` that ``member`` does not meet, as a sentence
    the worker can read. Empty when they may sign up.

    Reads ``activity.eligible_units.all()`` unless ``eligible_units`` (the
    same units) is given: pass it, or prefetch, when checking many.
    """
    reasons = []
    if not activity.unit.contains(member.unit):
        reasons.append(_("This activity is for members of %(units)s.") % {"units": activity.unit.name})
    units = list(activity.eligible_units.all()) if eligible_units is None else eligible_units
    if units and not any(unit.contains(member.unit) for unit in units):
        reasons.append(_("This activity is for members of %(units)s.") % {"units": _unit_names(units)})
    if activity.members_only and not member.is_active_member:
        reasons.append(_("This activity is for union members, and your membership is not active."))
    if activity.gender == Member.Gender.FEMALE and member.gender != activity.gender:
        reasons.append(_("This activity is for women members."))
    elif activity.gender == Member.Gender.MALE and member.gender != activity.gender:
        reasons.append(_("This activity is for men members."))
    age = member.age_on(activity.local_date)
    too_young = activity.min_age is not None and age < activity.min_age
    too_old = activity.max_age is not None and age > activity.max_age
    if activity.retired == Activity.RetiredRule.OR_OLDER:
        if not member.retired and too_young:
            reasons.append(
                _("This activity is for retired members and members aged %(min)s or over.") % {"min": activity.min_age}
            )
        too_young = False
    elif activity.retired == Activity.RetiredRule.ONLY and not member.retired:
        reasons.append(_("This activity is for retired members."))
    if too_young or too_old:
        if activity.min_age is not None and activity.max_age is not None:
            reasons.append(
                _("This activity is for members aged %(min)s to %(max)s on the day.")
                % {"min": activity.min_age, "max": activity.max_age}
            )
        elif too_young:
            reasons.append(_("This activity is for members aged %(min)s or over.") % {"min": activity.min_age})
        else:
            reasons.append(_("This activity is for members aged %(max)s or under.") % {"max": activity.max_age})
    return reasons


def eligibility_rules(*, activity: Activity) -> list[str]:
    """The activity's rules in words, shown to every worker before they try."""
    rules = []
    units = list(activity.eligible_units.all())
    rules.append(_("Members of %(units)s, and of every unit below.") % {"units": _unit_names(units or [activity.unit])})
    if activity.members_only:
        rules.append(_("Active union members only."))
    if activity.gender == Member.Gender.FEMALE:
        rules.append(_("Women members."))
    elif activity.gender == Member.Gender.MALE:
        rules.append(_("Men members."))
    if activity.retired == Activity.RetiredRule.OR_OLDER:
        rules.append(_("Retired members, and members aged %(min)s or over.") % {"min": activity.min_age})
    elif activity.retired == Activity.RetiredRule.ONLY:
        rules.append(_("Retired members."))
    minimum = activity.min_age if activity.retired != Activity.RetiredRule.OR_OLDER else None
    if minimum is not None and activity.max_age is not None:
        rules.append(_("Aged %(min)s to %(max)s on the day.") % {"min": minimum, "max": activity.max_age})
    elif minimum is not None:
        rules.append(_("Aged %(min)s or over on the day.") % {"min": minimum})
    elif activity.max_age is not None:
        rules.append(_("Aged %(max)s or under on the day.") % {"max": activity.max_age})
    return rules


def eligibility_check(
    *,
    activity: Activity,
    member: Member,
    overridden: bool | None = None,
    eligible_units: list[OrgUnit] | None = None,
) -> Eligibility:
    """The member's eligibility, with an officer's exception taken into account.

    Pass ``overridden`` and ``eligible_units`` when they are known already
    (lists), to save queries."""
    reasons = eligibility_reasons(activity=activity, member=member, eligible_units=eligible_units)
    if reasons and overridden is None:
        overridden = EligibilityOverride.objects.filter(activity=activity, member=member).exists()
    return Eligibility(reasons=tuple(reasons), overridden=bool(overridden))


def signup_blockers(*, activity: Activity, now: datetime | None = None) -> list[str]:
    """Why nobody can sign up for ``activity`` right now (status and window)."""
    now = now or timezone.now()
    if activity.status == Activity.Status.CANCELLED:
        return [_("This activity has been cancelled.")]
    if activity.status != Activity.Status.PUBLISHED:
        return [_("This activity is not open for sign-up.")]
    if activity.signup_opens_at and now < activity.signup_opens_at:
        return [_("Sign-up opens on %(when)s.") % {"when": _when(activity.signup_opens_at)}]
    if now >= activity.signup_closes:
        return [_("Sign-up has closed.")]
    return []


@transaction.atomic
def eligibility_override_grant(*, activity: Activity, member: Member, reason: str, by: User) -> EligibilityOverride:
    """Let ``member`` sign up for ``activity`` whatever its rules say; the reason is recorded."""
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.add_eligibilityoverride")
    if not user_may_see_unit(by, member.unit):
        raise PermissionDenied(_("You may not manage this member."))
    if not reason.strip():
        raise ValidationError(_("Give the reason for the exception: it is recorded."))
    if EligibilityOverride.objects.filter(activity=activity, member=member).exists():
        raise ValidationError(_("%(name)s already has an exception for this activity.") % {"name": member.name})
    return EligibilityOverride.objects.create(activity=activity, member=member, reason=reason.strip(), by=by)


# --- Registrations ------------------------------------------------------------


def _transition(registration: Registration, to: str, *, by: User | None, note: str = "", **fields) -> RegistrationEvent:
    """Move a registration to ``to`` and record the change."""
    from_status = registration.status if registration.pk else ""
    registration.status = to
    if to != R.WAITING:
        registration.position = None
    for name, value in fields.items():
        setattr(registration, name, value)
    registration.save()
    return RegistrationEvent.objects.create(
        registration=registration, from_status=from_status, to_status=to, by=by, note=note
    )


def _queue_position(registration: Registration) -> int | None:
    if registration.status != R.WAITING:
        return None
    ahead = Registration.objects.filter(
        activity_id=registration.activity_id, status=R.WAITING, position__lt=registration.position
    ).count()
    return ahead + 1


def _notify(*, registration: Registration, template: str, key: str, note: str = "") -> None:
    """Queue one e-mail to the registered member, in their language (outbox)."""
    member = registration.member
    if not member.contact_email:
        return  # before the queue position is counted
    activity = registration.activity
    member_notify(
        member=member,
        key=key,
        template=template,
        context={
            "name": member.name,
            "title": activity.title,
            "starts_at": activity.starts_at,
            "ends_at": activity.ends_at,
            "place": activity.place,
            "unit": activity.unit.name,
            "position": _queue_position(registration),
            "note": note,
            "activity_url": settings.SITE_URL + reverse("activities:detail", args=[activity.pk]),
            "registration_url": settings.SITE_URL + reverse("activities:registration", args=[registration.pk]),
            "calendar_url": settings.SITE_URL + reverse("activities:calendar", args=[activity.pk]),
        },
    )


def _notify_event(*, registration: Registration, event: RegistrationEvent, template: str, note: str = "") -> None:
    # One e-mail per recorded change: a retried call can never send it twice.
    _notify(registration=registration, template=template, key=f"activity-registration:{event.pk}", note=note)


def _promote(activity: Activity, *, by: User | None = None, now: datetime | None = None) -> list[Registration]:
    """Give free places to the waiting list, first in line first. The caller holds the activity lock."""
    now = now or timezone.now()
    if activity.status != Activity.Status.PUBLISHED or activity.has_started(now):
        return []
    if activity.is_lottery and not _is_drawn(activity):
        return []  # places are drawn, not queued, until the draw
    free = activity.capacity - _taken(activity)
    if free <= 0:
        return []
    promoted = list(
        Registration.objects.select_related("member__user")
        .filter(activity=activity, status=R.WAITING)
        .order_by("position", "id")[:free]
    )
    for registration in promoted:
        registration.activity = activity
        event = _transition(registration, R.CONFIRMED, by=by)
        _notify_event(registration=registration, event=event, template="activity-promoted")
    return promoted


@transaction.atomic
def registration_promote(*, activity: Activity, by: User | None = None) -> list[Registration]:
    """Fill free places from the waiting list, in order, e-mailing each promoted worker."""
    return _promote(_lock_activity(activity), by=by)


@transaction.atomic
def registration_signup(*, activity: Activity, member: Member, by: User | None = None) -> Registration:
    """Sign ``member`` up for ``activity``.

    They get a place if one is free, else a place on the waiting list (if
    the activity has one), or, for a lottery, an entry in the draw. ``by`` is
    whoever acts: the worker themselves, or an officer signing someone up.

    Locks the activity first, so the count of places taken cannot change
    between reading it and taking a place (see the module docstring).
    """
    activity = _lock_activity(activity)
    if by is not None and by.pk != member.user_id:
        _check_officer(by=by, activity=activity, perm="activities.add_registration")
    now = timezone.now()
    blockers = signup_blockers(activity=activity, now=now)
    if blockers:
        raise ValidationError(blockers)
    eligibility = eligibility_check(activity=activity, member=member)
    if not eligibility.eligible:
        raise ValidationError(list(eligibility.reasons))
    registration = Registration.objects.filter(activity=activity, member=member).first()
    if registration is not None and registration.status in Registration.ACTIVE_STATUSES:
        raise ValidationError(_("You are already signed up for this activity."))

    if activity.is_lottery and not _is_drawn(activity):
        to, template = R.PENDING, "activity-entered"
    else:
        taken = _taken(activity)
        if taken < activity.capacity and activity.registrations.filter(status=R.WAITING).exists():
            # A place freed earlier but not handed on yet belongs to the queue, not to a newcomer.
            taken += len(_promote(activity, now=now))
        if taken < activity.capacity:
            to, template = R.CONFIRMED, "activity-confirmed"
        elif activity.waiting_list:
            to, template = R.WAITING, "activity-waiting"
        else:
            raise ValidationError(_("This activity is full."))

    if registration is None:
        registration = Registration(activity=activity, member=member)
    registration.activity = activity
    position = _next_position(activity) if to == R.WAITING else None
    event = _transition(
        registration, to, by=by, position=position, created_at=now, checked_in_at=None, checked_in_by=None
    )
    _notify_event(registration=registration, event=event, template=template)
    return registration


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User, note: str = "") -> Registration:
    """Give up a place, leave the waiting list or withdraw from a draw.

    A freed place goes to the first worker on the waiting list at once.
    Workers may cancel a confirmed place online until the activity's
    cut-off; officers may cancel for them until the start.
    """
    activity = _lock_activity(registration.activity)
    registration = Registration.objects.select_related("member__user").get(pk=registration.pk)
    registration.activity = activity
    is_self = by.pk == registration.member.user_id
    if not is_self:
        _check_officer(by=by, activity=activity, perm="activities.change_registration")
    if registration.status not in (R.PENDING, R.CONFIRMED, R.WAITING):
        raise ValidationError(_("This registration can no longer be cancelled."))
    now = timezone.now()
    if activity.has_started(now):
        raise ValidationError(_("The activity has already started."))
    if is_self and registration.status == R.CONFIRMED and now > activity.starts_at - activity.cancellation_cutoff:
        raise ValidationError(
            _("It is too late to cancel online (the cut-off was %(when)s). Please tell the organisers.")
            % {"when": _when(activity.starts_at - activity.cancellation_cutoff)}
        )
    held_place = registration.holds_place
    event = _transition(registration, R.CANCELLED, by=by, note=note)
    if not is_self:
        _notify_event(registration=registration, event=event, template="activity-withdrawn", note=note)
    if held_place:
        _promote(activity, by=None, now=now)
    return registration


# --- The activity as a whole ---------------------------------------------------


@transaction.atomic
def activity_publish(*, activity: Activity, by: User) -> Activity:
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.change_activity")
    if activity.status != Activity.Status.DRAFT:
        raise ValidationError(_("Only a draft can be published."))
    if activity.has_started():
        raise ValidationError(_("This activity is in the past."))
    activity.status = Activity.Status.PUBLISHED
    activity.save(update_fields=["status", "updated_at"])
    return activity


def activity_capacity_check(*, activity: Activity, capacity: int) -> None:
    """Refuse a capacity below the places already taken (forms call it too)."""
    if capacity < 1:
        raise ValidationError(_("An activity needs at least one place."))
    taken = _taken(activity)
    if capacity < taken:
        raise ValidationError(
            ngettext(
                "%(taken)d place is taken already; the capacity cannot be lower.",
                "%(taken)d places are taken already; the capacity cannot be lower.",
                taken,
            )
            % {"taken": taken}
        )


@transaction.atomic
def activity_capacity_change(*, activity: Activity, capacity: int, by: User) -> list[Registration]:
    """Set the number of places; extra places go to the waiting list at once.

    The capacity cannot go below the places already taken: nobody loses a
    confirmed place because an officer typed a smaller number."""
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.change_activity")
    activity_capacity_check(activity=activity, capacity=capacity)
    activity.capacity = capacity
    activity.save(update_fields=["capacity", "updated_at"])
    return _promote(activity, by=by)


@transaction.atomic
def activity_cancel(*, activity: Activity, by: User, reason: str) -> int:
    """Cancel the activity and e-mail everyone signed up (with the reason).

    Returns how many workers were told."""
    activity = _lock_activity(activity)
    _check_officer(by=by, activity=activity, perm="activities.cancel_activity")
    if activity.status == Activity.Status.CANCELLED:
        raise ValidationError(_("This activity is already cancelled."))
    if activity.has_ended():
        raise ValidationError(_("This activity is already over."))
    if not reason.strip():
        raise ValidationError(_("Give a reason: it is sent to everyone signed up."))
    activity.status = Activity.Status.CANCELLED
    activity.cancelled_at = timezone.now()
    activity.cancel_reason = reason.strip()
    activity.save(update_fields=["status", "cancelled_at", "cancel_reason", "updated_at"])
    affected = list(
        activity.registrations.select_related("member__user").filter(status__in=[R.PENDING, R.CONFIRMED, R.WAITING])
    )
    for registration in affected:
        registration.activity = activity
        _transition(registration, R.CANCELLED, by=by, note=activity.cancel_reason)
        _notify(
            registration=registration,
            template="activity-cancelled",
            key=f"activity-cancelled:{activity.pk}:{registration.pk}",
            note=activity.cancel_reason,
        )
    return len(affected)


# --- Lottery ------------------------------------------------------------------


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


# --- Attendance ---------------------------------------------------------------


@transaction.atomic
def registration_check_in(*, registration: Registration, by: User) -> Registration:
    """Record that the member came (admin bulk action or member card scan)."""
    registration = (
        Registration.objects.select_for_update(of=("self",))
        .select_related("activity__unit", "member")
        .get(pk=registration.pk)
    )
    activity = registration.activity
    _check_officer(by=by, activity=activity, perm="activities.check_in_registration")
    name = registration.member.name
    if registration.status == R.ATTENDED:
        raise ValidationError(_("%(name)s is already checked in.") % {"name": name})
    if registration.status not in (R.CONFIRMED, R.NO_SHOW):
        raise ValidationError(_("%(name)s has no confirmed place in this activity.") % {"name": name})
    if activity.status != Activity.Status.PUBLISHED:
        raise ValidationError(_("This activity has been cancelled."))
    now = timezone.now()
    if now < activity.starts_at - CHECK_IN_OPENS_BEFORE:
        raise ValidationError(
            _("Check-in opens at %(when)s.") % {"when": _when(activity.starts_at - CHECK_IN_OPENS_BEFORE)}
        )
    _transition(registration, R.ATTENDED, by=by, checked_in_at=now, checked_in_by=by)
    return registration


@transaction.atomic
def no_shows_record(*, activity: Activity, by: User | None = None) -> int:
    """After the activity, mark every confirmed participant who was not checked in as a no-show."""
    activity = _lock_activity(activity)
    if by is not None:
        _check_officer(by=by, activity=activity, perm="activities.check_in_registration")
    if not activity.has_ended():
        raise ValidationError(_("No-shows are recorded once the activity is over."))
    missing = list(activity.registrations.filter(status=R.CONFIRMED))
    for registration in missing:
        _transition(registration, R.NO_SHOW, by=by)
    return len(missing)


def no_shows_record_due() -> int:
    """Record the no-shows of every activity that is over (the scheduler's job)."""
    ended = Activity.objects.published().filter(ends_at__lte=timezone.now(), registrations__status=R.CONFIRMED)
    return sum(no_shows_record(activity=activity) for activity in ended.distinct())


# --- After the activity -------------------------------------------------------


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


# --- Calendar feed ------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, member: Member) -> CalendarFeed:
    """Give the member a new secret feed address; any old one stops working."""
    CalendarFeed.objects.filter(member=member).delete()
    return CalendarFeed.objects.create(member=member)


@transaction.atomic
def calendar_feed_revoke(*, member: Member) -> None:
    CalendarFeed.objects.filter(member=member).delete()


# --- Erasure (a member's deletion request) ---------------------------------------------------


def member_activities_erase(member: Member, by: User) -> None:
    """Erase the member's words and free the places they still hold.

    Registrations stay (participation figures count them), linked to the
    anonymised profile; rating comments, notes on their changes, the reasons of
    eligibility exceptions and the calendar feed go. Places in activities not yet
    started are given up, and the next on the waiting list moves up.
    """
    now = timezone.now()
    upcoming = (
        Registration.objects.filter(member=member, status__in=(R.PENDING, R.CONFIRMED, R.WAITING))
        .filter(activity__starts_at__gt=now)
        .values_list("pk", "activity_id")
    )
    for registration_pk, activity_id in list(upcoming):
        activity = _lock_activity(Activity(pk=activity_id))
        registration = Registration.objects.select_related("member__user").get(pk=registration_pk)
        registration.activity = activity
        held_place = registration.holds_place
        _transition(registration, R.CANCELLED, by=by)
        if held_place:
            _promote(activity, by=None, now=now)
    Rating.objects.filter(registration__member=member).exclude(comment="").update(comment="")
    RegistrationEvent.objects.filter(registration__member=member).exclude(note="").update(note="")
    EligibilityOverride.objects.filter(member=member).update(reason=_("(erased at the worker's request)"))
    CalendarFeed.objects.filter(member=member).delete()
    Registration.history.filter(member_id=member.pk).delete()
