"""Property: whatever the order of sign-ups, cancellations and capacity
changes, confirmed places never exceed the capacity, no place stays free
while someone waits, and the waiting list keeps the order people joined in."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from activities import services
from activities.models import Registration
from tests.activities.factories import ActivityFactory

S = Registration.Status
PEOPLE = 6

signup = st.tuples(st.just("signup"), st.integers(0, PEOPLE - 1))
cancel = st.tuples(st.just("cancel"), st.integers(0, PEOPLE - 1))
resize = st.tuples(st.just("capacity"), st.integers(1, 5))
# Sign-ups weigh double, so that queues form before people cancel.
operations = st.lists(st.one_of(signup, signup, cancel, resize), min_size=8, max_size=40)


@pytest.fixture
def people(make_members):
    # Made once: hypothesis runs every example inside the same function-scoped fixtures.
    return make_members(PEOPLE)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(capacity=st.integers(1, 3), ops=operations)
@example(capacity=1, ops=[("signup", 0), ("signup", 1), ("signup", 2), ("cancel", 0)])
def test_capacity_is_never_exceeded_and_the_queue_keeps_its_order(tree, officer, people, capacity, ops):
    with transaction.atomic():  # each example rolls back; the people stay for the next
        activity = ActivityFactory(unit=tree["union_a"], capacity=capacity)
        model_confirmed: set[int] = set()
        model_queue: list[int] = []  # who waits, in the order they joined
        for op, arg in ops:
            if op == "signup":
                member = people[arg]
                in_already = member.pk in model_confirmed or member.pk in model_queue
                try:
                    services.registration_signup(activity=activity, member=member, by=member.user)
                except ValidationError:
                    assert in_already
                else:
                    assert not in_already
                    if len(model_confirmed) < capacity:
                        model_confirmed.add(member.pk)
                    else:
                        model_queue.append(member.pk)
            elif op == "cancel":
                member = people[arg]
                registration = Registration.objects.filter(activity=activity, member=member).first()
                if registration is None or registration.status == S.CANCELLED:
                    continue
                services.registration_cancel(registration=registration, by=member.user)
                if member.pk in model_queue:
                    model_queue.remove(member.pk)
                else:
                    model_confirmed.discard(member.pk)
            else:
                try:
                    services.activity_capacity_change(activity=activity, capacity=arg, by=officer)
                except ValidationError:
                    assert arg < len(model_confirmed)
                    continue
                capacity = arg
            # the model: free places go to the head of the queue
            while model_queue and len(model_confirmed) < capacity:
                model_confirmed.add(model_queue.pop(0))

            confirmed = set(activity.registrations.filter(status=S.CONFIRMED).values_list("member", flat=True))
            queue = list(
                activity.registrations.filter(status=S.WAITING).order_by("position").values_list("member", flat=True)
            )
            assert len(confirmed) <= capacity
            assert not queue or len(confirmed) == capacity
            assert confirmed == model_confirmed
            assert queue == model_queue
        transaction.set_rollback(True)
