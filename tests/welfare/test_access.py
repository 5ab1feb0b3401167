"""Who may see which request — on every worker page, every admin page and every file.

Confidential requests: only the worker, the assigned officer, welfare officers
and the chair. Everyone else gets 404, exactly as for a request that does not exist.
"""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.factories import UserFactory
from tests.welfare import files
from tests.welfare.factories import submit
from welfare import selectors, services
from welfare.models import Attachment, WelfareRequest

PEOPLE = ["worker", "other_worker", "officer", "sibling_officer", "welfare_officer", "chair"]
STAFF = {"officer", "sibling_officer", "welfare_officer", "chair"}

# Who sees what, as the officer side of the rule decides it.
OFFICER_SEES = {
    "normal": {"officer", "welfare_officer", "chair"},
    "confidential": {"welfare_officer", "chair"},
}


def _user(request, name):
    person = request.getfixturevalue(name)
    return person.user if name in ("worker", "other_worker") else person


def _login(request, client, name):
    user = _user(request, name)
    if name in STAFF:
        return request.getfixturevalue("staff_client")(user)
    client.force_login(user)
    return client


@pytest.fixture
def cases(normal_request, confidential_request):
    return {"normal": normal_request, "confidential": confidential_request}


def _file_of(welfare_request):
    return Attachment.objects.get(request=welfare_request, message__isnull=True)


WORKER_PAGES = [
    ("get", "welfare:detail", 200),
    ("get", "welfare:withdraw", 200),
    ("post", "welfare:reply", 302),
]


@pytest.mark.parametrize("sensitivity", ["normal", "confidential"])
@pytest.mark.parametrize("name", PEOPLE)
@pytest.mark.parametrize(("method", "url_name", "owner_status"), WORKER_PAGES)
def test_worker_pages_open_only_for_the_worker(
    request, client, cases, name, sensitivity, method, url_name, owner_status
):
    welfare_request = cases[sensitivity]
    logged_in = _login(request, client, name)
    url = reverse(url_name, args=[welfare_request.pk])
    response = logged_in.post(url, {"body": "补充材料"}) if method == "post" else logged_in.get(url)
    assert response.status_code == (owner_status if name == "worker" else 404)


@pytest.mark.parametrize("sensitivity", ["normal", "confidential"])
@pytest.mark.parametrize("name", PEOPLE)
def test_attachments_are_served_to_the_worker_and_to_officers_who_see_the_request(
    request, client, cases, name, sensitivity
):
    attachment = _file_of(cases[sensitivity])
    response = _login(request, client, name).get(reverse("welfare:attachment", args=[attachment.pk]))
    allowed = name == "worker" or name in OFFICER_SEES[sensitivity]
    assert response.status_code == (200 if allowed else 404)
    if allowed:
        assert response["Content-Disposition"].startswith("attachment;")
        assert response["X-Content-Type-Options"] == "nosniff"


def _admin_urls(welfare_request):
    pk = welfare_request.pk
    base = "/admin/welfare/welfarerequest"
    history_id = welfare_request.history.order_by("history_id").first().history_id
    return [
        ("get", f"{base}/{pk}/change/"),
        ("get", f"{base}/{pk}/history/"),
        ("get", f"{base}/{pk}/history/{history_id}/"),
        ("get", f"{base}/{pk}/move/in_review/"),
        ("get", f"{base}/{pk}/move/approved/"),
        ("get", f"{base}/{pk}/message/"),
        ("post", f"{base}/{pk}/assign-me/"),
    ]


@pytest.mark.parametrize("sensitivity", ["normal", "confidential"])
@pytest.mark.parametrize("name", sorted(STAFF))
def test_admin_pages_of_a_request_open_only_for_officers_who_see_it(request, client, cases, name, sensitivity):
    welfare_request = cases[sensitivity]
    logged_in = _login(request, client, name)
    allowed = name in OFFICER_SEES[sensitivity]
    for method, url in _admin_urls(welfare_request):
        response = logged_in.post(url) if method == "post" else logged_in.get(url)
        expected = (302 if method == "post" else 200) if allowed else 404
        assert response.status_code == expected, (url, response.status_code)


@pytest.mark.parametrize("name", ["worker", "other_worker"])
def test_workers_never_reach_the_admin_pages(request, client, cases, name):
    logged_in = _login(request, client, name)
    for welfare_request in cases.values():
        for method, url in _admin_urls(welfare_request):
            response = logged_in.post(url) if method == "post" else logged_in.get(url)
            assert response.status_code == 302
            assert "/login/" in response["Location"]


