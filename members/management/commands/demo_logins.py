from django.conf import settings
from django.core.management.base import BaseCommand

from members.demo import DEMO_PASSWORD, LOGINS


class Command(BaseCommand):
    help = "Print the demo logins and where the portal runs."

    def add_arguments(self, parser):
        parser.add_argument("--address", default="http://127.0.0.1:8000")

    def handle(self, *args, **options):
        address = options["address"]
        lines = [
            "",
            f"  UnionPortal is running at {address}/  (back office: {address}/admin/)",
            f"  E-mails are written to {settings.EMAIL_FILE_PATH}" if hasattr(settings, "EMAIL_FILE_PATH") else "",
            f"  Text messages (and their codes) are written to {settings.SMS_FILE_PATH}"
            if settings.SMS_BACKEND.endswith("filebased.SmsBackend")
            else "",
            "",
            f"  Demo logins (password for all: {DEMO_PASSWORD}):",
        ]
        roles = {None: "worker", "Officer": "officer", "Welfare officer": "welfare officer", "Chair": "chair"}
        for email, name, role in LOGINS:
            lines.append(f"    {roles[role]:<16} {email}  ({name})")
        lines.append("    the worker also signs in with the mobile number 13800000001 (or a texted code)")
        if not settings.STAFF_REQUIRE_MFA:
            lines.append("  The demo lets officers in without a second factor (STAFF_REQUIRE_MFA=0).")
        lines.append("  Press Ctrl-C to stop the web server, the worker and beat.")
        self.stdout.write("\n".join(line for line in lines if line is not None) + "\n")
