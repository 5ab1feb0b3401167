"""A NUL byte anywhere in a request is refused with a 400 before any view sees it."""

import pytest
from django.urls import reverse


@pytest.mark.parametrize(
    "url",
    [
        "/activities/feed/%00.ics",  # no login needed
        "/welfare/?page=%00",
        "/?q%00=1",
    ],
)
def test_a_nul_in_the_path_or_query_is_a_bad_request(client, db, url):
    assert client.get(url).status_code == 400


def test_a_nul_in_the_welfare_changelist_filter_is_a_bad_request(staff_client, welfare_officer):
    response = staff_client(welfare_officer).get("/admin/welfare/welfarerequest/", {"state__exact": "\x00"})
    assert response.status_code == 400


def test_a_nul_in_an_autocomplete_term_is_a_bad_request(staff_client, officer):
    query = {"app_label": "activities", "model_name": "registration", "field_name": "activity", "term": "\x00"}
    assert staff_client(officer).get(reverse("admin:autocomplete"), query).status_code == 400


def test_a_nul_in_a_posted_form_value_is_a_bad_request(client, worker):
    client.force_login(worker.user)
    response = client.post("/feedback/new/", {"category": "canteen", "title": "排队\x00", "body": "太久"})
    assert response.status_code == 400


def test_an_ordinary_request_passes(client, db):
    assert client.get("/healthz").status_code in (200, 503)
