"""What each role can see and do in the admin, over every registered admin.

The matrix is written out by hand: it is the decision. The tests walk
``admin.site._registry``, so an admin added later fails here until someone
decides what each role may do with it. Letters: v = see the changelist,
a = add, c = change, d = delete, x = export.
"""

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse

from tests.factories import officer_user

ROLES = ["Officer", "Welfare officer", "Chair"]
NOTHING = ("", set())
SUPERUSERS_ONLY = {role: NOTHING for role in ROLES}


def same(rights: str, actions=()) -> dict:
    return {role: (rights, set(actions)) for role in ROLES}


MATRIX: dict[str, dict[str, tuple[str, set]]] = {
    # Accounts, groups, second factors and one-off schedules are for superusers.
    "account.EmailAddress": SUPERUSERS_ONLY,
    "auth.Group": SUPERUSERS_ONLY,
    "members.User": SUPERUSERS_ONLY,
    "mfa.Authenticator": SUPERUSERS_ONLY,
    # The outbox (channel, state, failure; no bodies) and the day's ceiling of texts: the chair,
    # who answers for the installation, sees them, sends failed messages again and raises the ceiling.
    "notifications.Notification": {"Officer": NOTHING, "Welfare officer": NOTHING, "Chair": ("v", {"retry"})},
    "notifications.SmsDay": {"Officer": NOTHING, "Welfare officer": NOTHING, "Chair": ("vc", set())},
    "django_celery_beat.ClockedSchedule": SUPERUSERS_ONLY,
    "django_celery_beat.SolarSchedule": SUPERUSERS_ONLY,
    # The reminders' schedules are the installation's machinery: officers do not see them; the
    # chair sees them and may change the timing (switch tasks on or off, run one now).
    "django_celery_beat.PeriodicTask": {
        "Officer": NOTHING,
        "Welfare officer": NOTHING,
        "Chair": ("vc", {"disable_tasks", "enable_tasks", "run_tasks", "toggle_tasks"}),
    },
    "django_celery_beat.CrontabSchedule": {"Officer": NOTHING, "Welfare officer": NOTHING, "Chair": ("vac", set())},
    "django_celery_beat.IntervalSchedule": {"Officer": NOTHING, "Welfare officer": NOTHING, "Chair": ("vac", set())},
    # Membership: every officer approves, keeps profiles and dues, exports rosters.
    "members.OrgUnit": same("v"),
    "members.Member": same(
        "vacx",
        [
            "approve_selected",
            "reject_selected",
            "suspend_selected",
            "restore_selected",
            "lapse_selected",
            "withdraw_selected",
            "transfer_selected",
        ],
    ),
    # Transfers are asked for and accepted through the member's doors; their records are read here.
    "members.MembershipTransfer": same("v", ["accept_selected"]),
    "members.DuesRecord": same("vacx"),
    "members.DeletionRequest": same("vc", ["carry_out"]),
    # Feedback: every officer answers, publishes and decides; nobody adds (workers do, on the portal).
    "feedback.Feedback": same("vc", ["change_state"]),
    # Activities: every officer runs activities, checks people in, exports participant lists.
    "activities.Activity": same(
        "vacx", ["cancel_selected", "draw_selected", "export_participants", "publish_selected", "record_no_shows"]
    ),
    "activities.Registration": same("vacx", ["cancel_selected", "check_in_selected", "export_admin_action"]),
    "activities.EligibilityOverride": same("va"),
    "activities.LotteryDraw": same("v"),
    "activities.Rating": same("v"),
    # Welfare: every officer triages requests (confidential ones only for welfare officers and
    # the chair, which is a matter of rows, not of rights) and keeps the types and schemes.
    "welfare.WelfareRequest": same("vacx", ["assign_to_me", "close_selected", "mark_paid", "start_review"]),
    "welfare.RequestType": same("vc"),
    "welfare.BenefitScheme": same("vac"),
    # Care visits: every officer opens and plans visits (confidential ones are a matter of rows).
    "care.CareCase": same("vac", ["assign_to_me"]),
    # 公示: every officer keeps which schemes publish; notices and objections are read here
    # (written by approvals and members; the chair decides objections on their own page).
    "notices.NoticeRule": same("vac"),
    "notices.GrantNotice": same("v"),
    "notices.Objection": same("v"),
    # The case page's canned replies: every officer keeps them (none deletes: switch one off instead).
    "welfare.CannedReply": same("vac"),
    # Learning: every officer publishes the library and courses of their part of the tree, reads who
    # started and finished, and keeps the discussion (nobody but a superuser deletes a post).
    "learning.Material": same("vac", ["publish", "withdraw"]),
    "learning.Course": same("vac", ["publish", "withdraw"]),
    "learning.CourseStep": same("vacd", ["delete_selected"]),
    "learning.Question": same("vacd", ["delete_selected"]),
    "learning.Enrolment": same("v"),
    "learning.Post": same("v", ["keep", "mark_union_answer", "remove", "unmark_union_answer"]),
    # Back office: imports for every officer; the chair sets the budgets.
    "members.ImportJob": same("va"),
    "welfare.Budget": {"Officer": ("v", set()), "Welfare officer": ("v", set()), "Chair": ("vac", set())},
    # Surveys: every officer writes, opens and closes surveys and their questions (choices inline).
    "surveys.Survey": same("vac", ["close_selected", "open_selected"]),
    "surveys.Question": same("vacd"),
    # Proposals: workers propose on the portal; officers read them here and decide on the review page.
    # The chair sets how many co-signers a unit's proposals need.
    "proposals.Proposal": same("vc"),
    "proposals.ProposalThreshold": {
        "Officer": ("v", set()),
        "Welfare officer": ("v", set()),
        "Chair": ("vacd", {"delete_selected"}),
    },
}

