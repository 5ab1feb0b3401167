"""The service-level clock stops while a request waits for the worker's information (issue 21 §3)."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine
from django.urls import reverse

from dashboard.areas.welfare import welfare_panel
from tests.welfare.factories import move, submit
from welfare import services
from welfare.models import WelfareRequest

S = WelfareRequest.State
SHANGHAI = ZoneInfo("Asia/Shanghai")


def at(day: int, hour: int = 10) -> datetime:
    return datetime(2026, 3, day, hour, tzinfo=SHANGHAI)


def overdue_ids(today: date) -> set[int]:
    return set(WelfareRequest.objects.filter(WelfareRequest.overdue_q(today)).values_list("pk", flat=True))


def test_the_due_dates_move_on_by_the_days_the_request_waited(worker, officer):
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)  # hardship: answer in 3 days, decision in 15
        move(request, S.IN_REVIEW, officer)
    assert (request.first_response_due, request.decision_due) == (date(2026, 3, 4), date(2026, 3, 16))
    with time_machine.travel(at(5), tick=False):
        request = move(request, S.NEEDS_INFO, officer, "请补充工资条")
    assert request.is_clock_paused
    with time_machine.travel(at(12, 18), tick=False):
        services.message_post(request=request, author=worker.user, body="工资条已上传。")
    request.refresh_from_db()
    assert request.state == S.IN_REVIEW
    assert not request.is_clock_paused
    assert request.decision_due == date(2026, 3, 23)  # 16 March + the 7 days it waited
    assert request.paused_days == 7


def test_a_paused_request_is_never_overdue_and_a_resumed_one_only_after_its_new_date(worker, officer):
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
        move(request, S.NEEDS_INFO, officer, "请补充诊断证明")
    # Waiting for the worker well past the old decision date: not the office's delay.
    assert overdue_ids(date(2026, 3, 30)) == set()
    with time_machine.travel(at(20), tick=False):
        move(request, S.IN_REVIEW, worker.user, "")
    request.refresh_from_db()
    assert request.decision_due == date(2026, 4, 4)  # 16 March + 19 days paused
    assert not request.is_overdue(date(2026, 4, 4))
    assert overdue_ids(date(2026, 4, 4)) == set()
    assert request.is_overdue(date(2026, 4, 5))
    assert overdue_ids(date(2026, 4, 5)) == {request.pk}


def test_every_pause_adds_up(worker, officer):
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
    for pause, answer in ((2, 4), (10, 11)):
        with time_machine.travel(at(pause), tick=False):
            move(request, S.NEEDS_INFO, officer, "还缺材料")
        with time_machine.travel(at(answer), tick=False):
            request = move(request, S.IN_REVIEW, worker.user, "")
    assert request.paused_days == 3
    assert request.decision_due == date(2026, 3, 19)


def test_an_answer_on_the_same_day_moves_nothing(worker, officer):
    with time_machine.travel(at(1, 9), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
        move(request, S.NEEDS_INFO, officer, "请补充")
    with time_machine.travel(at(1, 21), tick=False):
        request = move(request, S.IN_REVIEW, worker.user, "")
    assert request.decision_due == date(2026, 3, 16)


def test_the_worker_sees_the_days_left_while_paused_and_the_new_date_after(worker, officer, client):
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
    with time_machine.travel(at(6), tick=False):
        move(request, S.NEEDS_INFO, officer, "请补充工资条")
    worker.user.language = "en"  # the portal speaks the member's chosen language, not the browser's
    worker.user.save(update_fields=["language"])
    client.force_login(worker.user)
    page = client.get(reverse("welfare:detail", args=[request.pk])).content.decode()
    assert "10 days after you answer (the clock is paused until then)" in page
    assert "2026-03-16" not in page
    with time_machine.travel(at(9), tick=False):
        move(request, S.IN_REVIEW, worker.user, "")
    page = client.get(reverse("welfare:detail", args=[request.pk])).content.decode()
    assert "2026-03-19" in page


def test_the_dashboard_counts_a_resumed_request_as_overdue_only_after_its_new_date(worker, officer, rf):
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
        move(request, S.NEEDS_INFO, officer, "请补充")
    with time_machine.travel(at(11), tick=False):
        move(request, S.IN_REVIEW, worker.user, "")  # due 26 March now

    def overdue_figure(day):
        web = rf.get("/")
        web.user = officer
        with time_machine.travel(datetime.combine(day, datetime.min.time(), SHANGHAI) + timedelta(hours=12)):
            panel = welfare_panel(web)
        return next(f.count for f in panel.figures if f.url.endswith("overdue=yes"))

    assert overdue_figure(date(2026, 3, 20)) == 0
    assert overdue_figure(date(2026, 3, 27)) == 1


def test_the_needs_information_mail_tells_the_worker_the_clock_stops(
    worker, officer, mailoutbox, django_capture_on_commit_callbacks
):
    worker.language = "en"
    worker.save()
    with time_machine.travel(at(1), tick=False):
        request = submit(worker)
        move(request, S.IN_REVIEW, officer)
    with time_machine.travel(at(6), tick=False), django_capture_on_commit_callbacks(execute=True):
        move(request, S.NEEDS_INFO, officer, "请补充工资条")
    assert "the office then has 10 days left for its decision" in mailoutbox[-1].body
    with time_machine.travel(at(9), tick=False), django_capture_on_commit_callbacks(execute=True):
        move(request, S.IN_REVIEW, worker.user, "")
    assert "Decision expected by 2026-03-19." in mailoutbox[-1].body
