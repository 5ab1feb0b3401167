"""Dashboard figures and statistics of each area, registered at start-up.

An area's module is loaded only when its app is installed, so the back
office works with whichever areas a site has.
"""

from importlib import import_module

from django.apps import apps

AREAS = {
    "members": "backoffice.areas.members",
    "notifications": "backoffice.areas.notifications",
    "backoffice": "backoffice.areas.imports",
}


def load_all() -> None:
    for app_label, module in AREAS.items():
        if apps.is_installed(app_label):
            import_module(module)
