"""No input produces a server error, on the worker pages or in the back office."""

import pytest

BAD = ["", "x" * 10000, "\x00", "<script>alert(1)</script>", "-1", "9" * 30, "😀", "../../etc"]


@pytest.mark.parametrize("value", BAD)
def test_no_input_gives_a_server_error(value, named_item, anonymous_item, worker, officer, client_for):
    _, code = anonymous_item
    worker_client, office = client_for(worker.user), client_for(officer, staff=True)
    admin = f"/admin/feedback/feedback/{named_item.pk}"
    posts = [
        (worker_client, "/feedback/new/", {"category": value, "title": value, "body": value, "nonce": value}),
        (worker_client, "/feedback/follow-up/", {"code": value, "text": value}),
        (worker_client, "/feedback/follow-up/", {"code": code, "text": value}),
        (worker_client, f"/feedback/{named_item.pk}/reply/", {"text": value}),
        (worker_client, f"/feedback/{named_item.pk}/support/", {"next": value, "withdraw": value}),
        (office, f"{admin}/answer/", {"how": value, "text": value}),
        (office, f"{admin}/state/", {"to": value, "note": value}),
        (office, f"{admin}/unpublish/", {"note": value}),
        (office, "/admin/feedback/feedback/", {"action": "change_state", "_selected_action": [value], "to": value}),
    ]
    for client, url, data in posts:
        assert client.post(url, data).status_code < 500, url
    gets = [
        (worker_client, f"/feedback/?sort={value}&category={value}&page={value}"),
        (office, f"/admin/feedback/feedback/?q={value}&state__exact={value}&submitted_on__year={value}"),
    ]
    for client, url in gets:
        assert client.get(url).status_code < 500, url
