"""Each eligibility rule, with the reason the worker reads."""

from datetime import date, datetime, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone, translation

from activities import services
from activities.models import Activity, EligibilityOverride, Registration
from members.models import Member
from tests.activities.factories import ActivityFactory
from tests.factories import ActiveMemberFactory, MemberFactory, add_unit


def reasons(activity, member):
    with translation.override("en"):
        return services.eligibility_check(activity=activity, member=member).reasons


def on(day: date) -> dict:
    starts = timezone.make_aware(datetime.combine(day, datetime.min.time().replace(hour=9)))
    return {"starts_at": starts, "ends_at": starts + timedelta(hours=3)}


def test_an_open_activity_has_no_reasons(activity, worker):
    assert reasons(activity, worker) == ()
    assert services.eligibility_check(activity=activity, member=worker).eligible


def test_members_only_turns_away_a_worker_who_is_not_yet_a_member(activity, tree):
    applicant = MemberFactory(unit=tree["branch_a"], status=Member.Status.APPLICANT)
    assert reasons(activity, applicant) == ("This activity is for union members, and your membership is not active.",)
    activity.members_only = False
    assert reasons(activity, applicant) == ()


def test_the_womens_hike_is_for_women(tree, worker, make_members):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.FEMALE)
    man = make_members(1, gender=Member.Gender.MALE)[0]
    assert reasons(hike, worker) == ()
    assert reasons(hike, man) == ("This activity is for women members.",)


def test_an_activity_for_men_says_so(tree, worker):
    activity = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
    assert reasons(activity, worker) == ("This activity is for men members.",)


def test_age_is_taken_on_the_day_of_the_activity(tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], date_of_birth=date(1976, 10, 8))
    turns_50 = ActivityFactory(unit=tree["union_a"], min_age=50, **on(date(2026, 10, 8)))
    day_before = ActivityFactory(unit=tree["union_a"], min_age=50, **on(date(2026, 10, 7)))
    assert reasons(turns_50, member) == ()
    assert reasons(day_before, member) == ("This activity is for members aged 50 or over.",)


def test_a_maximum_age_and_an_age_range(tree):
    member = ActiveMemberFactory(unit=tree["branch_a"], date_of_birth=date(1980, 1, 1))
    young = ActivityFactory(unit=tree["union_a"], max_age=35, **on(date(2027, 6, 1)))
    range_ = ActivityFactory(unit=tree["union_a"], min_age=18, max_age=35, **on(date(2027, 6, 1)))
    assert reasons(young, member) == ("This activity is for members aged 35 or under.",)
    assert reasons(range_, member) == ("This activity is for members aged 18 to 35 on the day.",)


def test_retired_only(tree, worker):
    retiree = ActiveMemberFactory(unit=tree["branch_a"], retired=True)
    activity = ActivityFactory(unit=tree["union_a"], retired=Activity.RetiredRule.ONLY)
    assert reasons(activity, worker) == ("This activity is for retired members.",)
    assert reasons(activity, retiree) == ()


def test_the_double_ninth_choir_takes_retired_members_and_members_of_55_and_over(tree, worker):
    choir = ActivityFactory(
        unit=tree["union_a"], retired=Activity.RetiredRule.OR_OLDER, min_age=55, **on(date(2027, 10, 8))
    )
    young_retiree = ActiveMemberFactory(unit=tree["branch_a"], retired=True, date_of_birth=date(1975, 1, 1))
    older_worker = ActiveMemberFactory(unit=tree["branch_a"], retired=False, date_of_birth=date(1970, 1, 1))
    assert reasons(choir, young_retiree) == ()
    assert reasons(choir, older_worker) == ()
    assert reasons(choir, worker) == ("This activity is for retired members and members aged 55 or over.",)


def test_particular_units_include_everything_below_them(tree, worker, outsider):
    group = add_unit(tree["branch_a"], "甲厂一车间一班", "group")
    in_group = ActiveMemberFactory(unit=group)
    in_union = ActiveMemberFactory(unit=tree["union_a"])
    activity = ActivityFactory(unit=tree["root"], eligible_units=[tree["branch_a"], tree["branch_b"]])
    assert reasons(activity, worker) == ()
    assert reasons(activity, in_group) == ()
    assert reasons(activity, outsider) == ()
    assert reasons(activity, in_union) == ("This activity is for members of 乙厂一车间, 甲厂一车间.",)


def test_an_activity_is_for_the_subtree_of_the_unit_that_runs_it(tree, worker, outsider):
    activity = ActivityFactory(unit=tree["union_a"])
    assert reasons(activity, outsider) == ("This activity is for members of 甲厂工会.",)


def test_every_failed_rule_is_listed(tree):
    man = ActiveMemberFactory(unit=tree["branch_a"], gender=Member.Gender.MALE, status=Member.Status.LAPSED)
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.FEMALE, retired=Activity.RetiredRule.ONLY)
    assert len(reasons(hike, man)) == 3


def test_the_reasons_are_in_the_workers_language(tree, worker):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
    with translation.override("zh-hans"):
        check = services.eligibility_check(activity=hike, member=worker)
    assert check.reasons == ("本活动仅限男会员参加。",)


def test_sign_up_enforces_the_same_rules(tree, worker, outsider):
    hike = ActivityFactory(unit=tree["root"], gender=Member.Gender.MALE)
    with pytest.raises(ValidationError) as exc, translation.override("en"):
        services.registration_signup(activity=hike, member=worker, by=worker.user)
    assert exc.value.messages == ["This activity is for men members."]
    assert not Registration.objects.exists()


def test_an_officer_lets_one_member_in_with_a_recorded_reason(tree, officer, make_members):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.FEMALE)
    man = make_members(1, gender=Member.Gender.MALE)[0]
    override = services.eligibility_override_grant(activity=hike, member=man, reason="负责后勤保障的男同志", by=officer)
    assert (override.by, override.reason) == (officer, "负责后勤保障的男同志")
    check = services.eligibility_check(activity=hike, member=man)
    assert check.eligible and check.overridden and check.reasons == ("本活动仅限女会员参加。",)
    registration = services.registration_signup(activity=hike, member=man, by=man.user)
    assert registration.status == Registration.Status.CONFIRMED


def test_an_override_needs_a_reason(activity, officer, worker):
    with pytest.raises(ValidationError):
        services.eligibility_override_grant(activity=activity, member=worker, reason="  ", by=officer)
    assert not EligibilityOverride.objects.exists()


def test_an_officer_cannot_override_for_an_activity_outside_their_subtree(tree, sibling_officer, outsider):
    activity = ActivityFactory(unit=tree["union_a"])
    with pytest.raises(PermissionDenied):
        services.eligibility_override_grant(activity=activity, member=outsider, reason="理由", by=sibling_officer)


def test_a_worker_cannot_grant_themselves_an_exception(activity, worker):
    with pytest.raises(PermissionDenied):
        services.eligibility_override_grant(activity=activity, member=worker, reason="我想去", by=worker.user)
