from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.conf import settings

        from portal import accounts, free_text, sessions  # noqa: F401  (password and login-time receivers)
        from portal.stored_dates import install

        install(settings.DATABASES)
        free_text.install()  # every free-text field refuses ID/mobile numbers and direction controls


class PortalAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin with the portal's site: superusers only (portal/admin_site.py)."""

    default = False  # named in INSTALLED_APPS; PortalConfig stays this module's default
    default_site = "portal.admin_site.PortalAdminSite"
