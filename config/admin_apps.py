from django.contrib.admin import apps as admin_apps


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site: superusers only (config/admin_site.py).

    The project shell has no app of its own; this one also connects the shell's receivers
    and registers its system checks.
    """

    default_site = "config.admin_site.PortalAdminSite"

    def ready(self):
        super().ready()
        from config import (
            sessions,  # noqa: F401  (the login-time receiver)
            static_assets,  # noqa: F401  (the check that the npm build is there)
        )
