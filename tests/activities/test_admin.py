"""The officers' back office for activities: scoped, through the services."""

import csv
import io
import re
from datetime import timedelta

import openpyxl
import pytest
import time_machine
from django.contrib.auth.models import Permission
from django.urls import reverse

from activities import services
from activities.admin import ParticipantResource
from activities.forms import ActivityAdminForm
from activities.models import Activity, EligibilityOverride, Rating, Registration
from members.models import Member
from tests.activities.factories import ActivityFactory
from tests.factories import officer_user

S = Registration.Status


@pytest.fixture
def full_activity(activity, make_members):
    """Two places taken, one waiting."""
    for member in make_members(3):
        services.registration_signup(activity=activity, member=member, by=member.user)
    return activity


@pytest.fixture
def other_union_activity(tree, outsider):
    activity = ActivityFactory(unit=tree["union_b"], title="乙厂篮球赛")
    services.registration_signup(activity=activity, member=outsider, by=outsider.user)
    return activity


def change_url(activity):
    return reverse("admin:activities_activity_change", args=[activity.pk])


def test_an_officer_sees_only_activities_of_their_subtree_with_fill_rate(
    staff_client, officer, full_activity, other_union_activity
):
    response = staff_client(officer).get(reverse("admin:activities_activity_changelist"))
    assert [a.title for a in response.context["cl"].result_list] == [full_activity.title]
    page = response.content.decode()
    assert "2/2 (100%)" in page
    assert other_union_activity.title not in page


def test_the_changelist_shows_the_average_rating(staff_client, officer, full_activity):
    for score, registration in zip([5, 3], full_activity.registrations.filter(status=S.CONFIRMED), strict=True):
        Registration.objects.filter(pk=registration.pk).update(status=S.ATTENDED)
        Rating.objects.create(registration=registration, score=score)
    response = staff_client(officer).get(reverse("admin:activities_activity_changelist"))
    (row,) = response.context["cl"].result_list
    assert row.average_score == 4.0 and row.places_taken == 2 and row.waiting_count == 1


def test_an_officer_cannot_open_another_unions_activity_or_its_history(staff_client, officer, other_union_activity):
    client = staff_client(officer)
    assert client.get(change_url(other_union_activity)).status_code == 302  # "does not exist"
    history = reverse("admin:activities_activity_history", args=[other_union_activity.pk])
    assert client.get(history).status_code == 404
    registration = other_union_activity.registrations.get()
    assert client.get(reverse("admin:activities_registration_history", args=[registration.pk])).status_code == 404


def test_the_participant_list_is_the_activitys_inline(staff_client, officer, full_activity):
    page = staff_client(officer).get(change_url(full_activity)).content.decode()
    for registration in full_activity.registrations.select_related("member"):
        assert registration.member.name in page


@pytest.mark.parametrize("file_format", [0, 1], ids=["csv", "xlsx"])
def test_participants_export_as_csv_and_excel_scoped_to_the_officer(
    staff_client, officer, full_activity, other_union_activity, file_format
):
    client = staff_client(officer)
    response = client.post(
        reverse("admin:activities_registration_export"),
        {"format": file_format, "resource": 0, **{f"participantresource_{f}": "on" for f in _fields()}},
    )
    assert response.status_code == 200
    if file_format == 0:
        rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
        rows = [[str(c) if c is not None else "" for c in row] for row in sheet.iter_rows(values_only=True)]
    names = {row[2] for row in rows[1:]}
    expected = set(full_activity.registrations.values_list("member__name", flat=True))
    assert names == expected
    assert other_union_activity.registrations.get().member.name not in str(rows)


def _fields():
    return ParticipantResource._meta.fields


def test_export_needs_the_permission(staff_client, tree, full_activity):
    viewer = officer_user(unit=tree["union_a"], roles=())
    viewer.user_permissions.add(Permission.objects.get(codename="view_registration"))
    client = staff_client(viewer)
    assert client.get(reverse("admin:activities_registration_changelist")).status_code == 200
    assert client.get(reverse("admin:activities_registration_export")).status_code == 403


