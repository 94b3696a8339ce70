from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RecordsConfig(AppConfig):
    """The record engine. Its label stays "portal" so that tables and content types stay."""

    name = "records"
    label = "portal"
    verbose_name = _("Records")

    def ready(self):
        from django.conf import settings

        from core import free_text
        from records.stored_dates import install

        install(settings.DATABASES)
        free_text.install()  # every free-text field refuses ID/mobile numbers and direction controls
