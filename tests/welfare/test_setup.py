"""What a fresh install has: the request types, the roles' permissions, the demo, the data export."""

import json

import pytest
from django.contrib.auth.models import Group
from django.core.management import call_command

from members import services as member_services
from tests.welfare import files
from tests.welfare.factories import move, submit
from welfare import services
from welfare.models import RequestType, WelfareRequest

S = WelfareRequest.State


def test_a_fresh_install_offers_every_request_type_of_the_spec(db):
    aid = set(RequestType.objects.filter(category="aid").values_list("name", flat=True))
    rights = set(RequestType.objects.filter(category="rights").values_list("name", flat=True))
    assert aid == {"困难帮扶", "生病住院慰问", "丧葬慰问", "生育慰问", "结婚慰问", "金秋助学", "灾害救助"}
    assert rights == {"拖欠工资", "工时与休息休假", "职业安全卫生", "劳动合同与解除", "歧视与骚扰", "其他权益问题"}
    for request_type in RequestType.objects.all():
        assert request_type.guidance and request_type.guidance_en and request_type.name_en
        assert 0 < request_type.days_to_first_response <= request_type.days_to_decision
    for request_type in RequestType.objects.filter(category="rights"):
        assert "12351" in request_type.guidance  # where to get legal aid


@pytest.mark.parametrize(
    ("role", "has", "lacks"),
    [
        (
            "Officer",
            ["view_welfarerequest", "change_welfarerequest", "add_requestmessage"],
            ["view_confidential_request", "approve_over_threshold"],
        ),
        ("Welfare officer", ["change_welfarerequest", "view_confidential_request"], ["approve_over_threshold"]),
        ("Chair", ["view_confidential_request", "approve_over_threshold"], []),
    ],
)
def test_the_roles_hold_their_welfare_permissions_after_the_first_migrate(db, role, has, lacks):
    codenames = set(Group.objects.get(name=role).permissions.values_list("codename", flat=True))
    assert set(has) <= codenames
    assert not set(lacks) & codenames


def test_the_demo_has_requests_in_many_states_and_one_confidential(db, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    states = set(WelfareRequest.objects.values_list("state", flat=True))
    assert {S.SUBMITTED, S.IN_REVIEW, S.NEEDS_INFO, S.AWAITING_CHAIR, S.CLOSED, S.REJECTED} <= states
    assert WelfareRequest.objects.filter(sensitivity="confidential").count() == 1
    assert WelfareRequest.objects.filter(request_type__category="rights").exists()
    assert "李娟" in WelfareRequest.objects.values_list("member__name", flat=True)
    before = WelfareRequest.objects.count()
    with django_capture_on_commit_callbacks(execute=False):
        call_command("seed_demo", stdout=open("/dev/null", "w"))  # noqa: SIM115
    assert WelfareRequest.objects.count() == before


def test_download_my_data_holds_my_requests_as_i_see_them(worker, officer, hardship_scheme):
    request = submit(worker, description="家里困难", files=[files.pdf("收入.pdf")])
    move(request, S.IN_REVIEW, officer)
    services.message_post(request=request, author=officer, body="我们周二上门")
    services.message_post(
        request=request, author=officer, body="内部：收入偏高", internal=True, files=[files.pdf("核查.pdf")]
    )
    data = member_services.member_export_data(member=worker)["welfare"]
    text = json.dumps(data, ensure_ascii=False)
    assert data[0]["reference"] == request.reference
    assert [h["to"] for h in data[0]["history"]] == ["submitted", "in_review"]
    assert "我们周二上门" in text and "收入.pdf" in text
    assert "收入偏高" not in text and "核查.pdf" not in text