def test_raising_the_capacity_in_the_form_promotes_the_waiting_worker(staff_client, officer, full_activity):
    client = staff_client(officer)
    form = client.get(change_url(full_activity)).context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None and k != "eligible_units"}
    data.update(
        {
            "capacity": 3,
            "starts_at_0": full_activity.starts_at.astimezone().strftime("%Y-%m-%d"),
            "starts_at_1": full_activity.starts_at.astimezone().strftime("%H:%M:%S"),
            "ends_at_0": full_activity.ends_at.astimezone().strftime("%Y-%m-%d"),
            "ends_at_1": full_activity.ends_at.astimezone().strftime("%H:%M:%S"),
            "reminder_lead": "1 00:00:00",
            "cancellation_cutoff": "02:00:00",
            "unit": full_activity.unit_id,
            **_empty_inlines(),
        }
    )
    for key in ("starts_at", "ends_at", "signup_opens_at", "signup_closes_at"):
        data.pop(key, None)
    response = client.post(change_url(full_activity), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    full_activity.refresh_from_db()
    assert full_activity.capacity == 3
    assert not full_activity.registrations.filter(status=S.WAITING).exists()


def test_a_capacity_below_the_places_taken_is_refused_in_the_form(full_activity):
    form = ActivityAdminForm(instance=full_activity, data={"capacity": 1})
    assert "capacity" in form.errors


def _empty_inlines():
    data = {}
    for prefix in ("registrations", "overrides", "lottery_draw"):
        data.update({f"{prefix}-TOTAL_FORMS": "0", f"{prefix}-INITIAL_FORMS": "0"})
    return data


def test_cancelling_from_the_admin_asks_for_a_reason_then_e_mails(
    staff_client, officer, full_activity, mailoutbox, django_capture_on_commit_callbacks
):
    client = staff_client(officer)
    url = reverse("admin:activities_activity_changelist")
    selected = {"action": "cancel_selected", "_selected_action": [full_activity.pk]}
    form_page = client.post(url, selected)
    assert form_page.status_code == 200 and "reason" in form_page.content.decode()
    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(url, {**selected, "reason": "场地维修"})
    full_activity.refresh_from_db()
    assert full_activity.status == Activity.Status.CANCELLED
    assert len(mailoutbox) == 3


def test_publish_and_draw_buttons_on_the_activity_page(staff_client, officer, tree, make_members):
    client = staff_client(officer)
    closes = (ActivityFactory.starts_at.function() - timedelta(days=1)).replace(second=0)
    draft = ActivityFactory(
        unit=tree["union_a"],
        status=Activity.Status.DRAFT,
        allocation=Activity.Allocation.LOTTERY,
        signup_closes_at=closes,
        capacity=2,
    )
    client.post(reverse("admin:activities_activity_publish", args=[draft.pk]))
    draft.refresh_from_db()
    assert draft.status == Activity.Status.PUBLISHED
    for member in make_members(3):
        services.registration_signup(activity=draft, member=member, by=member.user)
    with time_machine.travel(closes + timedelta(minutes=1)):
        client.post(reverse("admin:activities_activity_draw", args=[draft.pk]))
        page = client.get(change_url(draft)).content.decode()
    assert draft.registrations.filter(status=S.CONFIRMED).count() == 2
    assert draft.lottery_draw.seed in page


def test_an_officer_signs_a_member_up_through_the_service(staff_client, officer, activity, worker):
    client = staff_client(officer)
    assert client.get(reverse("admin:activities_registration_add")).status_code == 200
    response = client.post(reverse("admin:activities_registration_add"), {"activity": activity.pk, "member": worker.pk})
    registration = worker.activity_registrations.get()
    assert response["Location"] == reverse("admin:activities_registration_change", args=[registration.pk])
    assert registration.events.get().by == officer


def test_an_officer_cannot_sign_up_a_member_of_another_union(staff_client, officer, activity, outsider):
    response = staff_client(officer).post(
        reverse("admin:activities_registration_add"), {"activity": activity.pk, "member": outsider.pk}
    )
    assert response.status_code == 200 and response.context["form"].errors
    assert not Registration.objects.exists()


def test_an_exception_is_granted_with_its_reason(staff_client, officer, tree, make_members):
    hike = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.FEMALE)
    (man,) = make_members(1, gender=Member.Gender.MALE)
    client = staff_client(officer)
    url = reverse("admin:activities_eligibilityoverride_add")
    response = client.post(url, {"activity": hike.pk, "member": man.pk, "reason": ""})
    assert response.status_code == 200 and not EligibilityOverride.objects.exists()
    client.post(url, {"activity": hike.pk, "member": man.pk, "reason": "摄影志愿者"})
    override = EligibilityOverride.objects.get()
    assert (override.member, override.by, override.reason) == (man, officer, "摄影志愿者")


