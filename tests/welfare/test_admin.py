"""The officers' triage in the admin: filters, search, bulk actions, decisions, filing for a worker."""

from datetime import timedelta
from decimal import Decimal

from django.contrib.messages import get_messages
from django.utils import timezone

from tests.factories import ActiveMemberFactory
from tests.welfare import files
from tests.welfare.factories import move, request_type, submit
from welfare import services
from welfare.models import WelfareRequest

S = WelfareRequest.State
CHANGELIST = "/admin/welfare/welfarerequest/"


def _listed(client, **params) -> set[str]:
    response = client.get(CHANGELIST, params)
    assert response.status_code == 200
    return {request.reference for request in response.context["cl"].result_list}


def _messages(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


def _overdue(request: WelfareRequest) -> WelfareRequest:
    back = timedelta(days=30)
    WelfareRequest.objects.filter(pk=request.pk).update(
        submitted_at=request.submitted_at - back,
        first_response_due=request.first_response_due - back,
        decision_due=request.decision_due - back,
    )
    request.refresh_from_db()
    return request


def test_bulk_assign_to_me_reports_how_many(worker, other_worker, officer, staff_client, hardship_scheme):
    mine = [submit(worker), submit(other_worker, "illness")]
    finished = move(submit(worker), S.REJECTED, officer, "重复申请")
    client = staff_client(officer)
    response = client.post(
        CHANGELIST,
        {"action": "assign_to_me", "_selected_action": [r.pk for r in [*mine, finished]]},
        follow=True,
    )
    assert "2 件申请已由你负责。" in _messages(response)[0]
    assert any(finished.reference in m for m in _messages(response)[1:])
    assert {r.assigned_to for r in WelfareRequest.objects.filter(pk__in=[r.pk for r in mine])} == {officer}


def test_bulk_actions_cannot_reach_requests_outside_the_officers_view(
    worker, officer, staff_client, confidential_request
):
    client = staff_client(officer)
    client.post(CHANGELIST, {"action": "assign_to_me", "_selected_action": [confidential_request.pk]})
    confidential_request.refresh_from_db()
    assert confidential_request.assigned_to is None


def test_bulk_review_pay_and_close(worker, officer, staff_client, hardship_scheme):
    request = submit(worker)
    client = staff_client(officer)
    client.post(CHANGELIST, {"action": "start_review", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.state == S.IN_REVIEW
    services.request_approve(request=request, by=officer, granted_amount=Decimal("500"))
    client.post(CHANGELIST, {"action": "mark_paid", "_selected_action": [request.pk]})
    client.post(CHANGELIST, {"action": "close_selected", "_selected_action": [request.pk]})
    request.refresh_from_db()
    assert request.state == S.CLOSED
    assert [t.to_state for t in request.transitions.order_by("id")][-3:] == [S.APPROVED, S.PAID, S.CLOSED]


def test_unassigned_and_overdue_requests_stand_out_and_filter(worker, other_worker, officer, staff_client):
    late = _overdue(submit(worker))
    fresh = submit(other_worker, "illness")
    services.request_assign(request=fresh, officer=officer, by=officer)
    client = staff_client(officer)
    page = client.get(CHANGELIST).content.decode()
    assert "wf-overdue" in page and "wf-unassigned" in page
    assert _listed(client, overdue="yes") == {late.reference}
    assert _listed(client, overdue="no") == {fresh.reference}
    assert _listed(client, assigned="nobody") == {late.reference}
    assert _listed(client, assigned="me") == {fresh.reference}


def test_a_request_waiting_for_the_worker_is_not_overdue(worker, officer):
    request = _overdue(move(move(submit(worker), S.IN_REVIEW, officer), S.NEEDS_INFO, officer, "请补充"))
    assert not request.is_overdue()
    assert not WelfareRequest.objects.filter(WelfareRequest.overdue_q()).exists()


def test_filters_by_state_type_priority_and_sensitivity(worker, officer, welfare_officer, staff_client):
    wages = move(submit(worker, "wage-arrears"), S.IN_REVIEW, officer)
    services.request_triage(request=wages, by=officer, priority=WelfareRequest.Priority.URGENT)
    hidden = submit(worker, "discrimination", sensitivity="confidential")
    client = staff_client(welfare_officer)
    assert _listed(client, state="in_review") == {wages.reference}
    assert _listed(client, type=str(request_type("wage-arrears").pk)) == {wages.reference}
    assert _listed(client, priority="4") == {wages.reference}
    assert _listed(client, sensitivity="confidential") == {hidden.reference}
    assert _listed(client, submitted_at__year=str(timezone.localdate().year)) == {wages.reference, hidden.reference}


def test_search_by_reference_or_worker_name(worker, other_worker, officer, staff_client):
    hers = submit(worker)
    theirs = submit(other_worker, "illness")
    client = staff_client(officer)
    assert _listed(client, q=hers.reference) == {hers.reference}
    assert _listed(client, q=hers.reference.lower()) == {hers.reference}
    assert _listed(client, q="王芳") == {theirs.reference}
    assert _listed(client, q="WF-") == {hers.reference, theirs.reference}


def test_the_change_page_shows_the_timeline_and_the_possible_steps(
    normal_request, officer, staff_client, hardship_scheme
):
    services.message_post(request=normal_request, author=officer, body="核实中", internal=True)
    page = staff_client(officer).get(f"{CHANGELIST}{normal_request.pk}/change/").content.decode()
    assert "办理记录" in page and "核实中" in page and "收入证明.pdf" in page
    for to in ("in_review", "rejected", "withdrawn"):
        assert f"/move/{to}/" in page
    assert "/move/paid/" not in page


def test_the_officer_decides_on_the_decision_page(
    normal_request, officer, chair, staff_client, hardship_scheme, mailoutbox, django_capture_on_commit_callbacks
):
    move(normal_request, S.IN_REVIEW, officer)
    client = staff_client(officer)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}{normal_request.pk}/move/approved/", {"granted_amount": "4000", "note": "特殊困难"}
        )
    assert response.status_code == 302
    normal_request.refresh_from_db()
    assert (normal_request.state, normal_request.granted_amount) == (S.AWAITING_CHAIR, Decimal("4000.00"))
    assert "待主席审批" in mailoutbox[-1].subject
    # The chair finds the approval button on the request, and decides.
    chair_client = staff_client(chair)
    assert "/move/approved/" in chair_client.get(f"{CHANGELIST}{normal_request.pk}/change/").content.decode()
    chair_client.post(f"{CHANGELIST}{normal_request.pk}/move/approved/", {"granted_amount": "4000", "note": ""})
    normal_request.refresh_from_db()
    assert (normal_request.state, normal_request.decided_by) == (S.APPROVED, chair)
    assert normal_request.decision_reason == "特殊困难"


def test_a_plain_officer_is_not_offered_the_chairs_decision(worker, officer, staff_client, hardship_scheme):
    request = move(submit(worker), S.IN_REVIEW, officer)
    request = services.request_approve(request=request, by=officer, granted_amount=Decimal("4000"))
    page = staff_client(officer).get(f"{CHANGELIST}{request.pk}/change/").content.decode()
    assert "/move/approved/" not in page
    response = staff_client(officer).post(f"{CHANGELIST}{request.pk}/move/approved/", {"granted_amount": "4000"})
    assert response.status_code == 200  # the refusal is shown on the page
    request.refresh_from_db()
    assert request.state == S.AWAITING_CHAIR


def test_bad_decision_input_gets_a_message(normal_request, officer, staff_client):
    move(normal_request, S.IN_REVIEW, officer)
    client = staff_client(officer)
    for data in ({"granted_amount": "-1"}, {"granted_amount": "abc"}, {"granted_amount": "12345678901234"}):
        response = client.post(f"{CHANGELIST}{normal_request.pk}/move/approved/", data)
        assert response.status_code == 200
        assert "errorlist" in response.content.decode()
    assert client.post(f"{CHANGELIST}{normal_request.pk}/move/needs_info/", {"note": ""}).status_code == 200
    normal_request.refresh_from_db()
    assert normal_request.state == S.IN_REVIEW


def test_an_unknown_step_is_not_found(normal_request, officer, staff_client):
    assert staff_client(officer).get(f"{CHANGELIST}{normal_request.pk}/move/archived/").status_code == 404


def test_triage_on_the_change_page_assigns_and_sets_the_priority(
    normal_request, officer, welfare_officer, sibling_officer, staff_client
):
    client = staff_client(officer)
    url = f"{CHANGELIST}{normal_request.pk}/change/"
    choices = {str(u) for u in client.get(url).context["adminform"].form.fields["assigned_to"].queryset}
    assert choices == {"王强", "陈静"}  # officers of the worker's unit or above; not the sibling union's
    response = client.post(url, {"priority": "3", "sensitivity": "normal", "assigned_to": welfare_officer.pk})
    assert response.status_code == 302
    normal_request.refresh_from_db()
    assert (normal_request.priority, normal_request.assigned_to) == (3, welfare_officer)
    response = client.post(url, {"priority": "3", "sensitivity": "normal", "assigned_to": sibling_officer.pk})
    assert response.status_code == 200  # not a choice
    normal_request.refresh_from_db()
    assert normal_request.assigned_to == welfare_officer


def test_only_welfare_officers_and_the_chair_lift_confidentiality(
    confidential_request, officer, welfare_officer, staff_client
):
    services.request_assign(request=confidential_request, officer=officer, by=welfare_officer)
    url = f"{CHANGELIST}{confidential_request.pk}/change/"
    data = {"priority": "2", "sensitivity": "normal", "assigned_to": officer.pk}
    response = staff_client(officer).post(url, data)
    assert response.status_code == 200
    assert "只有福利干事和工会主席可以取消申请的保密" in response.content.decode()
    confidential_request.refresh_from_db()
    assert confidential_request.sensitivity == "confidential"
    assert staff_client(welfare_officer).post(url, data).status_code == 302
    confidential_request.refresh_from_db()
    assert confidential_request.sensitivity == "normal"


def test_an_officer_files_a_request_for_a_worker_with_their_consent(
    tree, officer, staff_client, mailoutbox, django_capture_on_commit_callbacks
):
    paper_member = ActiveMemberFactory(unit=tree["branch_a"], user=None, email="liu@example.cn", name="刘师傅")
    client = staff_client(officer)
    assert client.get(f"{CHANGELIST}add/").status_code == 200
    data = {
        "member": paper_member.pk,
        "request_type": request_type("illness").pk,
        "description": "刘师傅住院了，家属打电话来。",
        "amount_requested": "500",
        "sensitivity": "normal",
        "priority": "3",
        "attachments": [files.pdf("诊断证明.pdf")],
    }
    response = client.post(f"{CHANGELIST}add/", data)
    assert response.status_code == 200  # consent is required
    assert not WelfareRequest.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"{CHANGELIST}add/", {**data, "consent_note": "5月3日家属来电，本人同意", "attachments": [files.pdf()]}
        )
    request = WelfareRequest.objects.get()
    assert response.status_code == 302
    assert (request.on_behalf, request.filed_by, request.assigned_to) == (True, officer, officer)
    assert request.consent_note == "5月3日家属来电，本人同意"
    assert request.priority == 3
    assert request.attachments.count() == 1
    page = staff_client(officer).get(f"{CHANGELIST}{request.pk}/change/").content.decode()
    assert "由 王强 代职工提交。" in page and "5月3日家属来电，本人同意" in page
    assert "按照你的意愿" in mailoutbox[0].body  # the worker is told the union filed it for them


