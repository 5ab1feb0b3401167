"""The import structure of the portal (README, "What is inside"), kept true.

Each app may import only the apps below it; ``lib`` imports none of ours.
Every import counts, also one inside a function.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
OURS = {
    "lib",
    "notifications",
    "members",
    "activities",
    "welfare",
    "feedback",
    "care",
    "notices",
    "learning",
    "surveys",
    "proposals",
    "dashboard",
    "pages",
    "unionportal",
}
AREA = {"members", "notifications", "lib"}
ALLOWED = {
    "lib": set(),
    "notifications": {"lib"},
    "members": {"notifications", "lib"},
    "activities": AREA,
    "welfare": AREA,
    "feedback": AREA,
    # Care visits and 公示 build on welfare (its approvals open visits and notices); welfare knows neither.
    "care": {"welfare", *AREA},
    "notices": {"welfare", *AREA},
    # Learning sessions are activities; a request type's guidance links to the library.
    "learning": {"activities", "welfare", *AREA},
    # Surveys and proposals end in an activity draft (activities.services.activity_draft_create).
    "surveys": {"activities", *AREA},
    "proposals": {"activities", *AREA},
    "dashboard": {"activities", "welfare", "feedback", "care", "notices", "learning", "surveys", "proposals", *AREA},
    "pages": {"members", "lib"},
    "unionportal": OURS,
}
# Not there yet (see the README). Each entry is (module, app imported).
PENDING = {
    # Roster and dues import still live in the back office, which members' admin uses.
}


def imports_of(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
    return found & OURS


def modules(app: str):
    for path in sorted((ROOT / app).rglob("*.py")):
        if "migrations" not in path.parts:
            yield path


@pytest.mark.parametrize("app", sorted(ALLOWED))
def test_each_app_imports_only_the_apps_below_it(app):
    wrong = []
    for path in modules(app):
        name = str(path.relative_to(ROOT))
        for imported in imports_of(path) - ALLOWED[app] - {app}:
            if (name, imported) not in PENDING:
                wrong.append(f"{name} imports {imported}")
    assert not wrong


def test_the_pending_exceptions_are_still_needed():
    # An exception that is no longer true must go, so the rule tightens as the code moves.
    stale = [entry for entry in PENDING if entry[1] not in imports_of(ROOT / entry[0])]
    assert not stale
