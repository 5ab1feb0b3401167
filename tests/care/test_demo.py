import pytest
from django.core.management import call_command

from care.models import CareCase, State
from notices.models import GrantNotice, Objection


@pytest.mark.django_db
def test_the_demo_has_a_bereavement_visited_an_illness_overdue_and_a_grant_under_notice_with_an_objection():
    call_command("seed_demo")
    call_command("seed_demo")  # twice: nothing new
    assert CareCase.objects.filter(kind="bereavement", state=State.DONE, welfare_request__isnull=False).count() == 1
    assert CareCase.objects.filter(CareCase.overdue_q(), kind="illness").count() == 1
    notice = GrantNotice.objects.get(objections__state=Objection.State.PENDING)
    assert notice.is_open_for_objections()
    assert GrantNotice.objects.count() == 2