def test_an_officer_cannot_file_for_a_worker_outside_their_unit(outsider, officer, staff_client):
    response = staff_client(officer).post(
        f"{CHANGELIST}add/",
        {
            "member": outsider.pk,
            "request_type": request_type("illness").pk,
            "description": "x",
            "sensitivity": "normal",
            "priority": "2",
            "consent_note": "电话",
        },
    )
    assert response.status_code == 200
    assert not WelfareRequest.objects.exists()


def test_history_is_kept_and_never_reverted(normal_request, officer, staff_client):
    services.request_triage(request=normal_request, by=officer, priority=4)
    move(normal_request, S.IN_REVIEW, officer)
    assert normal_request.history.count() >= 3
    client = staff_client(officer)
    first = normal_request.history.order_by("history_id").first()
    url = f"{CHANGELIST}{normal_request.pk}/history/{first.history_id}/"
    assert client.get(url).status_code == 200
    assert client.post(url, {"priority": "2", "sensitivity": "normal"}).status_code == 403
    normal_request.refresh_from_db()
    assert (normal_request.state, normal_request.priority) == (S.IN_REVIEW, 4)


def test_officers_edit_service_levels_and_schemes(officer, staff_client, hardship_scheme):
    client = staff_client(officer)
    hardship = request_type("hardship")
    assert client.get(f"/admin/welfare/requesttype/{hardship.pk}/change/").status_code == 200
    assert client.get("/admin/welfare/benefitscheme/").status_code == 200
    assert client.get(f"/admin/welfare/requesttype/{hardship.pk}/delete/").status_code == 403


