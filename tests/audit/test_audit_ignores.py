import datetime
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location("audit_script", ROOT / "scripts" / "audit.py")
audit = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(audit)

TODAY = datetime.date(2026, 11, 25)


def test_the_committed_ignore_file_is_well_formed():
    _, problems = audit.read_ignores((ROOT / "audit-ignore.txt").read_text(encoding="utf-8"), TODAY)
    assert problems == []


def test_an_ignore_with_a_date_and_a_reason_is_accepted():
    ids, problems = audit.read_ignores(
        "GHSA-abcd-1234-wxyz 2026-10-01 only reachable through the admin's debug page\n", TODAY
    )
    assert (ids, problems) == (["GHSA-abcd-1234-wxyz"], [])


def test_an_ignore_without_a_date_or_a_reason_fails_the_audit():
    ids, problems = audit.read_ignores("PYSEC-2024-1\nCVE-2024-6345 2026-10-01\n", TODAY)
    assert ids == []
    assert len(problems) == 2


def test_an_ignore_older_than_a_year_must_be_looked_at_again():
    ids, problems = audit.read_ignores("PYSEC-2024-1 2025-01-02 does not affect our use of the library\n", TODAY)
    assert ids == []
    assert "look at it again" in problems[0]
