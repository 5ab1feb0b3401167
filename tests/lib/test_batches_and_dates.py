from datetime import date

from lib.batches import batches
from lib.dates import day_or_today, month_start


def test_batches_cut_without_losing_or_repeating():
    assert list(batches(range(5), 2)) == [[0, 1], [2, 3], [4]]
    assert list(batches([], 3)) == []


def test_month_start_goes_back_across_years():
    assert month_start(date(2026, 2, 17)) == date(2026, 2, 1)
    assert month_start(date(2026, 2, 17), 3) == date(2025, 11, 1)


def test_day_or_today_reads_an_iso_day():
    assert day_or_today("2026-05-01") == date(2026, 5, 1)
    assert isinstance(day_or_today(None), date)