def test_the_activity_autocomplete_is_scoped(staff_client, officer, activity, other_union_activity):
    response = staff_client(officer).get(
        reverse("admin:autocomplete"),
        {"app_label": "activities", "model_name": "registration", "field_name": "activity", "term": ""},
    )
    assert {item["text"] for item in response.json()["results"]} == {activity.title}


def test_the_roles_can_run_activities(officer, welfare_officer, chair):
    for user in (officer, welfare_officer, chair):
        assert user.has_perms(
            [
                "activities.add_activity",
                "activities.cancel_activity",
                "activities.check_in_registration",
                "activities.export_registration",
                "activities.add_eligibilityoverride",
            ]
        )
        assert not user.has_perm("activities.delete_activity")


def _new_activity_data(tree, **overrides):
    data = {
        "title": "职工乒乓球赛",
        "category": "culture_sport",
        "unit": tree["union_a"].pk,
        "starts_at_0": "2030-05-01",
        "starts_at_1": "09:00:00",
        "ends_at_0": "2030-05-01",
        "ends_at_1": "12:00:00",
        "capacity": "16",
        "waiting_list": "on",
        "allocation": "first_come",
        "members_only": "on",
        "reminder_lead": "1 00:00:00",
        "cancellation_cutoff": "02:00:00",
        "retired": "",
        **_empty_inlines(),
    }
    data.update(overrides)
    return data


def test_a_new_activity_starts_as_a_draft_of_its_creator(staff_client, officer, tree):
    response = staff_client(officer).post(reverse("admin:activities_activity_add"), _new_activity_data(tree))
    assert response.status_code == 302
    activity = Activity.objects.get(title="职工乒乓球赛")
    assert (activity.status, activity.created_by, activity.unit) == (Activity.Status.DRAFT, officer, tree["union_a"])


def test_an_officer_cannot_run_an_activity_for_another_union_or_target_its_units(staff_client, officer, tree):
    client = staff_client(officer)
    url = reverse("admin:activities_activity_add")
    for data in (
        _new_activity_data(tree, unit=tree["union_b"].pk),
        _new_activity_data(tree, eligible_units=[tree["branch_b"].pk]),
    ):
        response = client.post(url, data)
        assert response.status_code == 200 and response.context["adminform"].form.errors
    assert not Activity.objects.exists()


def test_bad_rules_get_a_message_not_a_500(staff_client, officer, tree):
    response = staff_client(officer).post(
        reverse("admin:activities_activity_add"),
        _new_activity_data(tree, min_age="60", max_age="50", ends_at_1="08:00:00", retired="or_older"),
    )
    errors = response.context["adminform"].form.errors
    assert {"ends_at", "max_age"} <= set(errors)
    assert not Activity.objects.exists()


def test_the_history_is_there_but_cannot_revert_past_the_services(staff_client, officer, full_activity):
    client = staff_client(officer)
    assert client.get(reverse("admin:activities_activity_history", args=[full_activity.pk])).status_code == 200
    version = full_activity.history.first()
    url = reverse("admin:activities_activity_simple_history", args=[full_activity.pk, version.history_id])
    assert client.get(url).status_code == 200
    assert client.post(url, {"capacity": 1}).status_code == 403


def test_the_participant_export_names_its_columns_in_chinese(staff_client, officer, full_activity):
    client = staff_client(officer)
    url = reverse("admin:activities_registration_export")
    form = client.get(url).content.decode()
    offered = re.findall(r"<label[^>]*participantresource_[^>]*>(.*?)</label>", form)
    assert offered[:3] == ["活动", "开始时间", "姓名"]
    assert not [label for label in offered if re.search(r"[A-Za-z]", label)], offered
    response = client.post(url, {"format": 0, "resource": 0, **{f"participantresource_{f}": "on" for f in _fields()}})
    header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert header == [
        "活动",
        "开始时间",
        "姓名",
        "会员号",
        "所在单位",
        "电话",
        "状态",
        "候补序号",
        "报名时间",
        "签到时间",
    ]
