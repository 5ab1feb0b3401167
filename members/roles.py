"""Roles are Django groups. Each app lists what its roles may do in its own
``roles.py`` as ``ROLE_PERMISSIONS = {role: ["app_label.codename", ...]}``;
``sync_roles`` creates the groups and grants those permissions. It runs from
the members data migration and after every ``migrate`` (post_migrate), so a
fresh install, and every later app, has its roles.
"""

from importlib import import_module

OFFICER = "Officer"
WELFARE_OFFICER = "Welfare officer"
CHAIR = "Chair"
ROLES = [OFFICER, WELFARE_OFFICER, CHAIR]

PROJECT_APPS = [
    "members",
    "notifications",
    "activities",
    "welfare",
    "feedback",
    "care",
    "notices",
    "learning",
    "surveys",
    "proposals",
    "dashboard",
]

ROLE_PERMISSIONS = {
    OFFICER: [
        "members.view_orgunit",
        "members.view_member",
        "members.add_member",
        "members.change_member",
        "members.approve_member",
        "members.export_member",
        "members.view_membershipevent",
        "members.view_membershiptransfer",
        "members.view_duesrecord",
        "members.add_duesrecord",
        "members.change_duesrecord",
        "members.view_deletionrequest",
        "members.change_deletionrequest",
        "members.view_importjob",
        "members.add_importjob",
    ],
    WELFARE_OFFICER: [],
    CHAIR: [],
}


def role_permissions() -> dict[str, set[str]]:
    """Every role's permissions, from all apps. Welfare officers and the chair
    are officers too, so they get the Officer list as well as their own."""
    merged: dict[str, set[str]] = {role: set() for role in ROLES}
    for app in PROJECT_APPS:
        try:
            module = import_module(f"{app}.roles")
        except ModuleNotFoundError:
            continue
        for role, perms in getattr(module, "ROLE_PERMISSIONS", {}).items():
            merged[role].update(perms)
    merged[WELFARE_OFFICER] |= merged[OFFICER]
    merged[CHAIR] |= merged[WELFARE_OFFICER]
    return merged


def sync_roles(group_model=None, permission_model=None) -> None:
    """Create the role groups and grant their permissions (adds, never removes)."""
    if group_model is None:
        from django.contrib.auth.models import Group as group_model
        from django.contrib.auth.models import Permission as permission_model
    for role, perms in role_permissions().items():
        group, _ = group_model.objects.get_or_create(name=role)
        wanted = []
        for perm in perms:
            app_label, codename = perm.split(".", 1)
            found = permission_model.objects.filter(content_type__app_label=app_label, codename=codename).first()
            if found is not None:
                wanted.append(found)
        group.permissions.add(*wanted)
