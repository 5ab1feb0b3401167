"""``make audit``: known vulnerabilities in our pinned dependencies, risky code in ours.

* pip-audit checks every pinned requirement (and what they pull in) against
  the PyPI vulnerability data. It runs with ``--strict``: a package it could
  not check is a failure, never a silent pass. Where the vulnerability service
  cannot be reached the audit fails with a message saying so.
* bandit scans our own code; any high-severity finding fails.

Accepted vulnerabilities live in ``audit-ignore.txt``, one per line:
``<vulnerability id> <YYYY-MM-DD> <reason>``. A line without a date or a
reason fails the audit, as does an entry older than a year (look again).
"""

import datetime
import os
import re
import subprocess  # nosec B404
import sys
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
IGNORE_FILE = ROOT / "audit-ignore.txt"
REQUIREMENTS = ["requirements-test.txt", "requirements-audit.txt"]  # the first includes requirements.txt
BANDIT_EXCLUDE = ["./.venv", "./var", "./tests", "./node_modules"]
IGNORE_LINE = re.compile(r"^(?P<id>[A-Z]+-[\w-]+)\s+(?P<date>\d{4}-\d{2}-\d{2})\s+(?P<reason>\S.{9,})$")
MAX_IGNORE_AGE = datetime.timedelta(days=365)
# pip-audit's default service asks PyPI for one release's JSON; OSV is the other one.
SERVICES = {
    "pypi": "https://pypi.org/pypi/pip/24.0/json",
    "osv": "https://api.osv.dev/v1/vulns/PYSEC-2023-228",
}


def read_ignores(text: str, today: datetime.date) -> tuple[list[str], list[str]]:
    """The vulnerability ids to ignore, and the problems with the file."""
    ids, problems = [], []
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = IGNORE_LINE.match(line)
        if match is None:
            problems.append(f"audit-ignore.txt:{number}: write '<id> <YYYY-MM-DD> <reason>': {line!r}")
            continue
        try:
            written = datetime.date.fromisoformat(match["date"])
        except ValueError:
            problems.append(f"audit-ignore.txt:{number}: {match['date']} is not a date")
            continue
        if today - written > MAX_IGNORE_AGE:
            problems.append(f"audit-ignore.txt:{number}: {match['id']} was accepted on {written}; look at it again")
            continue
        ids.append(match["id"])
    return ids, problems


def reachable_service() -> str | None:
    for name, url in SERVICES.items():
        try:
            # Fixed https addresses only.
            with urllib.request.urlopen(url, timeout=10) as response:  # nosec B310
                if response.status == 200:
                    return name
        except (urllib.error.URLError, TimeoutError, OSError):
            continue
    return None


def run(command: list[str]) -> int:
    print("$", " ".join(command), flush=True)
    return subprocess.call(command, cwd=ROOT)  # nosec B603


def main() -> int:
    failed = False
    today = datetime.datetime.now(datetime.UTC).date()
    ignores, problems = read_ignores(IGNORE_FILE.read_text(encoding="utf-8") if IGNORE_FILE.exists() else "", today)
    for problem in problems:
        print(problem, file=sys.stderr)
        failed = True

    print("=== bandit: our code, high severity fails ===", flush=True)
    if run([str(BIN / "bandit"), "-q", "-r", ".", "-x", ",".join(BANDIT_EXCLUDE), "--severity-level", "high"]):
        failed = True

    print("=== pip-audit: pinned dependencies ===", flush=True)
    service = reachable_service()
    if service is None:
        message = (
            "no vulnerability service answers from this machine (PyPI's per-release JSON API and api.osv.dev). "
            "The dependencies were NOT checked; run `make audit` where one of them is reachable."
        )
        if os.environ.get("AUDIT_OFFLINE_OK"):
            # CI's machine reaches only the package index, not these services:
            # bandit still decides; the warning says what was not checked.
            print(f"WARNING: {message}", file=sys.stderr)
            print("audit: FAILED" if failed else "audit: bandit clean; dependencies NOT checked (offline)")
            return 1 if failed else 0
        print(f"AUDIT FAILED: {message}", file=sys.stderr)
        return 1
    command = [str(BIN / "pip-audit"), "--strict", "--progress-spinner", "off", "--vulnerability-service", service]
    for requirements in REQUIREMENTS:
        command += ["-r", requirements]
    for vulnerability in ignores:
        command += ["--ignore-vuln", vulnerability]
    if run(command):
        failed = True

    print("audit: FAILED" if failed else "audit: no known vulnerability, no high-severity finding", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
