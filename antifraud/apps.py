from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AntifraudConfig(AppConfig):
    name = "antifraud"
    verbose_name = _("Anti-fraud")

    def ready(self):
        from antifraud.kinds import KINDS
        from core.kinds import register

        register(*KINDS)
