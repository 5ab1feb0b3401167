"""The officers' case page names the worker's own words as what they are (issue 16 item 3)."""

from django.urls import reverse

from tests.welfare.factories import submit


def test_the_case_page_labels_the_workers_text_as_their_account_not_an_activity(worker, welfare_officer, staff_client):
    request = submit(worker, description="孩子上学的学费交不起了。")

    page = staff_client(welfare_officer).get(reverse("admin:welfare_welfarerequest_change", args=[request.pk]))

    text = page.content.decode()
    assert page.status_code == 200 and "孩子上学的学费交不起了。" in text
    assert "情况说明" in text
    assert "活动介绍" not in text
