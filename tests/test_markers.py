"""REQUIRE_SERVICES decides which "needs …" skips are failures (CI relies on it)."""

import pytest

from tests.markers import required_skip_markers


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("", []),
        ("1", ["needs PostgreSQL", "needs Redis", "needs Chromium"]),
        ("chromium", ["needs Chromium"]),
        ("postgres,redis", ["needs PostgreSQL", "needs Redis"]),
        (" Redis , postgres ", ["needs PostgreSQL", "needs Redis"]),
    ],
)
def test_the_services_named_are_required(monkeypatch, value, expected):
    monkeypatch.setenv("REQUIRE_SERVICES", value)
    assert sorted(required_skip_markers()) == sorted(expected)


def test_a_misspelt_service_stops_the_run_rather_than_requiring_nothing(monkeypatch):
    monkeypatch.setenv("REQUIRE_SERVICES", "postgress")
    with pytest.raises(ValueError, match="postgress"):
        required_skip_markers()
