"""The worker's pages: choose a kind of help, read its guidance, submit, follow, withdraw."""

import re
from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from notifications.models import Notification
from tests.factories import MemberFactory, UserFactory
from tests.welfare.factories import move, refused, request_type, submit
from welfare.models import RequestType, WelfareRequest

S = WelfareRequest.State


def test_the_nav_links_to_my_requests(client, worker):
    client.force_login(worker.user)
    assert reverse("welfare:list") in client.get("/").content.decode()


def test_choosing_a_kind_of_help_lists_aid_and_rights(client, worker):
    client.force_login(worker.user)
    page = client.get(reverse("welfare:choose-type")).content.decode()
    for name in ("困难帮扶", "金秋助学", "灾害救助", "拖欠工资", "歧视与骚扰"):
        assert name in page


def test_each_kind_of_help_is_one_whole_card_and_the_guidance_waits_for_the_next_page(client, worker):
    """Issue 16 item 6: the chooser was 5,068 px of guidance with only the titles tappable."""
    client.force_login(worker.user)
    page = client.get(reverse("welfare:choose-type")).content.decode()
    cards = re.findall(r'<a class="card-link" href="/welfare/new/([\w-]+)/">(.*?)</a>', page, re.S)
    active = RequestType.objects.filter(active=True)
    assert sorted(code for code, _ in cards) == sorted(active.values_list("code", flat=True))
    assert all("困难帮扶" in body for code, body in cards if code == "hardship")
    assert "家庭收入情况说明" not in page  # hardship's guidance: on the form page, not here
    assert "家庭收入情况说明" in client.get(reverse("welfare:submit", args=["hardship"])).content.decode()


def test_the_form_shows_the_guidance_and_service_level_of_the_type(client, worker):
    client.force_login(worker.user)
    page = client.get(reverse("welfare:submit", args=["wage-arrears"])).content.decode()
    assert "12351" in page  # where to get help with your rights
    assert "劳动合同法" in page
    assert "2 天内答复" in page
    assert 'name="amount_requested"' not in page  # rights requests ask for no money


def test_english_workers_read_the_guidance_in_english(client, worker):
    worker.user.language = "en"
    worker.user.save()
    client.force_login(worker.user)
    page = client.get(reverse("welfare:submit", args=["hardship"])).content.decode()
    assert "Hardship aid" in page
    assert "statement of household income" in page


def test_submitting_creates_a_request_with_a_reference_and_due_dates(client, worker, mailoutbox):
    client.force_login(worker.user)
    response = client.post(
        reverse("welfare:submit", args=["hardship"]),
        {"description": "丈夫下岗，孩子上学，家里困难。", "amount_requested": "3000", "sensitivity": "normal"},
    )
    request = WelfareRequest.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("welfare:detail", args=[request.pk])
    assert request.reference == f"WF-{timezone.localdate():%Y}-{request.pk:06d}"
    assert (request.member, request.state, request.amount_requested) == (worker, S.SUBMITTED, 3000)
    today = timezone.localdate()
    assert request.first_response_due == today + timedelta(days=request.request_type.days_to_first_response)
    assert request.decision_due == today + timedelta(days=request.request_type.days_to_decision)
    assert not request.on_behalf and request.filed_by == worker.user
    assert Notification.objects.filter(template="welfare-status", to_email="worker@example.cn").count() == 1
    page = client.get(response["Location"]).content.decode()
    assert request.reference in page and "丈夫下岗" in page


def test_a_changed_service_level_applies_to_new_requests(worker):
    wages = request_type("wage-arrears")
    wages.days_to_first_response, wages.days_to_decision = 1, 4
    wages.save()
    request = submit(worker, "wage-arrears")
    assert request.decision_due == timezone.localdate() + timedelta(days=4)


def test_a_worker_can_ask_for_confidentiality(client, worker):
    client.force_login(worker.user)
    client.post(
        reverse("welfare:submit", args=["discrimination"]), {"description": "班长骚扰", "sensitivity": "confidential"}
    )
    assert WelfareRequest.objects.get().sensitivity == "confidential"


def test_bad_input_gets_a_message_and_saves_nothing(client, worker):
    client.force_login(worker.user)
    for data in (
        {"description": "", "sensitivity": "normal"},
        {"description": "困难", "sensitivity": "secret"},
        {"description": "困难", "sensitivity": "normal", "amount_requested": "-5"},
        {"description": "困难", "sensitivity": "normal", "amount_requested": "很多"},
        {"description": "困难", "sensitivity": "normal", "amount_requested": "1e400"},
    ):
        response = client.post(reverse("welfare:submit", args=["hardship"]), data)
        assert response.status_code == 200
        assert 'class="error"' in response.content.decode()
    assert not WelfareRequest.objects.exists()


def test_an_unknown_or_closed_type_is_not_found(client, worker):
    client.force_login(worker.user)
    assert client.get(reverse("welfare:submit", args=["lottery"])).status_code == 404
    closed = request_type("marriage")
    closed.active = False
    closed.save()
    assert client.get(reverse("welfare:submit", args=["marriage"])).status_code == 404


