import json

import pytest
from django.urls import reverse

from members import services
from members.models import DeletionRequest, Member
from tests.factories import UserFactory


@pytest.fixture
def newcomer(db, tree):
    return UserFactory(email="newcomer@example.cn")


def _profile_data(tree, **overrides):
    data = {
        "name": "周敏",
        "gender": "F",
        "date_of_birth": "1991-04-02",
        "phone": "13900000000",
        "employee_number": "A-100",
        "unit": tree["branch_a"].pk,
        "job_title": "质检员",
        "language": "zh-hans",
        "consent": "on",
    }
    data.update(overrides)
    return data


def test_a_worker_fills_in_the_profile_and_applies(client, newcomer, tree):
    client.force_login(newcomer)
    response = client.post(reverse("members:profile-create"), _profile_data(tree))
    assert response.status_code == 302
    member = Member.objects.get(user=newcomer)
    assert member.union == tree["union_a"]
    assert member.privacy_consent_at is not None

    client.post(reverse("members:apply"))
    member.refresh_from_db()
    assert member.status == Member.Status.APPLICANT
    page = client.get(reverse("members:profile")).content.decode()
    assert "已申请" in page


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"consent": ""}, "consent", "请先阅读并同意个人信息保护说明"),
        ({"date_of_birth": "2999-01-01"}, "date_of_birth", "请输入真实的出生日期"),
        ({"date_of_birth": "not a date"}, "date_of_birth", ""),
        ({"name": ""}, "name", ""),
        ({"unit": "999999"}, "unit", ""),
        ({"gender": "X"}, "gender", ""),
    ],
)
def test_bad_profile_input_gets_a_message_and_saves_nothing(client, newcomer, tree, overrides, field, message):
    client.force_login(newcomer)
    response = client.post(reverse("members:profile-create"), _profile_data(tree, **overrides))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert message in response.content.decode()
    assert not Member.objects.filter(user=newcomer).exists()


def test_an_employee_number_is_unique_within_the_union(client, newcomer, worker, tree):
    client.force_login(newcomer)
    response = client.post(
        reverse("members:profile-create"), _profile_data(tree, employee_number=worker.employee_number)
    )
    assert "该工号在本工会已被登记" in response.content.decode()
    assert not Member.objects.filter(user=newcomer).exists()


def test_the_same_employee_number_may_exist_in_another_union(client, newcomer, outsider, tree):
    client.force_login(newcomer)
    response = client.post(
        reverse("members:profile-create"), _profile_data(tree, employee_number=outsider.employee_number)
    )
    assert response.status_code == 302


def test_the_member_card_shows_a_qr_code_without_the_member_id(client, worker):
    client.force_login(worker.user)
    page = client.get(reverse("members:card")).content.decode()
    assert "<svg" in page
    assert worker.membership_number in page
    token = services.member_card_token(worker)
    assert not token.startswith(str(worker.pk) + ":")
    assert worker.card_token in token  # opaque random value, signed


def test_an_officer_scanning_a_card_sees_the_member(client, worker, officer, staff_client):
    url = reverse("members:card-scan", args=[services.member_card_token(worker)])
    assert worker.name in staff_client(officer).get(url).content.decode()


@pytest.mark.parametrize("who", ["other_worker", "sibling_officer"])
def test_nobody_else_can_open_a_scanned_card(client, staff_client, worker, request, who):
    person = request.getfixturevalue(who)
    if who == "sibling_officer":
        client = staff_client(person)  # with the second factor: refused for the unit, not for want of it
    else:
        client.force_login(person.user)
    url = reverse("members:card-scan", args=[services.member_card_token(worker)])
    assert client.get(url).status_code == 404


def test_a_forged_or_renewed_card_token_is_refused(client, worker, officer, staff_client):
    old = services.member_card_token(worker)
    services.member_card_renew(member=worker)
    c = staff_client(officer)
    assert c.get(reverse("members:card-scan", args=[old])).status_code == 404
    assert c.get(reverse("members:card-scan", args=[worker.card_token + ":forged"])).status_code == 404


def test_the_data_export_holds_only_the_workers_own_data(client, worker, other_worker):
    client.force_login(worker.user)
    response = client.get(reverse("members:data-export"))
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["membership"]["profile"]["name"] == worker.name
    assert other_worker.name not in response.content.decode()


def test_pages_of_a_worker_without_a_profile_do_not_fail(client, newcomer):
    client.force_login(newcomer)
    assert client.get(reverse("members:data-export")).status_code == 404
    assert client.get(reverse("members:card")).status_code == 302


def test_a_worker_asks_for_deletion_once_and_officers_see_it(client, worker, officer, staff_client):
    client.force_login(worker.user)
    client.post(reverse("members:deletion-request"), {"reason": "离职"})
    client.post(reverse("members:deletion-request"), {"reason": "再次"})
    assert DeletionRequest.objects.filter(member=worker).count() == 1
    page = staff_client(officer).get(reverse("admin:members_deletionrequest_changelist")).content.decode()
    assert worker.name in page