REGISTRY = {model._meta.label: model_admin for model, model_admin in admin.site._registry.items()}


def rights_of(model_admin, request) -> str:
    checks = [
        ("v", model_admin.has_view_or_change_permission(request)),
        ("a", model_admin.has_add_permission(request)),
        ("c", model_admin.has_change_permission(request)),
        ("d", model_admin.has_delete_permission(request)),
        ("x", getattr(model_admin, "has_export_permission", lambda r: False)(request)),
    ]
    return "".join(letter for letter, allowed in checks if allowed)


def test_every_registered_admin_is_in_the_role_matrix():
    assert set(REGISTRY) - set(MATRIX) == set(), "decide what each role may do with these admins"
    assert set(MATRIX) - set(REGISTRY) == set()


@pytest.fixture
def role_user(tree):
    def make(role):
        return officer_user(unit=tree["union_a"], roles=(role,) if role else ())

    return make


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("label", sorted(REGISTRY))
def test_each_role_sees_and_does_what_the_matrix_says(role_user, staff_client, label, role):
    if label not in MATRIX:
        pytest.fail(f"{label} is not in the role matrix")
    user = role_user(role)
    model_admin = REGISTRY[label]
    request = RequestFactory().get("/admin/")
    request.user = user
    rights, actions = MATRIX[label][role]
    assert rights_of(model_admin, request) == rights
    offered = set(model_admin.get_actions(request)) if "v" in rights else set()
    assert offered == actions

    client = staff_client(user)
    info = (model_admin.opts.app_label, model_admin.opts.model_name)
    changelist = client.get(reverse("admin:{}_{}_changelist".format(*info)))
    assert changelist.status_code == (200 if "v" in rights else 403)
    add = client.get(reverse("admin:{}_{}_add".format(*info)))
    assert add.status_code == (200 if "a" in rights else 403)


@pytest.mark.parametrize("label", sorted(REGISTRY))
def test_staff_without_a_role_see_nothing(role_user, staff_client, label):
    model_admin = REGISTRY[label]
    client = staff_client(role_user(None))
    url = reverse(f"admin:{model_admin.opts.app_label}_{model_admin.opts.model_name}_changelist")
    assert client.get(url).status_code == 403


# Admins left out of the index on purpose: opened from another admin's page.
REACHED_FROM_ANOTHER_PAGE = {"learning.CourseStep"}  # from its course's page


@pytest.mark.parametrize("role", ROLES)
def test_the_admin_index_lists_exactly_the_models_a_role_may_see(role_user, staff_client, role):
    response = staff_client(role_user(role)).get(reverse("admin:index"))
    listed = {model["model"]._meta.label for app in response.context["app_list"] for model in app["models"]}
    assert listed == {label for label, rights in MATRIX.items() if "v" in rights[role][0]} - REACHED_FROM_ANOTHER_PAGE


def test_an_officer_cannot_see_the_schedules_nor_switch_a_reminder_off(role_user, staff_client):
    from django_celery_beat.models import IntervalSchedule, PeriodicTask

    every = IntervalSchedule.objects.create(every=10, period=IntervalSchedule.MINUTES)
    task = PeriodicTask.objects.create(name="提醒", task="notifications.sweep", interval=every, enabled=True)
    client = staff_client(role_user("Officer"))
    url = reverse("admin:django_celery_beat_periodictask_changelist")
    assert client.get(url).status_code == 403
    response = client.post(url, {"action": "disable_tasks", "_selected_action": [task.pk]})
    assert response.status_code == 403
    task.refresh_from_db()
    assert task.enabled
    assert staff_client(role_user("Chair")).get(url).status_code == 200


def test_the_officers_view_of_the_schedules_given_before_is_taken_back(db):
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group, Permission

    officer = Group.objects.get(name="Officer")
    officer.permissions.add(*Permission.objects.filter(codename="view_periodictask"))
    import_module("notifications.migrations.0006_beat_tables_for_the_chair_only").take_back(apps, None)
    assert not officer.permissions.filter(content_type__app_label="django_celery_beat").exists()
    chair = set(Group.objects.get(name="Chair").permissions.values_list("codename", flat=True))
    assert {"view_periodictask", "change_periodictask"} <= chair
