import threading

import pytest
from django.db import close_old_connections, connection, transaction

from members.models import DuesRecord


@pytest.mark.skipif(connection.vendor != "sqlite", reason="the SQLite settings under test")
@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_writers_all_succeed_on_sqlite(worker):
    """Without IMMEDIATE transactions and a busy timeout, most of these fail
    with "database is locked"."""
    errors = []
    barrier = threading.Barrier(20)

    def write(batch: int):
        try:
            barrier.wait()
            for i in range(10):
                with transaction.atomic():
                    # read, then write: the pattern that fails under DEFERRED transactions
                    DuesRecord.objects.filter(member_id=worker.pk).count()
                    DuesRecord.objects.create(member_id=worker.pk, period=f"{1900 + batch * 10 + i}-01-01", amount=1)
        except Exception as exc:  # noqa: BLE001
            errors.append(exc)
        finally:
            close_old_connections()

    threads = [threading.Thread(target=write, args=(n,)) for n in range(20)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert DuesRecord.objects.count() == 200