@pytest.mark.parametrize("name", sorted(STAFF))
def test_the_admin_changelist_search_and_count_show_only_what_the_officer_may_see(request, client, cases, name):
    logged_in = _login(request, client, name)
    response = logged_in.get("/admin/welfare/welfarerequest/")
    assert response.status_code == 200
    shown = {r.reference for r in response.context["cl"].result_list}
    expected = {cases[s].reference for s in ("normal", "confidential") if name in OFFICER_SEES[s]}
    assert shown == expected
    assert response.context["cl"].result_count == len(expected)
    for sensitivity, welfare_request in cases.items():
        found = logged_in.get("/admin/welfare/welfarerequest/", {"q": welfare_request.reference})
        assert (found.context["cl"].result_count == 1) == (name in OFFICER_SEES[sensitivity])
        by_name = logged_in.get("/admin/welfare/welfarerequest/", {"q": "李娟"})
        assert by_name.context["cl"].result_count == len(expected)
    confidential_seen = int(name in OFFICER_SEES["confidential"])
    facets = logged_in.get("/admin/welfare/welfarerequest/", {"_facets": "1"}).content.decode()
    assert f"保密 ({confidential_seen})" in facets


@pytest.mark.parametrize("name", sorted(STAFF))
def test_the_export_holds_only_what_the_officer_may_see(request, client, cases, name):
    logged_in = _login(request, client, name)
    data = {"format": "0", "resource": "0", "welfarerequestresource_reference": "on"}
    data["welfarerequestresource_worker"] = "on"
    response = logged_in.post("/admin/welfare/welfarerequest/export/", data)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    for sensitivity, welfare_request in cases.items():
        assert (welfare_request.reference in body) == (name in OFFICER_SEES[sensitivity])


def test_the_assigned_officer_sees_a_confidential_request(
    client, confidential_request, officer, welfare_officer, staff_client
):
    from welfare import services

    services.request_assign(request=confidential_request, officer=officer, by=welfare_officer)
    logged_in = staff_client(officer)
    assert logged_in.get(f"/admin/welfare/welfarerequest/{confidential_request.pk}/change/").status_code == 200
    attachment = _file_of(confidential_request)
    assert logged_in.get(reverse("welfare:attachment", args=[attachment.pk])).status_code == 200
    listed = logged_in.get("/admin/welfare/welfarerequest/").context["cl"].result_list
    assert confidential_request in list(listed)


def test_a_file_on_an_internal_note_is_never_served_to_the_worker(client, normal_request, worker, officer):
    note = services.message_post(
        request=normal_request, author=officer, body="内部记录", internal=True, files=[files.pdf("核查记录.pdf")]
    )
    attachment = note.attachments.get()
    client.force_login(worker.user)
    assert client.get(reverse("welfare:attachment", args=[attachment.pk])).status_code == 404


def test_a_request_that_does_not_exist_looks_the_same_as_one_you_may_not_see(
    client, staff_client, confidential_request, officer, other_worker
):
    missing = WelfareRequest.objects.order_by("-pk").first().pk + 100
    client.force_login(other_worker.user)
    assert client.get(reverse("welfare:detail", args=[missing])).status_code == 404
    assert client.get(reverse("welfare:detail", args=[confidential_request.pk])).status_code == 404
    admin = staff_client(officer)
    assert admin.get(f"/admin/welfare/welfarerequest/{missing}/change/").status_code == 404
    assert admin.get(f"/admin/welfare/welfarerequest/{confidential_request.pk}/change/").status_code == 404


def test_the_visibility_rule_answers_the_same_for_every_reader(
    worker, other_worker, officer, sibling_officer, welfare_officer, chair, cases
):
    """One rule, one place: what the pages above showed, the selector says directly."""
    expectations = {
        worker.user: {"normal", "confidential"},
        other_worker.user: set(),
        officer: {"normal"},
        sibling_officer: set(),
        welfare_officer: {"normal", "confidential"},
        chair: {"normal", "confidential"},
    }
    for user, visible in expectations.items():
        seen = set(selectors.requests_visible_to(user).values_list("pk", flat=True))
        assert seen == {cases[s].pk for s in visible}


def test_a_staff_account_without_a_unit_sees_nothing(db, confidential_request, normal_request):
    stray = UserFactory(is_staff=True)
    stray.groups.add(*Group.objects.all())
    assert not selectors.requests_visible_to(stray).exists()


def test_a_worker_of_another_union_cannot_even_post_to_a_request(client, outsider, normal_request):
    client.force_login(outsider.user)
    response = client.post(reverse("welfare:reply", args=[normal_request.pk]), {"body": "hi"})
    assert response.status_code == 404
    assert normal_request.messages.count() == 0


def test_an_officer_filing_a_request_for_a_worker_of_another_union_is_refused(sibling_officer, worker):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        submit(worker, by=sibling_officer, consent_note="电话同意")
