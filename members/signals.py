from allauth.account.signals import user_logged_in
from django.db.models.signals import post_migrate
from django.dispatch import receiver
from django.utils import translation

from .roles import sync_roles


@receiver(post_migrate)
def grant_role_permissions(sender, using="default", **kwargs):
    if sender.name != "members":
        return
    # Our apps' signal comes before contrib.auth's: make every app's
    # permissions first (idempotent), then grant them.
    from django.apps import apps
    from django.contrib.auth.management import create_permissions

    for app_config in apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)
    sync_roles()


@receiver(user_logged_in)
def use_member_language(sender, request, user, **kwargs):
    translation.activate(user.language)
    request.session["_language"] = user.language


def connect_officer_access_signals() -> None:
    """Every change that could alter an officer's permissions or second factor drops the kept
    answers (``members.access``)."""
    from allauth.mfa.models import Authenticator
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group, Permission
    from django.db.models.signals import m2m_changed, post_delete, post_save

    from .access import forget_all

    user_model = get_user_model()
    for through in (user_model.groups.through, user_model.user_permissions.through, Group.permissions.through):
        m2m_changed.connect(forget_all, sender=through, dispatch_uid=f"officer-access-{through._meta.label}")
    for model in (Group, Permission):
        post_save.connect(forget_all, sender=model, dispatch_uid=f"officer-access-save-{model._meta.label}")
        post_delete.connect(forget_all, sender=model, dispatch_uid=f"officer-access-delete-{model._meta.label}")
    post_save.connect(_authenticator_changed, sender=Authenticator, dispatch_uid="officer-access-mfa-saved")
    post_delete.connect(_authenticator_changed, sender=Authenticator, dispatch_uid="officer-access-mfa-deleted")
    post_save.connect(_user_saved, sender=user_model, dispatch_uid="officer-access-user-saved")
    post_delete.connect(_user_deleted, sender=user_model, dispatch_uid="officer-access-user-deleted")
    post_migrate.connect(forget_all, dispatch_uid="officer-access-migrated")


def _authenticator_changed(sender, instance, using=None, **kwargs):
    from .access import forget_user

    forget_user(instance.user_id, using)


def _user_saved(sender, instance, created, using=None, **kwargs):
    # A new account has no groups yet; its id may be that of one deleted (SQLite).
    if created:
        from .access import forget_user

        forget_user(instance.pk, using)


def _user_deleted(sender, instance, using=None, **kwargs):
    from .access import forget_user

    forget_user(instance.pk, using)
