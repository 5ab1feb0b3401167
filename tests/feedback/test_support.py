import threading

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client

from feedback import services
from feedback.models import FeedbackSupport
from tests.factories import ActiveMemberFactory, MemberFactory
from tests.markers import requires_postgres


@pytest.fixture
def published(named_item, officer):
    return services.feedback_publish(feedback=named_item, by=officer, official_answer="已采纳，下月实施。")


def test_a_member_supports_a_published_item_once(published, other_worker):
    assert services.feedback_support(feedback=published, member=other_worker) is True
    assert services.feedback_support(feedback=published, member=other_worker) is False
    assert FeedbackSupport.objects.filter(feedback=published).count() == 1


def test_the_database_allows_one_support_per_member(published, other_worker):
    FeedbackSupport.objects.create(feedback=published, member=other_worker)
    with pytest.raises(IntegrityError), transaction.atomic():
        FeedbackSupport.objects.create(feedback=published, member=other_worker)


def test_a_double_click_on_the_support_button_gives_one_support(published, other_worker, client):
    client.force_login(other_worker.user)
    first = client.post(f"/feedback/{published.pk}/support/")
    second = client.post(f"/feedback/{published.pk}/support/")
    assert (first.status_code, second.status_code) == (302, 302)
    assert FeedbackSupport.objects.filter(feedback=published, member=other_worker).count() == 1


def test_a_support_can_be_withdrawn(published, other_worker, client):
    client.force_login(other_worker.user)
    client.post(f"/feedback/{published.pk}/support/")
    client.post(f"/feedback/{published.pk}/support/", {"withdraw": "1"})
    assert not FeedbackSupport.objects.exists()


def test_the_item_keeps_count_of_its_supports(published, other_worker, tree):
    third = ActiveMemberFactory(unit=tree["branch_a"])
    services.feedback_support(feedback=published, member=other_worker)
    services.feedback_support(feedback=published, member=third)
    services.feedback_support(feedback=published, member=third)  # a second click counts once
    published.refresh_from_db()
    assert published.supporter_count == 2
    services.feedback_support_withdraw(feedback=published, member=third)
    services.feedback_support_withdraw(feedback=published, member=third)  # nothing left to withdraw
    published.refresh_from_db()
    assert published.supporter_count == 1
    FeedbackSupport.objects.filter(member=other_worker).delete()  # as the admin or a cascade would
    published.refresh_from_db()
    assert published.supporter_count == 0


def test_unpublished_items_cannot_be_supported(named_item, other_worker):
    with pytest.raises(ValidationError):
        services.feedback_support(feedback=named_item, member=other_worker)
    assert not FeedbackSupport.objects.exists()


def test_only_active_members_support(published, tree):
    applicant = MemberFactory(unit=tree["branch_a"])
    with pytest.raises(PermissionDenied):
        services.feedback_support(feedback=published, member=applicant)


def test_a_member_of_another_union_cannot_support_it(published, outsider, client):
    with pytest.raises(ValidationError):
        services.feedback_support(feedback=published, member=outsider)
    client.force_login(outsider.user)
    assert client.post(f"/feedback/{published.pk}/support/").status_code == 404


def _post_together(clients, url) -> list[int]:
    """POST from every client at the same instant, each on its own connection."""
    barrier = threading.Barrier(len(clients))
    statuses = []

    def click(client):
        try:
            barrier.wait()
            statuses.append(client.post(url).status_code)
        finally:
            connection.close()

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return statuses


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_a_concurrent_double_click_gives_one_support_on_postgresql(published, other_worker):
    """Two requests from the same member at the same instant, as a double click
    on a slow phone sends them: both answered, one row. Five rounds."""
    url = f"/feedback/{published.pk}/support/"
    for _round in range(5):
        FeedbackSupport.objects.all().delete()
        clients = [Client(), Client()]
        for c in clients:
            c.force_login(other_worker.user)
        assert _post_together(clients, url) == [302, 302]
        assert FeedbackSupport.objects.filter(feedback=published, member=other_worker).count() == 1


@requires_postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_supports_from_the_service_insert_exactly_one_row_on_postgresql(published, other_worker):
    results = []
    barrier = threading.Barrier(4)

    def support():
        try:
            barrier.wait()
            results.append(services.feedback_support(feedback=published, member=other_worker))
        finally:
            connection.close()

    threads = [threading.Thread(target=support) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == [False, False, False, True]
    assert FeedbackSupport.objects.count() == 1
    published.refresh_from_db()
    assert published.supporter_count == 1