def test_each_officer_sees_the_changelist_their_permissions_allow(
    worker, other_worker, officer, welfare_officer, chair, staff_client
):
    """The welcome, the add link, the export link and the action bar follow who is looking."""
    from django.contrib.auth.models import Permission

    from tests.factories import officer_user

    services.request_assign(request=submit(worker), officer=officer, by=officer)
    submit(other_worker, "illness")
    reader = officer_user(unit=officer.officer_unit, roles=(), email="reader@example.cn")  # no adding, no actions
    reader.user_permissions.add(Permission.objects.get(codename="view_welfarerequest"))

    def page(user, **params) -> str:
        response = staff_client(user).get(CHANGELIST, params)
        assert response.status_code == 200
        return response.content.decode()

    mine, readers = page(officer), page(reader)
    assert "<strong>王强</strong>" in mine and "<strong>王强</strong>" not in page(welfare_officer)
    assert 'class="addlink"' in mine and 'name="action"' in mine and 'class="export_link"' in mine
    assert 'class="addlink"' not in readers and 'name="action"' not in readers and 'class="export_link"' in readers
    assert f"?submitted_at__year={timezone.localdate().year}" in mine  # the date drill-down
    assert 'href="?state__exact=submitted"' in mine  # the filter panel
    assert 'value="&lt;b&gt;&quot;&amp;王"' in page(officer, q='<b>"&王')  # the search box, escaped


def test_the_changelist_rows_link_to_the_request_keeping_the_filters(worker, officer, staff_client):
    request = submit(worker)
    page = staff_client(officer).get(CHANGELIST, {"state__exact": "submitted"}).content.decode()
    change = f"{CHANGELIST}{request.pk}/change/?_changelist_filters=state__exact%3Dsubmitted"
    assert f'<a href="{change}">{request.reference}</a>' in page
    assert f'<span class="wf-state wf-state-submitted">{request.get_state_display()}</span>' in page
