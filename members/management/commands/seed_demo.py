from django.conf import settings
from django.core.management.base import BaseCommand
from django.utils.module_loading import import_string
from django.utils.translation import override


class Command(BaseCommand):
    help = "Load the Chinese demo data (once; later runs change nothing)."

    def handle(self, *args, **options):
        with override(settings.LANGUAGE_CODE):
            for path in settings.DEMO_SEEDERS:
                try:
                    seeder = import_string(path)
                except ImportError:
                    continue  # that area has no demo data
                seeder()
        self.stdout.write("Demo data ready.")
