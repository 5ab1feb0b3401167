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
