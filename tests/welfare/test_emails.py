"""Every transition e-mails the worker, in their language, through the outbox."""

from decimal import Decimal

from notifications.models import Notification
from tests.factories import ActiveMemberFactory
from tests.welfare.factories import move, refused, submit
from welfare import services
from welfare.models import WelfareRequest

S = WelfareRequest.State


def test_a_new_request_gets_a_receipt_in_chinese(worker, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(worker)
    assert [m.to for m in mailoutbox] == [["worker@example.cn"]]
    mail = mailoutbox[0]
    assert request.reference in mail.subject
    assert "已收到" in mail.subject
    assert f"/welfare/{request.pk}/" in mail.body
    assert request.first_response_due.isoformat() in mail.body
    html = mail.alternatives[0][0]
    assert request.reference in html


def test_every_transition_mails_the_worker_exactly_once(
    worker, officer, hardship_scheme, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
        move(request, S.APPROVED, officer, "符合条件", granted_amount=Decimal("2000"))
        move(request, S.PAID, officer, "已转入工资卡")
        move(request, S.CLOSED, officer, "")
    assert len(mailoutbox) == request.transitions.count() == 5
    subjects = [m.subject for m in mailoutbox]
    for label, subject in zip(["已收到", "审核中", "已批准", "已发放", "已办结"], subjects, strict=True):
        assert label in subject
    approved = mailoutbox[2]
    assert "¥2000.00" in approved.body
    assert "符合条件" in approved.body
    keys = list(Notification.objects.filter(template="welfare-status").values_list("key", flat=True))
    assert len(keys) == len(set(keys)) == 5
    assert all(n.status == Notification.Status.SENT for n in Notification.objects.all())


def test_the_mail_is_in_the_workers_own_language(tree, officer, mailoutbox, django_capture_on_commit_callbacks):
    english = ActiveMemberFactory(unit=tree["branch_a"], language="en", user__language="en", name="Anna")
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(english, "hardship")
        move(request, S.IN_REVIEW, officer)
        move(request, S.NEEDS_INFO, officer, "Please send your last three pay slips.")
    assert mailoutbox[0].subject == f"We have received your request {request.reference}"
    assert "Hardship aid" in mailoutbox[0].body
    assert mailoutbox[1].subject == f"Your request {request.reference}: in review"
    assert "needs more information" in mailoutbox[2].body
    assert "Please send your last three pay slips." in mailoutbox[2].body


def test_a_rejection_mail_gives_the_reason(worker, officer, mailoutbox, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        request = submit(worker)
        services.request_reject(request=request, by=officer, reason="不属于困难帮扶范围，建议申请金秋助学。")
    assert "未获批准" in mailoutbox[-1].subject
    assert "建议申请金秋助学" in mailoutbox[-1].body


def test_a_grant_waiting_for_the_chair_tells_the_worker_so(
    worker, officer, hardship_scheme, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        request = move(submit(worker), S.IN_REVIEW, officer)
        services.request_approve(request=request, by=officer, granted_amount=Decimal("4000"))
    assert "待主席审批" in mailoutbox[-1].subject
    assert "主席" in mailoutbox[-1].body


def test_an_officers_message_is_mailed_but_an_internal_note_is_not(
    normal_request, officer, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        services.message_post(request=normal_request, author=officer, body="请问您方便周二上门吗？")
        services.message_post(request=normal_request, author=officer, body="收入偏高，需再核实", internal=True)
    messages = [m for m in mailoutbox if "新消息" in m.subject]
    assert len(messages) == 1
    assert "请问您方便周二上门吗？" in messages[0].body
    assert all("收入偏高" not in m.body for m in mailoutbox)


def test_a_worker_without_an_address_gets_no_mail_and_nothing_breaks(tree, officer, mailoutbox):
    paper_member = ActiveMemberFactory(unit=tree["branch_a"], user=None, email="", name="刘师傅")
    request = submit(paper_member, by=officer, consent_note="本人到工会办公室口头申请")
    move(request, S.IN_REVIEW, officer)
    assert not Notification.objects.exists()
    assert mailoutbox == []


def test_a_refused_move_queues_no_mail(normal_request, officer):
    before = Notification.objects.count()
    with refused("illegal_transition"):
        services.request_transition(request=normal_request, to=S.PAID, by=officer)
    assert Notification.objects.count() == before
