"""Two officers approving grants for the same member at the same moment cannot both use the rest of the cap."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from tests.markers import requires_postgres
from tests.welfare.factories import move, submit
from welfare import services
from welfare.models import WelfareRequest

S = WelfareRequest.State


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_simultaneous_approvals_never_pass_the_yearly_cap(worker, officer, welfare_officer, hardship_scheme):
    first = move(submit(worker), S.IN_REVIEW, officer)
    second = move(submit(worker), S.IN_REVIEW, officer)
    start = threading.Barrier(2)
    outcomes = {}

    def approve(request, by):
        try:
            start.wait()
            services.request_approve(request=request, by=by, granted_amount=Decimal("3000"))
            outcomes[request.pk] = "approved"
        except ValidationError:
            outcomes[request.pk] = "refused"
        finally:
            connection.close()

    threads = [
        threading.Thread(target=approve, args=(first, officer)),
        threading.Thread(target=approve, args=(second, welfare_officer)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes.values()) == ["approved", "refused"]  # 3000 + 3000 would pass the 5000 cap
    assert WelfareRequest.objects.filter(state=S.APPROVED).count() == 1
