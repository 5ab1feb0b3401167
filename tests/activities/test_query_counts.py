"""The activity list and "my activities" run a fixed number of queries:
twice the activities and registrations, the same count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from activities import services
from activities.models import Activity, EligibilityOverride, Rating, Registration
from members.models import Member
from tests.activities.factories import ActivityFactory

S = Registration.Status


@pytest.fixture
def worker_client(client, worker):
    client.force_login(worker.user)
    return client


def add_activities(tree, worker, officer, others, n):
    """n activities of each kind the worker meets: open, signed up, waiting,
    not for them (and with an exception), past and rated."""
    for _ in range(n):
        ActivityFactory(unit=tree["union_a"], eligible_units=[tree["branch_a"], tree["union_a"]])
        confirmed = ActivityFactory(unit=tree["root"])
        services.registration_signup(activity=confirmed, member=worker, by=worker.user)
        full = ActivityFactory(unit=tree["union_a"], capacity=1)
        services.registration_signup(activity=full, member=others[0], by=others[0].user)
        services.registration_signup(activity=full, member=others[1], by=others[1].user)
        services.registration_signup(activity=full, member=worker, by=worker.user)
        for_men = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
        excepted = ActivityFactory(unit=tree["union_a"], gender=Member.Gender.MALE)
        EligibilityOverride.objects.create(activity=excepted, member=worker, reason="例外", by=officer)
        assert for_men.pk
        past = ActivityFactory(unit=tree["union_a"])
        registration = services.registration_signup(activity=past, member=worker, by=worker.user)
        Registration.objects.filter(pk=registration.pk).update(status=S.ATTENDED)
        Rating.objects.create(registration=registration, score=4)
        Activity.objects.filter(pk=past.pk).update(
            starts_at=past.starts_at - timedelta(days=30), ends_at=past.ends_at - timedelta(days=30)
        )


def count_queries(client, url, **params):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(queries), response


@pytest.mark.parametrize("params", [{}, {"for_me": "on"}, {"category": "learning"}])
def test_the_activity_list_runs_the_same_queries_for_twice_the_data(
    worker_client, tree, worker, officer, make_members, params
):
    others = make_members(2)
    add_activities(tree, worker, officer, others, 3)
    url = reverse("activities:list")
    before, response = count_queries(worker_client, url, **params)
    shown = response.context["page"].paginator.count
    add_activities(tree, worker, officer, others, 3)
    after, response = count_queries(worker_client, url, **params)
    assert response.context["page"].paginator.count == 2 * shown
    assert after == before


def test_my_activities_runs_the_same_queries_for_twice_the_data(worker_client, tree, worker, officer, make_members):
    others = make_members(2)
    add_activities(tree, worker, officer, others, 3)
    url = reverse("activities:mine")
    before, response = count_queries(worker_client, url)
    sizes = [len(response.context[key]) for key in ("upcoming", "waiting", "past")]
    add_activities(tree, worker, officer, others, 3)
    after, response = count_queries(worker_client, url)
    assert [len(response.context[key]) for key in ("upcoming", "waiting", "past")] == [2 * n for n in sizes]
    assert after == before


def test_the_admin_changelist_runs_the_same_queries_for_twice_the_data(
    staff_client, tree, worker, officer, make_members
):
    others = make_members(2)
    add_activities(tree, worker, officer, others, 2)
    client = staff_client(officer)
    url = reverse("admin:activities_activity_changelist")
    before, _response = count_queries(client, url)
    add_activities(tree, worker, officer, others, 2)
    after, _response = count_queries(client, url)
    assert after == before