def test_aid_is_for_members_but_rights_help_is_for_everyone(client, tree):
    registered = MemberFactory(unit=tree["branch_a"])  # has a profile, not (yet) a member
    client.force_login(registered.user)
    response = client.post(
        reverse("welfare:submit", args=["hardship"]), {"description": "困难", "sensitivity": "normal"}
    )
    assert response.status_code == 200
    assert "帮扶类申请只面向工会会员" in response.content.decode()
    response = client.post(
        reverse("welfare:submit", args=["wage-arrears"]), {"description": "欠薪两个月", "sensitivity": "normal"}
    )
    assert response.status_code == 302
    assert WelfareRequest.objects.get().request_type.code == "wage-arrears"


def test_without_a_profile_the_worker_is_sent_to_fill_it_in(client, db):
    user = UserFactory()
    client.force_login(user)
    assert reverse("members:profile-create") in client.get(reverse("welfare:list")).content.decode()
    response = client.get(reverse("welfare:choose-type"))
    assert response.status_code == 302
    assert response["Location"] == reverse("members:profile-create")
    assert client.get(reverse("welfare:submit", args=["hardship"]))["Location"] == reverse("members:profile-create")


def test_my_requests_lists_only_mine_with_their_state(client, worker, other_worker, normal_request):
    theirs = submit(other_worker, "illness")
    client.force_login(worker.user)
    page = client.get(reverse("welfare:list")).content.decode()
    assert normal_request.reference in page
    assert "已提交" in page
    assert theirs.reference not in page


def test_anonymous_visitors_are_asked_to_log_in(client, normal_request):
    for url in (
        reverse("welfare:list"),
        reverse("welfare:detail", args=[normal_request.pk]),
        reverse("welfare:attachment", args=[normal_request.attachments.get().pk]),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert "/accounts/login/" in response["Location"]


def test_the_request_page_tells_the_story(client, worker, officer, normal_request):
    move(normal_request, S.IN_REVIEW, officer)
    move(normal_request, S.NEEDS_INFO, officer, "请补充医院诊断证明")
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[normal_request.pk])).content.decode()
    assert "提交申请" in page
    assert "审核中" in page
    assert "待补充材料" in page
    assert "请补充医院诊断证明" in page
    assert "收入证明.pdf" in page


def test_the_worker_withdraws_a_request(client, worker, normal_request):
    client.force_login(worker.user)
    url = reverse("welfare:withdraw", args=[normal_request.pk])
    assert "确认撤回" in client.get(url).content.decode()
    response = client.post(url, {"note": "问题已经解决了"})
    assert response.status_code == 302
    normal_request.refresh_from_db()
    assert normal_request.state == S.WITHDRAWN
    last = normal_request.transitions.order_by("-id").first()
    assert (last.by, last.note) == (worker.user, "问题已经解决了")
    again = client.post(url, {"note": ""})
    assert again.status_code == 200
    assert "已不能撤回" in again.content.decode()


def test_a_decided_request_cannot_be_withdrawn(client, worker, officer, normal_request):
    move(normal_request, S.REJECTED, officer, "不符合条件")
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[normal_request.pk])).content.decode()
    assert reverse("welfare:withdraw", args=[normal_request.pk]) not in page
    client.post(reverse("welfare:withdraw", args=[normal_request.pk]), {"note": ""})
    normal_request.refresh_from_db()
    assert normal_request.state == S.REJECTED


def test_an_officer_cannot_file_aid_for_someone_who_is_not_a_member(tree, officer):
    registered = MemberFactory(unit=tree["branch_a"])
    with refused("members_only"):
        submit(registered, "hardship", by=officer, consent_note="电话同意")
    assert submit(registered, "contract-dismissal", by=officer, consent_note="电话同意").on_behalf


def test_no_address_or_input_produces_a_server_error(client, worker, officer, staff_client, normal_request):
    huge = "9" * 25
    client.force_login(worker.user)
    for url in (
        f"/welfare/{huge}/",
        f"/welfare/{huge}/withdraw/",
        f"/welfare/files/{huge}/",
        "/welfare/new/%E2%9C%93/",
    ):
        assert client.get(url).status_code == 404
    assert client.post(f"/welfare/{huge}/reply/", {"body": "x"}).status_code == 404
    long_reply = client.post(reverse("welfare:reply", args=[normal_request.pk]), {"body": "长" * 6000})
    assert long_reply.status_code == 200
    admin = staff_client(officer)
    base = "/admin/welfare/welfarerequest/"
    assert admin.get(f"{base}{huge}/change/").status_code == 404
    assert admin.get(f"{base}{huge}/move/approved/").status_code == 404
    for query in (
        "type=abc",
        "overdue=maybe",
        "submitted_at__year=abc",
        "submitted_at__year=2026&submitted_at__month=13",
    ):
        assert admin.get(f"{base}?{query}").status_code in (200, 302)
    assert admin.post(f"{base}{normal_request.pk}/move/approved/", {"granted_amount": "NaN"}).status_code == 200
