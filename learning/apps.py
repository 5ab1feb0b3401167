from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = _("Learning")

    def ready(self):
        from members import data_export, erasure, slots

        from . import sections
        from .services import member_learning_data, member_learning_erase

        data_export.register("learning", member_learning_data)
        erasure.register("learning", member_learning_erase)
        slots.register("members:profile", sections.profile_completions)
        slots.register("members:card", sections.card_completions)
        slots.register("welfare:guidance", sections.guidance_materials)
