"""Who may sign up for an activity, in words the worker reads, and the officer's exceptions."""

from dataclasses import dataclass
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from members.models import Member, OrgUnit, User
from members.scoping import user_may_see_unit

from ..models import Activity, EligibilityOverride
from .base import _check_officer, _lock_activity, _when


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
    reasons = _unit_reasons(activity=activity, member=member, eligible_units=eligible_units)
    if activity.members_only and not member.is_active_member:
        reasons.append(_("This activity is for union members, and your membership is not active."))
    if activity.gender == Member.Gender.FEMALE and member.gender != activity.gender:
        reasons.append(_("This activity is for women members."))
    elif activity.gender == Member.Gender.MALE and member.gender != activity.gender:
        reasons.append(_("This activity is for men members."))
    return reasons + _age_reasons(activity=activity, member=member)


def _unit_reasons(*, activity: Activity, member: Member, eligible_units: list[OrgUnit] | None) -> list[str]:
    reasons = []
    if not activity.unit.contains(member.unit):
        reasons.append(_("This activity is for members of %(units)s.") % {"units": activity.unit.name})
    units = list(activity.eligible_units.all()) if eligible_units is None else eligible_units
    if units and not any(unit.contains(member.unit) for unit in units):
        reasons.append(_("This activity is for members of %(units)s.") % {"units": _unit_names(units)})
    return reasons


def _age_reasons(*, activity: Activity, member: Member) -> list[str]:
    """The retirement and age rules; "retired or aged N or over" lets a retired member of any age in."""
    reasons = []
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
        reasons.append(_age_range_reason(activity=activity, too_young=too_young))
    return reasons


def _age_range_reason(*, activity: Activity, too_young: bool) -> str:
    if activity.min_age is not None and activity.max_age is not None:
        return _("This activity is for members aged %(min)s to %(max)s on the day.") % {
            "min": activity.min_age,
            "max": activity.max_age,
        }
    if too_young:
        return _("This activity is for members aged %(min)s or over.") % {"min": activity.min_age}
    return _("This activity is for members aged %(max)s or under.") % {"max": activity.max_age}


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