def test_carrying_out_a_deletion_erases_the_personal_data(worker, officer):
    request = services.deletion_request_create(member=worker, reason="")
    services.deletion_request_carry_out(deletion_request=request, by=officer)
    worker.refresh_from_db()
    assert worker.name.startswith("已删除会员") or worker.name.startswith("Erased member")
    assert worker.phone == "" and worker.user is None
    assert not Member.history.filter(id=worker.pk, name="李娟").exists()


def test_pages_need_a_login(client, db):
    response = client.get(reverse("members:profile"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_the_worker_chooses_english_and_it_is_remembered(client, worker):
    client.force_login(worker.user)
    assert "我的资料" in client.get(reverse("members:profile")).content.decode()
    client.post(reverse("language-set"), {"language": "en", "next": "https://evil.example/"})
    worker.user.refresh_from_db()
    assert worker.user.language == "en"
    assert "My profile" in client.get(reverse("members:profile")).content.decode()


def test_an_unknown_language_changes_nothing(client, worker):
    client.force_login(worker.user)
    response = client.post(reverse("language-set"), {"language": "xx"})
    assert response.status_code == 302
    worker.user.refresh_from_db()
    assert worker.user.language == "zh-hans"


def test_editing_the_profile_with_bad_input_changes_nothing(client, worker):
    client.force_login(worker.user)
    data = {
        "name": "",
        "gender": "F",
        "date_of_birth": "1990-05-01",
        "employee_number": worker.employee_number,
        "unit": worker.unit_id,
        "language": "zh-hans",
    }
    response = client.post(reverse("members:profile-edit"), data)
    assert response.status_code == 200
    assert "name" in response.context["form"].errors
    worker.refresh_from_db()
    assert worker.name == "李娟"


def test_an_active_member_cannot_move_themselves_to_another_unit(client, worker, tree):
    client.force_login(worker.user)
    data = {
        "name": "李娟",
        "gender": "F",
        "date_of_birth": "1990-05-01",
        "employee_number": worker.employee_number,
        "unit": tree["branch_b"].pk,
        "language": "en",
    }
    response = client.post(reverse("members:profile-edit"), data)
    assert response.status_code == 302
    worker.refresh_from_db()
    assert worker.unit == tree["branch_a"]  # the field is disabled: the change is ignored
    assert worker.language == "en"


def test_the_dues_show_yuan_and_what_is_paid_and_still_owed(client, worker, django_assert_max_num_queries):
    from datetime import date
    from decimal import Decimal

    from members.models import DuesRecord

    DuesRecord.objects.create(member=worker, period=date(2026, 9, 1), amount=Decimal("12.50"), paid_on=date(2026, 9, 3))
    DuesRecord.objects.create(
        member=worker, period=date(2026, 10, 1), amount=Decimal("12.50"), paid_on=date(2026, 10, 2)
    )
    DuesRecord.objects.create(member=worker, period=date(2026, 11, 1), amount=Decimal("12.50"))
    client.force_login(worker.user)
    page = client.get(reverse("members:profile")).content.decode()
    assert "已缴 2 个月，共 ¥25.00。" in page
    assert "待缴 1 个月，共 ¥12.50。" in page
    assert "<td>¥12.50</td>" in page and "未缴" in page
    DuesRecord.objects.filter(paid_on=None).update(paid_on=date(2026, 11, 30))
    page = client.get(reverse("members:profile")).content.decode()
    assert "没有待缴的会费。" in page and "待缴 1 个月" not in page


def test_my_data_reads_as_a_page_in_chinese_with_the_download_beside_it(client, worker, other_worker):
    client.force_login(worker.user)
    profile = client.get(reverse("members:profile")).content.decode()
    assert reverse("members:data") in profile
    page = client.get(reverse("members:data"))
    assert page.status_code == 200
    text = page.content.decode()
    assert worker.name in text and other_worker.name not in text
    for heading in ("会籍", "个人资料", "姓名", "出生日期", "状态记录"):
        assert f">{heading}<" in text
    assert "date_of_birth" not in text and "status_history" not in text  # headings, not the file's keys
    assert f'href="{reverse("members:data-export")}" download' in text


def test_my_data_page_needs_a_profile(client, newcomer):
    client.force_login(newcomer)
    assert client.get(reverse("members:data")).status_code == 404


def test_my_data_page_shows_moments_in_local_time_and_no_repeated_labels(client, worker):
    client.force_login(worker.user)
    text = client.get(reverse("members:data")).content.decode()
    assert "+00:00" not in text and "from label" not in text


def test_my_data_page_costs_the_same_queries_with_twice_the_records(client, worker):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from activities.models import Registration
    from tests.activities.factories import ActivityFactory
    from tests.feedback.factories import FeedbackFactory

    client.force_login(worker.user)

    def add(n):
        for _ in range(n):
            FeedbackFactory(author=worker)
            Registration.objects.create(activity=ActivityFactory(unit=worker.unit), member=worker, status="confirmed")

    def count():
        with CaptureQueriesContext(connection) as queries:
            assert client.get(reverse("members:data")).status_code == 200
        return len(queries)

    add(2)
    two = count()
    add(2)
    assert count() == two
