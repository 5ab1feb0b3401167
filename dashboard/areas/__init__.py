"""Dashboard figures and statistics of each area, registered at start-up.

An area's module is loaded only when its app is installed, so the
dashboard works with whichever areas a site has.
"""

from importlib import import_module

from django.apps import apps

AREAS = [
    ("members", "dashboard.areas.members"),
    ("members", "dashboard.areas.imports"),
    ("notifications", "dashboard.areas.notifications"),
    ("activities", "dashboard.areas.activities"),
    ("welfare", "dashboard.areas.welfare"),
    ("feedback", "dashboard.areas.feedback"),
    ("care", "dashboard.areas.care"),
    ("learning", "dashboard.areas.learning"),
    ("proposals", "dashboard.areas.initiative"),
]


def load_all() -> None:
    for app_label, module in AREAS:
        if apps.is_installed(app_label) and _has_models(app_label):
            import_module(module)


def _has_models(app_label: str) -> bool:
    # An area app can be installed as an empty skeleton before its work lands.
    return any(True for _ in apps.get_app_config(app_label).get_models())
