from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Portal")

    def ready(self):
        from django.conf import settings

        from portal import sessions  # noqa: F401  (connects the login-time receiver)
        from portal.stored_dates import install

        install(settings.DATABASES)
