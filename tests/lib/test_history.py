"""lib.history.HistoryAdmin: history pages an officer can read (issue 18 item 4)."""

import re

from django.contrib import admin
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from lib.history import HistoryAdmin
from members.models import Member


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def test_a_state_change_reads_as_labels_with_who_when_and_why(staff_client, officer, worker):
    client = staff_client(officer)
    client.post(reverse("admin:members_member_door", args=[worker.pk, "suspend"]), {"reason": "欠缴会费"})
    worker.refresh_from_db()
    assert worker.status == Member.Status.SUSPENDED
    response = client.get(reverse("admin:members_member_history", args=[worker.pk]))
    page = _text(response.content.decode()).replace(" :", ":")
    status_label = str(Member._meta.get_field("status").verbose_name)
    assert f"{status_label}: {Member.Status.ACTIVE.label} → {Member.Status.SUSPENDED.label}" in page, page
    assert f"{Member.Status.SUSPENDED.label}" == "暂停"
    assert "suspended" not in page.split("更改内容", 1)[1]  # no raw state code
    assert officer.display_name in page  # who
    assert "更改内容" in page and "Changes" not in page
    assert "None" not in page and "pk=None" not in page


def test_an_empty_value_and_an_unknown_author_read_as_a_dash(staff_client, officer, worker):
    worker.job_title = ""
    worker.save()
    worker.job_title = "焊工"
    worker.save()  # no _history_user: saved by the system
    response = staff_client(officer).get(reverse("admin:members_member_history", args=[worker.pk]))
    page = _text(response.content.decode()).replace(" :", ":")
    assert "— → 焊工" in page and "—（系统）" in page
    assert "None" not in page


def test_every_history_admin_uses_the_readable_list():
    kept = [a for a in admin.site._registry.values() if isinstance(a, SimpleHistoryAdmin)]
    assert kept and all(isinstance(a, HistoryAdmin) for a in kept), [type(a).__name__ for a in kept]


def test_an_empty_link_is_a_dash_and_a_deleted_one_has_its_last_name(worker):
    from simple_history.models import DeletedObject

    from lib.history import readable_value

    field = Member._meta.get_field("unit")
    assert readable_value(field, DeletedObject(Member, None)) == "—"
    assert readable_value(field, DeletedObject(Member, worker.pk)) == "李娟（已删除）"
