from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from demo.network import DEMO_PASSWORD, USERS, load_demo


class Command(BaseCommand):
    help = "Build the article's demo network, users and records (idempotent)."

    def handle(self, *args, **options):
        if not settings.DEBUG and not settings.PORTAL_DEMO:
            raise CommandError(
                "Refusing to create demo users with known passwords: DEBUG is off and PORTAL_DEMO is not set."
            )
        created = load_demo()
        self.stdout.write("Demo records loaded." if created else "Demo network already loaded; nothing added.")
        self.stdout.write(f"Demo logins (password {DEMO_PASSWORD}):")
        self.stdout.write("  admin        superuser (Django admin at /admin/)")
        for username, display, code, role in USERS:
            self.stdout.write(f"  {username:<12} {role.label} · {code} ({display})")
