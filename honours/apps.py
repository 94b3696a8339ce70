from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class HonoursConfig(AppConfig):
    name = "honours"
    verbose_name = _("Honours")

    def ready(self):
        from core.kinds import register
        from honours.kinds import KINDS

        register(*KINDS)
